// Which process, if any, listens on a pod's or a node's port. A pod's containers run their image's
// server unless the spec replaces the command; a container that is not running listens on nothing.

import { findImage, type ServerKind } from "../../cluster/images.ts";
import { runsImageServer, serverArgs, serverPorts } from "../../cluster/process.ts";
import type { ClusterState, Pod } from "../../cluster/types.ts";
import { nginxListens } from "./nginx-conf.ts";
import type { NetIndex } from "../index.ts";
import type { DeliveryTarget } from "../router.ts";
import type { TraceCause } from "../trace.ts";
import { mariadb, mysql, postgres, redis, sshd, tlsOnly } from "./databases.ts";
import { agnhost } from "./agnhost.ts";
import { goproxy } from "./goproxy.ts";
import { echoServer } from "./echo-server.ts";
import { echoserver } from "./echoserver.ts";
import { ingressNginx } from "./ingress-nginx.ts";
import { metallb } from "./metallb.ts";
import { ngfController, ngfNginx } from "./nginx-gateway-fabric.ts";
import { helloApp } from "./hello-app.ts";
import { helloFrontend } from "./hello-frontend.ts";
import { helloGo } from "./hello-go.ts";
import { kubernetesBootcamp } from "./kubernetes-bootcamp.ts";
import { nodeHello } from "./node-hello.ts";
import { serveHostname } from "./serve-hostname.ts";
import { httpEcho } from "./http-echo.ts";
import { httpd } from "./httpd.ts";
import { kubeProxyServer } from "./kube-proxy.ts";
import { nginx } from "./nginx.ts";
import { tomcat } from "./tomcat.ts";
import type { App } from "./types.ts";
import { whoami } from "./whoami.ts";
import { instanceCorefile, isCorednsImage, parseCorefileCached } from "../../cluster/coredns-process.ts";
import { corednsHttpApp, corednsHttpPorts } from "./coredns.ts";
import { corednsMetricsText } from "../coredns-metrics.ts";
import { readyEndpointCount } from "../../cluster/endpoints.ts";

const apps: Record<ServerKind, App> = {
  nginx,
  httpd,
  tomcat,
  whoami,
  "http-echo": httpEcho,
  echoserver,
  redis,
  mysql,
  mariadb,
  postgres,
  "serve-hostname": serveHostname,
  agnhost,
  "kubernetes-bootcamp": kubernetesBootcamp,
  "node-hello": nodeHello,
  "hello-app": helloApp,
  "hello-go": helloGo,
  "hello-frontend": helloFrontend,
  "echo-server": echoServer,
  "ingress-nginx": ingressNginx,
  "nginx-gateway-fabric": ngfController,
  "ngf-nginx": ngfNginx,
  "metallb-controller": metallb,
  "metallb-speaker": metallb,
  goproxy,
};

/** What the trace calls a process whose image's kind is not its program's name. */
const PROCESS_NAMES: Partial<Record<ServerKind, string>> = { "ngf-nginx": "nginx (NGINX Gateway Fabric data plane)", "nginx-gateway-fabric": "nginx-gateway (NGINX Gateway Fabric control plane)", "metallb-controller": "controller (MetalLB)", "metallb-speaker": "speaker (MetalLB)" };

/** Servers that write a line to their container's log for each request they answer. */
const LOGS_REQUESTS = new Set<ServerKind>(["nginx", "serve-hostname", "agnhost", "kubernetes-bootcamp", "hello-app", "hello-go", "hello-frontend", "echo-server", "ingress-nginx"]);

export interface Listener {
  app: App;
  /** What listens, for the trace: e.g. "nginx in container nginx", "sshd". */
  label: string;
  /** The pod whose container runs it, when it is a pod's process. */
  podKey?: string;
  pod?: Pod;
  container?: string;
  args?: string[];
  /** The image reference the container runs (hello-app and the bootcamp answer with its version). */
  image?: string;
  hostname: string;
  /** True for processes that write HTTP access logs to the container's log. */
  logs: boolean;
  /** The image's server, for clients that speak its own protocol (redis-cli, psql, mysql). */
  server?: ServerKind;
}

export type ListenResult = { listener: Listener } | { listener?: undefined; why: string; cause: TraceCause };

/** The process listening on `port` of the delivery target, reached at `dstIP` (a node's loopback-only servers need it). */
export function listenerAt(index: NetIndex, target: DeliveryTarget, port: number, dstIP = ""): ListenResult {
  if (target.kind === "pod") {
    const { pod, key } = target.pod;
    return podListener(index.state, pod, key, port, pod.metadata.name);
  }
  if (target.kind === "outside") {
    const { host } = target;
    if (host.http && port === 80) return { listener: { app: host.http.app, label: host.http.label, hostname: host.name, logs: false } };
    return { why: `${host.name} (${host.ip}) serves ${host.http ? "plain HTTP on port 80" : "DNS on UDP port 53"} in the simulated outside world; nothing there answers TCP port ${port}.`, cause: "port-closed" };
  }
  const node = target.node;
  for (const info of index.hostNetworkPods(node.name)) {
    const found = podListener(index.state, info.pod, info.key, port, node.name);
    if (found.listener) return found;
  }
  const proxy = kubeProxyServer(index, node, port, dstIP);
  if (proxy) return { listener: { ...proxy, hostname: node.name, logs: false } };
  if (port === 22) return { listener: { app: sshd, label: `sshd on ${node.name}`, hostname: node.name, logs: false } };
  if (port === 10250) return { listener: { app: tlsOnly, label: `kubelet on ${node.name}`, hostname: node.name, logs: false } };
  const nodeObject = index.state.nodes[node.name];
  const controlPlane = nodeObject?.metadata.labels?.["node-role.kubernetes.io/control-plane"] !== undefined;
  if (port === 6443 && controlPlane) {
    return { listener: { app: tlsOnly, label: `kube-apiserver on ${node.name}`, hostname: node.name, logs: false } };
  }
  return { why: `Nothing on ${node.name} listens on port ${port}, so its kernel answers with a TCP reset.`, cause: "node-port-closed" };
}

