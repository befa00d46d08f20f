// nslookup. In pods: busybox 1.37's (networking/nslookup.c): it asks the server given after the
// name, else the first nameserver of /etc/resolv.conf, for A then AAAA (or the -type= types, in
// its qtypes order), one query per search domain when the name has no dot (and none when it has
// one: busybox ignores ndots), and prints every reply as it comes (here in query order):
// parse_reply's records ("Name:/Address:", "nameserver =", "canonical name =", "text =", the SOA's
// origin/mail addr/serial lines ...), "** server can't find NAME: RCODE", and for an empty NOERROR
// answer nothing but the blank line (since 1.34, busybox commit 49fd1d69b; "*** Can't find NAME: No
// answer" is left for queries that got no reply). Every query is a packet through the data plane answered by
// a CoreDNS pod (dns.ts queryServer): with no answer busybox prints ";; connection timed out; no
// servers could be reached". On the workstation and the nodes: bind9's nslookup, against
// systemd-resolved (127.0.0.53, which knows /etc/hosts but no cluster names) or the server given.

import type { ProgramContext } from "../../shell/types.ts";
import { outsideAnswer } from "../outside/index.ts";
import { usesBusybox } from "./where.ts";
import { candidateNames, hostsFile, queryServer, resolvConf, usesClusterDNS, type DnsQueryResult } from "../dns.ts";
import { findImage, imageTag } from "../../cluster/images.ts";
import type { QType, Record } from "../coredns.ts";
import { netIndex } from "../index.ts";
import { isIPv4 } from "../ip.ts";
import type { Place } from "../places.ts";
import { currentPlace } from "./where.ts";
import { labIndexes } from "../lab.ts";

function reverseName(ip: string): string {
  return ip.split(".").reverse().join(".") + ".in-addr.arpa";
}

const BUSYBOX_USAGE = "BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\nQuery DNS about HOST\n\nQUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any\n";

/** busybox's qtypes[], in the order its queries are sent. */
const BUSYBOX_TYPES = ["SOA", "NS", "A", "AAAA", "CNAME", "MX", "TXT", "SRV", "PTR", "ANY"];
/** The types bind's nslookup accepts (dns_rdatatype_fromtext) that a learner asks for. */
const BIND_TYPES = new Set(["A", "AAAA", "ANY", "CAA", "CNAME", "DNSKEY", "DS", "HINFO", "MX", "NAPTR", "NS", "PTR", "SOA", "SRV", "TXT", "AXFR", "IXFR"]);

/**
 * The options: busybox takes them only before the name (-type= -querytype= -port= -retry= -debug
 * -t= -timeout=, exactly; another is the usage; a bad type `invalid query type "X"`), bind anywhere
 * (-type= -ty= -querytype= -query= -qu= -q=; a bad type prints `unknown query type: X` and keeps
 * the default). `types`: the types asked for; `args`: the name and server.
 */
function parseOptions(ctx: ProgramContext, argv: string[], busybox: boolean): { types: string[]; args: string[] } | number {
  const types: string[] = [];
  const args: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("-") || a === "-") {
      if (busybox) break;
      args.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = (eq < 0 ? a.slice(1) : a.slice(1, eq)).toLowerCase();
    const value = eq < 0 ? "" : a.slice(eq + 1);
    if (busybox) {
      if (!["type", "querytype", "port", "retry", "debug", "t", "timeout"].includes(name)) {
        ctx.err(BUSYBOX_USAGE);
        return 1;
      }
      if (name === "type" || name === "querytype") {
        const type = value.toUpperCase();
        if (!BUSYBOX_TYPES.includes(type)) {
          ctx.err(`nslookup: invalid query type "${value}"\n`);
          return 1;
        }
        if (!types.includes(type)) types.push(type);
      }
    } else if (["type", "ty", "querytype", "query", "qu", "q"].includes(name) && eq >= 0) {
      if (BIND_TYPES.has(value.toUpperCase())) types.splice(0, types.length, value.toUpperCase());
      else ctx.out(`unknown query type: ${value}\n`);
    }
  }
  if (busybox) args.push(...argv.slice(i));
  // busybox sends its queries in qtypes order, whatever the order of the options.
  return { types: busybox ? BUSYBOX_TYPES.filter((t) => types.includes(t)) : types, args };
}

