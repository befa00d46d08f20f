// API server defaults the review found missing, checked against SetDefaults_Deployment.
import { describe, expect, it } from "vitest";
import { T0, apply, cluster, create, deployment } from "./helpers.ts";

describe("deployment defaults (SetDefaults_Deployment, 1.34 serialization)", () => {
  it.each([
    ["no strategy", undefined, { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } }],
    ["only the type", { type: "RollingUpdate" }, { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } }],
    ["one bound set", { rollingUpdate: { maxSurge: 2 } }, { type: "RollingUpdate", rollingUpdate: { maxSurge: 2, maxUnavailable: "25%" } }],
    ["Recreate", { type: "Recreate" }, { type: "Recreate" }],
  ])("defaults the strategy: %s", (_what, strategy, expected) => {
    const { state, random } = cluster(5);
    const obj = deployment("web", 1);
    if (strategy) (obj.spec as Record<string, unknown>).strategy = strategy;
    const s = apply(state, random, T0, (tx) => void create(tx, obj, T0, random));
    const d = s.deployments["default/web"];
    expect(d.spec.strategy).toEqual(expected);
    expect("creationTimestamp" in d.spec.template.metadata).toBe(false);
  });
});
