// kubectl get's tables: the column definitions and cell functions of kubernetes
// pkg/printers/internalversion/printers.go, for the kinds the playground serves.

import type {
  Container,
  DaemonSet,
  Deployment,
  Endpoints,
  EndpointSlice,
  Namespace,
  Node,
  Pod,
  ReplicaSet,
  Service,
} from "../../cluster/types.ts";
import type { EventObject } from "../../cluster/events.ts";
import { age, humanDuration } from "./duration.ts";

export type AnyObject = Pod | Service | Endpoints | EndpointSlice | Node | Namespace | Deployment | ReplicaSet | DaemonSet | EventObject;

export interface TableDefinition {
  columns: string[];
  /** How many of the columns are shown without -o wide. */
  narrow: number;
  /** When the narrow columns are not a prefix of the wide ones: their indexes. */
  narrowColumns?: number[];
  row(object: AnyObject, now: number): string[];
}


/** layoutContainerCells: the CONTAINERS and IMAGES cells of the workload tables. */
export function containerCells(containers: Container[]): [string, string] {
  return [containers.map((c) => c.name).join(","), containers.map((c) => c.image).join(",")];
}

/** printPod: READY, STATUS (reason overrides), RESTARTS with "(Xs ago)". */
export function podRow(pod: Pod, now: number): string[] {
  const summary = podSummary(pod, now);
  const ip = pod.status.podIPs?.[0]?.ip ?? pod.status.podIP ?? "<none>";
  return [
    pod.metadata.name,
    `${summary.ready}/${pod.spec.containers.length}`,
    summary.status,
    summary.restarts,
    age(pod.metadata.creationTimestamp, now),
    ip || "<none>",
    pod.spec.nodeName || "<none>",
    "<none>",
    "<none>",
  ];
}

export function podSummary(pod: Pod, now: number): { ready: number; status: string; restarts: string } {
  let reason: string = pod.status.phase;
  let restarts = 0;
  let ready = 0;
  let hasRunning = false;
  let lastRestart: string | undefined;
  const statuses = pod.status.containerStatuses ?? [];
  for (let i = statuses.length - 1; i >= 0; i--) {
    const c = statuses[i];
    restarts += c.restartCount;
    if (c.lastState.terminated?.finishedAt) lastRestart = c.lastState.terminated.finishedAt;
    if (c.state.waiting?.reason) reason = c.state.waiting.reason;
    else if (c.state.terminated?.reason) reason = c.state.terminated.reason;
    else if (c.state.terminated) reason = `ExitCode:${c.state.terminated.exitCode}`;
    else if (c.ready && c.state.running) {
      hasRunning = true;
      ready++;
    }
  }
  if (reason === "Completed" && hasRunning) {
    reason = pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ? "Running" : "NotReady";
  }
  if (pod.metadata.deletionTimestamp && pod.status.phase !== "Succeeded" && pod.status.phase !== "Failed") {
    reason = "Terminating";
  }
  let restartText = String(restarts);
  if (restarts !== 0 && lastRestart) restartText = `${restarts} (${humanDuration(now - Date.parse(lastRestart))} ago)`;
  return { ready, status: reason, restarts: restartText };
}

/** getServiceExternalIP. */
export function externalIP(service: Service): string {
  const external = service.spec.externalIPs ?? [];
  switch (service.spec.type) {
    case "ClusterIP":
    case "NodePort":
      return external.length > 0 ? external.join(",") : "<none>";
    case "LoadBalancer": {
      const ingress = (service.status.loadBalancer.ingress ?? []).map((i) => i.ip || i.hostname || "").filter((x) => x);
      const all = [...ingress, ...external];
      if (all.length === 0) return "<pending>";
      const joined = all.join(",");
      return joined.length > 16 ? `${joined.slice(0, 13)}...` : joined;
    }
    case "ExternalName":
      return service.spec.externalName ?? "";
  }
  return "<unknown>";
}

/** makePortString. */
export function portString(service: Service): string {
  if (service.spec.ports.length === 0) return "<none>";
  return service.spec.ports
    .map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`))
    .join(",");
}

/** formatEndpoints: ready addresses as ip:port, at most 3 then " + N more...". */
export function formatEndpoints(endpoints: Endpoints): string {
  const subsets = endpoints.subsets ?? [];
  if (subsets.length === 0) return "<none>";
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const subset of subsets) {
    const addresses = subset.addresses ?? [];
    const ports = subset.ports ?? [];
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) more = true;
        if (!more) list.push(a.ip);
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) more = true;
        if (!more) list.push(`${a.ip}:${port.port}`);
      }
    }
  }
  const joined = list.join(",");
  return more ? `${joined} + ${count - max} more...` : joined;
}

/** listWithMoreString (EndpointSlice columns). */
export function listWithMore(items: string[]): string {
  const max = 3;
  const shown = items.slice(0, max);
  if (items.length > max) return `${shown.join(",")} + ${items.length - max} more...`;
  return shown.length === 0 ? "<unset>" : shown.join(",");
}

export function nodeStatus(node: Node): string {
  const ready = node.status.conditions.find((c) => c.type === "Ready");
  let status = !ready ? "Unknown" : ready.status === "True" ? "Ready" : "NotReady";
  if (node.spec.unschedulable) status += ",SchedulingDisabled";
  return status;
}

export function nodeRoles(node: Node): string {
  const roles: string[] = [];
  for (const key of Object.keys(node.metadata.labels ?? {})) {
    if (key.startsWith("node-role.kubernetes.io/")) {
      const role = key.slice("node-role.kubernetes.io/".length);
      if (role) roles.push(role);
    } else if (key === "kubernetes.io/role") {
      roles.push(node.metadata.labels![key]);
    }
  }
  return roles.length === 0 ? "<none>" : [...new Set(roles)].sort().join(",");
}
