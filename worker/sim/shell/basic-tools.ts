// Small programs every place has: hostname, env, printenv, echo, printf, clear.

import { allAddresses } from "../net/tools/ip.ts";
import { currentPlace, usesBusybox } from "../net/tools/where.ts";
import { stepClock } from "./clock-step.ts";
import { readFile } from "./files.ts";
import { labIndexes } from "../net/lab.ts";
import { hostNameOf } from "../net/places.ts";
import type { ProgramContext } from "./types.ts";
import { exportedEnvironment } from "./variables.ts";
import { spend } from "./work.ts";

export function hostname(ctx: ProgramContext): number {
  const place = currentPlace(ctx);
  if (!place) return 1;
  const name = hostNameOf(place, ctx.tx.state);
  const option = ctx.argv.slice(1).find((a) => a.startsWith("-"));
  // busybox's applet (busybox, alpine images) has no -I; Debian's and Ubuntu's hostname do.
  const busybox = usesBusybox(ctx, place);
  switch (option) {
    case undefined:
    case "-s":
    case "--short":
    case "-f":
    case "--fqdn":
      ctx.out(`${name}\n`);
      return 0;
    case "-i":
    case "--ip-address": {
      // The addresses the name has in /etc/hosts, as the resolver finds them.
      const hosts = readFile(ctx.tx.state, place, "/etc/hosts", ctx.clusters ? () => labIndexes(ctx.clusters, ctx.tx) : undefined) ?? "";
      const addresses = hosts
        .split("\n")
        .map((line) => line.split(/\s+/))
        .filter((fields) => fields.slice(1).includes(name))
        .map((fields) => fields[0]);
      ctx.out(busybox ? `${addresses[0] ?? place.ip}\n` : `${(addresses.length ? addresses : [place.ip]).join(" ")} \n`.replace(/ \n$/, "\n"));
      return 0;
    }
    case "-I":
    case "--all-ip-addresses":
      if (!busybox) {
        ctx.out(`${allAddresses(ctx, place)}\n`);
        return 0;
      }
      break;
  }
  ctx.err(busybox ? `hostname: invalid option -- '${option.replace(/^-+/, "")[0]}'\n` : `hostname: invalid option -- '${option.replace(/^-+/, "")[0]}'\nTry 'hostname --help' for more information.\n`);
  return 1;
}

export function env(ctx: ProgramContext): number {
  if (!currentPlace(ctx)) return 1;
  const frame = ctx.shell[ctx.shell.length - 1];
  const lines = exportedEnvironment(ctx.tx.state, ctx.shell, frame).map(([name, value]) => `${name}=${value}`);
  ctx.out(lines.join("\n") + "\n");
  return 0;
}

/** printenv: the whole environment as env prints it, or the value of each name given (1 if one is unset). */
export function printenv(ctx: ProgramContext): number {
  if (!currentPlace(ctx)) return 1;
  const frame = ctx.shell[ctx.shell.length - 1];
  const environment = exportedEnvironment(ctx.tx.state, ctx.shell, frame);
  const names = ctx.argv.slice(1).filter((a) => a !== "--");
  if (names.length === 0) {
    ctx.out(environment.map(([name, value]) => `${name}=${value}\n`).join(""));
    return 0;
  }
  let code = 0;
  for (const name of names) {
    const found = environment.find(([key]) => key === name);
    if (found) ctx.out(`${found[1]}\n`);
    else code = 1;
  }
  return code;
}

export function echo(ctx: ProgramContext): number {
  let args = ctx.argv.slice(1);
  let newline = true;
  if (args[0] === "-n") {
    newline = false;
    args = args.slice(1);
  }
  ctx.out(args.join(" ") + (newline ? "\n" : ""));
  return 0;
}

export function clear(ctx: ProgramContext): number {
  ctx.out("\x1b[H\x1b[2J\x1b[3J");
  return 0;
}

