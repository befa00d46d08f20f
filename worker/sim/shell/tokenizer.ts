// Splits what the user typed into words, the way a POSIX shell (bash) would: quotes, backslash
// escapes, comments, pipes, lists (`&&`, `||`, `;`), heredocs and here-strings. Words that hold
// `$NAME`, `${NAME}`, `$?`, `$(...)` or backquotes keep their parts, to be expanded when their
// command runs (shell/expand.ts); other words are plain strings. There is no globbing.

import { WORK_BUDGET, WORK_COST } from "./work.ts";

/** A piece of a word; `quoted` pieces were inside quotes (or escaped), so they are never split. */
export type WordPart =
  | { kind: "text"; text: string; quoted: boolean }
  | { kind: "param"; name: string; quoted: boolean }
  | { kind: "command"; source: string; quoted: boolean }
  /**
   * A brace sequence whose words alone cost more than any command may spend (`{1..100000000}`):
   * kept as its count, so expanding it stops the line at the work budget without making them.
   */
  | { kind: "sequence"; text: string; count: number; quoted: false };

/**
 * A redirection of a simple command: `> /dev/null`, `2>/dev/null`, `&> /dev/null`, `2>&1`,
 * `>&2`, `< /dev/null`, and to or from a file (`> f`, `>> f`, `2> f`, `&> f`, `< f`), whose
 * name is as typed (quotes removed; `~` is expanded when the command runs).
 */
export type Redirect =
  | { fd: 0 | 1 | 2 | "both"; to: "null" }
  | { fd: 1 | 2; dup: 1 | 2 }
  /** `raw`: the target as typed, when it has something to expand (`> $NAME.yaml`, `> ~/f`). */
  | { fd: 0 | 1 | 2 | "both"; file: string; append?: true; raw?: string };

/** A word as typed: a plain string, its parts when it has something to expand, or a redirection. */
export type Word = string | { parts: WordPart[] } | { redirect: Redirect };

export interface ParsedLine {
  /** One or more commands joined by `|`. Empty when the line is blank or a comment. */
  pipeline: Word[][];
  /** The heredoc body (`<<EOF ... EOF`), fed to the first command's standard input. */
  stdin?: string;
  /** The heredoc's delimiter was not quoted: `$NAME`, `$(...)` and backquotes in the body expand. */
  stdinExpands?: boolean;
  /** A warning bash prints before running the line (a heredoc ended by end of input). */
  warning?: string;
  /**
   * The pipelines after the first, each with the operator before it (bash's list): `&&` runs it
   * when the status so far is 0, `||` when it is not, `;` always.
   */
  then?: ListItem[];
  /** The first pipeline ended with `&`: it runs as a background job (its text in `jobText`). */
  background?: true;
  /** The text of a background pipeline as bash's `jobs` shows it (words as typed, without the `&`). */
  jobText?: string;
}

export interface ListItem {
  op: "&&" | "||" | ";";
  pipeline: Word[][];
  /** The pipeline ended with `&`: a background job. */
  background?: true;
  jobText?: string;
}

export type ParseResult = { ok: true; line: ParsedLine } | { ok: false; error: string };

type Token =
  | { kind: "word"; text: string; parts?: WordPart[] }
  | { kind: "op"; text: "|" | "||" | "&&" | ";" | "&" | "newline" }
  | { kind: "redirect"; redirect?: Redirect; file: string }
  | { kind: "heredoc"; body: string; warning?: string; expands?: boolean }
  | { kind: "herestring"; text: string };

interface Scan {
  tokens: Token[];
  /** Where the next command starts (after the newline and any heredoc bodies). */
  end: number;
  error?: string;
}

const unexpectedEof = (quote: string) => `-bash: unexpected EOF while looking for matching \`${quote}'\n`;

/**
 * Reads one command line starting at `start`: words and operators up to an unquoted newline,
 * then the bodies of the heredocs that line opened.
 */
