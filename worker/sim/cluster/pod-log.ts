// A container's log as the API server's pods/log subresource answers it (the kubelet's log file
// read through the API): the one implementation behind the console's `kubectl logs` and the
// session's Kubernetes API, so both print the same lines and refuse with the same Status.

import { utf8Bytes, utf8Text } from "../base64.ts";
import { goQuote } from "../go-quote.ts";
import { startupLog } from "../net/apps/startup-log.ts";
import { containerEnvironment } from "./container-env.ts";
import { kubeProxyStartupLines } from "./kube-proxy-config.ts";
import { findImage } from "./images.ts";
import { runsImageServer, serverArgs, serverPorts } from "./process.ts";
import type { ClusterState, Pod } from "./types.ts";
import { serverVersion } from "./version.ts";

export interface PodLogOptions {
  /** The container; may be left out only for a pod with one. */
  container: string | undefined;
  /** The run before the last restart. */
  previous: boolean;
  /** Only this many of the last lines (tailLines); undefined for all. */
  tailLines: number | undefined;
  /** Each line prefixed with the time it was written, RFC3339Nano (timestamps=true). */
  timestamps?: boolean;
  /** Only lines written in the last this many seconds before the read (sinceSeconds). */
  sinceSeconds?: number;
  /** Only lines written at or after this time, ms (sinceTime). */
  since?: number;
  /** At most this many bytes of the answer, a last line cut short if need be (limitBytes). */
  limitBytes?: number;
}

export type PodLog =
  /** `lines`: whole lines as read (tail and since applied); `text`: the answer's body (timestamps, limitBytes). */
  | { ok: true; container: string; lines: string[]; text: string }
  /** The API server's refusal: its Status code, reason and message. */
  | { ok: false; code: number; reason: string; message: string };

export function readPodLog(state: ClusterState, namespace: string, podName: string, options: PodLogOptions): PodLog {
  const pod = state.pods[`${namespace}/${podName}`];
  if (!pod) return { ok: false, code: 404, reason: "NotFound", message: `pods ${goQuote(podName)} not found` };
  const names = pod.spec.containers.map((c) => c.name);
  let container = options.container ?? "";
  if (container === "") {
    // pod's LogLocation (pkg/registry/core/pod/strategy.go): kubectl picks one itself before asking.
    if (names.length > 1) return { ok: false, code: 400, reason: "BadRequest", message: `a container name must be specified for pod ${podName}, choose one of: [${names.join(" ")}]` };
    container = names[0]!;
  } else if (!names.includes(container)) {
    return { ok: false, code: 400, reason: "BadRequest", message: `container ${container} is not valid for pod ${podName}` };
  }
  const status = pod.status.containerStatuses?.find((s) => s.name === container);
  if (options.previous) {
    if (!status?.lastState.terminated) return { ok: false, code: 400, reason: "BadRequest", message: `previous terminated container "${container}" in pod "${podName}" not found` };
  } else if (!status || (status.state.waiting && !status.lastState.terminated)) {
    // A container waiting to restart (CrashLoopBackOff) still has its last run's log to show.
    const reason = status?.state.waiting?.reason ?? "ContainerCreating";
    if (reason === "ErrImagePull" || reason === "ImagePullBackOff") {
      return { ok: false, code: 400, reason: "BadRequest", message: `container "${container}" in pod "${podName}" is waiting to start: image can't be pulled` };
    }
    return { ok: false, code: 400, reason: "BadRequest", message: `container "${container}" in pod "${podName}" is waiting to start: ${reason}` };
  }
  const runtime = state.podRuntime[`${namespace}/${podName}`];
  const startup = containerStartup(state, pod, container, runtime?.logRotatedAt, options.previous);
  const startedAt = Date.parse(runStartedAt(pod, container, options.previous) ?? "") || (runtime?.createdAt ?? state.now);
  const written = runtime?.logs ?? [];
  const times = lineTimes(runtime?.logs ?? [], runtime?.logTimes, runtime?.logRotatedAt ?? startedAt);
  let entries = [...startup.map((line) => ({ line, at: startedAt })), ...written.map((line, i) => ({ line, at: times[i] }))];
  // The kubelet's ReadLogs: the tail's start first, then each line older than since skipped.
  if (options.tailLines !== undefined && options.tailLines >= 0) entries = entries.slice(Math.max(0, entries.length - options.tailLines));
  const since = options.sinceSeconds !== undefined ? state.now - options.sinceSeconds * 1000 : options.since;
  if (since !== undefined) entries = entries.filter((e) => e.at >= since);
  const lines = entries.map((e) => e.line);
  let text = options.timestamps ? entries.map((e) => `${rfc3339Nano(e.at)} ${e.line.endsWith("\n") ? e.line : `${e.line}\n`}`).join("") : logText(lines);
  if (options.limitBytes !== undefined) text = firstBytes(text, options.limitBytes);
  return { ok: true, container, lines, text };
}

/** When each stored line was written; lines of sessions saved before the times were kept count as written at `fallback`. */
function lineTimes(logs: readonly string[], times: readonly number[] | undefined, fallback: number): number[] {
  return logs.map((_, i) => times?.[i] ?? fallback);
}

/** Go's time.RFC3339Nano in UTC: fractional seconds without trailing zeros, none at all on a whole second. */
export function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString();
  const [whole, fraction] = [iso.slice(0, 19), iso.slice(20, 23).replace(/0+$/, "")];
  return `${whole}${fraction === "" ? "" : `.${fraction}`}Z`;
}

