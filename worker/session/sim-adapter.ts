// The few simulation functions the session needs beyond engine.ts, looked up by name so the server
// builds while the simulation grows in parallel. Each has a fallback that is correct but plainer:
//   clusterView       (worker/sim/view.ts)               fallback: localClusterView below
//   nextTransitionAt  (worker/sim/cluster/controllers.ts) fallback: no lifecycle alarm
// TODO(integrator): once both exist, import them directly and delete the fallbacks.

import * as controllers from "../sim/cluster/controllers.ts";
import { findImage } from "../sim/cluster/images.ts";
import type { ClusterState, Pod } from "../sim/cluster/types.ts";
import type { SessionState } from "../sim/engine.ts";
import type { ClusterView } from "../sim/view.ts";
import * as view from "../sim/view.ts";

type ViewFn = (state: SessionState) => ClusterView;
type NextTransitionFn = (cluster: ClusterState) => number | undefined | null;

const simClusterView = (view as unknown as { clusterView?: ViewFn }).clusterView;
const simNextTransitionAt = (controllers as unknown as { nextTransitionAt?: NextTransitionFn }).nextTransitionAt;

export function clusterViewOf(state: SessionState): ClusterView {
  return (simClusterView ?? localClusterView)(state);
}

/** Simulated ms at which some pod's status changes next, if any. */
export function nextTransitionOf(cluster: ClusterState): number | undefined {
  const at = simNextTransitionAt?.(cluster);
  return typeof at === "number" && Number.isFinite(at) ? at : undefined;
}

const SYSTEM_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease"]);

/** Temporary: derives the view from the stored objects until worker/sim/view.ts provides it. */
function localClusterView(state: SessionState): ClusterView {
  const cluster = state.cluster;
  const nodes = Object.values(cluster.nodes).map((node) => ({
    name: node.metadata.name,
    ip: node.status.addresses.find((a) => a.type === "InternalIP")?.address ?? "",
    roles: Object.keys(node.metadata.labels ?? {})
      .filter((label) => label.startsWith("node-role.kubernetes.io/"))
      .map((label) => label.slice("node-role.kubernetes.io/".length)),
    ready: node.status.conditions.some((c) => c.type === "Ready" && c.status === "True"),
    podCIDR: node.spec.podCIDR,
  }));
  const pods = Object.values(cluster.pods).map((pod) => ({
    namespace: pod.metadata.namespace ?? "default",
    name: pod.metadata.name,
    node: pod.spec.nodeName,
    ip: pod.status.podIP,
    status: podStatus(pod),
    ready: pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
    labels: pod.metadata.labels ?? {},
    image: pod.spec.containers[0]?.image ?? "",
    listening: pod.status.phase === "Running" ? (findImage(pod.spec.containers[0]?.image ?? "")?.server?.ports.map((p) => p.port) ?? []) : [],
    owner: pod.metadata.ownerReferences?.find((o) => o.kind === "ReplicaSet")?.name.replace(/-[a-z0-9]+$/, ""),
    system: SYSTEM_NAMESPACES.has(pod.metadata.namespace ?? "default"),
  }));
  const services = Object.values(cluster.services).map((service) => {
    const selector = service.spec.selector ?? {};
    const selected = pods.filter(
      (pod) => pod.namespace === (service.metadata.namespace ?? "default") && pod.ready && pod.ip && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => pod.labels[k] === v),
    );
    return {
      namespace: service.metadata.namespace ?? "default",
      name: service.metadata.name,
      type: service.spec.type,
      clusterIP: service.spec.clusterIP ?? "",
      selector,
      ports: service.spec.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, nodePort: p.nodePort, protocol: p.protocol })),
      endpoints: service.spec.ports.flatMap((p) =>
        typeof p.targetPort === "number" ? selected.map((pod) => ({ ip: pod.ip ?? "", port: p.targetPort as number, pod: pod.name, node: pod.node })) : [],
      ),
      externalTrafficPolicy: service.spec.externalTrafficPolicy,
      system: SYSTEM_NAMESPACES.has(service.metadata.namespace ?? "default"),
    };
  });
  const deployments = Object.values(cluster.deployments).map((d) => ({
    namespace: d.metadata.namespace ?? "default",
    name: d.metadata.name,
    replicas: d.spec.replicas,
    ready: d.status.readyReplicas ?? 0,
    selector: d.spec.selector.matchLabels ?? {},
  }));
  const frame = state.shell[state.shell.length - 1];
  const shell =
    frame.kind === "workstation"
      ? { kind: "workstation" as const, name: frame.host }
      : frame.kind === "node"
        ? { kind: "node" as const, name: frame.node }
        : { kind: "pod" as const, name: frame.pod };
  return { now: cluster.now, workstation: { name: "workstation", ip: "" }, nodes, pods, services, deployments, shell };
}

function podStatus(pod: Pod): string {
  if (pod.metadata.deletionTimestamp) return "Terminating";
  const container = pod.status.containerStatuses?.[0];
  return container?.state.waiting?.reason ?? container?.state.terminated?.reason ?? pod.status.phase;
}
