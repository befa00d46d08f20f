// The workstation shell's job table (shell/jobs.ts runs it), apart so that ProgramContext can name it.

import type { PortForward } from "../kubectl/port-forward-types.ts";

export interface Job {
  /** The job number, `%N`. */
  id: number;
  pid: number;
  /** The pipeline as typed, without the `&`. */
  command: string;
  /** Simulated ms when it started. */
  started: number;
  /** A `sleep`: the simulated ms at which it ends by itself. */
  until?: number;
  /** A `kubectl port-forward`: what it forwards, until it ends. */
  forward?: PortForward;
  /** A `kubectl delete` (waiting, as it does by default): the objects it waits to see gone. */
  deleting?: DeletionTarget[];
  /** Set once it ended: its exit status, or the signal that ended it. */
  ended?: { at: number; status: number; signal?: SignalName };
}

export interface JobTable {
  jobs: Job[];
  /** The last process id handed out (bash's `$!` is the newest). */
  lastPid: number;
  /** A job that holds the console in the foreground (a `kubectl port-forward` without `&`), by id. */
  foreground?: number;
  /**
   * The console waits in `wait` for the foreground job, which stays in its own process group:
   * Ctrl+C then interrupts the wait only, and the job runs on (bash).
   */
  waiting?: true;
}

/** An object a `kubectl delete` waits for: gone once no object of that uid is stored under its name. */
export interface DeletionTarget {
  kind: "pods" | "namespaces";
  namespace?: string;
  name: string;
  uid: string;
}

export type SignalName = "HUP" | "INT" | "KILL" | "TERM";

/** What a long-running program tells the shell when it runs as a job. */
export type JobHold = { kind: "sleep"; until: number } | { kind: "port-forward"; forward: PortForward } | { kind: "deletion"; objects: DeletionTarget[] };

/** The job table a line works on: read and written by the engine, the builtins and the programs. */
export interface JobControl {
  table: JobTable;
  /** The line's start: jobs that ended on it by themselves at once are reported at the next prompt, as bash does. */
  lineStart: number;
  /** Jobs started on this line, by id. */
  startedHere: Set<number>;
}
