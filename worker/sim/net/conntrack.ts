// The nodes' connection tracking, for the connections kube-proxy's rules rewrote: the node that
// did the DNAT (and maybe SNAT) keeps an entry with the original direction and the reply
// direction's addresses, as `conntrack -L` shows them. The simulated connections close as soon as
// they are answered, so a TCP entry is in TIME_WAIT and goes nf_conntrack_tcp_timeout_time_wait
// (120 s) after its last packet.

import { writeCount, type Tx } from "../cluster/tx.ts";
import type { ConntrackEntry } from "../cluster/types.ts";
import type { Endpoint } from "./trace.ts";

/** nf_conntrack_tcp_timeout_time_wait, in ms. */
export const TIME_WAIT_MS = 120_000;
/** The entries kept at most (the oldest go first): enough for a session's recent connections. */
const MAX_ENTRIES = 256;

export function conntrackKey(e: ConntrackEntry): string {
  return `${e.node}|${e.protocol}|${e.orig.src}:${e.orig.sport}|${e.orig.dst}:${e.orig.dport}`;
}

/**
 * The table's keys oldest first (by `at`, then in the table's own key order, as a stable sort of
 * its keys gives them), for the table object as it was after its last write here. A loop of
 * requests tracks a connection per round, and scanning and sorting the whole table each round was
 * most of a round's cost: with this order expiry takes a prefix and eviction the head. Valid only
 * while nothing else wrote the table (Tx.write counts), else built again from the table.
 */
const ordered = new WeakMap<object, { writes: number; keys: string[] }>();

function byAge(table: Record<string, ConntrackEntry>): string[] {
  return Object.keys(table).sort((a, b) => table[a].at - table[b].at);
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
  const writes = writeCount(table);
  const known = ordered.get(table);
  let keys = known && known.writes === writes - 1 ? known.keys : byAge(table);
  // Expired entries (TIME_WAIT over) are the oldest: a prefix of the order.
  let expired = 0;
  while (expired < keys.length && now - table[keys[expired]].at >= TIME_WAIT_MS) delete table[keys[expired++]];
  keys.splice(0, expired);
  const key = conntrackKey(entry);
  const last = keys.length > 0 ? table[keys[keys.length - 1]].at : -Infinity;
  const existed = Object.hasOwn(table, key);
  table[key] = entry;
  // A new key goes last in key order, so it goes last in the order when it is not older than the
  // newest; a key written again keeps its place in key order: sort again.
  if (!existed && now >= last) keys.push(key);
  else keys = byAge(table);
  if (keys.length > MAX_ENTRIES) {
    for (const old of keys.splice(0, keys.length - MAX_ENTRIES)) delete table[old];
  }
  ordered.set(table, { writes, keys });
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
