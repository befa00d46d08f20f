// Real kubectl watching a session's Kubernetes API (`kubectl get pods -w`) while the console
// changes the cluster, and the API server's watch rules a client relies on: resourceVersion,
// bookmarks, timeoutSeconds, the limit of open watches.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { KUBECTL } from "./oracle.ts";

interface Session {
  id: string;
  editKey: string;
}

let baseUrl: string;
let home: string;

beforeAll(() => {
  baseUrl = inject("baseUrl");
  home = mkdtempSync(join(tmpdir(), "kube-oracle-watch-"));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function createSession(setup: string[]): Promise<Session> {
  const response = await fetch(`${baseUrl}/api/sessions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ setup }) });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as Session;
}

async function consoleRun(session: Session, command: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/sessions/${session.id}/commands`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${session.editKey}` },
    body: JSON.stringify({ command }),
  });
  if (response.status !== 200) throw new Error(`command failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { output: string }).output;
}

/** The read-only kubeconfig (no token), as the Share menu offers it to anyone with the link. */
async function readOnlyKubeconfig(session: Session): Promise<string> {
  const path = join(home, `${session.id}.kubeconfig`);
  writeFileSync(path, await (await fetch(`${baseUrl}/api/sessions/${session.id}/kubeconfig`)).text());
  return path;
}

/** A running kubectl whose output so far can be awaited line by line. */
function startKubectl(kubeconfig: string, args: string[]): { process: ChildProcess; output: () => string; waitFor: (pattern: RegExp, ms?: number) => Promise<string> } {
  let output = "";
  const child = spawn(KUBECTL, ["--kubeconfig", kubeconfig, ...args], { env: { PATH: process.env.PATH ?? "", HOME: home } });
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const waitFor = async (pattern: RegExp, ms = 15_000) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const found = output.match(pattern);
      if (found) return found[0];
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${pattern} in kubectl's output within ${ms} ms:\n${output}`);
  };
  return { process: child, output: () => output, waitFor };
}

/** The lines of a watch's stream (fetch, read to its end). */
async function watchLines(url: string, headers: Record<string, string> = {}): Promise<{ status: number; lines: Array<Record<string, any>>; seconds: number }> {
  const start = performance.now();
  const response = await fetch(url, { headers });
  const text = await response.text();
  return { status: response.status, lines: text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l)), seconds: (performance.now() - start) / 1000 };
}

