// A watch's delay through the session's Kubernetes API: from sending a console command (POST
// /commands) to the moment its event arrives on an open `?watch=1` stream, p50/p99 over N runs,
// against a running server (npm start). Each run labels the pod anew, so each is one MODIFIED event.
//
// Usage: tsx bench/watch-bench.ts [--url http://127.0.0.1:8787] [--runs 200]

import { parseArgs } from "node:util";

const { values: args } = parseArgs({ options: { url: { type: "string", default: "http://127.0.0.1:8787" }, runs: { type: "string", default: "200" } } });
const runs = Number(args.runs);
const base = args.url!;

const created = await fetch(`${base}/api/sessions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ setup: ["kubectl run web --image=nginx"] }) });
if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`);
const { id, editKey } = (await created.json()) as { id: string; editKey: string };
const pods = `${base}/api/sessions/${id}/k8s/api/v1/namespaces/default/pods`;
const rv = ((await (await fetch(pods)).json()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;

const controller = new AbortController();
const watch = await fetch(`${pods}?watch=1&resourceVersion=${rv}&fieldSelector=metadata.name%3Dweb`, { signal: controller.signal });
if (watch.status !== 200 || !watch.body) throw new Error(`watch: ${watch.status}`);
const reader = watch.body.pipeThrough(new TextDecoderStream()).getReader();
let buffered = "";

/** Reads the stream until an event whose pod carries label run-bench=`value`; the time it arrived. */
async function eventWith(value: string): Promise<number> {
  for (;;) {
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim() === "") continue;
      const event = JSON.parse(line) as { object: { metadata: { labels?: Record<string, string> } } };
      if (event.object.metadata.labels?.["run-bench"] === value) return performance.now();
    }
    const { done, value: chunk } = await reader.read();
    if (done) throw new Error("the watch ended");
    buffered += chunk;
  }
}

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return `p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms (n=${sorted.length})`;
}

const delays: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const value = `r${i}`;
    const start = performance.now();
    const arrived = eventWith(value);
    const response = await fetch(`${base}/api/sessions/${id}/commands`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${editKey}` },
      body: JSON.stringify({ command: `kubectl label pod web run-bench=${value} --overwrite` }),
    });
    if (response.status !== 200) throw new Error(`command: ${response.status} ${await response.text()}`);
    await response.text();
    delays.push((await arrived) - start);
    // Under the command bucket (20/s).
    await new Promise((r) => setTimeout(r, 60));
  }
  console.log(`console command -> watch event: ${percentiles(delays)}`);
} finally {
  controller.abort();
}
