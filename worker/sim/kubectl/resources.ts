// The resource types kubectl knows through discovery: names, short names, kinds and groups.
// The playground's API server serves the first block; the second block exists on every real
// cluster but is not simulated, and is answered with a clear message instead of a false one.

export type ResourceName =
  | "pods"
  | "services"
  | "endpoints"
  | "endpointslices"
  | "nodes"
  | "namespaces"
  | "deployments"
  | "replicasets"
  | "daemonsets"
  | "events";

export interface ResourceType {
  name: ResourceName;
  singular: string;
  shortNames: string[];
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
}

export const resourceTypes: readonly ResourceType[] = [
  { name: "pods", singular: "pod", shortNames: ["po"], kind: "Pod", group: "", version: "v1", namespaced: true },
  { name: "services", singular: "service", shortNames: ["svc"], kind: "Service", group: "", version: "v1", namespaced: true },
  { name: "endpoints", singular: "endpoints", shortNames: ["ep"], kind: "Endpoints", group: "", version: "v1", namespaced: true },
  { name: "nodes", singular: "node", shortNames: ["no"], kind: "Node", group: "", version: "v1", namespaced: false },
  { name: "namespaces", singular: "namespace", shortNames: ["ns"], kind: "Namespace", group: "", version: "v1", namespaced: false },
  { name: "deployments", singular: "deployment", shortNames: ["deploy"], kind: "Deployment", group: "apps", version: "v1", namespaced: true },
  { name: "replicasets", singular: "replicaset", shortNames: ["rs"], kind: "ReplicaSet", group: "apps", version: "v1", namespaced: true },
  { name: "daemonsets", singular: "daemonset", shortNames: ["ds"], kind: "DaemonSet", group: "apps", version: "v1", namespaced: true },
  { name: "endpointslices", singular: "endpointslice", shortNames: [], kind: "EndpointSlice", group: "discovery.k8s.io", version: "v1", namespaced: true },
  { name: "events", singular: "event", shortNames: ["ev"], kind: "Event", group: "", version: "v1", namespaced: true },
];

/** Types a real cluster serves that the playground does not simulate (plural and short names). */
const unsimulated: Record<string, string> = {
  configmaps: "configmaps", cm: "configmaps", configmap: "configmaps",
  secrets: "secrets", secret: "secrets",
  serviceaccounts: "serviceaccounts", sa: "serviceaccounts", serviceaccount: "serviceaccounts",
  ingresses: "ingresses", ing: "ingresses", ingress: "ingresses",
  statefulsets: "statefulsets", sts: "statefulsets", statefulset: "statefulsets",
  jobs: "jobs", job: "jobs", cronjobs: "cronjobs", cj: "cronjobs", cronjob: "cronjobs",
  persistentvolumes: "persistentvolumes", pv: "persistentvolumes",
  persistentvolumeclaims: "persistentvolumeclaims", pvc: "persistentvolumeclaims",
  replicationcontrollers: "replicationcontrollers", rc: "replicationcontrollers",
  networkpolicies: "networkpolicies", netpol: "networkpolicies",
  roles: "roles", rolebindings: "rolebindings", clusterroles: "clusterroles", clusterrolebindings: "clusterrolebindings",
  storageclasses: "storageclasses", sc: "storageclasses",
  horizontalpodautoscalers: "horizontalpodautoscalers", hpa: "horizontalpodautoscalers",
};

export type ResourceLookup =
  | { ok: true; type: ResourceType }
  | { ok: false; error: string };

/** Resolves `po`, `Pods`, `deploy.apps`, `deployments.v1.apps`, `Service` to a resource type. */
export function lookupResource(text: string): ResourceLookup {
  const lower = text.toLowerCase();
  const dot = lower.indexOf(".");
  const base = dot >= 0 ? lower.slice(0, dot) : lower;
  const groupPart = dot >= 0 ? lower.slice(dot + 1) : undefined;
  for (const type of resourceTypes) {
    const names = [type.name, type.singular, type.kind.toLowerCase(), ...type.shortNames];
    if (!names.includes(base)) continue;
    if (groupPart === undefined || groupMatches(type, groupPart)) return { ok: true, type };
  }
  const known = unsimulated[base];
  if (known && groupPart === undefined) {
    return { ok: false, error: `error: the playground does not simulate ${known}; it serves pods, services, endpoints, endpointslices, events, nodes, namespaces, deployments, replicasets and daemonsets\n` };
  }
  return { ok: false, error: `error: the server doesn't have a resource type "${text}"\n` };
}

function groupMatches(type: ResourceType, groupPart: string): boolean {
  const full = type.group === "" ? type.version : `${type.version}.${type.group}`;
  return groupPart === type.group || groupPart === full || (type.group === "" && groupPart === "");
}

export function resourceType(name: ResourceName): ResourceType {
  return resourceTypes.find((t) => t.name === name)!;
}

/** `pod`, `service`, `deployment.apps`: the name printer's and delete's kind string. */
export function kindString(type: ResourceType): string {
  const kind = type.kind.toLowerCase();
  return type.group === "" ? kind : `${kind}.${type.group}`;
}

/** `pods`, `deployments.apps`: the qualified resource in NotFound / AlreadyExists messages. */
export function qualifiedResource(type: ResourceType): string {
  return type.group === "" ? type.name : `${type.name}.${type.group}`;
}

export function apiVersionOf(type: ResourceType): string {
  return type.group === "" ? type.version : `${type.group}/${type.version}`;
}

/**
 * What `kubectl get all` expands to, in kubectl's order (those the playground serves): discovery
 * order, core before apps and, within apps, daemonsets, deployments, replicasets.
 */
export const allCategory: readonly ResourceName[] = ["pods", "services", "daemonsets", "deployments", "replicasets"];
