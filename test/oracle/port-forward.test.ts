// Real kubectl port-forward through a session's Kubernetes API (pods/portforward: SPDY/3.1 tunnelled
// in a WebSocket, `SPDY/3.1+portforward.k8s.io`), and a real HTTP client at the local port: the
// pod's nginx answers with the page the console's curl gets through its own port-forward, over
// kept-alive and concurrent connections; a port nothing listens on gives the kubelet's error.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, get as httpGet, type IncomingMessage } from "node:http";
import { get } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, inject, it } from "vitest";
import { KUBECTL } from "./oracle.ts";

interface Session {
  id: string;
  editKey: string;
}

function getInsecure(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { headers, rejectUnauthorized: false }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => (response.statusCode === 200 ? resolve(body) : reject(new Error(`${response.statusCode} ${body}`))));
    }).on("error", reject);
  });
}

/** A running `kubectl port-forward`: its output so far, and its exit. */
interface Forwarding {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number>;
}

function portForward(kubeconfig: string, home: string, args: string[]): Forwarding {
  const child = spawn(KUBECTL, ["--kubeconfig", kubeconfig, "port-forward", ...args], { cwd: home, env: { PATH: process.env.PATH ?? "", HOME: home } });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  for (const deadline = Date.now() + ms; !check(); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() > deadline) throw new Error("timed out");
  }
}

function request(port: number, path: string, agent: Agent): Promise<{ status: number; body: string; reused: boolean; response: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = httpGet({ host: "127.0.0.1", port, path, agent }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body, reused: req.reusedSocket, response }));
    });
    req.on("error", reject);
  });
}

it("real kubectl port-forward reaches the pod's nginx as the console's port-forward does, and reports a port nothing listens on", async () => {
  const baseUrl = inject("baseUrl");
  const created = await fetch(`${baseUrl}/api/sessions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ setup: ["kubectl run web --image=nginx"] }) });
  expect(created.status).toBe(201);
  const session = (await created.json()) as Session;
  const consoleRun = async (command: string) => {
    const response = await fetch(`${baseUrl}/api/sessions/${session.id}/commands`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${session.editKey}` }, body: JSON.stringify({ command }) });
    return (await response.json()) as { output: string; exitCode: number };
  };
  const home = mkdtempSync(join(tmpdir(), "kube-oracle-port-forward-"));
  const running: Forwarding[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const kubeconfig = join(home, "kubeconfig");
    writeFileSync(kubeconfig, await getInsecure(`${inject("httpsUrl")}/api/sessions/${session.id}/kubeconfig`, { Authorization: `Bearer ${session.editKey}` }));
    const readOnly = join(home, "read-only");
    writeFileSync(readOnly, await (await fetch(`${baseUrl}/api/sessions/${session.id}/kubeconfig`)).text());
    await new Promise((r) => setTimeout(r, 5000));

    const web = portForward(kubeconfig, home, ["pod/web", "18080:80"]);
    running.push(web);
    await until(() => web.stdout().includes("Forwarding from 127.0.0.1:18080 -> 80"));

    // The page, as the console's curl gets it through the console's own port-forward.
    const first = await request(18080, "/", agent);
    await consoleRun("kubectl port-forward pod/web 28080:80 > /dev/null &");
    const fromConsole = await consoleRun("curl -s localhost:28080");
    expect(first.status).toBe(200);
    expect(first.body).toBe(fromConsole.output);
    expect(first.response.headers.server).toMatch(/^nginx\//);
    // Kept alive: the next request goes over the same connection, and a missing page is nginx's 404.
    const second = await request(18080, "/nope", agent);
    expect(second.reused).toBe(true);
    expect(second.status).toBe(404);
    expect(second.body).toBe((await consoleRun("curl -s localhost:28080/nope")).output);
    // Two connections at once, each its own stream pair.
    const fresh = () => new Agent({ keepAlive: false });
    const both = await Promise.all([request(18080, "/", fresh()), request(18080, "/index.html", fresh())]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(web.stdout().match(/Handling connection for 18080/g)?.length).toBeGreaterThanOrEqual(3);

    // A port nothing listens on: kubectl logs the kubelet's error from the error stream and gives up.
    const closed = portForward(kubeconfig, home, ["pod/web", "18081:8080"]);
    running.push(closed);
    await until(() => closed.stdout().includes("Forwarding from 127.0.0.1:18081 -> 8080"));
    await expect(request(18081, "/", fresh())).rejects.toThrow();
    expect(await closed.exited).toBe(1);
    expect(closed.stderr()).toMatch(/an error occurred forwarding 18081 -> 8080: error forwarding port 8080 to pod [0-9a-f]{64}, uid : failed to execute portforward in network namespace \\"\/var\/run\/netns\/cni-[0-9a-f-]{36}\\": failed to connect to localhost:8080 inside namespace \\"[0-9a-f]{64}\\", IPv4: dial tcp4 127\.0\.0\.1:8080: connect: connection refused IPv6 dial tcp6 \[::1\]:8080: connect: connection refused /);
    expect(closed.stderr()).toMatch(/error: lost connection to pod\n$/);

    // The read-only kubeconfig may not forward.
    const denied = portForward(readOnly, home, ["pod/web", "18082:80"]);
    running.push(denied);
    expect(await denied.exited).toBe(1);
    expect(denied.stderr()).toContain('pods "web" is forbidden: User "system:anonymous" cannot create resource "pods/portforward" in API group "" in the namespace "default"');

    // Each request is in the transcript as the request it was.
    const transcript = ((await (await fetch(`${baseUrl}/api/sessions/${session.id}`)).json()) as { transcript: Array<{ command: string; output: string }> }).transcript;
    expect(transcript.find((e) => e.command === "kubectl-client: port-forward web 80: GET /")?.output).toBe("HTTP/1.1 200 OK\n");
    expect(transcript.find((e) => e.command === "kubectl-client: port-forward web 8080")?.output).toMatch(/^error forwarding port 8080 to pod /);
  } finally {
    agent.destroy();
    for (const f of running) f.child.kill();
    rmSync(home, { recursive: true, force: true });
  }
});
