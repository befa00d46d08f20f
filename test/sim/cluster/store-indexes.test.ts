import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createObject, deleteObject, getObject, updateObject } from "../../../worker/sim/cluster/api-server.ts";
import { LabelIndex, keyCount } from "../../../worker/sim/cluster/label-index.ts";
import { PodAddressIndex } from "../../../worker/sim/cluster/pod-address-index.ts";
import { podAddressIndex, podLabelIndex } from "../../../worker/sim/cluster/store.ts";
import type { ClusterState, Pod } from "../../../worker/sim/cluster/types.ts";
import { T0, apply, cluster } from "./helpers.ts";

type Op =
  | { op: "create"; name: number; app: number; ns: "default" | "kube-system" }
  | { op: "relabel"; name: number; app: number }
  | { op: "delete"; name: number }
  | { op: "wait"; seconds: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("create" as const), name: fc.nat(6), app: fc.nat(3), ns: fc.constantFrom("default" as const, "kube-system" as const) }),
  fc.record({ op: fc.constant("relabel" as const), name: fc.nat(6), app: fc.nat(3) }),
  fc.record({ op: fc.constant("delete" as const), name: fc.nat(6) }),
  fc.record({ op: fc.constant("wait" as const), seconds: fc.integer({ min: 1, max: 5 }) }),
);

/** What the label index must answer, computed by scanning every pod. */
function scanLabels(s: ClusterState, ns: string, key: string, value: string): string[] {
  return Object.keys(s.pods)
    .filter((k) => (s.pods[k].metadata.namespace ?? "default") === ns && s.pods[k].metadata.labels?.[key] === value)
    .sort();
}

function scanAddress(s: ClusterState, ip: string): string | undefined {
  return Object.keys(s.pods).find((k) => s.pods[k].status.podIP === ip && !s.pods[k].spec.hostNetwork);
}

function checkAgainstScan(s: ClusterState): void {
  const labels = podLabelIndex(s);
  for (const ns of ["default", "kube-system"]) {
    for (let app = 0; app < 4; app++) {
      expect([...labels.podsWith(ns, "app", `a${app}`)].sort()).toEqual(scanLabels(s, ns, "app", `a${app}`));
    }
  }
  const addresses = podAddressIndex(s);
  for (const pod of Object.values(s.pods)) {
    const ip = pod.status.podIP;
    if (!ip) continue;
    if (pod.spec.hostNetwork) expect(addresses.hostNetworkPods(pod.spec.nodeName!)).toContain(`${pod.metadata.namespace}/${pod.metadata.name}`);
    else expect(addresses.podAt(ip)).toBe(scanAddress(s, ip));
  }
  expect(addresses.podAt("10.244.250.250")).toBeUndefined();
}

describe("store indexes kept across transactions", () => {
  it("answer like a scan of the pods after any sequence of creates, relabels, deletes and waits, and a committed state's answers never change", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.array(opArb, { maxLength: 20 }), (seed, ops) => {
        const { state, random } = cluster(seed);
        let s = state;
        let now = T0;
        const seen: Array<{ state: ClusterState; labels: string[]; address: Array<[string, string | undefined]> }> = [];
        const snapshot = (st: ClusterState) => ({
          state: st,
          labels: [...podLabelIndex(st).podsWith("default", "app", "a1")].sort(),
          address: Object.values(st.pods)
            .filter((p) => p.status.podIP)
            .map((p): [string, string | undefined] => [p.status.podIP!, podAddressIndex(st).podAt(p.status.podIP!)]),
        });
        for (const o of ops) {
          now += 1000 + (o.op === "wait" ? o.seconds * 1000 : 0);
          const ctx = { now, random };
          s = apply(s, random, now, (tx) => {
            if (o.op === "create") {
              createObject(tx, { apiVersion: "v1", kind: "Pod", metadata: { name: `p${o.name}`, namespace: o.ns, labels: { app: `a${o.app}` } }, spec: { containers: [{ name: "c", image: "nginx" }] } }, ctx);
            } else if (o.op === "relabel") {
              const got = getObject(tx.state, "pods", "default", `p${o.name}`);
              if (got.ok) updateObject(tx, { ...(got.value as Pod), metadata: { ...got.value.metadata, labels: { app: `a${o.app}` } } }, ctx);
            } else if (o.op === "delete") {
              deleteObject(tx, "pods", "default", `p${o.name}`, ctx);
            }
          });
          checkAgainstScan(s);
          seen.push(snapshot(s));
        }
        // Later transactions adopted and changed the indexes: earlier states must not see it.
        for (const before of seen) expect(snapshot(before.state)).toEqual(before);
      }),
      { numRuns: 40 },
    );
  });
});

