import fc from "fast-check";
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
  it("goes workstation -> node network -> node -> service -> node network -> pod, merging hops at the same place", () => {
    const points = routePoints(trace, layout);
    const node = layout.nodes.find((n) => n.node.name === "node02")!.box;
    const svc = layout.services[0].box;
    const pod = layout.pods[0].box;
    const podNode = layout.nodes.find((n) => n.node.name === "node01")!.box;
    const bus = layout.bus.y;
    expect(points.map(({ x, y }) => [x, y])).toEqual([
      [layout.workstationPort.x, layout.workstationPort.y],
      [layout.workstationPort.x, bus], // along the node network
      [node.x + node.w / 2, bus],
      [node.x + node.w / 2, node.y], // the node's address
      [node.x + node.w / 2, bus], // back on the network, up the gap beside the service's column
      [svc.x - 6, bus],
      [svc.x - 6, svc.y + svc.h],
      [svc.x, svc.y + svc.h],
      [svc.x + svc.w, svc.y + svc.h], // out to the endpoint elsewhere, so the lines do not overlap
      [svc.x + svc.w + 6, svc.y + svc.h],
      [svc.x + svc.w + 6, bus],
      [podNode.x - 5, bus], // down the gap beside the pod's node
      [podNode.x - 5, pod.y - 3],
      [pod.x + pod.w / 2, pod.y - 3], // across below the node's header
      [pod.x + pod.w / 2, pod.y],
    ]);
    expect(points.map((p) => p.hop)).toEqual([0, 1, 1, 1, 2, 2, 2, 2, 3, 4, 4, 4, 4, 4, 4]);
    expect(pathOf(points).match(/L/g)).toHaveLength(14);
  });

  it("leaves a service by its right-hand lane when the endpoint hop names the pod (as the data plane does)", () => {
    const hops = trace.hops.map((h) => (h.kind === "endpoint" ? { ...h, ref: { kind: "Pod" as const, namespace: "default", name: "nginx" } } : h));
    const points = routePoints({ ...trace, hops }, layout);
    const svc = layout.services[0].box;
    const y = svc.y + svc.h;
    const at = points.findIndex((p) => p.x === svc.x && p.y === y);
    expect(points.slice(at, at + 4).map(({ x, y }) => [x, y])).toEqual([
      [svc.x, y],
      [svc.x + svc.w, y],
      [svc.x + svc.w + 6, y],
      [svc.x + svc.w + 6, layout.bus.y],
    ]);
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

/** Does an axis-parallel segment pass through the rectangle's inside? */
function crosses(a: { x: number; y: number }, b: { x: number; y: number }, r: { x: number; y: number; w: number; h: number }): boolean {
  const [x1, x2] = [Math.min(a.x, b.x), Math.max(a.x, b.x)];
  const [y1, y2] = [Math.min(a.y, b.y), Math.max(a.y, b.y)];
  return x1 < r.x + r.w && x2 > r.x && y1 < r.y + r.h && y2 > r.y;
}

describe("the route and the names on the map", () => {
  const nodes = ["controlplane", "node01", "node02"];
  const scene = fc.record({
    pods: fc.uniqueArray(fc.record({ name: fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "h"), node: fc.constantFrom(...nodes) }), { selector: (p) => p.name, minLength: 1, maxLength: 8 }),
    target: fc.nat(),
    entry: fc.constantFrom(...nodes),
    width: fc.constantFrom(760, 320, 360, 390, 500),
    others: fc.integer({ min: 0, max: 7 }),
  });

  it("never crosses a node's header (its name and IP) or another service, whatever pod it goes to", () => {
    fc.assert(
      fc.property(scene, ({ pods, target, entry, width, others }) => {
        const chosen = pods[target % pods.length];
        const v = view(
          pods.map((p) => pod(p.name, { node: p.node, labels: { app: "x" } })),
          [
            ...Array.from({ length: others }, (_, i) => service(`before${i}`)),
            service("svc", { selector: { app: "x" }, endpoints: [{ ip: "10.244.1.9", port: 80, pod: chosen.name, node: chosen.node }] }),
            ...Array.from({ length: 3 }, (_, i) => service(`after${i}`)),
          ],
        );
        const l = layoutMap(v, assignSlots(emptySlots(), v, false, width), false, width);
        const hops = trace.hops.map((h) =>
          h.ref?.kind === "Node"
            ? { ...h, ref: { ...h.ref, name: entry } }
            : h.ref?.kind === "Pod"
              ? { ...h, ref: { ...h.ref, name: chosen.name } }
              : h.ref?.kind === "Service"
                ? { ...h, ref: { ...h.ref, name: "svc" } }
                : h,
        );
        const points = routePoints({ ...trace, hops }, l);
        expect(points.length).toBeGreaterThan(5);
        for (const { box } of l.nodes) {
          const header = { x: box.x, y: box.y + 2, w: box.w, h: 40 };
          for (let i = 1; i < points.length; i++) expect(crosses(points[i - 1], points[i], header)).toBe(false);
        }
        for (const { box } of l.services) {
          for (let i = 1; i < points.length; i++) expect(crosses(points[i - 1], points[i], box), `${box.x},${box.y}`).toBe(false);
        }
      }),
    );
  });
});
