// Turns a route trace into points on the map: one per hop that has a place there.
import type { Hop, RouteTrace } from "../../../worker/sim/net/trace.ts";
import { type Box, type MapLayout, podKey, serviceKey } from "./layout.ts";

export interface RoutePoint {
  x: number;
  y: number;
  /** Index of the hop in trace.hops. */
  hop: number;
}

const centre = (b: Box) => ({ x: b.x + b.w / 2, y: b.y + b.h / 2 });

/** The point a hop is drawn at, or undefined when the map does not show its object. */
export function hopPoint(hop: Hop, trace: RouteTrace, layout: MapLayout): { x: number; y: number } | undefined {
  const ref = hop.ref;
  if (hop.kind === "dns") return undefined;
  if (!ref) {
    if (hop.kind === "client" && trace.from.kind === "workstation") return centre(layout.workstation);
    return undefined;
  }
  switch (ref.kind) {
    case "Workstation":
      return centre(layout.workstation);
    case "Node": {
      const node = layout.nodes.find((n) => n.node.name === ref.name);
      // A request arrives at a node's address: its header, where the node's IP is written.
      return node ? { x: node.box.x + node.box.w / 2, y: node.box.y + 20 } : undefined;
    }
    case "Service": {
      const key = serviceKey({ namespace: ref.namespace ?? "default", name: ref.name });
      const svc = layout.services.find((s) => serviceKey(s.service) === key);
      return svc ? centre(svc.box) : undefined;
    }
    case "Pod": {
      const key = podKey({ namespace: ref.namespace ?? "default", name: ref.name });
      const pod = layout.pods.find((p) => podKey(p.pod) === key);
      return pod ? centre(pod.box) : undefined;
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
