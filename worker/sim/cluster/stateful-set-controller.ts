// The StatefulSet controller (pkg/controller/statefulset, defaultStatefulSetControl.updateStatefulSet):
// pods named <set>-<ordinal> with a stable hostname and subdomain (the set's serviceName), made
// from the ControllerRevision of the template they run. OrderedReady makes one pod at a time,
// in ordinal order, each only once every lower one is Running and Ready; scaling down removes the
// highest ordinal first, one at a time; a pod that is gone is made again under its old name. A
// RollingUpdate replaces, from the highest ordinal down to the partition, one pod at a time, each
// pod whose revision is not the update revision; pods below the partition keep the current
// revision, even when they are recreated. Parallel makes and removes pods without waiting.
import { deletePodGracefully } from "./api-server.ts";
import { createObject } from "./api-server.ts";
import { podReady } from "./conditions.ts";
import type { ControllerContext } from "./controller-context.ts";
import { involvedObject, recordEvent } from "./events.ts";
import { canonicalJson, podTemplateHash } from "./ids.ts";
import { newUid } from "./ids.ts";
import { rfc3339 } from "./ids.ts";
import { nextResourceVersion, objectKey, podsOwnedBy, putAt } from "./store.ts";
import type { Tx } from "./tx.ts";
import type { GenericObject, Pod, PodTemplateSpec, SubmittedObject } from "./types.ts";
import type { ClaimTemplate, StatefulSet } from "../kinds/stateful-set.ts";

const STS_CONTROLLER = { component: "statefulset-controller" };
const REVISIONS = { resource: "controllerrevisions" } as const;
const SETS = { resource: "statefulsets" } as const;

export const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
export const POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
export const REVISION_LABEL = "controller-revision-hash";

/** A ControllerRevision as the controller keeps it: the template it ran, and its number. */
export interface ControllerRevision extends GenericObject {
  data: { spec: { template: PodTemplateSpec & { $patch: "replace" } } };
  revision: number;
}

/** The ordinal of a pod named <set>-<n>, or -1 when the name is not one of the set's. */
export function ordinalOf(set: StatefulSet, podName: string): number {
  const prefix = `${set.metadata.name}-`;
  if (!podName.startsWith(prefix)) return -1;
  const rest = podName.slice(prefix.length);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? Number(rest) : -1;
}

/** The revisions a StatefulSet owns, oldest first. */
export function revisionsOf(tx: { state: Tx["state"] }, set: StatefulSet): ControllerRevision[] {
  const all = tx.state.objects?.controllerrevisions ?? {};
  const out: ControllerRevision[] = [];
  for (const r of Object.values(all)) {
    if (r.metadata.namespace === set.metadata.namespace && r.metadata.ownerReferences?.some((o) => o.uid === set.metadata.uid)) out.push(r as ControllerRevision);
  }
  return out.sort((a, b) => a.revision - b.revision);
}

/** The update revision: the revision whose template is the set's, made (or renumbered) when needed. */
function updateRevision(tx: Tx, set: StatefulSet, revisions: ControllerRevision[], ctx: ControllerContext): ControllerRevision {
  const hash = podTemplateHash(set.spec.template, set.status.collisionCount ?? 0);
  const name = `${set.metadata.name}-${hash}`;
  const max = revisions.reduce((m, r) => Math.max(m, r.revision), 0);
  const found = revisions.find((r) => r.metadata.name === name);
  if (found) {
    if (found.revision === max) return found;
    // Rolling back to an older template makes its revision the newest (history.go's renumbering).
    const renumbered: ControllerRevision = { ...found, metadata: { ...found.metadata, resourceVersion: nextResourceVersion(tx) }, revision: max + 1 };
    putAt(tx, REVISIONS, objectKey(set.metadata.namespace, name), renumbered);
    return renumbered;
  }
  const revision: ControllerRevision = {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name,
      namespace: set.metadata.namespace,
      uid: newUid(ctx.random),
      resourceVersion: nextResourceVersion(tx),
      creationTimestamp: rfc3339(ctx.now),
      labels: { ...(set.spec.template.metadata.labels ?? {}), "controller.kubernetes.io/hash": hash },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "StatefulSet", name: set.metadata.name, uid: set.metadata.uid, controller: true, blockOwnerDeletion: true }],
    },
    data: { spec: { template: { ...set.spec.template, $patch: "replace" } } },
    revision: max + 1,
  };
  putAt(tx, REVISIONS, objectKey(set.metadata.namespace, name), revision);
  return revision;
}

function templateOf(revision: ControllerRevision): PodTemplateSpec {
  const { $patch: _, ...template } = revision.data.spec.template;
  return template;
}

