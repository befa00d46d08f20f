// coreutils' file tools (Ubuntu 24.04's coreutils 9.4 on the workstation, the nodes and Debian
// images) and busybox's applets where they word things differently: cat, ls, cp, mv, rm, mkdir,
// touch, tee. Each works on the machine of the shell it runs in (shell/fs-context.ts).

import type { StoredEntry } from "../cluster/types.ts";
import { baseName, type Errno, type FileSystem, type Stat } from "../files/file-system.ts";
import { errnoText, programFiles, type ShellFiles } from "./fs-context.ts";
import type { ProgramContext } from "./types.ts";

/** Splits `-la`, `-rf` into letters; `--` ends the options. Returns the operands and the letters, or the first unknown option. */
function options(args: string[], known: string, long: Record<string, string> = {}): { operands: string[]; flags: Set<string>; bad?: string } {
  const flags = new Set<string>();
  const operands: string[] = [];
  let done = false;
  for (const a of args) {
    if (done || a === "-" || !a.startsWith("-")) operands.push(a);
    else if (a === "--") done = true;
    else if (a.startsWith("--")) {
      if (long[a] === undefined) return { operands, flags, bad: a };
      if (long[a]) flags.add(long[a]);
    } else {
      for (const f of a.slice(1)) {
        if (!known.includes(f)) return { operands, flags, bad: `-${f}` };
        flags.add(f);
      }
    }
  }
  return { operands, flags };
}

/** coreutils' message for an unknown option. */
function badOption(ctx: ProgramContext, program: string, bad: string, busybox: boolean): number {
  if (busybox) ctx.err(`${program}: ${bad.startsWith("--") ? `unrecognized option '${bad}'` : `invalid option -- '${bad.slice(1)}'`}\nBusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n`);
  else ctx.err(`${program}: ${bad.startsWith("--") ? `unrecognized option '${bad}'` : `invalid option -- '${bad.slice(1)}'`}\nTry '${program} --help' for more information.\n`);
  return program === "ls" && !busybox ? 2 : 1;
}

function missing(ctx: ProgramContext, program: string, what: string, busybox: boolean): number {
  ctx.err(busybox ? `BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: ${program} ...\n` : `${program}: ${what}\nTry '${program} --help' for more information.\n`);
  return 1;
}

function filesFor(ctx: ProgramContext): ShellFiles | undefined {
  return programFiles(ctx);
}

export function cat(ctx: ProgramContext): number {
  const paths = ctx.argv.slice(1).filter((a) => a !== "--");
  if (paths.length === 0) {
    ctx.out(ctx.stdin ?? "");
    return 0;
  }
  const files = filesFor(ctx);
  if (!files) return 1;
  const busybox = files.fs.machine.busybox;
  let code = 0;
  for (const path of paths) {
    if (path === "-") {
      ctx.out(ctx.stdin ?? "");
      continue;
    }
    const read = files.fs.read(files.resolve(path));
    if (read.ok) ctx.out(read.value);
    else {
      // busybox opens a directory fine and fails reading it (bb_copyfd's "read error").
      if (busybox) ctx.err(read.errno === "EISDIR" ? `cat: read error: ${errnoText(read.errno)}\n` : `cat: can't open '${path}': ${errnoText(read.errno)}\n`);
      else ctx.err(`cat: ${path}: ${errnoText(read.errno)}\n`);
      code = 1;
    }
  }
  return code;
}