export function nslookup(ctx: ProgramContext): number {
  const place = currentPlace(ctx);
  if (!place) return 1;
  const state = ctx.tx.state;
  const index = netIndex(state);
  const busybox = usesBusybox(ctx, place, "nslookup");
  const parsed = parseOptions(ctx, ctx.argv.slice(1), busybox);
  if (typeof parsed === "number") return parsed;
  const { types, args } = parsed;
  if (args.length === 0 || (busybox && args.length > 2)) {
    ctx.err(busybox ? BUSYBOX_USAGE : "");
    return 1;
  }
  const name = args[0];
  const given = args[1];
  const ask = (server: string, q: string, type: QType): DnsQueryResult => queryServer(state, index, place, server, q, type, { now: ctx.now, affinity: state.affinity, tx: ctx.tx });
  if (busybox && (given !== undefined || usesClusterDNS(place, state))) {
    const server = given ?? resolvConf(state, place).nameservers[0];
    if (!isIPv4(server)) {
      ctx.err(`nslookup: bad address '${server}'\n`);
      return 1;
    }
    if (oldBusybox(ctx, place)) return oldBusyboxLookup(ctx, place, server, name, ask);
    return busyboxLookup(ctx, place, server, name, ask, types);
  }
  const type = types[0];
  if (given !== undefined) {
    if (!isIPv4(given)) {
      ctx.out(`;; Got SERVFAIL reply from 127.0.0.53, trying next server\nnslookup: couldn't get address for '${given}': not found\n`);
      return 1;
    }
    if (type && !isIPv4(name)) return bindTypedLookup(ctx, given, [name], name, type, ask);
    return bindLookup(ctx, given, name, ask);
  }
  if (place.kind === "pod" && usesClusterDNS(place, state)) {
    const conf = resolvConf(state, place);
    if (type && !isIPv4(name)) return bindTypedLookup(ctx, conf.nameservers[0], candidateNames(conf, name), name, type, ask);
    return bindSearchLookup(ctx, place, conf.nameservers[0], name, ask);
  }
  const hostname = place.kind === "pod" ? place.nodeName : place.name;
  let out = "Server:\t\t127.0.0.53\nAddress:\t127.0.0.53#53\n\n";
  const entry = hostsFile(index, hostname, place.kind === "workstation" && ctx.clusters ? labIndexes(ctx.clusters, ctx.tx) : undefined).find(([ip, names]) => names.includes(name.toLowerCase()) && isIPv4(ip));
  if (entry) {
    out += `Non-authoritative answer:\nName:\t${name}\nAddress: ${entry[0]}\n\n`;
    ctx.out(out);
    return 0;
  }
  // systemd-resolved forwards to the lab's upstream DNS, which knows the simulated outside world (not from the workstation: no internet).
  const outside = place.kind === "workstation" ? undefined : outsideAnswer(name, "A", "the node's upstream resolver");
  if (outside?.rcode === "NOERROR" && outside.answers.length) {
    out += "Non-authoritative answer:\n";
    for (const r of outside.answers) out += `Name:\t${r.name.replace(/\.$/, "")}\nAddress: ${r.data}\n`;
    ctx.out(`${out}\n`);
    return 0;
  }
  out += `** server can't find ${name}: ${name.includes(".") ? "NXDOMAIN" : "SERVFAIL"}\n\n`;
  ctx.out(out);
  return 1;
}

type Ask = (server: string, q: string, type: QType) => DnsQueryResult;

/**
 * busybox up to 1.28 (busybox:1.28, the kubernetes.io DNS-debugging page's image, and the old
 * gcr.io/google-containers/busybox) had the old nslookup: it resolves the name as getaddrinfo does,
 * through the search path of /etc/resolv.conf, and names each address by its PTR record.
 */
