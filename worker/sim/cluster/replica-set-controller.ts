// The ReplicaSet controller: pods created and deleted to match replicas (in the order
// controller.ActivePods ranks them), and the ReplicaSet's status.
import { createObject, deletePodGracefully } from "./api-server.ts";
import { involvedObject, recordEvent } from "./events.ts";
import { matchesRequirements, requirementsOfLabelSelector } from "./label-selector.ts";
import { podsOwnedBy, writeObject } from "./store.ts";
import type { Tx } from "./tx.ts";
import type { Pod, ReplicaSet } from "./types.ts";
import { podReady as isReady } from "./conditions.ts";
import type { ControllerContext } from "./controller-context.ts";
import { sameJson } from "../same-json.ts";

const active = (p: Pod | undefined): p is Pod => !!p && !p.metadata.deletionTimestamp && p.status.phase !== "Succeeded" && p.status.phase !== "Failed";

/** controller.ActivePods ranking: the pods a scale-down removes first come first. */
function deletionRank(a: Pod, b: Pod): number {
  const s = (p: Pod) => (p.spec.nodeName ? 1 : 0);
  if (s(a) !== s(b)) return s(a) - s(b);
  const phase = (p: Pod) => ({ Pending: 0, Unknown: 1, Running: 2 } as Record<string, number>)[p.status.phase] ?? 2;
  if (phase(a) !== phase(b)) return phase(a) - phase(b);
  const r = (p: Pod) => (isReady(p) ? 1 : 0);
  if (r(a) !== r(b)) return r(a) - r(b);
  const restarts = (p: Pod) => (p.status.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  if (a.metadata.creationTimestamp !== b.metadata.creationTimestamp) return a.metadata.creationTimestamp < b.metadata.creationTimestamp ? 1 : -1;
  return a.metadata.name < b.metadata.name ? -1 : 1;
}

const RS_CONTROLLER = { component: "replicaset-controller" };


export function replicaSetController(tx: Tx, ctx: ControllerContext): void {
  for (const rs of Object.values(tx.state.replicaSets)) {
    const pods: Array<[string, Pod]> = [];
    for (const key of podsOwnedBy(tx, rs.metadata.uid)) {
      const p = tx.state.pods[key];
      if (active(p)) pods.push([key, p]);
    }
    const diff = rs.spec.replicas - pods.length;
    if (diff > 0) {
      const t = rs.spec.template;
      for (let i = 0; i < diff; i++) {
        const created = createObject(
          tx,
          {
            apiVersion: "v1",
            kind: "Pod",
            metadata: {
              generateName: `${rs.metadata.name}-`,
              namespace: rs.metadata.namespace,
              labels: t.metadata.labels,
              annotations: t.metadata.annotations,
              ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: rs.metadata.name, uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }],
            },
            spec: t.spec,
          },
          ctx,
        );
        if (!created.ok) break;
        recordEvent(tx, involvedObject(rs), "Normal", "SuccessfulCreate", `Created pod: ${created.value.metadata.name}`, RS_CONTROLLER, ctx.now);
      }
    } else if (diff < 0) {
      pods.sort((a, b) => deletionRank(a[1], b[1]));
      for (const [key, pod] of pods.slice(0, -diff)) {
        deletePodGracefully(tx, key, pod, ctx);
        recordEvent(tx, involvedObject(rs), "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`, RS_CONTROLLER, ctx.now);
      }
    }
  }
}

export function replicaSetStatus(tx: Tx): void {
  for (const [key, rs] of Object.entries(tx.state.replicaSets)) {
    let replicas = 0;
    let labeled = 0;
    let ready = 0;
    const reqs = requirementsOfLabelSelector({ matchLabels: rs.spec.template.metadata.labels });
    for (const podKey of podsOwnedBy(tx, rs.metadata.uid)) {
      const p = tx.state.pods[podKey];
      if (!active(p)) continue;
      replicas++;
      if (matchesRequirements(p.metadata.labels, reqs)) labeled++;
      if (isReady(p)) ready++;
    }
    const status: ReplicaSet["status"] = { replicas };
    if (labeled) status.fullyLabeledReplicas = labeled;
    if (ready) status.readyReplicas = ready;
    if (ready) status.availableReplicas = ready;
    status.observedGeneration = rs.metadata.generation ?? 1;
    if (!sameJson(status, rs.status)) writeObject(tx, "replicaSets", key, { ...rs, status });
  }
}
