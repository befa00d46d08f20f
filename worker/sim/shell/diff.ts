// GNU diffutils' diff on two files (or `-` for standard input): the normal format (`2c2`, `< `,
// `---`, `> `), the unified one (-u, -U N) and -q, exit status 0 when the same, 1 when different, 2
// on trouble; two directories compare the files they hold (-N: a file missing on one side is empty). Lines are matched with Myers' O(ND) algorithm, as GNU diff does.

import { spend } from "./work.ts";
import type { Errno } from "../files/file-system.ts";
import { errnoText, programFiles } from "./fs-context.ts";
import type { ProgramContext } from "./types.ts";

/** One run of the edit script: lines kept, or removed from a and added from b. */
interface Hunk {
  /** 0-based starts and lengths in a and b. */
  a: number;
  aLen: number;
  b: number;
  bLen: number;
}

/** The changed regions between a and b, in order (Myers' greedy algorithm with a trace). */
function changes(a: string[], b: string[], work: (units: number) => void): Hunk[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    // Only diagonals -d..d matter at step d: keeping just those keeps the trace O(D²).
    trace.push(v.slice(offset - d, offset + d + 1));
    work(2 * d + 1);
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk back through the trace to recover which lines were kept.
  const keptA = new Uint8Array(n);
  const keptB = new Uint8Array(m);
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0 && (x > 0 || y > 0); d--) {
    const vd = trace[d];
    const at = (kk: number) => vd[kk + d];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      keptA[--x] = 1;
      keptB[--y] = 1;
    }
    if (d === 0) break;
    x = prevX;
    y = prevY;
  }
  const hunks: Hunk[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && keptA[i] && keptB[j]) {
      i++;
      j++;
      continue;
    }
    const start = { a: i, b: j };
    while (i < n && !keptA[i]) i++;
    while (j < m && !keptB[j]) j++;
    hunks.push({ a: start.a, aLen: i - start.a, b: start.b, bLen: j - start.b });
  }
  return hunks;
}

/** GNU diff's line range: `3` or `3,5`; an empty range names the line before it. */
function range(start: number, length: number): string {
  if (length === 0) return String(start);
  return length === 1 ? String(start + 1) : `${start + 1},${start + length}`;
}

function splitLines(text: string): { lines: string[]; noNewline: boolean } {
  const lines = text.split("\n");
  const noNewline = lines[lines.length - 1] !== "";
  if (!noNewline) lines.pop();
  return { lines, noNewline: noNewline && text !== "" };
}

const NO_NEWLINE = "\\ No newline at end of file\n";

function normal(a: ReturnType<typeof splitLines>, b: ReturnType<typeof splitLines>, hunks: Hunk[]): string {
  let out = "";
  const line = (side: ReturnType<typeof splitLines>, prefix: string, index: number) => `${prefix}${side.lines[index]}\n${index === side.lines.length - 1 && side.noNewline ? NO_NEWLINE : ""}`;
  for (const h of hunks) {
    const op = h.aLen === 0 ? "a" : h.bLen === 0 ? "d" : "c";
    out += `${range(h.a, h.aLen)}${op}${range(h.b, h.bLen)}\n`;
    for (let i = h.a; i < h.a + h.aLen; i++) out += line(a, "< ", i);
    if (op === "c") out += "---\n";
    for (let j = h.b; j < h.b + h.bLen; j++) out += line(b, "> ", j);
  }
  return out;
}

/** `-u`'s range: start,count with the start of an empty range being the line before it. */
function unifiedRange(start: number, length: number): string {
  if (length === 1) return String(start + 1);
  return `${length === 0 ? start : start + 1},${length}`;
}