describe("watches through the session's Kubernetes API", () => {
  it("kubectl get pods -w with the read-only kubeconfig prints the pods, then each change the console makes as it happens", async () => {
    const session = await createSession(["kubectl run web --image=nginx"]);
    const kubeconfig = await readOnlyKubeconfig(session);
    const watch = startKubectl(kubeconfig, ["get", "pods", "-w", "--output-watch-events"]);
    try {
      await watch.waitFor(/^EVENT\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nADDED\s+web\s+/m);
      await consoleRun(session, "kubectl run api --image=httpd");
      await watch.waitFor(/^ADDED\s+api\s+0\/1\s+(Pending|ContainerCreating)\s+0\s+\S+$/m);
      // The pod starts as the session's clock moves: the alarm's transitions are changes too.
      await watch.waitFor(/^MODIFIED\s+api\s+1\/1\s+Running\s+0\s+\S+$/m, 30_000);
      await consoleRun(session, "kubectl delete pod api --now");
      await watch.waitFor(/^DELETED\s+api\s+/m, 30_000);
      expect(watch.output()).not.toMatch(/error|forbidden/i);
    } finally {
      watch.process.kill();
    }
  });

  it("kubectl get pod NAME -w follows that one pod", async () => {
    const session = await createSession(["kubectl run web --image=nginx", "kubectl run api --image=httpd"]);
    const watch = startKubectl(await readOnlyKubeconfig(session), ["get", "pod", "web", "-w", "--output-watch-events"]);
    try {
      await watch.waitFor(/^EVENT\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nADDED\s+web\s+/m);
      await consoleRun(session, "kubectl label pod api tier=back");
      await consoleRun(session, "kubectl label pod web tier=front");
      await watch.waitFor(/^MODIFIED\s+web\s+/m);
      await consoleRun(session, "kubectl delete pod web --now");
      await watch.waitFor(/^DELETED\s+web\s+/m, 30_000);
      expect(watch.output()).not.toMatch(/\sapi\s/);
    } finally {
      watch.process.kill();
    }
  });

  it("from a resourceVersion sends what changed after it; one older than the kept window is a 410 Expired event, a newer one a 504", async () => {
    const session = await createSession(["kubectl run web --image=nginx"]);
    const pods = `${baseUrl}/api/sessions/${session.id}/k8s/api/v1/namespaces/default/pods`;
    const listed = (await (await fetch(pods)).json()) as { metadata: { resourceVersion: string } };
    await consoleRun(session, "kubectl run api --image=httpd");
    const since = await watchLines(`${pods}?watch=1&resourceVersion=${listed.metadata.resourceVersion}&timeoutSeconds=1`);
    expect(since.status).toBe(200);
    expect(since.lines.map((l) => `${l.type} ${l.object.metadata.name}`)).toContain("ADDED api");
    // web existed at that resourceVersion: it may change (its start), never appear anew.
    expect(since.lines.map((l) => `${l.type} ${l.object.metadata.name}`)).not.toContain("ADDED web");

    const old = await watchLines(`${pods}?watch=1&resourceVersion=1`);
    expect(old.status).toBe(200);
    expect(old.lines).toHaveLength(1);
    expect(old.lines[0]).toMatchObject({ type: "ERROR", object: { kind: "Status", reason: "Expired", code: 410, message: expect.stringMatching(/^too old resource version: 1 \(\d+\)$/) } });

    const ahead = await fetch(`${pods}?watch=1&resourceVersion=99999999`);
    expect(ahead.status).toBe(504);
    expect(await ahead.json()).toMatchObject({ reason: "Timeout", message: expect.stringMatching(/^Too large resource version: 99999999, current: \d+$/) });
  });

  it("ends at timeoutSeconds, with a bookmark 2 s before when the client allows bookmarks", async () => {
    const session = await createSession([]);
    const pods = `${baseUrl}/api/sessions/${session.id}/k8s/api/v1/namespaces/default/pods`;
    const rv = ((await (await fetch(pods)).json()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const watched = await watchLines(`${pods}?watch=1&resourceVersion=${rv}&timeoutSeconds=4&allowWatchBookmarks=true`);
    expect(watched.seconds).toBeGreaterThan(3.5);
    expect(watched.seconds).toBeLessThan(8);
    expect(watched.lines).toEqual([{ type: "BOOKMARK", object: { kind: "Pod", apiVersion: "v1", metadata: { resourceVersion: rv } } }]);
    const plain = await watchLines(`${pods}?watch=1&resourceVersion=${rv}&timeoutSeconds=3`);
    expect(plain.lines).toEqual([]);
  });

  it("serves at most 20 open watches a session; the 21st is 429 with Retry-After until one closes", async () => {
    const session = await createSession([]);
    const pods = `${baseUrl}/api/sessions/${session.id}/k8s/api/v1/namespaces/default/pods?watch=1`;
    const controllers: AbortController[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const controller = new AbortController();
        controllers.push(controller);
        const response = await fetch(pods, { signal: controller.signal });
        expect(response.status).toBe(200);
        // Under the keyless rate (10 a second), so only the watch limit answers.
        await new Promise((r) => setTimeout(r, 150));
      }
      const refused = await fetch(pods);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({ kind: "Status", reason: "TooManyRequests", code: 429, message: expect.stringContaining("watches") });
      controllers.pop()!.abort();
      let reopened = 0;
      for (let attempt = 0; attempt < 50 && reopened !== 200; attempt++) {
        await new Promise((r) => setTimeout(r, 200));
        const again = await fetch(pods, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
        reopened = again?.status ?? 0;
        await again?.body?.cancel().catch(() => undefined);
      }
      expect(reopened).toBe(200);
    } finally {
      for (const controller of controllers) controller.abort();
    }
  });
});
