// bind's dig in the DNS debugging images: one question to the resolv.conf nameserver (or @SERVER),
// sent through the data plane as any DNS packet is (dns.ts queryServer), printed as dig prints
// it: the `; <<>> DiG` header, the HEADER and flags lines (CoreDNS's kubernetes answers are
// authoritative and do not offer recursion, hence dig's WARNING), the OPT pseudosection, the
// question and sections in master-file columns (bind's masterdump.c indent: name, TTL at 24, class
// at 32, type at 40, data at 48, tabs up to a column, one space once a field overflows it), and the
// statistics. `+short` prints the data only; `+search` applies the search path (dig does not by
// default); `-x ADDR` asks the PTR. The version follows the image: jessie-dnsutils has Debian
// jessie's 9.9.5, netshoot a 9.18 (its SERVER line names the transport, its EDNS buffer is 1232
// and it echoes the server's cookie).

import { fnv32a } from "../../cluster/ids.ts";
import type { DnsReply, QType, Record } from "../coredns.ts";
import { candidateNames, queryServer, resolvConf, usesClusterDNS } from "../dns.ts";
import { netIndex } from "../index.ts";
import { isIPv4 } from "../ip.ts";
import type { ProgramContext } from "../../shell/types.ts";
import { currentPlace, imageOf } from "./where.ts";

const TYPES = new Set(["A", "AAAA", "PTR", "SRV", "CNAME", "MX", "TXT", "NS", "SOA", "ANY"]);

interface Flavor {
  version: string;
  udp: number;
  cookie: boolean;
  transport: boolean;
  /** Newer dig warns when a query for a .local name goes to unicast DNS. */
  mdnsWarning: boolean;
}

const JESSIE: Flavor = { version: "9.9.5-9+deb8u19-Debian", udp: 4096, cookie: false, transport: false, mdnsWarning: false };
const MODERN: Flavor = { version: "9.18.33", udp: 1232, cookie: true, transport: true, mdnsWarning: true };

/** bind's indent(): tabs to the tab stop before `to`, then spaces; at least one space. */
function indent(column: number, to: number): [string, number] {
  const target = Math.max(to, column + 1);
  const tabs = Math.floor(target / 8) - Math.floor(column / 8);
  let text = "";
  let at = column;
  if (tabs > 0) {
    text += "\t".repeat(tabs);
    at = Math.floor(target / 8) * 8;
  }
  text += " ".repeat(target - at);
  return [text, target];
}

function recordLine(r: Record): string {
  let line = r.name;
  let column = r.name.length;
  for (const [value, to] of [[String(r.ttl), 24], ["IN", 32], [r.type, 40]] as const) {
    const [pad, at] = indent(column, to);
    line += pad + value;
    column = at + value.length;
  }
  const [pad] = indent(column, 48);
  return `${line}${pad}${r.data}\n`;
}

function questionLine(name: string, type: string): string {
  // The leading ';' is not counted in the columns.
  let column = name.length;
  const [pad, at] = indent(column, 32);
  column = at + 2;
  const [pad2] = indent(column, 40);
  return `;${name}${pad}IN${pad2}${type}\n`;
}

/** Length of a name in DNS wire format (CoreDNS does not compress its answers). */
function wireLength(name: string): number {
  const labels = name.replace(/\.$/, "").split(".").filter(Boolean);
  return labels.reduce((n, l) => n + 1 + l.length, 1);
}

function rdataLength(r: Record): number {
  if (r.type === "A") return 4;
  // MNAME, RNAME, then serial, refresh, retry, expire and minimum (32 bits each).
  if (r.type === "SOA") return wireLength(r.data.split(" ")[0]) + wireLength(r.data.split(" ")[1]) + 20;
  if (r.type === "SRV") return 6 + wireLength(r.data.split(" ")[3]);
  return wireLength(r.data);
}

/** What the kubernetes plugin puts in the authority section: its zone's SOA on NXDOMAIN and NODATA. */
function authorityOf(reply: DnsReply): Record[] {
  return reply.soa && (reply.rcode === "NXDOMAIN" || (reply.rcode === "NOERROR" && reply.answers.length === 0)) ? [reply.soa] : [];
}

function messageSize(qname: string, reply: DnsReply, opt: number): number {
  const records = [...reply.answers, ...authorityOf(reply), ...(reply.additional ?? [])];
  return 12 + wireLength(qname) + 4 + records.reduce((n, r) => n + wireLength(r.name) + 10 + rdataLength(r), 0) + opt;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number) => String(n).padStart(2, "0");

