import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";
import { bookmarkLine, clusterAt, errorLine, eventLine, isWatch, parseWatch, type WatchSpec, watchChanges, watchView } from "../../../worker/sim/api/watch.ts";

const START = Date.UTC(2026, 0, 1);
const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

function session(commands: string[] = []): SessionState {
  let state = createSession({ seed: 7, now: START });
  for (const command of commands) state = run(state, command);
  return state;
}

function run(state: SessionState, command: string): SessionState {
  return execute(state, command, { now: state.cluster.now + 1000 }).state;
}

function spec(state: SessionState, query: Record<string, string> = {}, accept = "application/json", path = "/api/v1/namespaces/default/pods"): WatchSpec {
  const parsed = parseWatch(state.cluster, { method: "GET", path, query: { watch: "1", ...query }, accept, canWrite: false });
  if ("status" in parsed) throw new Error(parsed.body);
  return parsed;
}

function refusal(state: SessionState, query: Record<string, string>, path = "/api/v1/namespaces/default/pods") {
  const parsed = parseWatch(state.cluster, { method: "GET", path, query: { watch: "1", ...query }, accept: "application/json", canWrite: false });
  if (!("status" in parsed)) throw new Error("accepted");
  return { status: parsed.status, json: JSON.parse(parsed.body) as Record<string, unknown> };
}

describe("watches of the session's Kubernetes API", () => {
  it("sees a console command's pod as ADDED, its changes as MODIFIED and its deletion as DELETED", () => {
    const before = session();
    const watch = spec(before);
    const created = run(before, "kubectl run web --image=nginx");
    const added = watchChanges(watchView(before.cluster, watch), watchView(created.cluster, watch));
    expect(added.map((e) => [e.type, e.object.metadata.name])).toEqual([["ADDED", "web"]]);
    const labelled = run(created, "kubectl label pod web tier=front");
    expect(watchChanges(watchView(created.cluster, watch), watchView(labelled.cluster, watch)).map((e) => e.type)).toEqual(["MODIFIED"]);
    const deleted = run(labelled, "kubectl delete pod web --now");
    const gone = watchChanges(watchView(labelled.cluster, watch), watchView(deleted.cluster, watch));
    expect(gone.at(-1)!.type).toBe("DELETED");
    expect(gone.at(-1)!.object.metadata.name).toBe("web");
  });

  it("sees only what its selectors select", () => {
    const before = session(["kubectl run web --image=nginx"]);
    const watch = spec(before, { labelSelector: "run=api" });
    const after = run(run(before, "kubectl run api --image=httpd"), "kubectl label pod web tier=front");
    expect(watchChanges(watchView(before.cluster, watch), watchView(after.cluster, watch)).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(["ADDED api"]);
  });

  it("writes each event as one JSON line, the object with its kind, or with kubectl's Accept a Table whose later rows carry no columns", () => {
    const state = session(["kubectl run web --image=nginx"]);
    const object = watchView(state.cluster, spec(state)).get("default/web")!.object;
    const plain = JSON.parse(eventLine(spec(state), { type: "ADDED", object }, state.cluster.now, true));
    expect(plain).toMatchObject({ type: "ADDED", object: { kind: "Pod", apiVersion: "v1", metadata: { name: "web" } } });
    const table = spec(state, {}, TABLE);
    const first = eventLine(table, { type: "ADDED", object }, state.cluster.now, true);
    expect(first.endsWith("}\n")).toBe(true);
    const firstTable = JSON.parse(first).object;
    expect(firstTable.kind).toBe("Table");
    expect(firstTable.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"]);
    expect(firstTable.rows[0].cells[0]).toBe("web");
    expect(JSON.parse(eventLine(table, { type: "MODIFIED", object }, state.cluster.now, false)).object.columnDefinitions).toEqual([]);
  });

  it("takes resourceVersion 0 or none as 'send what exists first', and another as 'what changed after it'", () => {
    const state = session();
    expect(spec(state).sendInitial).toBe(true);
    expect(spec(state, { resourceVersion: "0" }).sendInitial).toBe(true);
    expect(spec(state, { resourceVersion: "12" })).toMatchObject({ sendInitial: false, since: 12 });
    expect(refusal(state, { resourceVersion: "abc" })).toMatchObject({ status: 400, json: { reason: "BadRequest" } });
  });

  it("finds the cluster at an earlier resourceVersion among those kept; older is 410 Expired, newer 504 Too large", () => {
    const a = session();
    const b = run(a, "kubectl run web --image=nginx");
    const c = run(b, "kubectl run api --image=httpd");
    const history = [a.cluster, b.cluster, c.cluster];
    expect(clusterAt(history, b.cluster.resourceVersion)).toBe(b.cluster);
    expect(clusterAt(history, c.cluster.resourceVersion)).toBe(c.cluster);
    const watch = spec(c, { resourceVersion: String(b.cluster.resourceVersion) });
    const since = clusterAt(history, watch.since!);
    if ("status" in since) throw new Error(since.body);
    expect(watchChanges(watchView(since, watch), watchView(c.cluster, watch)).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(["ADDED api"]);

    const old = clusterAt([b.cluster, c.cluster], a.cluster.resourceVersion - 1);
    expect("status" in old && old.status).toBe(410);
    const line = JSON.parse(errorLine(old as { status: number; contentType: string; body: string }));
    expect(line).toEqual({
      type: "ERROR",
      object: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `too old resource version: ${a.cluster.resourceVersion - 1} (${b.cluster.resourceVersion})`, reason: "Expired", code: 410 },
    });
    const ahead = clusterAt(history, c.cluster.resourceVersion + 5);
    expect("status" in ahead && JSON.parse(ahead.body)).toMatchObject({ code: 504, reason: "Timeout", message: `Too large resource version: ${c.cluster.resourceVersion + 5}, current: ${c.cluster.resourceVersion}` });
  });

  it("caps timeoutSeconds at 30 minutes and refuses one that is not a number", () => {
    const state = session();
    expect(spec(state).timeoutSeconds).toBe(1800);
    expect(spec(state, { timeoutSeconds: "5" }).timeoutSeconds).toBe(5);
    expect(spec(state, { timeoutSeconds: "99999" }).timeoutSeconds).toBe(1800);
    expect(refusal(state, { timeoutSeconds: "soon" }).status).toBe(400);
  });

  it("refuses a bad selector as LIST refuses it, and leaves a GET of one object with ?watch to the get handler", () => {
    expect(refusal(session(), { labelSelector: "a!b" }).status).toBe(400);
    expect(isWatch("/api/v1/namespaces/default/pods", { watch: "1" })).toBe(true);
    expect(isWatch("/apis/apps/v1/deployments", { watch: "true" })).toBe(true);
    expect(isWatch("/api/v1/namespaces/default/pods/web", { watch: "1" })).toBe(false);
    expect(isWatch("/api/v1/namespaces/default/pods", { watch: "false" })).toBe(false);
  });

  it("marks a bookmark with the resourceVersion seen and the kind", () => {
    const state = session();
    expect(JSON.parse(bookmarkLine(spec(state, { allowWatchBookmarks: "true" }), 42))).toEqual({ type: "BOOKMARK", object: { kind: "Pod", apiVersion: "v1", metadata: { resourceVersion: "42" } } });
  });
});
