// The resource quota controller (pkg/controller/resourcequota) with the quota evaluators
// (pkg/quota/v1/evaluator/core): each ResourceQuota's status.hard is its spec.hard and
// status.used what its namespace holds now: pods that are not finished (and match the quota's
// scopes), their requests and limits, Services and their node ports, Secrets, ConfigMaps,
// ResourceQuotas, and `count/<resource>[.<group>]` of any kind the playground serves.
import { kindByResource, listKind } from "../kinds/index.ts";
import type { ResourceQuota } from "../kinds/resource-quota.ts";
import { canonicalJson } from "./ids.ts";
import { listRecord } from "./listing.ts";
import { type Quantity, formatQuantity, podQosClass, podRequestsAndLimits } from "./quantity.ts";
import { nextResourceVersion, putAt } from "./store.ts";
import type { Tx } from "./tx.ts";
import type { ClusterState, Pod, Service } from "./types.ts";

const AT = { resource: "resourcequotas" } as const;

/** Whether a pod counts for a quota with these scopes (quota/v1/evaluator/core/pods.go podMatchesScopeFunc). */
function podMatchesScopes(pod: Pod, scopes: readonly string[]): boolean {
  const deadline = (pod.spec as { activeDeadlineSeconds?: number }).activeDeadlineSeconds !== undefined;
  return scopes.every((scope) => {
    switch (scope) {
      case "Terminating": return deadline;
      case "NotTerminating": return !deadline;
      case "BestEffort": return podQosClass(pod.spec) === "BestEffort";
      case "NotBestEffort": return podQosClass(pod.spec) !== "BestEffort";
      default: return true;
    }
  });
}

const isTerminal = (pod: Pod) => pod.status.phase === "Succeeded" || pod.status.phase === "Failed";

/** status.used for each of the quota's hard resources. */
export function quotaUsage(state: ClusterState, rq: ResourceQuota): Record<string, string> {
  const namespace = rq.metadata.namespace ?? "default";
  const names = Object.keys(rq.spec.hard ?? {}).sort();
  const pods = listRecord(state, state.pods, true, namespace).filter((p) => !isTerminal(p) && podMatchesScopes(p, rq.spec.scopes ?? []));
  let totals: { requests: Map<string, Quantity>; limits: Map<string, Quantity> } | undefined;
  const sum = (key: "requests" | "limits", resource: string): string => {
    if (!totals) {
      totals = { requests: new Map(), limits: new Map() };
      for (const p of pods) {
        const own = podRequestsAndLimits(p.spec);
        for (const k of ["requests", "limits"] as const) {
          for (const [name, q] of own[k]) {
            const before = totals[k].get(name);
            totals[k].set(name, before ? { milli: before.milli + q.milli, binary: before.binary } : q);
          }
        }
      }
    }
    const q = totals[key].get(resource);
    return q ? formatQuantity(q) : "0";
  };
  const services = () => listRecord(state, state.services, true, namespace) as Service[];
  const count = (plural: string) => {
    const def = kindByResource(plural);
    return def ? listKind(state, def, namespace).length : 0;
  };
  const used: Record<string, string> = {};
  for (const name of names) {
    const [head, ...rest] = name.split(".");
    if (name === "pods" || name === "count/pods") used[name] = String(pods.length);
    else if (name === "services" || name === "count/services") used[name] = String(services().length);
    else if (name === "services.nodeports") used[name] = String(services().reduce((n, s) => n + (s.spec.ports ?? []).filter((p) => p.nodePort !== undefined).length, 0));
    else if (name === "services.loadbalancers") used[name] = String(services().filter((s) => s.spec.type === "LoadBalancer").length);
    else if (["secrets", "configmaps", "resourcequotas", "replicationcontrollers", "persistentvolumeclaims"].includes(name)) used[name] = String(count(name));
    else if (name.startsWith("count/")) {
      const [plural, ...group] = name.slice("count/".length).split(".");
      const def = kindByResource(plural);
      used[name] = String(def && def.group === group.join(".") ? listKind(state, def, namespace).length : 0);
    } else if (head === "requests" || head === "limits") used[name] = sum(head, rest.join("."));
    else used[name] = sum("requests", name);
  }
  return used;
}

export function resourceQuotaController(tx: Tx): void {
  const quotas = tx.state.objects?.resourcequotas;
  if (!quotas) return;
  for (const [key, object] of Object.entries(quotas)) {
    const rq = object as ResourceQuota;
    if (rq.metadata.deletionTimestamp) continue;
    const status = { hard: rq.spec.hard ?? {}, used: quotaUsage(tx.state, rq) };
    if (canonicalJson(status) === canonicalJson(rq.status)) continue;
    putAt(tx, AT, key, { ...rq, metadata: { ...rq.metadata, resourceVersion: nextResourceVersion(tx) }, status });
  }
}
