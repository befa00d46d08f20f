// The simulation's one entry point: (session state, command line, clock) -> new state, output,
// route trace. Pure: the caller passes the clock; randomness comes from the seed kept in the state.

import { reconcile } from "./cluster/controllers.ts";
import { clusterFromTemplate } from "./cluster/template.ts";
import { Tx } from "./cluster/tx.ts";
import type { ClusterProfile } from "./cluster/profile.ts";
import type { ClusterState } from "./cluster/types.ts";
import { byteLength } from "./net/http.ts";
import type { RouteTrace } from "./net/trace.ts";
import { inCluster } from "./net/lab.ts";
import { createRandom } from "./random.ts";
import { actingCluster, contextsKubeconfig, LineClusters, SOLE_CLUSTER, tickClusters, type SessionContexts } from "./contexts.ts";
import { MAX_CLUSTERS } from "./cluster/layout.ts";
import { pasteHint, type PasteHint } from "./shell/paste-hints.ts";
import { promptOf } from "./shell/prompt.ts";
import { EMPTY_HISTORY, expandHistory, remember, type History } from "./shell/history.ts";
import { findProgram } from "./shell/programs.ts";
import type { EditorOpen, EditorReply, EditorRequest, PendingEdit } from "./shell/editor.ts";
import { finishEdit as finishPendingEdit } from "./shell/edit-finish.ts";
import { filesOf } from "./shell/fs-context.ts";
// Registers the kubelet's runner for containers' own one-shot commands (their output is their log).
import "./shell/container-process.ts";
import { ListRunner, type ShellHost } from "./shell/list-runner.ts";
import { parseLine } from "./shell/tokenizer.ts";
import { EMPTY_JOBS, newJob, reportEnded } from "./shell/jobs.ts";
import { forwardAt } from "./shell/forward-lookup.ts";
import type { Job, JobControl, JobHold, JobTable } from "./shell/job-types.ts";
import type { WorkstationForwards } from "./kubectl/port-forward-types.ts";
import type { ProgramContext, ShellFrame } from "./shell/types.ts";
import { exportedEnvironment, lookupVariable, withStatus } from "./shell/variables.ts";
import { createWorkBudget, KILLED_STATUS, killedReport, WorkLimitReached, type WorkBudget } from "./shell/work.ts";

export const MAX_COMMAND_BYTES = 8 * 1024;

export interface SessionState {
  version: 1;
  cluster: ClusterState;
  /** Where the console is: [workstation, node?, pod shell?]. Never empty. */
  shell: ShellFrame[];
  /** The random source's state after the last command. */
  rng: number;
  /**
   * How far simulated time runs ahead of the caller's clock, in ms. Commands that block in real
   * kubectl (delete, wait, rollout status) move simulated time forward instead of making the
   * learner wait; the skew keeps time flowing from there rather than freezing until the caller's
   * clock catches up.
   */
  clockSkew?: number;
  /**
   * An editor the console opened (vi FILE, kubectl edit) and waits on: the command that opened
   * it ends when the page saves or cancels it (finishEdit). No other command runs meanwhile.
   */
  editing?: PendingEdit;
  /** The lines typed at the console, as bash's history keeps them (shell/history.ts); absent: none yet. */
  history?: History;
  /** The workstation shell's jobs (shell/jobs.ts); absent: none yet. */
  jobs?: JobTable;
  /** A session with several clusters (contexts.ts): their names and the ones not current; absent: `cluster` is the only one. */
  contexts?: SessionContexts;
}

export interface CommandResult {
  state: SessionState;
  /** Standard output and standard error, interleaved as a terminal shows them. */
  output: string;
  exitCode: number;
  /** The prompt after the command (it changes with ssh, exec -it and exit). */
  prompt: string;
  /** Routes of the requests the command made, in order (curl makes one; most commands none). */
  traces: RouteTrace[];
  /** False when the command changed nothing in the cluster or the shell. */
  changed: boolean;
  /**
   * Typographic characters pasted from a document (en dashes, curly quotes, no-break spaces, a
   * prompt) that made the command fail or changed its meaning, and the command as meant. Kept
   * apart from `output`, which stays exactly what the shell and the programs printed.
   */
  hint?: PasteHint;
  /**
   * What the playground says about a command beside its output (shell/types.ts ProgramContext.note):
   * e.g. that an address on the internet cannot be fetched because the playground has no internet.
   */
  notes?: string[];
  /** The command opened an editor and waits for it: what the page's editor panel shows. */
  editor?: EditorRequest;
  /** The command still runs in the foreground (kubectl port-forward): the console waits for Ctrl+C (interrupt). */
  running?: true;
}