function unified(a: ReturnType<typeof splitLines>, b: ReturnType<typeof splitLines>, hunks: Hunk[], context: number): string {
  let out = "";
  let g = 0;
  while (g < hunks.length) {
    // Hunks closer than twice the context share one block.
    let end = g;
    while (end + 1 < hunks.length && hunks[end + 1].a - (hunks[end].a + hunks[end].aLen) <= 2 * context) end++;
    const first = hunks[g];
    const last = hunks[end];
    const aStart = Math.max(0, first.a - context);
    const bStart = first.b - (first.a - aStart);
    const aEnd = Math.min(a.lines.length, last.a + last.aLen + context);
    const bEnd = last.b + last.bLen + (aEnd - (last.a + last.aLen));
    out += `@@ -${unifiedRange(aStart, aEnd - aStart)} +${unifiedRange(bStart, bEnd - bStart)} @@\n`;
    const emit = (side: ReturnType<typeof splitLines>, prefix: string, index: number) => `${prefix}${side.lines[index]}\n${index === side.lines.length - 1 && side.noNewline ? NO_NEWLINE : ""}`;
    let i = aStart;
    let j = bStart;
    for (let h = g; h <= end; h++) {
      const hunk = hunks[h];
      while (i < hunk.a) out += emit(a, " ", (j++, i++));
      for (; i < hunk.a + hunk.aLen; i++) out += emit(a, "-", i);
      for (; j < hunk.b + hunk.bLen; j++) out += emit(b, "+", j);
    }
    while (i < aEnd) out += emit(a, " ", (j++, i++));
    g = end + 1;
  }
  return out;
}

