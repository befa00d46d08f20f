// Turns a route trace into points on the map: one per hop that has a place there. Between places
// the packet travels along the node network (the bus above the nodes), and it enters a node's box
// below the header, so the route never crosses a node's name or address.
import type { Hop, RouteTrace } from "../../../worker/sim/net/trace.ts";
import { type Box, type MapLayout, podKey, serviceKey } from "./layout.ts";

export interface RoutePoint {
  x: number;
  y: number;
  /** Index of the hop in trace.hops. */
  hop: number;
}

interface Place {
  x: number;
  y: number;
  /** The way from the node network to the place, starting on the bus. */
  via: Array<{ x: number; y: number }>;
  /** The way back to the node network, ending on the bus, when it is not `via` reversed. */
  leave?: Array<{ x: number; y: number }>;
  /** Identifies the object, so hops at one object join directly instead of through the bus. */
  object: string;
}

/** Pods are entered from the gap left of their node, at the gap above their row. */
const ROW_GAP = 3;
/** Services are reached along the middle of the gap beside their column. */
const SERVICE_LANE = 6;

function place(hop: Hop, trace: RouteTrace, layout: MapLayout): Place | undefined {
  const ref = hop.ref;
  if (hop.kind === "dns") return undefined;
  const ws = layout.workstationPort;
  const workstation = { ...ws, via: [{ x: ws.x, y: layout.bus.y }], object: "Workstation" };
  if (!ref) return hop.kind === "client" && trace.from.kind === "workstation" ? workstation : undefined;
  switch (ref.kind) {
    case "Workstation":
      return workstation;
    case "Node": {
      const node = layout.nodes.find((n) => n.node.name === ref.name);
      if (!node) return undefined;
      // A request arrives at a node's address from the node network above it.
      const x = node.box.x + node.box.w / 2;
      return { x, y: node.box.y, via: [{ x, y: layout.bus.y }], object: "Node/" + ref.name };
    }
    case "Service": {
      const key = serviceKey({ namespace: ref.namespace ?? "default", name: ref.name });
      const svc = layout.services.find((s) => serviceKey(s.service) === key);
      if (!svc) return undefined;
      // In at the bottom-left corner, out to the chosen endpoint from the bottom-right one, so the
      // way up and the way down do not draw over each other. Both run in the gaps between service
      // columns, so they never cross the services below.
      const y = svc.box.y + svc.box.h;
      const left = svc.box.x;
      const right = svc.box.x + svc.box.w;
      const outward = [{ x: right, y }, { x: right + SERVICE_LANE, y }, { x: right + SERVICE_LANE, y: layout.bus.y }];
      if (hop.kind === "endpoint") return { x: right, y, via: [...outward].reverse().slice(0, -1), leave: outward.slice(1), object: "Service/" + key };
      return { x: left, y, via: [{ x: left - SERVICE_LANE, y: layout.bus.y }, { x: left - SERVICE_LANE, y }], leave: outward, object: "Service/" + key };
    }
    case "Pod": {
      const key = podKey({ namespace: ref.namespace ?? "default", name: ref.name });
      const pod = layout.pods.find((p) => podKey(p.pod) === key);
      if (!pod) return undefined;
      const node = layout.nodes.find((n) => n.node.name === pod.pod.node)?.box;
      const x = pod.box.x + pod.box.w / 2;
      // The top edge, so the arrow does not cover the pod's name.
      return { x, y: pod.box.y, via: node ? podEntry(pod.box, node, layout) : [{ x, y: layout.bus.y }], object: "Pod/" + key };
    }
  }
}

/** Down the gap left of the node, then across below the header (or between pod rows) to the pod. */
function podEntry(pod: Box, node: Box, layout: MapLayout): Array<{ x: number; y: number }> {
  const gapX = node.x - 5;
  const y = pod.y - ROW_GAP;
  return [
    { x: gapX, y: layout.bus.y },
    { x: gapX, y },
    { x: pod.x + pod.w / 2, y },
  ];
}

/** The points of the route in order, with consecutive duplicates merged. */
export function routePoints(trace: RouteTrace, layout: MapLayout): RoutePoint[] {
  const points: RoutePoint[] = [];
  const push = (p: { x: number; y: number }, hop: number) => {
    const last = points[points.length - 1];
    if (last && last.x === p.x && last.y === p.y) return;
    points.push({ x: p.x, y: p.y, hop });
  };
  let previous: Place | undefined;
  trace.hops.forEach((hop, i) => {
    const here = place(hop, trace, layout);
    if (!here) return;
    if (previous && previous.object !== here.object) {
      // Back out to the node network the way we came in, along it, and in to the next place.
      for (const p of previous.leave ?? [...previous.via].reverse()) push(p, i);
      for (const p of here.via) push(p, i);
    }
    push(here, i);
    previous = here;
  });
  return points;
}

export function pathOf(points: RoutePoint[]): string {
  return points.map((p, i) => `${i ? "L" : "M"}${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(" ");
}

/** The point for a hop, or the last point drawn before it (hops without a place sit there). */
export function pointForHop(points: RoutePoint[], hop: number): RoutePoint | undefined {
  let best: RoutePoint | undefined;
  for (const p of points) if (p.hop <= hop) best = p;
  return best ?? points[0];
}
