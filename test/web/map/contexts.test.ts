import { describe, expect, it } from "vitest";
import { contextChoices, switchContextCommand } from "../../../web/src/map/contexts.ts";

const contexts = { current: "k8s-c2", cluster: "k8s-c2", names: ["k8s-c1", "k8s-c2", "k8s-c3"] };

describe("the map's context switcher", () => {
  it("offers every context that reaches a cluster, in the session's order", () => {
    expect(contextChoices(contexts)).toEqual(["k8s-c1", "k8s-c2", "k8s-c3"]);
  });

  it("keeps a current context that reaches none of the clusters among the choices", () => {
    expect(contextChoices({ ...contexts, current: "mine" })).toEqual(["mine", "k8s-c1", "k8s-c2", "k8s-c3"]);
  });

  it("switches with kubectl's own command, quoting a name bash would split", () => {
    expect(switchContextCommand("k8s-c3")).toBe("kubectl config use-context k8s-c3");
    expect(switchContextCommand("kubernetes-admin@kubernetes")).toBe("kubectl config use-context kubernetes-admin@kubernetes");
    expect(switchContextCommand("it's mine")).toBe("kubectl config use-context 'it'\\''s mine'");
  });
});
