// The work budget against CPU: the heaviest legitimate command (golden transcripts, built-in
// lessons, a loop of 100 requests) in work units and CPU ms, and the CPU ms each attack payload
// of issue 23 takes before the budget stops it. Goal: no command over ~25 ms of CPU, so that one
// session's command is a small slice of the thread every session shares.
// `npx tsx bench/work-bench.ts` on its own, or a section of `npm run bench`.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cpuUsage } from "node:process";
import { createSession, execute, type SessionState } from "../worker/sim/engine.ts";
import { builtinLessons } from "../worker/sim/lessons/builtin.ts";
import { runSolution } from "../worker/sim/lessons/solution.ts";
import { splitCommands } from "../worker/sim/shell/tokenizer.ts";
import { createWorkBudget, WORK_BUDGET } from "../worker/sim/shell/work.ts";
import { isMain } from "./is-main.ts";

export interface Measured {
  command: string;
  units: number;
  /** CPU of the whole process: V8's compiler and GC threads working beside the command count too. */
  cpuMs: number;
  /**
   * CPU of the thread that ran the command (Linux only): what other sessions on the server's one
   * thread wait for. Under load the two differ by the background compilation of hot code.
   */
  threadMs?: number;
  exitCode: number;
}

/** This thread's CPU time in ms (the scheduler's count, ns), where Linux offers it. */
function threadCpuMs(): number | undefined {
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]) / 1e6;
  } catch {
    return undefined;
  }
}

const T0 = Date.UTC(2026, 0, 1);

/** Runs one line, counting its work and its CPU time (user + system, this process). */
function measure(state: SessionState, command: string, now: number): { state: SessionState; m: Measured } {
  const work = createWorkBudget();
  const thread = threadCpuMs();
  const before = cpuUsage();
  const result = execute(state, command, { now, work });
  const used = cpuUsage(before);
  const threadAfter = threadCpuMs();
  const threadMs = thread !== undefined && threadAfter !== undefined ? { threadMs: threadAfter - thread } : {};
  return { state: result.state, m: { command, units: Math.min(work.used, work.limit), cpuMs: (used.user + used.system) / 1000, ...threadMs, exitCode: result.exitCode } };
}

/** Every command of a script in one session, as the golden transcripts run (seed 1, 4 s apart). */
function replay(commands: string[], seed = 1, stepMs = 4000): Measured[] {
  let state = createSession({ seed, now: T0 });
  let now = T0;
  return commands.map((command) => {
    now += stepMs;
    const r = measure(state, command, now);
    state = r.state;
    return r.m;
  });
}

/** The commands of the golden transcripts and of the built-in lessons (setup and solution). */
export function transcriptCommands(): Measured[] {
  const out: Measured[] = [];
  const golden = join(import.meta.dirname, "../test/sim/golden");
  for (const file of readdirSync(golden).filter((f) => f.endsWith(".script.txt"))) out.push(...replay(splitCommands(readFileSync(join(golden, file), "utf8"))));
  for (const lesson of builtinLessons) out.push(...replay(runSolution(lesson).lines.map((l) => l.command), 1, 5000));
  return out;
}

/** Loops of `rounds` requests or gets, as a learner watching a Service spread its requests types them. */
export function legitimateLoops(rounds = 100): Measured[] {
  return replay([
      "kubectl create deployment web --image=traefik/whoami --replicas=3",
      "kubectl expose deployment web --port 80 --type NodePort",
      "kubectl get pods",
      "NP=$(kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}')",
      `for i in $(seq ${rounds}); do curl -s http://192.168.56.11:$NP | grep Hostname; done`,
      `for i in $(seq ${rounds}); do kubectl get pods -o wide | grep web; done`,
      `for i in $(seq ${rounds}); do curl -sv http://192.168.56.11:$NP; done`,
  ]);
}

const nest = (n: number, inner: string) => `${"$(echo ".repeat(n)}${inner}${")".repeat(n)}`;

