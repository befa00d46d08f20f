// The filters learners pipe kubectl into: grep (-i -v -c -n -w -E -e, -A/-B/-C context), head,
// tail and wc, on standard input or on files (named as the real tools name them in their output).

import { utf8Bytes as utf8Encode, utf8Text } from "../base64.ts";
import { readOperands } from "./file-tools.ts";
import type { ProgramContext } from "./types.ts";

function lines(stdin: string | undefined): string[] {
  if (!stdin) return [];
  const all = stdin.split("\n");
  if (all[all.length - 1] === "") all.pop();
  return all;
}

/** Turns a basic regular expression (grep's default) into a JavaScript one. */
export function basicToJs(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length) {
      const n = pattern[++i];
      out += "+?(){}|".includes(n) ? n : `\\${n}`;
    } else if ("+?(){}|".includes(c)) out += `\\${c}`;
    else out += c;
  }
  return out;
}

export function grep(ctx: ProgramContext): number {
  const args = ctx.argv.slice(1);
  let ignoreCase = false;
  let invert = false;
  let count = false;
  let numbers = false;
  let word = false;
  let extended = false;
  let fixed = false;
  let only = false;
  let quiet = false;
  let before = 0;
  let after = 0;
  const patterns: string[] = [];
  const files: string[] = [];
  const needsNumber = (flag: string, value: string | undefined): number | undefined => {
    if (value === undefined || !/^\d+$/.test(value)) {
      ctx.err(`grep: ${value ?? ""}: invalid context length argument\n`);
      return undefined;
    }
    return Number(value);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      files.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const [name, value] = a.split("=", 2);
      const map: Record<string, () => void> = {
        "--ignore-case": () => (ignoreCase = true),
        "--invert-match": () => (invert = true),
        "--count": () => (count = true),
        "--line-number": () => (numbers = true),
        "--word-regexp": () => (word = true),
        "--extended-regexp": () => (extended = true),
        "--fixed-strings": () => (fixed = true),
        "--only-matching": () => (only = true),
        "--quiet": () => (quiet = true),
        "--silent": () => (quiet = true),
      };
      if (map[name]) map[name]();
      else if (name === "--regexp" && value !== undefined) patterns.push(value);
      else if (["--context", "--after-context", "--before-context"].includes(name)) {
        const n = needsNumber(name, value ?? args[++i]);
        if (n === undefined) return 2;
        if (name !== "--before-context") after = n;
        if (name !== "--after-context") before = n;
      } else {
        ctx.err(`grep: unrecognized option '${a}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n`);
        return 2;
      }
      continue;
    }
    if (a.startsWith("-") && a.length > 1 && !/^-\d+$/.test(a)) {
      for (let j = 1; j < a.length; j++) {
        const f = a[j];
        if ("ABCe".includes(f)) {
          const rest = a.slice(j + 1) || args[++i];
          if (f === "e") {
            if (rest === undefined) {
              ctx.err("grep: option requires an argument -- 'e'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
              return 2;
            }
            patterns.push(rest);
          } else {
            const n = needsNumber(f, rest);
            if (n === undefined) return 2;
            if (f !== "B") after = n;
            if (f !== "A") before = n;
          }
          break;
        }
        const flags: Record<string, () => void> = {
          i: () => (ignoreCase = true),
          v: () => (invert = true),
          c: () => (count = true),
          n: () => (numbers = true),
          w: () => (word = true),
          E: () => (extended = true),
          F: () => (fixed = true),
          o: () => (only = true),
          q: () => (quiet = true),
        };
        if (!flags[f]) {
          ctx.err(`grep: invalid option -- '${f}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n`);
          return 2;
        }
        flags[f]();
      }
      continue;
    }
    if (/^-\d+$/.test(a)) {
      before = after = Number(a.slice(1));
      continue;
    }
    if (patterns.length === 0 && !args.slice(0, i).some((x) => x === "-e" || x.startsWith("--regexp"))) patterns.push(a);
    else files.push(a);
  }
  if (patterns.length === 0) {
    ctx.err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
    return 2;
  }
  let regex: RegExp;
  try {
    const sources = patterns.map((p) => (fixed ? p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") : extended ? p : basicToJs(p)));
    let source = sources.map((s) => `(?:${s})`).join("|");
    if (word) source = `(?<![A-Za-z0-9_])(?:${source})(?![A-Za-z0-9_])`;
    regex = new RegExp(source, ignoreCase ? "gi" : "g");
  } catch {
    ctx.err("grep: Unmatched ( or \\(\n");
    return 2;
  }
  let found = 0;
  let failed = false;
  // One file at a time, so its lines and its errors come in order.
  for (const operand of files.length > 0 ? files.map((f) => [f]) : [[]]) {
    const read = readOperands(ctx, "grep", operand);
    failed ||= read.failed;
    const source = read.inputs[0];
    if (!source) continue;
    // With more than one file each line names its file, as grep -H does.
    const prefix = files.length > 1 ? source.name : undefined;
    const total = grepOne(ctx, lines(source.text), regex, { invert, quiet, count, numbers, only, before, after }, prefix);
    found += total;
    if (quiet && found > 0) return 0;
  }
  return failed && !(quiet && found > 0) ? 2 : found > 0 ? 0 : 1;
}

interface GrepOptions {
  invert: boolean;
  quiet: boolean;
  count: boolean;
  numbers: boolean;
  only: boolean;
  before: number;
  after: number;
}

/** One input's matches; returns how many lines matched. */
function grepOne(ctx: ProgramContext, input: string[], regex: RegExp, o: GrepOptions, name: string | undefined): number {
  const { invert, quiet, count, only, before, after } = o;
  const numbers = o.numbers;
  const matched = input.map((line) => {
    regex.lastIndex = 0;
    return regex.test(line) !== invert;
  });
  const total = matched.filter(Boolean).length;
  if (quiet) return total;
  const lead = (sep: string) => (name === undefined ? "" : `${name}${sep}`);
  if (count) {
    ctx.out(`${lead(":")}${total}\n`);
    return total;
  }
  let out = "";
  let lastPrinted = -1;
  for (let i = 0; i < input.length; i++) {
    if (!matched[i]) continue;
    const from = Math.max(0, i - before, lastPrinted + 1);
    if ((before > 0 || after > 0) && lastPrinted >= 0 && from > lastPrinted + 1) out += "--\n";
    for (let j = from; j < i; j++) out += `${lead("-")}${numbers ? `${j + 1}-` : ""}${input[j]}\n`;
    if (only && !invert) {
      regex.lastIndex = 0;
      for (const m of input[i].matchAll(regex)) if (m[0]) out += `${lead(":")}${numbers ? `${i + 1}:` : ""}${m[0]}\n`;
    } else out += `${lead(":")}${numbers ? `${i + 1}:` : ""}${input[i]}\n`;
    lastPrinted = i;
    let j = i + 1;
    for (; j < input.length && j <= i + after; j++) {
      if (matched[j]) break;
      out += `${lead("-")}${numbers ? `${j + 1}-` : ""}${input[j]}\n`;
      lastPrinted = j;
    }
  }
  ctx.out(out);
  return total;
}

function countArg(ctx: ProgramContext, program: string): { n: number; fromStart: boolean; files: string[] } | number {
  const args = ctx.argv.slice(1);
  let n = 10;
  let fromStart = false;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let value: string | undefined;
    if (a === "-n" || a === "--lines") value = args[++i];
    else if (a.startsWith("-n")) value = a.slice(2);
    else if (a.startsWith("--lines=")) value = a.slice(8);
    else if (/^-\d+$/.test(a)) value = a.slice(1);
    else if (!a.startsWith("-") || a === "-") {
      files.push(a);
      continue;
    } else {
      ctx.err(`${program}: invalid option -- '${a.slice(1)}'\nTry '${program} --help' for more information.\n`);
      return 1;
    }
    if (value === undefined) {
      ctx.err(`${program}: option requires an argument -- 'n'\nTry '${program} --help' for more information.\n`);
      return 1;
    }
    if (value.startsWith("+") && program === "tail") {
      fromStart = true;
      value = value.slice(1);
    }
    if (!/^\d+$/.test(value)) {
      ctx.err(`${program}: invalid number of lines: '${value}'\n`);
      return 1;
    }
    n = Number(value);
  }
  return { n, fromStart, files };
}

export function head(ctx: ProgramContext): number {
  // -c N (--bytes): the first N bytes; -c -N: all but the last N. The last of -n and -c given wins.
  let bytes: { n: number; allBut: boolean } | undefined;
  const rest: string[] = [ctx.argv[0]];
  const args = ctx.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let value: string | undefined;
    if (a === "-c" || a === "--bytes") {
      value = args[++i];
      if (value === undefined) {
        ctx.err(`head: option requires an argument -- 'c'\nTry 'head --help' for more information.\n`);
        return 1;
      }
    } else if (/^-c./.test(a)) value = a.slice(2);
    else if (a.startsWith("--bytes=")) value = a.slice(8);
    else {
      if (a === "-n" || a === "--lines" || /^-n./.test(a) || a.startsWith("--lines=") || /^-\d+$/.test(a)) bytes = undefined;
      rest.push(a);
      if (a === "-n" || a === "--lines") rest.push(args[++i]);
      continue;
    }
    const parsed = byteCount(value);
    if (typeof parsed === "string") {
      ctx.err(`head: invalid number of bytes: '${value}'${parsed}\n`);
      return 1;
    }
    bytes = parsed;
  }
  const arg = countArg({ ...ctx, argv: rest.filter((a) => a !== undefined) }, "head");
  if (typeof arg === "number") return arg;
  if (!bytes) return eachInput(ctx, "head", arg.files, (text) => lines(text).slice(0, arg.n).map((l) => `${l}\n`).join(""));
  const { n, allBut } = bytes;
  return eachInput(ctx, "head", arg.files, (text) => {
    const encoded = utf8Encode(text);
    // A character cut in two reads as Go and a terminal read an incomplete UTF-8 sequence (U+FFFD).
    return utf8Text(encoded.slice(0, allBut ? Math.max(0, encoded.length - n) : Math.min(encoded.length, n)));
  });
}

