// The PersistentVolume controller (pkg/controller/volume/persistentvolume, syncClaim/syncVolume)
// with the pvc-protection and pv-protection controllers, and the scheduler's VolumeBinding
// plugin (pkg/scheduler/framework/plugins/volumebinding) as the scheduler asks it about a pod.
//
// A new volume becomes Available; a Pending claim binds to the smallest Available volume of its
// class that has its access modes and at least its size (both sides written: the volume's
// claimRef and Bound, the claim's volumeName, Bound, capacity and access modes). A claim of a
// WaitForFirstConsumer class waits until the scheduler picks a node for a pod that uses it
// (the volume.kubernetes.io/selected-node annotation); then, with no volume to bind, the class's
// external provisioner is asked for one (cluster/local-path.ts). A claim with no class and no
// volume gets FailedBinding. A deleted claim goes once no pod uses it; its volume is Released,
// and a provisioned one with reclaimPolicy Delete is deleted by its provisioner.
import { type PersistentVolume, storageBytes, volumeClass } from "../kinds/persistent-volume.ts";
import { type PersistentVolumeClaim, claimClass } from "../kinds/persistent-volume-claim.ts";
import { storageClassNamed } from "../kinds/storage-class.ts";
import { isRecord } from "../kinds/templates.ts";
import type { ControllerContext } from "./controller-context.ts";
import { eventsFor, involvedObject, recordEvent } from "./events.ts";
import { rfc3339 } from "./ids.ts";
import { nextResourceVersion, objectKey, putAt, removeAt } from "./store.ts";
import type { Tx } from "./tx.ts";
import type { ClusterState, Pod } from "./types.ts";

export const CLAIMS = { resource: "persistentvolumeclaims" } as const;
export const VOLUMES = { resource: "persistentvolumes" } as const;
export const SELECTED_NODE = "volume.kubernetes.io/selected-node";
const PV_CONTROLLER = { component: "persistentvolume-controller" };

export const claimsOf = (state: ClusterState): Record<string, PersistentVolumeClaim> => (state.objects?.persistentvolumeclaims ?? {}) as Record<string, PersistentVolumeClaim>;
export const volumesOf = (state: ClusterState): Record<string, PersistentVolume> => (state.objects?.persistentvolumes ?? {}) as Record<string, PersistentVolume>;

/** The claim names a pod's volumes refer to, in the order of its volumes. */
export function podClaimNames(pod: Pod): string[] {
  const out: string[] = [];
  for (const v of pod.spec.volumes ?? []) {
    const source = v.persistentVolumeClaim;
    if (isRecord(source) && typeof source.claimName === "string") out.push(source.claimName);
  }
  return out;
}

/** Records an event once for a state of the object (the controller's resyncs are not repeated here). */
function recordOnce(tx: Tx, obj: PersistentVolumeClaim, type: "Normal" | "Warning", reason: string, message: string, component: string, now: number): void {
  if (eventsFor(tx.state, obj).some((e) => e.reason === reason && e.message === message)) return;
  recordEvent(tx, involvedObject(obj), type, reason, message, { component }, now);
}

// ------------------------------------------------------------------ the scheduler's part

export type VolumeFit =
  /** No node can take the pod now (the PreFilter's UnschedulableAndUnresolvable reason). */
  | { ok: false; reason: string }
  /** Nodes the bound volumes allow (undefined: any), and the claims still to bind once a node is chosen. */
  | { ok: true; nodes: Set<string> | undefined; delayed: PersistentVolumeClaim[] };

/** VolumeBinding's PreFilter and Filter for a pod: its claims found, bound or delayed, and the volumes' node affinity. */
export function volumeFit(state: ClusterState, pod: Pod): VolumeFit {
  const namespace = pod.metadata.namespace ?? "default";
  const claims = claimsOf(state);
  const volumes = volumesOf(state);
  let nodes: Set<string> | undefined;
  const delayed: PersistentVolumeClaim[] = [];
  let immediate = false;
  for (const name of podClaimNames(pod)) {
    const pvc = claims[objectKey(namespace, name)];
    if (!pvc) return { ok: false, reason: `persistentvolumeclaim "${name}" not found` };
    if (pvc.metadata.deletionTimestamp) return { ok: false, reason: `persistentvolumeclaim "${name}" is being deleted` };
    if (pvc.status.phase === "Bound" && pvc.spec.volumeName) {
      const pv = volumes[pvc.spec.volumeName];
      const allowed = pv ? affinityNodes(pv) : undefined;
      if (allowed) nodes = nodes ? new Set([...nodes].filter((n) => allowed.has(n))) : allowed;
      continue;
    }
    if (storageClassNamed(state, claimClass(pvc))?.volumeBindingMode === "WaitForFirstConsumer") delayed.push(pvc);
    else immediate = true;
  }
  if (immediate) return { ok: false, reason: "pod has unbound immediate PersistentVolumeClaims" };
  return { ok: true, nodes, delayed };
}

