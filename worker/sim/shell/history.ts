// The console's command history, as the workstation's bash keeps it: Ubuntu's ~/.bashrc sets
// HISTCONTROL=ignoreboth (a line starting with a space, or the same as the one before, is not
// kept) and HISTSIZE=1000. bash numbers entries from 1 and keeps counting when the oldest drop
// off; `history -c` starts again from 1. History expansion (`!!`, `!N`, `!-N`, `!prefix`, `!$`)
// happens on the line as read, before it is parsed, and the line enters history expanded.

import type { History, ProgramContext } from "./types.ts";

export type { History };

/** Ubuntu's ~/.bashrc: HISTSIZE=1000. */
export const HISTORY_SIZE = 1000;
/**
 * Characters kept in all; older entries drop off first. The history is part of the session's
 * stored state (a line a row, worker/session/storage.ts), copied whole into every snapshot and
 * fork and sent with every read: a thousand lines of 8 KiB each would be 8 MB.
 */
export const HISTORY_CHARS = 64 * 1024;

export const EMPTY_HISTORY: History = { lines: [] };

/** The history after the shell read `line` (HISTCONTROL=ignoreboth). */
export function remember(history: History, line: string): History {
  if (!line.trim() || /^\s/.test(line) || history.lines[history.lines.length - 1] === line) return history;
  const lines = [...history.lines, line];
  let drop = Math.max(0, lines.length - HISTORY_SIZE);
  let chars = 0;
  for (let i = drop; i < lines.length; i++) chars += lines[i].length;
  while (chars > HISTORY_CHARS && drop < lines.length - 1) chars -= lines[drop++].length;
  const kept = drop > 0 ? lines.slice(drop) : lines;
  const base = (history.base ?? 1) + drop;
  return base === 1 ? { lines: kept } : { lines: kept, base };
}

export type Expansion = { ok: true; line: string; expanded: boolean } | { ok: false; error: string };

/**
 * bash's history expansion of a line as read: `!` starts an event unless it is quoted by `'`, escaped
 * with `\`, or followed by a blank, `=`, `(`, a closing `"` or the end of the line.
 * `shell` names the shell in the error (`-bash: !99: event not found`).
 */
export function expandHistory(line: string, history: History, shell: string): Expansion {
  if (!line.includes("!")) return { ok: true, line, expanded: false };
  let out = "";
  let expanded = false;
  let single = false;
  let double = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (single) {
      if (c === "'") single = false;
      out += c;
      continue;
    }
    if (c === "\\" && i + 1 < line.length) {
      out += c + line[i + 1];
      i++;
      continue;
    }
    if (c === "'" && !double) single = true;
    if (c === '"') double = !double;
    if (c !== "!") {
      out += c;
      continue;
    }
    const next = line[i + 1];
    if (next === undefined || /[\s=(]/.test(next) || (double && next === '"')) {
      out += c;
      continue;
    }
    const event = readEvent(line, i + 1);
    const found = findEvent(event.designator, history);
    if (found === undefined) return { ok: false, error: `${shell}: ${line.slice(i, event.end)}: event not found\n` };
    let text = found;
    if (event.word) {
      const words = found.trim().split(/\s+/);
      text = event.word === "$" ? words[words.length - 1] : event.word === "^" ? (words[1] ?? "") : words.slice(1).join(" ");
      if (event.word === "^" && words.length < 2) return { ok: false, error: `${shell}: ${line.slice(i, event.end)}: bad word specifier\n` };
    }
    out += text;
    expanded = true;
    i = event.end - 1;
  }
  return { ok: true, line: out, expanded };
}

interface Event {
  /** "!" (the previous line), a number ("5", "-2") or a prefix. */
  designator: string;
  /** `!$`, `!^`, `!*`: a word of the previous line. */
  word?: "$" | "^" | "*";
  end: number;
}

