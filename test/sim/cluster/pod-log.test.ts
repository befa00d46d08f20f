import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";
import { followPodLog, logCursor, logText, readPodLog } from "../../../worker/sim/cluster/pod-log.ts";
import { serveKubeApi } from "../../../worker/sim/api/server.ts";

const START = Date.UTC(2026, 0, 1);

function run(state: SessionState, command: string, after = 1000): SessionState {
  return execute(state, command, { now: state.cluster.now + after }).state;
}

function running(): SessionState {
  let state = run(createSession({ seed: 7, now: START }), "kubectl run web --image=nginx");
  state = run(state, "kubectl wait --for=condition=Ready pod/web --timeout=60s");
  return state;
}

function apiLog(state: SessionState, query: Record<string, string>, name = "web") {
  return serveKubeApi(state.cluster, { method: "GET", path: `/api/v1/namespaces/default/pods/${name}/log`, query, accept: "*/*", canWrite: false });
}

describe("a container's log, for the console and the API alike", () => {
  it("is what the console's kubectl logs prints, with tailLines keeping the last lines", () => {
    const state = running();
    const all = readPodLog(state.cluster, "default", "web", { container: undefined, previous: false, tailLines: undefined });
    if (!all.ok) throw new Error(all.message);
    expect(all.container).toBe("web");
    expect(logText(all.lines)).toBe(execute(state, "kubectl logs web", { now: state.cluster.now }).output);
    expect(all.lines.length).toBeGreaterThan(3);
    const api = apiLog(state, { tailLines: "2" });
    expect(api).toMatchObject({ status: 200, contentType: "text/plain" });
    expect(api.body).toBe(logText(all.lines.slice(-2)));
  });

  it("refuses as the API server does: no pod, a wrong container, no previous run, a bad tailLines", () => {
    const state = running();
    const refusal = (query: Record<string, string>, name?: string) => JSON.parse(apiLog(state, query, name).body) as { code: number; reason: string; message: string };
    expect(refusal({}, "nope")).toMatchObject({ code: 404, reason: "NotFound", message: 'pods "nope" not found' });
    expect(refusal({ container: "x" })).toMatchObject({ code: 400, message: "container x is not valid for pod web" });
    expect(refusal({ previous: "true" })).toMatchObject({ code: 400, message: 'previous terminated container "web" in pod "web" not found' });
    expect(refusal({ tailLines: "-3" })).toMatchObject({ code: 422, reason: "Invalid", message: 'PodLogOptions "web" is invalid: tailLines: Invalid value: -3: must be greater than or equal to 0' });
    expect(refusal({ tailLines: "x" })).toMatchObject({ code: 400, reason: "BadRequest" });
  });

  it("asks which container of a pod with several, where kubectl would have chosen one", () => {
    let state = createSession({ seed: 7, now: START });
    state = run(state, "kubectl apply -f - <<'EOF'\napiVersion: v1\nkind: Pod\nmetadata:\n  name: two\nspec:\n  containers:\n  - name: a\n    image: nginx\n  - name: b\n    image: httpd\nEOF");
    const answer = readPodLog(state.cluster, "default", "two", { container: undefined, previous: false, tailLines: undefined });
    expect(answer).toMatchObject({ ok: false, code: 400, message: "a container name must be specified for pod two, choose one of: [a b]" });
  });

  it("follows: nothing new while quiet, then ends when the pod is deleted", () => {
    const state = running();
    const cursor = logCursor(state.cluster, "default", "web", "web");
    expect(followPodLog(state.cluster, cursor)).toMatchObject({ lines: [], ended: false });
    const gone = run(state, "kubectl delete pod web --now");
    expect(followPodLog(gone.cluster, cursor).ended).toBe(true);
  });
});
