// busybox's ps applet inside a container (procps/ps.c, the DESKTOP build that the busybox and
// Alpine images ship): `-o` columns with their widths, the default `pid,user,time,args`, every
// other POSIX option accepted and ignored, BSD words (`aux`) ignored as non-options. A container
// has its own PID namespace: its main process is PID 1, and what `kubectl exec` starts comes
// after it. The simulation keeps no process table, so CPU time is 0:00 and the sizes are the
// applets' typical figures.

import { findImage } from "../cluster/images.ts";
import type { Container, Pod } from "../cluster/types.ts";
import { expandKubeletVariables } from "../cluster/kubelet-variables.ts";
import type { ProgramContext, ShellFrame } from "./types.ts";

type PodFrame = Extract<ShellFrame, { kind: "pod" }>;

interface Proc {
  pid: number;
  ppid: number;
  uid: number;
  startedAt: number;
  /** The terminal's device numbers (`136,0` for /dev/pts/0), or undefined: `?`. */
  tty?: string;
  stat: string;
  args: string;
  /** Kilobytes; busybox applets are one binary of about that size. */
  vsz: number;
  rss: number;
}

interface Column {
  name: string;
  header: string;
  width: number;
  value: (p: Proc, now: number) => string;
}

const MAX_WIDTH = 2 * 1024;

function userName(uid: number): string {
  // busybox's /etc/passwd: root, daemon, bin, sys, ... nobody (65534); others print as numbers.
  const names: Record<number, string> = { 0: "root", 1: "daemon", 2: "bin", 3: "sys", 8: "mail", 65534: "nobody" };
  return names[uid] ?? String(uid);
}

function groupName(uid: number): string {
  const names: Record<number, string> = { 0: "root", 1: "daemon", 2: "bin", 3: "sys", 12: "mail", 65534: "nobody" };
  return names[uid] ?? String(uid);
}

/** format_time() for a 5-character column: mm:ss, then hhHmm, then ddDhh. */
function formatTime(seconds: number): string {
  let tt = Math.max(0, Math.floor(seconds));
  let ff = tt % 60;
  tt = Math.floor(tt / 60);
  const two = (n: number) => String(n).padStart(2, "0");
  if (tt < 60) return `${String(tt).padStart(2)}:${two(ff)}`;
  ff = tt % 60;
  tt = Math.floor(tt / 60);
  if (tt < 24) return `${String(tt).padStart(2)}h${two(ff)}`;
  ff = tt % 24;
  tt = Math.floor(tt / 24);
  if (tt < 100) return `${String(tt).padStart(2)}d${two(ff)}`;
  return `${String(tt).padStart(4)}d`;
}

/** smart_ulltoa4: at most four characters, scaled by k steps (` mgtpezy`). */
function size4(kb: number): string {
  let n = kb;
  let unit = 0;
  while (n > 9999) {
    n = Math.floor(n / 1024);
    unit++;
  }
  return unit === 0 ? String(n) : `${n}${" mgtpezy"[unit]}`;
}

const num = (n: number, width: number) => String(n).padStart(width);

const COLUMNS: Column[] = [
  { name: "user", header: "USER", width: 8, value: (p) => userName(p.uid) },
  { name: "group", header: "GROUP", width: 8, value: (p) => groupName(p.uid) },
  { name: "comm", header: "COMMAND", width: 16, value: (p) => (p.args.split(" ")[0].split("/").pop() ?? "").slice(0, 15) },
  { name: "args", header: "COMMAND", width: MAX_WIDTH, value: (p) => p.args },
  { name: "pid", header: "PID", width: 5, value: (p) => num(p.pid, 5) },
  { name: "ppid", header: "PPID", width: 5, value: (p) => num(p.ppid, 5) },
  { name: "pgid", header: "PGID", width: 5, value: (p) => num(p.pid === 1 || p.ppid === 0 ? p.pid : p.ppid === 1 ? p.pid : p.ppid, 5) },
  { name: "etime", header: "ELAPSED", width: 7, value: (p, now) => formatTime((now - p.startedAt) / 1000) },
  { name: "nice", header: "NI", width: 5, value: () => num(0, 5) },
  { name: "rgroup", header: "RGROUP", width: 8, value: (p) => groupName(p.uid) },
  { name: "ruser", header: "RUSER", width: 8, value: (p) => userName(p.uid) },
  { name: "time", header: "TIME", width: 5, value: () => formatTime(0) },
  { name: "tty", header: "TT", width: 6, value: (p) => p.tty ?? "?" },
  { name: "vsz", header: "VSZ", width: 4, value: (p) => size4(p.vsz) },
  { name: "sid", header: "SID", width: 5, value: (p) => num(p.ppid === 0 ? p.pid : p.pid, 5) },
  { name: "stat", header: "STAT", width: 4, value: (p) => p.stat },
  { name: "rss", header: "RSS", width: 4, value: (p) => size4(p.rss) },
];

const USAGE =
  "BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: ps [-o COL1,COL2=HEADER] [-T]\n\nShow list of processes\n\n\t-o COL1,COL2=HEADER\tSelect columns for display\n\t-T\t\t\tShow threads\n";

/** find_out_spec(): strncmp(name, name6, 6), so a name matches on its first six characters. */
function findColumn(name: string): Column | string {
  const found = COLUMNS.find((c) => c.name.slice(0, 6) === name.slice(0, 6));
  if (found) return found;
  return `ps: bad -o argument '${name}', supported arguments: ${COLUMNS.map((c) => c.name.slice(0, 6)).join(",")}\n`;
}

