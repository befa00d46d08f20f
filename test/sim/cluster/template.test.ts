import { describe, expect, it } from "vitest";
import { bootstrapCluster } from "../../../worker/sim/cluster/bootstrap.ts";
import { resolveProfile } from "../../../worker/sim/cluster/profile.ts";
import { clusterTemplate, drawIdentities, fillTemplate, TEMPLATE_SEED } from "../../../worker/sim/cluster/template.ts";
import { createSession, execute } from "../../../worker/sim/engine.ts";
import { createRandom } from "../../../worker/sim/random.ts";
import { jsonText } from "../../../worker/sim/json-text.ts";

const NOW = Date.UTC(2026, 11, 7, 11, 36, 12, 345);
const profiles = [resolveProfile({}), resolveProfile({ cni: "calico" }), resolveProfile({ loadBalancer: "none" })];

describe("cluster templates", () => {
  it.each(profiles)("with its own identities, equals the bootstrap at that whole second (%o)", (profile) => {
    const template = clusterTemplate(profile);
    const filled = fillTemplate(template, template.tokens.map((t) => t.value), NOW);
    const bootstrapped = bootstrapCluster({ now: Math.floor(NOW / 1000) * 1000, random: createRandom(TEMPLATE_SEED), profile });
    // The template is JSON: compare with the bootstrap as JSON keeps it (no undefined members).
    expect(filled).toEqual(JSON.parse(JSON.stringify(bootstrapped)));
  });

  it("gives every session its own uids, names, container ids and MACs, and none of the template's", () => {
    const template = clusterTemplate(profiles[0]);
    const a = JSON.stringify(fillTemplate(template, drawIdentities(template, createRandom(1)), NOW));
    const b = JSON.stringify(fillTemplate(template, drawIdentities(template, createRandom(2)), NOW));
    for (const token of template.tokens) {
      expect(a).not.toContain(token.value);
      expect(b).not.toContain(token.value);
    }
    const uids = (text: string) => new Set(text.match(/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g));
    const shared = [...uids(a)].filter((u) => uids(b).has(u));
    expect(shared).toEqual([]);
    expect(template.tokens.filter((t) => t.kind === "suffix").length).toBeGreaterThan(5);
    expect(template.tokens.filter((t) => t.kind === "mac")).toHaveLength(3);
  });

  it.each(profiles)("keeps each storage row's text, which is JSON.stringify's, so storing a new session serialises nothing again (%o)", (profile) => {
    const template = clusterTemplate(profile);
    const cluster = fillTemplate(template, drawIdentities(template, createRandom(3)), NOW) as unknown as Record<string, unknown>;
    let objects = 0;
    let kept = 0;
    const original = JSON.stringify;
    for (const value of Object.values(cluster)) {
      if (value === null || typeof value !== "object") continue;
      for (const row of Object.values(value)) {
        if (row !== null && typeof row === "object") objects++;
        // jsonText answers from the kept text without calling JSON.stringify.
        let called = false;
        JSON.stringify = ((...args: Parameters<typeof original>) => ((called = true), original(...args))) as typeof original;
        const text = jsonText(row);
        JSON.stringify = original;
        if (row !== null && typeof row === "object" && !called) kept++;
        expect(text).toBe(original(row));
      }
    }
    // Every object row (nodes, pods, events, ...): a bootstrapped cluster has about a hundred.
    expect(objects).toBeGreaterThan(80);
    expect(kept).toBe(objects);
  });

  it("is the same cluster for the same seed and time", () => {
    expect(createSession({ seed: 9, now: NOW })).toEqual(createSession({ seed: 9, now: NOW }));
  });

  it("makes sessions whose pods, events and times read as a cluster created 25 minutes ago", () => {
    let state = createSession({ seed: 4, now: NOW });
    const run = (line: string) => {
      const result = execute(state, line, { now: NOW + 1000 });
      state = result.state;
      return result.output;
    };
    const pods = run("kubectl get pods -n kube-system");
    expect(pods).toMatch(/^coredns-[a-z0-9]+-[a-z0-9]{5} +1\/1 +Running +0 +2[45]m$/m);
    expect(pods).toMatch(/^kube-proxy-[a-z0-9]{5} +1\/1 +Running +0 +2[345]m$/m);
    const yaml = run("kubectl get node controlplane -o yaml");
    expect(yaml).toContain("creationTimestamp: \"2026-12-07T11:11:12Z\"");
    expect(run("kubectl get events -n kube-system")).toMatch(/Created pod: kube-proxy-/);
  });
});
