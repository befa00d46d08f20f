// Real kubectl's --validate (strict by default since 1.27: fieldValidation=Strict, left to the
// server once the OpenAPI document offers fieldValidation on patch) against a session's API, beside
// the console's kubectl on a second session: unknown fields refused, warned about or ignored, with
// the same words in both.

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, inject, it } from "vitest";
import { KUBECTL } from "./oracle.ts";

interface Session {
  id: string;
  editKey: string;
}

const POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: NAME\nspec:\n  foo: 1\n  containers:\n  - name: c\n    image: nginx\n    bar: 2\n";

const STEPS: Array<{ command: string; manifest: string }> = [
  { command: "kubectl create -f pod.yaml", manifest: POD.replace("NAME", "strict") },
  { command: "kubectl apply -f pod.yaml", manifest: POD.replace("NAME", "strict") },
  { command: "kubectl create -f pod.yaml --validate=true", manifest: POD.replace("NAME", "strict") },
  { command: "kubectl create -f pod.yaml --validate=warn", manifest: POD.replace("NAME", "warned") },
  { command: "kubectl apply -f pod.yaml --validate=ignore", manifest: POD.replace("NAME", "ignored") },
  { command: "kubectl get pods -o name", manifest: "" },
];

async function createSession(baseUrl: string): Promise<Session> {
  const response = await fetch(`${baseUrl}/api/sessions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ setup: [] }) });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as Session;
}

async function consoleRun(baseUrl: string, session: Session, command: string): Promise<string> {
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

function kubectl(kubeconfig: string, home: string, command: string): Promise<string> {
  const line = `"$KUBECTL" --kubeconfig "$KUBECONFIG_FILE"${command.slice("kubectl".length)} 2>&1`;
  return new Promise((resolve) => {
    execFile("/bin/sh", ["-c", line], { cwd: home, env: { PATH: process.env.PATH ?? "", HOME: home, KUBECTL, KUBECONFIG_FILE: kubeconfig }, timeout: 30_000 }, (_error, stdout) => resolve(stdout));
  });
}

it("real kubectl's --validate=strict|warn|ignore is answered as kube-apiserver answers it, and the console prints the same", async () => {
  const baseUrl = inject("baseUrl");
  const viaApi = await createSession(baseUrl);
  const viaConsole = await createSession(baseUrl);
  const home = mkdtempSync(join(tmpdir(), "kube-oracle-validate-"));
  try {
    const kubeconfig = join(home, "kubeconfig");
    writeFileSync(kubeconfig, await getInsecure(`${inject("httpsUrl")}/api/sessions/${viaApi.id}/kubeconfig`, { Authorization: `Bearer ${viaApi.editKey}` }));
    const outputs: Array<{ command: string; kubectl: string; console: string }> = [];
    for (const { command, manifest } of STEPS) {
      if (manifest !== "") {
        writeFileSync(join(home, "pod.yaml"), manifest);
        await consoleRun(baseUrl, viaConsole, `cat > pod.yaml <<'EOF'\n${manifest}EOF`);
      }
      outputs.push({ command, kubectl: await kubectl(kubeconfig, home, command), console: await consoleRun(baseUrl, viaConsole, command) });
    }
    // What kube-apiserver v1.34 answers (kubectl sends the object as JSON, keys sorted).
    const refusal = 'Error from server (BadRequest): error when creating "pod.yaml": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].bar", unknown field "spec.foo"\n';
    expect(outputs.map((o) => o.kubectl)).toEqual([
      refusal,
      refusal,
      refusal,
      'Warning: unknown field "spec.containers[0].bar"\nWarning: unknown field "spec.foo"\npod/warned created\n',
      "pod/ignored created\n",
      "pod/ignored\npod/warned\n",
    ]);
    expect(outputs.filter((o) => o.console !== o.kubectl)).toEqual([]);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
