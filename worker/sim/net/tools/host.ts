// bind's host (bin/dig/host.c) in the DNS debugging images (netshoot's bind-tools, jessie's
// dnsutils), in its short form: each answer record as `NAME has address IP`, `NAME is an alias for
// TARGET.`, `NAME domain name pointer TARGET.`, `NAME has SRV record DATA` (say_message: the owner
// without its final dot, the rdata as text). A name is looked up through the search path of
// /etc/resolv.conf (usesearch); without -t host asks A, then AAAA and MX for the name at the end of
// the CNAME chain, and prints nothing for their empty answers. With -t TYPE an empty answer prints
// `NAME has no TYPE record`. An IP address asks its PTR record without the search path. A failed
// answer prints `Host NAME not found: 3(NXDOMAIN)` (the name as typed for NXDOMAIN, the name asked
// otherwise) and host exits 1. `host NAME SERVER` asks that server and first names it
// ("Using domain server:").

import type { DnsReply, QType } from "../coredns.ts";
import { candidateNames, queryServer, resolvConf, usesClusterDNS } from "../dns.ts";
import { netIndex } from "../index.ts";
import { isIPv4 } from "../ip.ts";
import type { ProgramContext } from "../../shell/types.ts";
import { currentPlace } from "./where.ts";

const USAGE = `Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time]
            [-R number] [-m flag] [-p port] hostname [server]
       -a is equivalent to -v -t ANY
       -A is like -a but omits RRSIG, NSEC, NSEC3
       -c specifies query class for non-IN data
       -C compares SOA records on authoritative nameservers
       -d is equivalent to -v
       -l lists all hosts in a domain, using AXFR
       -m set memory debugging flag (trace|record|usage)
       -N changes the number of dots allowed before root lookup is done
       -p specifies the port on the server to query
       -r disables recursive processing
       -R specifies number of retries for UDP packets
       -s a SERVFAIL response should stop query
       -t specifies the query type
       -T enables TCP/IP mode
       -U enables UDP mode
       -v enables verbose output
       -V print version number and exit
       -w specifies to wait forever for a reply
       -W specifies how long to wait for a reply
       -4 use IPv4 query transport only
       -6 use IPv6 query transport only
`;

/** Types dns_rdatatype_fromtext knows that a learner asks for. */
const TYPES = new Set(["A", "AAAA", "CNAME", "MX", "NS", "PTR", "SOA", "SRV", "TXT", "ANY", "CAA", "HINFO", "NAPTR", "DS", "DNSKEY"]);

/** host.c's rtypes: the words say_message prints for a record type. */
const SAYS: Record<string, string> = { A: "has address", NS: "name server", CNAME: "is an alias for", PTR: "domain name pointer", MX: "mail is handled by", TXT: "descriptive text", AAAA: "has IPv6 address" };

const RCODES: Record<string, number> = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };

const bare = (name: string) => name.replace(/\.$/, "");

