// The default scheduler: each unscheduled pod to a ready node that fits (taints, nodeSelector,
// max pods), spreading pods, with the FailedScheduling message when none fits.
import { involvedObject, recordEvent } from "./events.ts";
import { rfc3339 } from "./ids.ts";
import { pinnedNode, toleratesTaint } from "./daemon-sets.ts";
import { specOnNode } from "./pod-spec.ts";
import { podsOnNode, unscheduledPods, writeObject } from "./store.ts";
import type { Tx } from "./tx.ts";
import type { Node, Pod } from "./types.ts";
import { nodeReady } from "./conditions.ts";
import { selectNodeForClaims, volumeFit } from "./volume-binding.ts";

export function tolerates(pod: Pod, taint: { key: string; effect: string; value?: string }): boolean {
  return toleratesTaint(pod.spec.tolerations, taint);
}

function matchesNodeSelector(pod: Pod, node: Node): boolean {
  const selector = pod.spec.nodeSelector;
  if (!selector) return true;
  const labels = node.metadata.labels ?? {};
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

function maxPods(n: Node): number {
  return Number(n.status.allocatable.pods ?? 110);
}

const SCHEDULER = { component: "default-scheduler" };
export const UNSCHEDULABLE_TAINT = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" };

/** The nodes (indexes into the usable ones) a pod may go to, and why the others may not. */
interface Candidates {
  nodes: number[];
  mismatched: number;
  cordoned: number;
  /** Nodes the pod's bound volumes' node affinity rules out. */
  conflict: number;
}

export function scheduler(tx: Tx, now: number): void {
  const pending = [...unscheduledPods(tx)];
  if (pending.length === 0) return;
  const nodes = Object.values(tx.state.nodes).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  // Cordoned nodes stay in: the NodeUnschedulable filter lets through pods that tolerate its
  // taint (daemon pods do).
  const usable = nodes.filter((n) => nodeReady(n));
  const limits = usable.map(maxPods);
  // Pods per usable node, kept here as this pass binds pods (thousands of pods x nodes lookups).
  const counts = usable.map((n) => podsOnNode(tx, n.metadata.name));
  // Pods with the same tolerations see the same nodes: filter the taints once per distinct set.
  const candidatesFor = new Map<unknown, Candidates>();
  for (const key of pending) {
    const pod = tx.state.pods[key];
    if (!pod || pod.metadata.deletionTimestamp) continue;
    // Most pods share the API server's default tolerations array, so identity is a good key.
    // Pods with a nodeSelector or pinned to a node by affinity (daemon pods) are filtered alone.
    const pinned = pinnedNode(pod.spec);
    // VolumeBinding: a pod's claims must exist and be bound, or wait for a node (WaitForFirstConsumer).
    const volumes = pod.spec.volumes?.some((v) => v.persistentVolumeClaim !== undefined) ? volumeFit(tx.state, pod) : undefined;
    if (volumes && !volumes.ok) {
      unschedulable(tx, key, pod, `0/${nodes.length} nodes are available: ${volumes.reason}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`, now);
      continue;
    }
    const volumeNodes = volumes?.ok ? volumes.nodes : undefined;
    const special = pinned !== undefined || pod.spec.nodeSelector !== undefined || volumeNodes !== undefined;
    const tolerationKey: unknown = pod.spec.tolerations ?? candidatesFor;
    let found = special ? undefined : candidatesFor.get(tolerationKey);
    if (!found) {
      found = { nodes: [], mismatched: 0, cordoned: 0, conflict: 0 };
      const c = found;
      usable.forEach((n, i) => {
        if (volumeNodes && !volumeNodes.has(n.metadata.name)) c.conflict++;
        else if (special && ((pinned !== undefined && n.metadata.name !== pinned) || !matchesNodeSelector(pod, n))) c.mismatched++;
        else if (n.spec.unschedulable && !tolerates(pod, UNSCHEDULABLE_TAINT)) c.cordoned++;
        else if (!(n.spec.taints ?? []).some((t) => (t.effect === "NoSchedule" || t.effect === "NoExecute") && !tolerates(pod, t))) c.nodes.push(i);
      });
      if (!special) candidatesFor.set(tolerationKey, found);
    }
    const { nodes: candidates, mismatched } = found;
    let best: Node | undefined;
    let bestIndex = -1;
    let bestCount = Infinity;
    const notReady = nodes.length - usable.length + found.cordoned;
    const tainted = usable.length - candidates.length - mismatched - found.cordoned - found.conflict;
    let full = 0;
    for (const i of candidates) {
      const n = usable[i];
      const count = counts[i];
      if (count >= limits[i]) {
        full++;
        continue;
      }
      if (count < bestCount) {
        best = n;
        bestIndex = i;
        bestCount = count;
      }
    }
    if (!best) {
      const parts: string[] = [];
      if (mismatched) parts.push(`${mismatched} node(s) didn't match Pod's node affinity/selector`);
      if (found.conflict) parts.push(`${found.conflict} node(s) had volume node affinity conflict`);
      if (tainted) parts.push(`${tainted} node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }`);
      if (full) parts.push(`${full} Too many pods`);
      if (notReady) parts.push(`${notReady} node(s) were unschedulable`);
      const message = `0/${nodes.length} nodes are available: ${parts.join(", ")}. preemption: 0/${nodes.length} nodes are available: ${[mismatched + tainted + found.conflict ? `${mismatched + tainted + found.conflict} Preemption is not helpful for scheduling` : "", full ? `${full} No preemption victims found for incoming pod` : ""].filter(Boolean).join(", ")}.`;
      unschedulable(tx, key, pod, message, now);
      continue;
    }
    // The claims waiting for a consumer get the chosen node; the pod is bound once they are.
    if (volumes?.ok && !selectNodeForClaims(tx, volumes.delayed, best.metadata.name)) continue;
    writeObject(tx, "pods", key, { ...pod, spec: specOnNode(pod.spec, best.metadata.name) });
    counts[bestIndex]++;
    recordEvent(tx, involvedObject(pod), "Normal", "Scheduled", `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${best.metadata.name}`, SCHEDULER, now);
    const rt = tx.state.podRuntime[key] ?? { createdAt: now, logs: [] };
    tx.write("podRuntime")[key] = { ...rt, scheduledAt: now, nextAt: now };
  }
}

/** A pod no node can take now: its PodScheduled condition and a FailedScheduling event when the reason is new. */
function unschedulable(tx: Tx, key: string, pod: Pod, message: string, now: number): void {
  const conditions = [{ type: "PodScheduled" as const, status: "False" as const, lastProbeTime: null, lastTransitionTime: rfc3339(now), reason: "Unschedulable", message }];
  const old = pod.status.conditions?.[0];
  if (old?.message !== message) {
    recordEvent(tx, involvedObject(pod), "Warning", "FailedScheduling", message, SCHEDULER, now);
    writeObject(tx, "pods", key, { ...pod, status: { ...pod.status, conditions: old?.message === undefined ? conditions : [{ ...conditions[0], lastTransitionTime: old.lastTransitionTime }] } });
  }
  const rt = tx.state.podRuntime[key];
  if (rt && rt.nextAt !== undefined) tx.write("podRuntime")[key] = { ...rt, nextAt: undefined };
}