/** The node names a volume's required node affinity allows (kubernetes.io/hostname In [...]), or undefined for any. */
function affinityNodes(pv: PersistentVolume): Set<string> | undefined {
  const terms = pv.spec.nodeAffinity?.required?.nodeSelectorTerms;
  if (!terms?.length) return undefined;
  const out = new Set<string>();
  for (const term of terms) {
    for (const req of term.matchExpressions ?? []) {
      if (req.key === "kubernetes.io/hostname" && req.operator === "In") for (const v of req.values ?? []) out.add(v);
    }
  }
  return out;
}

/**
 * The scheduler chose `node` for a pod whose delayed claims are not bound yet: each claim gets the
 * selected-node annotation (AssumePodVolumes + BindPodVolumes), and the pod is bound only once
 * they are. True when every claim is bound already.
 */
export function selectNodeForClaims(tx: Tx, delayed: PersistentVolumeClaim[], node: string): boolean {
  for (const pvc of delayed) {
    if (pvc.metadata.annotations?.[SELECTED_NODE] === node) continue;
    const annotations = { ...(pvc.metadata.annotations ?? {}), [SELECTED_NODE]: node };
    putAt(tx, CLAIMS, objectKey(pvc.metadata.namespace, pvc.metadata.name), { ...pvc, metadata: { ...pvc.metadata, annotations, resourceVersion: nextResourceVersion(tx) } });
  }
  return delayed.length === 0;
}

// ------------------------------------------------------------------ the PV controller

/** findMatchingVolume: the smallest Available volume of the claim's class with its modes and size. */
function matchingVolume(state: ClusterState, pvc: PersistentVolumeClaim): PersistentVolume | undefined {
  const want = storageBytes(pvc.spec.resources.requests?.storage) ?? 0;
  const className = claimClass(pvc);
  const selectedNode = pvc.metadata.annotations?.[SELECTED_NODE];
  let best: PersistentVolume | undefined;
  for (const pv of Object.values(volumesOf(state))) {
    if (pv.metadata.deletionTimestamp) continue;
    const ref = pv.spec.claimRef;
    // A volume pre-bound to this claim (the provisioner's, or an administrator's claimRef) is the one.
    if (ref?.name === pvc.metadata.name && ref.namespace === pvc.metadata.namespace && (!ref.uid || ref.uid === pvc.metadata.uid)) return pv;
    if (ref || pv.status.phase !== "Available") continue;
    if (pvc.spec.volumeName && pvc.spec.volumeName !== pv.metadata.name) continue;
    if (volumeClass(pv) !== className || pv.spec.volumeMode !== pvc.spec.volumeMode) continue;
    if (!pvc.spec.accessModes.every((m) => pv.spec.accessModes.includes(m))) continue;
    const size = storageBytes(pv.spec.capacity.storage) ?? 0;
    if (size < want) continue;
    const nodes = affinityNodes(pv);
    if (selectedNode && nodes && !nodes.has(selectedNode)) continue;
    if (!best || size < (storageBytes(best.spec.capacity.storage) ?? 0)) best = pv;
  }
  return best;
}

function bind(tx: Tx, pvc: PersistentVolumeClaim, pv: PersistentVolume, now: number): void {
  const byController = !pv.spec.claimRef;
  const claimRef = { apiVersion: "v1", kind: "PersistentVolumeClaim", name: pvc.metadata.name, namespace: pvc.metadata.namespace, resourceVersion: pvc.metadata.resourceVersion, uid: pvc.metadata.uid };
  const pvAnnotations = byController ? { ...(pv.metadata.annotations ?? {}), "pv.kubernetes.io/bound-by-controller": "yes" } : pv.metadata.annotations;
  const boundPv: PersistentVolume = {
    ...pv,
    metadata: { ...pv.metadata, resourceVersion: nextResourceVersion(tx), ...(pvAnnotations ? { annotations: pvAnnotations } : {}) },
    spec: { ...pv.spec, claimRef },
    status: { ...pv.status, phase: "Bound", lastPhaseTransitionTime: rfc3339(now) },
  };
  putAt(tx, VOLUMES, pv.metadata.name, boundPv);
  const annotations: Record<string, string> = { ...(pvc.metadata.annotations ?? {}), "pv.kubernetes.io/bind-completed": "yes" };
  if (!pvc.spec.volumeName) annotations["pv.kubernetes.io/bound-by-controller"] = "yes";
  const boundPvc: PersistentVolumeClaim = {
    ...pvc,
    metadata: { ...pvc.metadata, annotations, resourceVersion: nextResourceVersion(tx) },
    spec: { ...pvc.spec, volumeName: pv.metadata.name },
    status: { phase: "Bound", accessModes: [...pv.spec.accessModes], capacity: { ...pv.spec.capacity } },
  };
  putAt(tx, CLAIMS, objectKey(pvc.metadata.namespace, pvc.metadata.name), boundPvc);
}

