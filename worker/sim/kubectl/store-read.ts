// Reads of the cluster state for get/describe (the API server's GET and LIST): objects of one
// type in one namespace or in all, in the order the API server returns them (namespace/name).

import type { ClusterState, KubeObject } from "../cluster/types.ts";
import type { ResourceKind } from "../cluster/api-status.ts";
import { listObjects } from "../cluster/api-server.ts";

const collections: Record<ResourceKind, keyof ClusterState> = {
  pods: "pods",
  services: "services",
  deployments: "deployments",
  replicasets: "replicaSets",
  daemonsets: "daemonSets",
  nodes: "nodes",
  namespaces: "namespaces",
};

function table(state: ClusterState, kind: ResourceKind): Record<string, KubeObject> {
  return (state[collections[kind]] ?? {}) as unknown as Record<string, KubeObject>;
}

export function readObject<T extends KubeObject>(state: ClusterState, kind: ResourceKind, namespace: string | undefined, name: string): T | undefined {
  const key = kind === "nodes" || kind === "namespaces" ? name : `${namespace}/${name}`;
  const t = table(state, kind);
  return Object.prototype.hasOwnProperty.call(t, key) ? (t[key] as T) : undefined;
}

/** Objects of a kind, in one namespace (or all when undefined), sorted as the API server lists them. */
export function readList<T extends KubeObject>(state: ClusterState, kind: ResourceKind, namespace: string | undefined): T[] {
  return listObjects(state, kind, namespace) as T[];
}
