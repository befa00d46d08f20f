// ipvsadm (1.31, Ubuntu 24.04's package) on a node: `ipvsadm -Ln` lists the IPVS table the node's
// kube-proxy keeps in ipvs mode (ipvs.ts), the same virtual servers the router uses. In iptables
// mode the table is empty: ipvsadm loads ip_vs itself and finds no virtual server. The formats are
// ipvsadm.c's list_all/print_title/print_service_entry: services sorted by protocol, address and
// port, real servers sorted by address and port; `  -> %-28s %-7s %-6d %-10u %-10u`.

import type { ProgramContext } from "../../shell/types.ts";
import { netIndex } from "../index.ts";
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

export function serviceLines(v: VirtualServer, numeric: boolean, conns: Map<string, RealServerConns>): string {
  let s = virtualServerText(v, addrPort(v.ip, v.port, numeric)) + "\n";
  const dests = [...v.realServers].sort((a, b) => ipNumber(a.ip) - ipNumber(b.ip) || a.port - b.port);
  for (const e of dests) s += realServerText(addrPort(e.ip, e.port, numeric), conns.get(connsKey(v, e.text))) + "\n";
  return s;
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
  let only: { protocol: "TCP" | "UDP"; ip: string; port: number } | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--list") continue;
    else if (a === "--numeric") numeric = true;
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
  const conns = realServerConnections(ctx.tx.state.conntrack, frame.node, ctx.now);
  if (only) {
    const v = servers.find((s) => s.protocol === only.protocol && s.ip === only.ip && s.port === only.port);
    if (!v) {
      ctx.err("No such service\n");
      return 1;
    }
    ctx.out(TITLE + serviceLines(v, numeric, conns));
    return 0;
  }
  ctx.out(HEADER + TITLE + servers.map((v) => serviceLines(v, numeric, conns)).join(""));
  return 0;
}