/** newVersionedStatefulSetPod: the pod for an ordinal from a revision's template, with its identity. */
function podFor(set: StatefulSet, revision: ControllerRevision, ordinal: number): SubmittedObject {
  const t = templateOf(revision);
  const name = `${set.metadata.name}-${ordinal}`;
  const spec: Record<string, unknown> = { ...t.spec, hostname: name };
  // updateStorage: a volume per claim template naming the pod's claim, then the template's other volumes.
  const templates = set.spec.volumeClaimTemplates ?? [];
  if (templates.length > 0) {
    const claimVolumes = templates.map((c) => ({ name: c.metadata.name, persistentVolumeClaim: { claimName: claimName(set, c, ordinal) } }));
    spec.volumes = [...claimVolumes, ...(t.spec.volumes ?? []).filter((v) => !templates.some((c) => c.metadata.name === v.name))];
  }
  if (set.spec.serviceName) spec.subdomain = set.spec.serviceName;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: set.metadata.namespace,
      labels: { ...(t.metadata.labels ?? {}), [POD_INDEX_LABEL]: String(ordinal), [REVISION_LABEL]: revision.metadata.name, [POD_NAME_LABEL]: name },
      annotations: t.metadata.annotations,
      ownerReferences: [{ apiVersion: "apps/v1", kind: "StatefulSet", name: set.metadata.name, uid: set.metadata.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec,
  };
}

const isTerminating = (p: Pod) => !!p.metadata.deletionTimestamp;
const isFailed = (p: Pod) => p.status.phase === "Failed";
const runningAndReady = (p: Pod) => p.status.phase === "Running" && podReady(p);
const revisionOfPod = (p: Pod) => p.metadata.labels?.[REVISION_LABEL];

export function statefulSetController(tx: Tx, ctx: ControllerContext): void {
  const all = tx.state.objects?.statefulsets;
  if (!all) return;
  for (const key of Object.keys(all).sort()) {
    const set = all[key] as StatefulSet | undefined;
    if (!set || set.metadata.deletionTimestamp) continue;
    sync(tx, key, set, ctx);
  }
}

function ownedPods(tx: Tx, set: StatefulSet): Pod[] {
  const out: Pod[] = [];
  for (const key of podsOwnedBy(tx, set.metadata.uid)) {
    const p = tx.state.pods[key];
    if (p) out.push(p);
  }
  return out;
}

function sync(tx: Tx, key: string, set: StatefulSet, ctx: ControllerContext): void {
  const revisions = revisionsOf(tx, set);
  const update = updateRevision(tx, set, revisions, ctx);
  const currentName = set.status.currentRevision ?? update.metadata.name;
  const current = revisionsOf(tx, set).find((r) => r.metadata.name === currentName) ?? update;
  const pods = ownedPods(tx, set);
  const replicas: (Pod | undefined)[] = new Array(set.spec.replicas).fill(undefined);
  const condemned: Pod[] = [];
  for (const p of pods) {
    const ord = ordinalOf(set, p.metadata.name);
    if (ord < 0) continue;
    if (ord < set.spec.replicas) replicas[ord] = p;
    else condemned.push(p);
  }
  condemned.sort((a, b) => ordinalOf(set, b.metadata.name) - ordinalOf(set, a.metadata.name));
  manage(tx, set, replicas, condemned, current, update, ctx);
  writeStatus(tx, key, set, current, update);
}

function manage(tx: Tx, set: StatefulSet, replicas: (Pod | undefined)[], condemned: Pod[], current: ControllerRevision, update: ControllerRevision, ctx: ControllerContext): void {
  const monotonic = set.spec.podManagementPolicy === "OrderedReady";
  const partition = set.spec.updateStrategy.type === "RollingUpdate" ? (set.spec.updateStrategy.rollingUpdate?.partition ?? 0) : Number.MAX_SAFE_INTEGER;
  for (let ord = 0; ord < replicas.length; ord++) {
    const pod = replicas[ord];
    if (pod && isFailed(pod) && !isTerminating(pod)) {
      // A failed pod is deleted and made again once it is gone.
      deletePod(tx, set, pod, ctx);
      if (monotonic) return;
      continue;
    }
    if (!pod) {
      // createPersistentVolumeClaims: the pod's claims first, each kept when it exists already.
      if (!createClaims(tx, set, ord, ctx)) return;
      // Below the partition a pod keeps the current revision (newVersionedStatefulSetPod).
      const revision = set.spec.updateStrategy.type === "OnDelete" || ord < partition ? current : update;
      const created = createObject(tx, podFor(set, revision, ord), ctx);
      const name = `${set.metadata.name}-${ord}`;
      if (!created.ok) {
        recordEvent(tx, involvedObject(set), "Warning", "FailedCreate", `create Pod ${name} in StatefulSet ${set.metadata.name} failed error: ${created.status.message}`, STS_CONTROLLER, ctx.now);
        return;
      }
      recordEvent(tx, involvedObject(set), "Normal", "SuccessfulCreate", `create Pod ${name} in StatefulSet ${set.metadata.name} successful`, STS_CONTROLLER, ctx.now);
      if (monotonic) return;
      continue;
    }
    // OrderedReady: nothing moves past a pod that is going or not yet Running and Ready.
    if (monotonic && (isTerminating(pod) || !runningAndReady(pod))) return;
  }
  for (const pod of condemned) {
    if (isTerminating(pod)) {
      if (monotonic) return;
      continue;
    }
    if (monotonic && !runningAndReady(pod) && pod !== condemned.find((p) => !runningAndReady(p))) return;
    deletePod(tx, set, pod, ctx);
    if (monotonic) return;
  }
  if (set.spec.updateStrategy.type !== "RollingUpdate") return;
  // Every replica must be there and healthy before the next one is replaced.
  if (replicas.some((p) => !p || isTerminating(p) || !runningAndReady(p))) return;
  for (let ord = replicas.length - 1; ord >= partition; ord--) {
    const pod = replicas[ord]!;
    if (revisionOfPod(pod) !== update.metadata.name) {
      deletePod(tx, set, pod, ctx);
      return;
    }
  }
}

/** A claim template's claim for an ordinal: <template>-<set>-<ordinal>. */
export function claimName(set: StatefulSet, template: ClaimTemplate, ordinal: number): string {
  return `${template.metadata.name}-${set.metadata.name}-${ordinal}`;
}

/**
 * The claims of an ordinal's pod that do not exist yet, made from the set's templates with the
 * selector's matchLabels added to their labels (getPersistentVolumeClaims). False when one could
 * not be made: the pod waits, as the controller's create does.
 */
function createClaims(tx: Tx, set: StatefulSet, ordinal: number, ctx: ControllerContext): boolean {
  const podName = `${set.metadata.name}-${ordinal}`;
  for (const template of set.spec.volumeClaimTemplates ?? []) {
    const name = claimName(set, template, ordinal);
    if (tx.state.objects?.persistentvolumeclaims?.[objectKey(set.metadata.namespace, name)]) continue;
    const labels = { ...(template.metadata.labels ?? {}), ...(set.spec.selector.matchLabels ?? {}) };
    const claim = {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name, namespace: set.metadata.namespace, labels, ...(template.metadata.annotations ? { annotations: { ...template.metadata.annotations } } : {}) },
      spec: { ...template.spec },
    } as SubmittedObject;
    const created = createObject(tx, claim, ctx);
    if (!created.ok) {
      recordEvent(tx, involvedObject(set), "Warning", "FailedCreate", `create Claim ${name} for Pod ${podName} in StatefulSet ${set.metadata.name} failed error: ${created.status.message}`, STS_CONTROLLER, ctx.now);
      return false;
    }
    recordEvent(tx, involvedObject(set), "Normal", "SuccessfulCreate", `create Claim ${name} Pod ${podName} in StatefulSet ${set.metadata.name} success`, STS_CONTROLLER, ctx.now);
  }
  return true;
}

