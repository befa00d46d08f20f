// bash's job control on the workstation: `CMD &` starts a job, `jobs` lists them, `fg` waits for
// one, `kill %N|PID` signals one, `wait` waits for all. The simulator runs every program at once,
// so a job is what a long-running program leaves behind: a `sleep` that ends at a simulated time,
// a `kubectl delete` that ends when what it deleted is gone, or a `kubectl port-forward` that runs
// until it is killed. Formats are bash 5.2's (checked with an
// interactive bash: `[1] 3631`, `[1]+  Running                 sleep 30 &`, `[1]+  Terminated ...`).

import type { ClusterState } from "../cluster/types.ts";
import type { DeletionTarget, Job, JobControl, JobTable, SignalName } from "./job-types.ts";
import type { ProgramContext } from "./types.ts";
import { stepClock } from "./clock-step.ts";

/** Signal numbers and the words bash's job reports use for a job they ended (strsignal). */
const SIGNALS: Record<SignalName, { number: number; report: string }> = {
  HUP: { number: 1, report: "Hangup" },
  INT: { number: 2, report: "Interrupt" },
  KILL: { number: 9, report: "Killed" },
  TERM: { number: 15, report: "Terminated" },
};

export const EMPTY_JOBS: JobTable = { jobs: [], lastPid: 0 };

/** The first process id a session's shell hands out (a freshly booted machine's pids are in the low thousands). */
const FIRST_PID = 2400;

/** Starts a job: bash prints `[N] PID` on standard error. Returns the job, not yet in the table. */
export function newJob(control: JobControl, command: string, now: number, err: (text: string) => void): Job {
  const table = control.table;
  const id = table.jobs.reduce((max, j) => Math.max(max, j.id), 0) + 1;
  const pid = Math.max(table.lastPid, FIRST_PID) + 1;
  table.lastPid = pid;
  const job: Job = { id, pid, command, started: now };
  err(`[${id}] ${pid}\n`);
  return job;
}

/** Whether an object a `kubectl delete` waits for is gone (another object of the same name is not it). */
function gone(state: ClusterState, target: DeletionTarget): boolean {
  const object = target.kind === "pods" ? state.pods[`${target.namespace}/${target.name}`] : state.namespaces[target.name];
  return object?.metadata.uid !== target.uid;
}

/** Marks jobs whose time has come as ended: a sleep that ran out, a delete whose objects are gone. */
export function settleJobs(table: JobTable, state: ClusterState): void {
  for (const job of table.jobs) {
    if (job.ended) continue;
    if (job.until !== undefined && job.until <= state.now) job.ended = { at: job.until, status: 0 };
    else if (job.deleting?.every((t) => gone(state, t))) job.ended = { at: state.now, status: 0 };
  }
}

/**
 * `+` for the current job (the newest), `-` for the previous one, a space for the others. bash
 * never makes a job that had already ended the previous one (`[1]   Done  echo hi` beside
 * `[2]+  Exit 1  false`).
 */
function marker(table: JobTable, job: Job): string {
  const order = [...table.jobs].sort((a, b) => a.id - b.id);
  const i = order.indexOf(job);
  if (i === order.length - 1) return "+";
  const current = order[order.length - 1];
  return i === order.length - 2 && !(job.ended && job.ended.at <= current.started) ? "-" : " ";
}

function stateWord(job: Job): string {
  if (!job.ended) return "Running";
  if (job.ended.signal) return SIGNALS[job.ended.signal].report;
  return job.ended.status === 0 ? "Done" : `Exit ${job.ended.status}`;
}

/** One line of `jobs` or of a notification; bash pads the state to 24 columns and adds ` &` to a running job. */
function jobLine(table: JobTable, job: Job, long = false): string {
  const pid = long ? `${job.pid} ` : "";
  return `[${job.id}]${marker(table, job)}  ${pid}${stateWord(job).padEnd(24)}${job.command}${job.ended ? "" : " &"}\n`;
}

/**
 * The notifications bash prints before the next prompt for jobs that ended, and drops those jobs.
 * A job that ended the moment it started on this line (`echo hi &`) is reported after the next
 * line instead, as bash (whose prompt comes first) does.
 */
export function reportEnded(control: JobControl, state: ClusterState): string {
  const table = control.table;
  settleJobs(table, state);
  const due = table.jobs.filter((j) => j.ended && !(control.startedHere.has(j.id) && !j.ended.signal && j.ended.at === j.started));
  const text = due.map((j) => jobLine(table, j)).join("");
  table.jobs = table.jobs.filter((j) => !due.includes(j));
  return text;
}

/** The job a jobspec names: `%N`, `%%`/`%+`/`%` (current), `%-` (previous), `%STRING` (command starts with it), or N for fg. */
function findJob(table: JobTable, spec: string | undefined): Job | undefined {
  const all = [...table.jobs].sort((a, b) => a.id - b.id);
  // bash moves the current job off one that ended; an ended job only waits here for its report.
  const running = all.filter((j) => !j.ended);
  const order = spec === undefined || /^%[%+-]?$/.test(spec) ? (running.length ? running : all) : all;
  if (spec === undefined || spec === "%" || spec === "%%" || spec === "%+") return order[order.length - 1];
  if (spec === "%-") return order[order.length - 2];
  const text = spec.startsWith("%") ? spec.slice(1) : spec;
  if (/^\d+$/.test(text)) return table.jobs.find((j) => j.id === Number(text));
  return order.find((j) => j.command.startsWith(text));
}

