// One HTTP exchange from a place: resolve the host, route the connection through kube-proxy's
// rules, hand the request to whatever listens, and record the route trace. Side effects go through
// the Tx: the access-log line of the answering container, the session-affinity memory.

import type { Tx } from "../cluster/tx.ts";
import type { ClusterState, Pod } from "../cluster/types.ts";
import { containerMachine, nodeMachine, storedEntry } from "../files/store.ts";
import { apiDataMounts, boundPath, mountedFileAt, writableBinds } from "../files/volumes.ts";
import { appendContainerLog } from "../cluster/container-log.ts";
import { listenerAt, type Listener } from "./apps/listeners.ts";
import { trackConnection } from "./conntrack.ts";
import { countIpvs, payloadTraffic, TCP_OPEN_CLOSE, TCP_RESET } from "./ipvs-stats.ts";
import { responseBytes } from "./http-wire.ts";
import { utf8Bytes } from "../base64.ts";
import { resolveHost } from "./dns.ts";
import type { HttpRequest, Reply } from "./http.ts";
import { netIndex, type Protocol } from "./index.ts";
import { traceFrom, type Place } from "./places.ts";
import { route } from "./router.ts";
import { serveIngress } from "./ingress-nginx.ts";
import { serveGateway } from "./gateway.ts";
import { NGF_READINESS_PORT } from "./apps/nginx-gateway-fabric.ts";
import { gatewayOfDataPlane } from "../cluster/nginx-gateway-fabric.ts";
import type { GenericObject } from "../cluster/types.ts";
import { tlsServerOf, type TlsServer } from "./tls.ts";
import { flagValue, serverArgs } from "../cluster/process.ts";
import { forwardedConnect } from "./port-forward.ts";
import { inCluster, labCluster, labTrace } from "./lab.ts";
import type { ConnectInput, ConnectOutcome, Connection, ExchangeEnv } from "./connection.ts";

export type { ConnectInput, ConnectOutcome, Connection, ExchangeEnv } from "./connection.ts";
import type { Endpoint, Hop, RouteTrace, Verdict } from "./trace.ts";

export interface ExchangeInput {
  place: Place;
  /** The command as typed, for the trace. */
  command: string;
  host: string;
  port: number;
  protocol?: Protocol;
  request: HttpRequest;
  /**
   * https: the client's TLS handshake with what listens (undefined there: it speaks plain TCP).
   * It returns the protocol agreed on, or false when the client gives up (the request is never sent).
   */
  tls?: { sni: string; handshake(server: TlsServer | undefined): { http2: boolean } | false };
}

export type ExchangeOutcome =
  | { kind: "not-resolved" }
  | { kind: "refused"; ip: string; local: Endpoint }
  | { kind: "timed-out"; ip: string; local: Endpoint }
  | { kind: "tls-failed"; ip: string; local: Endpoint }
  | { kind: "reply"; ip: string; local: Endpoint; reply: Reply };

/**
 * Resolves the host, routes a connection through kube-proxy's rules and finds the process that
 * accepts it. A failure is traced here; a connection is traced once the caller calls `finish`.
 */
export function connect(env: ExchangeEnv, input: ConnectInput): ConnectOutcome {
  const other = labCluster(env.lab, env.tx, input.place, input.host, env.now);
  return connectIn(other ? labEnv(env, other) : forwardEnv(env, input), input);
}

/**
 * A connection to a port a `kubectl --context X port-forward` listens on goes to its pod in X's
 * cluster, whatever the current context is now: the exchange runs there.
 */
function forwardEnv(env: ExchangeEnv, input: ConnectInput): ExchangeEnv {
  if (input.place.kind !== "workstation" || !env.forwards || !env.lab) return env;
  const state = env.tx.state;
  const resolved = resolveHost(state, netIndex(state), input.place, input.host, { now: env.now });
  const name = resolved.ok ? env.forwards.at(resolved.ips[0], input.port)?.forward.cluster : undefined;
  const tx = name !== undefined && name !== env.lab.acting ? env.lab.tx(name) : undefined;
  if (!tx || name === undefined) return env;
  const { lab: _lab, ...rest } = env;
  return { ...rest, tx, trace: (t) => env.trace(inCluster(t, name)) };
}

