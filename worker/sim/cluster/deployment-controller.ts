// The deployment controller: a Deployment's ReplicaSets (one per pod template, by hash), rolling
// updates within maxSurge/maxUnavailable, revisions, and the Deployment's status.
import { createObject } from "./api-server.ts";
import { podTemplateHash, rfc3339 } from "./ids.ts";
import { objectKey, podOwners, replicaSetsOwnedBy, writeObject } from "./store.ts";
import type { Tx } from "./tx.ts";
import type { Deployment, PodTemplateSpec, ReplicaSet } from "./types.ts";
import type { ControllerContext } from "./controller-context.ts";
import { sameJson } from "../same-json.ts";
import { involvedObject, recordEvent } from "./events.ts";

const hashCache = new WeakMap<PodTemplateSpec, string>();
function templateHash(template: PodTemplateSpec): string {
  let h = hashCache.get(template);
  // ComputeHash hashes the Go struct, whose zero creationTimestamp is part of the template.
  if (h === undefined) hashCache.set(template, (h = podTemplateHash({ ...template, metadata: { creationTimestamp: null, ...template.metadata } })));
  return h;
}

const revisionOf = (o: { metadata: { annotations?: Record<string, string> } }): number => Number(o.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? 0);

function ownedReplicaSets(tx: Tx, d: Deployment): Array<[string, ReplicaSet]> {
  const out: Array<[string, ReplicaSet]> = [];
  for (const key of replicaSetsOwnedBy(tx, d.metadata.uid)) {
    const rs = tx.state.replicaSets[key];
    if (rs) out.push([key, rs]);
  }
  return out;
}

type Strategy = { type?: string; rollingUpdate?: { maxSurge?: string | number; maxUnavailable?: string | number } } | undefined;

const isRolling = (d: Deployment): boolean => (d.spec.strategy as Strategy)?.type !== "Recreate";