/** The text of each operand (standard input for none or `-`), for filters that take files; errors printed as `program: FILE: reason`. */
export function readOperands(ctx: ProgramContext, program: string, operands: string[]): { inputs: Array<{ name: string; text: string }>; failed: boolean } {
  if (operands.length === 0) return { inputs: [{ name: "-", text: ctx.stdin ?? "" }], failed: false };
  const files = filesFor(ctx);
  const inputs: Array<{ name: string; text: string }> = [];
  let failed = false;
  for (const name of operands) {
    if (name === "-") {
      inputs.push({ name: "(standard input)", text: ctx.stdin ?? "" });
      continue;
    }
    const read = files ? files.fs.read(files.resolve(name)) : ({ ok: false, errno: "ENOENT" } as const);
    if (read.ok) inputs.push({ name, text: read.value });
    else {
      failed = true;
      if (program === "sed") ctx.err(`sed: ${read.errno === "EISDIR" ? `couldn't edit ${name}: not a regular file` : `can't read ${name}: ${errnoText(read.errno)}`}\n`);
      else ctx.err(program === "head" || program === "tail" ? `${program}: ${read.errno === "EISDIR" ? `error reading '${name}'` : `cannot open '${name}' for reading`}: ${errnoText(read.errno)}\n` : `${program}: ${name}: ${errnoText(read.errno)}\n`);
    }
  }
  return { inputs, failed };
}

// ---------- ls ----------

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** ls -l's time column: `Jan  1 00:00` within six months of now, `Jan  1  2025` otherwise (UTC). */
function lsDate(mtime: number, now: number): string {
  const d = new Date(mtime);
  const day = String(d.getUTCDate()).padStart(2, " ");
  const recent = now - mtime < 182.5 * 86_400_000 && mtime - now < 3_600_000;
  const tail = recent ? `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}` : ` ${d.getUTCFullYear()}`;
  return `${MONTHS[d.getUTCMonth()]} ${day} ${tail}`;
}

function modeString(stat: Stat): string {
  const type = stat.type === "dir" ? "d" : stat.type === "dev" ? "c" : "-";
  let bits = "";
  for (let shift = 6; shift >= 0; shift -= 3) {
    const b = (stat.mode >> shift) & 7;
    bits += (b & 4 ? "r" : "-") + (b & 2 ? "w" : "-") + (b & 1 ? "x" : "-");
  }
  if (stat.mode & 0o1000) bits = bits.slice(0, 8) + (bits[8] === "x" ? "t" : "T");
  return type + bits;
}

/** GNU ls's columns (-C, what a terminal gets): as many columns as fit in 80, filled top to bottom. */
function columns(names: string[], width = 80): string {
  if (names.length === 0) return "";
  for (let cols = Math.min(names.length, Math.floor(width / 3)); cols >= 1; cols--) {
    const rows = Math.ceil(names.length / cols);
    const used = Math.ceil(names.length / rows);
    const widths: number[] = [];
    for (let c = 0; c < used; c++) widths.push(Math.max(...names.slice(c * rows, (c + 1) * rows).map((n) => n.length)));
    const total = widths.reduce((a, w) => a + w, 0) + 2 * (used - 1);
    if (total > width && cols > 1) continue;
    let out = "";
    for (let r = 0; r < rows; r++) {
      const line: string[] = [];
      for (let c = 0; c < used; c++) {
        const name = names[c * rows + r];
        if (name === undefined) continue;
        line.push(c * rows + r + rows < names.length && c < used - 1 ? name.padEnd(widths[c] + 2) : name);
      }
      out += line.join("") + "\n";
    }
    return out;
  }
  return names.join("\n") + "\n";
}

/** busybox ls's columns: every column as wide as the longest name plus two, filled top to bottom. */
function busyboxColumns(names: string[], width = 80): string {
  if (names.length === 0) return "";
  const column = Math.max(...names.map((n) => n.length)) + 2;
  const cols = Math.max(1, Math.floor(width / column));
  const rows = Math.ceil(names.length / cols);
  let out = "";
  for (let r = 0; r < rows; r++) {
    const line: string[] = [];
    for (let c = 0; c < cols; c++) {
      const name = names[c * rows + r];
      if (name !== undefined) line.push(name);
    }
    out += line.map((n, i) => (i < line.length - 1 ? n.padEnd(column) : n)).join("") + "\n";
  }
  return out;
}