function readEvent(line: string, at: number): Event {
  const c = line[at];
  if (c === "!") return { designator: "-1", end: at + 1 };
  if (c === "$" || c === "^" || c === "*") return { designator: "-1", word: c, end: at + 1 };
  const number = /^-?\d+/.exec(line.slice(at));
  if (number) return { designator: number[0], end: at + number[0].length };
  // A prefix runs to a blank, a `:` or the shell's metacharacters.
  const prefix = /^[^\s:;&|<>()"'`]+/.exec(line.slice(at));
  const text = prefix ? prefix[0] : c;
  return { designator: `prefix:${text}`, end: at + text.length };
}

function findEvent(designator: string, history: History): string | undefined {
  const { lines } = history;
  const base = history.base ?? 1;
  if (designator.startsWith("prefix:")) {
    const prefix = designator.slice("prefix:".length);
    for (let i = lines.length - 1; i >= 0; i--) if (lines[i].startsWith(prefix)) return lines[i];
    return undefined;
  }
  const n = Number(designator);
  if (n < 0) return lines[lines.length + n];
  return n >= base ? lines[n - base] : undefined;
}

const USAGE = "history: usage: history [-c] [-d offset] [n] or history -anrw [filename] or history -ps arg [arg...]\n";

/** bash's `history` builtin: the list with bash's numbering (`%5d  %s`), -c, -d OFFSET, N. */
export function historyBuiltin(ctx: ProgramContext): number {
  const name = ctx.shell[ctx.shell.length - 1].kind === "pod" ? "bash" : "-bash";
  const access = ctx.history;
  let history = access?.get() ?? EMPTY_HISTORY;
  const args = ctx.argv.slice(1);
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      i++;
      break;
    }
    if (!arg.startsWith("-") || arg === "-") break;
    if (arg === "-c") {
      history = EMPTY_HISTORY;
      access?.set(history);
      continue;
    }
    if (arg === "-d") {
      const offset = args[i + 1];
      if (offset === undefined) {
        ctx.err(`${name}: history: -d: option requires an argument\n${USAGE}`);
        return 2;
      }
      i++;
      const result = deleteEntry(history, offset, name);
      if (typeof result === "string") {
        ctx.err(result);
        return 1;
      }
      history = result;
      access?.set(history);
      continue;
    }
    if (/^-[anrwps]$/.test(arg)) {
      // No history file in the playground: reading or writing one has nothing to do.
      continue;
    }
    ctx.err(`${name}: history: ${arg.slice(0, 2)}: invalid option\n${USAGE}`);
    return 2;
  }
  const rest = args.slice(i);
  if (ctx.argv.slice(1).some((a) => a === "-c" || a === "-d")) return 0;
  if (rest.length > 1) {
    ctx.err(`${name}: history: too many arguments\n`);
    return 1;
  }
  let count = history.lines.length;
  if (rest.length === 1) {
    if (!/^\d+$/.test(rest[0])) {
      ctx.err(`${name}: history: ${rest[0]}: numeric argument required\n`);
      return 1;
    }
    count = Math.min(count, Number(rest[0]));
  }
  const base = history.base ?? 1;
  let text = "";
  for (let n = history.lines.length - count; n < history.lines.length; n++) {
    text += `${String(base + n).padStart(5)}  ${history.lines[n]}\n`;
  }
  ctx.out(text);
  return 0;
}

function deleteEntry(history: History, offset: string, name: string): History | string {
  const base = history.base ?? 1;
  const n = /^-?\d+$/.test(offset) ? Number(offset) : NaN;
  if (Number.isNaN(n)) return `${name}: history: ${offset}: numeric argument required\n`;
  const index = n < 0 ? history.lines.length + n : n - base;
  if (index < 0 || index >= history.lines.length) return `${name}: history: ${offset}: history position out of range\n`;
  const lines = history.lines.filter((_, i) => i !== index);
  return base === 1 ? { lines } : { lines, base };
}
