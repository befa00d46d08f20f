// Round trip of real kubectl exec through the session's Kubernetes API: the wall time of
// `kubectl exec web -- hostname` (process start, the GET of the pod, the WebSocket upgrade over
// TLS, the command in the session, the error channel's Status), p50/p99 over N runs, against a
// running server (npm start: the https address, since kubectl sends its token only over TLS).
//
// Usage: tsx bench/exec-bench.ts [--url http://127.0.0.1:8787] [--https-url https://127.0.0.1:8788] [--runs 50] [--kubectl /usr/bin/kubectl]

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8787" },
    "https-url": { type: "string", default: "https://127.0.0.1:8788" },
    runs: { type: "string", default: "50" },
    kubectl: { type: "string", default: "/usr/bin/kubectl" },
  },
});
const runs = Number(args.runs);

const created = await fetch(`${args.url}/api/sessions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ setup: ["kubectl run web --image=nginx"] }) });
if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`);
const { id, editKey } = (await created.json()) as { id: string; editKey: string };
const config = await new Promise<string>((resolve, reject) => {
  // npm start's certificate is made at start: nobody vouches for it.
  get(`${args["https-url"]}/api/sessions/${id}/kubeconfig`, { headers: { Authorization: `Bearer ${editKey}` }, rejectUnauthorized: false }, (response) => {
    let body = "";
    response.setEncoding("utf8");
    response.on("data", (chunk: string) => (body += chunk));
    response.on("end", () => (response.statusCode === 200 ? resolve(body) : reject(new Error(`kubeconfig: ${response.statusCode} ${body}`))));
  }).on("error", reject);
});
const home = mkdtempSync(join(tmpdir(), "exec-bench-"));
const kubeconfig = join(home, "kubeconfig");
writeFileSync(kubeconfig, config);
await new Promise((r) => setTimeout(r, 5000));

const times: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const out = execFileSync(args.kubectl!, ["--kubeconfig", kubeconfig, "exec", "web", "--", "hostname"], { env: { PATH: process.env.PATH ?? "", HOME: home }, encoding: "utf8" });
    times.push(performance.now() - start);
    if (out !== "web\n") throw new Error(`run ${i}: ${JSON.stringify(out)}`);
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
console.log(`kubectl exec web -- hostname: ${runs} runs, p50 ${at(0.5).toFixed(0)} ms, p99 ${at(0.99).toFixed(0)} ms`);
