// The cluster as the page draws it: a small, documented shape derived from the session state.
// GET /api/sessions/:id returns it as `cluster`; the live WebSocket sends it after each change.

import { type ClusterProfile, profileOf } from "./cluster/profile.ts";
import { endpointSlicesFor } from "./cluster/endpoints.ts";
import { serverPorts } from "./cluster/process.ts";
import { isSystemNamespace } from "./cluster/store.ts";
import type { ClusterState, Pod } from "./cluster/types.ts";
import type { SessionState } from "./engine.ts";
import { podSummary } from "./kubectl/printers/tables.ts";
import { WORKSTATION_IP, WORKSTATION_NAME } from "./net/places.ts";
import { nodeInternalIP, nodeReady } from "./cluster/conditions.ts";
import { loopbackForwards } from "./shell/forward-lookup.ts";
import { kubeconfigOf } from "./kubectl/kubeconfig.ts";

export interface ClusterView {
  /** Simulated time the view was taken at (ms since the epoch). */
  now: number;
  /** The CNI and add-ons the cluster was built with. */
  profile: ClusterProfile;
  workstation: { name: string; ip: string };
  nodes: Array<{
    name: string;
    ip: string;
    roles: string[];
    ready: boolean;
    podCIDR: string;
    /** Cordoned (`kubectl cordon`): the scheduler places no new pods here. */
    unschedulable?: boolean;
    /** Taints as kubectl writes them, `key=value:Effect`. */
    taints?: string[];
  }>;
  pods: Array<{
    namespace: string;
    name: string;
    node?: string;
    ip?: string;
    /** What `kubectl get pods` prints in STATUS (Running, ContainerCreating, CrashLoopBackOff, ...). */
    status: string;
    ready: boolean;
    labels: Record<string, string>;
    image: string;
    /** Ports its process really listens on. */
    listening: number[];
    /** Deployment that owns it through a ReplicaSet, if any. */
    owner?: string;
    system: boolean;
  }>;
  services: Array<{
    namespace: string;
    name: string;
    type: string;
    clusterIP: string;
    selector: Record<string, string>;
    ports: Array<{ name?: string; port: number; targetPort: number | string; nodePort?: number; protocol: string }>;
    /** Ready endpoints, with the pod they belong to. */
    endpoints: Array<{ ip: string; port: number; pod: string; node?: string }>;
    externalTrafficPolicy?: string;
    system: boolean;
  }>;
  deployments: Array<{ namespace: string; name: string; replicas: number; ready: number; selector: Record<string, string> }>;
  /** Where the console is now: workstation, a node, or a pod shell. */
  shell: { kind: "workstation" | "node" | "pod"; name: string };
  /** Running `kubectl port-forward` jobs: the workstation's loopback ports (localhost:PORT) and the pod each reaches. */
  forwards?: Array<{ port: number; namespace: string; pod: string; remote: number }>;
  /**
   * A session with several clusters: the workstation's current context, its cluster (the one this
   * view draws), and the kubeconfig's contexts that name one of the session's clusters. Absent
   * with one cluster.
   */
  contexts?: { current: string; cluster: string; names: string[] };
}

const ROLE_PREFIX = "node-role.kubernetes.io/";

export function clusterView(state: SessionState): ClusterView {
  const cluster = state.cluster;
  const frame = state.shell[state.shell.length - 1];
  return {
    now: cluster.now,
    profile: profileOf(cluster),
    workstation: { name: WORKSTATION_NAME, ip: WORKSTATION_IP },
    nodes: Object.values(cluster.nodes).map((node) => ({
      name: node.metadata.name,
      ip: nodeInternalIP(node) ?? "",
      roles: Object.keys(node.metadata.labels ?? {})
        .filter((label) => label.startsWith(ROLE_PREFIX))
        .map((label) => label.slice(ROLE_PREFIX.length)),
      ready: nodeReady(node),
      podCIDR: node.spec.podCIDR,
      ...(node.spec.unschedulable ? { unschedulable: true } : {}),
      ...(node.spec.taints?.length ? { taints: node.spec.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`) } : {}),
    })),
    pods: Object.values(cluster.pods).map((pod) => podView(pod, cluster)),
    services: Object.values(cluster.services).map((service) => {
      const namespace = service.metadata.namespace ?? "default";
      const endpoints: ClusterView["services"][number]["endpoints"] = [];
      for (const slice of endpointSlicesFor(cluster, service)) {
        for (const endpoint of slice.endpoints) {
          if (!endpoint.conditions.ready) continue;
          for (const port of slice.ports) {
            endpoints.push({ ip: endpoint.addresses[0], port: port.port, pod: endpoint.targetRef?.name ?? "", node: endpoint.nodeName });
          }
        }
      }
      return {
        namespace,
        name: service.metadata.name,
        type: service.spec.type,
        clusterIP: service.spec.clusterIP ?? "None",
        selector: service.spec.selector ?? {},
        ports: service.spec.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, nodePort: p.nodePort, protocol: p.protocol })),
        endpoints,
        externalTrafficPolicy: service.spec.externalTrafficPolicy,
        system: isSystemNamespace(namespace),
      };
    }),
    deployments: Object.values(cluster.deployments).map((deployment) => ({
      namespace: deployment.metadata.namespace ?? "default",
      name: deployment.metadata.name,
      replicas: deployment.spec.replicas,
      ready: deployment.status.readyReplicas ?? 0,
      selector: deployment.spec.selector.matchLabels ?? {},
    })),
    forwards: loopbackForwards(state.jobs),
    ...(state.contexts ? { contexts: contextsView(state) } : {}),
    shell:
      frame.kind === "workstation"
        ? { kind: "workstation", name: frame.host }
        : frame.kind === "node"
          ? { kind: "node", name: frame.node }
          : { kind: "pod", name: `${frame.namespace}/${frame.pod}` },
  };
}

function contextsView(state: SessionState): NonNullable<ClusterView["contexts"]> {
  const kubeconfig = kubeconfigOf(state.shell[0]);
  const names = state.contexts?.names ?? [];
  return {
    current: kubeconfig.currentContext,
    cluster: state.contexts?.current ?? "",
    names: kubeconfig.contexts.filter((c) => names.includes(c.cluster)).map((c) => c.name),
  };
}

function podView(pod: Pod, cluster: ClusterState): ClusterView["pods"][number] {
  const namespace = pod.metadata.namespace ?? "default";
  const summary = podSummary(pod, cluster.now);
  // A terminating pod's server keeps listening until its container stops (preStop, grace period).
  const running = pod.status.phase === "Running" && pod.status.containerStatuses?.[0]?.state.running !== undefined;
  const image = pod.spec.containers[0]?.image ?? "";
  const replicaSet = pod.metadata.ownerReferences?.find((o) => o.kind === "ReplicaSet")?.name;
  const owner = replicaSet ? cluster.replicaSets[`${namespace}/${replicaSet}`]?.metadata.ownerReferences?.find((o) => o.kind === "Deployment")?.name : undefined;
  return {
    namespace,
    name: pod.metadata.name,
    node: pod.spec.nodeName,
    ip: pod.status.podIP,
    status: summary.status,
    ready: summary.ready === pod.spec.containers.length && summary.status === "Running",
    labels: pod.metadata.labels ?? {},
    image,
    listening: running && pod.spec.containers[0] ? serverPorts(pod.spec.containers[0]).map((p) => p.port) : [],
    owner,
    system: isSystemNamespace(namespace),
  };
}