/** seq [FIRST [INCREMENT]] LAST: one number a line. */
export function seq(ctx: ProgramContext): number {
  const args = ctx.argv.slice(1);
  const nums = args.map(Number);
  const bad = args.find((a) => !/^-?\d+(\.\d+)?$/.test(a));
  if (args.length === 0 || args.length > 3 || bad !== undefined) {
    ctx.err(args.length === 0 ? "seq: missing operand\nTry 'seq --help' for more information.\n" : `seq: invalid floating point argument: '${bad ?? args[3]}'\nTry 'seq --help' for more information.\n`);
    return 1;
  }
  const [first, step, last] = nums.length === 1 ? [1, 1, nums[0]] : nums.length === 2 ? [nums[0], 1, nums[1]] : [nums[0], nums[1], nums[2]];
  if (step === 0) {
    ctx.err("seq: invalid Zero increment value: '0'\nTry 'seq --help' for more information.\n");
    return 1;
  }
  // Written a block at a time, as the real one fills its buffer: `seq 100000000` is stopped by the
  // work budget part-way (shell/work.ts) instead of building all its lines first.
  let block = "";
  let count = 0;
  for (let n = first; step > 0 ? n <= last : n >= last; n += step) {
    block += `${n}\n`;
    if (++count === SEQ_BLOCK_LINES) {
      spend(ctx.work, block.length);
      ctx.out(block);
      block = "";
      count = 0;
    }
  }
  if (block) {
    spend(ctx.work, block.length);
    ctx.out(block);
  }
  return 0;
}

/** Lines seq writes at a time. */
const SEQ_BLOCK_LINES = 4096;

/** Most a `sleep` moves the clock: a console command must answer. */
const MAX_SLEEP_MS = 10 * 60_000;

/**
 * sleep N[smhd]: the cluster's clock moves on by that much (second by second, so pods finish
 * starting and controllers react in order), as `kubectl wait` does, instead of making the learner
 * wait. Several arguments add up, as in coreutils.
 */
export function sleep(ctx: ProgramContext): number {
  const args = ctx.argv.slice(1);
  if (args.length === 0) {
    ctx.err("sleep: missing operand\nTry 'sleep --help' for more information.\n");
    return 1;
  }
  let ms = 0;
  for (const arg of args) {
    const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(arg);
    if (!m) {
      ctx.err(`sleep: invalid time interval '${arg}'\nTry 'sleep --help' for more information.\n`);
      return 1;
    }
    ms += Number(m[1]) * { "": 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "" | "s" | "m" | "h" | "d"];
  }
  const start = ctx.tx.state.now;
  // `sleep N &`: a job that ends at its time, while the console goes on.
  if (ctx.hold?.({ kind: "sleep", until: start + ms })) return 0;
  const end = start + Math.min(ms, MAX_SLEEP_MS);
  for (let t = start; t < end; ) {
    t = Math.min(t + 1000, end);
    stepClock(ctx, t);
  }
  return 0;
}

/** The backslash escapes of printf's format (and of %b arguments). Returns the text and whether `\c` stopped output. */
function printfEscapes(text: string): { text: string; stop: boolean } {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== "\\" || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const n = text[++i];
    const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v", e: "\x1b", "\\": "\\", '"': '"', "'": "'" };
    if (n in simple) out += simple[n];
    else if (n === "c") return { text: out, stop: true };
    else if ((n === "x" || n === "u" || n === "U") && /^[0-9a-fA-F]/.test(text[i + 1] ?? "")) {
      // \xHH (one or two hex digits), \uHHHH and \UHHHHHHHH (a Unicode character), as bash's printf reads them.
      const digits = new RegExp(`^[0-9a-fA-F]{1,${n === "x" ? 2 : n === "u" ? 4 : 8}}`).exec(text.slice(i + 1))![0];
      const code = parseInt(digits, 16);
      out += code <= 0x10ffff ? String.fromCodePoint(code) : "";
      i += digits.length;
    }
    else if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(text.slice(n === "0" ? i + 1 : i))![0] ?? "";
      out += String.fromCharCode(parseInt(m || "0", 8));
      i += m.length - (n === "0" ? 0 : 1);
    } else out += `\\${n}`;
  }
  return { text: out, stop: false };
}