function oldBusybox(ctx: ProgramContext, place: Place): boolean {
  if (place.kind !== "pod") return false;
  const pod = ctx.tx.state.pods[place.key];
  const container = pod?.spec.containers.find((c) => c.name === place.container) ?? pod?.spec.containers[0];
  if (!container) return false;
  const repository = findImage(container.image)?.repository;
  if (repository === "gcr.io/google-containers/busybox") return true;
  if (repository !== "busybox") return false;
  const m = /^1\.(\d+)(?:\.|$|-)/.exec(imageTag(container.image));
  return m !== null && Number(m[1]) <= 28;
}

function oldBusyboxLookup(ctx: ProgramContext, place: Place, server: string, name: string, ask: Ask): number {
  const state = ctx.tx.state;
  const ptrName = (ip: string): string | undefined => {
    const result = ask(server, reverseName(ip), "PTR");
    const ptr = result.kind === "reply" ? result.reply.answers.find((r) => r.type === "PTR") : undefined;
    return ptr?.data.replace(/\.$/, "");
  };
  const addressLine = (ip: string) => {
    const host = ptrName(ip);
    return `Address 1: ${ip}${host ? ` ${host}` : ""}\n`;
  };
  const serverLines = `Server:    ${server}\n${addressLine(server)}\n`;
  if (isIPv4(name)) {
    ctx.out(`${serverLines}Name:      ${name}\n${addressLine(name)}`);
    return 0;
  }
  const search = usesClusterDNS(place, state) ? resolvConf(state, place).search : [];
  const conf = { nameservers: [server], search, ndots: usesClusterDNS(place, state) ? resolvConf(state, place).ndots : 1 };
  for (const q of candidateNames(conf, name)) {
    const result = ask(server, q, "A");
    if (result.kind !== "reply") {
      ctx.out(serverLines);
      ctx.err(`nslookup: can't resolve '${name}'\n`);
      return 1;
    }
    const ips = result.reply.answers.filter((r) => r.type === "A").map((r) => r.data);
    if (result.reply.rcode === "NOERROR" && ips.length) {
      ctx.out(`${serverLines}Name:      ${name}\n${ips.map((ip, i) => addressLine(ip).replace("Address 1:", `Address ${i + 1}:`)).join("")}`);
      return 0;
    }
    if (result.reply.rcode === "SERVFAIL" || result.reply.rcode === "REFUSED") break;
  }
  ctx.out(serverLines);
  ctx.err(`nslookup: can't resolve '${name}'\n`);
  return 1;
}

function noServer(ctx: ProgramContext, server: string, result: DnsQueryResult): number {
  // busybox's send_queries gives up after its retries; a refused write also reports the errno.
  let text = ";; connection timed out; no servers could be reached\n\n";
  if (result.kind === "refused") text += `nslookup: write to '${server}': Connection refused\n`;
  ctx.out(text);
  return 1;
}

/** parse_reply's line for an answer record (names without their final dot, as ns_name_uncompress gives them). */
function busyboxRecord(r: Record): string {
  const bare = (n: string) => n.replace(/\.$/, "");
  const name = bare(r.name);
  switch (r.type) {
    case "A":
      return `Name:\t${name}\nAddress: ${r.data}\n`;
    case "NS":
      return `${name}\tnameserver = ${bare(r.data)}\n`;
    case "CNAME":
      return `${name}\tcanonical name = ${bare(r.data)}\n`;
    case "PTR":
      return `${name}\tname = ${bare(r.data)}\n`;
    case "TXT":
      // The first character-string, as it is.
      return `${name}\ttext = "${/^"((?:[^"\\]|\\.)*)"/.exec(r.data)?.[1].replace(/\\(.)/g, "$1") ?? ""}"\n`;
    case "SRV": {
      const [priority, weight, port, target] = r.data.split(" ");
      return `${name}\tservice = ${priority} ${weight} ${port} ${bare(target)}\n`;
    }
    case "SOA": {
      const [origin, mail, serial, refresh, retry, expire, minimum] = r.data.split(" ");
      return `${name}\n\torigin = ${bare(origin)}\n\tmail addr = ${bare(mail)}\n\tserial = ${serial}\n\trefresh = ${refresh}\n\tretry = ${retry}\n\texpire = ${expire}\n\tminimum = ${minimum}\n`;
    }
  }
  return "";
}