/**
 * The exchange as another cluster of the session carries it: its transaction, and its trace
 * naming that cluster (the map shows the current context's, and the hops are the other's nodes).
 */
function labEnv(env: ExchangeEnv, other: { name: string; tx: Tx }): ExchangeEnv {
  const { lab: _lab, ...rest } = env;
  return { ...rest, tx: other.tx, trace: labTrace(env.trace, other.name) };
}

function connectIn(env: ExchangeEnv, input: ConnectInput): ConnectOutcome {
  const state = env.tx.state;
  const index = netIndex(state);
  const to = input.path === undefined ? { host: input.host, port: input.port } : { host: input.host, port: input.port, path: input.path };
  const base = { request: input.command, from: traceFrom(input.place), to };
  const resolved = resolveHost(state, index, input.place, input.host, { now: env.now, affinity: state.affinity, tx: env.tx });
  if (!resolved.ok) {
    env.trace({ ...base, hops: resolved.hops ?? [resolved.hop], verdict: "not-resolved", reason: resolved.hop.note, cause: "not-resolved" });
    return { kind: "not-resolved" };
  }
  const ip = resolved.ips[0];
  const forwarded = input.place.kind === "workstation" ? env.forwards?.at(ip, input.port) : undefined;
  if (forwarded) return forwardedConnect(env, input, ip, forwarded);
  const srcPort = 32768 + env.random.int(28232);
  const local = { ip: input.place.ip, port: srcPort };
  const outcome = route(
    index,
    { from: input.place, srcPort, dstIP: ip, dstPort: input.port, protocol: input.protocol ?? "TCP" },
    { random: env.random, now: env.now, affinity: state.affinity },
  );
  const hops: Hop[] = resolved.hop ? [resolved.hop, ...outcome.hops] : outcome.hops;
  if (outcome.result !== "delivered") {
    env.trace({ ...base, hops, verdict: outcome.result, reason: outcome.reason, cause: outcome.cause });
    return { kind: outcome.result, ip, local };
  }
  if (outcome.affinity) writeAffinity(env.tx, outcome.affinity.key, outcome.affinity.entry);
  if (outcome.ipvs && env.tx.state.ipvsRoundRobin?.[outcome.ipvs.key] !== outcome.ipvs.realServer) env.tx.write("ipvsRoundRobin")[outcome.ipvs.key] = outcome.ipvs.realServer;
  const ipvsStats = outcome.ipvs ? [outcome.ipvs.key, `${outcome.ipvs.key}|${outcome.ipvs.realServer}`] : undefined;
  const { delivery } = outcome;
  const found = listenerAt(index, delivery.target, delivery.dst.port, delivery.dst.ip);
  // IPVS counts the connection it scheduled: opened and closed, or a SYN answered with a reset.
  if (ipvsStats) countIpvs(env.tx, ipvsStats, found.listener ? TCP_OPEN_CLOSE : TCP_RESET, env.now);
  if (!found.listener) {
    hops.push({ kind: "process", label: "no listener", before: { src: delivery.client, dst: delivery.dst }, note: found.why });
    env.trace({ ...base, hops, verdict: "refused", reason: found.why, cause: found.cause });
    return { kind: "refused", ip, local };
  }
  const listener = found.listener;
  // The NATing node's conntrack remembers the accepted connection (through a Service only).
  if (delivery.natNode) trackConnection(env.tx, delivery.natNode, { src: local, dst: { ip, port: input.port } }, { src: delivery.dst, dst: delivery.client }, env.now);
  const finish = (verdict: Verdict, note: string, status?: number, after: Hop[] = []): void => {
    hops.push({ kind: "process", label: listener.label, before: { src: delivery.client, dst: delivery.dst }, note: `${note} It sees the client as ${delivery.client.ip}:${delivery.client.port}.` }, ...after);
    env.trace({ ...base, hops, verdict, ...(status === undefined ? {} : { status }), reason: verdict === "answered" && status !== undefined ? `${listener.label} answered with HTTP ${status}.` : note });
  };
  return { kind: "connected", connection: { ip, local, listener, client: delivery.client, dst: delivery.dst, finish, ...(ipvsStats ? { ipvsStats } : {}) } };
}