export interface CreateSessionOptions {
  seed: number;
  now: number;
  maxObjects?: number;
  /** The CNI and add-ons the cluster is built with; the default profile when absent. */
  profile?: ClusterProfile;
  /**
   * Several clusters (at most MAX_CLUSTERS, distinct names), each with its kubeconfig context of
   * the same name and its own profile (`profile` when absent); the first is current. Absent: one
   * cluster, kubeadm's `kubernetes`, as always.
   */
  clusters?: Array<{ name: string; profile?: ClusterProfile }>;
}

/**
 * A new session: the profile's bootstrapped cluster (cluster/template.ts) with identities drawn
 * from the seed and its clock at `now` (to the whole second).
 */
export function createSession(options: CreateSessionOptions): SessionState {
  const random = createRandom(options.seed);
  const several = options.clusters;
  if (!several) {
    const cluster = clusterFromTemplate({ now: options.now, random, maxObjects: options.maxObjects, profile: options.profile });
    return {
      version: 1,
      cluster,
      shell: [{ kind: "workstation", user: "student", host: "workstation" }],
      rng: random.state,
    };
  }
  const names = several.map((c) => c.name);
  if (names.length === 0 || names.length > MAX_CLUSTERS || new Set(names).size !== names.length) {
    throw new Error(`createSession: 1 to ${MAX_CLUSTERS} clusters with distinct names`);
  }
  const clusters = several.map((c, layout) => clusterFromTemplate({ now: options.now, random, maxObjects: options.maxObjects, profile: c.profile ?? options.profile, layout }));
  const parked: Record<string, ClusterState> = {};
  for (let i = 1; i < names.length; i++) parked[names[i]] = clusters[i];
  return {
    version: 1,
    cluster: clusters[0],
    shell: [{ kind: "workstation", user: "student", host: "workstation", kubeconfig: contextsKubeconfig(names) }],
    rng: random.state,
    contexts: { names, current: names[0], parked },
  };
}

/** Simulated time for a caller's clock reading. */
export function simulatedNow(state: SessionState, now: number): number {
  return Math.max(now + (state.clockSkew ?? 0), state.cluster.now);
}

/** The caller's clock reading at which simulated time reaches `simulated` (for timers). */
export function callerTimeOf(state: SessionState, simulated: number): number {
  return simulated - (state.clockSkew ?? 0);
}

/** Advances the cluster to `now` (pods start, crash, finish terminating) without a command. */
export function tick(state: SessionState, now: number): SessionState {
  const random = createRandom(state.rng);
  const tx = new Tx(state.cluster);
  const at = simulatedNow(state, now);
  reconcile(tx, at, random);
  const others = state.contexts && tickClusters(state.contexts, at, random);
  if (!tx.dirty && !others?.changed) return state;
  const contexts = others?.changed && state.contexts ? { contexts: { ...state.contexts, parked: others.parked } } : {};
  return { ...state, cluster: tx.dirty ? tx.commit() : state.cluster, rng: random.state, ...contexts };
}

export interface ExecuteEnv {
  /** The caller's clock, ms since the epoch. */
  now: number;
  /**
   * The work this line may do (shell/work.ts). A fresh budget of WORK_BUDGET units when absent;
   * pass one budget to several lines (a setup list, a lesson's setup) to give them one budget in
   * all: the line that uses it up is stopped, and `used` says how much was spent.
   */
  work?: WorkBudget;
  /**
   * True where a browser console can show an editor (the Worker's sessions). Without it vi, vim,
   * nano and kubectl edit say that they need the browser console (`npm run sim`, tests).
   */
  editors?: boolean;
  /**
   * A line typed at the console (not a lesson's setup or a script): bash expands `!` history
   * references in it, echoes the expanded line, and keeps the line in its history.
   */
  typed?: boolean;
  /**
   * Receives standard output and standard error apart, as they are written (they also go into the
   * result's `output`, interleaved): pods/exec sends them on their own channels.
   */
  streams?: { out(text: string): void; err(text: string): void };
  /**
   * The line's standard input when it has no heredoc of its own: what a pods/exec client sent on
   * its stdin channel before closing it (`kubectl exec -i POD -- cat < file`).
   */
  stdin?: string;
}

