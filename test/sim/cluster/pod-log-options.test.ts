import { describe, expect, it } from "vitest";
import { podLogResponse } from "../../../worker/sim/api/server.ts";
import { readPodLog, rfc3339Nano } from "../../../worker/sim/cluster/pod-log.ts";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";

const START = Date.UTC(2026, 0, 1);

function running(): SessionState {
  let state = createSession({ seed: 7, now: START });
  state = execute(state, "kubectl run web --image=nginx", { now: START + 1000 }).state;
  state = execute(state, "kubectl get pods", { now: START + 30_000 }).state;
  return state;
}

describe("pods/log options as the kubelet reads the log", () => {
  it("prints RFC3339Nano times without trailing zeros", () => {
    expect(rfc3339Nano(Date.UTC(2026, 0, 1, 12, 0, 0))).toBe("2026-01-01T12:00:00Z");
    expect(rfc3339Nano(Date.UTC(2026, 0, 1, 12, 0, 0, 120))).toBe("2026-01-01T12:00:00.12Z");
  });

  it("timestamps each line with when it was written, since keeps the newer ones, limitBytes cuts the answer", () => {
    const state = running();
    const all = readPodLog(state.cluster, "default", "web", { container: undefined, previous: false, tailLines: undefined });
    expect(all.ok && all.lines.length).toBeGreaterThan(2);
    const stamped = readPodLog(state.cluster, "default", "web", { container: undefined, previous: false, tailLines: 1, timestamps: true });
    expect(stamped.ok && stamped.text).toMatch(/^2026-01-01T00:00:\d\d(\.\d+)?Z .*\n$/);
    const limited = readPodLog(state.cluster, "default", "web", { container: undefined, previous: false, tailLines: undefined, limitBytes: 10 });
    expect(limited.ok && limited.text).toBe(all.ok ? all.text.slice(0, 10) : "");
    const none = readPodLog(state.cluster, "default", "web", { container: undefined, previous: false, tailLines: undefined, since: START + 3_600_000 });
    expect(none.ok && none.text).toBe("");
    const recent = readPodLog(state.cluster, "default", "web", { container: undefined, previous: false, tailLines: undefined, sinceSeconds: 3600 });
    expect(recent.ok && recent.text).toBe(all.ok ? all.text : "x");
  });

  it("answers bad options as ValidatePodLogOptions does, every error at once", () => {
    const state = running();
    const bad = podLogResponse(state.cluster, "default", "web", { limitBytes: "0", sinceSeconds: "0", tailLines: "-1" });
    expect(bad.status).toBe(422);
    expect(JSON.parse(bad.body).message).toBe('PodLogOptions "web" is invalid: [tailLines: Invalid value: -1: must be greater than or equal to 0, limitBytes: Invalid value: 0: must be greater than 0, sinceSeconds: Invalid value: 0: must be greater than 0]');
    const both = podLogResponse(state.cluster, "default", "web", { sinceSeconds: "5", sinceTime: "2026-01-01T00:00:00Z" });
    expect(JSON.parse(both.body).message).toBe('PodLogOptions "web" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified');
    expect(JSON.parse(podLogResponse(state.cluster, "default", "web", { limitBytes: "x" }).body).message).toBe('strconv.ParseInt: parsing "x": invalid syntax');
  });
});