/** Multipliers of coreutils' size suffixes (xstrtoumax with "bkKmMGTPEZYRQ0"): K is 1024, KB 1000, KiB 1024. */
const SIZE_POWERS = "KMGTPEZYRQ";

/** head -c's number (as coreutils reads it), or what follows the complaint about it. */
function byteCount(value: string): { n: number; allBut: boolean } | string {
  const m = /^\s*([+-]?)(\d+)(b|([kKmMgGtTpPeEzZyYrRqQ])(iB|B)?)?$/.exec(value);
  if (!m) return "";
  let count = BigInt(m[2]);
  if (m[3] === "b") count *= 512n;
  else if (m[4]) count *= (m[5] === "B" ? 1000n : 1024n) ** BigInt(SIZE_POWERS.indexOf(m[4].toUpperCase()) + 1);
  if (count > 0xffff_ffff_ffff_ffffn) return ": Value too large for defined data type";
  // Past what any input here holds, a count means "all of it".
  return { n: count > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(count), allBut: m[1] === "-" };
}

export function tail(ctx: ProgramContext): number {
  const arg = countArg(ctx, "tail");
  if (typeof arg === "number") return arg;
  return eachInput(ctx, "tail", arg.files, (text) => {
    const all = lines(text);
    const picked = arg.fromStart ? all.slice(Math.max(0, arg.n - 1)) : arg.n === 0 ? [] : all.slice(-arg.n);
    return picked.map((l) => `${l}\n`).join("");
  });
}

