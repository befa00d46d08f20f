// A Service's ready endpoints and, when it has none, the plain reason why — the questions of the
// Kubernetes "Debug Services" guide: does the selector match pods, are they ready, do they have
// the named port.

import { endpointSlicesFor } from "../cluster/endpoints.ts";
import type { ClusterState, Pod, Service } from "../cluster/types.ts";
import { showLabels } from "./fields.ts";
import { labelsMatch, podReady, podStatusText } from "./objects.ts";

export interface ServiceEndpoints {
  /** Ready endpoints, `ip:port`, one per ready pod and service port, sorted. */
  endpoints: string[];
  /** How many ready pod addresses there are (a pod counts once, whatever its ports). */
  addresses: number;
  /** Pods the selector matches (ready or not). */
  selected: Pod[];
}

/** Resolves a targetPort on one pod: a number as is, a name through the containers' named ports. */
export function resolveTargetPort(pod: Pod, targetPort: number | string): number | undefined {
  if (typeof targetPort === "number") return targetPort;
  if (/^\d+$/.test(targetPort)) return Number(targetPort);
  for (const container of pod.spec.containers) {
    for (const p of container.ports ?? []) if (p.name === targetPort) return p.containerPort;
  }
  return undefined;
}

export function serviceEndpoints(cluster: ClusterState, service: Service): ServiceEndpoints {
  const selector = service.spec.selector;
  if (!selector || Object.keys(selector).length === 0) return { endpoints: [], addresses: 0, selected: [] };
  // The endpoints controller's own view decides; the selected pods only serve the explanation.
  const endpoints = new Set<string>();
  const addresses = new Set<string>();
  for (const slice of endpointSlicesFor(cluster, service)) {
    for (const endpoint of slice.endpoints) {
      if (!endpoint.conditions.ready) continue;
      for (const address of endpoint.addresses) {
        addresses.add(address);
        for (const port of slice.ports) endpoints.add(`${address}:${port.port}`);
      }
    }
  }
  const namespace = service.metadata.namespace;
  const selected: Pod[] = [];
  for (const pod of Object.values(cluster.pods)) {
    if (pod.metadata.namespace === namespace && labelsMatch(pod.metadata.labels, selector)) selected.push(pod);
  }
  selected.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  return { endpoints: [...endpoints].sort(), addresses: addresses.size, selected };
}

/** Why a Service has no (or too few) endpoints, as a clause: "its selector run=ngnix matches no pod". */
export function whyNoEndpoints(cluster: ClusterState, service: Service, found: ServiceEndpoints): string {
  const selector = service.spec.selector;
  if (!selector || Object.keys(selector).length === 0) return "it has no selector, so it selects no pod";
  const shown = showLabels(selector);
  if (found.selected.length === 0) {
    const near = podsWithLabelKeys(cluster, service);
    return near
      ? `its selector ${shown} matches no pod (${near})`
      : `its selector ${shown} matches no pod`;
  }
  const reasons: string[] = [];
  for (const pod of found.selected) {
    if (!podReady(pod)) {
      reasons.push(`pod ${pod.metadata.name} is not ready (${podStatusText(pod)})`);
      continue;
    }
    const missing = service.spec.ports.find((p) => resolveTargetPort(pod, p.targetPort) === undefined);
    if (missing) reasons.push(`pod ${pod.metadata.name} has no container port named ${String(missing.targetPort)}`);
  }
  const count = found.selected.length === 1 ? "1 pod" : `${found.selected.length} pods`;
  // Every matched pod serving and still too few endpoints: the check wants more pods.
  if (reasons.length === 0) return `its selector ${shown} matches ${count}, ${found.selected.length === 1 ? "and it is ready" : "all of them ready"}`;
  const more = reasons.length > 3 ? `, and ${reasons.length - 3} more` : "";
  return `its selector ${shown} matches ${count}: ${reasons.slice(0, 3).join("; ")}${more}`;
}

/** A hint when pods carry the selector's keys with other values ("pod nginx has run=nginx"). */
function podsWithLabelKeys(cluster: ClusterState, service: Service): string | undefined {
  const keys = Object.keys(service.spec.selector ?? {});
  const hits: string[] = [];
  for (const pod of Object.values(cluster.pods)) {
    if (pod.metadata.namespace !== service.metadata.namespace || pod.metadata.deletionTimestamp) continue;
    const labels = pod.metadata.labels ?? {};
    const shared = keys.filter((k) => k in labels);
    if (shared.length === 0) continue;
    hits.push(`pod ${pod.metadata.name} has ${shared.map((k) => `${k}=${labels[k]}`).join(",")}`);
    if (hits.length === 2) break;
  }
  return hits.length ? hits.join("; ") : undefined;
}
