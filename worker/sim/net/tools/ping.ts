// ping: busybox's in pods, iputils' (Ubuntu 24.04) on the workstation and the nodes. Pod IPs
// answer from inside the cluster, node IPs from everywhere; a ClusterIP is only a DNAT rule for
// TCP/UDP ports in iptables mode, so ICMP to it gets no answer. Times are simulated. Without -c,
// real ping runs until ^C, which a console command cannot wait for: it stops after 4 packets.

import type { ProgramContext } from "../../shell/types.ts";
import { resolveHost } from "../dns.ts";
import { netIndex } from "../index.ts";
import { nodeOfPlace, traceFrom } from "../places.ts";
import type { Hop } from "../trace.ts";
import { commandText, currentPlace, labContext } from "./where.ts";

export function ping(ctx: ProgramContext): number {
  let count = 4;
  let host: string | undefined;
  const argv = ctx.argv;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-c") count = Number(argv[++i]);
    else if (a.startsWith("-c")) count = Number(a.slice(2));
    else if (a === "-W" || a === "-w" || a === "-i" || a === "-s") i++;
    else if (!a.startsWith("-")) host ??= a;
  }
  const place = currentPlace(ctx);
  if (!place) return 1;
  const busybox = place.kind === "pod";
  if (!host) {
    ctx.err(busybox ? "BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n" : "ping: usage error: Destination address required\n");
    return busybox ? 1 : 1;
  }
  if (!Number.isInteger(count) || count < 1) {
    ctx.err(busybox ? `ping: invalid number '${argv[argv.indexOf("-c") + 1] ?? ""}'\n` : "ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807\n");
    return busybox ? 1 : 1;
  }
  ctx = labContext(ctx, place, host);
  const state = ctx.tx.state;
  const index = netIndex(state);
  const resolved = resolveHost(state, index, place, host, { now: ctx.now, tx: ctx.tx });
  const base = { request: commandText(argv), from: traceFrom(place), to: { host, port: 0 } };
  if (!resolved.ok) {
    ctx.trace({ ...base, hops: resolved.hops ?? [resolved.hop], verdict: "not-resolved", reason: resolved.hop.note });
    ctx.err(busybox ? `ping: bad address '${host}'\n` : `ping: ${host}: ${place.kind === "workstation" || place.kind === "node" ? "Temporary failure in name resolution" : "Name or service not known"}\n`);
    return busybox ? 1 : 2;
  }
  const ip = resolved.ips[0];
  const hops: Hop[] = resolved.hop ? [resolved.hop] : [];
  const srcNode = nodeOfPlace(place);
  let ttl = 0;
  let reason: string;
  const pod = index.podByIP(ip);
  const node = index.nodeByIP(ip);
  if (ip.startsWith("127.") || ip === place.ip) {
    ttl = 64;
    reason = "Loopback: the host answers itself.";
  } else if (node) {
    ttl = 64;
    reason = `${node.name} answers ICMP echo on the node network.`;
  } else if (pod && place.kind !== "workstation") {
    ttl = pod.nodeName === srcNode ? 64 : 63;
    reason = `The pod ${pod.key} answers over the pod network${pod.nodeName === srcNode ? "" : " (one router hop: its node)"}.`;
  } else if (index.portsAtClusterIP(ip)) {
    reason = `${ip} is a ClusterIP: in iptables mode kube-proxy only DNATs the Service's TCP/UDP ports, so nothing answers ICMP echo.`;
  } else if (pod) {
    reason = `${ip} is a pod IP: it is not routable from outside the cluster.`;
  } else {
    reason = `No host has the address ${ip}.`;
  }
  hops.push({ kind: ttl ? (pod ? "pod" : "node") : "client", label: ttl ? (pod ? `pod ${pod.key}` : node?.name ?? ip) : ip, note: reason });
  ctx.trace({ ...base, hops, verdict: ttl ? "answered" : "timed-out", reason });
  const shown = resolved.canonical === host || busybox ? host : resolved.canonical;
  const times: number[] = [];
  const lines: string[] = [];
  const base_ms = ttl === 63 ? 0.45 : 0.06;
  for (let seq = 0; seq < count; seq++) {
    if (!ttl) continue;
    const t = Math.round((base_ms + ctx.random.next() * base_ms) * 1000) / 1000;
    times.push(t);
    lines.push(busybox ? `64 bytes from ${ip}: seq=${seq} ttl=${ttl} time=${t.toFixed(3)} ms\n` : `64 bytes from ${ip}: icmp_seq=${seq + 1} ttl=${ttl} time=${fmtIputils(t)} ms\n`);
  }
  const received = times.length;
  const loss = Math.round(((count - received) / count) * 100);
  const min = Math.min(...times);
  const max = Math.max(...times);
  const avg = times.reduce((a, b) => a + b, 0) / (received || 1);
  let out: string;
  if (busybox) {
    out = `PING ${shown} (${ip}): 56 data bytes\n${lines.join("")}\n--- ${shown} ping statistics ---\n${count} packets transmitted, ${received} packets received, ${loss}% packet loss\n`;
    if (received) out += `round-trip min/avg/max = ${min.toFixed(3)}/${avg.toFixed(3)}/${max.toFixed(3)} ms\n`;
  } else {
    const span = (count - 1) * 1000 + (received ? 2 : 40 + ctx.random.int(30));
    const mdev = Math.sqrt(times.reduce((a, t) => a + (t - avg) ** 2, 0) / (received || 1));
    out = `PING ${shown} (${ip}) 56(84) bytes of data.\n${lines.join("")}\n--- ${shown} ping statistics ---\n${count} packets transmitted, ${received} received, ${loss}% packet loss, time ${span}ms\n`;
    if (received) out += `rtt min/avg/max/mdev = ${min.toFixed(3)}/${avg.toFixed(3)}/${max.toFixed(3)}/${mdev.toFixed(3)} ms\n`;
    else out += "\n";
  }
  ctx.out(out);
  return received ? 0 : 1;
}

/** iputils prints 3 significant digits below 100 ms. */
function fmtIputils(t: number): string {
  return t < 1 ? t.toFixed(3) : t < 10 ? t.toFixed(2) : t.toFixed(1);
}
