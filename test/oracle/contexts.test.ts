// Real kubectl with the kubeconfig of a session with several clusters: a context per cluster, named
// as the console's `kubectl config get-contexts` names them, each talking to its own cluster's API
// path whatever the console's current context (get, watch, write, exec).

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:https";
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
  home = mkdtempSync(join(tmpdir(), "kube-oracle-contexts-"));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function createSession(setup: string[]): Promise<Session> {
  const body = { clusters: [{ name: "k8s-c1" }, { name: "k8s-c2" }], setup };
  const response = await fetch(`${baseUrl}/api/sessions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
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

/** Real kubectl's output (both streams) through /bin/sh, as the console's words are a shell's. */
function kubectl(kubeconfig: string, command: string): Promise<string> {
  const line = `"$KUBECTL" --kubeconfig "$KUBECONFIG_FILE"${command.slice("kubectl".length)} 2>&1`;
  return new Promise((resolve) => {
    execFile("/bin/sh", ["-c", line], { cwd: home, env: { PATH: process.env.PATH ?? "", HOME: home, KUBECTL, KUBECONFIG_FILE: kubeconfig }, timeout: 30_000 }, (_error, stdout) => resolve(stdout));
  });
}

/** The console's output and real kubectl's for one command; ages tick while kubectl starts, so the console runs before and after it. */
async function both(session: Session, kubeconfig: string, command: string): Promise<{ console: string; kubectl: string }> {
  let last = { console: "", kubectl: "" };
  for (let attempt = 0; attempt < 4; attempt++) {
    const before = await consoleRun(session, command);
    const real = await kubectl(kubeconfig, command);
    const after = real === before ? before : await consoleRun(session, command);
    last = { console: real === after ? after : before, kubectl: real };
    if (last.console === last.kubectl) break;
  }
  return last;
}

function startKubectl(kubeconfig: string, args: string[]): { process: ChildProcess; output: () => string; waitFor: (pattern: RegExp, ms?: number) => Promise<void> } {
  let output = "";
  const child = spawn(KUBECTL, ["--kubeconfig", kubeconfig, ...args], { env: { PATH: process.env.PATH ?? "", HOME: home } });
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const waitFor = async (pattern: RegExp, ms = 20_000) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (pattern.test(output)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${pattern} in kubectl's output within ${ms} ms:\n${output}`);
  };
  return { process: child, output: () => output, waitFor };
}

describe("real kubectl --context against a session with several clusters", () => {
  it("lists the console's contexts and reads each cluster through its own context", async () => {
    const session = await createSession(["kubectl --context k8s-c2 run web --image=nginx"]);
    const kubeconfig = join(home, `${session.id}.kubeconfig`);
    writeFileSync(kubeconfig, await (await fetch(`${baseUrl}/api/sessions/${session.id}/kubeconfig`)).text());
    expect(await kubectl(kubeconfig, "kubectl config get-contexts -o name")).toBe(await consoleRun(session, "kubectl config get-contexts -o name"));
    expect(await kubectl(kubeconfig, "kubectl config current-context")).toBe("k8s-c1\n");
    await new Promise((r) => setTimeout(r, 3000));
    for (const command of ["kubectl --context k8s-c2 get nodes", "kubectl get nodes", "kubectl --context k8s-c2 get pods -o wide", "kubectl --context k8s-c2 describe node cluster2-node1", "kubectl get pods"]) {
      const compared = await both(session, kubeconfig, command);
      expect(compared.kubectl, command).toBe(compared.console);
    }
    expect(await kubectl(kubeconfig, "kubectl --context k8s-c2 get nodes -o name")).toBe("node/cluster2-controlplane\nnode/cluster2-node1\nnode/cluster2-node2\n");
  });

  it("watches one cluster through use-context switches in the console, and writes and execs into the context's cluster", async () => {
    const session = await createSession(["kubectl --context k8s-c2 run web --image=nginx"]);
    const readOnly = join(home, `${session.id}-read-only.kubeconfig`);
    writeFileSync(readOnly, await (await fetch(`${baseUrl}/api/sessions/${session.id}/kubeconfig`)).text());
    const watch = startKubectl(readOnly, ["--context", "k8s-c2", "get", "pods", "-w", "--output-watch-events"]);
    try {
      await watch.waitFor(/^ADDED\s+web\s+/m);
      await consoleRun(session, "kubectl config use-context k8s-c2");
      await consoleRun(session, "kubectl config use-context k8s-c1");
      await consoleRun(session, "kubectl run only-c1 --image=nginx");
      await consoleRun(session, "kubectl --context k8s-c2 run api --image=httpd");
      await watch.waitFor(/^ADDED\s+api\s+/m);
      expect(watch.output()).not.toMatch(/only-c1|DELETED\s+web|error/i);
    } finally {
      watch.process.kill();
    }

    // The editor's kubeconfig (a token goes only over TLS: npm start's https address).
    const editor = join(home, `${session.id}.kubeconfig`);
    writeFileSync(editor, await getInsecure(`${inject("httpsUrl")}/api/sessions/${session.id}/kubeconfig`, { Authorization: `Bearer ${session.editKey}` }));
    expect(await kubectl(editor, "kubectl --context k8s-c2 run from-kubectl --image=nginx")).toBe("pod/from-kubectl created\n");
    expect(await kubectl(editor, "kubectl --context k8s-c2 label pod web tier=front")).toBe("pod/web labeled\n");
    expect(await consoleRun(session, "kubectl --context k8s-c2 get pods -l tier=front,run=web -o name")).toBe("pod/web\n");
    expect(await consoleRun(session, "kubectl --context k8s-c2 get pod from-kubectl -o name")).toBe("pod/from-kubectl\n");
    expect(await consoleRun(session, "kubectl get pod from-kubectl -o name")).toBe('Error from server (NotFound): pods "from-kubectl" not found\n');
    expect(await consoleRun(session, "kubectl config current-context")).toBe("k8s-c1\n");
    await new Promise((r) => setTimeout(r, 3000));
    expect(await kubectl(editor, "kubectl --context k8s-c2 exec web -- hostname")).toBe("web\n");
    expect(await kubectl(editor, "kubectl exec web -- hostname")).toBe('Error from server (NotFound): pods "web" not found\n');
  });
});