/** bash's printf builtin: %s %b %c %d %i %u %x %X %o %f %e %g %% with flags, width and precision; the format repeats while arguments remain. */
export function printf(ctx: ProgramContext): number {
  const args = ctx.argv.slice(1);
  if (args[0] === "--") args.shift();
  if (args.length === 0) {
    ctx.err("-bash: printf: usage: printf [-v var] format [arguments]\n");
    return 2;
  }
  const format = args[0];
  const values = args.slice(1);
  let next = 0;
  let code = 0;
  let out = "";
  const spec = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?([sbcdiuxXofeEgG%])|%/g;
  for (;;) {
    const start = next;
    let stop = false;
    let last = 0;
    let piece = "";
    for (const m of format.matchAll(spec)) {
      piece += format.slice(last, m.index);
      last = m.index! + m[0].length;
      if (m[0] === "%%" || m[4] === "%") {
        piece += "%";
        continue;
      }
      if (!m[4]) {
        piece += m[0];
        continue;
      }
      const [, flags = "", widthSpec, precSpec, conv] = m;
      const width = widthSpec === "*" ? Number(values[next++] ?? 0) : widthSpec ? Number(widthSpec) : 0;
      const precision = precSpec === "*" ? Number(values[next++] ?? 0) : precSpec !== undefined ? Number(precSpec) : undefined;
      const arg = values[next++];
      let text: string;
      if (conv === "s" || conv === "b" || conv === "c") {
        text = arg ?? "";
        if (conv === "b") {
          const escaped = printfEscapes(text);
          text = escaped.text;
          stop ||= escaped.stop;
        }
        if (conv === "c") text = text.slice(0, 1);
        if (precision !== undefined) text = text.slice(0, precision);
      } else {
        let n = 0;
        const raw = arg ?? "";
        if (raw !== "") {
          const quoted = /^['"](.)/.exec(raw);
          n = quoted ? quoted[1].codePointAt(0)! : Number(raw);
          if (!quoted && (raw.trim() === "" || Number.isNaN(n) || (!/[feEgG]/.test(conv) && !/^[-+]?(0x[0-9a-f]+|\d+)$/i.test(raw.trim())))) {
            ctx.err(`-bash: printf: ${raw}: invalid number\n`);
            code = 1;
            n = Number.isNaN(parseFloat(raw)) ? 0 : Math.trunc(parseFloat(raw));
          }
        }
        if (/[diu]/.test(conv)) text = String(Math.trunc(n));
        else if (conv === "x") text = Math.trunc(n).toString(16);
        else if (conv === "X") text = Math.trunc(n).toString(16).toUpperCase();
        else if (conv === "o") text = Math.trunc(n).toString(8);
        else if (conv === "f") text = n.toFixed(precision ?? 6);
        else if (conv === "e" || conv === "E") text = n.toExponential(precision ?? 6).replace(/e([+-])(\d)$/, "e$10$2");
        else text = String(Number(n.toPrecision(precision || 6)));
        if (conv === "E") text = text.toUpperCase();
        if (flags.includes("+") && n >= 0) text = `+${text}`;
        if (precision !== undefined && /[diuxXo]/.test(conv)) text = text.replace(/^(-?)(\d+)/, (_, s: string, d: string) => s + d.padStart(precision, "0"));
        if (flags.includes("0") && !flags.includes("-") && width > text.length) text = text.replace(/^([-+]?)/, (s) => s) && (text.startsWith("-") || text.startsWith("+") ? text[0] + text.slice(1).padStart(width - 1, "0") : text.padStart(width, "0"));
      }
      piece += flags.includes("-") ? text.padEnd(width) : text.padStart(width);
    }
    piece += format.slice(last);
    const escaped = printfEscapes(piece);
    out += escaped.text;
    if (escaped.stop || stop) break;
    // The format is used again for the arguments left, as long as it used any.
    if (next >= values.length || next === start) break;
  }
  ctx.out(out);
  return code;
}