export function exchange(outer: ExchangeEnv, input: ExchangeInput): ExchangeOutcome {
  const other = labCluster(outer.lab, outer.tx, input.place, input.host, outer.now);
  const env = other ? labEnv(outer, other) : forwardEnv(outer, input);
  const connected = connect(env, { place: input.place, command: input.command, host: input.host, port: input.port, protocol: input.protocol, path: input.request.target });
  if (connected.kind !== "connected") return connected;
  const { connection } = connected;
  const { listener, ip, local } = connection;
  let http2 = false;
  let overTls = false;
  if (input.tls) {
    const server = tlsServerOf(env.tx.state, listener, connection.dst.port, input.tls.sni, (path) => {
      const file = writtenInPod(env.tx.state, listener.pod, listener.container, path);
      return file && file !== "gone" ? file.data : undefined;
    });
    const agreed = input.tls.handshake(server);
    if (!agreed) {
      const why = server?.rejected
        ? `${listener.label} answered the client's hello with an unrecognized_name alert: ${server.source}.`
        : server
          ? `${listener.label} presented ${server.source}; the client did not accept it and closed the connection before sending the request.`
          : `${listener.label} does not speak TLS on port ${connection.dst.port}: the client's handshake failed.`;
      connection.finish("tls-failed", why);
      return { kind: "tls-failed", ip, local };
    }
    http2 = agreed.http2;
    overTls = true;
  }
  if (listener.server === "ingress-nginx" && listener.pod && listener.podKey && (isControllerHttpPort(listener, connection.dst.port) || overTls)) {
    const outcome = proxyThroughIngress(env, input, connection, overTls ? { protocol: http2 ? "HTTP/2.0" : "HTTP/1.1" } : undefined);
    return http2 && outcome.kind === "reply" ? { ...outcome, reply: asHttp2(outcome.reply) } : outcome;
  }
  if (listener.server === "ngf-nginx" && listener.pod && listener.podKey && connection.dst.port !== NGF_READINESS_PORT) {
    const gateway = gatewayOfDataPlane(env.tx.state, listener.pod);
    if (gateway) {
      const outcome = proxyThroughGateway(env, input, connection, gateway, overTls);
      return http2 && outcome.kind === "reply" ? { ...outcome, reply: asHttp2(outcome.reply) } : outcome;
    }
  }
  // A proxying process's onward connections start from its pod; their hops join this trace.
  const proxyHops: Hop[] = [];
  const proxy = listener.server === "hello-frontend" && listener.pod && listener.podKey
    ? (host: string, port: number, request: HttpRequest) => {
        const forwarded = forwardFrom(env, input, proxyPlace(listener), { host, port }, request);
        proxyHops.push(...forwarded.hops);
        return forwarded.outcome;
      }
    : undefined;
  const result = listener.app({
    ...(proxy ? { proxy } : {}),
    request: input.request,
    client: connection.client,
    local: connection.dst,
    pod: listener.pod,
    args: listener.args,
    image: listener.image,
    startedAt: startedAt(listener),
    hostname: listener.hostname,
    now: env.now,
    logged: listener.podKey ? (env.tx.state.podRuntime[listener.podKey]?.logs.length ?? 0) : 0,
    written: (path) => writtenInPod(env.tx.state, listener.pod, listener.container, path),
  });
  if (result.log && listener.logs && listener.podKey) appendLog(env.tx, listener.podKey, result.log, env.now);
  const reply = http2 ? asHttp2(result.reply) : result.reply;
  if (connection.ipvsStats) countIpvs(env.tx, connection.ipvsStats, payloadTraffic(requestSize(input.request), replySize(result.reply, input.request.method)), env.now);
  if (reply.kind === "http") connection.finish("answered", `${listener.label} answered ${reply.status}${reply.reason ? ` ${reply.reason}` : ""}.`, reply.status, proxyHops);
  else connection.finish(reply.kind === "closed" ? "empty-reply" : "answered", reply.note);
  return { kind: "reply", ip, local, reply };
}