function busyboxLookup(ctx: ProgramContext, place: Place, server: string, name: string, ask: Ask, types: string[]): number {
  const state = ctx.tx.state;
  const search = place.kind === "pod" && usesClusterDNS(place, state) ? resolvConf(state, place).search : [];
  // add_query_with_search: one query per search domain for a name without a dot (PTR never).
  const withSearch = (type: string, n: string) => (type === "PTR" || search.length === 0 || n.includes(".") ? [n] : search.map((s) => `${n}.${s}`));
  const queries: Array<{ type: string; name: string }> = [];
  if (types.length === 0) {
    // No type: an address is a PTR question, anything else A then AAAA.
    if (isIPv4(name)) queries.push({ type: "PTR", name: reverseName(name) });
    else for (const type of ["A", "AAAA"]) for (const q of withSearch(type, name)) queries.push({ type, name: q });
  } else for (const type of types) for (const q of withSearch(type, name)) queries.push({ type, name: q });
  let out = `Server:\t\t${server}\nAddress:\t${server}:53\n\n`;
  // send_queries sets the exit code to 1 on any reply with an error rcode, even when another
  // query of the search list found the name; an empty NOERROR reply prints only its blank line.
  let exitCode = 0;
  let replies = 0;
  const unanswered: string[] = [];
  for (const q of queries) {
    const result = ask(server, q.name, q.type);
    if (result.kind !== "reply") {
      if (replies === 0) return noServer(ctx, server, result);
      unanswered.push(q.name);
      continue;
    }
    replies++;
    const { reply } = result;
    if (reply.rcode !== "NOERROR") {
      out += `** server can't find ${q.name}: ${reply.rcode}\n`;
      exitCode = 1;
    } else {
      // A forwarded answer lacks the AA bit: busybox then says so first.
      if (!reply.authoritative) out += "Non-authoritative answer:\n";
      out += reply.answers.map(busyboxRecord).join("");
    }
    out += "\n";
  }
  if (unanswered.length) out += `${unanswered.map((n) => `*** Can't find ${n}: No answer\n`).join("")}\n`;
  ctx.out(out);
  return exitCode;
}

/**
 * bind's nslookup with a type set (default_lookups off): the search list tried until a name is not
 * NXDOMAIN, then the answer section (printsection: `NAME\tnameserver = ...`, `text = ...`, the
 * SOA's origin/mail addr/... lines, A records as Name/Address), `*** Can't find NAME: No answer`
 * for an empty one, `** server can't find NAME: RCODE` for an error (exit 1); a non-authoritative
 * answer to other types than A and AAAA is followed by "Authoritative answers can be found from:".
 */
function bindTypedLookup(ctx: ProgramContext, server: string, names: string[], typed: string, type: string, ask: Ask): number {
  let last: DnsQueryResult | undefined;
  let asked = names[0];
  for (const q of names) {
    asked = q;
    last = ask(server, q, type);
    if (last.kind !== "reply" || last.reply.rcode !== "NXDOMAIN") break;
  }
  if (!last || last.kind !== "reply") {
    const why = last?.kind === "refused" ? "connection refused" : "timed out";
    ctx.out(`;; communications error to ${server}#53: ${why}\n`.repeat(last?.kind === "refused" ? 1 : 3) + ";; no servers could be reached\n\n");
    return 1;
  }
  const { reply } = last;
  let out = `Server:\t\t${server}\nAddress:\t${server}#53\n\n`;
  if (reply.rcode !== "NOERROR") {
    ctx.out(`${out}** server can't find ${asked.replace(/\.$/, "")}: ${reply.rcode}\n\n`);
    return 1;
  }
  const bare = (n: string) => n.replace(/\.$/, "");
  const section = (records: Record[], answer: boolean) =>
    records
      .map((r) => {
        if (r.type === "A" && answer) return `Name:\t${bare(r.name)}\nAddress: ${r.data}\n`;
        if (r.type === "SOA") {
          const [origin, mail, serial, refresh, retry, expire, minimum] = r.data.split(" ");
          return `${bare(r.name)}\n\torigin = ${bare(origin)}\n\tmail addr = ${bare(mail)}\n\tserial = ${serial}\n\trefresh = ${refresh}\n\tretry = ${retry}\n\texpire = ${expire}\n\tminimum = ${minimum}\n`;
        }
        return `${bare(r.name)}\t${BIND_RTYPE_TEXT[r.type] ?? `${r.type.toLowerCase()} = `}${r.data}\n`;
      })
      .join("");
  if (!reply.authoritative) out += "Non-authoritative answer:\n";
  out += reply.answers.length ? section(reply.answers, true) : `*** Can't find ${typed}: No answer\n`;
  if (!reply.authoritative && type !== "A" && type !== "AAAA") {
    const authority = reply.soa && reply.answers.length === 0 ? [reply.soa] : [];
    out += `\nAuthoritative answers can be found from:\n${section(authority, false)}${section(reply.additional ?? [], false)}`;
  }
  ctx.out(`${out}\n`);
  return 0;
}

