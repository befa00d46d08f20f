import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { advanceClock, createSession, errorOf, isType, read, request, run, Watcher } from "../helpers.ts";

interface ClusterView {
  nodes: Array<{ name: string; ip: string }>;
  pods: Array<{ name: string; ip?: string; status: string }>;
  services: Array<{ name: string; clusterIP: string; ports: Array<{ port: number; nodePort?: number }> }>;
}

/** A session with nginx running behind a NodePort Service, and the addresses to reach it. */
async function nginxSession() {
  const session = await createSession({ setup: ["kubectl run nginx --image=nginx", "kubectl expose pod nginx --port 80 --type NodePort"] });
  await advanceClock(session.id, 60_000);
  const cluster = (await read(session.id)).cluster as unknown as ClusterView;
  const service = cluster.services.find((s) => s.name === "nginx")!;
  const pod = cluster.pods.find((p) => p.name === "nginx")!;
  expect(pod.status).toBe("Running");
  return { session, nodeIP: cluster.nodes[1].ip, nodePort: service.ports[0].nodePort!, clusterIP: service.clusterIP, podIP: pod.ip! };
}

describe("ANY /api/sessions/:id/proxy/<host>:<port>/<path>", () => {
  it.each([
    ["no port", "192.168.56.11/"],
    ["a port out of range", "192.168.56.11:70000/"],
    ["a port of zero", "192.168.56.11:0/"],
    ["a host with a slash-free junk character", "bad_host!:80/"],
    ["nothing", "/"],
  ])("answers 400 for a target with %s", async (_name, target) => {
    const session = await createSession();
    expect(await errorOf(await request(`/api/sessions/${session.id}/proxy/${target}`))).toMatchObject({ status: 400, code: "bad_request" });
  });

  it("answers 404 for an unknown or malformed session", async () => {
    for (const id of ["AAAAAAAAAAAAAAAAAAAAAA", "x"]) {
      expect(await errorOf(await request(`/api/sessions/${id}/proxy/192.168.56.11:30080/`))).toMatchObject({ status: 404, code: "session_not_found" });
    }
  });

  it("redirects a target without a path to its root, so the app's relative links resolve", async () => {
    const session = await createSession();
    const response = await request(`/api/sessions/${session.id}/proxy/192.168.56.11:30080?x=1`, { redirect: "manual" });
    expect(response.status).toBe(308);
    expect(response.headers.get("Location")).toBe(`/api/sessions/${session.id}/proxy/192.168.56.11:30080/?x=1`);
  });

  it("sandboxes every answer, never sets a cookie and carries the route trace", async () => {
    const session = await createSession();
    const response = await request(`/api/sessions/${session.id}/proxy/10.244.1.5:80/index.html`, { headers: { Cookie: "a=b" } });
    expect(response.headers.get("Content-Security-Policy")).toBe("sandbox; frame-ancestors 'self'");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Set-Cookie")).toBe(null);
    const trace = JSON.parse(response.headers.get("X-Route-Trace")!);
    expect(trace.to).toMatchObject({ host: "10.244.1.5", port: 80 });
    expect(trace.from.kind).toBe("workstation");
  });

  it("refuses a request body over 16 KB", async () => {
    const session = await createSession();
    const response = await request(`/api/sessions/${session.id}/proxy/192.168.56.11:30080/`, { method: "POST", body: "x".repeat(17 * 1024) });
    expect(await errorOf(response)).toMatchObject({ status: 413 });
  });

  it("returns nginx's welcome page for nodeIP:nodePort, with the route in X-Route-Trace", async () => {
    const { session, nodeIP, nodePort, podIP } = await nginxSession();
    const response = await request(`/api/sessions/${session.id}/proxy/${nodeIP}:${nodePort}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/html");
    expect(response.headers.get("Server")).toMatch(/^nginx/);
    expect(response.headers.get("Content-Security-Policy")).toBe("sandbox; frame-ancestors 'self'");
    const body = await response.text();
    expect(body).toContain("<title>Welcome to nginx!</title>");
    const trace = JSON.parse(response.headers.get("X-Route-Trace")!);
    expect(trace).toMatchObject({ verdict: "answered", status: 200, from: { kind: "workstation" }, to: { host: nodeIP, port: nodePort } });
    expect(trace.hops.map((h: { kind: string }) => h.kind)).toEqual(expect.arrayContaining(["node", "service", "endpoint", "pod", "process"]));
    expect(JSON.stringify(trace)).toContain(podIP);
    // The request is in nginx's access log, as `kubectl logs` shows it.
    const logs = await run(session.id, session.editKey, "kubectl logs nginx");
    expect(logs.output).toMatch(/"GET \/ HTTP\/1\.1" 200/);
  });

  it("answers nginx's 404 page for a path nginx does not have", async () => {
    const { session, nodeIP, nodePort } = await nginxSession();
    const response = await request(`/api/sessions/${session.id}/proxy/${nodeIP}:${nodePort}/missing.html`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("404 Not Found");
  });

  it.each([
    ["the pod IP", "podIP" as const],
    ["the ClusterIP", "clusterIP" as const],
  ])("times out with 504 and a plain explanation for %s, which only works inside the cluster", async (_name, which) => {
    const addresses = await nginxSession();
    const port = 80;
    const response = await request(`/api/sessions/${addresses.session.id}/proxy/${addresses[which]}:${port}/`);
    expect(response.status).toBe(504);
    expect(response.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
    expect(await response.text()).toContain(`nothing answered at ${addresses[which]}:${port} from the workstation`);
    expect(JSON.parse(response.headers.get("X-Route-Trace")!).verdict).toBe("timed-out");
  });

  it("answers 502 for a node port nothing listens on (refused)", async () => {
    const { session, nodeIP } = await nginxSession();
    const response = await request(`/api/sessions/${session.id}/proxy/${nodeIP}:31999/`);
    expect(response.status).toBe(502);
    expect(await response.text()).toContain("refused");
    expect(JSON.parse(response.headers.get("X-Route-Trace")!).verdict).toBe("refused");
  });

  it("answers 502 when what answers does not speak HTTP (the node's sshd)", async () => {
    const { session, nodeIP } = await nginxSession();
    const response = await request(`/api/sessions/${session.id}/proxy/${nodeIP}:22/`);
    expect(response.status).toBe(502);
    expect(await response.text()).toContain("not over HTTP");
  });

  it("answers HEAD without a body", async () => {
    const { session, nodeIP, nodePort } = await nginxSession();
    const response = await request(`/api/sessions/${session.id}/proxy/${nodeIP}:${nodePort}/`, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });
});

describe("proxy requests and watchers", () => {
  it("are broadcast as request messages with the route, then the cluster they changed, but never enter the transcript", async () => {
    const { session, nodeIP, nodePort, podIP } = await nginxSession();
    const seq = (await read(session.id)).seq;
    const watchers = [await Watcher.open(session.id), await Watcher.open(session.id)];
    const before = Date.now();
    const response = await request(`/api/sessions/${session.id}/proxy/${nodeIP}:${nodePort}/`);
    expect(response.status).toBe(200);
    for (const watcher of watchers) {
      const message = await watcher.next(isType("request"));
      expect(message).toMatchObject({ type: "request", status: 200, trace: { verdict: "answered", to: { host: nodeIP, port: nodePort } } });
      expect(JSON.stringify(message.trace)).toContain(podIP);
      expect(message.trace).toEqual(JSON.parse(response.headers.get("X-Route-Trace")!));
      expect(message.at).toBeGreaterThanOrEqual(before);
      // nginx wrote an access-log line: the cluster changed, so the view follows.
      expect(await watcher.next(isType("cluster"))).toMatchObject({ seq });
      expect(watcher.messages.filter((m) => m.type === "command")).toEqual([]);
    }
    for (const watcher of watchers) watcher.close();
    expect((await read(session.id)).seq).toBe(seq);
  });

  it("tell watchers about requests that went nowhere too (504 from a pod IP)", async () => {
    const { session, podIP } = await nginxSession();
    const watcher = await Watcher.open(session.id);
    expect((await request(`/api/sessions/${session.id}/proxy/${podIP}:80/`)).status).toBe(504);
    expect(await watcher.next(isType("request"))).toMatchObject({ status: 504, trace: { verdict: "timed-out", to: { host: podIP, port: 80 } } });
    watcher.close();
  });

  it("store what the request changed (nginx's access log) before answering: it survives an eviction", async () => {
    const { session, nodeIP, nodePort } = await nginxSession();
    expect((await request(`/api/sessions/${session.id}/proxy/${nodeIP}:${nodePort}/from-the-tab`)).status).toBe(404);
    await evictDurableObject(env.SESSIONS.get(env.SESSIONS.idFromName(session.id)));
    const logs = await run(session.id, session.editKey, "kubectl logs nginx");
    expect(logs.output).toMatch(/"GET \/from-the-tab HTTP\/1\.1" 404/);
  });
});

describe("proxy requests and lessons", () => {
  it("count as requests from outside: a browser tab on the pod IP completes the lesson's step", async () => {
    const session = await createSession({ lesson: "services-nodeport" });
    await run(session.id, session.editKey, "kubectl run nginx --image=nginx");
    await advanceClock(session.id, 60_000);
    await run(session.id, session.editKey, "kubectl get pods -o wide");
    const pod = ((await read(session.id)).cluster as unknown as ClusterView).pods.find((p) => p.name === "nginx")!;
    const watcher = await Watcher.open(session.id);
    expect((await request(`/api/sessions/${session.id}/proxy/${pod.ip}:80/`)).status).toBe(504);
    const lesson = await watcher.next(isType("lesson"));
    expect(lesson.events).toEqual([{ type: "step-completed", lessonId: "services-nodeport", stepId: "pod-ip-from-outside" }]);
    watcher.close();
    const view = (await read(session.id)) as unknown as { lesson: { progress: { completed: string[] } } };
    expect(view.lesson.progress.completed).toEqual(["run-a-pod", "pod-ip-from-outside"]);
  });
});
