import { describe, expect, it } from "vitest";
import { lessonState, paced, parseLiveMessage, proxyUrl } from "../../../web/src/api/client.ts";
import { ApiError } from "../../../web/src/api/types.ts";
import { view } from "../fixtures.ts";

const entry = { seq: 3, command: "kubectl get pods", output: "No resources found in default namespace.\n", exitCode: 0, prompt: "$ ", traces: [], at: 1 };

describe("live messages", () => {
  it("reads hello, command, cluster and expired as the worker sends them", () => {
    const cluster = view();
    expect(parseLiveMessage({ type: "hello", sessionId: "x", seq: 2, prompt: "p$ ", transcriptStart: 1, cluster })).toEqual([{ kind: "cluster", cluster, prompt: "p$ " }]);
    expect(parseLiveMessage({ type: "command", entry })).toEqual([{ kind: "command", entry: { seq: 3, command: "kubectl get pods", output: entry.output, exitCode: 0, prompt: "$ ", traces: [] } }]);
    expect(parseLiveMessage({ type: "cluster", seq: 3, cluster })).toEqual([{ kind: "cluster", cluster, prompt: undefined }]);
    expect(parseLiveMessage({ type: "expired" })).toEqual([{ kind: "expired" }]);
  });

  it("reads a request that came in through the proxy, with its route, so the map can animate it", () => {
    const trace = { request: "GET http://192.168.56.11:30080/", from: { kind: "workstation", name: "workstation", ip: "192.168.56.1" }, to: { host: "192.168.56.11", port: 30080, path: "/" }, hops: [], verdict: "answered", status: 200, reason: "nginx answered" };
    expect(parseLiveMessage({ type: "request", trace, status: 200, at: 5 })).toEqual([{ kind: "request", trace, status: 200 }]);
  });

  it("ignores what it does not know", () => {
    for (const m of [null, 3, "x", { type: "pong" }, { type: "ack", id: "1", seq: 2 }, { type: "cluster", cluster: {} }, { type: "request", trace: { hops: "no" } }]) {
      expect(parseLiveMessage(m)).toEqual([]);
    }
  });
});

describe("lesson progress over the socket", () => {
  const update = { progress: { lessonId: "l", currentStep: 1, completed: ["a"], remembered: {}, requests: {} }, events: [{ type: "step-completed", lessonId: "l", stepId: "a" }], status: null };

  it("reads the lesson beside a command's entry, and a step completed by the clock", () => {
    const [command] = parseLiveMessage({ type: "command", entry, lesson: update });
    expect(command).toMatchObject({ kind: "command", entry: { seq: 3 }, lesson: update });
    expect(parseLiveMessage({ type: "lesson", ...update })).toEqual([{ kind: "lesson", update }]);
  });

  it("has no lesson when the message carries none or a malformed one", () => {
    expect(parseLiveMessage({ type: "command", entry })[0]).not.toHaveProperty("lesson");
    expect(parseLiveMessage({ type: "command", entry, lesson: { progress: { currentStep: "x" } } })[0]).not.toHaveProperty("lesson");
    expect(parseLiveMessage({ type: "lesson", progress: null })).toEqual([]);
  });

  it("reads a session's lesson, or null for a session without one", () => {
    const lesson = { id: "l", title: "L", summary: "s", steps: [], solution: [] };
    expect(lessonState({ lesson, progress: update.progress })).toEqual({ lesson, progress: update.progress, status: null });
    expect(lessonState(null)).toBeNull();
    expect(lessonState(undefined)).toBeNull();
  });
});

describe("proxy links", () => {
  it("send the browser through the session's proxy", () => {
    expect(proxyUrl("abc", "192.168.56.11", 30080, "/x")).toBe("/api/sessions/abc/proxy/192.168.56.11:30080/x");
  });
});

describe("commands at the session's pace", () => {
  const limited = (retryAfter?: number) => new ApiError(429, "rate_limited", "Too many commands", retryAfter);

  it("waits as long as a 429 asks and tries again, so a long paste runs to its end", async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await paced(async () => {
      if (++calls < 3) throw limited(calls === 1 ? 2 : undefined);
      return "ran";
    }, async (ms) => void waits.push(ms));
    expect(result).toBe("ran");
    expect(waits).toEqual([2000, 1000]);
  });

  it("passes other errors on at once and gives up on a 429 after its tries", async () => {
    const waits: number[] = [];
    const wait = async (ms: number) => void waits.push(ms);
    await expect(paced(async () => { throw new ApiError(403, "forbidden", "no"); }, wait)).rejects.toMatchObject({ status: 403 });
    expect(waits).toEqual([]);
    await expect(paced(async () => { throw limited(1); }, wait, 3)).rejects.toMatchObject({ status: 429 });
    expect(waits).toHaveLength(2);
  });
});
