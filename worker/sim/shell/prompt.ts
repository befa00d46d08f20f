// The prompt the console shows for the place it is in, as that shell would print it.

import type { ShellFrame } from "./types.ts";
import { homeOf } from "./variables.ts";

export function promptOf(shell: ShellFrame[]): string {
  const frame = shell[shell.length - 1];
  switch (frame.kind) {
    case "workstation":
      return `${frame.user}@${frame.host}:${shortened(frame.cwd, homeOf(frame.user))}$ `;
    case "node":
      return `${frame.user}@${frame.node}:${shortened(frame.cwd, homeOf(frame.user))}$ `;
    case "pod":
      // bash prints user@host:cwd# (\w, home /root as ~); the images' sh prints "cwd # ".
      return frame.shell === "bash" ? `root@${frame.pod}:${shortened(frame.cwd ?? "/", "/root")}# ` : `${frame.cwd ?? "/"} # `;
  }
}

/** bash's \w: the working directory with the home directory as `~`. */
function shortened(cwd: string | undefined, home: string): string {
  if (cwd === undefined || cwd === home) return "~";
  return cwd.startsWith(`${home}/`) ? `~${cwd.slice(home.length)}` : cwd;
}
