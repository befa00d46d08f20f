// Small hand-built cluster states and route traces, so the checks are tested without the simulator.
import type { ClusterState, Node, Pod, Service } from "../../../worker/sim/cluster/types.ts";
import type { Hop, RouteTrace, TraceCause, Verdict } from "../../../worker/sim/net/trace.ts";

const meta = (name: string, namespace: string | undefined, labels?: Record<string, string>) => ({
  name,
  ...(namespace ? { namespace } : {}),
  uid: `uid-${name}`,
  resourceVersion: "1",
  creationTimestamp: "2026-01-05T09:00:00Z",
  ...(labels ? { labels } : {}),
});

export function node(name: string, ip: string): Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: meta(name, undefined),
    spec: { podCIDR: "10.244.1.0/24", podCIDRs: ["10.244.1.0/24"] },
    status: {
      addresses: [{ type: "InternalIP", address: ip }, { type: "Hostname", address: name }],
      conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "", lastHeartbeatTime: "", lastTransitionTime: "" }],
      nodeInfo: { kubeletVersion: "v1.34.1", kubeProxyVersion: "", osImage: "", kernelVersion: "", containerRuntimeVersion: "", operatingSystem: "linux", architecture: "amd64", machineID: "", systemUUID: "", bootID: "" },
      capacity: {},
      allocatable: {},
    },
  };
}

export interface PodOptions {
  labels?: Record<string, string>;
  ip?: string;
  ready?: boolean;
  waiting?: string;
  node?: string;
  ports?: Array<{ name?: string; containerPort: number }>;
  namespace?: string;
  deleting?: boolean;
}

export function pod(name: string, o: PodOptions = {}): Pod {
  const ready = o.ready ?? true;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { ...meta(name, o.namespace ?? "default", o.labels ?? { run: name }), ...(o.deleting ? { deletionTimestamp: "2026-01-05T09:01:00Z" } : {}) },
    spec: { containers: [{ name, image: "nginx", ...(o.ports ? { ports: o.ports } : {}) }], nodeName: o.node ?? "node01" },
    status: {
      phase: ready ? "Running" : "Pending",
      ...(o.ip ? { podIP: o.ip, podIPs: [{ ip: o.ip }] } : {}),
      conditions: [{ type: "Ready", status: ready ? "True" : "False", lastProbeTime: null, lastTransitionTime: "" }],
      containerStatuses: [
        {
          name,
          image: "nginx",
          imageID: "",
          ready,
          started: ready,
          restartCount: 0,
          state: ready ? { running: { startedAt: "" } } : { waiting: { reason: o.waiting ?? "ContainerCreating" } },
          lastState: {},
        },
      ],
    },
  };
}

export interface ServiceOptions {
  type?: Service["spec"]["type"];
  selector?: Record<string, string>;
  clusterIP?: string;
  ports?: Array<{ port: number; targetPort: number | string; nodePort?: number }>;
  sessionAffinity?: "None" | "ClientIP";
  namespace?: string;
}

export function service(name: string, o: ServiceOptions = {}): Service {
  const clusterIP = o.clusterIP ?? "10.96.100.10";
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(name, o.namespace ?? "default", { run: name }),
    spec: {
      type: o.type ?? "ClusterIP",
      ...(o.selector === undefined ? { selector: { run: name } } : Object.keys(o.selector).length ? { selector: o.selector } : {}),
      ports: (o.ports ?? [{ port: 80, targetPort: 80 }]).map((p) => ({ protocol: "TCP" as const, ...p })),
      clusterIP,
      clusterIPs: [clusterIP],
      sessionAffinity: o.sessionAffinity ?? "None",
    },
    status: { loadBalancer: {} },
  };
}

export function cluster(objects: { nodes?: Node[]; pods?: Pod[]; services?: Service[] } = {}): ClusterState {
  const nodes = objects.nodes ?? [node("controlplane", "192.168.56.10"), node("node01", "192.168.56.11"), node("node02", "192.168.56.12")];
  const byKey = <T extends { metadata: { name: string; namespace?: string } }>(list: T[] | undefined) =>
    Object.fromEntries((list ?? []).map((o) => [o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name, o]));
  return {
    config: { kubernetesVersion: "v1.34.1", podCIDR: "10.244.0.0/16", serviceCIDR: "10.96.0.0/12", nodePortRange: { min: 30000, max: 32767 }, clusterDomain: "cluster.local", dnsServiceIP: "10.96.0.10", maxObjects: 500 },
    now: Date.UTC(2026, 0, 5, 9, 0, 0),
    resourceVersion: 1,
    nodes: byKey(nodes),
    namespaces: {},
    pods: byKey(objects.pods),
    services: byKey(objects.services),
    deployments: {},
    replicaSets: {},
    podRuntime: {},
    releasedPodIPs: {},
  };
}

export interface TraceOptions {
  from?: RouteTrace["from"];
  host: string;
  port: number;
  verdict?: Verdict;
  status?: number;
  pod?: string;
  reason?: string;
  cause?: TraceCause;
}

export function trace(o: TraceOptions): RouteTrace {
  const verdict = o.verdict ?? "answered";
  const hops: Hop[] = [{ kind: "client", label: "workstation", note: "the request starts here" }];
  if (o.pod) hops.push({ kind: "pod", label: `pod default/${o.pod}`, ref: { kind: "Pod", namespace: "default", name: o.pod }, note: "arrived at the pod" });
  return {
    request: `curl http://${o.host}:${o.port}/`,
    from: o.from ?? { kind: "workstation", name: "workstation", ip: "192.168.56.1" },
    to: { host: o.host, port: o.port, path: "/" },
    hops,
    verdict,
    ...(verdict === "answered" ? { status: o.status ?? 200 } : {}),
    reason: o.reason ?? (verdict === "answered" ? "nginx answered" : `The request was ${verdict}.`),
    ...(o.cause !== undefined ? { cause: o.cause } : {}),
  };
}
