import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { ClusterProfileInput, DEFAULT_PROFILE, profileOf, resolveProfile } from "../../../worker/sim/cluster/profile.ts";
import { createSession } from "../../../worker/sim/engine.ts";
import { validateLesson } from "../../../worker/sim/lessons/schema.ts";
import { clusterView } from "../../../worker/sim/view.ts";

describe("cluster profiles", () => {
  it("builds the default cluster with flannel and MetalLB and no ingress controller", () => {
    const state = createSession({ seed: 1, now: Date.UTC(2026, 0, 1) });
    expect(profileOf(state.cluster)).toEqual({ cni: "flannel", loadBalancer: "metallb", ingress: "none" });
    expect(clusterView(state).profile).toEqual(DEFAULT_PROFILE);
  });

  it("keeps what was asked for in the cluster's config, so snapshots and forks carry it", () => {
    const state = createSession({ seed: 1, now: Date.UTC(2026, 0, 1), profile: resolveProfile({ cni: "calico", loadBalancer: "none" }) });
    const copy = JSON.parse(JSON.stringify(state.cluster));
    expect(profileOf(copy)).toEqual({ cni: "calico", loadBalancer: "none", ingress: "none" });
  });

  it("reads a cluster saved before profiles existed as the default profile", () => {
    const state = createSession({ seed: 1, now: Date.UTC(2026, 0, 1) });
    const { profile: _, ...config } = state.cluster.config;
    expect(profileOf({ ...state.cluster, config: config as typeof state.cluster.config })).toEqual(DEFAULT_PROFILE);
  });

  it.each([
    [{ cni: "weave" }, "cni must be flannel or calico"],
    [{ loadBalancer: "cloud" }, "loadBalancer must be metallb or none"],
    [{ ingress: "traefik" }, "ingress must be none or nginx"],
  ])("refuses %j with a message that names the choices", (input, message) => {
    const parsed = v.safeParse(ClusterProfileInput, input);
    expect(parsed.success).toBe(false);
    expect(parsed.issues?.[0].message).toBe(message);
  });

  it("refuses a field it does not know", () => {
    expect(v.safeParse(ClusterProfileInput, { cni: "calico", storage: "ceph" }).success).toBe(false);
  });

  it("lets a lesson say which cluster it is written for", () => {
    const base = { id: "netpol", title: "NetworkPolicy", summary: "s", steps: [{ id: "a", title: "t", text: "x", check: { object: { kind: "Pod" } } }], solution: ["true"] };
    const ok = validateLesson({ ...base, cluster: { cni: "calico" } });
    expect(ok.ok && ok.lesson.cluster).toEqual({ cni: "calico" });
    const bad = validateLesson({ ...base, cluster: { cni: "cilium" } });
    expect(bad.ok).toBe(false);
  });
});
