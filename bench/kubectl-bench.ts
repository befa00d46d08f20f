// Measures `kubectl get pods` (and `-o wide`, `-A`) on a cluster with 1,000 pods in `default`.
// Run: npx tsx bench/kubectl-bench.ts (bench/sim-bench.ts imports the same functions).

import { type SessionState, createSession, execute, tick } from "../worker/sim/engine.ts";
import { isMain } from "./is-main.ts";

export interface KubectlCluster {
  state: SessionState;
  now: number;
}

/** A session with ten Deployments of 100 nginx pods each, all Running. */
export function kubectlCluster(): KubectlCluster {
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
  return { state, now };
}

export interface CommandCost {
  ms: number;
  perSecond: number;
  lines: number;
}

/** Mean wall time of a read-only command after a JIT warm-up. */
export function measureCommand(cluster: KubectlCluster, command: string, runs: number): CommandCost {
  const { state, now } = cluster;
  const first = execute(state, command, { now });
  if (first.exitCode !== 0) throw new Error(first.output);
  for (let i = 0; i < 20; i++) execute(state, command, { now });
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) execute(state, command, { now });
  const ms = (performance.now() - t0) / runs;
  return { ms, perSecond: 1000 / ms, lines: first.output.split("\n").length - 1 };
}

if (isMain(import.meta.url)) {
  const cluster = kubectlCluster();
  const pods = Object.keys(cluster.state.cluster.pods);
  console.log(`cluster: ${pods.filter((k) => k.startsWith("default/")).length} pods in default, ${pods.length} pods in all`);
  for (const [command, runs] of [
    ["kubectl get pods", 50],
    ["kubectl get pods -o wide", 50],
    ["kubectl get pods -A", 50],
    ["kubectl get pods -l app=big3", 50],
    ["kubectl get svc", 200],
  ] as const) {
    const c = measureCommand(cluster, command, runs);
    console.log(`${command.padEnd(28)} ${c.ms.toFixed(2)} ms/command  ${c.perSecond.toFixed(0)} commands/s  (${c.lines} lines)`);
  }
}
