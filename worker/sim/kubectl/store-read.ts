// Reads of the cluster state for get/describe (the API server's GET and LIST): objects of one
// type in one namespace or in all, in the order the API server returns them (namespace/name).

import type { ResourceKind } from "../cluster/api-status.ts";
import type { ClusterState, KubeObject } from "../cluster/types.ts";
import { kindByResource, listKind, readKind } from "../kinds/index.ts";

export function readObject<T extends KubeObject>(state: ClusterState, kind: ResourceKind, namespace: string | undefined, name: string): T | undefined {
  const def = kindByResource(kind);
  return def ? (readKind(state, def, namespace, name) as T | undefined) : undefined;
}

/** Objects of a kind, in one namespace (or all when undefined), sorted as the API server lists them. */
export function readList<T extends KubeObject>(state: ClusterState, kind: ResourceKind, namespace: string | undefined): T[] {
  const def = kindByResource(kind);
  return def ? (listKind(state, def, namespace) as T[]) : [];
}
