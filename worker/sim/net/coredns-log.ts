// CoreDNS's log plugin (plugin/log, v1.12.1): each query a server block with `log` answers is
// written to stdout, through clog.Info (`[INFO] ` first), in the rule's format. The default is
// CommonLogFormat, `{remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do}
// {>bufsize}" {rcode} {>rflags} {rsize} {duration}`; `{combined}` adds ` "{>opcode}"`. A rule
// covers the names under its scopes (`log [NAMES...] [FORMAT]`) and, with a `class` line in its
// block, only answers of those classes (response.Classify: success, denial, error).

import type { DnsReply, Directive, QType, ServerBlock } from "./coredns.ts";
import { dnsMessageSize, dnsWireLength, fqdn } from "./coredns.ts";

const COMMON = `{remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags} {rsize} {duration}`;
const COMBINED = `${COMMON} "{>opcode}"`;

/** The replacer's labels (plugin/pkg/replacer: `labels`); others are kept as written, metadata (`{/x}`) is `-` here. */
const LABELS = new Set(["{type}", "{name}", "{class}", "{proto}", "{size}", "{remote}", "{port}", "{local}", "{>id}", "{>opcode}", "{>do}", "{>bufsize}", "{rcode}", "{rsize}", "{duration}", "{>rflags}"]);

export interface LoggedQuery {
  qname: string;
  qtype: QType;
  reply: DnsReply;
  client: { ip: string; port: number };
  /** The address the query arrived at (the CoreDNS pod's). */
  local: string;
  id: number;
  /** The EDNS0 OPT record the client sent (dig's), or none (glibc's and busybox's resolvers). */
  edns?: { udp: number; cookie: boolean };
  /** How long the server took, in nanoseconds. */
  durationNs: number;
  /** The transport the question came over (dig +tcp, and dig's ANY); UDP unless given. */
  protocol?: "UDP" | "TCP";
}

interface Rule {
  scope: string;
  format: string;
  classes: Set<string>;
}

function rules(server: ServerBlock): Rule[] {
  const out: Rule[] = [];
  for (const d of server.directives) {
    if (d.name !== "log") continue;
    let args = d.args;
    let format = COMMON;
    if (args.length > 1 && args[args.length - 1].includes("{")) {
      format = args[args.length - 1].replaceAll("{common}", COMMON).replaceAll("{combined}", COMBINED);
      args = args.slice(0, -1);
    }
    const classes = new Set(classLines(d));
    if (classes.size === 0) classes.add("all");
    for (const scope of args.length ? args : ["."]) out.push({ scope: fqdn(scope), format, classes });
  }
  return out;
}

function classLines(d: Directive): string[] {
  return d.block.filter((b) => b.name === "class").flatMap((b) => b.args);
}

/** response.Classify of response.Typify: NOERROR with records is success, NXDOMAIN and NODATA denial, the rest error. */
function classOf(reply: DnsReply): string {
  if (reply.rcode === "NOERROR") return reply.answers.length ? "success" : "denial";
  return reply.rcode === "NXDOMAIN" ? "denial" : "error";
}

function inScope(name: string, scope: string): boolean {
  return scope === "." || name === scope || name.endsWith(`.${scope}`);
}

/** strconv.FormatFloat(secs, 'f', -1, 64) + "s". */
function seconds(ns: number): string {
  return `${(ns / 1e9).toFixed(9).replace(/0+$/, "").replace(/\.$/, "")}s`;
}

/** The line the log plugin of this server block writes for a query, or undefined when no rule covers it. */
export function corednsLogLine(server: ServerBlock, q: LoggedQuery): string | undefined {
  const name = fqdn(q.qname);
  const rule = rules(server).find((r) => inScope(name, r.scope));
  if (!rule || (!rule.classes.has("all") && !rule.classes.has(classOf(q.reply)))) return undefined;
  const opt = q.edns ? 11 + (q.edns.cookie ? 12 : 0) : 0;
  const flags = ["qr", ...(q.reply.authoritative ? ["aa"] : []), "rd", ...(q.reply.authoritative ? [] : ["ra"])].join(",");
  const values: { [label: string]: string } = {
    "{type}": q.qtype,
    "{name}": name,
    "{class}": "IN",
    "{proto}": (q.protocol ?? "UDP").toLowerCase(),
    "{size}": String(12 + dnsWireLength(name) + 4 + opt),
    "{remote}": q.client.ip,
    "{port}": String(q.client.port),
    "{local}": q.local,
    "{>id}": String(q.id),
    "{>opcode}": "0",
    "{>do}": "false",
    "{>bufsize}": String(q.edns ? Math.max(q.edns.udp, 512) : 512),
    "{rcode}": q.reply.rcode,
    "{rsize}": String(dnsMessageSize(name, q.reply, opt)),
    "{duration}": seconds(q.durationNs),
    "{>rflags}": flags,
  };
  const line = rule.format.replace(/\{[^{}]*\}/g, (label) => (LABELS.has(label) ? values[label] : label.startsWith("{/") ? "-" : label));
  return `[INFO] ${line}`;
}
