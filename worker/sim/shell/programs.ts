// Which program a word names, in the place the console is. A pod only has the tools its image
// ships; the workstation has kubectl, curl and ssh; nodes have curl, ping and (controlplane) kubectl.

import type { ClusterState } from "../cluster/types.ts";
import type { Program, ShellFrame } from "./types.ts";

/** Programs by name. Each program checks for itself where it may run. */
const programs: Record<string, Program> = {};

/** The program to run, or the shell's error text when there is none. */
export function findProgram(name: string, frame: ShellFrame, _cluster: ClusterState): Program | string {
  const program = Object.prototype.hasOwnProperty.call(programs, name) ? programs[name] : undefined;
  if (program) return program;
  return frame.kind === "pod" ? `sh: ${name}: not found\n` : `${name}: command not found\n`;
}