/** A claim that found no volume: why it waits, as the PV controller's events say. */
function waitForVolume(tx: Tx, key: string, pvc: PersistentVolumeClaim, now: number): void {
  const className = claimClass(pvc);
  if (className === "") {
    recordOnce(tx, pvc, "Warning", "FailedBinding", "no persistent volumes available for this claim and no storage class is set", PV_CONTROLLER.component, now);
    return;
  }
  const sc = storageClassNamed(tx.state, className);
  if (!sc) {
    recordOnce(tx, pvc, "Warning", "ProvisioningFailed", `storageclass.storage.k8s.io "${className}" not found`, PV_CONTROLLER.component, now);
    return;
  }
  if (sc.volumeBindingMode === "WaitForFirstConsumer" && !pvc.metadata.annotations?.[SELECTED_NODE]) {
    recordOnce(tx, pvc, "Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding", PV_CONTROLLER.component, now);
    return;
  }
  // provisionClaimOperationExternal: the claim is handed to the class's provisioner by annotation.
  const annotations = pvc.metadata.annotations ?? {};
  if (annotations["volume.kubernetes.io/storage-provisioner"] !== sc.provisioner) {
    const next = { ...annotations, "volume.beta.kubernetes.io/storage-provisioner": sc.provisioner, "volume.kubernetes.io/storage-provisioner": sc.provisioner };
    putAt(tx, CLAIMS, key, { ...pvc, metadata: { ...pvc.metadata, annotations: next, resourceVersion: nextResourceVersion(tx) } });
  }
  const message = `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`;
  recordOnce(tx, pvc, "Normal", "ExternalProvisioning", message, PV_CONTROLLER.component, now);
}

/** Pods that keep a claim in use: any pod naming it that has not finished (pvc-protection's podUsesPVC). */
function claimInUse(state: ClusterState, pvc: PersistentVolumeClaim): boolean {
  for (const key in state.pods) {
    const pod = state.pods[key];
    if (pod.metadata.namespace !== pvc.metadata.namespace) continue;
    if (pod.status.phase === "Succeeded" || pod.status.phase === "Failed") continue;
    if (podClaimNames(pod).includes(pvc.metadata.name)) return true;
  }
  return false;
}

export function persistentVolumeController(tx: Tx, ctx: ControllerContext): void {
  const claims = tx.state.objects?.persistentvolumeclaims;
  const volumes = tx.state.objects?.persistentvolumes;
  if (!claims && !volumes) return;
  // pvc-protection: a claim marked for deletion goes once no pod uses it.
  for (const key of Object.keys(claims ?? {}).sort()) {
    const pvc = claimsOf(tx.state)[key];
    if (pvc?.metadata.deletionTimestamp && !claimInUse(tx.state, pvc)) {
      nextResourceVersion(tx);
      removeAt(tx, CLAIMS, key);
    }
  }
  // syncVolume: new volumes become Available; bound ones whose claim is gone are Released.
  for (const name of Object.keys(volumesOf(tx.state)).sort()) {
    const pv = volumesOf(tx.state)[name];
    const ref = pv.spec.claimRef;
    if (pv.status.phase === "Pending" && !ref) {
      putAt(tx, VOLUMES, name, { ...pv, metadata: { ...pv.metadata, resourceVersion: nextResourceVersion(tx) }, status: { phase: "Available", lastPhaseTransitionTime: rfc3339(ctx.now) } });
      continue;
    }
    if (pv.status.phase === "Bound" && ref) {
      const claim = claimsOf(tx.state)[objectKey(ref.namespace, ref.name ?? "")];
      if (!claim || claim.metadata.uid !== ref.uid) {
        putAt(tx, VOLUMES, name, { ...pv, metadata: { ...pv.metadata, resourceVersion: nextResourceVersion(tx) }, status: { phase: "Released", lastPhaseTransitionTime: rfc3339(ctx.now) } });
      }
    }
  }
  // pv-protection: a volume marked for deletion goes once it is not Bound.
  for (const name of Object.keys(volumesOf(tx.state)).sort()) {
    const pv = volumesOf(tx.state)[name];
    if (pv.metadata.deletionTimestamp && pv.status.phase !== "Bound") {
      nextResourceVersion(tx);
      removeAt(tx, VOLUMES, name);
    }
  }
  // syncClaim: each Pending claim binds or waits.
  for (const key of Object.keys(claimsOf(tx.state)).sort()) {
    const pvc = claimsOf(tx.state)[key];
    if (pvc.status.phase !== "Pending" || pvc.metadata.deletionTimestamp) continue;
    const delayed = storageClassNamed(tx.state, claimClass(pvc))?.volumeBindingMode === "WaitForFirstConsumer";
    const pv = delayed && !pvc.metadata.annotations?.[SELECTED_NODE] && !pvc.spec.volumeName ? undefined : matchingVolume(tx.state, pvc);
    if (pv) bind(tx, pvc, pv, ctx.now);
    else waitForVolume(tx, key, pvc, ctx.now);
  }
}

