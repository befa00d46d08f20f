import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createObject, deleteObject, getObject, updateObject } from "../../../worker/sim/cluster/api-server.ts";
import { endpointSlicesFor } from "../../../worker/sim/cluster/endpoints.ts";
import { cidrContains, parseCidr } from "../../../worker/sim/cluster/ipv4.ts";
import type { ClusterState, Deployment } from "../../../worker/sim/cluster/types.ts";
import { T0, apply, cluster, deployment, pod, service } from "./helpers.ts";

type Op =
  | { op: "pod"; name: number; image: string }
  | { op: "deploy"; name: number; replicas: number }
  | { op: "scale"; name: number; replicas: number }
  | { op: "svc"; name: number; nodePort: boolean; requested?: number }
  | { op: "delete"; kind: "pods" | "services" | "deployments"; name: number }
  | { op: "wait"; seconds: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("pod" as const), name: fc.nat(5), image: fc.constantFrom("nginx", "busybox", "nginxx", "tomcat") }),
  fc.record({ op: fc.constant("deploy" as const), name: fc.nat(3), replicas: fc.nat(4) }),
  fc.record({ op: fc.constant("scale" as const), name: fc.nat(3), replicas: fc.nat(5) }),
  fc.record({ op: fc.constant("svc" as const), name: fc.nat(5), nodePort: fc.boolean(), requested: fc.option(fc.integer({ min: 29990, max: 30010 }), { nil: undefined }) }),
  fc.record({ op: fc.constant("delete" as const), kind: fc.constantFrom("pods" as const, "services" as const, "deployments" as const), name: fc.nat(5) }),
  fc.record({ op: fc.constant("wait" as const), seconds: fc.integer({ min: 1, max: 40 }) }),
);

function checkInvariants(s: ClusterState): void {
  const podIPs = new Set<string>();
  for (const p of Object.values(s.pods)) {
    if (!p.status.podIP || p.spec.hostNetwork) continue;
    expect(podIPs.has(p.status.podIP)).toBe(false);
    podIPs.add(p.status.podIP);
    const node = s.nodes[p.spec.nodeName!];
    expect(cidrContains(parseCidr(node.spec.podCIDR)!, p.status.podIP)).toBe(true);
    expect(p.status.podIP.endsWith(".0") || p.status.podIP.endsWith(".1") || p.status.podIP.endsWith(".255")).toBe(false);
  }
  const clusterIPs = new Set<string>();
  const nodePorts = new Set<number>();
  const serviceCidr = parseCidr(s.config.serviceCIDR)!;
  for (const svc of Object.values(s.services)) {
    const ip = svc.spec.clusterIP!;
    expect(clusterIPs.has(ip)).toBe(false);
    clusterIPs.add(ip);
    expect(cidrContains(serviceCidr, ip)).toBe(true);
    for (const port of svc.spec.ports) {
      if (port.nodePort === undefined) continue;
      expect(nodePorts.has(port.nodePort)).toBe(false);
      nodePorts.add(port.nodePort);
      expect(port.nodePort >= 30000 && port.nodePort <= 32767).toBe(true);
    }
    if (!svc.spec.selector) continue;
    // Endpoints == the ready, non-terminating pods the selector matches.
    const expected = Object.values(s.pods)
      .filter((p) => p.metadata.namespace === svc.metadata.namespace && Object.entries(svc.spec.selector!).every(([k, v]) => p.metadata.labels?.[k] === v))
      .filter((p) => p.status.podIP && !p.metadata.deletionTimestamp && p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True"))
      .map((p) => p.status.podIP!)
      .sort();
    const ready = endpointSlicesFor(s, svc)
      .flatMap((sl) => sl.endpoints.filter((e) => e.conditions.ready).map((e) => e.addresses[0]))
      .sort();
    expect(ready).toEqual(expected);
  }
  expect(JSON.parse(JSON.stringify(s))).toEqual(s);
}

describe("cluster invariants", () => {
  it("hold after any sequence of creates, deletes, scales and waits", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.array(opArb, { maxLength: 25 }), (seed, ops) => {
        const { state, random } = cluster(seed);
        let s = state;
        let now = T0;
        for (const o of ops) {
          now += 1000;
          if (o.op === "wait") now += o.seconds * 1000;
          const ctx = { now, random };
          s = apply(s, random, now, (tx) => {
            switch (o.op) {
              case "pod":
                createObject(tx, { ...pod(`p${o.name}`, o.image), metadata: { name: `p${o.name}`, labels: { app: `a${o.name % 3}` } } }, ctx);
                break;
              case "deploy":
                createObject(tx, { ...deployment(`d${o.name}`, o.replicas) }, ctx);
                break;
              case "scale": {
                const d = getObject(tx.state, "deployments", "default", `d${o.name}`);
                if (d.ok) updateObject(tx, { ...d.value, spec: { ...(d.value as Deployment).spec, replicas: o.replicas } }, ctx);
                break;
              }
              case "svc": {
                const sel = o.name % 2 === 0 ? { app: `a${o.name % 3}` } : { app: `d${o.name % 4}` };
                createObject(tx, service(`s${o.name}`, { type: o.nodePort ? "NodePort" : "ClusterIP", selector: sel, ports: [{ port: 80, ...(o.nodePort && o.requested ? { nodePort: o.requested } : {}) }] }), ctx);
                break;
              }
              case "delete": {
                const prefix = o.kind === "pods" ? "p" : o.kind === "services" ? "s" : "d";
                deleteObject(tx, o.kind, "default", `${prefix}${o.name}`, ctx);
                break;
              }
            }
          });
          checkInvariants(s);
        }
      }),
      { numRuns: 60 },
    );
  });
});
