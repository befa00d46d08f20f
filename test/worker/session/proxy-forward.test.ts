// The page's proxy and a running `kubectl port-forward`: localhost:PORT is the forward's tunnel to
// its pod, as for curl on the workstation; once the forward is stopped the port refuses.
import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";
import { clusterView } from "../../../worker/sim/view.ts";
import { routeProxyRequest } from "../../../worker/session/proxy.ts";

function session(): { state: SessionState; run: (line: string) => string } {
  let now = Date.UTC(2026, 0, 1);
  const box = { state: createSession({ seed: 3, now }) };
  const run = (line: string) => {
    const result = execute(box.state, line, { now: (now += 2000) });
    box.state = result.state;
    return result.output;
  };
  run("kubectl run web --image=nginx");
  run("sleep 30");
  return {
    get state() {
      return box.state;
    },
    run,
  };
}

const GET = { method: "GET", path: "/", headers: { host: "localhost:8080" } };

describe("the proxy and port-forward", () => {
  it("reaches the forwarded pod at localhost:PORT while the forward runs, and is refused after kill", () => {
    const s = session();
    expect(routeProxyRequest(s.state, { host: "localhost", port: 8080, ...GET }, Date.UTC(2026, 0, 1, 0, 5)).response.status).toBe(502);
    s.run("kubectl port-forward pod/web 8080:80 &");
    expect(clusterView(s.state).forwards).toEqual([{ port: 8080, namespace: "default", pod: "web", remote: 80 }]);
    const { response } = routeProxyRequest(s.state, { host: "localhost", port: 8080, ...GET }, Date.UTC(2026, 0, 1, 0, 5));
    expect(response.status).toBe(200);
    expect(response.body).toContain("Welcome to nginx!");
    expect(response.trace.hops.map((h) => h.kind)).toEqual(["client", "node", "node", "pod", "process"]);
    expect(routeProxyRequest(s.state, { host: "127.0.0.1", port: 8080, ...GET }, Date.UTC(2026, 0, 1, 0, 5)).response.status).toBe(200);
    s.run("kill %1");
    expect(clusterView(s.state).forwards).toEqual([]);
    const after = routeProxyRequest(s.state, { host: "localhost", port: 8080, ...GET }, Date.UTC(2026, 0, 1, 0, 6)).response;
    expect(after.status).toBe(502);
    expect(after.body).toMatch(/^Bad Gateway: the connection to localhost:8080 was refused\./);
  });

  it("ends a forward whose pod is gone, as kubectl does on the next connection", () => {
    const s = session();
    s.run("kubectl port-forward pod/web 8080:80 &");
    s.run("kubectl delete pod web --wait=false");
    s.run("sleep 60");
    const { response, state } = routeProxyRequest(s.state, { host: "localhost", port: 8080, ...GET }, Date.UTC(2026, 0, 1, 0, 10));
    expect(response.status).toBe(502);
    expect(state.jobs?.jobs.find((j) => j.forward)?.ended).toBeDefined();
  });
});
