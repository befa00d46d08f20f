import { describe, expect, it } from "vitest";
import { createSession, execute } from "../../../worker/sim/engine.ts";

describe("the kubernetes Service", () => {
  it("comes back at 10.96.0.1:443 after a learner deletes it, as the API server recreates it", () => {
    const start = Date.UTC(2026, 0, 1);
    let state = createSession({ seed: 3, now: start });
    const deleted = execute(state, "kubectl delete svc kubernetes", { now: start + 1000 });
    expect(deleted.output).toBe('service "kubernetes" deleted from default namespace\n');
    state = deleted.state;
    const service = state.cluster.services["default/kubernetes"];
    expect(service?.spec.clusterIP).toBe("10.96.0.1");
    expect(service?.spec.ports).toEqual([expect.objectContaining({ name: "https", port: 443, targetPort: 6443 })]);
    const listed = execute(state, "kubectl get svc kubernetes", { now: start + 5000 });
    expect(listed.output).toMatch(/^kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s+/m);
  });
});
