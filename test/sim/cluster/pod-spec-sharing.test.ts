import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createObject } from "../../../worker/sim/cluster/api-server.ts";
import { reconcile } from "../../../worker/sim/cluster/controllers.ts";
import { endpointSlicesFor } from "../../../worker/sim/cluster/endpoints.ts";
import { defaultPodSpec, specOnNode } from "../../../worker/sim/cluster/pod-spec.ts";
import { Tx } from "../../../worker/sim/cluster/tx.ts";
import { T0, cluster } from "./helpers.ts";

const containerArb = fc.record(
  {
    name: fc.constantFrom("web", "app"),
    image: fc.constantFrom("nginx", "nginx:1.27", "busybox", 'we"ird,image=x'),
    ports: fc.array(fc.record({ containerPort: fc.constantFrom(80, 8080), name: fc.constantFrom(undefined, "http") }, { requiredKeys: ["containerPort"] }), { maxLength: 2 }),
    command: fc.constantFrom(undefined, ["sleep", "3600"]),
    tty: fc.constantFrom(undefined, true),
  },
  { requiredKeys: ["name", "image"] },
);
const specArb = fc.record(
  {
    containers: fc.array(containerArb, { minLength: 1, maxLength: 2 }).map((cs) => cs.map((c, i) => ({ ...c, name: `${c.name}${i}` }))),
    restartPolicy: fc.constantFrom(undefined, "Never"),
    enableServiceLinks: fc.constantFrom(undefined, false),
    hostNetwork: fc.constantFrom(undefined, true),
  },
  { requiredKeys: ["containers"] },
);

describe("defaulted pod specs", () => {
  it("are one shared object for equal submitted specs, and distinct (with their own JSON) otherwise", () => {
    fc.assert(
      fc.property(specArb, specArb, fc.boolean(), (a, b, forTemplate) => {
        const sa = defaultPodSpec(structuredClone(a) as Record<string, unknown>, forTemplate);
        const sa2 = defaultPodSpec(structuredClone(a) as Record<string, unknown>, forTemplate);
        const sb = defaultPodSpec(structuredClone(b) as Record<string, unknown>, forTemplate);
        expect(JSON.stringify(sa2)).toBe(JSON.stringify(sa));
        const sameJson = JSON.stringify(sa) === JSON.stringify(sb);
        if (!sameJson) expect(sa).not.toBe(sb);
        for (let i = 0; i < sa.containers.length; i++) {
          if (JSON.stringify(sa.containers[i]) !== JSON.stringify(sb.containers[i] ?? null)) expect(sa.containers[i]).not.toBe(sb.containers[i]);
        }
      }),
    );
  });

  it("share containers when nothing but plain values differ from an equal container", () => {
    const one = defaultPodSpec({ containers: [{ name: "web", image: "nginx", ports: [{ containerPort: 80 }] }] });
    const two = defaultPodSpec({ containers: [{ name: "web", image: "nginx", ports: [{ containerPort: 80 }] }] });
    expect(two).toBe(one);
    expect(two.containers[0]).toBe(one.containers[0]);
    const other = defaultPodSpec({ containers: [{ name: "web", image: "nginx", ports: [{ containerPort: 81 }] }] });
    expect(other.containers[0]).not.toBe(one.containers[0]);
    expect(other.containers[0].ports).toEqual([{ containerPort: 81, protocol: "TCP" }]);
  });

  it("bound to a node are one object per spec and node, with nodeName last as a spread would put it", () => {
    const spec = defaultPodSpec({ containers: [{ name: "web", image: "nginx" }] });
    const a = specOnNode(spec, "node01");
    expect(specOnNode(spec, "node01")).toBe(a);
    expect(specOnNode(spec, "node02")).not.toBe(a);
    expect(JSON.stringify(a)).toBe(JSON.stringify({ ...spec, nodeName: "node01" }));
  });
});

describe("labels of created objects", () => {
  it("are one frozen object for equal labels in equal order, and an object of their own otherwise", () => {
    const { state, random } = cluster(3);
    const tx = new Tx(state);
    const make = (name: string, labels: Record<string, string>) => {
      const r = createObject(tx, { apiVersion: "v1", kind: "Pod", metadata: { name, labels }, spec: { containers: [{ name: "web", image: "nginx" }] } }, { now: T0, random });
      if (!r.ok) throw new Error(r.status.message);
      return r.value.metadata.labels!;
    };
    const a = make("a", { app: "web", tier: "front" });
    const b = make("b", { app: "web", tier: "front" });
    const c = make("c", { tier: "front", app: "web" });
    const d = make("d", { app: "api" });
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(c).not.toBe(a);
    expect(Object.keys(c)).toEqual(["tier", "app"]);
    expect(d).toEqual({ app: "api" });
  });
});

describe("Services and their EndpointSlices", () => {
  it("share one frozen status, ipFamilies list and slice ports list among equal ones, with the JSON of their own copies", () => {
    const { state, random } = cluster(4);
    const tx = new Tx(state);
    for (const name of ["a", "b"]) {
      const r = createObject(tx, { apiVersion: "v1", kind: "Service", metadata: { name }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } }, { now: T0, random });
      if (!r.ok) throw new Error(r.status.message);
    }
    const r = createObject(tx, { apiVersion: "v1", kind: "Pod", metadata: { name: "p", labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx" }] } }, { now: T0, random });
    if (!r.ok) throw new Error(r.status.message);
    reconcile(tx, T0, random);
    reconcile(tx, T0 + 5000, random);
    const s = tx.commit();
    const [a, b] = [s.services["default/a"], s.services["default/b"]];
    expect(b.status).toBe(a.status);
    expect(b.spec.ipFamilies).toBe(a.spec.ipFamilies);
    expect(Object.isFrozen(a.status) && Object.isFrozen(a.spec.ipFamilies)).toBe(true);
    expect(JSON.stringify(a.status)).toBe('{"loadBalancer":{}}');
    const [sa, sb] = [endpointSlicesFor(s, "default/a")[0], endpointSlicesFor(s, "default/b")[0]];
    expect(sb.ports).toBe(sa.ports);
    expect(Object.isFrozen(sa.ports)).toBe(true);
    expect(sa.ports).toEqual([{ name: "", port: 80, protocol: "TCP" }]);
  });
});