export function host(ctx: ProgramContext): number {
  const args = ctx.argv.slice(1);
  let type: string | undefined;
  let ndots: number | undefined;
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith("-") || a === "-") {
      operands.push(a);
      continue;
    }
    // isc_commandline_parse: flags may be grouped; an option's argument follows it or is the next word.
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      if ("46sTUwrC".includes(c)) continue;
      if ("tWRNcmp".includes(c)) {
        const value = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (value === undefined) {
          ctx.err(`host: option requires an argument -- ${c}\n${USAGE}`);
          return 1;
        }
        if (c === "t") {
          type = value.toUpperCase();
          if (!TYPES.has(type)) {
            ctx.err(`host: invalid type: ${value}\n\n`);
            return 2;
          }
        } else if (c === "N") ndots = Number(value);
        break;
      }
      if ("vdaAl".includes(c)) {
        ctx.note?.(`The playground's host prints the short form only; for the whole message use dig.`);
        return 1;
      }
      if (c === "V") {
        ctx.err("host 9.18.33\n");
        return 0;
      }
      ctx.err(`host: illegal option -- ${c}\n${USAGE}`);
      return 1;
    }
  }
  if (operands.length === 0) {
    ctx.err(USAGE);
    return 1;
  }
  const place = currentPlace(ctx);
  if (!place) return 1;
  const state = ctx.tx.state;
  const index = netIndex(state);
  const conf = place.kind === "pod" && usesClusterDNS(place, state) ? resolvConf(state, place) : { nameservers: ["127.0.0.53"], search: [], ndots: 1 };
  const [name, serverArg] = operands;
  let out = "";
  if (serverArg !== undefined) {
    if (!isIPv4(serverArg)) {
      ctx.err(`host: couldn't get address for '${serverArg}': not found\n`);
      return 1;
    }
    out += `Using domain server:\nName: ${serverArg}\nAddress: ${serverArg}#53\nAliases: \n\n`;
  }
  const server = serverArg ?? conf.nameservers[0];
  const ask = (qname: string, qtype: string): DnsReply | "timed-out" => {
    const result = queryServer(state, index, place, server, `${qname}.`, qtype as QType, { now: ctx.now, affinity: state.affinity });
    if (result.kind !== "reply") return "timed-out";
    return result.reply;
  };
  const noServers = () => {
    ctx.out(`${out};; connection timed out; no servers could be reached\n`);
    return 1;
  };
  const printed = (reply: DnsReply) => reply.answers.map((r) => `${bare(r.name)} ${SAYS[r.type] ?? `has ${r.type} record`} ${r.data}\n`).join("");
  const failed = (reply: DnsReply, textname: string, asked: string) => `Host ${reply.rcode === "NXDOMAIN" ? textname : asked} not found: ${RCODES[reply.rcode]}(${reply.rcode})\n`;

  if (isIPv4(name)) {
    // get_reverse: the PTR name, asked as it is (no search path); default_lookups is off, so an empty answer says so.
    const reverse = `${name.split(".").reverse().join(".")}.in-addr.arpa`;
    const reply = ask(reverse, type ?? "PTR");
    if (reply === "timed-out") return noServers();
    if (reply.rcode !== "NOERROR") {
      ctx.out(out + failed(reply, reverse, reverse));
      return 1;
    }
    ctx.out(out + (reply.answers.length ? printed(reply) : `${reverse} has no ${type ?? "PTR"} record\n`));
    return 0;
  }

  // The search path (dighost's next_origin): the next name is tried only after NXDOMAIN.
  const names = candidateNames(ndots === undefined ? conf : { ...conf, ndots }, name);
  const qtype = type ?? "A";
  let asked = "";
  let reply: DnsReply | undefined;
  for (const candidate of names) {
    asked = bare(candidate);
    const r = ask(asked, qtype);
    if (r === "timed-out") return noServers();
    reply = r;
    if (r.rcode !== "NXDOMAIN") break;
  }
  if (!reply || reply.rcode !== "NOERROR") {
    ctx.out(out + failed(reply!, name, asked));
    return 1;
  }
  out += printed(reply);
  if (type !== undefined) {
    if (reply.answers.length === 0) out += `${asked} has no ${type} record\n`;
    ctx.out(out);
    return 0;
  }
  // default_lookups: AAAA and MX for the end of the CNAME chain (chase_cnamechain), without the search path.
  let canonical = `${asked}.`;
  for (const r of reply.answers) if (r.type === "CNAME" && r.name === canonical) canonical = r.data;
  for (const more of ["AAAA", "MX"]) {
    const r = ask(bare(canonical), more);
    if (r === "timed-out") return noServers();
    if (r.rcode !== "NOERROR") {
      out += failed(r, bare(canonical), bare(canonical));
      ctx.out(out);
      return 1;
    }
    out += printed(r);
  }
  ctx.out(out);
  return 0;
}