/** head and tail: each input's part, under a `==> NAME <==` header when there are several. */
function eachInput(ctx: ProgramContext, program: string, files: string[], part: (text: string) => string): number {
  const { inputs, failed } = readOperands(ctx, program, files);
  let out = "";
  inputs.forEach((input, i) => {
    if (files.length > 1) out += `${i > 0 ? "\n" : ""}==> ${input.name === "-" ? "standard input" : input.name} <==\n`;
    out += part(input.text);
  });
  ctx.out(out);
  return failed ? 1 : 0;
}

export function wc(ctx: ProgramContext): number {
  const args = ctx.argv.slice(1);
  let wanted: Array<"l" | "w" | "c"> = [];
  const files: string[] = [];
  for (const a of args) {
    if (!a.startsWith("-") || a === "-") {
      files.push(a);
      continue;
    }
    if (!/^-[lwcm]+$/.test(a)) {
      ctx.err(`wc: invalid option -- '${a.slice(1)}'\nTry 'wc --help' for more information.\n`);
      return 1;
    }
    for (const f of a.slice(1)) wanted.push(f === "m" ? "c" : (f as "l" | "w" | "c"));
  }
  if (wanted.length === 0) wanted = ["l", "w", "c"];
  const order = (["l", "w", "c"] as const).filter((f) => wanted.includes(f));
  const countsOf = (text: string) => ({ l: (text.match(/\n/g) ?? []).length, w: text.split(/\s+/).filter((w) => w).length, c: utf8Bytes(text) });
  if (files.length === 0) {
    const counts = countsOf(ctx.stdin ?? "");
    if (order.length === 1) ctx.out(`${counts[order[0]]}\n`);
    else {
      const width = Math.max(...order.map((f) => String(counts[f]).length));
      ctx.out(order.map((f) => String(counts[f]).padStart(width)).join(" ") + "\n");
    }
    return 0;
  }
  const { inputs, failed } = readOperands(ctx, "wc", files);
  const rows = inputs.map((input) => ({ name: input.name, counts: countsOf(input.text) }));
  if (rows.length > 1) rows.push({ name: "total", counts: { l: 0, w: 0, c: 0 } });
  for (const row of rows.slice(0, rows.length > 1 ? -1 : undefined)) for (const f of order) rows[rows.length - 1].counts[f] += rows.length > 1 ? row.counts[f] : 0;
  // coreutils sizes the columns by the files' total size; a single count needs no padding.
  const totalBytes = inputs.reduce((sum, input) => sum + utf8Bytes(input.text), 0);
  const width = order.length === 1 ? 1 : String(totalBytes).length;
  ctx.out(rows.map((row) => `${order.map((f) => String(row.counts[f]).padStart(width)).join(" ")} ${row.name}\n`).join(""));
  return failed ? 1 : 0;
}

function utf8Bytes(text: string): number {
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}
