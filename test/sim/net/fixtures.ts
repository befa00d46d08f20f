// A small cluster for data-plane tests: the real bootstrap (three nodes, system pods, kubernetes
// and kube-dns Services) plus pods and Services written directly as objects, so the tests do not
// depend on kubectl. Every helper returns a new state; inputs are never modified.

import { bootstrapCluster } from "../../../worker/sim/cluster/bootstrap.ts";
// The kubelet's readiness probes and container commands, registered as engine.ts does (CoreDNS's pods are ready once /ready answers).
import "../../../worker/sim/shell/container-process.ts";
import { Tx } from "../../../worker/sim/cluster/tx.ts";
import type { ClusterState, Container, Pod, Service, ServicePort } from "../../../worker/sim/cluster/types.ts";
import type { RouteTrace } from "../../../worker/sim/net/trace.ts";
import { createRandom } from "../../../worker/sim/random.ts";
import { findProgram } from "../../../worker/sim/shell/programs.ts";
import { parseLine } from "../../../worker/sim/shell/tokenizer.ts";
import type { ShellFrame } from "../../../worker/sim/shell/types.ts";

export const NOW = Date.UTC(2025, 10, 26, 10, 0, 0);

export const IPS = { controlplane: "192.168.56.10", node01: "192.168.56.11", node02: "192.168.56.12" };

let base: ClusterState | undefined;

export function cluster(): ClusterState {
  base ??= bootstrapCluster({ now: NOW, random: createRandom(7) });
  return base;
}

export interface PodOptions {
  name: string;
  namespace?: string;
  node?: string;
  ip: string;
  labels?: Record<string, string>;
  image?: string;
  ready?: boolean;
  phase?: Pod["status"]["phase"];
  running?: boolean;
  ports?: Container["ports"];
  command?: string[];
  args?: string[];
  hostNetwork?: boolean;
}

export function withPod(state: ClusterState, o: PodOptions): ClusterState {
  const namespace = o.namespace ?? "default";
  const key = `${namespace}/${o.name}`;
  const node = o.node ?? "node01";
  const ready = o.ready ?? true;
  const running = o.running ?? true;
  const image = o.image ?? "nginx";
  const ts = "2025-11-26T09:59:00Z";
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: o.name, namespace, uid: `uid-${o.name}`, resourceVersion: "1", creationTimestamp: ts, labels: o.labels ?? { run: o.name } },
    spec: {
      containers: [{ name: o.name, image, ports: o.ports, command: o.command, args: o.args }],
      nodeName: node,
      hostNetwork: o.hostNetwork,
    },
    status: {
      phase: o.phase ?? "Running",
      podIP: o.ip,
      podIPs: [{ ip: o.ip }],
      hostIP: IPS[node as keyof typeof IPS],
      conditions: [{ type: "Ready", status: ready ? "True" : "False", lastProbeTime: null, lastTransitionTime: ts }],
      containerStatuses: [
        {
          name: o.name,
          image,
          imageID: "",
          ready,
          started: running,
          restartCount: 0,
          state: running ? { running: { startedAt: ts } } : { waiting: { reason: "CrashLoopBackOff" } },
          lastState: {},
        },
      ],
    },
  };
  return {
    ...state,
    resourceVersion: state.resourceVersion + 1,
    pods: { ...state.pods, [key]: pod },
    podRuntime: { ...state.podRuntime, [key]: { createdAt: NOW - 60_000, logs: [] } },
  };
}

export interface ServiceOptions {
  name: string;
  namespace?: string;
  type?: Service["spec"]["type"];
  clusterIP: string;
  selector?: Record<string, string>;
  ports: Array<Partial<ServicePort> & { port: number }>;
  externalTrafficPolicy?: "Cluster" | "Local";
  internalTrafficPolicy?: "Cluster" | "Local";
  sessionAffinity?: "None" | "ClientIP";
  affinityTimeout?: number;
}