/** The request as an HTTP/1.1 client writes it (request line, headers, empty line, body), in bytes. */
function requestSize(request: HttpRequest): number {
  let head = `${request.method} ${request.target} HTTP/1.1\r\n`;
  for (const [k, v] of request.headers) head += `${k}: ${v}\r\n`;
  return utf8Length(`${head}\r\n${request.body ?? ""}`);
}

function replySize(reply: Reply, method: string): number {
  if (reply.kind === "http") return responseBytes(reply, method).length;
  return reply.kind === "banner" ? utf8Length(reply.bytes) : 0;
}

function utf8Length(text: string): number {
  return utf8Bytes(text).length;
}

function startedAt(listener: Listener): number | undefined {
  return listener.pod && listener.container ? containerStartedAt(listener.pod, listener.container) : undefined;
}

function containerStartedAt(pod: Pod, container: string): number | undefined {
  const status = pod.status.containerStatuses?.find((s) => s.name === container);
  const at = status?.state.running?.startedAt;
  return at ? parsedTime(at) : undefined;
}

// Every request to a pod reads its container's start time (whoami and nginx print it); a loop of
// requests parsed the same few timestamps again each round. Bounded: emptied when full.
const parsedTimes = new Map<string, number>();

function parsedTime(at: string): number {
  let ms = parsedTimes.get(at);
  if (ms === undefined) {
    ms = Date.parse(at);
    if (parsedTimes.size >= 1024) parsedTimes.clear();
    parsedTimes.set(at, ms);
  }
  return ms;
}

/**
 * A file written in one of the pod's containers or mounted in the serving one from a ConfigMap
 * or Secret (the process serves what its container holds).
 */