/** intstr's GetScaledValueFromIntOrPercent: a number as it is, a percentage of `total` rounded up or down. */
function scaledValue(value: string | number, total: number, roundUp: boolean): number {
  if (typeof value === "number") return value;
  const percent = /^(\d+)%$/.exec(value);
  if (!percent) return Number.isInteger(Number(value)) ? Number(value) : 0;
  const scaled = (total * Number(percent[1])) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/** deploymentutil.ResolveFenceposts: surge rounds up, unavailability down, and both 0 means 1 unavailable. */
function fenceposts(d: Deployment): { surge: number; unavailable: number } {
  const rolling = (d.spec.strategy as Strategy)?.rollingUpdate;
  const surge = scaledValue(rolling?.maxSurge ?? "25%", d.spec.replicas, true);
  const unavailable = scaledValue(rolling?.maxUnavailable ?? "25%", d.spec.replicas, false);
  return { surge, unavailable: surge === 0 && unavailable === 0 ? 1 : unavailable };
}

/** deploymentutil.MaxSurge: 0 unless the strategy is RollingUpdate. */
function maxSurge(d: Deployment): number {
  return isRolling(d) ? fenceposts(d).surge : 0;
}

/** deploymentutil.MaxUnavailable: 0 unless rolling with replicas, at most the replicas. */
function maxUnavailable(d: Deployment): number {
  if (!isRolling(d) || d.spec.replicas === 0) return 0;
  return Math.min(fenceposts(d).unavailable, d.spec.replicas);
}

const replicaCount = (sets: Array<[string, ReplicaSet]>): number => sets.reduce((n, [, rs]) => n + rs.spec.replicas, 0);
const availableCount = (sets: Array<[string, ReplicaSet]>): number => sets.reduce((n, [, rs]) => n + (rs.status.availableReplicas ?? 0), 0);
/** controller.ReplicaSetsByCreationTimestamp: oldest first, then by name. */
function byCreation(sets: Array<[string, ReplicaSet]>): Array<[string, ReplicaSet]> {
  return [...sets].sort(([, a], [, b]) => (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? "") || a.metadata.name.localeCompare(b.metadata.name));
}

/** deploymentutil.NewRSNewReplicas: what the new ReplicaSet may grow to now (`all` counts it). */
function newRSNewReplicas(d: Deployment, all: Array<[string, ReplicaSet]>, newReplicas: number): number {
  if (!isRolling(d)) return d.spec.replicas;
  const maxTotal = d.spec.replicas + maxSurge(d);
  const current = replicaCount(all);
  if (current >= maxTotal) return newReplicas;
  return newReplicas + Math.min(maxTotal - current, d.spec.replicas - newReplicas);
}

export function deploymentController(tx: Tx, ctx: ControllerContext): void {
  for (const [key, d] of Object.entries(tx.state.deployments)) {
    const hash = templateHash(d.spec.template);
    const owned = ownedReplicaSets(tx, d);
    const desired = d.spec.replicas;
    let current = owned.find(([, rs]) => rs.metadata.labels?.["pod-template-hash"] === hash);
    let old = owned.filter(([k]) => k !== current?.[0]);
    const revision = Math.max(0, ...owned.map(([, rs]) => revisionOf(rs)));
    const annotations = (rev: number): Record<string, string> => ({
      ...copiedAnnotations(d),
      "deployment.kubernetes.io/desired-replicas": String(desired),
      "deployment.kubernetes.io/max-replicas": String(desired + maxSurge(d)),
      "deployment.kubernetes.io/revision": String(rev),
    });
    /** scaleReplicaSetAndRecordEvent: a new size (and the Deployment's annotations), with its event. */
    const scale = (entry: [string, ReplicaSet], to: number): [string, ReplicaSet] => {
      const [k, rs] = entry;
      if (rs.spec.replicas === to) return entry;
      const written = writeObject(tx, "replicaSets", k, { ...rs, spec: { ...rs.spec, replicas: to } });
      scalingEvent(tx, d, rs, rs.spec.replicas, to, ctx.now);
      return [k, written];
    };
    const recreate = !isRolling(d);
    if (recreate) {
      // rolloutRecreate: every old pod goes before the new ReplicaSet exists or grows, so two
      // versions never run side by side.
      let scaledDown = false;
      old = old.map((entry) => {
        if (entry[1].spec.replicas === 0) return entry;
        scaledDown = true;
        return scale(entry, 0);
      });
      if (scaledDown || oldPodsRunning(tx, old)) {
        syncRevision(tx, key, d, current);
        continue;
      }
    }
    if (!current) {
      const labels = { ...(d.spec.template.metadata.labels ?? {}), "pod-template-hash": hash };
      const replicas = newRSNewReplicas(d, old, 0);
      const created = createObject(
        tx,
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          metadata: {
            name: `${d.metadata.name}-${hash}`,
            namespace: d.metadata.namespace,
            labels,
            annotations: annotations(revision + 1),
            ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: d.metadata.name, uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }],
          },
          spec: {
            replicas,
            selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector.matchLabels ?? {}), "pod-template-hash": hash } },
            template: { ...d.spec.template, metadata: { ...d.spec.template.metadata, labels } },
          },
        },
        ctx,
      );
      // A refusal (object cap, name clash) leaves the Deployment as it is, like a failed create.
      if (!created.ok) continue;
      const rs = created.value as ReplicaSet;
      current = [objectKey(rs.metadata.namespace, rs.metadata.name), rs];
      if (replicas > 0) scalingEvent(tx, d, rs, 0, replicas, ctx.now);
    } else {
      const rs = current[1];
      // An older ReplicaSet whose template is back (rollout undo) becomes the newest revision again.
      const own = revisionOf(rs);
      const rev = own > 0 && own < revision ? revision + 1 : own || revision;
      const want = annotations(rev);
      if (rev !== own) want["deployment.kubernetes.io/revision-history"] = [rs.metadata.annotations?.["deployment.kubernetes.io/revision-history"], String(own)].filter(Boolean).join(",");
      const have = rs.metadata.annotations ?? {};
      if (Object.keys(want).some((k) => have[k] !== want[k])) {
        current = [current[0], writeObject(tx, "replicaSets", current[0], { ...rs, metadata: { ...rs.metadata, annotations: { ...have, ...want } } })];
      }
    }
    if (recreate) {
      // scaleUpNewReplicaSetForRecreate.
      scale(current, desired);
    } else if (!reconcileNewReplicaSet(d, old, current, scale)) {
      reconcileOldReplicaSets(d, old.filter(([, rs]) => rs.spec.replicas > 0), current, scale);
    }
    syncRevision(tx, key, d, current);
  }
}

/** The Deployment's revision annotation follows its newest ReplicaSet's. */
function syncRevision(tx: Tx, key: string, d: Deployment, current: [string, ReplicaSet] | undefined): void {
  if (!current) return;
  const rev = String(revisionOf(current[1]));
  if (d.metadata.annotations?.["deployment.kubernetes.io/revision"] !== rev) {
    writeObject(tx, "deployments", key, { ...d, metadata: { ...d.metadata, annotations: { ...(d.metadata.annotations ?? {}), "deployment.kubernetes.io/revision": rev } } });
  }
}

type Scale = (entry: [string, ReplicaSet], to: number) => [string, ReplicaSet];

/** rolling.go's reconcileNewReplicaSet: grow the new ReplicaSet within maxSurge (or shrink it to the replicas); whether it scaled. */
function reconcileNewReplicaSet(d: Deployment, old: Array<[string, ReplicaSet]>, current: [string, ReplicaSet], scale: Scale): boolean {
  const replicas = current[1].spec.replicas;
  if (replicas === d.spec.replicas) return false;
  const to = replicas > d.spec.replicas ? d.spec.replicas : newRSNewReplicas(d, [...old, current], replicas);
  return scale(current, to) !== current;
}

/**
 * rolling.go's reconcileOldReplicaSets: old ReplicaSets shrink by what stays available beyond
 * replicas - maxUnavailable, counting the new ReplicaSet's pods that are not available yet against
 * it; their unavailable pods go first, oldest ReplicaSet first.
 */