function scanCommand(input: string, start: number): Scan {
  const tokens: Token[] = [];
  const pendingHeredocs: Array<{ delimiter: string; stripTabs: boolean; index: number; expands: boolean }> = [];
  let i = start;
  let word = "";
  let inWord = false;
  let parts: WordPart[] = [];
  let expands = false;

  const flush = () => {
    // Brace expansion is lexical and only on unquoted text: `web-{1..3}` is three words, `'{1..3}'` one.
    const unquoted = !expands && parts.length === 1 && parts[0].kind === "text" && !parts[0].quoted;
    // Tilde expansion (bash): an unquoted `~` or `~/...` at the start of a word is $HOME.
    if (inWord && unquoted && (word === "~" || word.startsWith("~/"))) {
      tokens.push({ kind: "word", text: word, parts: [{ kind: "param", name: "HOME", quoted: true }, { kind: "text", text: word.slice(1), quoted: true }] });
    } else if (inWord && unquoted) tokens.push(...braceRange(word));
    else if (inWord) tokens.push(expands ? { kind: "word", text: word, parts } : { kind: "word", text: word });
    word = "";
    inWord = false;
    parts = [];
    expands = false;
  };
  const addText = (text: string, quoted: boolean) => {
    word += text;
    inWord = true;
    const last = parts[parts.length - 1];
    if (last?.kind === "text" && last.quoted === quoted) last.text += text;
    else parts.push({ kind: "text", text, quoted });
  };
  /** `$...` or a backquote at `at`: adds the expansion and returns where the word goes on, or an error. */
  const addDollar = (at: number, quoted: boolean): { next: number; error?: string } => {
    const found = scanExpansion(input, at);
    if (found.error) return { next: input.length, error: found.error };
    if (!found.part) {
      addText("$", quoted);
      return { next: at + 1 };
    }
    word += input.slice(at, found.end);
    inWord = true;
    expands = true;
    parts.push(found.part.kind === "param" ? { ...found.part, quoted } : { ...found.part, quoted });
    return { next: found.end };
  };

  while (i < input.length) {
    const c = input[i];
    if (c === "\\") {
      if (i + 1 >= input.length) {
        i++;
        continue;
      }
      if (input[i + 1] === "\n") {
        i += 2; // line continuation
        continue;
      }
      addText(input[i + 1], true);
      i += 2;
      continue;
    }
    if (c === "'") {
      const close = input.indexOf("'", i + 1);
      if (close < 0) return { tokens, end: input.length, error: unexpectedEof("'") };
      addText(input.slice(i + 1, close), true);
      i = close + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let text = "";
      addText("", true); // "" is a word, even when empty
      while (j < input.length && input[j] !== '"') {
        // Inside double quotes a backslash escapes only $ ` " \ and newline.
        if (input[j] === "\\" && j + 1 < input.length && '$`"\\\n'.includes(input[j + 1])) {
          if (input[j + 1] !== "\n") text += input[j + 1];
          j += 2;
          continue;
        }
        if (input[j] === "$" || input[j] === "`") {
          if (text) addText(text, true);
          text = "";
          const expanded = addDollar(j, true);
          if (expanded.error) return { tokens, end: input.length, error: expanded.error };
          j = expanded.next;
          continue;
        }
        text += input[j];
        j++;
      }
      if (j >= input.length) return { tokens, end: input.length, error: unexpectedEof('"') };
      if (text) addText(text, true);
      i = j + 1;
      continue;
    }
    if (c === "$" || c === "`") {
      const expanded = addDollar(i, false);
      if (expanded.error) return { tokens, end: input.length, error: expanded.error };
      i = expanded.next;
      continue;
    }
    if (c === "#" && !inWord) {
      while (i < input.length && input[i] !== "\n") i++;
      continue;
    }
    // Only spaces and tabs (IFS's blanks) and newlines end a word: a Windows line ending's `\r` is
    // an ordinary character to bash, which is why a CRLF script answers `$'\r': command not found`.
    if (c === " " || c === "\t") {
      flush();
      i++;
      continue;
    }
    if (c === "\n") {
      flush();
      i++;
      const bodies = readHeredocBodies(input, i, pendingHeredocs, tokens);
      return { tokens, end: bodies };
    }
    if (c === ">" || (c === "<" && input[i + 1] !== "<") || (c === "&" && input[i + 1] === ">")) {
      // A lone digit right before the operator names the descriptor (`2>`); anything else is a word.
      const fd = !expands && /^[0-9]$/.test(word) && parts.length === 1 && parts[0].kind === "text" && !parts[0].quoted ? Number(word) : undefined;
      if (fd === undefined) flush();
      else {
        word = "";
        inWord = false;
        parts = [];
      }
      const found = scanRedirect(input, i, fd);
      if (found.error) return { tokens, end: input.length, error: found.error };
      tokens.push(found.token!);
      i = found.end;
      continue;
    }
    if (c === "|" || c === "&" || c === ";") {
      flush();
      const two = input.slice(i, i + 2);
      if (two === "||" || two === "&&") {
        tokens.push({ kind: "op", text: two });
        i += 2;
      } else {
        tokens.push({ kind: "op", text: c as "|" | "&" | ";" });
        i++;
      }
      continue;
    }
    if (c === "<") {
      flush();
      if (input.startsWith("<<<", i)) {
        i += 3;
        const next = readWordAfter(input, i);
        if (next.error) return { tokens, end: input.length, error: next.error };
        if (next.word === undefined) return { tokens, end: input.length, error: syntaxError(next.nextChar) };
        tokens.push({ kind: "herestring", text: next.word });
        i = next.end;
        continue;
      }
      if (input.startsWith("<<", i)) {
        const stripTabs = input[i + 2] === "-";
        i += stripTabs ? 3 : 2;
        const next = readWordAfter(input, i);
        if (next.error) return { tokens, end: input.length, error: next.error };
        if (next.word === undefined) return { tokens, end: input.length, error: syntaxError(next.nextChar) };
        pendingHeredocs.push({ delimiter: next.word, stripTabs, index: tokens.length, expands: !next.quoted });
        tokens.push({ kind: "heredoc", body: "" });
        i = next.end;
        continue;
      }
    }
    addText(c, false);
    i++;
  }
  flush();
  readHeredocBodies(input, input.length, pendingHeredocs, tokens);
  return { tokens, end: input.length };
}

