// IPVS's traffic counters, as `ipvsadm -Ln --stats` and `--rate` show them: per virtual server and
// per real server, the connections scheduled and the packets and bytes IPVS passed in each
// direction (in NAT mode the replies come back through it too), and the rates ip_vs_est.c estimates
// from them every 2 seconds (each new rate moves the estimate a quarter of the way).
//
// The playground does not carry packets, so a connection is counted as TCP would carry it
// (approximated): SYN and SYN-ACK of 60 bytes (IP, TCP and its options), the client's ACK, a FIN
// each way and the last ACK of 52 bytes, the request and the response in segments of at most 1448
// bytes with a 52-byte header, the client acknowledging every second segment of the response.
// Connections that carry no HTTP exchange (nc, telnet, database clients) count only the handshake
// and the close.

import type { Tx } from "../cluster/tx.ts";
import type { IpvsCounters } from "../cluster/types.ts";

const MSS = 1448;
const HEADER = 52;
const SYN = 60;
/** The estimator's period (IPVS_EST_TICK... ip_vs_est.c: every 2 seconds). */
const TICK_MS = 2000;

export interface Traffic {
  conns: number;
  inPkts: number;
  outPkts: number;
  inBytes: number;
  outBytes: number;
}

/** Opening and closing a TCP connection: SYN, ACK, FIN, ACK in; SYN-ACK, FIN out. */
export const TCP_OPEN_CLOSE: Traffic = { conns: 1, inPkts: 4, outPkts: 2, inBytes: SYN + 3 * HEADER, outBytes: SYN + HEADER };

/** A connection refused: the SYN in, a reset (40 bytes: IP and TCP headers) out. */
export const TCP_RESET: Traffic = { conns: 1, inPkts: 1, outPkts: 1, inBytes: SYN, outBytes: 40 };

/** The request and response carried on the connection (segments, and the client's ACKs of the response). */
export function payloadTraffic(requestBytes: number, responseBytes: number): Traffic {
  const reqSegs = Math.ceil(requestBytes / MSS);
  const respSegs = Math.ceil(responseBytes / MSS);
  // The server acknowledges the request once; the client every second response segment.
  const acks = Math.ceil(respSegs / 2);
  return {
    conns: 0,
    inPkts: reqSegs + acks,
    outPkts: respSegs + (reqSegs > 0 ? 1 : 0),
    inBytes: requestBytes + reqSegs * HEADER + acks * HEADER,
    outBytes: responseBytes + respSegs * HEADER + (reqSegs > 0 ? HEADER : 0),
  };
}

export function virtualServerKey(node: string, v: { protocol: string; ip: string; port: number }): string {
  return `${node}|${v.protocol}|${v.ip}:${v.port}`;
}

export function realServerKey(node: string, v: { protocol: string; ip: string; port: number }, rs: string): string {
  return `${virtualServerKey(node, v)}|${rs}`;
}

const values = (c: Traffic): [number, number, number, number, number] => [c.conns, c.inPkts, c.outPkts, c.inBytes, c.outBytes];

/**
 * The estimator brought up to `now`: one tick per 2 seconds, each rate (delta over the tick, per
 * second) moving the estimate a quarter of the way. The counters did not change since the last
 * update, so every tick after the first sees no new traffic; after 200 idle ticks the estimates are 0.
 */
function advanced(c: IpvsCounters, now: number): IpvsCounters {
  const due = Math.floor(now / TICK_MS) * TICK_MS;
  if (due <= c.estAt) return c;
  const ticks = (due - c.estAt) / TICK_MS;
  const current = values(c);
  if (ticks > 200) return { ...c, estAt: due, last: current, rates: [0, 0, 0, 0, 0] };
  let rates = c.rates;
  let last = c.last;
  for (let t = 0; t < ticks; t++) {
    rates = rates.map((r, i) => r + ((current[i] - last[i]) / (TICK_MS / 1000) - r) / 4) as IpvsCounters["rates"];
    last = current;
  }
  return { ...c, estAt: due, last, rates };
}

/** Adds a connection's traffic to the counters of its virtual and real server. */
export function countIpvs(tx: Tx, keys: readonly string[], traffic: Traffic, now: number): void {
  const table = tx.write("ipvsStats");
  for (const key of keys) {
    const before = table[key] ? advanced(table[key], now) : { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0, estAt: Math.floor(now / TICK_MS) * TICK_MS, last: [0, 0, 0, 0, 0] as IpvsCounters["last"], rates: [0, 0, 0, 0, 0] as IpvsCounters["rates"] };
    table[key] = {
      ...before,
      conns: before.conns + traffic.conns,
      inPkts: before.inPkts + traffic.inPkts,
      outPkts: before.outPkts + traffic.outPkts,
      inBytes: before.inBytes + traffic.inBytes,
      outBytes: before.outBytes + traffic.outBytes,
    };
  }
}

/** A server's counters, and its rates per second as ipvsadm reads them (rounded as ip_vs_read_estimator does). */
export function ipvsStatsOf(table: Readonly<Record<string, IpvsCounters>> | undefined, key: string, now: number): { totals: Traffic; rates: Traffic } {
  const c = table?.[key];
  if (!c) return { totals: { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0 }, rates: { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0 } };
  const r = advanced(c, now).rates.map((x) => Math.round(x));
  return {
    totals: { conns: c.conns, inPkts: c.inPkts, outPkts: c.outPkts, inBytes: c.inBytes, outBytes: c.outBytes },
    rates: { conns: r[0], inPkts: r[1], outPkts: r[2], inBytes: r[3], outBytes: r[4] },
  };
}