export function execute(state: SessionState, input: string, env: ExecuteEnv): CommandResult {
  const result = executeLine(state, input, env);
  const hint = pasteHint(input, result.exitCode);
  return hint ? { ...result, hint } : result;
}

function executeLine(state: SessionState, input: string, env: ExecuteEnv): CommandResult {
  const fail = (output: string, exitCode = 1): CommandResult => ({
    state,
    output,
    exitCode,
    prompt: promptOf(state.shell),
    traces: [],
    changed: false,
  });

  if (state.editing) {
    return fail(`-bash: the console is in ${state.editing.editor} (${state.editing.title}): save or cancel the edit first\n`, 1);
  }
  const held = foregroundJob(state);
  if (held) return fail(heldMessage(held), 1);
  if (byteLength(input) > MAX_COMMAND_BYTES) {
    return fail(`-bash: command line too long (over ${MAX_COMMAND_BYTES} bytes)\n`, 1);
  }
  // History expansion comes first, on the line as read, in bash (not in the images' sh).
  const before = state.history ?? EMPTY_HISTORY;
  const reading = state.shell[state.shell.length - 1];
  let echoed = "";
  if (env.typed && (reading.kind !== "pod" || reading.shell === "bash")) {
    const expansion = expandHistory(input, before, reading.kind === "pod" ? "bash" : "-bash");
    // The line is dropped: not run, not kept in history, and `$?` stays as it was.
    if (!expansion.ok) return fail(expansion.error, 1);
    if (expansion.expanded) {
      input = expansion.line;
      echoed = `${input}\n`;
    }
  }
  // bash keeps the line before running it: `history` lists itself.
  let history = env.typed ? remember(before, input) : before;
  const historyOf = (next: SessionState): SessionState => (history === before ? next : { ...next, history });

  const parsed = parseLine(input);
  if (!parsed.ok) {
    env.streams?.err(echoed + parsed.error);
    return { ...fail(echoed + parsed.error, 2), state: historyOf(state) };
  }
  const { pipeline } = parsed.line;

  const random = createRandom(state.rng);
  const now = simulatedNow(state, env.now);
  // The line runs against the cluster of the shell it is typed in; kubectl may reach the others.
  const lineClusters = new LineClusters(state.cluster, state.contexts, now, random);
  const acting = state.contexts ? actingCluster(state.contexts, state.shell) : SOLE_CLUSTER;
  const tx = lineClusters.tx(acting, false)!;
  const clusters = lineClusters.view(acting);
  const shell = state.shell.slice();
  // bash warns before running a heredoc that reached the end of input.
  let output = echoed + (parsed.line.warning ?? "");
  const traces: RouteTrace[] = [];
  const notes: string[] = [];
  const work = env.work ?? createWorkBudget();
  let opened: PendingEdit | undefined;
  const openEditor = env.editors
    ? (request: EditorOpen) => {
        opened ??= { ...request, token: editToken(random), command: input };
      }
    : undefined;

  const before_jobs = state.jobs ?? EMPTY_JOBS;
  // The line works on a copy: a line that fails half-way still keeps what it did, as with the cluster.
  const jobs: JobControl = { table: { ...before_jobs, jobs: before_jobs.jobs.map((j) => ({ ...j })) }, lineStart: now, startedHere: new Set() };
  /** The job a `&` is starting, which a long-running program hands itself to. */
  let starting: Job | undefined;

  const top = () => shell[shell.length - 1];
  const host: ShellHost = {
    get name() {
      const frame = top();
      return frame.kind === "pod" ? frame.shell : "-bash";
    },
    frame: top,
    setFrame: (frame) => {
      shell[shell.length - 1] = frame;
    },
    lookup: (name) => lookupVariable(tx.state, shell, top(), name),
    exported: () => exportedEnvironment(tx.state, shell, top()),
    run: runProgram,
    write: (text) => {
      output += text;
      env.streams?.out(text);
    },
    err: (text) => {
      output += text;
      env.streams?.err(text);
    },
    save: () => {
      const saved = shell.slice();
      return () => void shell.splice(0, shell.length, ...saved);
    },
    depth: () => shell.length,
    halted: () => opened !== undefined || jobs.table.foreground !== undefined,
    background: (text, run) => {
      // Job control is the workstation's login shell's (ssh and exec shells here run one line at a time).
      if (shell.length !== 1) {
        output += `${host.name}: '&' (background jobs) is supported only in the workstation's shell in this console\n`;
        return 1;
      }
      const job = newJob(jobs, text, tx.state.now, (t) => (output += t));
      jobs.table.jobs.push(job);
      jobs.startedHere.add(job.id);
      starting = job;
      let code: number;
      try {
        code = run();
      } finally {
        starting = undefined;
      }
      // A program that finished at once (echo, a kubectl that failed) is a job that already ended.
      if (job.until === undefined && !job.forward && !job.deleting) job.ended = { at: tx.state.now, status: code };
      return 0;
    },
    files: () => filesOf(tx, top(), tx.state.now, work, clusters),
  };

  /** The ports the running port-forward jobs listen on; their lines go to the terminal, as a job's output does. */
  const forwards: WorkstationForwards = {
    at(ip, port) {
      const found = forwardAt(jobs.table, ip, port);
      if (!found) return undefined;
      const { job, forward } = found;
      return {
        forward,
        port: found.port,
        pid: job.pid,
        out: (text) => {
          if (!forward.quiet) output += text;
        },
        err: (text) => void (output += text),
        lost: () => void (job.ended = { at: tx.state.now, status: 1 }),
      };
    },
  };

  try {
    reconcile(tx, now, random);
    // A blank line or a comment leaves `$?` as it was.
    if (pipeline.length === 0) return finish(top().status ?? 0);
    // A list (`a && b || c; d`): each part after the first runs or not on the status so far,
    // and a skipped part leaves the status as it was (bash). A part that moved the console into
    // or out of a shell (ssh, exec -it, exit) ends the line: the rest would belong to that shell.
    const runner = new ListRunner(host, top().status ?? 0, work);
    const line = env.stdin !== undefined && parsed.line.stdin === undefined ? { ...parsed.line, stdin: env.stdin, stdinExpands: false } : parsed.line;
    return finish(runner.runLine(line));
  } catch (error) {
    if (error instanceof WorkLimitReached) {
      // Like a killed job: what it printed and changed stays. Controllers still react to the
      // changes it made, as they would after any program.
      output += killedReport(error);
      env.streams?.err(killedReport(error));
      reconcile(tx, tx.state.now, random);
      return finish(KILLED_STATUS);
    }
    // A bug must never corrupt a session: drop the transaction and report it like a crash.
    const message = error instanceof Error ? error.message : String(error);
    return fail(`error: internal error in the simulator: ${message}\n`, 1);
  }

  /** One program, its words expanded; `terminal`: its standard output is the console, not a pipe. */
  function runProgram(argv: string[], stdin: string | undefined, terminal: boolean, out: (text: string) => void, err: (text: string) => void, work: WorkBudget): number {
    const ctx: ProgramContext = {
      work,
      argv,
      stdin,
      stdoutIsTerminal: terminal,
      tx,
      random,
      now: tx.state.now,
      shell,
      out,
      err,
      trace: (t) => traces.push(clusters ? inCluster(t, acting) : t),
      note: (text) => {
        if (!notes.includes(text)) notes.push(text);
      },
      ...(openEditor ? { openEditor } : {}),
      ...(shell.length === 1 && top().kind === "workstation" ? { jobs, hold, forwards } : {}),
      ...(env.typed ? { history: { get: () => history, set: (next: History) => void (history = next) } } : {}),
      ...(clusters ? { clusters } : {}),
    };
    const program = findProgram(argv[0], top(), tx.state);
    let exitCode: number;
    if (typeof program === "string") {
      ctx.err(program);
      exitCode = 127;
    } else {
      exitCode = program(ctx);
    }
    // Controllers react to what the program wrote (ReplicaSets create pods, endpoints follow).
    lineClusters.settle(tx);
    return exitCode;
  }

  /** A long-running program hands itself to job control: a background job's, or a port-forward that holds the console. */
  function hold(what: JobHold): boolean {
    const job = starting;
    if (job) {
      if (what.kind === "sleep") job.until = what.until;
      else if (what.kind === "deletion") job.deleting = what.objects;
      else job.forward = what.forward;
      return true;
    }
    if (what.kind !== "port-forward") return false;
    // In the foreground it runs until Ctrl+C (interrupt): the console is held; bash prints no `[N] PID` for it.
    const fg = newJob(jobs, input.trim(), tx.state.now, () => {});
    fg.forward = what.forward;
    jobs.table.jobs.push(fg);
    jobs.startedHere.add(fg.id);
    jobs.table.foreground = fg.id;
    return true;
  }

  function finish(exitCode: number): CommandResult {
    // bash reports the jobs that ended before it shows the next prompt.
    output += reportEnded(jobs, tx.state);
    const jobsChanged = !sameJobs(jobs.table, before_jobs);
    // `$?` of the next line; the frame stays the same object after a success.
    shell[shell.length - 1] = withStatus(top(), exitCode);
    const shellChanged = !sameShell(shell, state.shell);
    const changed = lineClusters.dirty || shellChanged || opened !== undefined || jobsChanged;
    const clockSkew = Math.max(state.clockSkew ?? 0, lineClusters.latest() - env.now);
    const skew = clockSkew > 0 ? { clockSkew } : {};
    const editing = opened ? { editing: opened } : {};
    // A command that changed nothing (a read, a failed command) returns the same state object: the
    // session then stores nothing of the cluster for it (only its transcript entry).
    const untouched = !changed && random.state === state.rng && clockSkew === (state.clockSkew ?? 0);
    const next: SessionState = historyOf(
      untouched
        ? state
        : changed
          ? { ...state, ...lineClusters.commit(shell), shell, rng: random.state, ...skew, ...editing, ...jobsOf(jobs.table) }
          : { ...state, rng: random.state, ...skew },
    );
    const result: CommandResult = { state: next, output, exitCode, prompt: promptOf(shell), traces, changed };
    if (notes.length) result.notes = notes;
    if (opened) result.editor = editorRequestOf(opened);
    if (jobs.table.foreground !== undefined) result.running = true;
    return result;
  }
}