function reconcileOldReplicaSets(d: Deployment, activeOld: Array<[string, ReplicaSet]>, current: [string, ReplicaSet], scale: Scale): void {
  if (replicaCount(activeOld) === 0) return;
  const minAvailable = d.spec.replicas - maxUnavailable(d);
  const newUnavailable = current[1].spec.replicas - (current[1].status.availableReplicas ?? 0);
  const maxScaledDown = replicaCount([...activeOld, current]) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return;
  // cleanupUnhealthyReplicas.
  let cleaned = 0;
  const old = byCreation(activeOld).map((entry) => {
    const [, rs] = entry;
    const unhealthy = rs.spec.replicas - (rs.status.availableReplicas ?? 0);
    if (cleaned >= maxScaledDown || rs.spec.replicas === 0 || unhealthy <= 0) return entry;
    const count = Math.min(maxScaledDown - cleaned, unhealthy);
    cleaned += count;
    return scale(entry, rs.spec.replicas - count);
  });
  // scaleDownOldReplicaSetsForRollingUpdate.
  const available = availableCount([...old, current]);
  if (available <= minAvailable) return;
  const total = available - minAvailable;
  let scaledDown = 0;
  for (const entry of old) {
    if (scaledDown >= total) break;
    if (entry[1].spec.replicas === 0) continue;
    const count = Math.min(entry[1].spec.replicas, total - scaledDown);
    scale(entry, entry[1].spec.replicas - count);
    scaledDown += count;
  }
}

/** recreate.go's oldPodsRunning: a pod of an old ReplicaSet that has not ended (terminating ones count). */
function oldPodsRunning(tx: Tx, old: Array<[string, ReplicaSet]>): boolean {
  const owners = podOwners(tx);
  for (const [, rs] of old) {
    for (const podKey of owners.get(rs.metadata.uid) ?? []) {
      const phase = tx.state.pods[podKey]?.status.phase;
      if (phase !== undefined && phase !== "Failed" && phase !== "Succeeded") return true;
    }
  }
  return false;
}

/** The Deployment's own annotations the controller copies onto its new ReplicaSet (change-cause among them). */
const NOT_COPIED = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  "deployment.kubernetes.io/revision",
  "deployment.kubernetes.io/revision-history",
  "deployment.kubernetes.io/desired-replicas",
  "deployment.kubernetes.io/max-replicas",
]);
function copiedAnnotations(d: Deployment): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!NOT_COPIED.has(k)) out[k] = v;
  return out;
}


export function deploymentStatus(tx: Tx, now: number): void {
  for (const [key, d] of Object.entries(tx.state.deployments)) {
    const hash = templateHash(d.spec.template);
    const owned = ownedReplicaSets(tx, d);
    let replicas = 0;
    let ready = 0;
    let available = 0;
    let updated = 0;
    let newName = "";
    for (const [, rs] of owned) {
      replicas += rs.status.replicas ?? 0;
      ready += rs.status.readyReplicas ?? 0;
      available += rs.status.availableReplicas ?? 0;
      if (rs.metadata.labels?.["pod-template-hash"] === hash) {
        updated = rs.status.replicas ?? 0;
        newName = rs.metadata.name;
      }
    }
    const desired = d.spec.replicas;
    const minAvailable = desired - maxUnavailable(d);
    const availableOk = available >= minAvailable;
    const complete = updated === desired && replicas === desired && available === desired;
    const previous = d.status.conditions as Array<Record<string, string>> | undefined;
    const cond = (type: string, status: string, reason: string, message: string) => {
      const before = previous?.find((c) => c.type === type);
      const sameStatus = before?.status === status;
      const sameReason = sameStatus && before?.reason === reason;
      return {
        lastTransitionTime: sameStatus ? before!.lastTransitionTime : rfc3339(now),
        lastUpdateTime: sameReason ? before!.lastUpdateTime : rfc3339(now),
        message,
        reason,
        status,
        type,
      };
    };
    const conditions = [
      availableOk
        ? cond("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
        : cond("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
      complete
        ? cond("Progressing", "True", "NewReplicaSetAvailable", `ReplicaSet "${newName}" has successfully progressed.`)
        : cond("Progressing", "True", "ReplicaSetUpdated", `ReplicaSet "${newName}" is progressing.`),
    ];
    const status: Deployment["status"] = { observedGeneration: d.metadata.generation ?? 1 };
    if (replicas) status.replicas = replicas;
    if (updated) status.updatedReplicas = updated;
    if (ready) status.readyReplicas = ready;
    if (available) status.availableReplicas = available;
    if (replicas - available > 0) status.unavailableReplicas = replicas - available;
    status.conditions = conditions;
    if (!sameJson(status, d.status)) writeObject(tx, "deployments", key, { ...d, status });
  }
}

const DEPLOYMENT_CONTROLLER = { component: "deployment-controller" };
/** deployment controller scaleReplicaSet's event. */
export function scalingEvent(tx: Tx, d: Deployment, rs: ReplicaSet, from: number, to: number, at: number): void {
  recordEvent(tx, involvedObject(d), "Normal", "ScalingReplicaSet", `Scaled ${to > from ? "up" : "down"} replica set ${rs.metadata.name} from ${from} to ${to}`, DEPLOYMENT_CONTROLLER, at);
}
