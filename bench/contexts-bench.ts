// npm run bench:contexts
//
// How long creating a session with several clusters takes (issue 18: an exam's 3 clusters, goal
// p50 < 30 ms): starts `npm start`'s server (the built Worker on workerd, scripts/start.ts) on a
// free port with its own storage, warms each cluster template, then times BENCH_CREATES (50)
// creates one after the other, each from an address of its own, with 1 cluster (as today) and
// with 3. Prints p50 and p99 per kind.

import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../scripts/free-port.ts";
import { percentile, runWrangler, startServer, stopServer } from "./http-bench.ts";

const CREATES = Number(process.env.BENCH_CREATES ?? 50);
const THREE = { clusters: [{ name: "k8s-c1" }, { name: "k8s-c2" }, { name: "k8s-c3" }] };

let learners = 0;

async function create(base: string, body: unknown): Promise<number> {
  // One address a create, each in a /64 of its own (the creation allowance counts per /64).
  const address = `2001:db8:${(0xc000 + ++learners).toString(16)}::1`;
  const t0 = performance.now();
  const response = await fetch(`${base}/api/sessions`, { method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": address }, body: JSON.stringify(body) });
  const elapsed = performance.now() - t0;
  if (response.status !== 201) throw new Error(`create: HTTP ${response.status} ${await response.text()}`);
  await response.body?.cancel();
  return elapsed;
}

const root = mkdtempSync(join(process.env.BENCH_STORAGE_DIR ?? tmpdir(), "contexts-bench-"));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const bundle = join(root, "bundle");
await runWrangler(["deploy", "--dry-run", "--outdir", bundle]);
const assets = join(root, "assets");
cpSync("dist/web", assets, { recursive: true });
const server = await startServer({ kind: "start", port, storage: join(root, "state"), bundle, assets });
try {
  for (const [label, body] of [["1 cluster", {}], ["3 clusters", THREE]] as const) {
    // The isolate builds each cluster template once; the first create pays for it.
    await create(base, body);
    const times: number[] = [];
    for (let i = 0; i < CREATES; i++) times.push(await create(base, body));
    console.log(`POST /api/sessions with ${label}: n=${times.length} p50 ${percentile(times, 50).toFixed(1)} ms p99 ${percentile(times, 99).toFixed(1)} ms`);
  }
} finally {
  await stopServer(server);
  rmSync(root, { recursive: true, force: true });
}
