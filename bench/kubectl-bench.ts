// Measures `kubectl get pods` (and `-o wide`, `-A`) on a cluster with 1,000 pods in `default`.
// Run: npx tsx bench/kubectl-bench.ts

import { createSession, execute, tick } from "../worker/sim/engine.ts";

const start = Date.UTC(2026, 0, 1);
let state = createSession({ seed: 1, now: start, maxObjects: 50_000 });
let now = start + 1000;
for (let i = 0; i < 10; i++) {
  const result = execute(state, `kubectl create deployment big${i} --image=nginx --replicas=100`, { now });
  if (result.exitCode !== 0) throw new Error(result.output);
  state = result.state;
}
now += 30_000;
state = tick(state, now);
const pods = Object.keys(state.cluster.pods).filter((k) => k.startsWith("default/")).length;

function measure(command: string, runs: number): void {
  const first = execute(state, command, { now });
  if (first.exitCode !== 0) throw new Error(first.output);
  for (let i = 0; i < 20; i++) execute(state, command, { now }); // warm-up (JIT)
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) execute(state, command, { now });
  const ms = (performance.now() - t0) / runs;
  console.log(`${command.padEnd(28)} ${ms.toFixed(2)} ms/command  ${(1000 / ms).toFixed(0)} commands/s  (${first.output.split("\n").length - 1} lines)`);
}

console.log(`cluster: ${pods} pods in default, ${Object.keys(state.cluster.pods).length} pods in all`);
measure("kubectl get pods", 50);
measure("kubectl get pods -o wide", 50);
measure("kubectl get pods -A", 50);
measure("kubectl get pods -l app=big3", 50);
measure("kubectl get svc", 200);
