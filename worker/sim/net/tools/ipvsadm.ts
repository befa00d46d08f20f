// ipvsadm (1.31, Ubuntu 24.04's package) on a node: `ipvsadm -Ln` lists the IPVS table the node's
// kube-proxy keeps in ipvs mode (ipvs.ts), the same virtual servers the router uses, with each
// real server's connections; `--stats` and `--rate` (and `--exact`) their traffic counters and
// estimated rates (ipvs-stats.ts), counted from the connections the router delivered. In iptables
// mode the table is empty: ipvsadm loads ip_vs itself and finds no virtual server. The formats are
// ipvsadm.c's list_all/print_title/print_service_entry/print_largenum: services sorted by
// protocol, address and port, real servers sorted by address and port.

import type { ProgramContext } from "../../shell/types.ts";
import { netIndex } from "../index.ts";
import type { IpvsCounters } from "../../cluster/types.ts";
import { ipvsStatsOf, realServerKey, virtualServerKey, type Traffic } from "../ipvs-stats.ts";
import { connsKey, nodeVirtualServers, realServerConnections, realServerText, virtualServerText, type RealServerConns, type VirtualServer } from "../ipvs.ts";

const HEADER = "IP Virtual Server version 1.2.1 (size=4096)\n";
const TITLE = "Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";

/** /etc/services names ipvsadm prints without -n (getservbyport). */
const SERVICE_NAMES: Record<number, string> = { 22: "ssh", 53: "domain", 80: "http", 443: "https", 3306: "mysql", 5432: "postgresql", 6379: "redis", 6443: "sun-sr-https", 8080: "http-alt" };

function ipNumber(ip: string): number {
  return ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

function addrPort(ip: string, port: number, numeric: boolean): string {
  if (numeric) return `${ip}:${port}`;
  // Without -n: gethostbyaddr (only localhost is in the node's /etc/hosts for these) and getservbyport.
  return `${ip === "127.0.0.1" ? "localhost" : ip}:${SERVICE_NAMES[port] ?? port}`;
}

type Format = "plain" | "stats" | "rate";

/** print_largenum: %9llu, or with a K/M/G/T suffix past 100 million (--exact: the whole number, at least 9 wide). */
function largenum(n: number, exact: boolean): string {
  if (exact) {
    const text = String(n);
    return text.padStart(text.length <= 8 ? 9 : text.length + 1);
  }
  if (n < 1e8) return String(n).padStart(9);
  if (n < 1e9) return `${String(Math.floor(n / 1e3)).padStart(8)}K`;
  if (n < 1e11) return `${String(Math.floor(n / 1e6)).padStart(8)}M`;
  if (n < 1e14) return `${String(Math.floor(n / 1e9)).padStart(8)}G`;
  return `${String(Math.floor(n / 1e12)).padStart(8)}T`;
}

const numbers = (t: Traffic, exact: boolean) => [t.conns, t.inPkts, t.outPkts, t.inBytes, t.outBytes].map((n) => largenum(n, exact)).join("");

interface ListContext {
  node: string;
  numeric: boolean;
  format: Format;
  exact: boolean;
  conns: Map<string, RealServerConns>;
  stats: Readonly<Record<string, IpvsCounters>> | undefined;
  now: number;
}

/** print_service_entry: the virtual server's line and its real servers', in the chosen format. */
export function serviceLines(v: VirtualServer, c: ListContext): string {
  const address = addrPort(v.ip, v.port, c.numeric);
  const dests = [...v.realServers].sort((a, b) => ipNumber(a.ip) - ipNumber(b.ip) || a.port - b.port);
  if (c.format === "plain") {
    let s = virtualServerText(v, address) + "\n";
    for (const e of dests) s += realServerText(addrPort(e.ip, e.port, c.numeric), c.conns.get(connsKey(v, e.text))) + "\n";
    return s;
  }
  const of = (key: string) => ipvsStatsOf(c.stats, key, c.now)[c.format === "stats" ? "totals" : "rates"];
  let s = `${`${v.protocol.padEnd(4)} ${address}`.slice(0, 33).padEnd(33)}${numbers(of(virtualServerKey(c.node, v)), c.exact)}\n`;
  for (const e of dests) {
    const t = of(realServerKey(c.node, v, e.text));
    const name = addrPort(e.ip, e.port, c.numeric).slice(0, 28).padEnd(28);
    // --rate prints a real server's CPS and packet rates with %8llu, its byte rates with print_largenum.
    s += c.format === "stats"
      ? `  -> ${name}${numbers(t, c.exact)}\n`
      : `  -> ${name} ${String(t.conns).padStart(8)} ${String(t.inPkts).padStart(8)} ${String(t.outPkts).padStart(8)}${largenum(t.inBytes, c.exact)}${largenum(t.outBytes, c.exact)}\n`;
  }
  return s;
}

/** print_title. */
function title(format: Format): string {
  if (format === "plain") return TITLE;
  const columns = format === "stats" ? ["Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"] : ["CPS", "InPPS", "OutPPS", "InBPS", "OutBPS"];
  return `${"Prot LocalAddress:Port".padEnd(33)} ${columns.map((c) => c.padStart(8)).join(" ")}\n  -> RemoteAddress:Port\n`;
}

function parseService(text: string): { ip: string; port: number } | undefined {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(text);
  return m ? { ip: m[1], port: Number(m[2]) } : undefined;
}

export function ipvsadm(ctx: ProgramContext): number {
  const frame = ctx.shell[ctx.shell.length - 1];
  if (frame.kind !== "node" || frame.user !== "root") {
    ctx.err("Can't initialize ipvs: Permission denied (you must be root)\nAre you sure that IP Virtual Server is built in the kernel or as module?\n");
    return 2;
  }
  const args = ctx.argv.slice(1);
  let numeric = false;
  let format: Format = "plain";
  let exact = false;
  let only: { protocol: "TCP" | "UDP"; ip: string; port: number } | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--list") continue;
    else if (a === "--numeric") numeric = true;
    else if (a === "--stats") format = "stats";
    else if (a === "--rate") format = "rate";
    else if (a === "--exact" || a === "-X") exact = true;
    else if (a === "-t" || a === "--tcp-service" || a === "-u" || a === "--udp-service") {
      const value = args[++i];
      const parsed = value === undefined ? undefined : parseService(value);
      if (!parsed) {
        ctx.err(`Illegal virtual server address[:port] specified\n`);
        return 2;
      }
      only = { protocol: a === "-t" || a === "--tcp-service" ? "TCP" : "UDP", ...parsed };
    } else if (/^-[lLn]+$/.test(a)) {
      if (a.includes("n")) numeric = true;
    } else {
      ctx.err(`${a}: unknown option\n`);
      return 2;
    }
  }
  const servers = nodeVirtualServers(netIndex(ctx.tx.state), frame.node);
  const c: ListContext = { node: frame.node, numeric, format, exact, conns: realServerConnections(ctx.tx.state.conntrack, frame.node, ctx.now), stats: ctx.tx.state.ipvsStats, now: ctx.now };
  if (only) {
    const v = servers.find((s) => s.protocol === only.protocol && s.ip === only.ip && s.port === only.port);
    if (!v) {
      ctx.err("No such service\n");
      return 1;
    }
    ctx.out(title(format) + serviceLines(v, c));
    return 0;
  }
  ctx.out(HEADER + title(format) + servers.map((v) => serviceLines(v, c)).join(""));
  return 0;
}
