// nslookup. In pods: busybox 1.37's (networking/nslookup.c): it asks the server given after the
// name, else the first nameserver of /etc/resolv.conf, for A then AAAA, one query per search
// domain when the name has no dot (and none when it has one: busybox ignores ndots), and prints
// every reply as it comes (here in query order): the records, "** server can't find NAME: RCODE"
// or "*** Can't find NAME: No answer". Every query is a packet through the data plane answered by
// a CoreDNS pod (dns.ts queryServer): with no answer busybox prints ";; connection timed out; no
// servers could be reached". On the workstation and the nodes: bind9's nslookup, against
// systemd-resolved (127.0.0.53, which knows /etc/hosts but no cluster names) or the server given.

import type { ProgramContext } from "../../shell/types.ts";
import { outsideAnswer } from "../outside/index.ts";
import { usesBusybox } from "./where.ts";
import { candidateNames, hostsFile, queryServer, resolvConf, usesClusterDNS, type DnsQueryResult } from "../dns.ts";
import { findImage, imageTag } from "../../cluster/images.ts";
import type { QType } from "../coredns.ts";
import { netIndex } from "../index.ts";
import { isIPv4 } from "../ip.ts";
import type { Place } from "../places.ts";
import { currentPlace } from "./where.ts";
import { labIndexes } from "../lab.ts";

function reverseName(ip: string): string {
  return ip.split(".").reverse().join(".") + ".in-addr.arpa";
}

export function nslookup(ctx: ProgramContext): number {
  const args = ctx.argv.slice(1).filter((a) => !a.startsWith("-"));
  const place = currentPlace(ctx);
  if (!place) return 1;
  const state = ctx.tx.state;
  const index = netIndex(state);
  const busybox = usesBusybox(ctx, place, "nslookup");
  if (args.length === 0) {
    ctx.err(busybox ? "BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\nQuery DNS about HOST\n\nQUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any\n" : "");
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
    return busyboxLookup(ctx, place, server, name, ask);
  }
  if (given !== undefined) {
    if (!isIPv4(given)) {
      ctx.out(`;; Got SERVFAIL reply from 127.0.0.53, trying next server\nnslookup: couldn't get address for '${given}': not found\n`);
      return 1;
    }
    return bindLookup(ctx, given, name, ask);
  }
  if (place.kind === "pod" && usesClusterDNS(place, state)) return bindSearchLookup(ctx, place, resolvConf(state, place).nameservers[0], name, ask);
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

function busyboxLookup(ctx: ProgramContext, place: Place, server: string, name: string, ask: Ask): number {
  const state = ctx.tx.state;
  let out = `Server:\t\t${server}\nAddress:\t${server}:53\n\n`;
  if (isIPv4(name)) {
    const ptr = reverseName(name);
    const result = ask(server, ptr, "PTR");
    if (result.kind !== "reply") return noServer(ctx, server, result);
    const names = result.reply.answers.filter((r) => r.type === "PTR");
    if (names.length) for (const r of names) out += `${ptr}\tname = ${r.data.replace(/\.$/, "")}\n`;
    else out += `** server can't find ${ptr}: ${result.reply.rcode === "NOERROR" ? "NXDOMAIN" : result.reply.rcode}\n`;
    out += "\n";
    ctx.out(out);
    return names.length ? 0 : 1;
  }
  const search = place.kind === "pod" && usesClusterDNS(place, state) ? resolvConf(state, place).search : [];
  const queries = name.includes(".") || search.length === 0 ? [name] : search.map((s) => `${name}.${s}`);
  // send_queries sets the exit code to 1 on any reply with an error rcode, even when another
  // query of the search list found the name; a NOERROR reply without records (every AAAA query:
  // the cluster is IPv4-only) prints "No answer" and leaves the exit code alone.
  let exitCode = 0;
  let replies = 0;
  for (const type of ["A", "AAAA"] as const) {
    for (const q of queries) {
      const result = ask(server, q, type);
      if (result.kind !== "reply") {
        if (replies === 0) return noServer(ctx, server, result);
        continue;
      }
      replies++;
      const { reply } = result;
      // An ExternalName's CNAME comes with the query's answer, A or AAAA alike.
      const records = reply.answers.filter((r) => r.type === "CNAME" || (type === "A" && r.type === "A"));
      if (reply.rcode !== "NOERROR") {
        out += `** server can't find ${q}: ${reply.rcode}\n\n`;
        exitCode = 1;
      } else if (records.length) {
        // A forwarded answer lacks the AA bit: busybox then says so first.
        if (!reply.authoritative) out += "Non-authoritative answer:\n";
        for (const r of records) out += r.type === "CNAME" ? `${r.name.replace(/\.$/, "")}\tcanonical name = ${r.data.replace(/\.$/, "")}\n` : `Name:\t${r.name.replace(/\.$/, "")}\nAddress: ${r.data}\n`;
        out += "\n";
      } else out += `*** Can't find ${q}: No answer\n\n`;
    }
  }
  ctx.out(out);
  return exitCode;
}

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
