import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../worker/sim/engine.ts";
import { forwardRequest, openForward } from "../../worker/sim/port-forward-client.ts";
import { SOLE_CLUSTER } from "../../worker/sim/contexts.ts";

const START = Date.UTC(2026, 0, 1);

function session(commands: string[]): SessionState {
  let state = createSession({ seed: 7, now: START });
  for (const command of commands) state = execute(state, command, { now: state.cluster.now + 1000 }).state;
  return execute(state, "true", { now: state.cluster.now + 20_000 }).state;
}

describe("a port-forward opened by a client of the session's API", () => {
  const state = session(["kubectl run web --image=nginx"]);
  const pod = state.cluster.pods["default/web"];
  const target = { cluster: SOLE_CLUSTER, namespace: "default", pod: "web", uid: pod.metadata.uid!, port: 80 };
  const now = state.cluster.now + 1000;

  it("reaches the pod's nginx as the console's own port-forward does", () => {
    expect(openForward(state, target, now).failure).toBeUndefined();
    const { outcome, result } = forwardRequest(state, target, { method: "GET", target: "/", headers: [["Host", "localhost:18080"], ["User-Agent", "Go-http-client/1.1"]] }, now);
    expect(outcome.kind).toBe("reply");
    if (outcome.kind !== "reply" || outcome.reply.kind !== "http") return;
    expect(outcome.reply.status).toBe(200);
    expect(outcome.reply.body).toContain("<title>Welcome to nginx!</title>");
    expect(result.traces).toHaveLength(1);
    expect(result.traces[0].verdict).toBe("answered");
    // nginx logs the request, from the pod's loopback (the kubelet's dial).
    const logs = result.state.cluster.podRuntime["default/web"].logs.join("\n");
    expect(logs).toContain("127.0.0.1 - - [");

    // The console's curl through its own port-forward gets the same page.
    const console = execute(state, "kubectl port-forward pod/web 18080:80 > /dev/null &", { now }).state;
    const curl = execute(console, "curl -s localhost:18080", { now: now + 1000 });
    expect(curl.output).toBe(outcome.reply.body);
  });

  it("gives the kubelet's error when nothing listens on the port", () => {
    const { failure, result } = openForward(state, { ...target, port: 8080 }, now);
    expect(failure).toMatch(/^error forwarding port 8080 to pod [0-9a-f]{64}, uid : failed to execute portforward in network namespace "\/var\/run\/netns\/cni-[0-9a-f-]{36}": failed to connect to localhost:8080 inside namespace "[0-9a-f]{64}", IPv4: dial tcp4 127\.0\.0\.1:8080: connect: connection refused IPv6 dial tcp6 \[::1\]:8080: connect: connection refused $/);
    expect(result.traces[0].verdict).toBe("empty-reply");
  });

  it("gives the kubelet's error when the pod it opened for is gone", () => {
    const gone = execute(state, "kubectl delete pod web --now", { now }).state;
    const { failure } = openForward(gone, target, now + 60_000);
    expect(failure).toMatch(/^error forwarding port 80 to pod [0-9a-f]{64}, uid : failed to find sandbox "[0-9a-f]{64}" in store: not found$/);
  });
});
