import { describe, expect, it } from "vitest";
import { deleteObject } from "../../../worker/sim/cluster/api-server.ts";
import { allEndpointSlices, endpointSlicesFor, endpointsFor } from "../../../worker/sim/cluster/endpoints.ts";
import type { SubmittedObject } from "../../../worker/sim/cluster/types.ts";
import { T0, apply, cluster, create, service } from "./helpers.ts";

function namedPod(name: string, labels: Record<string, string>, ports: Array<{ name?: string; containerPort: number }>, image = "nginx"): SubmittedObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name, labels }, spec: { containers: [{ name: "c", image, ports }] } };
}

describe("the endpoints controller (derived view)", () => {
  it("lists ready selected pods as ready and starting ones as not ready", () => {
    const { state, random } = cluster(11);
    let s = apply(state, random, T0, (tx) => {
      create(tx, service("web", { selector: { app: "web" }, ports: [{ port: 8080, targetPort: 80 }] }), T0, random);
      create(tx, namedPod("a", { app: "web" }, []), T0, random);
      create(tx, namedPod("other", { app: "db" }, []), T0, random);
    });
    s = apply(s, random, T0 + 5000);
    s = apply(s, random, T0 + 5000, (tx) => void create(tx, namedPod("b", { app: "web" }, []), T0 + 5000, random));
    const [slice] = endpointSlicesFor(s, "default/web");
    const ipOf = (n: string) => s.pods[`default/${n}`].status.podIP!;
    expect(slice.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(slice.metadata.labels?.["kubernetes.io/service-name"]).toBe("web");
    expect(slice.ports).toEqual([{ name: "", port: 80, protocol: "TCP" }]);
    expect(slice.endpoints.map((e) => [e.targetRef?.name, e.addresses[0], e.conditions.ready])).toEqual(
      [["a", ipOf("a"), true], ["b", ipOf("b"), false]].sort((x, y) => (x[1] < y[1] ? -1 : 1)),
    );
    const ep = endpointsFor(s, "default/web")!;
    expect(ep.subsets?.[0].addresses?.map((a) => a.ip)).toEqual([ipOf("a")]);
    expect(ep.subsets?.[0].notReadyAddresses?.map((a) => a.ip)).toEqual([ipOf("b")]);
    // The slice name is stable: derived from the Service, not random per read.
    expect(endpointSlicesFor(apply(s, random, T0 + 9000), "default/web")[0].metadata.name).toBe(slice.metadata.name);
  });

  it("resolves a named targetPort per pod and leaves out pods without that port name", () => {
    const { state, random } = cluster(12);
    let s = apply(state, random, T0, (tx) => {
      create(tx, service("api", { selector: { tier: "api" }, ports: [{ port: 80, targetPort: "http" }] }), T0, random);
      create(tx, namedPod("p80", { tier: "api" }, [{ name: "http", containerPort: 80 }]), T0, random);
      create(tx, namedPod("p8080", { tier: "api" }, [{ name: "http", containerPort: 8080 }], "tomcat"), T0, random);
      create(tx, namedPod("unnamed", { tier: "api" }, [{ containerPort: 80 }]), T0, random);
    });
    s = apply(s, random, T0 + 5000);
    const slices = endpointSlicesFor(s, "default/api");
    expect(slices.map((sl) => [sl.ports[0].port, sl.endpoints.map((e) => e.targetRef?.name)])).toEqual([
      [80, ["p80"]],
      [8080, ["p8080"]],
    ]);
    expect(endpointsFor(s, "default/api")?.subsets?.map((sub) => sub.ports?.[0].port)).toEqual([80, 8080]);
  });

  it("keeps one empty slice and no subsets for a Service that selects nothing", () => {
    const { state, random } = cluster(13);
    const s = apply(state, random, T0, (tx) => void create(tx, service("lonely", { selector: { app: "none" }, ports: [{ port: 80 }] }), T0, random));
    expect(endpointSlicesFor(s, "default/lonely")).toMatchObject([{ endpoints: [], ports: [] }]);
    expect(endpointsFor(s, "default/lonely")?.subsets).toBeUndefined();
  });

  it("marks a terminating pod not ready but serving, and drops it from Endpoints", () => {
    const { state, random } = cluster(14);
    let s = apply(state, random, T0, (tx) => {
      create(tx, service("web", { selector: { app: "web" }, ports: [{ port: 80 }] }), T0, random);
      create(tx, namedPod("a", { app: "web" }, []), T0, random);
    });
    s = apply(s, random, T0 + 5000);
    s = apply(s, random, T0 + 6000, (tx) => void deleteObject(tx, "pods", "default", "a", { now: T0 + 6000, random }));
    expect(endpointSlicesFor(s, "default/web")[0].endpoints[0].conditions).toEqual({ ready: false, serving: true, terminating: true });
    expect(endpointsFor(s, "default/web")?.subsets).toBeUndefined();
  });

  it("returns the same slice objects while a Service's pods are unchanged, and all Services at once", () => {
    const { state, random } = cluster(15);
    let s = apply(state, random, T0, (tx) => {
      create(tx, service("one", { selector: { app: "one" }, ports: [{ port: 80 }] }), T0, random);
      create(tx, service("two", { selector: { app: "two" }, ports: [{ port: 80 }] }), T0, random);
      create(tx, namedPod("one", { app: "one" }, []), T0, random);
      create(tx, namedPod("two", { app: "two" }, []), T0, random);
    });
    s = apply(s, random, T0 + 5000);
    const before = allEndpointSlices(s);
    expect([...before.keys()].sort()).toEqual(["default/kubernetes", "default/one", "default/two", "kube-system/kube-dns", "metallb-system/metallb-webhook-service"]);
    s = apply(s, random, T0 + 6000, (tx) => void create(tx, namedPod("two-b", { app: "two" }, []), T0 + 6000, random));
    const after = allEndpointSlices(s);
    expect(after.get("default/one")).toBe(before.get("default/one"));
    expect(after.get("default/two")).not.toBe(before.get("default/two"));
  });
});
