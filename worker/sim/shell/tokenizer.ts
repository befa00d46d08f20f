// Splits what the user typed into argv words, the way a POSIX shell would.
// (First version: whitespace only; the kubectl work replaces it with quotes, escapes, heredocs
// and pipes.)

export interface ParsedLine {
  /** One or more commands joined by `|`. Empty when the line is blank or a comment. */
  pipeline: string[][];
  /** The heredoc body (`<<EOF ... EOF`), fed to the first command's standard input. */
  stdin?: string;
}

export type ParseResult = { ok: true; line: ParsedLine } | { ok: false; error: string };

export function parseLine(input: string): ParseResult {
  const words = input.trim().split(/\s+/).filter((w) => w.length > 0);
  return { ok: true, line: { pipeline: words.length ? [words] : [] } };
}

/** Splits a pasted script into single commands, keeping each heredoc with its command. */
export function splitCommands(script: string): string[] {
  return script.split("\n").filter((l) => l.trim().length > 0);
}