/** The first `limit` bytes of UTF-8 text (the kubelet's LimitWriter cuts bytes, even inside a character). */
function firstBytes(text: string, limit: number): string {
  const bytes = utf8Bytes(text);
  if (bytes.length <= limit) return text;
  return utf8Text(bytes.slice(0, limit));
}

/** When the run whose log is read started (the current one, or with previous the one before). */
function runStartedAt(pod: Pod, container: string, previous: boolean): string | undefined {
  const status = pod.status.containerStatuses?.find((s) => s.name === container);
  if (previous) return status?.lastState.terminated?.startedAt;
  return status?.state.running?.startedAt ?? status?.state.terminated?.startedAt ?? (status?.state.waiting ? status.lastState.terminated?.startedAt : undefined);
}

/** The log's lines as the file holds them: each ends with a newline. */
export function logText(lines: readonly string[]): string {
  return lines.map((l) => (l.endsWith("\n") ? l : `${l}\n`)).join("");
}

/** What the container's process printed when it started (derived, not stored: see startup-log.ts). */
function containerStartup(state: ClusterState, pod: Pod, container: string, logRotatedAt: number | undefined, previous: boolean): string[] {
  const spec = pod.spec.containers.find((c) => c.name === container);
  // The run whose log is read: the current one (running, or ended and waiting to restart), or with -p the one before.
  const startedAt = runStartedAt(pod, container, previous);
  const proxyRuntime = container === "kube-proxy" && pod.metadata.namespace === "kube-system" ? state.podRuntime[`kube-system/${pod.metadata.name}`] : undefined;
  const kubeProxy = proxyRuntime?.kubeProxy;
  if (kubeProxy && startedAt && (logRotatedAt === undefined || logRotatedAt < Date.parse(startedAt))) {
    // The record is the last run's; an earlier run (-p) that refused the same config logged the same error.
    const c = proxyRuntime?.containers?.find((x) => x.name === container);
    const id = previous ? c?.lastTerminated?.containerID : c?.containerID;
    if (id === kubeProxy.containerID || kubeProxy.error !== undefined) return kubeProxyStartupLines(kubeProxy, Date.parse(startedAt));
  }
  const server = spec && runsImageServer(spec) ? findImage(spec.image)?.server : undefined;
  if (!spec || !server || !startedAt) return [];
  // The start-up lines went to a file rotated away since.
  if (logRotatedAt !== undefined && logRotatedAt >= Date.parse(startedAt)) return [];
  const node = pod.spec.nodeName ? state.nodes[pod.spec.nodeName] : undefined;
  return startupLog(server.kind, {
    startedAt: Date.parse(startedAt),
    kernelVersion: node?.status.nodeInfo?.kernelVersion ?? "",
    cpus: Number(node?.status.capacity?.cpu ?? "1") || 1,
    env: containerEnvironment(state, `${pod.metadata.namespace ?? "default"}/${pod.metadata.name}`, container),
    hostname: pod.spec.hostNetwork && pod.spec.nodeName ? pod.spec.nodeName : pod.metadata.name,
    ports: serverPorts(spec),
    args: serverArgs(spec),
    image: spec.image,
    namespace: pod.metadata.namespace ?? "default",
    apiServer: { version: serverVersion(state.config.kubernetesVersion), host: state.services["default/kubernetes"]?.spec.clusterIP ?? "" },
  });
}

/** Where a follow (`follow=true`, `kubectl logs -f`) of one container's log has read to. */
export interface LogCursor {
  namespace: string;
  pod: string;
  uid: string | undefined;
  container: string;
  /** Lines of the current file already sent. */
  seen: number;
  rotatedAt: number | undefined;
  restarts: number;
}

export function logCursor(state: ClusterState, namespace: string, podName: string, container: string): LogCursor {
  const pod = state.pods[`${namespace}/${podName}`];
  const runtime = state.podRuntime[`${namespace}/${podName}`];
  return {
    namespace,
    pod: podName,
    uid: pod?.metadata.uid,
    container,
    seen: runtime?.logs.length ?? 0,
    rotatedAt: runtime?.logRotatedAt,
    restarts: pod?.status.containerStatuses?.find((s) => s.name === container)?.restartCount ?? 0,
  };
}

/**
 * The lines written since `cursor`, and whether the follow ends: as the kubelet's follow does, when
 * the container stops or restarts, or the pod is gone. A rotation starts a new file, read from its
 * first line. (The console's `kubectl logs -f` also stops after a quiet while; a client of the API
 * waits as long as it likes.)
 */
export function followPodLog(state: ClusterState, cursor: LogCursor): { lines: string[]; cursor: LogCursor; ended: boolean } {
  const pod = state.pods[`${cursor.namespace}/${cursor.pod}`];
  if (!pod || pod.metadata.uid !== cursor.uid) return { lines: [], cursor, ended: true };
  const runtime = state.podRuntime[`${cursor.namespace}/${cursor.pod}`];
  const logs = runtime?.logs ?? [];
  let seen = cursor.seen;
  if (runtime?.logRotatedAt !== cursor.rotatedAt) seen = 0;
  const lines = logs.slice(seen);
  const status = pod.status.containerStatuses?.find((s) => s.name === cursor.container);
  const ended = status?.state.running === undefined || (status.restartCount ?? 0) !== cursor.restarts;
  return { lines, cursor: { ...cursor, seen: logs.length, rotatedAt: runtime?.logRotatedAt }, ended };
}
