// curl's progress meter: on stderr whenever the body does not go to a terminal, unless -s.

import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../../worker/sim/engine.ts";

const HEADER =
  "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n" +
  "                                 Dload  Upload   Total   Spent    Left  Speed\n";

function cluster(): { state: SessionState; at: () => number } {
  let now = Date.UTC(2026, 0, 1);
  let state = createSession({ seed: 5, now });
  for (const command of ["kubectl run web --image=nginx", "kubectl run app --image=nginx", "kubectl expose pod web --port 80"]) {
    now += 5000;
    state = execute(state, command, { now }).state;
  }
  return { state, at: () => (now += 5000) };
}

describe("curl's progress meter", () => {
  const { state, at } = cluster();
  const run = (command: string) => execute(state, command, { now: at() });

  it("is drawn before the body when kubectl exec has no terminal (-t)", () => {
    const r = run("kubectl exec app -- curl http://web");
    expect(r.output.startsWith(HEADER + "100   615  100   615    0     0 ")).toBe(true);
    expect(r.output).toContain("<title>Welcome to nginx!</title>");
  });

  it("is not drawn with -s, nor when the output is a terminal", () => {
    expect(run("kubectl exec app -- curl -s http://web").output.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(run("kubectl exec -it app -- curl http://web").output.startsWith("<!DOCTYPE html>")).toBe(true);
  });

  it("is drawn when the body goes into a pipe", () => {
    const r = run("kubectl exec app -- curl http://web | head -1");
    expect(r.output.startsWith(HEADER)).toBe(true);
    expect(r.output.endsWith("<!DOCTYPE html>\n")).toBe(true);
  });

  it("shows zeros and the time spent before a failure", () => {
    const r = run("kubectl exec app -- curl -m 3 http://10.96.0.99");
    expect(r.output.startsWith(HEADER)).toBe(true);
    expect(r.output).toMatch(/^ {2}0 {5}0 {4}0 {5}0 {4}0 {5}0 {6}0 {6}0 --:--:-- {2}0:00:03 --:--:-- {5}0\ncurl: \(28\) Connection timed out after 300\d milliseconds\n/m);
  });

  it("is drawn for -o even on a terminal", () => {
    const r = run("curl -o /dev/null http://192.168.56.11:1");
    expect(r.output.startsWith(HEADER)).toBe(true);
  });
});
