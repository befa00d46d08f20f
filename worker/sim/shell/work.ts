// The work budget of a command line. Every console command runs on the server's one thread, where
// a busy session holds up every other: so the simulator counts the work a line does (programs
// started, loop rounds, bytes through pipes, into variables and onto the terminal, words made by
// expansion) and stops the line once it has done more than a console command ever needs. It stops
// the way a shell's job killed by a resource limit does: what it printed and changed stays, bash
// prints `Killed` (jobs.c prints strsignal(SIGKILL) for a foreground job) and `$?` is 128 + 9.
// Pure counting, no clock: the same line always stops at the same place.

/**
 * Units one command line (or one setup list given one budget) may spend. A unit is about one
 * byte of text moved; a program start or a fork costs as much as the bytes it takes about as long
 * to run. Sized from what a console needs: the heaviest command of the golden transcripts and the
 * built-in lessons uses ~9,000 and the kubernetes.io pages loop 10-ish requests (~20,000), so this
 * is 50x the first and 25x the second, and a loop of 100 curl or kubectl rounds (~200,000-390,000)
 * still completes. It also keeps every command a small slice of the server's one thread: a line
 * stopped by it has used ~25 ms of CPU at most on the development machine (bench/work-bench.ts),
 * while the session's command bucket is charged for the work (worker/session/session.ts).
 */
export const WORK_BUDGET = 500_000;

/** What each piece of work costs, in units. */
export const WORK_COST = {
  /** A program run (fork and exec): curl or kubectl take ~50 µs besides the bytes they print. */
  program: 1500,
  /** A simple command the shell runs itself (`:`, an assignment, `export`). */
  builtin: 20,
  /** A round of a `for` loop. */
  round: 10,
  /** A word made by expansion (field splitting, a brace sequence). */
  field: 4,
  /** A command substitution's subshell (a fork). */
  subshell: 500,
  /** A simulated second of `sleep`: the controllers run once for it. */
  sleepSecond: 20,
  /**
   * A probe the kubelet ran while the clock moved (an HTTP or TCP request through the data plane,
   * or a command in a container): 27-45 µs each (bench: 10,000 probes of a sleep loop took 271 ms of its thread).
   */
  probe: 800,
} as const;

/** Command substitutions nested deeper than this stop the line (each level is a subshell, and a frame of the simulator's stack). */
export const MAX_SUBSTITUTION_DEPTH = 64;

/** A budget: plain data, so a caller can give one to a whole list of commands and keep it between them. */
export interface WorkBudget {
  limit: number;
  used: number;
}

export function createWorkBudget(limit = WORK_BUDGET): WorkBudget {
  return { limit, used: 0 };
}

/** Thrown where the work ran out; the engine turns it into `Killed` and status 137. */
export class WorkLimitReached extends Error {
  constructor(readonly sentence: string) {
    super(sentence);
    this.name = "WorkLimitReached";
  }
}

/** Spends `units`; past the limit the line stops. */
export function spend(budget: WorkBudget | undefined, units: number): void {
  if (!budget) return;
  budget.used += units;
  if (budget.used > budget.limit) {
    budget.used = budget.limit + 1;
    throw new WorkLimitReached(`The playground stopped this command: it reached the work limit of ${budget.limit.toLocaleString("en-US")} units a command may use.`);
  }
}

/** The exit status of a job killed by SIGKILL (128 + 9), as bash reports it. */
export const KILLED_STATUS = 137;

/** What the terminal shows when a line is stopped: bash's report of the killed job, then the playground's one sentence. */
export function killedReport(stopped: WorkLimitReached): string {
  return `Killed\n${stopped.sentence}\n`;
}