function writtenInPod(state: ClusterState, pod: Pod | undefined, containerName: string | undefined, path: string): { data: string; mtime: number } | "gone" | undefined {
  const serving = pod?.spec.containers.find((c) => c.name === containerName);
  if (pod && serving) {
    const mounted = mountedFileAt(apiDataMounts(state, pod, serving), path);
    if (mounted === "gone") return "gone";
    if (mounted) return { data: mounted.data, mtime: containerStartedAt(pod, serving.name) ?? state.now };
    // A writable volume (emptyDir, hostPath, a claim) holds what was written where the volume
    // lives and hides the image's files under its mount, as kubectl exec's ls and cat see it:
    // nginx over an empty claim has no index.html (403), then serves what was written into it.
    const bound = boundPath(writableBinds(state, pod, serving, nodeMachine), path);
    if (bound) {
      const entry = storedEntry(state, bound.machine, bound.path);
      return entry?.type === "file" ? { data: entry.data, mtime: entry.mtime } : "gone";
    }
  }
  for (const container of pod?.spec.containers ?? []) {
    const entry = storedEntry(state, containerMachine(pod!, container.name), path);
    if (entry?.type === "gone") return "gone";
    if (entry?.type === "file") return { data: entry.data, mtime: entry.mtime };
  }
  return undefined;
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

/** The pod a proxy's second leg starts from: the proxy's own. */
function proxyPlace(listener: Listener): Place {
  const pod = listener.pod!;
  return {
    kind: "pod",
    name: pod.metadata.name,
    namespace: pod.metadata.namespace ?? "default",
    key: listener.podKey!,
    ip: pod.status.podIP ?? "",
    nodeName: pod.spec.nodeName ?? "",
    hostNetwork: pod.spec.hostNetwork === true,
    container: listener.container ?? "",
  };
}

/**
 * Exchanges a proxied request with a backend from the proxy's pod (ingress-nginx's controller,
 * NGF's data plane, hello-frontend's nginx: an address, or a name its DNS resolves); the inner
 * hops go on the outer trace.
 */
function forwardFrom(env: ExchangeEnv, input: ExchangeInput, place: Place, to: { ip: string; port: number } | { host: string; port: number }, request: HttpRequest): { outcome: { kind: "reply"; reply: Reply; ip: string } | { kind: "refused" | "timed-out" | "not-resolved"; ip?: string }; hops: Hop[] } {
  // A backend that is the proxy itself loops; real nginx runs out of worker connections, the
  // simulator stops after a few rounds with the connection refused (502).
  if (proxyDepth >= MAX_PROXY_DEPTH) return { outcome: { kind: "refused" }, hops: [] };
  let inner: RouteTrace | undefined;
  let outcome: ExchangeOutcome;
  proxyDepth++;
  try {
    outcome = exchange({ ...env, trace: (t) => (inner = t) }, { place, command: input.command, host: "ip" in to ? to.ip : to.host, port: to.port, request });
  } finally {
    proxyDepth--;
  }
  // The inner trace starts at the proxy's pod, already on the outer trace.
  const hops = (inner?.hops ?? []).filter((h) => h.kind !== "client");
  if (outcome.kind === "reply") return { outcome: { kind: "reply", reply: outcome.reply, ip: outcome.ip }, hops };
  // The proxied leg is plain HTTP, so it cannot fail a handshake.
  const kind = outcome.kind === "tls-failed" ? "refused" : outcome.kind;
  return { outcome: "ip" in outcome ? { kind, ip: outcome.ip } : { kind }, hops };
}

/**
 * A request on a listener port of an NGINX Gateway Fabric data plane: the Gateway's HTTPRoutes
 * decide (net/gateway.ts), and a matched rule's backend gets a second connection from the pod.
 */
function proxyThroughGateway(env: ExchangeEnv, input: ExchangeInput, connection: Connection, gateway: GenericObject, https: boolean): ExchangeOutcome {
  const { listener, ip, local } = connection;
  const state = env.tx.state;
  const place = proxyPlace(listener);
  const served = serveGateway({
    state,
    index: netIndex(state),
    gateway,
    request: input.request,
    client: connection.client,
    local: connection.dst,
    now: env.now,
    https,
    pick: (n) => env.random.int(n),
    forward: (to, request) => forwardFrom(env, input, place, to, request),
  });
  appendLog(env.tx, listener.podKey!, served.log, env.now);
  connection.finish("answered", served.note, served.reply.status, served.hops);
  return { kind: "reply", ip, local, reply: served.reply };
}

let proxyDepth = 0;
const MAX_PROXY_DEPTH = 4;

/** The controller's http port (containerPort `http`, 80 in the manifests): where Ingress rules apply. */
function isControllerHttpPort(listener: Listener, port: number): boolean {
  const spec = listener.pod?.spec.containers.find((c) => c.name === listener.container);
  return (spec?.ports?.find((p) => p.name === "http")?.containerPort ?? 80) === port;
}

/**
 * A request on ingress-nginx's http port: the controller matches it against the Ingresses and, for a
 * rule, opens a second connection from its pod to a backend endpoint (net/ingress-nginx.ts); both
 * legs make one trace, the controller's hop naming the rule.
 */
/** An HTTP/1.1 answer as an HTTP/2 client shows it: no reason phrase, lower-case names, no connection-specific fields (RFC 9113 §8.2). */
function asHttp2(reply: Reply): Reply {
  if (reply.kind !== "http") return reply;
  const hopByHop = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection"]);
  return { ...reply, version: "HTTP/2", reason: "", headers: reply.headers.filter(([k]) => !hopByHop.has(k.toLowerCase())).map(([k, v]) => [k.toLowerCase(), v]) };
}

function proxyThroughIngress(env: ExchangeEnv, input: ExchangeInput, connection: Connection, https?: { protocol: "HTTP/1.1" | "HTTP/2.0" }): ExchangeOutcome {
  const { listener, ip, local } = connection;
  const state = env.tx.state;
  const spec = listener.pod!.spec.containers.find((c) => c.name === listener.container);
  const place = proxyPlace(listener);
  const served = serveIngress({
    state,
    index: netIndex(state),
    request: input.request,
    client: connection.client,
    local: connection.dst,
    now: env.now,
    logged: state.podRuntime[listener.podKey!]?.logs.length ?? 0,
    pick: (n) => env.random.int(n),
    annotationClass: (spec && flagValue(serverArgs(spec), "ingress-class")) ?? "nginx",
    ...(https ? { https } : {}),
    forward: (to, request) => forwardFrom(env, input, place, to, request),
  });
  appendLog(env.tx, listener.podKey!, served.log, env.now);
  connection.finish("answered", served.note, served.reply.status, served.hops);
  return { kind: "reply", ip, local, reply: served.reply };
}