/** diff -u's header time: `2026-01-01 00:00:03.000000000 +0000`. */
function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}000000 +0000`;
}

export function diff(ctx: ProgramContext): number {
  const args = ctx.argv.slice(1);
  let context: number | undefined;
  let brief = false;
  let newFile = false;
  /** The switches as given, for the `diff ...` line GNU diff prints before each pair of a directory. */
  const switches: string[] = [];
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "-u" || a === "--unified") context = 3;
    else if (a === "-q" || a === "--brief") brief = true;
    else if (a === "-N" || a === "--new-file") newFile = true;
    else if (a === "-U" || /^-U\d+$/.test(a) || a.startsWith("--unified=")) {
      const value = a === "-U" ? args[++i] : a.startsWith("-U") ? a.slice(2) : a.slice(10);
      if (value === undefined || !/^\d+$/.test(value)) {
        ctx.err(`diff: invalid context length '${value ?? ""}'\ndiff: Try 'diff --help' for more information.\n`);
        return 2;
      }
      context = Number(value);
      switches.push(a === "-U" ? `-U ${value}` : a);
      continue;
    } else if (a.startsWith("-") && a !== "-") {
      ctx.err(`diff: ${a.startsWith("--") ? `unrecognized option '${a}'` : `invalid option -- '${a[1]}'`}\ndiff: Try 'diff --help' for more information.\n`);
      return 2;
    } else {
      operands.push(a);
      continue;
    }
    switches.push(a);
  }
  if (operands.length < 2) {
    ctx.err(`diff: missing operand after '${operands[0] ?? "diff"}'\ndiff: Try 'diff --help' for more information.\n`);
    return 2;
  }
  if (operands.length > 2) {
    ctx.err(`diff: extra operand '${operands[2]}'\ndiff: Try 'diff --help' for more information.\n`);
    return 2;
  }
  const files = programFiles(ctx);
  const options = { context, brief, newFile, switches };
  const dirs = operands.map((name) => name !== "-" && files !== undefined && files.fs.isDir(files.resolve(name)));
  if (dirs[0] && dirs[1]) return diffDirectories(ctx, files!, operands[0], operands[1], options);
  // A directory against a file compares the file of the same name in the directory.
  if (dirs[0] !== dirs[1]) {
    const dir = dirs[0] ? 0 : 1;
    const other = operands[1 - dir];
    if (other === "-") {
      ctx.err(`diff: cannot compare '-' to a directory\n`);
      return 2;
    }
    operands[dir] = `${operands[dir].replace(/\/+$/, "")}/${other.slice(other.lastIndexOf("/") + 1)}`;
  }
  const texts: Array<{ text: string; mtime: number }> = [];
  for (const name of operands) {
    if (name === "-") {
      texts.push({ text: ctx.stdin ?? "", mtime: ctx.now });
      continue;
    }
    const read = readOperand(files, name, false);
    if ("errno" in read) {
      ctx.err(read.errno === "EISDIR" ? `diff: ${name}: Is a directory\n` : `diff: ${name}: ${errnoText(read.errno)}\n`);
      return 2;
    }
    texts.push(read);
  }
  const out = compareTexts(ctx, operands[0], operands[1], texts[0], texts[1], options);
  ctx.out(out);
  return out === "" ? 0 : 1;
}

interface DiffOptions {
  context: number | undefined;
  brief: boolean;
  newFile: boolean;
  switches: string[];
}

function readOperand(files: ReturnType<typeof programFiles>, name: string, absentIsEmpty: boolean): { text: string; mtime: number } | { errno: Errno } {
  const path = files?.resolve(name);
  const read = files && path ? files.fs.read(path) : ({ ok: false, errno: "ENOENT" } as const);
  if (!read.ok) return absentIsEmpty && read.errno === "ENOENT" ? { text: "", mtime: 0 } : { errno: read.errno };
  const stat = files!.fs.stat(path!);
  return { text: read.value, mtime: stat.ok ? stat.value.mtime : 0 };
}

/** The output for two texts: empty when they are the same. */
function compareTexts(ctx: ProgramContext, nameA: string, nameB: string, ta: { text: string; mtime: number }, tb: { text: string; mtime: number }, options: DiffOptions): string {
  const a = splitLines(ta.text);
  const b = splitLines(tb.text);
  // A last line without its newline differs from the same line with one.
  const lastA = a.lines.length - 1;
  const lastB = b.lines.length - 1;
  const aKeys = a.noNewline ? a.lines.map((l, i) => (i === lastA ? `${l}\0` : l)) : a.lines;
  const bKeys = b.noNewline ? b.lines.map((l, i) => (i === lastB ? `${l}\0` : l)) : b.lines;
  const hunks = changes(aKeys, bKeys, (units) => spend(ctx.work, units));
  if (hunks.length === 0) return "";
  if (options.brief) return `Files ${nameA} and ${nameB} differ\n`;
  if (options.context === undefined) return normal(a, b, hunks);
  return `--- ${nameA}\t${stamp(ta.mtime)}\n+++ ${nameB}\t${stamp(tb.mtime)}\n${unified(a, b, hunks, options.context)}`;
}

/**
 * Two directories (not recursive beyond what both hold): each name in byte order, `Only in DIR:
 * NAME` for a file on one side, or with -N the absent file as empty (its time the epoch); each
 * pair that differs under a `diff SWITCHES A B` line, as GNU diff prints it.
 */
function diffDirectories(ctx: ProgramContext, files: NonNullable<ReturnType<typeof programFiles>>, dirA: string, dirB: string, options: DiffOptions): number {
  const list = (dir: string) => {
    const listed = files.fs.list(files.resolve(dir));
    return listed.ok ? listed.value : [];
  };
  const namesA = new Set(list(dirA));
  const namesB = new Set(list(dirB));
  const names = [...new Set([...namesA, ...namesB])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const join = (dir: string, name: string) => `${dir.replace(/\/+$/, "")}/${name}`;
  let status = 0;
  for (const name of names) {
    const pathA = join(dirA, name);
    const pathB = join(dirB, name);
    if (!options.newFile && !(namesA.has(name) && namesB.has(name))) {
      ctx.out(`Only in ${namesA.has(name) ? dirA : dirB}: ${name}\n`);
      status = Math.max(status, 1);
      continue;
    }
    const readA = readOperand(files, pathA, true);
    const readB = readOperand(files, pathB, true);
    if ("errno" in readA || "errno" in readB) {
      const [path, errno] = "errno" in readA ? [pathA, readA.errno] : [pathB, (readB as { errno: Errno }).errno];
      if (errno === "EISDIR") ctx.out(`Common subdirectories: ${pathA} and ${pathB}\n`);
      else {
        ctx.err(`diff: ${path}: ${errnoText(errno)}\n`);
        status = 2;
      }
      continue;
    }
    const out = compareTexts(ctx, pathA, pathB, readA, readB, options);
    if (out === "") continue;
    ctx.out(options.brief ? out : `diff ${[...options.switches, pathA, pathB].join(" ")}\n${out}`);
    status = Math.max(status, 1);
  }
  return status;
}