export function withService(state: ClusterState, o: ServiceOptions): ClusterState {
  const namespace = o.namespace ?? "default";
  const service: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: o.name, namespace, uid: `uid-svc-${o.name}`, resourceVersion: "1", creationTimestamp: "2025-11-26T09:59:00Z" },
    spec: {
      type: o.type ?? "ClusterIP",
      selector: o.selector ?? { run: o.name },
      ports: o.ports.map((p) => ({ protocol: "TCP", targetPort: p.port, ...p })),
      clusterIP: o.clusterIP,
      clusterIPs: [o.clusterIP],
      sessionAffinity: o.sessionAffinity ?? "None",
      ...(o.affinityTimeout ? { sessionAffinityConfig: { clientIP: { timeoutSeconds: o.affinityTimeout } } } : {}),
      ...(o.externalTrafficPolicy ? { externalTrafficPolicy: o.externalTrafficPolicy } : {}),
      internalTrafficPolicy: o.internalTrafficPolicy ?? "Cluster",
    },
    status: { loadBalancer: {} },
  };
  return { ...state, resourceVersion: state.resourceVersion + 1, services: { ...state.services, [`${namespace}/${o.name}`]: service } };
}

export const WORKSTATION: ShellFrame = { kind: "workstation", user: "student", host: "workstation" };
export const onNode = (node: string): ShellFrame[] => [WORKSTATION, { kind: "node", node, user: "student" }];
export const inPod = (pod: string, namespace = "default", shell: "sh" | "bash" = "sh"): ShellFrame[] => [
  WORKSTATION,
  { kind: "pod", namespace, pod, container: pod, shell },
];

export interface RunResult {
  out: string;
  err: string;
  /** stdout and stderr interleaved, as the console shows them. */
  output: string;
  code: number;
  traces: RouteTrace[];
  state: ClusterState;
  shell: ShellFrame[];
}

/** Runs one command line (no pipes) at a place, like the engine does. */
export function run(state: ClusterState, where: ShellFrame[], line: string, seed = 1): RunResult {
  const parsed = parseLine(line);
  if (!parsed.ok) throw new Error(parsed.error);
  const argv = parsed.line.pipeline[0].map((word) => {
    if (typeof word !== "string") throw new Error(`run(): "${line}" has expansions; use execute() for those`);
    return word;
  });
  const tx = new Tx(state);
  const random = createRandom(seed);
  const shell = where.slice();
  let out = "";
  let err = "";
  let output = "";
  const traces: RouteTrace[] = [];
  const program = findProgram(argv[0], shell[shell.length - 1], state);
  let code: number;
  if (typeof program === "string") {
    err = output = program;
    code = 127;
  } else {
    code = program({
      argv,
      tx,
      random,
      now: NOW,
      shell,
      out: (t) => {
        out += t;
        output += t;
      },
      err: (t) => {
        err += t;
        output += t;
      },
      trace: (t) => traces.push(t),
    });
  }
  return { out, err, output, code, traces, state: tx.commit(), shell };
}

/** The lecture's cluster: nginx pods on both workers behind a NodePort, a redis database. */
export function lectureCluster(): ClusterState {
  let s = cluster();
  s = withPod(s, { name: "web-1", node: "node01", ip: "10.244.1.5", labels: { app: "web" } });
  s = withPod(s, { name: "web-2", node: "node02", ip: "10.244.2.7", labels: { app: "web" } });
  s = withPod(s, { name: "client", node: "node01", ip: "10.244.1.9", image: "busybox", command: ["sleep", "3600"] });
  s = withPod(s, { name: "far", node: "node02", ip: "10.244.2.9", image: "curlimages/curl", command: ["sleep", "3600"] });
  s = withService(s, { name: "web", type: "NodePort", clusterIP: "10.96.100.10", selector: { app: "web" }, ports: [{ port: 8080, targetPort: 80, nodePort: 30080 }] });
  return s;
}