export function ls(ctx: ProgramContext): number {
  const files = filesFor(ctx);
  if (!files) return 2;
  const busybox = files.fs.machine.busybox;
  const parsed = options(ctx.argv.slice(1), "laAd1h", { "--all": "a", "--almost-all": "A", "--directory": "d" });
  if (parsed.bad) return badOption(ctx, "ls", parsed.bad, busybox);
  const long = parsed.flags.has("l");
  const all = parsed.flags.has("a");
  const almost = parsed.flags.has("A");
  const onePerLine = parsed.flags.has("1") || ctx.stdoutIsTerminal === false;
  const operands = parsed.operands.length > 0 ? parsed.operands : ["."];
  let code = 0;
  const fileArgs: Array<{ name: string; stat: Stat; path: string }> = [];
  const dirArgs: Array<{ name: string; path: string }> = [];
  for (const name of operands) {
    const path = files.resolve(name);
    const stat = files.fs.stat(path);
    if (!stat.ok) {
      ctx.err(busybox ? `ls: ${name}: ${errnoText(stat.errno)}\n` : `ls: cannot access '${name}': ${errnoText(stat.errno)}\n`);
      // coreutils exits 2 for a serious trouble like this; busybox's applet 1 (EXIT_FAILURE).
      code = busybox ? 1 : 2;
    } else if (stat.value.type === "dir" && !parsed.flags.has("d")) dirArgs.push({ name, path });
    else fileArgs.push({ name, stat: stat.value, path });
  }
  // On a terminal GNU ls quotes names as a shell would need them (shell-escape), and when any
  // name is quoted, pads the others with a space so the names line up.
  const quoting = ctx.stdoutIsTerminal !== false && !busybox;
  const render = (raw: Array<{ name: string; stat: Stat; path: string }>, total: boolean): string => {
    const quoted = quoting ? raw.map((e) => shellEscape(e.name)) : raw.map((e) => e.name);
    const anyQuoted = quoted.some((q, i) => q !== raw[i].name);
    const entries = raw.map((e, i) => ({ ...e, name: anyQuoted && quoted[i] === e.name ? ` ${e.name}` : quoted[i] }));
    if (!long) return onePerLine ? entries.map((e) => `${e.name}\n`).join("") : busybox ? busyboxColumns(entries.map((e) => e.name)) : columns(entries.map((e) => e.name));
    const links = (e: { stat: Stat; path: string }) => (e.stat.type === "dir" ? 2 + subdirectories(files.fs, e.path) : 1);
    const wLinks = Math.max(0, ...entries.map((e) => String(links(e)).length));
    const wOwner = Math.max(0, ...entries.map((e) => e.stat.owner.length));
    const wSize = Math.max(0, ...entries.map((e) => String(e.stat.size).length));
    const blocks = entries.reduce((sum, e) => sum + (e.stat.type === "dev" ? 0 : Math.ceil(e.stat.size / 4096) * 4), 0);
    let out = total ? `total ${blocks}\n` : "";
    for (const e of entries) {
      const date = lsDate(e.stat.mtime, ctx.now);
      if (busybox) out += `${modeString(e.stat)} ${String(links(e)).padStart(4)} ${e.stat.owner.padEnd(8)} ${e.stat.owner.padEnd(8)} ${String(e.stat.size).padStart(9)} ${date} ${e.name}\n`;
      else out += `${modeString(e.stat)} ${String(links(e)).padStart(wLinks)} ${e.stat.owner.padEnd(wOwner)} ${e.stat.owner.padEnd(wOwner)} ${String(e.stat.size).padStart(wSize)} ${date} ${e.name}\n`;
    }
    return out;
  };
  // Operands are sorted like directory entries: files first, then each directory.
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  fileArgs.sort(byName);
  dirArgs.sort(byName);
  let output = render(fileArgs, false);
  for (const [i, dir] of dirArgs.entries()) {
    const listed = files.fs.list(dir.path);
    if (!listed.ok) {
      ctx.err(busybox ? `ls: can't open '${dir.name}': ${errnoText(listed.errno)}\n` : `ls: cannot open directory '${dir.name}': ${errnoText(listed.errno)}\n`);
      code = busybox ? 1 : 2;
      continue;
    }
    const entries: Array<{ name: string; stat: Stat; path: string }> = [];
    if (all) {
      for (const [name, rel] of [[".", dir.path], ["..", dir.path === "/" ? "/" : dir.path.slice(0, dir.path.lastIndexOf("/")) || "/"]] as const) {
        const stat = files.fs.stat(rel);
        if (stat.ok) entries.push({ name, stat: stat.value, path: rel });
      }
    }
    for (const name of listed.value) {
      if (name.startsWith(".") && !all && !almost) continue;
      const path = dir.path === "/" ? `/${name}` : `${dir.path}/${name}`;
      const stat = files.fs.stat(path);
      if (stat.ok) entries.push({ name, stat: stat.value, path });
    }
    const header = operands.length > 1 ? `${dir.name}:\n` : "";
    if (output !== "" || i > 0) output += "\n";
    output += header + render(entries, true);
  }
  ctx.out(output);
  return code;
}

