// A connection to a port `kubectl port-forward` listens on at the workstation: kubectl carries it
// in a stream of its portforward request to the API server, which proxies it to the kubelet of the
// pod's node; the kubelet has the container runtime dial the port inside the pod's network
// namespace. No Service, no kube-proxy rule and no pod network route is involved, so the trace
// shows that tunnel. When the runtime cannot dial (the pod is gone, nothing listens), kubectl logs
// the error and ends with `error: lost connection to pod`, as kubectl 1.30 and later do.

import type { Pod } from "../cluster/types.ts";
import type { ForwardListener, PortForward } from "../kubectl/port-forward-types.ts";
import { sandboxID } from "../shell/crictl.ts";
import { listenerAt } from "./apps/listeners.ts";
import type { Connection, ConnectInput, ConnectOutcome, ExchangeEnv } from "./connection.ts";
import { netIndex } from "./index.ts";
import { traceFrom } from "./places.ts";
import { sha256 } from "./sha256.ts";
import type { Hop, Verdict } from "./trace.ts";

/** The control plane node (the API server's), by its label. */
function controlPlaneOf(env: ExchangeEnv): { name: string; ip: string } | undefined {
  const state = env.tx.state;
  for (const node of Object.values(state.nodes)) {
    if (node.metadata.labels?.["node-role.kubernetes.io/control-plane"] === undefined) continue;
    const ip = node.status.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
    return { name: node.metadata.name, ip };
  }
  return undefined;
}

/** The network namespace containerd's CNI made for the sandbox: `/var/run/netns/cni-<uuid>`. */
function netnsOf(pod: Pod): string {
  const h = Array.from(sha256(`netns/${pod.metadata.uid ?? pod.metadata.name}`).slice(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
  return `/var/run/netns/cni-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** klog's header: `E1207 12:01:22.123456    2405 portforward.go:424] `, in the workstation's time zone (UTC). */
function klogError(now: number, pid: number): string {
  const d = new Date(now);
  const two = (n: number) => String(n).padStart(2, "0");
  const micros = String(d.getUTCMilliseconds() * 1000).padStart(6, "0");
  return `E${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${micros} ${String(pid).padStart(7)} portforward.go:424] `;
}

export function forwardedConnect(env: ExchangeEnv, input: ConnectInput, ip: string, listener: ForwardListener): ConnectOutcome {
  const state = env.tx.state;
  const { forward, port } = listener;
  const key = `${forward.namespace}/${forward.pod}`;
  const srcPort = 32768 + env.random.int(28232);
  const local = { ip, port: srcPort };
  const to = input.path === undefined ? { host: input.host, port: input.port } : { host: input.host, port: input.port, path: input.path };
  const base = { request: input.command, from: traceFrom(input.place), to };
  const apiServer = controlPlaneOf(env);
  const pod = state.pods[key];
  const alive = pod && pod.metadata.uid === forward.uid ? pod : undefined;
  listener.out(`Handling connection for ${port.local}\n`);
  const hops: Hop[] = [
    {
      kind: "client",
      label: `kubectl port-forward on ${input.place.name}`,
      ref: { kind: "Workstation", name: input.place.name },
      before: { src: local, dst: { ip, port: port.local } },
      note: `kubectl listens on ${ip}:${port.local} and carries the connection in a stream of its request POST /api/v1/namespaces/${forward.namespace}/pods/${forward.pod}/portforward.`,
    },
    {
      kind: "node",
      label: `kube-apiserver on ${apiServer?.name ?? "the control plane"}`,
      ...(apiServer ? { ref: { kind: "Node" as const, name: apiServer.name } } : {}),
      note: `The API server${apiServer ? ` (${apiServer.ip}:6443)` : ""} proxies the stream to the kubelet of the pod's node; no Service and no kube-proxy rule is on this path.`,
    },
  ];
  const nodeName = alive?.spec.nodeName;
  const sandbox = alive ? sandboxID(alive) : hashedSandbox(forward);
  const fail = (reason: string, why: string): ConnectOutcome => {
    const message = `error forwarding port ${port.remote} to pod ${sandbox}, uid : ${reason}`;
    listener.failed?.(message);
    // kubectl logs the runtime's error, drops the connection and, having lost its stream, exits.
    listener.err(`${klogError(env.now, listener.pid)}"Unhandled Error" err="an error occurred forwarding ${port.local} -> ${port.remote}: ${message.replace(/"/g, '\\"')}"\n`);
    listener.err("error: lost connection to pod\n");
    listener.lost();
    hops.push({ kind: "process", label: "kubectl port-forward", note: `${why} kubectl closes the connection without a reply and exits: error: lost connection to pod.` });
    env.trace({ ...base, hops, verdict: "empty-reply", reason: why });
    return { kind: "connected", connection: closedConnection(ip, local, input.place.name) };
  };
  if (!alive || !nodeName) return fail(`failed to find sandbox "${sandbox}" in store: not found`, `Pod ${key} no longer exists, so the kubelet has no sandbox to forward to.`);
  hops.push({
    kind: "node",
    label: `kubelet on ${nodeName}`,
    ref: { kind: "Node", name: nodeName },
    note: `The kubelet has the container runtime dial localhost:${port.remote} inside the pod's network namespace.`,
  });
  const inside = { ip: "127.0.0.1", port: 32768 + env.random.int(28232) };
  const dst = { ip: "127.0.0.1", port: port.remote };
  hops.push({ kind: "pod", label: `pod ${key}`, ref: { kind: "Pod", namespace: forward.namespace, name: forward.pod }, before: { src: inside, dst }, note: `The connection starts inside the pod's network namespace, on its loopback.` });
  const index = netIndex(state);
  const info = index.podByIP(alive.status.podIP ?? "");
  const found = listenerAt(index, { kind: "pod", pod: info && info.key === key ? info : { key, pod: alive, ip: alive.status.podIP ?? "" } }, port.remote, "127.0.0.1");
  if (!found.listener) {
    const refused = `dial tcp4 127.0.0.1:${port.remote}: connect: connection refused IPv6 dial tcp6 [::1]:${port.remote}: connect: connection refused `;
    return fail(`failed to execute portforward in network namespace "${netnsOf(alive)}": failed to connect to localhost:${port.remote} inside namespace "${sandbox}", IPv4: ${refused}`, found.why);
  }
  const process = found.listener;
  const finish = (verdict: Verdict, note: string, status?: number, after: Hop[] = []): void => {
    hops.push({ kind: "process", label: process.label, before: { src: inside, dst }, note: `${note} It sees the client as ${inside.ip}:${inside.port}.` }, ...after);
    env.trace({ ...base, hops, verdict, ...(status === undefined ? {} : { status }), reason: verdict === "answered" && status !== undefined ? `${process.label} answered with HTTP ${status}.` : note });
  };
  return { kind: "connected", connection: { ip, local, listener: process, client: inside, dst, finish } };
}

/** A sandbox ID for a pod that is gone (kubectl still names the one it forwarded to). */
function hashedSandbox(forward: PortForward): string {
  return Array.from(sha256(`sandbox/${forward.uid}`), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** kubectl accepted the connection and closes it without a byte: curl's `Empty reply from server`. */
function closedConnection(ip: string, local: { ip: string; port: number }, host: string): Connection {
  return {
    ip,
    local,
    listener: { app: () => ({ reply: { kind: "closed", note: "kubectl port-forward closed the connection." } }), label: "kubectl port-forward", hostname: host, logs: false },
    client: local,
    dst: local,
    finish: () => {},
  };
}
