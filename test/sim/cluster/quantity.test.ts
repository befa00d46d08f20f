import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatQuantity, parseQuantity, podQosClass, podRequestsAndLimits } from "../../../worker/sim/cluster/quantity.ts";
import type { PodSpec } from "../../../worker/sim/cluster/types.ts";
import { T0, apply, cluster, create, deployment, pod } from "./helpers.ts";

const spec = (...resources: Array<Record<string, unknown> | undefined>): PodSpec => ({
  containers: resources.map((r, i) => ({ name: `c${i}`, image: "nginx", ...(r ? { resources: r } : {}) })),
});

describe("resource quantities", () => {
  it.each([
    ["250m", "250m"],
    ["0.5", "500m"],
    ["0.1", "100m"],
    ["2", "2"],
    ["1000m", "1"],
    ["1500", "1500"],
    ["1500000", "1500k"],
    ["100Mi", "100Mi"],
    ["1024Mi", "1Gi"],
    ["1536Mi", "1536Mi"],
    ["3903488Ki", "3812Mi"],
    ["3903489Ki", "3903489Ki"],
    ["512", "512"],
    ["128M", "128M"],
    ["1G", "1G"],
    ["0", "0"],
  ])("prints %s canonically as %s", (text, canonical) => {
    expect(formatQuantity(parseQuantity(text)!)).toBe(canonical);
  });

  it.each([["abc"], ["1.2.3"], ["10Xi"], [""], [null], [{}]])("is no quantity for %j", (value) => {
    expect(parseQuantity(value)).toBeUndefined();
  });

  it("prints any whole number of Mi back as parsed when it is not a multiple of 1024", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }).filter((n) => n % 1024 !== 0), (n) => {
        expect(formatQuantity(parseQuantity(`${n}Mi`)!)).toBe(`${n}Mi`);
      }),
    );
  });

  it("prints any millicore count so that it parses back to the same value", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (n) => {
        expect(parseQuantity(formatQuantity(parseQuantity(`${n}m`)!))!.milli).toBe(n);
      }),
    );
  });
});

describe("a pod's requests and limits", () => {
  it("sums the containers, keeping the first container's format", () => {
    const { requests, limits } = podRequestsAndLimits(spec({ requests: { cpu: "100m", memory: "64Mi" } }, { requests: { cpu: "0.4", memory: "1Gi" }, limits: { memory: "2Gi" } }));
    expect(formatQuantity(requests.get("cpu")!)).toBe("500m");
    expect(formatQuantity(requests.get("memory")!)).toBe("1088Mi");
    expect(formatQuantity(limits.get("memory")!)).toBe("2Gi");
    expect(limits.has("cpu")).toBe(false);
  });

  it("counts an init container's request where it is larger than the containers' sum", () => {
    const s = { ...spec({ requests: { cpu: "100m" } }), initContainers: [{ name: "init", image: "busybox", resources: { requests: { cpu: "300m" } } }] } as PodSpec;
    expect(formatQuantity(podRequestsAndLimits(s).requests.get("cpu")!)).toBe("300m");
  });
});

describe("a pod's QoS class", () => {
  it.each([
    ["no resources", spec(undefined), "BestEffort"],
    ["a cpu request", spec({ requests: { cpu: "250m" } }), "Burstable"],
    ["a memory limit above its request", spec({ requests: { cpu: "100m", memory: "70Mi" }, limits: { memory: "170Mi" } }), "Burstable"],
    ["equal cpu and memory requests and limits", spec({ requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1000m", memory: "1024Mi" } }), "Guaranteed"],
    ["limits only (requests default to them)", spec({ limits: { cpu: "1", memory: "1Gi" } }), "Guaranteed"],
    ["one container without resources beside a guaranteed one", spec({ limits: { cpu: "1", memory: "1Gi" } }, undefined), "Burstable"],
    ["only an extended resource", spec({ requests: { "example.com/gpu": "1" } }), "BestEffort"],
  ])("is the API's for %s", (_, s, qos) => {
    expect(podQosClass(s)).toBe(qos);
  });

  it("is set by the API server at creation and kept by the kubelet", () => {
    const { state, random } = cluster();
    const after = apply(state, random, T0 + 1000, (tx) => {
      create(tx, pod("asks", "nginx", { resources: { requests: { cpu: "100m" } } }), T0 + 1000, random);
      create(tx, pod("plain", "nginx"), T0 + 1000, random);
    });
    const later = apply(after, random, T0 + 60_000);
    const qos = (name: string) => Object.values(later.pods).find((p) => p.metadata.name === name)?.status;
    expect(qos("asks")).toMatchObject({ phase: "Running", qosClass: "Burstable" });
    expect(qos("plain")).toMatchObject({ phase: "Running", qosClass: "BestEffort" });
  });

  it("comes with requests defaulted from limits on pods, but not on a Deployment's template", () => {
    const { state, random } = cluster();
    const limits = { cpu: "500m", memory: "128Mi" };
    const after = apply(state, random, T0 + 1000, (tx) => {
      create(tx, pod("capped", "nginx", { resources: { limits } }), T0 + 1000, random);
      const d = deployment("capped-web", 1);
      const template = (d.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template;
      template.spec.containers[0].resources = { limits };
      create(tx, d, T0 + 1000, random);
    });
    const capped = Object.values(after.pods).find((p) => p.metadata.name === "capped")!;
    expect(capped.spec.containers[0].resources).toEqual({ limits, requests: limits });
    expect(capped.status.qosClass).toBe("Guaranteed");
    expect(Object.values(after.deployments).find((d) => d.metadata.name === "capped-web")!.spec.template.spec.containers[0].resources).toEqual({ limits });
    const fromTemplate = Object.values(after.pods).find((p) => p.metadata.name.startsWith("capped-web-"))!;
    expect(fromTemplate.spec.containers[0].resources).toEqual({ limits, requests: limits });
  });

  it("is Burstable for the system pods with kubeadm's, CoreDNS' and flannel's requests, and BestEffort for kube-proxy's, MetalLB's and the local-path provisioner's", () => {
    const { state } = cluster();
    for (const p of Object.values(state.pods)) {
      const name = p.metadata.name;
      const requestless = name.startsWith("kube-proxy") || p.metadata.namespace === "metallb-system" || p.metadata.namespace === "local-path-storage";
      expect([name, p.status.qosClass]).toEqual([name, requestless ? "BestEffort" : "Burstable"]);
    }
  });
});
