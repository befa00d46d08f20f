// The oracle: real kubectl against a session's Kubernetes API, beside the console's kubectl on the
// same cluster. Each command runs in both; the outputs must be the same bytes. Ages move with the
// clock while real kubectl runs (a Go binary that takes a second or more to start on a loaded
// machine), so the console runs just before and just after it: kubectl's output must equal one of
// the two. A command whose outputs still differ is tried again a few times: a real difference
// stays, seconds that ticked over do not.

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CLOUD_SDK_KUBECTL = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33";

/**
 * The client closest to the simulated cluster (v1.34): the Cloud SDK's 1.33 where it is installed
 * (/usr/bin/kubectl is 1.32, whose describe still prints a projected ConfigMap as
 * `ConfigMapOptional: <nil>`, where 1.33+ print `Optional: false`), else /usr/bin/kubectl.
 */
export const KUBECTL = process.env.ORACLE_KUBECTL ?? (existsSync(CLOUD_SDK_KUBECTL) ? CLOUD_SDK_KUBECTL : "/usr/bin/kubectl");

/** A session to compare on: pods of a Deployment and a bare pod behind a NodePort Service. */
export const SETUP = [
  "kubectl run web --image=nginx",
  "kubectl expose pod web --port 80 --type NodePort",
  "kubectl create deployment api --image=httpd --replicas=2",
  "kubectl create serviceaccount builder",
];

/** Read-only commands of the golden transcripts and the seed lesson, as a learner types them. */
export const COMMANDS = [
  "kubectl get pods",
  "kubectl get pods -o wide",
  "kubectl get svc",
  "kubectl get nodes",
  "kubectl get nodes -o wide",
  "kubectl get all",
  "kubectl get pods -A",
  "kubectl get deploy",
  "kubectl get rs -o wide",
  "kubectl get ns",
  "kubectl get pods -l app=api",
  "kubectl get pods --show-labels",
  "kubectl get pod web -o yaml",
  "kubectl get svc web -o json",
  "kubectl get pods -o name",
  "kubectl get pods -o jsonpath={.items[*].status.podIP}",
  "kubectl get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName",
  "kubectl get pod nope",
  "kubectl get svc -n kube-system",
  "kubectl get cm",
  "kubectl get sa",
  "kubectl describe pod web",
  "kubectl describe svc web",
  "kubectl describe node node01",
  "kubectl describe deploy api",
  "kubectl get ep",
  "kubectl get endpointslices",
  "kubectl describe ep web",
  "kubectl get node node01 -o yaml",
  "kubectl get lease -n kube-node-lease",
  "kubectl describe rs",
  "kubectl describe ns default",
  "kubectl describe cm kube-root-ca.crt",
  "kubectl describe sa default",
  "kubectl describe sa builder",
  "kubectl get events",
  "kubectl get ds -A",
  "kubectl get pods -n kube-system -o wide",
  "kubectl get pods --field-selector spec.nodeName=node01",
  "kubectl get svc,deploy",
  "kubectl get deploy api -o jsonpath={.status.readyReplicas}",
  "kubectl api-resources",
  "kubectl get pods --field-selector spec.bogus=1",
  "kubectl get pods,deploy -l 'a!b'",
  "kubectl get deploy api -o wide",
  "kubectl get pods,svc -o wide",
  "kubectl get nodes --show-labels",
  "kubectl describe pod",
  "kubectl describe nodes controlplane",
  "kubectl explain pods",
  "kubectl explain deploy.spec.strategy.type",
  "kubectl explain svc.spec --recursive",
  "kubectl explain pods.spec.containers.resources",
  "kubectl explain lease.spec",
  "kubectl explain pod.spec.nope",
  "kubectl explain nope",
  "kubectl explain pods --api-version=apps/v1",
];

export interface Comparison {
  command: string;
  console: string;
  kubectl: string;
  same: boolean;
}

interface Session {
  id: string;
  editKey: string;
}

async function createSession(baseUrl: string): Promise<Session> {
  const response = await fetch(`${baseUrl}/api/sessions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ setup: SETUP }) });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as Session;
}

async function consoleOutput(baseUrl: string, session: Session, command: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/sessions/${session.id}/commands`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${session.editKey}` },
    body: JSON.stringify({ command }),
  });
  if (response.status !== 200) throw new Error(`command failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { output: string }).output;
}

/** Real kubectl's stdout and stderr in one stream, in the order written, as a terminal (and the console) shows them. */
function kubectlOutput(kubeconfig: string, home: string, command: string): Promise<string> {
  const args = splitWords(command).slice(1);
  return new Promise((resolve) => {
    execFile("/bin/sh", ["-c", '"$0" "$@" 2>&1', KUBECTL, "--kubeconfig", kubeconfig, ...args], { env: { PATH: process.env.PATH ?? "", HOME: home }, timeout: 30_000 }, (_error, stdout) => {
      resolve(stdout);
    });
  });
}

/**
 * The commands above quote only whole words, with single quotes (where bash would otherwise expand
 * them: `!` is history expansion at an interactive prompt): words are what a shell would split them into.
 */
function splitWords(command: string): string[] {
  return command
    .split(/\s+/)
    .filter((w) => w !== "")
    .map((w) => (w.length >= 2 && w.startsWith("'") && w.endsWith("'") ? w.slice(1, -1) : w));
}

/** The lines where two outputs differ, numbered, for a failure message a reader can take in. */
export function differingLines(console: string, kubectl: string): string[] {
  const a = console.split("\n");
  const b = kubectl.split("\n");
  const lines: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) lines.push(`${i + 1} console: ${JSON.stringify(a[i] ?? null)}`, `${i + 1} kubectl: ${JSON.stringify(b[i] ?? null)}`);
  }
  return lines;
}

/** Runs every command in the console and in real kubectl on one new session. */
export async function compareAll(baseUrl: string, commands: readonly string[] = COMMANDS, attempts = 5): Promise<Comparison[]> {
  const session = await createSession(baseUrl);
  const home = mkdtempSync(join(tmpdir(), "kube-oracle-"));
  try {
    const config = await (await fetch(`${baseUrl}/api/sessions/${session.id}/kubeconfig`)).text();
    const kubeconfig = join(home, "kubeconfig");
    writeFileSync(kubeconfig, config);
    // Let the pods start, so both sides describe a settled cluster.
    await new Promise((r) => setTimeout(r, 5000));
    const results: Comparison[] = [];
    for (const command of commands) {
      let result: Comparison | undefined;
      for (let attempt = 0; attempt < attempts && !result?.same; attempt++) {
        const before = await consoleOutput(baseUrl, session, command);
        const fromKubectl = await kubectlOutput(kubeconfig, home, command);
        const after = fromKubectl === before ? before : await consoleOutput(baseUrl, session, command);
        const fromConsole = fromKubectl === after ? after : before;
        result = { command, console: fromConsole, kubectl: fromKubectl, same: fromConsole === fromKubectl };
      }
      results.push(result!);
    }
    return results;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
