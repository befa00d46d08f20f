// Node (core/v1): the playground's nodes are fixed; clients may cordon and taint them.
// printers.go printNode, describe.go NodeDescriber (with the pods bound to the node).
import { forbidden } from "../cluster/api-status.ts";
import { isDNS1123Subdomain } from "../cluster/field-errors.ts";
import { listRecord } from "../cluster/listing.ts";
import type { Node } from "../cluster/types.ts";
import { describeNode } from "../kubectl/printers/describe.ts";
import { NODE_LEASE_NAMESPACE, getNodeLease } from "../cluster/node-lease.ts";
import { age } from "../kubectl/printers/duration.ts";
import { nodeRoles, nodeStatus } from "../kubectl/printers/tables.ts";
import { isRecord } from "./templates.ts";
import type { KindDefinition } from "./types.ts";

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
