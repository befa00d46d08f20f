import { describe, expect, it } from "vitest";
import { createObject, deleteObject, getObject, listObjects, updateObject } from "../../../worker/sim/cluster/api-server.ts";
import { Tx } from "../../../worker/sim/cluster/tx.ts";
import type { Pod, Service, SubmittedObject } from "../../../worker/sim/cluster/types.ts";
import { T0, apply, cluster, create, deployment, pod, service } from "./helpers.ts";

const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

function tryCreate(obj: SubmittedObject, seed = 1) {
  const { state, random } = cluster(seed);
  const tx = new Tx(state);
  return { result: createObject(tx, obj, { now: T0, random }), tx };
}

describe("API server validation", () => {
  it.each([
    [service("1svc", { ports: [{ port: 80 }] }), `Service "1svc" is invalid: metadata.name: Invalid value: "1svc": ${DNS1035}`],
    [pod("Nginx", "nginx"), `Pod "Nginx" is invalid: metadata.name: Invalid value: "Nginx": ${SUBDOMAIN}`],
    [{ ...deployment("Web", 1), metadata: { name: "Web" } }, `Deployment.apps "Web" is invalid: metadata.name: Invalid value: "Web": ${SUBDOMAIN}`],
    [service("s", { ports: [{ port: 0 }] }), `Service "s" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive`],
    [service("s", { ports: [{ port: 70000 }] }), `Service "s" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive`],
    [service("s", { type: "NodePort", ports: [{ port: 80, nodePort: 80 }] }), `Service "s" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767`],
    [service("s", { type: "Nodeport", ports: [{ port: 80 }] }), `Service "s" is invalid: spec.type: Unsupported value: "Nodeport": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`],
    [service("s", { ports: [{ port: 80, nodePort: 30080 }] }), "Service \"s\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    [service("s", {}), `Service "s" is invalid: spec.ports: Required value`],
    [service("s", { ports: [{ port: 80 }, { port: 81 }] }), `Service "s" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required value]`],
    [service("s", { ports: [{ port: 80 }], sessionAffinity: "Sticky" }), `Service "s" is invalid: spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"`],
    [
      { ...deployment("web", 1), spec: { ...(deployment("web", 1).spec as object), selector: { matchLabels: { app: "other" } } } },
      'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ],
    [pod("p", "nginx", {}, { restartPolicy: "Sometimes" }), `Pod "p" is invalid: spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"`],
    [pod("p", ""), `Pod "p" is invalid: spec.containers[0].image: Required value`],
    [{ apiVersion: "v1", kind: "Pod", metadata: {}, spec: {} }, `Pod "" is invalid: metadata.name: Required value: name or generateName is required`],
  ] as Array<[SubmittedObject, string]>)("rejects %# with the API server's message", (obj, message) => {
    const { result } = tryCreate(obj);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.status.reason).toBe("Invalid");
      expect(result.status.message).toBe(message);
    }
  });

  it("names the missing namespace, the existing object and the missing object as the API server does", () => {
    expect(tryCreate({ ...pod("p", "nginx"), metadata: { name: "p", namespace: "nope" } }).result).toMatchObject({
      ok: false,
      status: { reason: "NotFound", message: 'namespaces "nope" not found' },
    });
    const { state, random } = cluster();
    const tx = new Tx(state);
    create(tx, deployment("web", 1), T0, random);
    expect(createObject(tx, deployment("web", 1), { now: T0, random })).toMatchObject({ ok: false, status: { reason: "AlreadyExists", message: 'deployments.apps "web" already exists', details: { group: "apps", kind: "deployments" } } });
    expect(getObject(tx.state, "pods", "default", "x")).toMatchObject({ ok: false, status: { code: 404, message: 'pods "x" not found' } });
    expect(deleteObject(tx, "services", "default", "x", { now: T0, random })).toMatchObject({ ok: false, status: { message: 'services "x" not found' } });
  });

  it("refuses objects beyond the session cap with a quota error and leaves system objects out of the count", () => {
    const { state, random } = cluster(1, 2);
    const tx = new Tx(state);
    create(tx, pod("a", "nginx"), T0, random);
    create(tx, pod("b", "nginx"), T0, random);
    const r = createObject(tx, pod("c", "nginx"), { now: T0, random });
    expect(r).toMatchObject({ ok: false, status: { code: 403, reason: "Forbidden", message: 'pods "c" is forbidden: exceeded quota: object-count, requested: count/objects=1, used: count/objects=2, limited: count/objects=2' } });
  });

  it("defaults a pod as the API server does", () => {
    const { result } = tryCreate(pod("web", "nginx"));
    const p = (result as { value: Pod }).value;
    expect(p.spec).toMatchObject({ restartPolicy: "Always", dnsPolicy: "ClusterFirst", schedulerName: "default-scheduler", terminationGracePeriodSeconds: 30, enableServiceLinks: true, serviceAccountName: "default" });
    expect(p.spec.containers[0]).toMatchObject({ imagePullPolicy: "Always", terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File" });
    expect((tryCreate(pod("web", "nginx:1.27")).result as { value: Pod }).value.spec.containers[0].imagePullPolicy).toBe("IfNotPresent");
    expect(p.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(p.metadata.creationTimestamp).toBe("2026-01-01T12:00:00Z");
  });

  it("lists sorted by namespace then name, filtered by namespace and selector", () => {
    const { state, random } = cluster();
    const s = apply(state, random, T0, (tx) => {
      create(tx, pod("b", "nginx"), T0, random);
      create(tx, pod("a", "nginx"), T0, random);
      create(tx, { ...pod("c", "nginx"), metadata: { name: "c", labels: { run: "a" } } }, T0, random);
    });
    expect(listObjects(s, "pods", "default").map((p) => p.metadata.name)).toEqual(["a", "b", "c"]);
    expect(listObjects(s, "pods", "default", [{ key: "run", operator: "=", values: ["a"] }]).map((p) => p.metadata.name)).toEqual(["a", "c"]);
    expect(listObjects(s, "pods", undefined, [{ key: "run", operator: "!", values: [] }])[0].metadata.namespace).toBe("kube-flannel");
  });
});

describe("allocators", () => {
  it("gives ClusterIPs at random in the upper (dynamic) band of 10.96.0.0/12, all distinct", () => {
    const { state, random } = cluster();
    const tx = new Tx(state);
    const ips = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const s = create(tx, service(`s${i}`, { ports: [{ port: 80 }] }), T0, random) as Service;
      const [a, b, c] = s.spec.clusterIP!.split(".").map(Number);
      expect(a).toBe(10);
      expect(b >= 96 && b <= 111).toBe(true);
      expect(b > 96 || c >= 1).toBe(true);
      ips.add(s.spec.clusterIP!);
    }
    expect(ips.size).toBe(300);
    expect(ips.has("10.96.0.1") || ips.has("10.96.0.10")).toBe(false);
  });

  it("refuses a requested ClusterIP that is taken or outside the range", () => {
    expect(tryCreate(service("s", { clusterIP: "10.96.0.10", ports: [{ port: 80 }] })).result).toMatchObject({
      status: { message: 'Service "s" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated' },
    });
    expect(tryCreate(service("s", { clusterIP: "10.200.0.1", ports: [{ port: 80 }] })).result).toMatchObject({
      status: { message: expect.stringContaining("the provided IP (10.200.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12") },
    });
  });

  it("gives NodePorts from the dynamic band 30086-32767 first, the requested one when asked, and refuses a taken one", () => {
    const { state, random } = cluster();
    const tx = new Tx(state);
    const ports = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const s = create(tx, service(`s${i}`, { type: "NodePort", ports: [{ port: 80 }] }), T0, random) as Service;
      const np = s.spec.ports[0].nodePort!;
      expect(np >= 30086 && np <= 32767).toBe(true);
      ports.add(np);
    }
    expect(ports.size).toBe(200);
    const asked = create(tx, service("asked", { type: "NodePort", ports: [{ port: 8080, targetPort: 80, nodePort: 30080 }] }), T0, random) as Service;
    expect(asked.spec.ports[0]).toEqual({ protocol: "TCP", port: 8080, targetPort: 80, nodePort: 30080 });
    expect(asked.spec.externalTrafficPolicy).toBe("Cluster");
    const again = createObject(tx, service("again", { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] }), { now: T0, random });
    expect(again).toMatchObject({ status: { message: 'Service "again" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated' } });
  });

  it("keeps the ClusterIP and nodePort on update, and frees the nodePort on a change to ClusterIP", () => {
    const { state, random } = cluster();
    const tx = new Tx(state);
    const s = create(tx, service("web", { type: "NodePort", selector: { app: "web" }, ports: [{ port: 80 }] }), T0, random) as Service;
    const np = s.spec.ports[0].nodePort;
    const u = updateObject(tx, { ...s, spec: { type: "NodePort", selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] } }, { now: T0, random });
    expect(u.ok && (u.value as Service).spec).toMatchObject({ clusterIP: s.spec.clusterIP, ports: [{ port: 80, targetPort: 8080, nodePort: np }] });
    const c = updateObject(tx, { ...(u.ok ? u.value : s), spec: { ...(u.ok ? (u.value as Service).spec : s.spec), type: "ClusterIP" } }, { now: T0, random });
    expect(c.ok && (c.value as Service).spec.ports[0].nodePort).toBeUndefined();
    const moved = updateObject(tx, { ...s, metadata: { name: "web" }, spec: { ...s.spec, clusterIP: "10.96.5.5", clusterIPs: ["10.96.5.5"] } }, { now: T0, random });
    expect(moved).toMatchObject({ status: { message: 'Service "web" is invalid: spec.clusterIP: Invalid value: "10.96.5.5": field is immutable' } });
  });
});
