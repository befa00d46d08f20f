// nslookup. In pods: busybox 1.37's (networking/nslookup.c): it asks the first nameserver of
// /etc/resolv.conf for A then AAAA, one query per search domain when the name has no dot (and none
// when it has one: busybox ignores ndots), and prints every reply as it comes (here in query
// order): the records, "** server can't find NAME: RCODE" or "*** Can't find NAME: No answer". On the workstation and the nodes: bind9's nslookup against systemd-resolved (127.0.0.53),
// which knows /etc/hosts but no cluster names.

import type { ProgramContext } from "../../shell/types.ts";
import { clusterLookup, hostsFile, searchPath, usesClusterDNS } from "../dns.ts";
import { netIndex } from "../index.ts";
import { isIPv4 } from "../ip.ts";
import { currentPlace } from "./where.ts";

export function nslookup(ctx: ProgramContext): number {
  const args = ctx.argv.slice(1).filter((a) => !a.startsWith("-"));
  const place = currentPlace(ctx);
  if (!place) return 1;
  const state = ctx.tx.state;
  const index = netIndex(state);
  if (args.length === 0) {
    ctx.err(usesClusterDNS(place) ? "BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\nQuery DNS about HOST\n\nQUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any\n" : "");
    return 1;
  }
  const name = args[0];
  if (place.kind === "pod" && !place.hostNetwork) {
    const server = state.config.dnsServiceIP;
    let out = `Server:\t\t${server}\nAddress:\t${server}:53\n\n`;
    if (isIPv4(name)) {
      const ptr = name.split(".").reverse().join(".") + ".in-addr.arpa";
      const svc = Object.values(state.services).find((s) => s.spec.clusterIP === name);
      const domain = state.config.clusterDomain;
      if (svc) out += `${ptr}\tname = ${svc.metadata.name}.${svc.metadata.namespace}.svc.${domain}\n\n`;
      else {
        const pod = index.podByIP(name);
        if (pod) out += `${ptr}\tname = ${name.replace(/\./g, "-")}.${pod.pod.metadata.namespace}.pod.${domain}\n\n`;
        else out += `** server can't find ${ptr}: NXDOMAIN\n\n`;
      }
      ctx.out(out);
      return out.includes("NXDOMAIN") ? 1 : 0;
    }
    const queries = name.includes(".") ? [name] : searchPath(state, place.namespace).map((s) => `${name}.${s}`);
    // send_queries sets the exit code to 1 on any reply with an error rcode, even when another
    // query of the search list found the name; a NOERROR reply without records (every AAAA query:
    // the cluster is IPv4-only) prints "No answer" and leaves the exit code alone.
    let exitCode = 0;
    for (const type of ["A", "AAAA"]) {
      for (const q of queries) {
        const answer = clusterLookup(state, index, q);
        if (answer.rcode !== "NOERROR") {
          out += `** server can't find ${q}: ${answer.rcode}\n\n`;
          exitCode = 1;
        } else if (type === "A" && answer.ips.length) {
          // CoreDNS is authoritative for the cluster domain: no "Non-authoritative answer:".
          for (const ip of answer.ips) out += `Name:\t${q}\nAddress: ${ip}\n`;
          out += "\n";
        } else out += `*** Can't find ${q}: No answer\n\n`;
      }
    }
    ctx.out(out);
    return exitCode;
  }
  const hostname = place.kind === "pod" ? place.nodeName : place.name;
  let out = "Server:\t\t127.0.0.53\nAddress:\t127.0.0.53#53\n\n";
  const entry = hostsFile(index, hostname).find(([ip, names]) => names.includes(name.toLowerCase()) && isIPv4(ip));
  if (entry) {
    out += `Non-authoritative answer:\nName:\t${name}\nAddress: ${entry[0]}\n\n`;
    ctx.out(out);
    return 0;
  }
  out += `** server can't find ${name}: ${name.includes(".") ? "NXDOMAIN" : "SERVFAIL"}\n\n`;
  ctx.out(out);
  return 1;
}
