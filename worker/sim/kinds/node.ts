// Node (core/v1): the playground's nodes are fixed; clients may cordon and taint them.
// printers.go printNode, describe.go NodeDescriber (with the pods bound to the node).
import { forbidden } from "../cluster/api-status.ts";
import { isDNS1123Subdomain } from "../cluster/field-errors.ts";
import { listRecord } from "../cluster/listing.ts";
import type { Node } from "../cluster/types.ts";
import { NODE_LEASE_NAMESPACE, getNodeLease } from "../cluster/node-lease.ts";
import { age } from "../kubectl/printers/duration.ts";
import { nodeRoles, nodeStatus } from "../kubectl/printers/tables.ts";
import { rfc3339 } from "../cluster/ids.ts";
import { isRecord } from "./templates.ts";
import type { KindDefinition } from "./types.ts";
import { type Container, type Namespace, type Pod } from "../cluster/types.ts";
import { type EventObject } from "../cluster/events.ts";
import { type Lease } from "../cluster/node-lease.ts";
import { ZERO_QUANTITY, formatQuantity, parseQuantity, podRequestsAndLimits, quantityValue, type Quantity } from "../cluster/quantity.ts";
import { PrefixWriter, annotationLines, describeEvents, labelLines, rfc1123z, writeMultiline } from "../kubectl/printers/describe.ts";

/** Whole percent of `part` in `whole`, truncated as Go's int64(float64) conversion does. */
function percent(part: number, whole: number): number {
  return Math.trunc((part / whole) * 100);
}

/** describe.go describeNodeResource: each pod's cpu/memory and the node's totals, against allocatable. */
function describeNodeResource(w: PrefixWriter, pods: Pod[], node: Node, now: number): void {
  const allocatable = Object.keys(node.status.allocatable).length > 0 ? node.status.allocatable : node.status.capacity;
  const allocated = (name: string) => parseQuantity(allocatable[name]) ?? ZERO_QUANTITY;
  const cpu = allocated("cpu").milli;
  const memory = quantityValue(allocated("memory"));
  const cell = (q: Quantity | undefined, cpuColumn: boolean) => {
    const value = q ?? ZERO_QUANTITY;
    return `${formatQuantity(value)} (${percent(cpuColumn ? value.milli : quantityValue(value), cpuColumn ? cpu : memory)}%)`;
  };
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n");
  w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n");
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  const sum = (total: Map<string, Quantity>, own: Map<string, Quantity>) => {
    for (const [name, q] of own) {
      const before = total.get(name);
      total.set(name, before ? { milli: before.milli + q.milli, binary: before.binary } : q);
    }
  };
  for (const p of pods) {
    const own = podRequestsAndLimits(p.spec);
    sum(requests, own.requests);
    sum(limits, own.limits);
    const row = [cell(own.requests.get("cpu"), true), cell(own.limits.get("cpu"), true), cell(own.requests.get("memory"), false), cell(own.limits.get("memory"), false)];
    w.write(1, `${p.metadata.namespace}\t${p.metadata.name}\t\t${row.join("\t")}\t${age(p.metadata.creationTimestamp, now)}\n`);
  }
  w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n");
  w.write(1, "Resource\tRequests\tLimits\n");
  w.write(1, "--------\t--------\t------\n");
  // The totals' percentages are 0 where nothing is allocatable (unlike the per-pod rows).
  const total = (name: string) => {
    const whole = name === "cpu" ? cpu : quantityValue(allocated(name));
    const share = (q: Quantity | undefined) => {
      const value = q ?? ZERO_QUANTITY;
      return `${formatQuantity(value)} (${whole === 0 ? 0 : percent(name === "cpu" ? value.milli : quantityValue(value), whole)}%)`;
    };
    w.write(1, `${name}\t${share(requests.get(name))}\t${share(limits.get(name))}\n`);
  };
  total("cpu");
  total("memory");
  total("ephemeral-storage");
  const names = Object.keys(allocatable).sort();
  for (const name of names) if (name.startsWith("hugepages-")) total(name);
  // Extended resources (anything but the standard container resources and pods) print without percentages.
  for (const name of names) {
    if (["cpu", "memory", "ephemeral-storage", "pods"].includes(name) || name.startsWith("hugepages-")) continue;
    w.write(1, `${name}\t${formatQuantity(requests.get(name) ?? ZERO_QUANTITY)}\t${formatQuantity(limits.get(name) ?? ZERO_QUANTITY)}\n`);
  }
}