/** The jobs builtin: `jobs [-l|-p] [%N...]`; reported ended jobs leave the table. */
export function jobsBuiltin(ctx: ProgramContext, control: JobControl): number {
  const table = control.table;
  settleJobs(table, ctx.tx.state);
  let long = false;
  let pids = false;
  const specs: string[] = [];
  for (const arg of ctx.argv.slice(1)) {
    if (/^-[lpnrs]+$/.test(arg)) {
      long ||= arg.includes("l");
      pids ||= arg.includes("p");
    } else if (arg.startsWith("-") && arg !== "-") {
      ctx.err(`-bash: jobs: ${arg.slice(0, 2)}: invalid option\njobs: usage: jobs [-lnprs] [jobspec ...] or jobs -x command [args]\n`);
      return 2;
    } else specs.push(arg);
  }
  let code = 0;
  const chosen: Job[] = [];
  if (specs.length === 0) chosen.push(...[...table.jobs].sort((a, b) => a.id - b.id));
  for (const spec of specs) {
    const job = findJob(table, spec);
    if (job) chosen.push(job);
    else {
      ctx.err(`-bash: jobs: ${spec}: no such job\n`);
      code = 1;
    }
  }
  ctx.out(chosen.map((j) => (pids ? `${j.pid}\n` : jobLine(table, j, long))).join(""));
  table.jobs = table.jobs.filter((j) => !(j.ended && chosen.includes(j)));
  return code;
}

/** Ends a job with a signal; a port-forward stops forwarding. */
export function signalJob(job: Job, signal: SignalName, now: number): void {
  if (job.ended) return;
  job.ended = { at: now, status: 128 + SIGNALS[signal].number, signal };
}

/** `kill [-s SIG | -SIG | -n N] %N|PID ...` and `kill -l`. Processes other than jobs are not the playground's to signal. */
export function killBuiltin(ctx: ProgramContext, control: JobControl): number {
  const table = control.table;
  settleJobs(table, ctx.tx.state);
  const args = ctx.argv.slice(1);
  const usage = "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n";
  let signal: SignalName = "TERM";
  const parseSignal = (text: string): SignalName | undefined => {
    const name = text.toUpperCase().replace(/^SIG/, "");
    if (name in SIGNALS) return name as SignalName;
    return (Object.keys(SIGNALS) as SignalName[]).find((n) => String(SIGNALS[n].number) === text);
  };
  if (args[0] === "-l" || args[0] === "-L") {
    if (args.length === 1) {
      ctx.out(" 1) SIGHUP\t 2) SIGINT\t 3) SIGQUIT\t 4) SIGILL\t 5) SIGTRAP\n 6) SIGABRT\t 7) SIGBUS\t 8) SIGFPE\t 9) SIGKILL\t10) SIGUSR1\n11) SIGSEGV\t12) SIGUSR2\t13) SIGPIPE\t14) SIGALRM\t15) SIGTERM\n");
      return 0;
    }
    let code = 0;
    for (const arg of args.slice(1)) {
      const found = parseSignal(arg);
      if (!found) {
        ctx.err(`-bash: kill: ${arg}: invalid signal specification\n`);
        code = 1;
      } else ctx.out(/^\d+$/.test(arg) ? `${found}\n` : `${SIGNALS[found].number}\n`);
    }
    return code;
  }
  let i = 0;
  if (args[0] === "-s" || args[0] === "-n") {
    if (args[1] === undefined) {
      ctx.err(`-bash: kill: ${args[0]}: option requires an argument\n${usage}`);
      return 2;
    }
    const found = parseSignal(args[1]);
    if (!found) {
      ctx.err(`-bash: kill: ${args[1]}: invalid signal specification\n`);
      return 1;
    }
    signal = found;
    i = 2;
  } else if (args[0]?.startsWith("-") && args[0] !== "--" && args[0].length > 1) {
    const found = parseSignal(args[0].slice(1));
    if (!found) {
      ctx.err(`-bash: kill: ${args[0].slice(1)}: invalid signal specification\n`);
      return 1;
    }
    signal = found;
    i = 1;
  }
  if (args[i] === "--") i++;
  const targets = args.slice(i);
  if (targets.length === 0) {
    ctx.err(usage);
    return 2;
  }
  let code = 0;
  for (const target of targets) {
    let job: Job | undefined;
    if (target.startsWith("%")) {
      job = findJob(table, target);
      if (!job) {
        ctx.err(`-bash: kill: ${target}: no such job\n`);
        code = 1;
        continue;
      }
    } else if (/^-?\d+$/.test(target)) {
      job = table.jobs.find((j) => j.pid === Number(target) && !j.ended);
      if (!job) {
        // The workstation's other processes (init, sshd) are not the playground's to signal: pid 1 is root's.
        ctx.err(`-bash: kill: (${target}) - ${target === "1" ? "Operation not permitted" : "No such process"}\n`);
        code = 1;
        continue;
      }
    } else {
      ctx.err(`-bash: kill: ${target}: arguments must be process or job IDs\n`);
      code = 1;
      continue;
    }
    if (job.ended) {
      // A job that already ended: bash reports it at the prompt, and the signal finds no process.
      ctx.err(`-bash: kill: (${job.pid}) - No such process\n`);
      code = 1;
      continue;
    }
    signalJob(job, signal, ctx.tx.state.now);
  }
  return code;
}

