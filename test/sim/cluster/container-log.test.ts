// Container logs rotate at a size, as the kubelet's do: `kubectl logs` shows the current file only,
// and no pod's stored log grows past the limit, whatever the requests.
import { describe, expect, it } from "vitest";
import { appendContainerLog, CONTAINER_LOG_MAX_BYTES } from "../../../worker/sim/cluster/container-log.ts";
import type { PodRuntime } from "../../../worker/sim/cluster/types.ts";
import { simConsole } from "../console.ts";

const empty: PodRuntime = { createdAt: 0, logs: [] };

describe("appendContainerLog", () => {
  it("appends lines and counts their bytes with newlines", () => {
    const next = appendContainerLog(empty, ["abc", "é"], 5);
    expect(next.logs).toEqual(["abc", "é"]);
    expect(next.logBytes).toBe(4 + 3);
    expect(next.logRotatedAt).toBeUndefined();
  });
  it("rotates the file when a line takes it past the limit; the next line starts the new file", () => {
    const line = "x".repeat(999);
    let runtime = empty;
    const fit = Math.floor(CONTAINER_LOG_MAX_BYTES / 1000);
    for (let i = 0; i < fit; i++) runtime = appendContainerLog(runtime, [line], 1);
    expect(runtime.logs).toHaveLength(fit);
    runtime = appendContainerLog(runtime, [line, "after"], 2);
    expect(runtime.logs).toEqual(["after"]);
    expect(runtime.logBytes).toBe(6);
    expect(runtime.logRotatedAt).toBe(2);
  });
  it("never keeps a line longer than the limit", () => {
    const next = appendContainerLog(empty, ["y".repeat(CONTAINER_LOG_MAX_BYTES * 2)], 3);
    expect(next.logs).toEqual([]);
  });
  it("counts the bytes of a file stored before logBytes existed", () => {
    const next = appendContainerLog({ createdAt: 0, logs: ["ab"] }, ["c"], 1);
    expect(next.logBytes).toBe(5);
  });
});

describe("an nginx pod's log under many large requests", () => {
  it("stays bounded, and kubectl logs shows only what came after the rotation", () => {
    const run = simConsole(11, 4000);
    run("kubectl run web --image=nginx --port=80");
    run("kubectl expose pod web --type=NodePort --port=80 --name=web");
    run("kubectl get pods");
    const port = /80:(\d+)\/TCP/.exec(run("kubectl get svc web").output)?.[1];
    expect(port).toBeDefined();
    const agent = "a".repeat(7000);
    const before = run("kubectl logs web").output;
    expect(before).toContain("start worker process");
    let last = run(`curl -s -o /dev/null -A ${agent} http://192.168.56.11:${port}/`);
    for (let i = 0; i < 40; i++) last = run(`for i in 1 2 3 4 5; do curl -s -o /dev/null -A ${agent} http://192.168.56.11:${port}/; done`);
    const runtime = last.state.cluster.podRuntime["default/web"];
    expect(runtime.logRotatedAt).toBeDefined();
    expect(runtime.logBytes).toBeLessThanOrEqual(CONTAINER_LOG_MAX_BYTES);
    expect(JSON.stringify(runtime).length).toBeLessThan(CONTAINER_LOG_MAX_BYTES + 4096);
    const after = run("kubectl logs web").output;
    // The start-up notices were in a rotated file: the current one holds access lines only.
    expect(after).not.toContain("start worker process");
    expect(after.split("\n").filter(Boolean).every((line) => line.includes('"GET / HTTP/1.1" 200 615'))).toBe(true);
  });
});
