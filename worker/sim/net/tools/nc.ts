// busybox's nc (networking/nc_bloaty.c, NC_EXTRA) in busybox-based images, for the port check
// courses use: `nc -z [-v] [-w SECS] HOST PORT` connects through kube-proxy's rules like curl and
// closes at once. With -v an open port prints `HOST (IP:PORT) open` on standard error; a refused
// one prints nothing unless -vv (nc_main: "don't print refusals" at one -v). `nc -u [-w SECS] HOST
// PORT` sends its standard input as one UDP datagram through kube-proxy's UDP rules and prints
// what comes back (agnhost netexec's UDP server answers `hostname`, `echo TEXT`, `clientip`).
// Sending data over TCP and listening (-l, -e) are not simulated.

import type { ProgramContext } from "../../shell/types.ts";
import { connect } from "../exchange.ts";
import { udpReply } from "../apps/listeners.ts";
import { resolveHost } from "../dns.ts";
import { netIndex } from "../index.ts";
import { traceFrom } from "../places.ts";
import { route } from "../router.ts";
import { commandText, currentPlace, exchangeEnv, labContext } from "./where.ts";

export function nc(ctx: ProgramContext): number {
  let verbose = 0;
  let zero = false;
  let udp = false;
  let wait: string | undefined;
  const operands: string[] = [];
  const argv = ctx.argv;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        if (c === "v") verbose++;
        else if (c === "z") zero = true;
        else if (c === "u") udp = true;
        else if (c === "n") continue;
        else if (c === "w") {
          // The connect timeout; the simulation knows at once whether a packet is dropped.
          wait = j + 1 === a.length ? argv[++i] : a.slice(j + 1);
          break;
        } else {
          ctx.note?.(`The playground's nc checks ports only: nc -z [-v] [-w SECS] HOST PORT; -${c} is not simulated.`);
          return 1;
        }
      }
    } else operands.push(a);
  }
  if (udp && !zero && operands.length === 2) return ncUdp(ctx, operands[0], operands[1], wait);
  if (!zero || operands.length !== 2) {
    ctx.note?.("The playground's nc checks ports only: nc -z [-v] [-w SECS] HOST PORT (sending data and listening are not simulated).");
    return 1;
  }
  const [host, portText] = operands;
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    // bb_lookup_port would look a name up in /etc/services; the playground has none.
    ctx.note?.(`The playground's nc takes a port number; \`${portText}\` is not one.`);
    return 1;
  }
  const place = currentPlace(ctx);
  if (!place) return 1;
  const outcome = connect(exchangeEnv(ctx), { place, command: commandText(argv), host, port });
  if (outcome.kind === "not-resolved") {
    ctx.err(`nc: bad address '${host}'\n`);
    return 1;
  }
  if (outcome.kind === "connected") {
    outcome.connection.finish("answered", `${outcome.connection.listener.label} accepted the connection; nc -z closed it at once.`);
    if (verbose) ctx.err(`${host} (${outcome.connection.ip}:${port}) open\n`);
    return 0;
  }
  if (verbose > 1 || (verbose && outcome.kind === "timed-out")) ctx.err(`nc: ${host} (${outcome.ip}:${port}): ${outcome.kind === "refused" ? "Connection refused" : "Connection timed out"}\n`);
  return 1;
}

/** One datagram of standard input to HOST:PORT over UDP, and the reply printed as it came. */
function ncUdp(ctx: ProgramContext, host: string, portText: string, wait: string | undefined): number {
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    ctx.note?.(`The playground's nc takes a port number; \`${portText}\` is not one.`);
    return 1;
  }
  const place = currentPlace(ctx);
  if (!place) return 1;
  ctx = labContext(ctx, place, host);
  const state = ctx.tx.state;
  const index = netIndex(state);
  const base = { request: commandText(ctx.argv), from: traceFrom(place), to: { host, port } };
  const resolved = resolveHost(state, index, place, host, { now: ctx.now, affinity: state.affinity, tx: ctx.tx });
  if (!resolved.ok) {
    ctx.trace?.({ ...base, hops: resolved.hops ?? [resolved.hop], verdict: "not-resolved", reason: resolved.hop.note, cause: "not-resolved" });
    ctx.err(`nc: bad address '${host}'\n`);
    return 1;
  }
  const srcPort = 32768 + ctx.random.int(28232);
  const outcome = route(index, { from: place, srcPort, dstIP: resolved.ips[0], dstPort: port, protocol: "UDP" }, { random: ctx.random, now: ctx.now, affinity: state.affinity });
  const hops = resolved.hop ? [resolved.hop, ...outcome.hops] : outcome.hops;
  // Without -w nc keeps waiting for more datagrams until interrupted; the console stops it there.
  if (wait === undefined) ctx.note?.("nc -u keeps waiting for more until Ctrl-C; the playground stops it after the reply (use -w SECS to end it yourself).");
  if (outcome.result !== "delivered") {
    // A UDP sender learns nothing of a dropped datagram: nc prints nothing and ends after its wait.
    ctx.trace?.({ ...base, hops, verdict: outcome.result, reason: outcome.reason, cause: outcome.cause });
    return outcome.result === "refused" ? 1 : 0;
  }
  const { delivery } = outcome;
  const answer = udpReply(delivery.target, delivery.dst.port, ctx.stdin ?? "", delivery.client);
  if (!answer) {
    const why = `Nothing listens on UDP port ${delivery.dst.port} at ${delivery.dst.ip}: the host answers with ICMP port unreachable.`;
    ctx.trace?.({ ...base, hops: [...hops, { kind: "process", label: "no listener", before: { src: delivery.client, dst: delivery.dst }, note: why }], verdict: "refused", reason: why, cause: "port-closed" });
    return 1;
  }
  const note = answer.reply === undefined ? `${answer.label} received the datagram and did not answer (not one of its commands: hostname, echo TEXT, clientip).` : `${answer.label} answered ${JSON.stringify(answer.reply)}.`;
  ctx.trace?.({ ...base, hops: [...hops, { kind: "process", label: answer.label, before: { src: delivery.client, dst: delivery.dst }, note: `${note} It sees the client as ${delivery.client.ip}:${delivery.client.port}.` }], verdict: "answered", reason: note });
  if (answer.reply !== undefined) ctx.out(answer.reply);
  return 0;
}
