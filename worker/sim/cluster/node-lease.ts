// The kubelet's node lease (pkg/kubelet/nodelease, component-helpers/apimachinery/lease): a Lease
// named after its node in kube-node-lease, owned by the Node, held under the node's name with
// a 40 s duration and renewed every 10 s (a quarter of it). The renewals are the node's
// heartbeat; they are derived from the clock on read rather than written every 10 s.
import { derivedUid, rfc3339 } from "./ids.ts";
import { listRecord } from "./listing.ts";
import type { ClusterState, Node, ObjectMeta } from "./types.ts";

export const NODE_LEASE_NAMESPACE = "kube-node-lease";
const LEASE_DURATION_SECONDS = 40;
const RENEW_INTERVAL_MS = (LEASE_DURATION_SECONDS * 1000) / 4;

export interface Lease {
  apiVersion: "coordination.k8s.io/v1";
  kind: "Lease";
  metadata: ObjectMeta;
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    /** MicroTime: RFC 3339 with six fractional digits. */
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** metav1.MicroTime as it marshals: 2026-01-01T00:00:10.000000Z. */
export const microTime = (ms: number): string => `${rfc3339(ms).slice(0, -1)}.${String((ms % 1000) * 1000).padStart(6, "0")}Z`;

/**
 * The last renewal at or before now. A kubelet that stopped posting (its node's Ready condition
 * Unknown) stopped renewing at its last heartbeat.
 */
export function lastRenewal(node: Node, now: number): number {
  const created = Date.parse(node.metadata.creationTimestamp);
  const ready = node.status.conditions.find((c) => c.type === "Ready");
  const until = ready?.status === "Unknown" ? Math.min(now, Date.parse(ready.lastHeartbeatTime)) : now;
  if (until <= created) return created;
  return until - ((until - created) % RENEW_INTERVAL_MS);
}

export function nodeLease(node: Node, now: number): Lease {
  const name = node.metadata.name;
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: {
      name,
      namespace: NODE_LEASE_NAMESPACE,
      uid: derivedUid(`${node.metadata.uid}/lease`),
      resourceVersion: node.metadata.resourceVersion,
      creationTimestamp: node.metadata.creationTimestamp,
      ownerReferences: [{ apiVersion: "v1", kind: "Node", name, uid: node.metadata.uid }],
    },
    spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(lastRenewal(node, now)) },
  };
}

export function getNodeLease(state: ClusterState, namespace: string, name: string): Lease | undefined {
  if (namespace !== NODE_LEASE_NAMESPACE || !Object.hasOwn(state.nodes, name)) return undefined;
  return nodeLease(state.nodes[name], state.now);
}

export function listNodeLeases(state: ClusterState, namespace: string | undefined): Lease[] {
  if (namespace !== undefined && namespace !== NODE_LEASE_NAMESPACE) return [];
  return listRecord(state, state.nodes, false, undefined).map((node) => nodeLease(node as Node, state.now));
}
