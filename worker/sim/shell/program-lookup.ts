// Where a shell finds the program a word names. The program table (programs.ts) holds kubectl,
// ssh and exit, which start shells of their own (pod-exec.ts) that look programs up again: the
// table registers itself here when loaded, so those shells reach it without importing it back.
import type { ClusterState } from "../cluster/types.ts";
import type { Program, ShellFrame } from "./types.ts";

type Lookup = (name: string, frame: ShellFrame, cluster: ClusterState) => Program | string;

let lookup: Lookup | undefined;

export function registerProgramLookup(find: Lookup): void {
  lookup = find;
}

/** The program to run, or the shell's error text when there is none. */
export function findProgram(name: string, frame: ShellFrame, cluster: ClusterState): Program | string {
  if (!lookup) throw new Error("the program table (shell/programs.ts) is not loaded");
  return lookup(name, frame, cluster);
}
