// One HTTP exchange from a place: resolve the host, route the connection through kube-proxy's
// rules, hand the request to whatever listens, and record the route trace. Side effects go through
// the Tx: the access-log line of the answering container, the session-affinity memory.

import type { Tx } from "../cluster/tx.ts";
import { appendContainerLog } from "../cluster/container-log.ts";
import type { Random } from "../random.ts";
import { listenerAt } from "./apps/listeners.ts";
import { resolveHost } from "./dns.ts";
import type { HttpRequest, Reply } from "./http.ts";
import { netIndex, type Protocol } from "./index.ts";
import { traceFrom, type Place } from "./places.ts";
import { route } from "./router.ts";
import type { Endpoint, Hop, RouteTrace } from "./trace.ts";

export interface ExchangeEnv {
  tx: Tx;
  random: Random;
  now: number;
  trace(trace: RouteTrace): void;
}

export interface ExchangeInput {
  place: Place;
  /** The command as typed, for the trace. */
  command: string;
  host: string;
  port: number;
  protocol?: Protocol;
  request: HttpRequest;
}

export type ExchangeOutcome =
  | { kind: "not-resolved" }
  | { kind: "refused"; ip: string; local: Endpoint }
  | { kind: "timed-out"; ip: string; local: Endpoint }
  | { kind: "reply"; ip: string; local: Endpoint; reply: Reply };

export function exchange(env: ExchangeEnv, input: ExchangeInput): ExchangeOutcome {
  const state = env.tx.state;
  const index = netIndex(state);
  const to = { host: input.host, port: input.port, path: input.request.target };
  const base = { request: input.command, from: traceFrom(input.place), to };
  const resolved = resolveHost(state, index, input.place, input.host);
  if (!resolved.ok) {
    env.trace({ ...base, hops: [resolved.hop], verdict: "not-resolved", reason: resolved.hop.note });
    return { kind: "not-resolved" };
  }
  const ip = resolved.ips[0];
  const srcPort = 32768 + env.random.int(28232);
  const local = { ip: input.place.ip, port: srcPort };
  const outcome = route(
    index,
    { from: input.place, srcPort, dstIP: ip, dstPort: input.port, protocol: input.protocol ?? "TCP" },
    { random: env.random, now: env.now, affinity: state.affinity },
  );
  const hops: Hop[] = resolved.hop ? [resolved.hop, ...outcome.hops] : outcome.hops;
  if (outcome.result !== "delivered") {
    env.trace({ ...base, hops, verdict: outcome.result, reason: outcome.reason });
    return { kind: outcome.result, ip, local };
  }
  if (outcome.affinity) writeAffinity(env.tx, outcome.affinity.key, outcome.affinity.entry);
  const { delivery } = outcome;
  const found = listenerAt(index, delivery.target, delivery.dst.port);
  if (!found.listener) {
    hops.push({ kind: "process", label: "no listener", before: { src: delivery.client, dst: delivery.dst }, note: found.why });
    env.trace({ ...base, hops, verdict: "refused", reason: found.why });
    return { kind: "refused", ip, local };
  }
  const listener = found.listener;
  const result = listener.app({
    request: input.request,
    client: delivery.client,
    local: delivery.dst,
    pod: listener.pod,
    args: listener.args,
    hostname: listener.hostname,
    now: env.now,
    logged: listener.podKey ? (env.tx.state.podRuntime[listener.podKey]?.logs.length ?? 0) : 0,
  });
  if (result.log && listener.logs && listener.podKey) appendLog(env.tx, listener.podKey, result.log, env.now);
  const reply = result.reply;
  const sees = `It sees the client as ${delivery.client.ip}:${delivery.client.port}.`;
  if (reply.kind === "http") {
    hops.push({ kind: "process", label: listener.label, before: { src: delivery.client, dst: delivery.dst }, note: `${listener.label} answered ${reply.status}${reply.reason ? ` ${reply.reason}` : ""}. ${sees}` });
    env.trace({ ...base, hops, verdict: "answered", status: reply.status, reason: `${listener.label} answered with HTTP ${reply.status}.` });
  } else {
    hops.push({ kind: "process", label: listener.label, before: { src: delivery.client, dst: delivery.dst }, note: `${reply.note} ${sees}` });
    env.trace({ ...base, hops, verdict: reply.kind === "closed" ? "empty-reply" : "answered", reason: reply.note });
  }
  return { kind: "reply", ip, local, reply };
}

function appendLog(tx: Tx, podKey: string, lines: string[], now: number): void {
  const runtime = tx.state.podRuntime[podKey];
  if (!runtime) return;
  tx.write("podRuntime")[podKey] = appendContainerLog(runtime, lines, now);
}

function writeAffinity(tx: Tx, key: string, entry: { endpoint: string; at: number }): void {
  const current = tx.state.affinity?.[key];
  if (current && current.endpoint === entry.endpoint && current.at === entry.at) return;
  tx.write("affinity")![key] = entry;
}
