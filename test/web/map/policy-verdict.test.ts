import { h } from "preact";
import { describe, expect, it } from "vitest";
import type { RouteTrace } from "../../../worker/sim/net/trace.ts";
import { PolicyVerdict } from "../../../web/src/map/policy-verdict.ts";
import { byClass, text, tree } from "../vnodes.ts";

const trace = (policy?: RouteTrace["hops"][number]["policy"]): RouteTrace =>
  ({
    request: "curl http://10.244.1.5",
    verdict: policy?.verdict === "dropped" ? "timed-out" : "answered",
    hops: [
      { kind: "pod", label: "pod prod/web", note: "The client.", ref: { kind: "Pod", namespace: "prod", name: "web" } },
      { kind: "pod", label: "pod prod/api", note: "The server.", ref: { kind: "Pod", namespace: "prod", name: "api" }, ...(policy ? { policy } : {}) },
    ],
  }) as unknown as RouteTrace;

// The hop detail renders PolicyVerdict for a hop that carries a policy (TracePanel.tsx).
const render = (t: RouteTrace) => {
  const policy = t.hops[1].policy;
  return tree(policy ? h(PolicyVerdict, { policy }) : null);
};

describe("the route panel's NetworkPolicy line (PolicyVerdict)", () => {
  it("names the policy that dropped a packet", () => {
    const out = render(trace({ names: ["prod/deny-all"], direction: "ingress", verdict: "dropped" }));
    const [line] = byClass(out, "hop-policy");
    expect(text([line])).toBe("NetworkPolicy, ingress: prod/deny-all · dropped: no rule allows it");
    expect(line.props.class).toContain("dropped");
  });

  it("names the policies and the rule that allowed it", () => {
    const out = render(trace({ names: ["prod/api-allow", "prod/deny-all"], direction: "ingress", rule: 2, verdict: "allowed" }));
    expect(text(byClass(out, "hop-policy"))).toBe("NetworkPolicy, ingress: prod/api-allow, prod/deny-all · allowed by rule 2");
  });

  it("says nothing of policies where none decided (flannel, unselected pods)", () => {
    expect(byClass(render(trace()), "hop-policy")).toEqual([]);
  });
});
