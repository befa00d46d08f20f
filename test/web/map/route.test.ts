import { describe, expect, it } from "vitest";
import type { RouteTrace } from "../../../worker/sim/net/trace.ts";
import { assignSlots, emptySlots, layoutMap } from "../../../web/src/map/layout.ts";
import { pathOf, pointForHop, routePoints } from "../../../web/src/map/route.ts";
import { pod, service, view } from "../fixtures.ts";

const v = view([pod("nginx")], [service("nginx", { endpoints: [{ ip: "10.244.1.5", port: 80, pod: "nginx", node: "node01" }] })]);
const layout = layoutMap(v, assignSlots(emptySlots(), v, false), false);

const trace: RouteTrace = {
  request: "curl http://192.168.56.12:30080/",
  from: { kind: "workstation", name: "workstation", ip: "192.168.56.1" },
  to: { host: "192.168.56.12", port: 30080, path: "/" },
  hops: [
    { kind: "client", label: "workstation", ref: { kind: "Workstation", name: "workstation" }, note: "" },
    { kind: "node", label: "node02", ref: { kind: "Node", name: "node02" }, note: "" },
    { kind: "service", label: "service default/nginx", ref: { kind: "Service", namespace: "default", name: "nginx" }, note: "" },
    { kind: "endpoint", label: "endpoint", ref: { kind: "Service", namespace: "default", name: "nginx" }, note: "" },
    { kind: "pod", label: "pod default/nginx", ref: { kind: "Pod", namespace: "default", name: "nginx" }, note: "" },
    { kind: "process", label: "nginx", ref: { kind: "Pod", namespace: "default", name: "nginx" }, note: "" },
  ],
  verdict: "answered",
  status: 200,
  reason: "",
};

describe("the route on the map", () => {
  it("goes workstation -> node network -> node -> service -> pod, merging hops at the same place", () => {
    const points = routePoints(trace, layout);
    // The node hop adds the way along the node network; the process answers where its pod is.
    expect(points.map((p) => p.hop)).toEqual([0, 1, 1, 1, 2, 3, 4]);
    const node = layout.nodes.find((n) => n.node.name === "node02")!.box;
    expect(points[1].y).toBe(layout.bus.y);
    expect(points[2]).toEqual({ x: node.x + node.w / 2, y: layout.bus.y, hop: 1 });
    expect(points[3]).toEqual({ x: node.x + node.w / 2, y: node.y, hop: 1 });
    // Into the service and out to the endpoint at different places, so the lines do not overlap.
    expect(points[4].x).not.toBe(points[5].x);
    const pod = layout.pods[0].box;
    expect(points[6]).toEqual({ x: pod.x + pod.w / 2, y: pod.y, hop: 4 });
    expect(pathOf(points).match(/L/g)).toHaveLength(6);
  });

  it("puts a hop without a place of its own at the last point before it", () => {
    const withDns = { ...trace, hops: [trace.hops[0], { kind: "dns" as const, label: "dns", note: "" }, ...trace.hops.slice(1)] };
    const points = routePoints(withDns, layout);
    expect(pointForHop(points, 1)).toEqual(points[0]);
    expect(pointForHop(points, 6)).toBe(points[points.length - 1]);
  });

  it("skips objects the map does not show", () => {
    const hidden = { ...trace, hops: [...trace.hops.slice(0, 2), { kind: "pod" as const, label: "x", ref: { kind: "Pod" as const, namespace: "kube-system", name: "coredns" }, note: "" }] };
    expect(routePoints(hidden, layout).some((p) => p.hop === 2)).toBe(false);
  });
});
