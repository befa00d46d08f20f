// Turns a route trace into points on the map: one per hop that has a place there.
import type { Hop, RouteTrace } from "../../../worker/sim/net/trace.ts";
import { type MapLayout, podKey, serviceKey } from "./layout.ts";

export interface RoutePoint {
  x: number;
  y: number;
  /** Index of the hop in trace.hops. */
  hop: number;
}

/** The point a hop is drawn at, or undefined when the map does not show its object. */
export function hopPoint(hop: Hop, trace: RouteTrace, layout: MapLayout): { x: number; y: number } | undefined {
  const ref = hop.ref;
  if (hop.kind === "dns") return undefined;
  if (!ref) {
    if (hop.kind === "client" && trace.from.kind === "workstation") return { x: layout.workstation.x + layout.workstation.w / 2, y: layout.workstation.y };
    return undefined;
  }
  switch (ref.kind) {
    case "Workstation":
      return { x: layout.workstation.x + layout.workstation.w / 2, y: layout.workstation.y };
    case "Node": {
      const node = layout.nodes.find((n) => n.node.name === ref.name);
      // A request arrives at a node's address from the node network above it.
      return node ? { x: node.box.x + node.box.w / 2, y: node.box.y } : undefined;
    }
    case "Service": {
      const key = serviceKey({ namespace: ref.namespace ?? "default", name: ref.name });
      const svc = layout.services.find((s) => serviceKey(s.service) === key);
      if (!svc) return undefined;
      // In on the left of the service's bottom edge, out to the chosen endpoint on the right, so
      // the way up and the way down do not draw over each other.
      const share = hop.kind === "endpoint" ? 0.68 : 0.32;
      return { x: svc.box.x + svc.box.w * share, y: svc.box.y + svc.box.h };
    }
    case "Pod": {
      const key = podKey({ namespace: ref.namespace ?? "default", name: ref.name });
      const pod = layout.pods.find((p) => podKey(p.pod) === key);
      // The top edge, so the arrow does not cover the pod's name.
      return pod ? { x: pod.box.x + pod.box.w / 2, y: pod.box.y } : undefined;
    }
  }
}

/** The points of the route in order, with consecutive duplicates merged. */
export function routePoints(trace: RouteTrace, layout: MapLayout): RoutePoint[] {
  const points: RoutePoint[] = [];
  trace.hops.forEach((hop, i) => {
    const p = hopPoint(hop, trace, layout);
    if (!p) return;
    const last = points[points.length - 1];
    if (last && last.x === p.x && last.y === p.y) return;
    // Between the workstation and a node the packet travels along the node network.
    const fromOutside = last && trace.hops[last.hop].ref?.kind !== "Node" && trace.hops[last.hop].ref?.kind !== "Pod" && last.y === layout.workstation.y;
    if (fromOutside && hop.ref?.kind === "Node") {
      points.push({ x: last.x, y: layout.bus.y, hop: i }, { x: p.x, y: layout.bus.y, hop: i });
    }
    points.push({ ...p, hop: i });
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