/** Issue 23's payloads and the other abuse the fuzz test seeds with. */
export const attacks = [
  "for i in {1..1000}; do seq 100000 | grep -c 9; done",
  "for i in {1..1000}; do seq 100000 | grep -c 9; seq 100000 | grep -c 8; seq 100000 | grep -c 7; done",
  "A=x; for i in {1..40}; do A=$A$A; done",
  'A=x; for i in {1..40}; do A="$A $A"; done; echo $A',
  "seq 100000000",
  "seq 100000000 | wc -l",
  `echo ${nest(1000, "hi")}`,
  `${"$(".repeat(2700)}${")".repeat(2700)}`,
  `${"seq 10 | ".repeat(800)}wc -l`,
  "for i in $(seq 1000); do sleep 600; done",
  "for i in $(seq 1000); do for j in $(seq 1000); do echo $i$j; done; done",
  `kubectl exec b -- sh -c 'for i in $(seq 1000); do seq 100000 | grep -c 9; done'`,
  "for i in $(seq 1000); do kubectl get pods -o yaml | grep -c x; done",
];

/** Each attack on a small cluster, best of `runs` (the first run pays for compiling the code). */
export function attackCosts(runs = 3): Measured[] {
  let state = createSession({ seed: 23, now: T0 });
  for (const c of ["kubectl create deployment web --image=traefik/whoami --replicas=3", "kubectl expose deployment web --port 80 --type NodePort", "kubectl run b --image=busybox -- sleep 3600"]) {
    state = execute(state, c, { now: T0 + 5000 }).state;
  }
  return attacks.map((command) => {
    const all = Array.from({ length: runs }, () => measure(state, command, T0 + 60_000).m);
    return all.reduce((a, b) => (b.cpuMs < a.cpuMs ? b : a));
  });
}

const heaviestOf = (all: Measured[]) => all.reduce((a, b) => (b.units > a.units ? b : a));

/** The most CPU one command took, of all the measured ones. */
export const costliestOf = (all: Measured[]) => all.reduce((a, b) => (b.cpuMs > a.cpuMs ? b : a));

export function workReport(): { transcripts: Measured; loop: Measured; longLoop: Measured; attacks: Measured[]; costliest: Measured; costliestOnThread: Measured } {
  // Warm the code up once, so the first measured command does not pay for compiling it.
  transcriptCommands();
  legitimateLoops();
  const transcripts = transcriptCommands();
  const loops = legitimateLoops();
  // 1,000 rounds of the same: stopped by the budget, at what CPU (each the best of 3, as the attacks).
  const runs = [legitimateLoops(1000), legitimateLoops(1000), legitimateLoops(1000)];
  const longLoops = runs[0].map((_, i) => runs.map((r) => r[i]).reduce((a, b) => (b.cpuMs < a.cpuMs ? b : a)));
  const attacked = attackCosts();
  const all = [...transcripts, ...loops, ...longLoops, ...attacked];
  return {
    transcripts: heaviestOf(transcripts),
    loop: heaviestOf(loops),
    longLoop: costliestOf(longLoops),
    attacks: attacked,
    costliest: costliestOf(all),
    costliestOnThread: all.reduce((a, b) => ((b.threadMs ?? 0) > (a.threadMs ?? 0) ? b : a)),
  };
}

export const shortCommand = (c: string) => JSON.stringify(c.length > 60 ? `${c.slice(0, 57)}...` : c);

if (isMain(import.meta.url)) {
  const { transcripts, loop, longLoop, attacks: costs, costliest, costliestOnThread: onThread } = workReport();
  console.log(`work budget: ${WORK_BUDGET.toLocaleString("en-US")} units a command`);
  for (const [what, m] of [["goldens and lessons", transcripts], ["loops of 100", loop]] as const) {
    console.log(`heaviest of the ${what}: ${shortCommand(m.command)}: ${m.units.toLocaleString("en-US")} units (${(WORK_BUDGET / m.units).toFixed(1)}x headroom), ${m.cpuMs.toFixed(1)} ms CPU, exit ${m.exitCode}`);
  }
  const thread = (m: Measured) => (m.threadMs === undefined ? "" : ` (its thread ${m.threadMs.toFixed(1)} ms)`);
  console.log(`costliest loop of 1,000: ${shortCommand(longLoop.command)}: ${longLoop.cpuMs.toFixed(1)} ms CPU${thread(longLoop)}, exit ${longLoop.exitCode}`);
  for (const a of costs) console.log(`  ${a.cpuMs.toFixed(1).padStart(5)} ms CPU${thread(a)}, exit ${a.exitCode}: ${shortCommand(a.command)}`);
  console.log(`most CPU of any one command: ${costliest.cpuMs.toFixed(1)} ms${thread(costliest)}: ${shortCommand(costliest.command)}`);
  if (onThread.threadMs !== undefined) console.log(`most CPU of any one command on its thread: ${onThread.threadMs.toFixed(1)} ms: ${shortCommand(onThread.command)}`);
}