/** nslookup.c's rtypetext: the words printrdata puts before a record's data. */
const BIND_RTYPE_TEXT: { [type: string]: string } = { A: "internet address = ", NS: "nameserver = ", CNAME: "canonical name = ", PTR: "name = ", MX: "mail exchanger = ", TXT: "text = ", SRV: "service = " };

/** bind9's nslookup against the given server: A, then AAAA printed only when it has records. */
/**
 * bind's nslookup without a server in a cluster-DNS pod (jessie-dnsutils, netshoot): it applies the
 * search path of /etc/resolv.conf, and names the record by the name that answered.
 */
function bindSearchLookup(ctx: ProgramContext, place: Place, server: string, name: string, ask: Ask): number {
  if (isIPv4(name)) return bindLookup(ctx, server, name, ask);
  const conf = { ...resolvConf(ctx.tx.state, place), nameservers: [server] };
  let last: DnsQueryResult | undefined;
  for (const q of candidateNames(conf, name)) {
    last = ask(server, q, "A");
    if (last.kind !== "reply") break;
    if (last.reply.rcode === "NOERROR" && last.reply.answers.length) return bindLookup(ctx, server, q, () => last!);
    if (last.reply.rcode === "SERVFAIL" || last.reply.rcode === "REFUSED") break;
  }
  if (last && last.kind !== "reply") return bindLookup(ctx, server, name, () => last!);
  ctx.out(`Server:\t\t${server}\nAddress:\t${server}#53\n\n** server can't find ${name}: ${last?.kind === "reply" && last.reply.rcode !== "NOERROR" ? last.reply.rcode : "NXDOMAIN"}\n\n`);
  return 1;
}

function bindLookup(ctx: ProgramContext, server: string, name: string, ask: Ask): number {
  const query = isIPv4(name) ? reverseName(name) : name;
  const result = ask(server, query, isIPv4(name) ? "PTR" : "A");
  if (result.kind !== "reply") {
    const why = result.kind === "refused" ? "connection refused" : "timed out";
    ctx.out(`;; communications error to ${server}#53: ${why}\n`.repeat(result.kind === "refused" ? 1 : 3) + ";; no servers could be reached\n\n");
    return 1;
  }
  let out = `Server:\t\t${server}\nAddress:\t${server}#53\n\n`;
  const { reply } = result;
  if (reply.rcode !== "NOERROR" || reply.answers.length === 0) {
    out += `** server can't find ${query}: ${reply.rcode === "NOERROR" ? "NXDOMAIN" : reply.rcode}\n\n`;
    ctx.out(out);
    return 1;
  }
  if (!reply.authoritative) out += "Non-authoritative answer:\n";
  for (const r of reply.answers) out += r.type === "PTR" ? `${query}\tname = ${r.data}\n` : r.type === "CNAME" ? `${r.name.replace(/\.$/, "")}\tcanonical name = ${r.data}\n` : `Name:\t${r.name.replace(/\.$/, "")}\nAddress: ${r.data}\n`;
  out += "\n";
  ctx.out(out);
  return 0;
}
