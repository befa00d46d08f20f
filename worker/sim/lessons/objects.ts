// Finding the objects a check names, and describing them the way kubectl would.

import type { ClusterState, Deployment, KubeObject, Node, Pod, ReplicaSet } from "../cluster/types.ts";
import { showLabels } from "./fields.ts";
import type { ObjectKind, ObjectRef } from "./schema.ts";
import { nodeInternalIP, nodeReady, podReady as readyCondition } from "../cluster/conditions.ts";

const COLLECTION = {
  Pod: "pods",
  Service: "services",
  Deployment: "deployments",
  ReplicaSet: "replicaSets",
  Node: "nodes",
  Namespace: "namespaces",
} as const satisfies Record<Exclude<ObjectKind, keyof typeof REGISTRY_RESOURCE>, keyof ClusterState>;

/** The registry kinds (kinds/) a check may name, by their resource in state.objects. */
const REGISTRY_RESOURCE = { NetworkPolicy: "networkpolicies", Ingress: "ingresses", StatefulSet: "statefulsets", ConfigMap: "configmaps", Secret: "secrets", PersistentVolumeClaim: "persistentvolumeclaims", Gateway: "gateways", HTTPRoute: "httproutes" } as const;

const CLUSTER_SCOPED: ReadonlySet<ObjectKind> = new Set(["Node", "Namespace"]);

function isRegistryKind(kind: ObjectKind): kind is keyof typeof REGISTRY_RESOURCE {
  return Object.prototype.hasOwnProperty.call(REGISTRY_RESOURCE, kind);
}

/** kubectl's lower-case name of a kind, for messages ("pod", "service"). */
export function kindWord(kind: ObjectKind): string {
  return kind.toLowerCase();
}

export function namespaceOf(ref: { namespace?: string }): string {
  return ref.namespace ?? "default";
}

/** The objects a reference selects, sorted by name: one by name, or all with matching labels. */
export function selectObjects(cluster: ClusterState, ref: ObjectRef): KubeObject[] {
  const collection = (isRegistryKind(ref.kind) ? (cluster.objects?.[REGISTRY_RESOURCE[ref.kind]] ?? {}) : cluster[COLLECTION[ref.kind]]) as Record<string, KubeObject>;
  const scoped = CLUSTER_SCOPED.has(ref.kind);
  const namespace = namespaceOf(ref);
  if (ref.name !== undefined) {
    const object = collection[scoped ? ref.name : `${namespace}/${ref.name}`];
    return object ? [object] : [];
  }
  const found: KubeObject[] = [];
  for (const object of Object.values(collection)) {
    if (!scoped && object.metadata.namespace !== namespace) continue;
    if (ref.selector && !labelsMatch(object.metadata.labels, ref.selector)) continue;
    found.push(object);
  }
  return found.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

export function labelsMatch(labels: Record<string, string> | undefined, selector: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector)) {
    if (!labels || labels[key] !== value) return false;
  }
  return true;
}

/** "pod nginx", "pods with labels app=web", "services" — what a reference points at, in words. */
export function describeRef(ref: ObjectRef): string {
  const word = kindWord(ref.kind);
  const where = CLUSTER_SCOPED.has(ref.kind) || namespaceOf(ref) === "default" ? "" : ` in namespace ${namespaceOf(ref)}`;
  if (ref.name !== undefined) return `${word} ${ref.name}${where}`;
  if (ref.selector) return `${plural(word)} with labels ${showLabels(ref.selector)}${where}`;
  return `${plural(word)}${where}`;
}

function plural(word: string): string {
  return word.endsWith("s") ? `${word}es` : `${word}s`;
}

/** Is the pod Ready (its Ready condition True) and not being deleted? */
export function podReady(pod: Pod): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  return readyCondition(pod);
}

/** What `kubectl get pods` prints in STATUS: Running, ContainerCreating, ImagePullBackOff, Terminating ... */
export function podStatusText(pod: Pod): string {
  if (pod.metadata.deletionTimestamp && pod.status.phase !== "Succeeded" && pod.status.phase !== "Failed") return "Terminating";
  let reason: string = pod.status.phase;
  for (const status of pod.status.containerStatuses ?? []) {
    if (status.state.waiting?.reason) reason = status.state.waiting.reason;
    else if (status.state.terminated) reason = status.state.terminated.reason || `ExitCode:${status.state.terminated.exitCode}`;
  }
  return reason;
}

export function deploymentReady(deployment: Deployment): boolean {
  const want = deployment.spec.replicas;
  return want > 0 && (deployment.status.readyReplicas ?? 0) >= want;
}

/** Readiness of any object a check may ask about; undefined when the kind has no readiness. */
export function objectReady(object: KubeObject): boolean | undefined {
  switch (object.kind) {
    // The generic store's objects carry a kind string too: the cases name the typed kinds.
    case "Pod":
      return podReady(object as Pod);
    case "Deployment":
      return deploymentReady(object as Deployment);
    case "ReplicaSet": {
      const rs = object as ReplicaSet;
      return rs.spec.replicas > 0 && (rs.status.readyReplicas ?? 0) >= rs.spec.replicas;
    }
    case "StatefulSet": {
      const set = object as unknown as { spec: { replicas?: number }; status?: { readyReplicas?: number } };
      const want = set.spec.replicas ?? 1;
      return want > 0 && (set.status?.readyReplicas ?? 0) >= want;
    }
    case "Node":
      return nodeReady(object as Node);
    default:
      return undefined;
  }
}

/** Why an object is not ready, in a few words ("its status is ImagePullBackOff"). */
export function notReadyReason(object: KubeObject): string {
  switch (object.kind) {
    case "Pod":
      return `its status is ${podStatusText(object as Pod)}`;
    case "Deployment":
    case "ReplicaSet": {
      const workload = object as Deployment | ReplicaSet;
      return `${workload.status.readyReplicas ?? 0} of ${workload.spec.replicas} replicas are ready`;
    }
    case "StatefulSet": {
      const set = object as unknown as { spec: { replicas?: number }; status?: { readyReplicas?: number } };
      return `${set.status?.readyReplicas ?? 0} of ${set.spec.replicas ?? 1} replicas are ready`;
    }
    default:
      return "it is not ready";
  }
}

/** The node IPs (InternalIP) by node name. */
export function nodeIPs(cluster: ClusterState): Map<string, string> {
  const ips = new Map<string, string>();
  for (const node of Object.values(cluster.nodes)) {
    const address = nodeInternalIP(node);
    if (address) ips.set(node.metadata.name, address);
  }
  return ips;
}
