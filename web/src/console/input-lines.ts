// When a typed line is not a whole command yet: an open heredoc (`<<EOF` until a line `EOF`), a
// trailing backslash, or an open quote, backquote or `$(`. The shell then shows its continuation
// prompt and keeps reading.

import { isUnfinished } from "../../../worker/sim/shell/tokenizer.ts";

const HEREDOC = /<<(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

export function needsMoreInput(text: string): boolean {
  const lines = text.split("\n");
  if (lines[lines.length - 1].endsWith("\\")) return true;
  if (isUnfinished(text)) return true;
  let i = 0;
  while (i < lines.length) {
    // A "<<" inside quotes is text, not a heredoc.
    const markers = [...lines[i].replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, "''").matchAll(HEREDOC)];
    i++;
    for (const [, dash, , word] of markers) {
      // Each heredoc of a line takes the lines after it up to its delimiter, in order.
      while (i < lines.length && (dash ? lines[i].replace(/^\t+/, "") : lines[i]) !== word) i++;
      if (i >= lines.length) return true;
      i++;
    }
  }
  return false;
}

/** The lines a command shows in the transcript: a heredoc's final newline closes it, adding no line. */
export function commandLines(command: string): string[] {
  return command.replace(/\n$/, "").split("\n");
}