/** coreutils' shell-escape quoting of a file name: as is when safe, else in single (or double) quotes. */
function shellEscape(name: string): string {
  if (/^[A-Za-z0-9_.\/:@%+=,^-]+$/.test(name) && !name.startsWith("~")) return name;
  if (!name.includes("'")) return `'${name}'`;
  if (!/["$`\\]/.test(name)) return `"${name}"`;
  return `'${name.replace(/'/g, "'\\''")}'`;
}

/** A directory's subdirectories: each one's `..` is a link to it. */
function subdirectories(fs: FileSystem, path: string): number {
  const listed = fs.list(path);
  if (!listed.ok) return 0;
  return listed.value.filter((name) => fs.isDir(path === "/" ? `/${name}` : `${path}/${name}`)).length;
}

// ---------- mkdir, touch, rm ----------

export function mkdir(ctx: ProgramContext): number {
  const files = filesFor(ctx);
  if (!files) return 1;
  const busybox = files.fs.machine.busybox;
  const parsed = options(ctx.argv.slice(1), "pv", { "--parents": "p", "--verbose": "v" });
  if (parsed.bad) return badOption(ctx, "mkdir", parsed.bad, busybox);
  if (parsed.operands.length === 0) return missing(ctx, "mkdir", "missing operand", busybox);
  const parents = parsed.flags.has("p");
  let code = 0;
  const fail = (name: string, errno: Errno) => {
    // mkdir quotes with quote() (the locale's quotes: ‘’ under C.UTF-8), not quoteaf() as rm and cp do.
    ctx.err(busybox ? `mkdir: can't create directory '${name}': ${errnoText(errno)}\n` : `mkdir: cannot create directory ‘${name}’: ${errnoText(errno)}\n`);
    code = 1;
  };
  for (const name of parsed.operands) {
    const path = files.resolve(name);
    if (!parents) {
      const made = files.fs.mkdir(path);
      if (!made.ok) fail(name, made.errno);
      else if (parsed.flags.has("v")) ctx.out(`mkdir: created directory '${name}'\n`);
      continue;
    }
    // -p: each missing ancestor in turn; an existing directory is no error.
    // The message names the component that failed, as typed.
    const typed = name.split("/");
    for (let i = 1; i <= typed.length; i++) {
      const shown = typed.slice(0, i).join("/");
      if (shown === "" || typed[i - 1] === "") continue;
      const at = files.resolve(shown);
      const stat = files.fs.stat(at);
      if (stat.ok && stat.value.type === "dir") continue;
      if (stat.ok) {
        fail(shown, "ENOTDIR");
        break;
      }
      const made = files.fs.mkdir(at);
      if (!made.ok) {
        fail(made.errno === "ENOTDIR" ? shown : shown, made.errno);
        break;
      }
    }
  }
  return code;
}

export function touch(ctx: ProgramContext): number {
  const files = filesFor(ctx);
  if (!files) return 1;
  const busybox = files.fs.machine.busybox;
  const parsed = options(ctx.argv.slice(1), "c", { "--no-create": "c" });
  if (parsed.bad) return badOption(ctx, "touch", parsed.bad, busybox);
  if (parsed.operands.length === 0) return missing(ctx, "touch", "missing file operand", busybox);
  let code = 0;
  for (const name of parsed.operands) {
    const path = files.resolve(name);
    if (parsed.flags.has("c") && !files.fs.stat(path).ok) continue;
    const done = files.fs.touch(path);
    if (!done.ok) {
      ctx.err(busybox ? `touch: ${name}: ${errnoText(done.errno)}\n` : `touch: cannot touch '${name}': ${errnoText(done.errno)}\n`);
      code = 1;
    }
  }
  return code;
}

export function rm(ctx: ProgramContext): number {
  const files = filesFor(ctx);
  if (!files) return 1;
  const busybox = files.fs.machine.busybox;
  const args = ctx.argv.slice(1);
  const noPreserve = args.includes("--no-preserve-root");
  const parsed = options(
    args.filter((a) => a !== "--no-preserve-root"),
    "rRfdv",
    { "--recursive": "r", "--force": "f", "--dir": "d", "--verbose": "v" },
  );
  if (parsed.bad) return badOption(ctx, "rm", parsed.bad, busybox);
  const recursive = parsed.flags.has("r") || parsed.flags.has("R");
  const force = parsed.flags.has("f");
  if (parsed.operands.length === 0) return force ? 0 : missing(ctx, "rm", "missing operand", busybox);
  let code = 0;
  const cannot = (name: string, errno: Errno) => {
    ctx.err(busybox ? `rm: can't remove '${name}': ${errnoText(errno)}\n` : `rm: cannot remove '${name}': ${errnoText(errno)}\n`);
    code = 1;
  };
  const removeTree = (path: string, shown: string): boolean => {
    const stat = files.fs.stat(path);
    if (stat.ok && stat.value.type === "dir") {
      const listed = files.fs.list(path);
      if (!listed.ok) {
        cannot(shown, listed.errno);
        return false;
      }
      let all = true;
      for (const child of listed.value) all = removeTree(`${path === "/" ? "" : path}/${child}`, `${shown.replace(/\/$/, "")}/${child}`) && all;
      if (!all) return false;
      const removed = files.fs.remove(path, true);
      if (!removed.ok) cannot(shown, removed.errno);
      return removed.ok;
    }
    const removed = files.fs.remove(path, false);
    if (!removed.ok) cannot(shown, removed.errno);
    return removed.ok;
  };
  for (const name of parsed.operands) {
    const path = files.resolve(name);
    if (recursive && path === "/" && !noPreserve) {
      ctx.err(busybox ? "rm: can't remove '/': Is a directory\n" : `rm: it is dangerous to operate recursively on '${name}'\nrm: use --no-preserve-root to override this failsafe\n`);
      code = 1;
      continue;
    }
    if (/(^|\/)\.\.?\/*$/.test(name)) {
      ctx.err(busybox ? `rm: can't remove '${name}'\n` : `rm: refusing to remove '.' or '..' directory: skipping '${name}'\n`);
      code = 1;
      continue;
    }
    const stat = files.fs.stat(path);
    if (!stat.ok) {
      if (!(force && stat.errno === "ENOENT")) cannot(name, stat.errno);
      continue;
    }
    if (stat.value.type === "dir" && !recursive) {
      if (parsed.flags.has("d")) {
        const removed = files.fs.remove(path, true);
        if (!removed.ok) cannot(name, removed.errno);
      } else cannot(name, "EISDIR");
      continue;
    }
    removeTree(path, name);
  }
  return code;
}

// ---------- cp, mv ----------

/** Where a source lands: into DEST when it is a directory, else DEST itself. */
function destinationOf(files: ShellFiles, source: string, dest: string, intoDir: boolean): string {
  const target = files.resolve(dest);
  return intoDir ? `${target === "/" ? "" : target}/${baseName(files.resolve(source))}` : target;
}

export function cp(ctx: ProgramContext): number {
  const files = filesFor(ctx);
  if (!files) return 1;
  const busybox = files.fs.machine.busybox;
  const parsed = options(ctx.argv.slice(1), "rRfpav", { "--recursive": "r", "--force": "f", "--archive": "a", "--verbose": "v" });
  if (parsed.bad) return badOption(ctx, "cp", parsed.bad, busybox);
  const recursive = parsed.flags.has("r") || parsed.flags.has("R") || parsed.flags.has("a");
  const operands = parsed.operands;
  if (operands.length === 0) return missing(ctx, "cp", "missing file operand", busybox);
  if (operands.length === 1) return missing(ctx, "cp", `missing destination file operand after '${operands[0]}'`, busybox);
  const dest = operands[operands.length - 1];
  const intoDir = files.fs.isDir(files.resolve(dest));
  if (operands.length > 2 && !intoDir) {
    ctx.err(`cp: target '${dest}': ${files.fs.stat(files.resolve(dest)).ok ? "Not a directory" : "No such file or directory"}\n`);
    return 1;
  }
  let code = 0;
  const copy = (from: string, to: string, shownFrom: string, shownTo: string): void => {
    const stat = files.fs.stat(from);
    if (!stat.ok) {
      ctx.err(busybox ? `cp: can't stat '${shownFrom}': ${errnoText(stat.errno)}\n` : `cp: cannot stat '${shownFrom}': ${errnoText(stat.errno)}\n`);
      code = 1;
      return;
    }
    if (stat.value.type === "dir") {
      if (!recursive) {
        ctx.err(busybox ? `cp: omitting directory '${shownFrom}'\n` : `cp: -r not specified; omitting directory '${shownFrom}'\n`);
        code = 1;
        return;
      }
      if (to === from || to.startsWith(`${from}/`)) {
        ctx.err(`cp: cannot copy a directory, '${shownFrom}', into itself, '${shownTo}'\n`);
        code = 1;
        return;
      }
      if (!files.fs.isDir(to)) {
        const made = files.fs.mkdir(to);
        if (!made.ok) {
          ctx.err(`cp: cannot create directory '${shownTo}': ${errnoText(made.errno)}\n`);
          code = 1;
          return;
        }
      }
      const listed = files.fs.list(from);
      for (const child of listed.ok ? listed.value : []) copy(`${from}/${child}`, `${to}/${child}`, `${shownFrom}/${child}`, `${shownTo}/${child}`);
      return;
    }
    if (to === from) {
      ctx.err(`cp: '${shownFrom}' and '${shownTo}' are the same file\n`);
      code = 1;
      return;
    }
    const data = files.fs.read(from);
    if (!data.ok) {
      ctx.err(`cp: cannot open '${shownFrom}' for reading: ${errnoText(data.errno)}\n`);
      code = 1;
      return;
    }
    const existing = files.fs.stat(to);
    if (existing.ok && existing.value.type === "dir") {
      ctx.err(`cp: cannot overwrite directory '${shownTo}' with non-directory\n`);
      code = 1;
      return;
    }
    const written = files.fs.write(to, data.value);
    if (!written.ok) {
      ctx.err(written.errno === "ENOSPC" ? `cp: error writing '${shownTo}': ${errnoText("ENOSPC")}\n` : `cp: cannot create regular file '${shownTo}': ${errnoText(written.errno)}\n`);
      code = 1;
    }
  };
  for (const source of operands.slice(0, -1)) {
    const to = destinationOf(files, source, dest, intoDir);
    copy(files.resolve(source), to, source, intoDir ? `${dest.replace(/\/$/, "")}/${baseName(files.resolve(source))}` : dest);
  }
  return code;
}

export function mv(ctx: ProgramContext): number {
  const files = filesFor(ctx);
  if (!files) return 1;
  const busybox = files.fs.machine.busybox;
  const parsed = options(ctx.argv.slice(1), "fiv", { "--force": "f", "--verbose": "v" });
  if (parsed.bad) return badOption(ctx, "mv", parsed.bad, busybox);
  const operands = parsed.operands;
  if (operands.length === 0) return missing(ctx, "mv", "missing file operand", busybox);
  if (operands.length === 1) return missing(ctx, "mv", `missing destination file operand after '${operands[0]}'`, busybox);
  const dest = operands[operands.length - 1];
  const intoDir = files.fs.isDir(files.resolve(dest));
  if (operands.length > 2 && !intoDir) {
    ctx.err(`mv: target '${dest}': ${files.fs.stat(files.resolve(dest)).ok ? "Not a directory" : "No such file or directory"}\n`);
    return 1;
  }
  let code = 0;
  for (const source of operands.slice(0, -1)) {
    const from = files.resolve(source);
    const to = destinationOf(files, source, dest, intoDir);
    const shownTo = intoDir ? `${dest.replace(/\/$/, "")}/${baseName(from)}` : dest;
    const stat = files.fs.stat(from);
    if (!stat.ok) {
      ctx.err(busybox ? `mv: can't rename '${source}': ${errnoText(stat.errno)}\n` : `mv: cannot stat '${source}': ${errnoText(stat.errno)}\n`);
      code = 1;
      continue;
    }
    if (to === from) {
      ctx.err(`mv: '${source}' and '${shownTo}' are the same file\n`);
      code = 1;
      continue;
    }
    if (stat.value.type === "dir" && to.startsWith(`${from}/`)) {
      ctx.err(`mv: cannot move '${source}' to a subdirectory of itself, '${shownTo}'\n`);
      code = 1;
      continue;
    }
    const moved = moveTree(files.fs, from, to);
    if (moved) {
      ctx.err(`mv: cannot move '${source}' to '${shownTo}': ${errnoText(moved)}\n`);
      code = 1;
    }
  }
  return code;
}

/** rename(2) of a file or a whole directory: every entry under `from` moves under `to`, keeping its mode and mtime. */
function moveTree(fs: FileSystem, from: string, to: string): Errno | undefined {
  const entries: Array<[string, StoredEntry]> = [];
  const collect = (path: string, rel: string): void => {
    const entry = fs.snapshot(path);
    if (!entry) return;
    entries.push([rel, entry]);
    if (entry.type === "dir") {
      const listed = fs.list(path);
      for (const child of listed.ok ? listed.value : []) collect(`${path}/${child}`, `${rel}/${child}`);
    }
  };
  collect(from, "");
  const existing = fs.stat(to);
  if (existing.ok && existing.value.type === "dir" && entries[0]?.[1].type !== "dir") return "EISDIR";
  if (existing.ok && existing.value.type !== "dir" && entries[0]?.[1].type === "dir") return "ENOTDIR";
  // Permission to take it from its directory and put it in the other one.
  const probe = fs.stat(from);
  if (!probe.ok) return probe.errno;
  const target = to.slice(0, to.lastIndexOf("/")) || "/";
  const targetStat = fs.stat(target);
  if (!targetStat.ok) return targetStat.errno;
  if (existing.ok && existing.value.type === "file") {
    const removed = fs.remove(to, false);
    if (!removed.ok) return removed.errno;
  }
  for (const [rel, entry] of entries) {
    if (rel === "" && entry.type === "dir" && existing.ok) continue;
    const placed = rel === "" && entry.type === "file" ? fs.write(to, entry.data) : rel === "" ? fs.mkdir(to) : entry.type === "file" ? fs.write(to + rel, entry.data) : fs.mkdir(to + rel);
    if (!placed.ok && placed.errno !== "EEXIST") return placed.errno;
    fs.place(to + rel, entry);
  }
  for (const [rel] of entries.slice().reverse()) {
    const removed = fs.remove(from + rel, entries.find(([r]) => r === rel)?.[1].type === "dir");
    if (!removed.ok) return removed.errno;
  }
  return undefined;
}

export function tee(ctx: ProgramContext): number {
  const files = filesFor(ctx);
  const parsed = options(ctx.argv.slice(1), "a", { "--append": "a" });
  if (parsed.bad) return badOption(ctx, "tee", parsed.bad, files?.fs.machine.busybox ?? false);
  const text = ctx.stdin ?? "";
  let code = 0;
  for (const name of parsed.operands) {
    const written = files ? files.fs.write(files.resolve(name), text, parsed.flags.has("a")) : ({ ok: false, errno: "ENOENT" } as const);
    if (!written.ok) {
      ctx.err(`tee: ${name}: ${errnoText(written.errno)}\n`);
      code = 1;
    }
  }
  ctx.out(text);
  return code;
}
