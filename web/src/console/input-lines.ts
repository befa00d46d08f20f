// When a typed line is not a whole command yet: an open heredoc (`<<EOF` until a line `EOF`), a
// trailing backslash, or an open quote, backquote or `$(`. The shell then shows its continuation
// prompt and keeps reading.

import { isUnfinished, splitCommands } from "../../../worker/sim/shell/tokenizer.ts";

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

/**
 * What a paste does, as a terminal running bash does it line by line: every whole command runs in
 * turn, the last line too (its Enter is the paste's end); a heredoc, quote or `\` left open stays
 * on `> ` lines, waiting for the rest. `whole` is the input line with the pasted text in it, after
 * the continuation lines already typed.
 */
export function pastedCommands(whole: string): { run: string[]; continued: string[]; line: string } {
  const text = whole.replace(/\r\n?/g, "\n");
  const commands = splitCommands(text);
  const last = commands[commands.length - 1];
  if (last === undefined || !needsMoreInput(last)) return { run: commands, continued: [], line: "" };
  // The open command's lines wait on `> `; a last line without its newline is still being typed.
  const lines = last.split("\n");
  const line = text.endsWith("\n") ? "" : lines.pop()!;
  return { run: commands.slice(0, -1), continued: lines, line };
}

/** A command recalled from history as it was typed: its first lines as `> ` lines, the last on the input. */
export function recalledLines(command: string): { continued: string[]; line: string } {
  const lines = command.split("\n");
  const line = lines.pop()!;
  return { continued: lines, line };
}
