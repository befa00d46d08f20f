import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deleteObject } from "../../../worker/sim/cluster/api-server.ts";
import { recordServiceLinks, serviceEnvOf, serviceLinkEnvVars, serviceLinkOf, serviceLinksFor } from "../../../worker/sim/cluster/service-env.ts";
import { Tx } from "../../../worker/sim/cluster/tx.ts";
import type { ClusterState, Service, ServicePort } from "../../../worker/sim/cluster/types.ts";
import { T0, apply, cluster, create, pod, service } from "./helpers.ts";

function svc(name: string, ports: ServicePort[], extra: Partial<Service["spec"]> = {}, namespace = "default"): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, uid: `uid-${name}`, resourceVersion: "1", creationTimestamp: "2026-01-01T00:00:00Z" },
    spec: { type: "ClusterIP", clusterIP: "10.96.7.8", ports, sessionAffinity: "None", ...extra },
    status: { loadBalancer: {} },
  };
}

/** The variables as pkg/kubelet/envvars writes them, computed straight from a Service (the oracle). */
function expectedVars(service: Service, into: Record<string, string>): void {
  const ip = service.spec.clusterIP;
  if (!ip || ip === "None" || service.spec.type === "ExternalName" || service.spec.ports.length === 0) return;
  const name = service.metadata.name.toUpperCase().replace(/-/g, "_");
  const ports = service.spec.ports;
  into[`${name}_SERVICE_HOST`] = ip;
  into[`${name}_SERVICE_PORT`] = String(ports[0].port);
  for (const p of ports) if (p.name) into[`${name}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, "_")}`] = String(p.port);
  into[`${name}_PORT`] = `${ports[0].protocol.toLowerCase()}://${ip}:${ports[0].port}`;
  for (const p of ports) {
    const prefix = `${name}_PORT_${p.port}_${p.protocol}`;
    into[prefix] = `${p.protocol.toLowerCase()}://${ip}:${p.port}`;
    into[`${prefix}_PROTO`] = p.protocol.toLowerCase();
    into[`${prefix}_PORT`] = String(p.port);
    into[`${prefix}_ADDR`] = ip;
  }
}

describe("Service link variables", () => {
  it("are the docker-links variables of every port", () => {
    const env: Record<string, string> = {};
    const s = svc("my-db", [
      { name: "sql", protocol: "TCP", port: 5432, targetPort: 5432 },
      { name: "dns-udp", protocol: "UDP", port: 53, targetPort: 53 },
    ]);
    serviceLinkEnvVars(serviceLinkOf(s)!, env);
    expect(env).toEqual({
      MY_DB_SERVICE_HOST: "10.96.7.8",
      MY_DB_SERVICE_PORT: "5432",
      MY_DB_SERVICE_PORT_SQL: "5432",
      MY_DB_SERVICE_PORT_DNS_UDP: "53",
      MY_DB_PORT: "tcp://10.96.7.8:5432",
      MY_DB_PORT_5432_TCP: "tcp://10.96.7.8:5432",
      MY_DB_PORT_5432_TCP_PROTO: "tcp",
      MY_DB_PORT_5432_TCP_PORT: "5432",
      MY_DB_PORT_5432_TCP_ADDR: "10.96.7.8",
      MY_DB_PORT_53_UDP: "udp://10.96.7.8:53",
      MY_DB_PORT_53_UDP_PROTO: "udp",
      MY_DB_PORT_53_UDP_PORT: "53",
      MY_DB_PORT_53_UDP_ADDR: "10.96.7.8",
    });
  });

  it.each([
    ["a headless Service", svc("h", [{ protocol: "TCP", port: 80, targetPort: 80 }], { clusterIP: "None" })],
    ["an ExternalName Service", svc("x", [{ protocol: "TCP", port: 80, targetPort: 80 }], { type: "ExternalName", externalName: "example.com" })],
    ["a Service without ports", svc("p", [])],
  ])("are none for %s", (_what, s) => {
    expect(serviceLinkOf(s)).toBeUndefined();
  });

  const portArb = fc.record({
    name: fc.option(fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/), { nil: undefined }),
    protocol: fc.constantFrom("TCP" as const, "UDP" as const, "SCTP" as const),
    port: fc.integer({ min: 1, max: 65535 }),
  });
  const serviceArb = fc.record({
    name: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
    namespace: fc.constantFrom("default", "dev"),
    ip: fc.constantFrom("10.96.0.20", "10.96.1.3", "None"),
    ports: fc.array(portArb, { maxLength: 3 }),
  });

  it("derived from the shared tables, equal the variables of the Services themselves (also after JSON)", () => {
    fc.assert(
      fc.property(fc.array(serviceArb, { maxLength: 8 }), fc.constantFrom("default", "dev"), fc.boolean(), (specs, namespace, links) => {
        const services = specs.map((s) => svc(s.name, s.ports.map((p) => ({ ...p, targetPort: p.port })), { clusterIP: s.ip }, s.namespace));
        const master = { ...svc("kubernetes", [{ name: "https", protocol: "TCP", port: 443, targetPort: 6443 }], { clusterIP: "10.96.0.1" }), metadata: { ...svc("kubernetes", []).metadata } };
        const { state } = cluster(1);
        const tx = new Tx(state);
        const id = recordServiceLinks(tx, serviceLinksFor(services, namespace, links, master));
        const saved = JSON.parse(JSON.stringify(tx.commit())) as ClusterState;
        const expected: Record<string, string> = {};
        if (links) {
          const sorted = services.filter((s) => s.metadata.namespace === namespace).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
          for (const s of sorted) expectedVars(s, expected);
        }
        if (namespace !== "default" || !links) expectedVars(master, expected);
        expect(serviceEnvOf(saved, { createdAt: 0, logs: [], serviceLinks: id })).toEqual(expected);
      }),
    );
  });

  it("keep what a pod saw when its Service changes later", () => {
    const { state, random } = cluster(2);
    let s = apply(state, random, T0, (tx) => {
      create(tx, service("db", { ports: [{ port: 5432 }] }), T0, random);
      create(tx, pod("app", "nginx"), T0, random);
    });
    s = apply(s, random, T0 + 3000);
    const before = serviceEnvOf(s, s.podRuntime["default/app"]);
    s = apply(s, random, T0 + 4000, (tx) => {
      deleteObject(tx, "services", "default", "db", { now: T0 + 4000, random });
      create(tx, service("db", { ports: [{ port: 3306 }] }), T0 + 4000, random);
    });
    s = apply(s, random, T0 + 8000);
    expect(serviceEnvOf(s, s.podRuntime["default/app"])).toEqual(before);
    expect(before.DB_SERVICE_PORT).toBe("5432");
  });

  it("read the variables a pod of a session saved before the tables existed kept itself", () => {
    const { state } = cluster(1);
    expect(serviceEnvOf(state, { createdAt: 0, logs: [], serviceEnv: { A_SERVICE_HOST: "10.96.0.9" } })).toEqual({ A_SERVICE_HOST: "10.96.0.9" });
  });
});