/** dig's WHEN line (the container's clock is UTC): `Tue Jun 18 16:26:17 UTC 2024`. */
function when(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

function reverseName(ip: string): string {
  return `${ip.split(".").reverse().join(".")}.in-addr.arpa`;
}

export function dig(ctx: ProgramContext): number {
  const place = currentPlace(ctx);
  if (!place) return 1;
  const state = ctx.tx.state;
  const index = netIndex(state);
  const flavor = imageOf(ctx, place) === "registry.k8s.io/e2e-test-images/jessie-dnsutils" ? JESSIE : MODERN;
  const args = ctx.argv.slice(1);
  let server: string | undefined;
  let type: string | undefined;
  let name: string | undefined;
  let short = false;
  let search = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith("@")) server = a.slice(1);
    else if (a === "-t") type = (args[++i] ?? "").toUpperCase();
    else if (a === "-x") {
      const ip = args[++i] ?? "";
      if (!isIPv4(ip)) {
        ctx.err(`Invalid IP address ${ip}\n`);
        return 1;
      }
      name = reverseName(ip);
      type = "PTR";
    } else if (a === "+short") short = true;
    else if (a === "+search") search = true;
    else if (a === "+nosearch" || a === "+noshort") {
      if (a === "+noshort") short = false;
      else search = false;
    } else if (a.startsWith("+")) {
      ctx.err(`Invalid option: ${a}\nUsage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}\n            {global-d-opt} host [@local-server] {local-d-opt}\n            [ host [@local-server] {local-d-opt} [...]]\n\nUse \"dig -h\" (or \"dig -h | more\") for complete list of options\n`);
      return 1;
    } else if (TYPES.has(a.toUpperCase())) type = a.toUpperCase();
    else if (a.toUpperCase() === "IN") continue;
    else name = a;
  }
  const conf = place.kind === "pod" && usesClusterDNS(place, state) ? resolvConf(state, place) : { nameservers: ["127.0.0.53"], search: [], ndots: 1 };
  const nameserver = server ?? conf.nameservers[0];
  if (!isIPv4(nameserver)) {
    ctx.err(`dig: couldn't get address for '${nameserver}': not found\n`);
    return 10;
  }
  const qtype = type ?? "A";
  const asked = name ?? ".";
  const header = `\n; <<>> DiG ${flavor.version} <<>> ${args.join(" ")}\n${server ? "; (1 server found)\n" : ""};; global options: +cmd\n`;
  const supported = qtype === "A" || qtype === "AAAA" || qtype === "PTR" || qtype === "SRV";
  // +search: the names a resolver would try, in order, until one has records.
  const names = search && name ? candidateNames({ ...conf, nameservers: [nameserver] }, name) : [asked];
  let qname = "";
  let reply: DnsReply | undefined;
  for (const n of names) {
    qname = n.endsWith(".") ? n : `${n}.`;
    const result = queryServer(state, index, place, nameserver, qname, (supported ? qtype : "A") as QType, { now: ctx.now, affinity: state.affinity, tx: ctx.tx, edns: { udp: flavor.udp, cookie: flavor.cookie } });
    if (result.kind !== "reply") {
      const lines = result.kind === "refused" ? `;; communications error to ${nameserver}#53: connection refused\n` : "";
      ctx.out(short ? `${lines};; connection timed out; no servers could be reached\n` : `${header}${lines};; connection timed out; no servers could be reached\n`);
      return 9;
    }
    reply = supported ? result.reply : { ...result.reply, answers: [], additional: [] };
    if (reply.rcode !== "NXDOMAIN" && reply.answers.length) break;
    if (reply.rcode === "SERVFAIL" || reply.rcode === "REFUSED") break;
  }
  const r = reply!;
  if (short) {
    ctx.out(r.answers.map((a) => `${a.data}\n`).join(""));
    return 0;
  }
  const id = fnv32a(`${place.ip}|${qname}|${ctx.now}`) % 65536;
  const flags = ["qr", ...(r.authoritative ? ["aa"] : []), "rd", ...(r.authoritative ? [] : ["ra"])].join(" ");
  const additional = r.additional ?? [];
  let out = header + ";; Got answer:\n";
  if (flavor.mdnsWarning && /\.local\.$/.test(qname)) out += ";; WARNING: .local is reserved for Multicast DNS\n;; You are currently testing what happens when an mDNS query is leaked to DNS\n";
  out += `;; ->>HEADER<<- opcode: QUERY, status: ${r.rcode}, id: ${id}\n`;
  const authority = authorityOf(r);
  out += `;; flags: ${flags}; QUERY: 1, ANSWER: ${r.answers.length}, AUTHORITY: ${authority.length}, ADDITIONAL: ${additional.length + 1}\n`;
  if (r.authoritative) out += ";; WARNING: recursion requested but not available\n";
  const cookie = flavor.cookie ? fnv32a(`cookie|${place.ip}|${ctx.now}`).toString(16).padStart(8, "0") + fnv32a(`cookie2|${qname}`).toString(16).padStart(8, "0") : "";
  out += `\n;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: ${flavor.udp}\n${flavor.cookie ? `; COOKIE: ${cookie} (echoed)\n` : ""}`;
  out += `;; QUESTION SECTION:\n${questionLine(qname, qtype)}`;
  if (r.answers.length) out += `\n;; ANSWER SECTION:\n${r.answers.map(recordLine).join("")}`;
  if (authority.length) out += `\n;; AUTHORITY SECTION:\n${authority.map(recordLine).join("")}`;
  if (additional.length) out += `\n;; ADDITIONAL SECTION:\n${additional.map(recordLine).join("")}`;
  const size = messageSize(qname, r, 11 + (flavor.cookie ? 12 : 0));
  const ms = r.authoritative ? 0 : 4 + (fnv32a(qname) % 20);
  out += `\n;; Query time: ${ms} msec\n;; SERVER: ${nameserver}#53(${nameserver})${flavor.transport ? " (UDP)" : ""}\n;; WHEN: ${when(ctx.now)}\n;; MSG SIZE  rcvd: ${size}\n\n`;
  ctx.out(out);
  return 0;
}
