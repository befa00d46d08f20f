// The lab's node network (192.168.56.0/24) in a session with several clusters: the workstation
// (the exam's jump host) sits on it with every cluster's nodes, so a NodePort or MetalLB address
// of another cluster's node answers from it whatever the current context. Inside a cluster (its
// nodes and pods) nothing changes: kube-proxy's rules are the cluster's own.

import type { Tx } from "../cluster/tx.ts";
import { resolveHost } from "./dns.ts";
import { netIndex, type NetIndex } from "./index.ts";
import type { Place } from "./places.ts";
import type { RouteTrace } from "./trace.ts";

/** The session's clusters as the workstation reaches them (shell/types.ts's SessionClusters fits). */
export interface LabClusters {
  /** The cluster the program's transaction is. */
  readonly acting: string;
  /** Every cluster's name, in the order the session made them. */
  readonly names: readonly string[];
  tx(name: string): Tx | undefined;
}

/** The address is on the node network side of this cluster: one of its nodes, or a load-balancer address it announces. */
function owns(index: NetIndex, ip: string): boolean {
  return index.nodeByIP(ip) !== undefined || index.portsAtLoadBalancerIP(ip) !== undefined;
}

/**
 * The other cluster a connection from the workstation to `host` reaches: the first one (in the
 * session's order) whose node or load-balancer address the host is (by address or by the node's
 * name in /etc/hosts), when the acting cluster has neither. Undefined: the acting cluster's rules decide.
 */
export function labCluster(lab: LabClusters | undefined, actingTx: Tx, place: Place, host: string, now: number): { name: string; tx: Tx } | undefined {
  if (!lab || place.kind !== "workstation") return undefined;
  const state = actingTx.state;
  const index = netIndex(state);
  const here = resolveHost(state, index, place, host, { now });
  if (here.ok && owns(index, here.ips[0])) return undefined;
  for (const name of lab.names) {
    if (name === lab.acting) continue;
    const tx = lab.tx(name);
    if (!tx) continue;
    const otherIndex = netIndex(tx.state);
    const there = resolveHost(tx.state, otherIndex, place, host, { now });
    if (there.ok && owns(otherIndex, there.ips[0])) return { name, tx };
  }
  return undefined;
}

/** The node indexes of every cluster on the lab's network, in the session's order (the workstation's /etc/hosts lists them all). */
export function labIndexes(lab: LabClusters | undefined, actingTx: Tx): NetIndex[] {
  if (!lab) return [netIndex(actingTx.state)];
  const indexes: NetIndex[] = [];
  for (const name of lab.names) {
    const tx = name === lab.acting ? actingTx : lab.tx(name);
    if (tx) indexes.push(netIndex(tx.state));
  }
  return indexes;
}

/** The trace of a request made in that cluster of a session with several (a trace that names its cluster keeps it). */
export function inCluster(trace: RouteTrace, cluster: string): RouteTrace {
  return trace.cluster === undefined ? { ...trace, cluster } : trace;
}

/** A trace recorder for another cluster's hops: the trace names that cluster and its client hop says why the packet went there. */
export function labTrace(trace: (trace: RouteTrace) => void, cluster: string): (trace: RouteTrace) => void {
  const note = ` The address is on cluster ${cluster}'s side of the node network (not the current context's cluster): that cluster's nodes and kube-proxy rules take the packet.`;
  return (t) => trace({ ...t, cluster, hops: t.hops.map((hop) => (hop.kind === "client" ? { ...hop, note: hop.note + note } : hop)) });
}