describe("Service link tables", () => {
  it("store one set for the pods of a namespace that started with the same Services", () => {
    const { state, random } = cluster(3);
    let s = apply(state, random, T0, (tx) => {
      for (let i = 0; i < 20; i++) create(tx, service(`svc-${i}`, { ports: [{ port: 80 }] }), T0, random);
      for (let i = 0; i < 20; i++) create(tx, pod(`p-${i}`, "nginx"), T0, random);
    });
    s = apply(s, random, T0 + 3000);
    const ids = new Set(Object.keys(s.podRuntime).filter((k) => k.startsWith("default/")).map((k) => s.podRuntime[k].serviceLinks));
    expect(ids.size).toBe(1);
    const id = [...ids][0]!;
    // The 20 Services and `kubernetes`, which is in default too.
    expect(s.serviceLinkSets![id]).toHaveLength(21);
    // Each Service is stored once, however many pods saw it (and kube-system's and
    // metallb-system's once more).
    const referenced = new Set(Object.values(s.serviceLinkSets!).flat());
    expect(Object.keys(s.serviceLinks!).sort()).toEqual([...referenced].sort());
    expect(referenced.size).toBe(23);
    expect(serviceEnvOf(s, s.podRuntime["default/p-7"]).SVC_13_SERVICE_PORT).toBe("80");
  });

  it("drop the sets and snapshots no pod refers to any more", () => {
    const { state, random } = cluster(4);
    let s = apply(state, random, T0, (tx) => {
      create(tx, service("old", { ports: [{ port: 80 }] }), T0, random);
      create(tx, pod("first", "nginx"), T0, random);
    });
    s = apply(s, random, T0 + 3000);
    const firstSet = s.podRuntime["default/first"].serviceLinks!;
    // The pod and its Service go; a new pod starts with other Services.
    s = apply(s, random, T0 + 4000, (tx) => {
      deleteObject(tx, "pods", "default", "first", { now: T0 + 4000, random });
      deleteObject(tx, "services", "default", "old", { now: T0 + 4000, random });
      create(tx, service("new", { ports: [{ port: 81 }] }), T0 + 4000, random);
    });
    s = apply(s, random, T0 + 40_000);
    s = apply(s, random, T0 + 41_000, (tx) => create(tx, pod("second", "nginx"), T0 + 41_000, random));
    s = apply(s, random, T0 + 45_000);
    expect(s.pods["default/first"]).toBeUndefined();
    expect(s.serviceLinkSets![firstSet]).toBeUndefined();
    const kept = Object.values(s.serviceLinks!).map((l) => l[0]);
    expect(kept).toContain("new");
    expect(kept).not.toContain("old");
    expect(serviceEnvOf(s, s.podRuntime["default/second"]).NEW_SERVICE_PORT).toBe("81");
  });

  it("never change a state a transaction started from", () => {
    const { state, random } = cluster(5);
    let s = apply(state, random, T0, (tx) => create(tx, pod("a", "nginx"), T0, random));
    s = apply(s, random, T0 + 3000);
    const frozen = JSON.stringify(s);
    apply(s, random, T0 + 4000, (tx) => {
      create(tx, service("x", { ports: [{ port: 80 }] }), T0 + 4000, random);
      create(tx, pod("b", "nginx"), T0 + 4000, random);
    });
    expect(JSON.stringify(s)).toBe(frozen);
  });
});
