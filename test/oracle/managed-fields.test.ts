// Server-side apply's managedFields through a session's Kubernetes API, with real kubectl: each
// manager's Apply entry as kube-apiserver records it (shown by --show-managed-fields, left out by
// default, by the console's kubectl too), conflicts between managers (409, kubectl's message),
// --force-conflicts moving a field, and a field a manager stops applying removed.

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:https";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { expect, inject, it } from "vitest";
import { parse } from "yaml";
import { KUBECTL } from "./oracle.ts";

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx
        ports:
        - containerPort: 80
`;

const REPLICAS = (n: number) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${n}\n`;
const SETTINGS = (labels: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels:\n${labels}data:\n  level: "1"\n`;

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

function kubectl(kubeconfig: string, home: string, command: string): Promise<{ output: string; code: number }> {
  const line = `"$KUBECTL" --kubeconfig "$KUBECONFIG_FILE"${command.slice("kubectl".length)} 2>&1`;
  return new Promise((resolve) => {
    execFile("/bin/sh", ["-c", line], { cwd: home, env: { PATH: process.env.PATH ?? "", HOME: home, KUBECTL, KUBECONFIG_FILE: kubeconfig }, timeout: 60_000 }, (error, stdout) => resolve({ output: stdout, code: error ? ((error as { code?: number }).code ?? -1) : 0 }));
  });
}

interface Entry {
  manager: string;
  operation: string;
  apiVersion: string;
  time: string;
  fieldsType: string;
  fieldsV1: unknown;
  subresource?: string;
}

it("records each manager's applied fields, refuses conflicting applies with kube-apiserver's 409, forces them with --force-conflicts", async () => {
  const baseUrl = inject("baseUrl");
  const created = await fetch(`${baseUrl}/api/sessions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({}) });
  expect(created.status).toBe(201);
  const session = (await created.json()) as { id: string; editKey: string };
  const consoleRun = async (command: string) => {
    const response = await fetch(`${baseUrl}/api/sessions/${session.id}/commands`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${session.editKey}` }, body: JSON.stringify({ command }) });
    return ((await response.json()) as { output: string }).output;
  };
  const home = mkdtempSync(join(tmpdir(), "kube-oracle-managed-"));
  try {
    const kubeconfig = join(home, "kubeconfig");
    writeFileSync(kubeconfig, await getInsecure(`${inject("httpsUrl")}/api/sessions/${session.id}/kubeconfig`, { Authorization: `Bearer ${session.editKey}` }));
    const run = (command: string) => kubectl(kubeconfig, home, command);
    const entries = async (resource: string): Promise<Entry[]> => (parse((await run(`kubectl get ${resource} -o yaml --show-managed-fields`)).output) as { metadata: { managedFields?: Entry[] } }).metadata.managedFields ?? [];
    const write = (file: string, text: string) => writeFileSync(join(home, file), text);

    write("deploy.yaml", DEPLOYMENT);
    expect(await run("kubectl apply --server-side -f deploy.yaml")).toEqual({ output: "deployment.apps/web serverside-applied\n", code: 0 });
    const applied = (await entries("deploy web")).filter((e) => e.operation === "Apply");
    expect(applied).toEqual([
      {
        apiVersion: "apps/v1",
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": { "f:labels": { "f:app": {} } },
          "f:spec": {
            "f:replicas": {},
            "f:selector": {},
            "f:template": {
              "f:metadata": { "f:labels": { "f:app": {} } },
              "f:spec": { "f:containers": { 'k:{"name":"web"}': { ".": {}, "f:image": {}, "f:name": {}, "f:ports": { 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } } } } },
            },
          },
        },
        manager: "kubectl",
        operation: "Apply",
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      },
    ]);
    // kubectl leaves managedFields out unless asked, and so does the console's kubectl.
    expect((await run("kubectl get deploy web -o yaml")).output).not.toContain("managedFields");
    expect(await consoleRun("kubectl get deploy web -o yaml")).not.toContain("managedFields");
    expect(await consoleRun("kubectl get deploy web -o json --show-managed-fields")).toContain('"manager": "kubectl"');

    // Another manager setting a field kubectl owns to another value: kube-apiserver's 409, which kubectl prints with its advice.
    write("replicas.yaml", REPLICAS(3));
    const refused = await run("kubectl apply --server-side --field-manager=scaler -f replicas.yaml");
    expect(refused.code).toBe(1);
    expect(refused.output.split("\n")[0]).toBe('error: Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    expect(refused.output).toContain("--force-conflicts");
    expect((await run("kubectl get deploy web -o jsonpath={.spec.replicas}")).output).toBe("2");

    // The same value is no conflict: both own it.
    write("same.yaml", REPLICAS(2));
    expect((await run("kubectl apply --server-side --field-manager=watcher -f same.yaml")).code).toBe(0);

    // Forced: the field is the new manager's alone.
    expect(await run("kubectl apply --server-side --field-manager=scaler --force-conflicts -f replicas.yaml")).toEqual({ output: "deployment.apps/web serverside-applied\n", code: 0 });
    expect((await run("kubectl get deploy web -o jsonpath={.spec.replicas}")).output).toBe("3");
    const after = (await entries("deploy web")).filter((e) => e.operation === "Apply");
    expect(after.map((e) => e.manager)).toEqual(["kubectl", "scaler"]);
    expect((after[0].fieldsV1 as { "f:spec": Record<string, unknown> })["f:spec"]["f:replicas"]).toBeUndefined();
    expect(after[1].fieldsV1).toEqual({ "f:spec": { "f:replicas": {} } });
    const back = await run("kubectl apply --server-side -f deploy.yaml");
    expect(back.output.split("\n")[0]).toBe('error: Apply failed with 1 conflict: conflict with "scaler": .spec.replicas');

    // Two conflicts with two managers: grouped by manager, sorted.
    write("cm.yaml", SETTINGS("    a: one\n    b: two\n"));
    expect((await run("kubectl apply --server-side -f cm.yaml")).code).toBe(0);
    write("cm-other.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels:\n    a: uno\ndata:\n  level: \"9\"\n");
    const two = await run("kubectl apply --server-side --field-manager=other -f cm-other.yaml");
    expect(two.output.split("\n").slice(0, 3)).toEqual(['error: Apply failed with 2 conflicts: conflicts with "kubectl":', "- .data.level", "- .metadata.labels.a"]);
    // The console's kubectl apply --server-side keeps the same ledger and prints the same refusal.
    await consoleRun("cat > cm-other.yaml <<'EOF'\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels:\n    a: uno\ndata:\n  level: \"9\"\nEOF");
    expect(await consoleRun("kubectl apply --server-side --field-manager=other -f cm-other.yaml")).toBe(two.output);
    expect(await consoleRun("kubectl apply --server-side --field-manager=other -f cm-other.yaml --force-conflicts")).toBe("configmap/settings serverside-applied\n");
    expect((await entries("cm settings")).map((e) => [e.manager, e.fieldsV1])).toEqual([
      ["kubectl", { "f:metadata": { "f:labels": { "f:b": {} } } }],
      ["other", { "f:data": { "f:level": {} }, "f:metadata": { "f:labels": { "f:a": {} } } }],
    ]);
    write("cm.yaml", SETTINGS("    a: one\n    b: two\n"));
    expect((await run("kubectl apply --server-side --force-conflicts -f cm.yaml")).code).toBe(0);

    // A label kubectl stops applying goes, as no other manager owns it.
    write("cm.yaml", SETTINGS("    a: one\n"));
    expect((await run("kubectl apply --server-side -f cm.yaml")).code).toBe(0);
    expect((await run("kubectl get cm settings -o jsonpath={.metadata.labels}")).output).toBe('{"a":"one"}');
    // The console prints the entries as kubectl does.
    const real = (await run("kubectl get cm settings -o yaml --show-managed-fields")).output;
    expect(await consoleRun("kubectl get cm settings -o yaml --show-managed-fields")).toBe(real);
    expect(real).toContain("    fieldsV1:\n      f:data:\n        f:level: {}\n      f:metadata:\n        f:labels:\n          f:a: {}\n    manager: kubectl\n    operation: Apply\n");

    // Writes that are not applies get Update entries: kubectl label under its field manager, kubectl
    // scale (the scale subresource, no field manager sent) under the User-Agent's first word, which
    // kubectl makes of its binary's name (`kubectl.1.33` for the Cloud SDK's).
    const agent = basename(KUBECTL);
    expect((await run("kubectl label cm settings tier=web")).output).toBe("configmap/settings labeled\n");
    expect((await entries("cm settings")).find((e) => e.manager === "kubectl-label")).toMatchObject({ operation: "Update", apiVersion: "v1", fieldsV1: { "f:metadata": { "f:labels": { "f:tier": {} } } } });
    expect((await run("kubectl scale deploy web --replicas=4")).output).toBe("deployment.apps/web scaled\n");
    const scaled = await entries("deploy web");
    expect(scaled.find((e) => e.subresource === "scale")).toMatchObject({ manager: agent, operation: "Update", apiVersion: "apps/v1", fieldsV1: { "f:spec": { "f:replicas": {} } } });
    // The scale took .spec.replicas from scaler, whose entry held nothing else and went.
    expect(scaled.map((e) => e.manager)).not.toContain("scaler");
    const taken = await run("kubectl apply --server-side -f deploy.yaml");
    expect(taken.output.split("\n")[0]).toBe(`error: Apply failed with 1 conflict: conflict with "${agent}" with subresource "scale" using apps/v1: .spec.replicas`);
    const shown = (await run("kubectl get deploy web -o yaml --show-managed-fields")).output;
    expect(await consoleRun("kubectl get deploy web -o yaml --show-managed-fields")).toBe(shown);
    expect(shown).toContain(`    manager: ${agent}\n    operation: Update\n    subresource: scale\n`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