/** The part of a pending edit the page sees. */
export function editorRequestOf(pending: PendingEdit): EditorRequest {
  const { token, editor, title, content, message } = pending;
  return message === undefined ? { token, editor, title, content } : { token, editor, title, content, message };
}

/** An edit's token: names it so that a save meant for an earlier editor is refused. */
function editToken(random: { int(n: number): number }): string {
  let token = "";
  for (let i = 0; i < 4; i++) token += random.int(0x10000).toString(16).padStart(4, "0");
  return token;
}

/**
 * Ends the command that opened the pending editor: the saved text is written to the file, or
 * kubectl edit applies it; a cancel leaves everything as it was. The editor may open again (a
 * failed write, an invalid object): the result then carries a new editor request. The caller
 * checks that the reply's token is the pending edit's.
 */
export function finishEdit(state: SessionState, reply: EditorReply, env: ExecuteEnv): CommandResult {
  const pending = state.editing;
  if (!pending || pending.token !== reply.token) throw new Error("finishEdit: no pending edit with that token");
  const random = createRandom(state.rng);
  const now = simulatedNow(state, env.now);
  const lineClusters = new LineClusters(state.cluster, state.contexts, now, random);
  // The edit's own cluster (kubectl --context X edit), else the shell's.
  const named = pending.cluster !== undefined && state.contexts?.names.includes(pending.cluster) ? pending.cluster : undefined;
  const acting = named ?? (state.contexts ? actingCluster(state.contexts, state.shell) : SOLE_CLUSTER);
  const tx = lineClusters.tx(acting, false)!;
  const clusters = lineClusters.view(acting);
  reconcile(tx, now, random);
  const shell = state.shell.slice();
  let output = "";
  const traces: RouteTrace[] = [];
  let reopened: PendingEdit | undefined;
  const ctx: ProgramContext = {
    work: env.work ?? createWorkBudget(),
    argv: [pending.editor],
    tx,
    random,
    now: tx.state.now,
    shell,
    out: (text) => void (output += text),
    err: (text) => void (output += text),
    trace: (t) => traces.push(clusters ? inCluster(t, acting) : t),
    openEditor: (request) => {
      reopened ??= { ...request, token: editToken(random), command: pending.command, ...(pending.cluster !== undefined ? { cluster: pending.cluster } : {}) };
    },
    ...(clusters ? { clusters } : {}),
  };
  let exitCode: number;
  try {
    exitCode = finishPendingEdit(ctx, pending, reply);
    reconcile(tx, tx.state.now, random);
  } catch (error) {
    if (!(error instanceof WorkLimitReached)) throw error;
    output += killedReport(error);
    reconcile(tx, tx.state.now, random);
    exitCode = KILLED_STATUS;
  }
  if (!reopened) shell[shell.length - 1] = withStatus(shell[shell.length - 1], exitCode);
  const clockSkew = Math.max(state.clockSkew ?? 0, lineClusters.latest() - env.now);
  const { editing: _closed, ...rest } = state;
  const next: SessionState = { ...rest, ...lineClusters.commit(shell), shell, rng: random.state, ...(clockSkew > 0 ? { clockSkew } : {}), ...(reopened ? { editing: reopened } : {}) };
  const result: CommandResult = { state: next, output, exitCode, prompt: promptOf(shell), traces, changed: true };
  if (reopened) result.editor = editorRequestOf(reopened);
  return result;
}

