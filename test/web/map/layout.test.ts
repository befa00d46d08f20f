import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignSlots, emptySlots, layoutMap, mapWidth, pendingNote, podKey, statusClass, WIDTH } from "../../../web/src/map/layout.ts";
import { pod, service, view } from "../fixtures.ts";

const NODES = ["node01", "node02"];

describe("the map layout", () => {
  it("keeps every pod where it was while other pods and up to six services come and go", () => {
    // A sequence of cluster versions: each step adds or removes some pods and services.
    const step = fc.record({
      add: fc.array(fc.tuple(fc.integer({ min: 0, max: 150 }), fc.constantFrom(...NODES)), { maxLength: 20 }),
      remove: fc.array(fc.integer({ min: 0, max: 150 }), { maxLength: 20 }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        let pods = new Map<string, ReturnType<typeof pod>>();
        let slots = emptySlots();
        let previous = new Map<string, { x: number; y: number }>();
        for (const { add, remove } of steps) {
          pods = new Map(pods);
          for (const n of remove) pods.delete(`p${n}`);
          for (const [n, node] of add) if (!pods.has(`p${n}`) && pods.size < 100) pods.set(`p${n}`, pod(`p${n}`, { node }));
          const v = view([...pods.values()], [...pods.keys()].slice(0, 6).map((name) => service(`s-${name}`)));
          slots = assignSlots(slots, v, false);
          const layout = layoutMap(v, slots, false);
          // A pod recreated under the same name on another node is a new pod.
          const now = new Map(layout.pods.map((p) => [`${podKey(p.pod)}@${p.pod.node}`, { x: p.box.x, y: p.box.y }]));
          for (const [key, at] of now) {
            const before = previous.get(key);
            if (before) expect(at).toEqual(before);
          }
          // No two pods overlap.
          const seen = new Set([...now.values()].map((p) => `${p.x},${p.y}`));
          expect(seen.size).toBe(now.size);
          previous = now;
        }
      }),
    );
  });

  it("draws 100 pods, each inside its node", () => {
    const pods = Array.from({ length: 100 }, (_, i) => pod(`p${i}`, { node: NODES[i % 2] }));
    const v = view(pods);
    const layout = layoutMap(v, assignSlots(emptySlots(), v, false), false);
    expect(layout.pods).toHaveLength(100);
    for (const { pod: p, box } of layout.pods) {
      const node = layout.nodes.find((n) => n.node.name === p.node)!.box;
      expect(box.x).toBeGreaterThanOrEqual(node.x);
      expect(box.x + box.w).toBeLessThanOrEqual(node.x + node.w);
      expect(box.y + box.h).toBeLessThanOrEqual(node.y + node.h);
    }
    expect(layout.height).toBeGreaterThan(layout.cluster.h);
  });

  it("hides system pods and services unless asked, and counts them", () => {
    const v = view(
      [pod("nginx"), pod("etcd-controlplane", { namespace: "kube-system", system: true, node: "controlplane" }), pod("kube-flannel-ds-x", { namespace: "kube-flannel" })],
      [service("kube-dns", { system: true, namespace: "kube-system" })],
    );
    const hidden = layoutMap(v, assignSlots(emptySlots(), v, false), false);
    expect(hidden.pods.map((p) => p.pod.name)).toEqual(["nginx"]);
    expect(hidden.hidden).toEqual({ pods: 2, services: 1 });
    const shown = layoutMap(v, assignSlots(emptySlots(), v, true), true);
    expect(shown.pods).toHaveLength(3);
    expect(shown.services).toHaveLength(1);
  });

  it("moves the nodes down once when services need a third row, and not back up when they go", () => {
    const services = (n: number) => Array.from({ length: n }, (_, i) => service(`s${i}`));
    let slots = emptySlots();
    const nodeTop = (n: number) => {
      const v = view([pod("a")], services(n));
      slots = assignSlots(slots, v, false);
      return layoutMap(v, slots, false).nodes[0].box.y;
    };
    const start = nodeTop(0);
    expect(nodeTop(1)).toBe(start);
    expect(nodeTop(6)).toBe(start);
    const lower = nodeTop(7);
    expect(lower).toBeGreaterThan(start);
    expect(nodeTop(2)).toBe(lower);
  });

  it.each([
    ["Running", true, "ok"],
    ["Running", false, "wait"],
    ["ContainerCreating", false, "wait"],
    ["ImagePullBackOff", false, "bad"],
    ["CrashLoopBackOff", false, "bad"],
    ["Completed", false, "done"],
    ["Terminating", true, "gone"],
  ] as const)("colours %s (ready %s) as %s", (status, ready, expected) => {
    expect(statusClass(pod("x", { status, ready }))).toBe(expected);
  });
});

describe("the map on a phone", () => {
  const inside = (box: { x: number; w: number }, width: number) => box.x >= 0 && box.x + box.w <= width;

  it("lays itself out for the width it has instead of scaling a laptop's map down", () => {
    expect(mapWidth(undefined)).toBe(WIDTH);
    expect(mapWidth(900)).toBe(WIDTH);
    expect(mapWidth(366)).toBe(366);
    expect(mapWidth(200)).toBe(320);
  });

  it("keeps the workstation, cluster, services, nodes and pods inside a narrow width", () => {
    fc.assert(
      fc.property(fc.integer({ min: 320, max: 559 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 4 }), (width, podCount, serviceCount) => {
        const pods = Array.from({ length: podCount }, (_, i) => pod(`p${i}`, { node: ["controlplane", "node01", "node02"][i % 3] }));
        const services = Array.from({ length: serviceCount }, (_, i) => service(`s${i}`));
        const v = view(pods, services);
        const l = layoutMap(v, assignSlots(emptySlots(), v, false, width), false, width);
        expect(l.narrow).toBe(true);
        expect(l.width).toBe(width);
        for (const box of [l.workstation, l.cluster, ...l.services.map((s) => s.box), ...l.nodes.map((n) => n.box), ...l.pods.map((p) => p.box)]) {
          expect(inside(box, width), JSON.stringify(box)).toBe(true);
        }
        // The workstation is outside the cluster, above it.
        expect(l.workstation.y + l.workstation.h).toBeLessThan(l.cluster.y);
        // Every pod inside its node.
        for (const { pod: p, box } of l.pods) {
          const node = l.nodes.find((n) => n.node.name === p.node)!.box;
          expect(box.x >= node.x && box.x + box.w <= node.x + node.w).toBe(true);
        }
      }),
    );
  });
});

describe("the note about pods no node has taken", () => {
  const waiting = (n: number) => Array.from({ length: n }, (_, i) => pod(`huge-${i}`, { node: undefined, status: "Pending", ready: false }));

  it("names a few and counts the rest, so hundreds of pending pods stay one line", () => {
    expect(pendingNote(waiting(2))).toBe("Not scheduled yet (2): huge-0 (Pending), huge-1 (Pending)");
    expect(pendingNote(waiting(300))).toBe("Not scheduled yet (300): huge-0 (Pending), huge-1 (Pending), huge-2 (Pending), huge-3 (Pending), huge-4 (Pending) and 295 more");
  });
});
