// The console's status line for screen readers.
import type { TranscriptEntry } from "../api/types.ts";

/**
 * What a screen reader hears after a command: the command, how much it printed and how it ended,
 * and the output's first line (a table's header, an error), not the whole output.
 */
export function announcement(entry: Pick<TranscriptEntry, "command" | "output" | "exitCode"> | undefined): string {
  if (!entry) return "";
  const output = entry.output.replace(/\n$/, "");
  const lines = output ? output.split("\n").length : 0;
  const first = output.split("\n")[0].trim();
  const head = first.length > 80 ? first.slice(0, 79) + "…" : first;
  const command = entry.command.length > 60 ? entry.command.slice(0, 59) + "…" : entry.command;
  return `${command}: ${lines === 0 ? "no output" : `${lines} line${lines === 1 ? "" : "s"} of output`}, exit code ${entry.exitCode}.${head ? " " + head : ""}`;
}