/** parse_o(): comma-separated names; the last may carry `=HEADER`, which sets its width when not empty. */
function parseColumns(spec: string, into: Column[]): string | undefined {
  let rest = spec;
  for (;;) {
    const comma = rest.indexOf(",");
    const equal = rest.indexOf("=");
    if (comma >= 0 && (equal < 0 || equal > comma)) {
      const found = findColumn(rest.slice(0, comma));
      if (typeof found === "string") return found;
      into.push(found);
      rest = rest.slice(comma + 1);
      continue;
    }
    const found = findColumn(equal >= 0 ? rest.slice(0, equal) : rest);
    if (typeof found === "string") return found;
    if (equal < 0) {
      into.push(found);
      return undefined;
    }
    const after = rest.slice(equal + 1);
    const nextComma = after.indexOf(",");
    const header = nextComma >= 0 ? after.slice(0, nextComma) : after;
    into.push(header ? { ...found, header, width: header.length } : found);
    if (nextComma < 0) return undefined;
    rest = after.slice(nextComma + 1);
  }
}

function securityUid(pod: Pod, container: Container): number {
  const own = ((container as { securityContext?: { runAsUser?: unknown } }).securityContext)?.runAsUser;
  const podLevel = (pod.spec.securityContext as { runAsUser?: unknown } | undefined)?.runAsUser;
  const uid = typeof own === "number" ? own : typeof podLevel === "number" ? podLevel : 0;
  return Number.isInteger(uid) && uid >= 0 ? uid : 0;
}

/** The processes the container's PID namespace holds while `ps` runs in the frame given. */
function processes(ctx: ProgramContext, frame: PodFrame): Proc[] | undefined {
  const state = ctx.tx.state;
  const key = `${frame.namespace}/${frame.pod}`;
  const pod = state.pods[key];
  const container = pod?.spec.containers.find((c) => c.name === frame.container);
  if (!pod || !container) return undefined;
  const runtime = state.podRuntime[key]?.containers?.find((c) => c.name === container.name);
  const started = runtime?.startedAt ?? ctx.now;
  const uid = securityUid(pod, container);
  const words = [...(container.command ?? []), ...(container.args ?? [])].map((w) => expandKubeletVariables(w, pod, container));
  // An image's own default: busybox's and Alpine's CMD is a shell.
  const main = words.length > 0 ? words.join(" ") : findImage(container.image)?.shell === "bash" ? "bash" : "sh";
  const tty = container.tty ? "136,0" : undefined;
  const list: Proc[] = [{ pid: 1, ppid: 0, uid, startedAt: started, tty, stat: "S", args: main, vsz: 4388, rss: 1608 }];
  const self = ctx.argv.join(" ");
  if (frame.attached || frame.transient) {
    // `kubectl exec POD -- ps` (or `sh -c 'ps'`, which ash replaces by ps), or the attached shell that is PID 1.
    list.push({ pid: 7, ppid: 0, uid, startedAt: ctx.now, tty: ctx.stdoutIsTerminal ? "136,0" : undefined, stat: "R", args: self, vsz: 4388, rss: 1604 });
  } else {
    // The interactive `kubectl exec -it POD -- sh`, and ps forked from it.
    list.push({ pid: 7, ppid: 0, uid, startedAt: ctx.now, tty: "136,1", stat: "S", args: frame.shell, vsz: 4404, rss: 1660 });
    list.push({ pid: 13, ppid: 7, uid, startedAt: ctx.now, tty: "136,1", stat: "R", args: self, vsz: 4388, rss: 1604 });
  }
  return list;
}

export function busyboxPs(ctx: ProgramContext, frame: PodFrame): number {
  const columns: Column[] = [];
  const args = ctx.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("-") || arg === "-") continue;
    if (arg === "--") break;
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j];
      if (letter === "o") {
        const value = j + 1 < arg.length ? arg.slice(j + 1) : args[++i];
        if (value === undefined) {
          ctx.err(`ps: option requires an argument -- 'o'\n${USAGE}`);
          return 1;
        }
        const error = parseColumns(value, columns);
        if (error) {
          ctx.err(error);
          return 1;
        }
        break;
      }
      if (!"ZaAdeflT".includes(letter)) {
        ctx.err(`ps: invalid option -- '${letter}'\n${USAGE}`);
        return 1;
      }
    }
  }
  if (columns.length === 0) parseColumns("pid,user,time,args", columns);
  const procs = processes(ctx, frame) ?? [];
  const lines: string[] = [];
  // format_header(): fields padded to their widths and a space, the last one not padded; no line when every header is empty.
  if (columns.some((c) => c.header !== "")) lines.push(columns.map((c, i) => (i === columns.length - 1 ? c.header : `${c.header.padEnd(c.width)} `)).join(""));
  for (const p of procs) {
    lines.push(
      columns
        .map((c, i) => {
          const value = c.value(p, ctx.now) || "-";
          return i === columns.length - 1 ? value : `${value}${" ".repeat(Math.max(1, c.width - value.length + 1))}`;
        })
        .join(""),
    );
  }
  // On a terminal busybox cuts every line at the terminal's width less one (80 columns here).
  const width = ctx.stdoutIsTerminal ? 79 : MAX_WIDTH;
  ctx.out(lines.map((l) => `${l.slice(0, width)}\n`).join(""));
  return 0;
}
