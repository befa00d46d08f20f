// The scale subresource (autoscaling/v1 Scale) of the kinds that have one: what kubectl scale and
// kubectl autoscale find in discovery (client-go's scale kind resolver looks for `<plural>/scale`)
// and read and write through GET/PUT/PATCH .../<name>/scale.

import type { KubeObject } from "../cluster/types.ts";
import type { KindDefinition } from "../kinds/index.ts";
import type { AnyObject } from "../kubectl/printers/tables.ts";

/** The kinds the API server registers a scale subresource for (apps: Deployment, ReplicaSet, StatefulSet). */
export function hasScale(def: KindDefinition): boolean {
  return def.group === "apps" && (def.kind === "Deployment" || def.kind === "ReplicaSet" || def.kind === "StatefulSet");
}

/** The subresource's verbs and kind, as discovery lists them (legacy and aggregated alike). */
export const SCALE_VERBS: readonly string[] = ["get", "patch", "update"];
export const SCALE_KIND = { group: "autoscaling", version: "v1", kind: "Scale" } as const;

/** autoscaling/v1 Scale of an object with one (status.selector as metav1.FormatLabelSelector writes it). */
export function scaleOf(object: KubeObject | AnyObject): Record<string, unknown> {
  const o = object as unknown as { metadata: Record<string, unknown>; spec: { replicas?: number; selector?: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> } }; status?: { replicas?: number } };
  const selector = o.spec.selector ?? {};
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(",");
    if (e.operator === "In") parts.push(`${e.key} in (${values})`);
    else if (e.operator === "NotIn") parts.push(`${e.key} notin (${values})`);
    else if (e.operator === "Exists") parts.push(e.key);
    else if (e.operator === "DoesNotExist") parts.push(`!${e.key}`);
  }
  const { name, namespace, uid, resourceVersion, creationTimestamp } = o.metadata;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: o.spec.replicas ?? 0 },
    status: { replicas: o.status?.replicas ?? 0, selector: parts.join(",") },
  };
}
