// The prompt the console shows for the place it is in, as that shell would print it.

import type { ShellFrame } from "./types.ts";

export function promptOf(shell: ShellFrame[]): string {
  const frame = shell[shell.length - 1];
  switch (frame.kind) {
    case "workstation":
      return `${frame.user}@${frame.host}:~$ `;
    case "node":
      return `${frame.user}@${frame.node}:~$ `;
    case "pod":
      // bash prints user@host:cwd# ; busybox/dash sh print "/ # " or "# ".
      return frame.shell === "bash" ? `root@${frame.pod}:/# ` : "/ # ";
  }
}
