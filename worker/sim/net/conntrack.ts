// The nodes' connection tracking, for the connections kube-proxy's rules rewrote: the node that
// did the DNAT (and maybe SNAT) keeps an entry with the original direction and the reply
// direction's addresses, as `conntrack -L` shows them. The simulated connections close as soon as
// they are answered, so a TCP entry is in TIME_WAIT and goes nf_conntrack_tcp_timeout_time_wait
// (120 s) after its last packet.

import type { Tx } from "../cluster/tx.ts";
import type { ConntrackEntry } from "../cluster/types.ts";
import type { Endpoint } from "./trace.ts";

/** nf_conntrack_tcp_timeout_time_wait, in ms. */
export const TIME_WAIT_MS = 120_000;
/** The entries kept at most (the oldest go first): enough for a session's recent connections. */
const MAX_ENTRIES = 256;

export function conntrackKey(e: ConntrackEntry): string {
  return `${e.node}|${e.protocol}|${e.orig.src}:${e.orig.sport}|${e.orig.dst}:${e.orig.dport}`;
}

/** Records a connection `client -> dst` that reached `replySrc` and was answered to `replyDst`. */
export function trackConnection(tx: Tx, node: string, orig: { src: Endpoint; dst: Endpoint }, reply: { src: Endpoint; dst: Endpoint }, now: number): void {
  const entry: ConntrackEntry = {
    node,
    protocol: "tcp",
    orig: { src: orig.src.ip, dst: orig.dst.ip, sport: orig.src.port, dport: orig.dst.port },
    reply: { src: reply.src.ip, dst: reply.dst.ip, sport: reply.src.port, dport: reply.dst.port },
    at: now,
  };
  const table = tx.write("conntrack");
  for (const key in table) if (now - table[key].at >= TIME_WAIT_MS) delete table[key];
  table[conntrackKey(entry)] = entry;
  const keys = Object.keys(table);
  if (keys.length > MAX_ENTRIES) {
    keys.sort((a, b) => table[a].at - table[b].at);
    for (const key of keys.slice(0, keys.length - MAX_ENTRIES)) delete table[key];
  }
}

/** A node's live entries, newest first. */
export function nodeEntries(table: Readonly<Record<string, ConntrackEntry>> | undefined, node: string, now: number): ConntrackEntry[] {
  const list: ConntrackEntry[] = [];
  for (const key in table ?? {}) {
    const e = table![key];
    if (e.node === node && now - e.at < TIME_WAIT_MS) list.push(e);
  }
  return list.sort((a, b) => b.at - a.at);
}

/** One entry as conntrack-tools 1.4.8 prints it (libnetfilter_conntrack's default format). */
export function entryLine(e: ConntrackEntry, now: number): string {
  const seconds = Math.max(0, Math.floor((TIME_WAIT_MS - (now - e.at)) / 1000));
  const proto = e.protocol === "tcp" ? "tcp      6" : "udp      17";
  const state = e.protocol === "tcp" ? " TIME_WAIT" : "";
  const o = e.orig;
  const r = e.reply;
  return `${proto} ${seconds}${state} src=${o.src} dst=${o.dst} sport=${o.sport} dport=${o.dport} src=${r.src} dst=${r.dst} sport=${r.sport} dport=${r.dport} [ASSURED] mark=0`;
}