/** Moves the cluster's clock to `until` second by second, as a foreground `sleep` does. */
function waitUntil(ctx: ProgramContext, until: number): void {
  for (let t = ctx.tx.state.now; t < until; ) {
    t = Math.min(t + 1000, until);
    stepClock(ctx, t);
  }
}

/**
 * Moves the clock second by second until a `kubectl delete` job's objects are gone, as kubectl's
 * own wait does (bounded as delete.ts bounds it: the longest grace period plus a minute).
 */
function waitDeleted(ctx: ProgramContext, job: Job): void {
  const targets = job.deleting ?? [];
  const state = () => ctx.tx.state;
  const pods = targets.filter((t) => t.kind === "pods").map((t) => state().pods[`${t.namespace}/${t.name}`]);
  const limit = state().now + (Math.max(60, ...pods.map((p) => p?.metadata.deletionGracePeriodSeconds ?? 0)) + 60) * 1000;
  for (let t = state().now; !targets.every((target) => gone(state(), target)) && t < limit; ) {
    t += 1000;
    stepClock(ctx, t);
  }
  job.ended = { at: state().now, status: 0 };
}

/**
 * `fg [%N]`: bash prints the job's command and waits for it. A sleep's clock runs out; a job that
 * runs until it is stopped (port-forward) takes the console, which the caller then holds.
 */
export function fgBuiltin(ctx: ProgramContext, control: JobControl): number {
  const table = control.table;
  settleJobs(table, ctx.tx.state);
  const spec = ctx.argv[1];
  const job = findJob(table, spec);
  if (!job) {
    ctx.err(`-bash: fg: ${spec ?? "current"}: no such job\n`);
    return 1;
  }
  if (job.ended) {
    ctx.err(`-bash: fg: job has terminated\n`);
    return 1;
  }
  ctx.out(`${job.command}\n`);
  return waitForJob(ctx, control, job);
}

/** Waits for a job in the foreground: its status, or it holds the console when it never ends by itself. */
function waitForJob(ctx: ProgramContext, control: JobControl, job: Job): number {
  const table = control.table;
  if (job.until !== undefined || job.deleting) {
    if (job.until !== undefined) waitUntil(ctx, job.until);
    else waitDeleted(ctx, job);
    table.jobs = table.jobs.filter((j) => j !== job);
    return 0;
  }
  table.foreground = job.id;
  return 0;
}

/** `wait [%N|PID ...]`: waits for the jobs (all of them with no argument) and returns the last one's status. */
export function waitBuiltin(ctx: ProgramContext, control: JobControl): number {
  const table = control.table;
  settleJobs(table, ctx.tx.state);
  const args = ctx.argv.slice(1);
  const bad = args.find((a) => a.startsWith("-") && !/^-\d+$/.test(a));
  if (bad) {
    ctx.err(`-bash: wait: ${bad.slice(0, 2)}: invalid option\nwait: usage: wait [-fn] [-p var] [id ...]\n`);
    return 2;
  }
  const chosen: Job[] = [];
  let code = 0;
  for (const arg of args) {
    const job = arg.startsWith("%") ? findJob(table, arg) : table.jobs.find((j) => String(j.pid) === arg);
    if (!job) {
      if (arg.startsWith("%")) ctx.err(`-bash: wait: ${arg}: no such job\n`);
      else if (!/^\d+$/.test(arg)) ctx.err(`-bash: wait: \`${arg}': not a pid or valid job spec\n`);
      else ctx.err(`-bash: wait: pid ${arg} is not a child of this shell\n`);
      code = 127;
      continue;
    }
    chosen.push(job);
  }
  const waited = args.length === 0 ? [...table.jobs] : chosen;
  for (const job of waited) {
    if (job.ended) {
      code = job.ended.status;
      continue;
    }
    if (job.deleting) {
      waitDeleted(ctx, job);
      code = 0;
      continue;
    }
    if (job.until === undefined) {
      // A port-forward never ends by itself: bash would wait for ever, so the console is held until Ctrl+C.
      table.foreground = job.id;
      table.waiting = true;
      return 0;
    }
    waitUntil(ctx, job.until);
    job.ended = { at: job.until, status: 0 };
    code = 0;
  }
  // The jobs it waited for are reported as Done before the next prompt, as bash does.
  return args.length === 0 ? 0 : code;
}