export function describeNode(node: Node, pods: Pod[], now: number, events: readonly EventObject[] = [], lease?: Lease): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${node.metadata.name}\n`);
  w.write(0, `Roles:\t${nodeRoles(node)}\n`);
  writeMultiline(w, 0, "Labels", labelLines(node.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(node.metadata.annotations));
  w.write(0, `CreationTimestamp:\t${rfc1123z(node.metadata.creationTimestamp)}\n`);
  const taints = (node.spec.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`);
  writeMultiline(w, 0, "Taints", taints);
  w.write(0, `Unschedulable:\t${node.spec.unschedulable ? "true" : "false"}\n`);
  // describe.go describeNodeLease: the node's Lease from kube-node-lease (<unset> without one).
  const micro = (t: string | undefined) => (t === undefined ? "<unset>" : rfc1123z(t));
  w.write(0, "Lease:\n");
  w.write(1, `HolderIdentity:\t${lease?.spec.holderIdentity ?? "<unset>"}\n`);
  w.write(1, `AcquireTime:\t${micro(lease?.spec.acquireTime)}\n`);
  w.write(1, `RenewTime:\t${micro(lease?.spec.renewTime)}\n`);
  w.write(0, "Conditions:\n");
  w.write(1, "Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n");
  w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n");
  for (const c of node.status.conditions) {
    // The heartbeat is the node as read at now (nodeAsOf, below).
    w.write(1, `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason} \t${c.message}\n`);
  }
  w.write(0, "Addresses:\n");
  for (const a of node.status.addresses) w.write(1, `${a.type}:\t${a.address}\n`);
  for (const [title, list] of [["Capacity", node.status.capacity], ["Allocatable", node.status.allocatable]] as const) {
    w.write(0, `${title}:\n`);
    for (const key of Object.keys(list).sort()) w.write(1, `${key}:\t${list[key]}\n`);
  }
  const info = node.status.nodeInfo;
  w.write(0, "System Info:\n");
  w.write(1, `Machine ID:\t${info.machineID}\n`);
  w.write(1, `System UUID:\t${info.systemUUID}\n`);
  w.write(1, `Boot ID:\t${info.bootID}\n`);
  w.write(1, `Kernel Version:\t${info.kernelVersion}\n`);
  w.write(1, `OS Image:\t${info.osImage}\n`);
  w.write(1, `Operating System:\t${info.operatingSystem}\n`);
  w.write(1, `Architecture:\t${info.architecture}\n`);
  w.write(1, `Container Runtime Version:\t${info.containerRuntimeVersion}\n`);
  w.write(1, `Kubelet Version:\t${info.kubeletVersion}\n`);
  w.write(1, `Kube-Proxy Version:\t${info.kubeProxyVersion}\n`);
  w.write(0, `PodCIDR:\t${node.spec.podCIDR}\n`);
  w.write(0, `PodCIDRs:\t${node.spec.podCIDRs.join(",")}\n`);
  describeNodeResource(w, pods.filter((p) => p.status.phase !== "Succeeded" && p.status.phase !== "Failed"), node, now);
  describeEvents(w, events, now);
  return w.flush();
}

export const nodeKind: KindDefinition = {
  kind: "Node",
  group: "",
  version: "v1",
  plural: "nodes",
  singular: "node",
  shortNames: ["no"],
  categories: [],
  namespaced: false,
  storage: { collection: "nodes" },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta, _ctx, old) => {
      if (!old) return { ok: false, status: forbidden("nodes", meta.name, "nodes join the cluster through the kubelet; this playground's nodes are fixed") };
      const spec = isRecord(sub.spec) ? sub.spec : {};
      const node = old as Node;
      const nextSpec = { ...node.spec };
      if (typeof spec.unschedulable === "boolean") nextSpec.unschedulable = spec.unschedulable || undefined;
      // An empty list is stored as none, as the API server omits empty taints.
      if (Array.isArray(spec.taints)) nextSpec.taints = spec.taints.length > 0 ? (spec.taints as typeof nextSpec.taints) : undefined;
      return { ok: true, obj: { ...node, metadata: meta, spec: nextSpec } };
    },
    delete: (_tx, key) => ({ ok: false, status: forbidden("nodes", key, "this playground's nodes cannot be removed") }),
  },
  readAt: (o, now) => nodeAsOf(o as Node, now),
  table: {
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
  fieldSelectors: {
    labels: ["metadata.name", "spec.unschedulable"],
    values: (object) => ({ "spec.unschedulable": String((object as Node).spec.unschedulable === true) }),
  },
  describe: (state, object, events) => {
    const pods = listRecord(state, state.pods, true).filter((p) => p.spec.nodeName === object.metadata.name);
    // describe.go reads the node's Lease from kube-node-lease, as the Lease kind serves it.
    return describeNode(object as Node, pods, state.now, events, getNodeLease(state, NODE_LEASE_NAMESPACE, object.metadata.name));
  },
};

/** The kubelet's node status report period when nothing changes (nodeStatusReportFrequency). */
const NODE_STATUS_REPORT_MS = 300_000;

/**
 * The node as of `now`: the kubelet reports its status every 5 minutes when nothing changes, so
 * the heartbeat of its conditions is the last report before now (Ready's heartbeat sets the phase:
 * one report carries them all). NetworkUnavailable is the CNI's (flannel sets it once), not the kubelet's.
 */
export function nodeAsOf(node: Node, now: number): Node {
  const ready = node.status.conditions.find((c) => c.type === "Ready");
  const phase = ready ? Date.parse(ready.lastHeartbeatTime) : NaN;
  // A kubelet that stopped posting (Ready Unknown) keeps its last heartbeat.
  if (!ready || ready.status === "Unknown" || !(now > phase)) return node;
  const beat = now - ((now - phase) % NODE_STATUS_REPORT_MS);
  const heartbeat = rfc3339(beat - (beat % 1000));
  let changed = false;
  const conditions = node.status.conditions.map((c) => {
    if (c.type === "NetworkUnavailable" || c.lastHeartbeatTime === heartbeat) return c;
    changed = true;
    return { ...c, lastHeartbeatTime: heartbeat };
  });
  return changed ? { ...node, status: { ...node.status, conditions } } : node;
}
