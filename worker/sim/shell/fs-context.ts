// The file system a shell or a program sees: the machine of its frame, and its working directory.

import type { Tx } from "../cluster/tx.ts";
import { absolutePath, ERRNO_TEXT, FileSystem, type Errno } from "../files/file-system.ts";
import { machineOf } from "../files/machines.ts";
import { labIndexes, type LabClusters } from "../net/lab.ts";
import type { ProgramContext, ShellFrame } from "./types.ts";
import type { WorkBudget } from "./work.ts";

export interface ShellFiles {
  fs: FileSystem;
  /** The working directory, absolute. */
  cwd: string;
  /** An argument as a path: `~` and `~/...` are the home directory (bash expands them), others relative to cwd. */
  resolve(path: string): string;
}

/** `lab`: the session's clusters (several only), whose nodes the workstation's /etc/hosts names. */
export function filesOf(tx: Tx, frame: ShellFrame, now: number, work?: WorkBudget, lab?: LabClusters): ShellFiles | undefined {
  const machine = machineOf(tx.state, frame, lab && frame.kind === "workstation" ? () => labIndexes(lab, tx) : undefined);
  if (!machine) return undefined;
  const fs = new FileSystem(tx, machine, now, work);
  const cwd = frame.cwd ?? (frame.kind === "pod" ? "/" : machine.home);
  return { fs, cwd, resolve: (path) => absolutePath(cwd, expandTilde(path, machine.home)) };
}

/** The files of the place a program runs in (the top of its shell stack). */
export function programFiles(ctx: ProgramContext): ShellFiles | undefined {
  return filesOf(ctx.tx, ctx.shell[ctx.shell.length - 1], ctx.now, ctx.work, ctx.clusters);
}

export function expandTilde(path: string, home: string): string {
  return path === "~" ? home : path.startsWith("~/") ? home + path.slice(1) : path;
}

export function errnoText(errno: Errno): string {
  return ERRNO_TEXT[errno];
}