function deletePod(tx: Tx, set: StatefulSet, pod: Pod, ctx: ControllerContext): void {
  deletePodGracefully(tx, objectKey(pod.metadata.namespace, pod.metadata.name), pod, ctx);
  recordEvent(tx, involvedObject(set), "Normal", "SuccessfulDelete", `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`, STS_CONTROLLER, ctx.now);
}

function writeStatus(tx: Tx, key: string, before: StatefulSet, current: ControllerRevision, update: ControllerRevision): void {
  const set = (tx.state.objects?.statefulsets?.[key] as StatefulSet | undefined) ?? before;
  const pods = ownedPods(tx, set).filter((p) => ordinalOf(set, p.metadata.name) >= 0 && !isTerminating(p));
  const ready = pods.filter(podReady).length;
  let currentRevision = current.metadata.name;
  let currentReplicas = pods.filter((p) => revisionOfPod(p) === currentRevision).length;
  const updatedReplicas = pods.filter((p) => revisionOfPod(p) === update.metadata.name).length;
  // completeRollingUpdate: once every pod runs the update revision and is ready, it is the current one.
  if (set.spec.updateStrategy.type === "RollingUpdate" && updatedReplicas === pods.length && ready === pods.length && pods.length === set.spec.replicas) {
    currentRevision = update.metadata.name;
    currentReplicas = updatedReplicas;
  }
  const status: StatefulSet["status"] = {
    availableReplicas: ready,
    collisionCount: set.status.collisionCount ?? 0,
    currentRevision,
    observedGeneration: set.metadata.generation ?? 1,
    replicas: pods.length,
    updateRevision: update.metadata.name,
  };
  if (currentReplicas) status.currentReplicas = currentReplicas;
  if (ready) status.readyReplicas = ready;
  if (updatedReplicas) status.updatedReplicas = updatedReplicas;
  if (canonicalJson(status) === canonicalJson(set.status)) return;
  putAt(tx, SETS, key, { ...set, metadata: { ...set.metadata, resourceVersion: nextResourceVersion(tx) }, status } as StatefulSet);
}
