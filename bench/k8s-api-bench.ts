// The session's Kubernetes API under real kubectl: the round trip of `kubectl get pods` (the whole
// kubectl process, discovery cached after the first run, as a learner's terminal runs it) and of
// its one request (the Table LIST), p50/p99 over N runs, against a running server (npm start).
//
// Usage: tsx bench/k8s-api-bench.ts [--url http://127.0.0.1:8787] [--runs 200] [--kubectl PATH]

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: { url: { type: "string", default: "http://127.0.0.1:8787" }, runs: { type: "string", default: "200" }, kubectl: { type: "string", default: "/usr/bin/kubectl" } },
});
const runs = Number(args.runs);
const base = args.url!;

const created = await fetch(`${base}/api/sessions`, {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ setup: ["kubectl run web --image=nginx", "kubectl create deployment api --image=httpd --replicas=3"] }),
});
if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`);
const { id } = (await created.json()) as { id: string };
const home = mkdtempSync(join(tmpdir(), "k8s-api-bench-"));
const kubeconfig = join(home, "kubeconfig");
writeFileSync(kubeconfig, await (await fetch(`${base}/api/sessions/${id}/kubeconfig`)).text());

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return `p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms (n=${sorted.length})`;
}

// The keyless bucket allows 10 reads a second per session: pace the runs under it.
const pace = () => new Promise((r) => setTimeout(r, 120));
try {
  execFileSync(args.kubectl!, ["--kubeconfig", kubeconfig, "get", "pods"], { env: { ...process.env, HOME: home } });
  const whole: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    execFileSync(args.kubectl!, ["--kubeconfig", kubeconfig, "get", "pods"], { env: { ...process.env, HOME: home } });
    whole.push(performance.now() - start);
    await pace();
  }
  const request: number[] = [];
  const accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const response = await fetch(`${base}/api/sessions/${id}/k8s/api/v1/namespaces/default/pods?limit=500`, { headers: { Accept: accept } });
    await response.text();
    if (response.status !== 200) throw new Error(`list: ${response.status}`);
    request.push(performance.now() - start);
    await pace();
  }
  console.log(`kubectl get pods (whole process): ${percentiles(whole)}`);
  console.log(`GET pods as Table (one request):  ${percentiles(request)}`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
