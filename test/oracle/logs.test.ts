// Real kubectl logs through a session's Kubernetes API (pods/log) beside the console's kubectl
// logs on the same cluster: the same lines and the same refusals, from one implementation.

import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, inject, it } from "vitest";
import { KUBECTL } from "./oracle.ts";

const SETUP = [
  "kubectl run web --image=nginx",
  "kubectl apply -f - <<'EOF'\napiVersion: v1\nkind: Pod\nmetadata:\n  name: two\nspec:\n  containers:\n  - name: a\n    image: nginx\n  - name: b\n    image: httpd\nEOF",
  "kubectl expose pod web --port 80",
];

const COMMANDS = [
  // First, while every line is younger than a minute: the kubelet's since, timestamps and byte limit.
  "kubectl logs web --timestamps --since=1m --limit-bytes=100",
  "kubectl logs web --timestamps --tail=2",
  "kubectl logs web --limit-bytes=7",
  "kubectl logs web --since=1h --tail=1",
  "kubectl logs web --since-time=2020-01-01T00:00:00Z --tail=1 --timestamps",
  "kubectl logs web --since-time=2999-01-01T00:00:00Z",
  "kubectl logs web --since=1m --since-time=2020-01-01T00:00:00Z",
  "kubectl logs web --limit-bytes=-1",
  "kubectl logs web",
  "kubectl logs web --tail=3",
  "kubectl logs web --tail=0",
  "kubectl logs web -c web",
  "kubectl logs web -c nope",
  "kubectl logs web -p",
  "kubectl logs web --previous=true",
  "kubectl logs nope",
  "kubectl logs nope -n kube-system",
  "kubectl logs two",
  "kubectl logs two -c b --tail=2",
  "kubectl logs pod/web --tail=1",
];

it("real kubectl logs prints, byte for byte, what the console's kubectl logs prints", async () => {
  const baseUrl = inject("baseUrl");
  const created = await fetch(`${baseUrl}/api/sessions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ setup: SETUP }) });
  expect(created.status).toBe(201);
  const session = (await created.json()) as { id: string; editKey: string };
  const run = async (command: string) => {
    const response = await fetch(`${baseUrl}/api/sessions/${session.id}/commands`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${session.editKey}` }, body: JSON.stringify({ command }) });
    return ((await response.json()) as { output: string }).output;
  };
  const home = mkdtempSync(join(tmpdir(), "kube-oracle-logs-"));
  try {
    const kubeconfig = join(home, "kubeconfig");
    writeFileSync(kubeconfig, await (await fetch(`${baseUrl}/api/sessions/${session.id}/kubeconfig`)).text());
    // Running pods, whose servers have written their start-up lines.
    await new Promise((r) => setTimeout(r, 5000));
    const differing: Array<{ command: string; console: string; kubectl: string }> = [];
    for (const command of COMMANDS) {
      const fromKubectl = await new Promise<string>((resolve) => {
        execFile("/bin/sh", ["-c", `"$KUBECTL" --kubeconfig "$KUBECONFIG_FILE"${command.slice("kubectl".length)} 2>&1`], { env: { PATH: process.env.PATH ?? "", HOME: home, KUBECTL, KUBECONFIG_FILE: kubeconfig }, timeout: 30_000 }, (_e, stdout) => resolve(stdout));
      });
      const fromConsole = await run(command);
      if (fromKubectl !== fromConsole) differing.push({ command, console: fromConsole, kubectl: fromKubectl });
    }
    expect(differing).toEqual([]);
    // There was a log to compare: nginx's start-up lines.
    expect(await run("kubectl logs web")).toMatch(/\[notice\] 1#1: start worker processes\n/);

    // kubectl logs -f (read-only kubeconfig): the log so far, each line as nginx writes it, and the end when the pod goes.
    let followed = "";
    const follow = spawn(KUBECTL, ["--kubeconfig", kubeconfig, "logs", "-f", "web"], { env: { PATH: process.env.PATH ?? "", HOME: home } });
    follow.stdout.on("data", (d) => (followed += d));
    follow.stderr.on("data", (d) => (followed += d));
    const ended = new Promise<number | null>((resolve) => follow.on("exit", resolve));
    try {
      const until = async (pattern: RegExp) => {
        for (let i = 0; i < 300 && !pattern.test(followed); i++) await new Promise((r) => setTimeout(r, 50));
        expect(followed).toMatch(pattern);
      };
      await until(/start worker processes\n/);
      expect(followed).toBe(await run("kubectl logs web"));
      const served = await run("kubectl exec two -c a -- curl -s web");
      expect(served).toContain("Welcome to nginx!");
      await until(/"GET \/ HTTP\/1\.1" 200 \d+ "-" "curl\/[^"]+" "-"\n$/);
      expect(follow.exitCode).toBe(null);
      await run("kubectl delete pod web --now");
      expect(await ended).toBe(0);
    } finally {
      follow.kill();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