export type Found = { part?: { kind: "param"; name: string } | { kind: "command"; source: string }; end: number; error?: string };

/** What `$` (or a backquote) at `at` starts: a parameter, a command substitution, or nothing (a plain `$`). */
export function scanExpansion(input: string, at: number): Found {
  if (input[at] === "`") {
    let j = at + 1;
    let source = "";
    while (j < input.length && input[j] !== "`") {
      if (input[j] === "\\" && j + 1 < input.length && "$`\\".includes(input[j + 1])) {
        source += input[j + 1];
        j += 2;
        continue;
      }
      source += input[j++];
    }
    if (j >= input.length) return { end: input.length, error: unexpectedEof("`") };
    return { part: { kind: "command", source }, end: j + 1 };
  }
  const next = input[at + 1];
  if (next === "(") {
    const close = matchingParen(input, at + 2);
    if (close < 0) return { end: input.length, error: unexpectedEof(")") };
    return { part: { kind: "command", source: input.slice(at + 2, close) }, end: close + 1 };
  }
  if (next === "{") {
    const close = input.indexOf("}", at + 2);
    if (close < 0) return { end: input.length, error: unexpectedEof("}") };
    const name = input.slice(at + 2, close);
    if (!/^([A-Za-z_][A-Za-z0-9_]*|[0-9]|[?#$])$/.test(name)) return { end: input.length, error: `-bash: \${${name}}: bad substitution\n` };
    return { part: { kind: "param", name }, end: close + 1 };
  }
  const name = /^([A-Za-z_][A-Za-z0-9_]*|[0-9?#$])/.exec(input.slice(at + 1, at + 257));
  if (!name) return { end: at + 1 };
  return { part: { kind: "param", name: name[1] }, end: at + 1 + name[1].length };
}

/** Where the `)` that closes a `$(` opened before `from` is, skipping quotes and nested parentheses; -1 if none. */
function matchingParen(input: string, from: number): number {
  let depth = 1;
  for (let j = from; j < input.length; j++) {
    const c = input[j];
    if (c === "\\") j++;
    else if (c === "'") {
      const close = input.indexOf("'", j + 1);
      if (close < 0) return -1;
      j = close;
    } else if (c === '"') {
      let k = j + 1;
      while (k < input.length && input[k] !== '"') k += input[k] === "\\" ? 2 : 1;
      if (k >= input.length) return -1;
      j = k;
    } else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return j;
  }
  return -1;
}

/** The redirection at `at` (`>`, `>>`, `<`, `&>`, `>&N`), its target read; `fd` when a digit came before it. */
function scanRedirect(input: string, at: number, fd: number | undefined): { token?: Token; end: number; error?: string } {
  let i = at;
  let both = false;
  if (input[i] === "&") {
    both = true;
    i++;
  }
  const reading = input[i] === "<";
  i++;
  const append = !reading && input[i] === ">";
  if (append) i++;
  const target = fd ?? (reading ? 0 : 1);
  if (!both && !reading && input[i] === "&") {
    // `2>&1`, `>&2`: a duplicate of another descriptor.
    const dup = /^[0-9]+/.exec(input.slice(i + 1));
    if (!dup) return { end: input.length, error: syntaxError(input[i + 1]) };
    const end = i + 1 + dup[0].length;
    if ((target !== 1 && target !== 2) || (dup[0] !== "1" && dup[0] !== "2")) {
      return { end, token: { kind: "redirect", file: `&${dup[0]}` } };
    }
    return { end, token: { kind: "redirect", redirect: { fd: target, dup: Number(dup[0]) as 1 | 2 }, file: `&${dup[0]}` } };
  }
  const next = readWordAfter(input, i);
  if (next.error) return { end: input.length, error: next.error };
  if (next.word === undefined) return { end: input.length, error: syntaxError(next.nextChar) };
  const file = next.word;
  const typed = input.slice(i, next.end).trim();
  const expands = /[$`]/.test(typed) || typed.startsWith("~");
  const which = both ? "both" : (target as 0 | 1 | 2);
  const supported = both || target <= 2;
  const redirect: Redirect | undefined = !supported ? undefined : file === "/dev/null" ? { fd: which, to: "null" } : { fd: which, file, ...(append ? { append: true as const } : {}), ...(expands ? { raw: typed } : {}) };
  return { end: next.end, token: redirect ? { kind: "redirect", redirect, file } : { kind: "redirect", file } };
}

/** The word `raw` is, as the tokenizer reads it (for a redirection's target, expanded when its command runs). */
export function wordOf(raw: string): Word | undefined {
  const token = scanCommand(raw, 0).tokens[0];
  if (token?.kind !== "word") return undefined;
  return token.parts ? { parts: token.parts } : token.text;
}

/** bash's brace expansion of a number sequence, `web-{1..3}` -> web-1 web-2 web-3 (the form loops use). */
function braceRange(word: string): Array<Token & { kind: "word" }> {
  const m = /^([^{}]*)\{(-?\d+)\.\.(-?\d+)\}([^{}]*)$/.exec(word);
  if (!m) return [{ kind: "word", text: word }];
  const from = Number(m[2]);
  const to = Number(m[3]);
  const count = Math.abs(to - from) + 1;
  // Words past what a budget can pay for are never made: the line stops when it expands them.
  if (count * WORK_COST.field > WORK_BUDGET) return [{ kind: "word", text: word, parts: [{ kind: "sequence", text: word, count, quoted: false }] }];
  const step = from <= to ? 1 : -1;
  const out: Array<Token & { kind: "word" }> = [];
  for (let n = from; step > 0 ? n <= to : n >= to; n += step) out.push({ kind: "word", text: `${m[1]}${n}${m[4]}` });
  return out;
}

function syntaxError(next: string | undefined): string {
  return `-bash: syntax error near unexpected token \`${next === undefined || next === "\n" ? "newline" : next}'\n`;
}

/** The word after `<<`, `<<-` or `<<<`, with its quotes removed (quoting only turns off expansion). */
function readWordAfter(input: string, start: number): { word?: string; quoted?: boolean; end: number; error?: string; nextChar?: string } {
  let i = start;
  while (input[i] === " " || input[i] === "\t") i++;
  const sub = scanWord(input, i);
  if (sub.error) return { end: input.length, error: sub.error };
  if (sub.word === undefined) return { end: i, nextChar: input[i] };
  return { word: sub.word, quoted: /['"\\]/.test(input.slice(i, sub.end)), end: sub.end };
}

function scanWord(input: string, start: number): { word?: string; end: number; error?: string } {
  let i = start;
  let word = "";
  let any = false;
  while (i < input.length) {
    const c = input[i];
    if (c === "'" || c === '"') {
      const close = input.indexOf(c, i + 1);
      if (close < 0) return { end: input.length, error: unexpectedEof(c) };
      word += input.slice(i + 1, close);
      any = true;
      i = close + 1;
      continue;
    }
    if (c === "\\" && i + 1 < input.length) {
      word += input[i + 1];
      any = true;
      i += 2;
      continue;
    }
    if (c === "$" && input[i + 1] === "(") {
      // A command substitution in the word (`> $(date +%F).log`) is part of it, parentheses and all.
      const close = matchingParen(input, i + 2);
      if (close < 0) return { end: input.length, error: unexpectedEof(")") };
      word += input.slice(i, close + 1);
      any = true;
      i = close + 1;
      continue;
    }
    if (" \t\n|&;<>()".includes(c)) break;
    word += c;
    any = true;
    i++;
  }
  return any ? { word, end: i } : { end: i };
}

/** Reads heredoc bodies starting at `start` (the line after the command); returns where they end. */
function readHeredocBodies(
  input: string,
  start: number,
  pending: Array<{ delimiter: string; stripTabs: boolean; index: number; expands: boolean }>,
  tokens: Token[],
): number {
  let i = start;
  for (const doc of pending) {
    let body = "";
    let closed = false;
    while (i < input.length) {
      const nl = input.indexOf("\n", i);
      const lineEnd = nl < 0 ? input.length : nl;
      let line = input.slice(i, lineEnd);
      i = nl < 0 ? input.length : nl + 1;
      if (doc.stripTabs) line = line.replace(/^\t+/, "");
      if (line === doc.delimiter) {
        closed = true;
        break;
      }
      body += line + "\n";
    }
    const warning = closed
      ? undefined
      : `-bash: warning: here-document at line 1 delimited by end-of-file (wanted \`${doc.delimiter}')\n`;
    tokens[doc.index] = { kind: "heredoc", body, warning, ...(doc.expands && /[$`\\]/.test(body) ? { expands: true } : {}) };
  }
  pending.length = 0;
  return i;
}

/** Every command of the input, lines joined as bash runs a script: a newline separates like `;`. */
function scanAll(input: string): { tokens: Token[]; error?: string } {
  const tokens: Token[] = [];
  let start = 0;
  while (start < input.length) {
    const scan = scanCommand(input, start);
    if (scan.error) return { tokens, error: scan.error };
    if (scan.tokens.length > 0) {
      if (tokens.length > 0) tokens.push({ kind: "op", text: ";" });
      tokens.push(...scan.tokens);
    }
    if (scan.end <= start) break;
    start = scan.end;
  }
  return { tokens };
}

export function parseLine(input: string): ParseResult {
  const scan = scanAll(input);
  if (scan.error) return { ok: false, error: scan.error };
  return build(scan.tokens);
}

/**
 * The text ends inside quotes, backquotes or `$(`, or inside a `for` loop without its `done`:
 * bash would show its continuation prompt and read on.
 */
export function isUnfinished(input: string): boolean {
  const scan = scanAll(input);
  if (scan.error !== undefined) return scan.error.startsWith("-bash: unexpected EOF while looking for matching");
  return openLoops(scan.tokens) > 0;
}

/** How many `for` loops the tokens open and do not close with `done` (keywords start a command). */
function openLoops(tokens: Token[]): number {
  let open = 0;
  let atStart = true;
  for (const token of tokens) {
    if (token.kind === "op") {
      atStart = true;
      continue;
    }
    if (atStart && token.kind === "word" && !token.parts) {
      if (token.text === "for") open++;
      else if (token.text === "done") open--;
    }
    atStart = false;
  }
  return open;
}

function build(tokens: Token[]): ParseResult {
  const first: Word[][] = [];
  const then: ListItem[] = [];
  let pipeline = first;
  let current: Word[] = [];
  let stdin: string | undefined;
  let stdinExpands = false;
  let warning: string | undefined;
  /** After `|`, `&&` or `||` a command must follow; after `;` the line may end. */
  let expectCommand = false;
  /** The first pipeline's `&`, if it has one. */
  const firstMarks: { background?: true; jobText?: string } = {};
  /** The current pipeline as typed, for `jobs`. */
  let jobText = "";

  for (const token of tokens) {
    jobText += tokenText(token);
    switch (token.kind) {
      case "word":
        current.push(token.parts ? { parts: token.parts } : token.text);
        expectCommand = false;
        break;
      case "heredoc":
      case "herestring":
        if (pipeline.length > 0 || then.length > 0) {
          return { ok: false, error: "-bash: a heredoc is supported only on the first command of a line\n" };
        }
        if (stdin !== undefined) return { ok: false, error: "-bash: only one heredoc per command is supported\n" };
        stdin = token.kind === "heredoc" ? token.body : token.text + "\n";
        stdinExpands = token.kind === "heredoc" && token.expands === true;
        if (token.kind === "heredoc" && token.warning) warning = token.warning;
        break;
      case "redirect":
        if (!token.redirect) return { ok: false, error: "-bash: redirections of descriptors other than 0, 1 and 2 are not supported in this console\n" };
        current.push({ redirect: token.redirect });
        expectCommand = false;
        break;
      case "op":
        if (token.text === "newline") break;
        // Nothing before the operator: `| x`, `a && || b`, `; x`, `a ;; b`, `&` alone.
        if (current.length === 0) return { ok: false, error: syntaxError(token.text) };
        pipeline.push(current);
        current = [];
        if (token.text === "&") {
          // `a & b`: a runs in the background and b right away, as after `;`.
          const item = then.length > 0 ? then[then.length - 1] : undefined;
          // bash puts the whole and-or list (`a && b &`) in one background job; this console runs one pipeline as a job.
          if (item && item.op !== ";") return { ok: false, error: "-bash: '&' after '&&' or '||' (a whole list as a background job) is not supported in this console\n" };
          const text = jobText.trim();
          if (item) Object.assign(item, { background: true, jobText: text });
          else Object.assign(firstMarks, { background: true, jobText: text });
          jobText = "";
          pipeline = [];
          then.push({ op: ";", pipeline });
          expectCommand = false;
          break;
        }
        if (token.text === "|") {
          expectCommand = true;
          break;
        }
        pipeline = [];
        jobText = "";
        then.push({ op: token.text, pipeline });
        expectCommand = token.text !== ";";
        break;
    }
  }
  if (expectCommand && current.length === 0) {
    return { ok: false, error: "-bash: syntax error: unexpected end of file\n" };
  }
  if (current.length > 0) pipeline.push(current);
  // A trailing `;` ends the list without another command.
  if (then.length > 0 && then[then.length - 1].pipeline.length === 0) then.pop();
  const line: ParsedLine = { pipeline: first, ...firstMarks };
  if (stdin !== undefined) line.stdin = stdin;
  if (stdinExpands) line.stdinExpands = true;
  if (warning !== undefined) line.warning = warning;
  if (then.length > 0) line.then = then;
  return { ok: true, line };
}

/** A token as bash's job table shows it: words as typed, operators and redirections spaced. */
function tokenText(token: Token): string {
  switch (token.kind) {
    case "word":
      return ` ${token.text}`;
    case "op":
      return token.text === "|" ? " |" : token.text === "&&" || token.text === "||" || token.text === ";" ? ` ${token.text}` : "";
    case "redirect": {
      const r = token.redirect;
      if (!r) return ` > ${token.file}`;
      const fd = r.fd === "both" ? "&" : r.fd === 2 ? "2" : "";
      if ("dup" in r) return ` ${fd}>&${r.dup}`;
      const arrow = r.fd === 0 ? "<" : "append" in r && r.append ? ">>" : ">";
      return ` ${fd}${arrow} ${"to" in r ? "/dev/null" : (r.raw ?? r.file)}`;
    }
    default:
      return "";
  }
}

/**
 * Splits a pasted script into single commands, keeping each heredoc body (and any quoted text
 * that spans lines) with its command. Blank lines and comment-only lines are dropped.
 */
export function splitCommands(script: string): string[] {
  const commands: string[] = [];
  let start = 0;
  while (start < script.length) {
    // A loop's lines stay together up to its `done`.
    const tokens: Token[] = [];
    let end = start;
    let error = false;
    do {
      const scan = scanCommand(script, end);
      tokens.push(...scan.tokens, { kind: "op", text: ";" });
      error = scan.error !== undefined;
      const next = error ? script.length : scan.end;
      if (next <= end) break;
      end = next;
    } while (!error && end < script.length && openLoops(tokens) > 0);
    let text = script.slice(start, end);
    if (text.endsWith("\n")) text = text.slice(0, -1);
    if (tokens.some((t) => t.kind !== "op") || error) commands.push(text);
    if (end <= start) break;
    start = end;
  }
  return commands;
}