describe("LabelIndex", () => {
  it("leaves a sealed index as it was when a fork of it is written", () => {
    const a = new LabelIndex();
    a.add("default", { app: "web", tier: "front" }, "default/p1");
    a.sealed = true;
    const b = a.fork();
    b.add("default", { app: "web" }, "default/p2");
    b.remove("default", { app: "web", tier: "front" }, "default/p1");
    expect([...a.podsWith("default", "app", "web")]).toEqual(["default/p1"]);
    expect([...a.podsWith("default", "tier", "front")]).toEqual(["default/p1"]);
    expect([...b.podsWith("default", "app", "web")]).toEqual(["default/p2"]);
    expect([...b.podsWith("default", "tier", "front")]).toEqual([]);
  });

  it("refuses a write to a sealed index (writers must fork)", () => {
    const a = new LabelIndex();
    a.sealed = true;
    expect(() => a.add("default", { app: "web" }, "default/p1")).toThrow(/sealed/);
  });

  it("holds a pair's pods in the order they were added, small buckets and big ones alike, and a sealed index keeps its view", () => {
    const op = fc.record({ add: fc.boolean(), pod: fc.integer({ min: 0, max: 40 }), seal: fc.boolean() });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        let index = new LabelIndex();
        let model: string[] = [];
        const views: Array<{ index: LabelIndex; keys: string[] }> = [];
        for (const o of ops) {
          const key = `default/p${o.pod}`;
          if (o.add) {
            index.add("default", { app: "web" }, key);
            if (!model.includes(key)) model = [...model, key];
          } else {
            index.remove("default", { app: "web" }, key);
            model = model.filter((k) => k !== key);
          }
          if (o.seal) {
            index.seal();
            views.push({ index, keys: model });
            index = index.fork();
          }
          const keys = index.podsWith("default", "app", "web");
          expect([...keys]).toEqual(model);
          expect(keyCount(keys)).toBe(model.length);
        }
        for (const v of views) expect([...v.index.podsWith("default", "app", "web")]).toEqual(v.keys);
      }),
    );
  });

  it("keeps namespaces apart", () => {
    const a = new LabelIndex();
    a.add("default", { app: "web" }, "default/p1");
    a.add("other", { app: "web" }, "other/p1");
    expect([...a.podsWith("other", "app", "web")]).toEqual(["other/p1"]);
    expect([...a.podsWith("nowhere", "app", "web")]).toEqual([]);
  });
});

describe("PodAddressIndex", () => {
  const pod = (ip: string, node: string, hostNetwork = false): Pod =>
    ({ spec: { containers: [], nodeName: node, ...(hostNetwork ? { hostNetwork: true } : {}) }, status: { phase: "Running", podIP: ip } }) as unknown as Pod;

  it("finds pods by IP and host-network pods by node, and a sealed index survives a fork's writes", () => {
    const a = new PodAddressIndex();
    a.update("default/web", pod("10.244.1.5", "node01"), 1);
    a.update("kube-system/kube-proxy-x", pod("192.168.56.11", "node01", true), 1);
    a.sealed = true;
    const b = a.fork();
    b.update("default/web", pod("10.244.1.5", "node01"), -1);
    b.update("default/api", pod("10.244.1.6", "node01"), 1);
    expect(a.podAt("10.244.1.5")).toBe("default/web");
    expect(a.podAt("10.244.1.6")).toBeUndefined();
    expect(b.podAt("10.244.1.5")).toBeUndefined();
    expect(b.podAt("10.244.1.6")).toBe("default/api");
    expect(a.podAt("192.168.56.11")).toBeUndefined();
    expect(b.hostNetworkPods("node01")).toEqual(["kube-system/kube-proxy-x"]);
  });
});