function podListener(state: ClusterState, pod: Pod, key: string, port: number, hostname: string): ListenResult {
  if (pod.status.phase !== "Running") {
    return { why: `Pod ${key} is ${pod.status.phase}: no process runs in it, so the connection is reset.`, cause: "pod-not-running" };
  }
  const statuses = pod.status.containerStatuses ?? [];
  const notRunning: string[] = [];
  for (const container of pod.spec.containers) {
    if (isCorednsImage(container.image)) {
      // CoreDNS's health and ready servers, as the Corefile its process loaded opens them.
      const { path, text } = instanceCorefile(state, key, container.name);
      const plugin = text === undefined ? undefined : corednsHttpPorts(parseCorefileCached(text, path)).get(port);
      if (!plugin) continue;
      if (!statuses.find((s) => s.name === container.name)?.state.running) {
        notRunning.push(container.name);
        continue;
      }
      const loaded = parseCorefileCached(text!);
      const view = {
        metrics: () => (loaded.ok ? corednsMetricsText(loaded.servers, state.podRuntime[key]?.coredns) : ""),
        // The kubernetes plugin is ready once its informers synced, which needs the API server behind
        // the kubernetes Service (readyEndpointCount 0: nothing to list from).
        notReady: () => (loaded.ok && loaded.servers.some((sb) => sb.directives.some((d) => d.name === "kubernetes")) && readyEndpointCount(state, "default/kubernetes") === 0 ? ["kubernetes"] : []),
      };
      return { listener: { app: corednsHttpApp(plugin, view), label: `coredns (the ${plugin} plugin) in container ${container.name} of pod ${key}`, podKey: key, pod, container: container.name, args: serverArgs(container), image: container.image, hostname, logs: false } };
    }
    const server = findImage(container.image)?.server;
    if (!server || !runsImageServer(container)) continue;
    // nginx also listens where its conf.d files say (read only for ports the image does not serve).
    if (!serverPorts(container).some((p) => p.port === port && p.protocol === "TCP") && !(server.kind === "nginx" && nginxListens(state, pod, container.name).some((l) => l.port === port))) continue;
    const status = statuses.find((s) => s.name === container.name);
    if (!status?.state.running) {
      notRunning.push(container.name);
      continue;
    }
    return {
      listener: {
        app: apps[server.kind],
        label: `${PROCESS_NAMES[server.kind] ?? server.kind} in container ${container.name} of pod ${key}`,
        podKey: key,
        pod,
        container: container.name,
        args: serverArgs(container),
        image: container.image,
        hostname,
        logs: LOGS_REQUESTS.has(server.kind),
        server: server.kind,
      },
    };
  }
  if (notRunning.length) return { why: `Container ${notRunning[0]} of pod ${key} is not running, so nothing listens on port ${port}.`, cause: "pod-not-running" };
  const listening = pod.spec.containers
    .flatMap((c) => serverPorts(c).filter((p) => p.protocol === "TCP").map((p) => p.port))
    .join(", ");
  return {
    why: listening
      ? `No process in pod ${key} listens on port ${port} (it listens on ${listening}): the pod answers with a TCP reset. Is the Service's targetPort right?`
      : `No process in pod ${key} listens on any port: the pod answers with a TCP reset.`,
    cause: "port-closed",
  };
}

/**
 * What answers a UDP datagram at a pod's port: agnhost netexec's UDP server (netexec.go
 * startUDPServer: `hostname`, `echo TEXT`, `clientip`, the text trimmed and lower-cased, an
 * unknown command unanswered). Undefined when no process has that UDP port open.
 */
export function udpReply(target: DeliveryTarget, port: number, payload: string, client: { ip: string; port: number }): { label: string; reply: string | undefined } | undefined {
  if (target.kind !== "pod") return undefined;
  const { pod, key } = target.pod;
  if (pod.status.phase !== "Running") return undefined;
  for (const container of pod.spec.containers) {
    const server = findImage(container.image)?.server;
    if (server?.kind !== "agnhost" || !serverPorts(container).some((p) => p.port === port && p.protocol === "UDP")) continue;
    if (!pod.status.containerStatuses?.find((s) => s.name === container.name)?.state.running) return undefined;
    const text = payload.trim().toLowerCase();
    const reply = text === "hostname" ? pod.metadata.name : text.startsWith("echo ") ? text.slice(5) : text === "clientip" ? `${client.ip}:${client.port}` : undefined;
    return { label: `agnhost netexec's UDP server in container ${container.name} of pod ${key}`, reply };
  }
  return undefined;
}
