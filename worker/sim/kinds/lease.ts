// Lease (coordination.k8s.io/v1): the kubelets' node leases in kube-node-lease
// (cluster/node-lease.ts), printers.go printLease (NAME HOLDER AGE) and, as kubectl has no
// Lease describer, the generic describer. Leases are read-only here: only the kubelets write them.
import { type Lease, getNodeLease, listNodeLeases } from "../cluster/node-lease.ts";
import { age } from "../kubectl/printers/duration.ts";
import type { AnyObject } from "../kubectl/printers/tables.ts";
import { describeGeneric } from "../kubectl/printers/generic-describe.ts";
import type { KindDefinition } from "./types.ts";

export const leaseKind: KindDefinition = {
  kind: "Lease",
  group: "coordination.k8s.io",
  version: "v1",
  plural: "leases",
  singular: "lease",
  shortNames: [],
  categories: [],
  namespaced: true,
  storage: {
    derived: {
      get: (state, namespace, name) => getNodeLease(state, namespace, name) as unknown as AnyObject | undefined,
      list: (state, namespace) => listNodeLeases(state, namespace) as unknown as AnyObject[],
    },
  },
  table: {
    columns: ["NAME", "HOLDER", "AGE"],
    narrow: 3,
    row: (o, now) => {
      const lease = o as unknown as Lease;
      return [lease.metadata.name, lease.spec.holderIdentity ?? "", age(lease.metadata.creationTimestamp, now)];
    },
  },
  describe: (state, object, events) => describeGeneric(object as unknown as Lease, events, state.now),
};