/** The state's `jobs` field: absent while the table is empty and no pid was handed out. */
function jobsOf(table: JobTable): { jobs?: JobTable } {
  return table.jobs.length === 0 && table.lastPid === 0 && table.foreground === undefined ? {} : { jobs: table };
}

function sameJobs(a: JobTable, b: JobTable): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The job holding the console in the foreground, if any. */
export function foregroundJob(state: SessionState): Job | undefined {
  const table = state.jobs;
  return table?.foreground === undefined ? undefined : table.jobs.find((j) => j.id === table.foreground);
}

function heldMessage(job: Job): string {
  return `-bash: the console is running \`${job.command}\` in the foreground: press Ctrl+C to stop it (start it with \`&\` to keep using the console)\n`;
}

/**
 * Ctrl+C in the console: SIGINT to the foreground job (a port-forward holding the console). The
 * terminal echoes `^C`; kubectl ends without a word and `$?` becomes 130, as bash reports it.
 */
export function interrupt(state: SessionState): CommandResult {
  const held = foregroundJob(state);
  const prompt = promptOf(state.shell);
  if (!held || !state.jobs) return { state, output: "", exitCode: state.shell[state.shell.length - 1].status ?? 0, prompt, traces: [], changed: false };
  // SIGINT reaches the foreground process group: the job itself after fg or without &, but only
  // the shell's `wait` when it waits for a background job, which runs on.
  const table: JobTable = { ...state.jobs, jobs: state.jobs.waiting ? state.jobs.jobs : state.jobs.jobs.filter((j) => j !== held) };
  delete table.foreground;
  delete table.waiting;
  const shell = state.shell.slice();
  shell[shell.length - 1] = withStatus(shell[shell.length - 1], 130);
  const { jobs: _old, ...rest } = state;
  const next: SessionState = { ...rest, shell, ...jobsOf(table) };
  return { state: next, output: "^C\n", exitCode: 130, prompt, traces: [], changed: true };
}

function sameShell(a: ShellFrame[], b: ShellFrame[]): boolean {
  return a.length === b.length && a.every((frame, i) => frame === b[i]);
}
