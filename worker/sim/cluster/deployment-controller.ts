// The deployment controller: a Deployment's ReplicaSets (one per pod template, by hash), rolling
// updates within maxSurge/maxUnavailable, revisions, and the Deployment's status.
import { createObject } from "./api-server.ts";
import { podTemplateHash, rfc3339 } from "./ids.ts";
import { objectKey, replicaSetsOwnedBy, writeObject } from "./store.ts";
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

function maxSurge(d: Deployment): number {
  const v = (d.spec.strategy as { rollingUpdate?: { maxSurge?: string | number } } | undefined)?.rollingUpdate?.maxSurge ?? "25%";
  return typeof v === "number" ? v : Math.ceil((d.spec.replicas * Number(String(v).replace("%", ""))) / 100);
}

function maxUnavailable(d: Deployment): number {
  const v = (d.spec.strategy as { rollingUpdate?: { maxUnavailable?: string | number } } | undefined)?.rollingUpdate?.maxUnavailable ?? "25%";
  return typeof v === "number" ? v : Math.floor((d.spec.replicas * Number(String(v).replace("%", ""))) / 100);
}

export function deploymentController(tx: Tx, ctx: ControllerContext): void {
  for (const [key, d] of Object.entries(tx.state.deployments)) {
    const hash = templateHash(d.spec.template);
    const owned = ownedReplicaSets(tx, d);
    const desired = d.spec.replicas;
    let current = owned.find(([, rs]) => rs.metadata.labels?.["pod-template-hash"] === hash);
    const revision = Math.max(0, ...owned.map(([, rs]) => revisionOf(rs)));
    const annotations = (rev: number): Record<string, string> => ({
      ...copiedAnnotations(d),
      "deployment.kubernetes.io/desired-replicas": String(desired),
      "deployment.kubernetes.io/max-replicas": String(desired + maxSurge(d)),
      "deployment.kubernetes.io/revision": String(rev),
    });
    if (!current) {
      const labels = { ...(d.spec.template.metadata.labels ?? {}), "pod-template-hash": hash };
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
            replicas: desired,
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
      if (desired > 0) scalingEvent(tx, d, rs, 0, desired, ctx.now);
    } else {
      const rs = current[1];
      // An older ReplicaSet whose template is back (rollout undo) becomes the newest revision again.
      const own = revisionOf(rs);
      const rev = own > 0 && own < revision ? revision + 1 : own || revision;
      const want = annotations(rev);
      if (rev !== own) want["deployment.kubernetes.io/revision-history"] = [rs.metadata.annotations?.["deployment.kubernetes.io/revision-history"], String(own)].filter(Boolean).join(",");
      const have = rs.metadata.annotations ?? {};
      if (rs.spec.replicas !== desired || Object.keys(want).some((k) => have[k] !== want[k])) {
        const updated = { ...rs, metadata: { ...rs.metadata, annotations: { ...have, ...want } }, spec: { ...rs.spec, replicas: desired } };
        current = [current[0], writeObject(tx, "replicaSets", current[0], updated)];
        if (rs.spec.replicas !== desired) scalingEvent(tx, d, rs, rs.spec.replicas, desired, ctx.now);
      }
    }
    // Rolling update: old ReplicaSets shrink as the new one's pods become available.
    const newAvailable = current[1].status.availableReplicas ?? 0;
    let allowance = Math.max(0, desired - newAvailable);
    const old = owned.filter(([k]) => k !== current![0]).sort((a, b) => revisionOf(b[1]) - revisionOf(a[1]));
    for (const [k, rs] of old) {
      const target = Math.min(rs.spec.replicas, allowance);
      allowance -= target;
      if (target !== rs.spec.replicas) {
        writeObject(tx, "replicaSets", k, { ...rs, spec: { ...rs.spec, replicas: target } });
        scalingEvent(tx, d, rs, rs.spec.replicas, target, ctx.now);
      }
    }
    const rev = String(revisionOf(current[1]));
    if (d.metadata.annotations?.["deployment.kubernetes.io/revision"] !== rev) {
      writeObject(tx, "deployments", key, { ...d, metadata: { ...d.metadata, annotations: { ...(d.metadata.annotations ?? {}), "deployment.kubernetes.io/revision": rev } } });
    }
  }
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
