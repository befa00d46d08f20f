// Where the console is, and what a program (kubectl, curl, ssh, ...) gets when it runs.

import type { Tx } from "../cluster/tx.ts";
import type { Kubeconfig } from "../kubectl/kubeconfig-types.ts";
import type { RouteTrace } from "../net/trace.ts";
import type { Random } from "../random.ts";
import type { EditorOpen } from "./editor-types.ts";
import type { WorkBudget } from "./work.ts";
import type { JobControl, JobHold } from "./job-types.ts";
import type { WorkstationForwards } from "../kubectl/port-forward-types.ts";

/** What a shell remembers between commands: its variables and the status of the last command. */
export interface ShellVariables {
  /** Variables set with `NAME=value` or `export`, by name. */
  vars?: Record<string, string>;
  /** Names of the variables that `export` marked (`env` lists them). */
  exported?: string[];
  /** `$?` when the last command failed; absent after a success. */
  status?: number;
  /** The working directory after `cd`; absent: the login's home (the workstation, a node) or `/` (a container). */
  cwd?: string;
}

/** The console's history list (shell/history.ts): `lines[0]` is entry number `base`. */
export interface History {
  lines: string[];
  /** The number of lines[0]; absent: 1. */
  base?: number;
}

/** What `history` may do to the list the engine keeps. */
export interface HistoryAccess {
  get(): History;
  set(history: History): void;
}

/** One place in the stack of shells: the workstation, a node after `ssh`, a pod after `exec -it`. */
export type ShellFrame =
  | ({ kind: "workstation"; user: string; host: string; kubeconfig?: Kubeconfig } & ShellVariables)
  | ({
      kind: "node";
      node: string;
      user: string;
      kubeconfig?: Kubeconfig;
      /** The session cluster the node belongs to, in a session with several (contexts.ts). */
      cluster?: string;
    } & ShellVariables)
  | ({
      kind: "pod";
      namespace: string;
      pod: string;
      container: string;
      shell: "sh" | "bash";
      /** `kubectl run --rm -it`: delete the pod when this shell exits. */
      removeOnExit?: boolean;
      /** `kubectl run -it`: this shell is the container's main process (kubectl attach), not an exec. */
      attached?: boolean;
      /** `kubectl exec POD -- CMD` (or `-- sh -c SCRIPT`): the process exec started, not an interactive shell. */
      transient?: true;
      /** The session cluster the pod runs in, in a session with several (contexts.ts). */
      cluster?: string;
    } & ShellVariables);

export interface ProgramContext {
  /** argv[0] is the program name as typed. */
  argv: string[];
  /** Standard input (a heredoc body), if any. */
  stdin?: string;
  /**
   * False when standard output is a pipe or `kubectl exec` without -t: curl then prints its
   * progress meter on standard error, as it does when it is not writing to a terminal.
   */
  stdoutIsTerminal?: boolean;
  tx: Tx;
  random: Random;
  /** Simulated time, ms since the epoch. */
  now: number;
  /** The shell stack; the last frame is where the command runs. Programs may push or pop. */
  shell: ShellFrame[];
  /** Write to standard output / standard error (the console shows both, in order). */
  out(text: string): void;
  err(text: string): void;
  /** Record the route a request took. */
  trace(trace: RouteTrace): void;
  /**
   * A note for the learner beside the output, never in it: what the playground cannot do that a
   * real machine could (fetch an address on the internet). Absent where nobody reads notes.
   */
  note?(text: string): void;
  /** The work budget of the line this program runs in (shell/work.ts); shells it starts share it. */
  work?: WorkBudget;
  /**
   * Opens the browser console's editor (shell/editor.ts): the rest of the line does not run, and
   * the command ends when the edit is saved or cancelled. Absent where there is no browser
   * terminal (`npm run sim`, a script in a pod).
   */
  openEditor?(request: EditorOpen): void;
  /** The interactive shell's history list (`history`); absent where there is none (a script, a setup line). */
  history?: HistoryAccess;
  /** The workstation's job table (`jobs`, `fg`, `kill`, `wait`); absent elsewhere. */
  jobs?: JobControl;
  /**
   * A program that runs until it is stopped or for a while (sleep, kubectl port-forward) hands
   * itself to the shell's job control: true when the shell took it (a job started with `&`, or a
   * port-forward that holds the console), and the program returns at once; false: run as usual.
   */
  hold?(hold: JobHold): boolean;
  /** The ports the workstation's `kubectl port-forward` jobs listen on (curl localhost:8080 takes their tunnel). */
  forwards?: WorkstationForwards;
  /** The session's clusters, in a session with several (contexts.ts); absent: `tx` is the only one. */
  clusters?: SessionClusters;
}

/** A session's clusters as a program reaches them: kubectl by its context, ssh by a node's name. */
export interface SessionClusters {
  /** The kubeconfig name of the cluster `tx` is. */
  readonly acting: string;
  /** Every cluster's name, in the order the session made them. */
  readonly names: readonly string[];
  /** The transaction of the named cluster (one per cluster and line); undefined for no such cluster. */
  tx(name: string): Tx | undefined;
}

/** A program returns its exit code. It may throw only for bugs; the engine turns that into an error. */
export type Program = (ctx: ProgramContext) => number;
