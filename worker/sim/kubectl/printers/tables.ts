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
import type { ResourceName } from "../resources.ts";
import { age, humanDuration } from "./duration.ts";
import { formatLabels, formatLabelSelector } from "./labels.ts";

export type AnyObject = Pod | Service | Endpoints | EndpointSlice | Node | Namespace | Deployment | ReplicaSet | DaemonSet | EventObject;

export interface TableDefinition {
  columns: string[];
  /** How many of the columns are shown without -o wide. */
  narrow: number;
  /** When the narrow columns are not a prefix of the wide ones: their indexes. */
  narrowColumns?: number[];
  row(object: AnyObject, now: number): string[];
}

export const tables: Record<ResourceName, TableDefinition> = {
  // printers.go printEvent: the wide table puts SUBOBJECT and SOURCE before MESSAGE.
  events: {
    columns: ["LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME"],
    narrow: 4,
    narrowColumns: [0, 1, 2, 3, 6],
    row: (o, now) => {
      const e = o as EventObject;
      const source = [e.source.component, ...(e.source.host ? [e.source.host] : [])].join(", ");
      return [
        age(e.lastTimestamp, now),
        e.type,
        e.reason,
        `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`,
        e.involvedObject.fieldPath ?? "",
        source,
        e.message.trim(),
        age(e.firstTimestamp, now),
        String(e.count),
        e.metadata.name,
      ];
    },
  },
  pods: {
    columns: ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
    narrow: 5,
    row: (o, now) => podRow(o as Pod, now),
  },
  services: {
    columns: ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"],
    narrow: 6,
    row: (o, now) => {
      const s = o as Service;
      return [
        s.metadata.name,
        s.spec.type,
        s.spec.clusterIPs?.[0] ?? s.spec.clusterIP ?? "<none>",
        externalIP(s),
        portString(s),
        age(s.metadata.creationTimestamp, now),
        formatLabels(s.spec.selector),
      ];
    },
  },
  endpoints: {
    columns: ["NAME", "ENDPOINTS", "AGE"],
    narrow: 3,
    row: (o, now) => {
      const e = o as Endpoints;
      return [e.metadata.name, formatEndpoints(e), age(e.metadata.creationTimestamp, now)];
    },
  },
  endpointslices: {
    columns: ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
    narrow: 5,
    row: (o, now) => {
      const e = o as EndpointSlice;
      return [
        e.metadata.name,
        e.addressType,
        listWithMore(e.ports.map((p) => (p.port !== undefined ? String(p.port) : p.name || "*"))),
        listWithMore(e.endpoints.flatMap((ep) => ep.addresses)),
        age(e.metadata.creationTimestamp, now),
      ];
    },
  },
  nodes: {
    columns: ["NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"],
    narrow: 5,
    row: (o, now) => {
      const n = o as Node;
      const info = n.status.nodeInfo;
      const address = (type: string) => n.status.addresses.find((a) => a.type === type)?.address ?? "<none>";
      return [
        n.metadata.name,
        nodeStatus(n),
        nodeRoles(n),
        age(n.metadata.creationTimestamp, now),
        info.kubeletVersion,
        address("InternalIP"),
        address("ExternalIP"),
        info.osImage || "<unknown>",
        info.kernelVersion || "<unknown>",
        info.containerRuntimeVersion || "<unknown>",
      ];
    },
  },
  namespaces: {
    columns: ["NAME", "STATUS", "AGE"],
    narrow: 3,
    row: (o, now) => {
      const n = o as Namespace;
      return [n.metadata.name, n.status.phase, age(n.metadata.creationTimestamp, now)];
    },
  },
  deployments: {
    columns: ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
    narrow: 5,
    row: (o, now) => {
      const d = o as Deployment;
      return [
        d.metadata.name,
        `${d.status.readyReplicas ?? 0}/${d.spec.replicas}`,
        String(d.status.updatedReplicas ?? 0),
        String(d.status.availableReplicas ?? 0),
        age(d.metadata.creationTimestamp, now),
        ...containerCells(d.spec.template.spec.containers),
        formatLabelSelector(d.spec.selector),
      ];
    },
  },
  // printDaemonSet: NODE SELECTOR is the template's nodeSelector.
  daemonsets: {
    columns: ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
    narrow: 8,
    row: (o, now) => {
      const d = o as DaemonSet;
      return [
        d.metadata.name,
        String(d.status.desiredNumberScheduled ?? 0),
        String(d.status.currentNumberScheduled ?? 0),
        String(d.status.numberReady ?? 0),
        String(d.status.updatedNumberScheduled ?? 0),
        String(d.status.numberAvailable ?? 0),
        formatLabels(d.spec.template.spec.nodeSelector),
        age(d.metadata.creationTimestamp, now),
        ...containerCells(d.spec.template.spec.containers),
        formatLabelSelector(d.spec.selector),
      ];
    },
  },
  replicasets: {
    columns: ["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
    narrow: 5,
    row: (o, now) => {
      const r = o as ReplicaSet;
      return [
        r.metadata.name,
        String(r.spec.replicas),
        String(r.status.replicas ?? 0),
        String(r.status.readyReplicas ?? 0),
        age(r.metadata.creationTimestamp, now),
        ...containerCells(r.spec.template.spec.containers),
        formatLabelSelector(r.spec.selector),
      ];
    },
  },
};

/** layoutContainerCells: the CONTAINERS and IMAGES cells of the workload tables. */
function containerCells(containers: Container[]): [string, string] {
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
function listWithMore(items: string[]): string {
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
