// PersistentVolumeClaim (core/v1): pkg/registry/core/persistentvolumeclaim/strategy.go (status
// Pending on create), the admission plugins that act on a new claim (DefaultStorageClass fills
// spec.storageClassName with the default class when it is unset; StorageObjectInUseProtection
// adds the pvc-protection finalizer; PersistentVolumeClaimResize refuses growing a claim whose
// class does not allow expansion), ValidatePersistentVolumeClaim(Spec/Update), printers.go
// printPersistentVolumeClaim and describe.go describePersistentVolumeClaim with its "Used By".
// Binding is the PV controller's (cluster/volume-binding.ts); deletion waits for the pods that
// use the claim (the pvc-protection controller).
import { badRequest, forbidden, invalid, type StatusCause } from "../cluster/api-status.ts";
import type { EventObject } from "../cluster/events.ts";
import { fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired, isDNS1123Subdomain } from "../cluster/field-errors.ts";
import { canonicalJson, rfc3339 } from "../cluster/ids.ts";
import { listRecord } from "../cluster/listing.ts";
import { nextResourceVersion, putAt } from "../cluster/store.ts";
import type { ClusterState, GenericObject, ObjectMeta, Pod } from "../cluster/types.ts";
import { PrefixWriter, annotationLines, describeEvents, labelLines, writeMultiline } from "../kubectl/printers/describe.ts";
import { age } from "../kubectl/printers/duration.ts";
import { BETA_STORAGE_CLASS_ANNOTATION, VOLUME_MODES, accessModesString, storageBytes, validateAccessModes } from "./persistent-volume.ts";
import { decodeResourceList } from "./resource-quota.ts";
import { defaultStorageClass, storageClassNamed } from "./storage-class.ts";
import { isRecord } from "./templates.ts";
import type { KindDefinition } from "./types.ts";

export const PVC_PROTECTION = "kubernetes.io/pvc-protection";
const CLAIMS = { resource: "persistentvolumeclaims" } as const;

export interface PersistentVolumeClaim extends GenericObject {
  apiVersion: "v1";
  kind: "PersistentVolumeClaim";
  metadata: ObjectMeta;
  spec: {
    accessModes: string[];
    resources: { requests?: Record<string, string>; limits?: Record<string, string> };
    storageClassName?: string;
    volumeMode: string;
    volumeName?: string;
    selector?: Record<string, unknown>;
    [field: string]: unknown;
  };
  status: { phase: string; accessModes?: string[]; capacity?: Record<string, string> };
}

/** storageutil.GetPersistentVolumeClaimClass: the beta annotation, else spec.storageClassName, else "". */
export function claimClass(pvc: PersistentVolumeClaim): string {
  return pvc.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? pvc.spec.storageClassName ?? "";
}

/** The pods of the claim's namespace with a volume that names it, by name (describe's "Used By"). */
export function podsUsingClaim(state: ClusterState, namespace: string, claim: string): Pod[] {
  return (listRecord(state, state.pods, true, namespace) as Pod[]).filter((p) => p.spec.volumes?.some((v) => isRecord(v.persistentVolumeClaim) && v.persistentVolumeClaim.claimName === claim));
}

function validateSpec(pvc: PersistentVolumeClaim): StatusCause[] {
  const spec = pvc.spec;
  const causes: StatusCause[] = [];
  if (spec.accessModes.length === 0) causes.push(fieldRequired("spec.accessModes", "at least 1 access mode is required"));
  causes.push(...validateAccessModes(spec.accessModes, "spec.accessModes"));
  const storage = spec.resources.requests?.storage;
  if (storage === undefined) causes.push(fieldRequired("spec.resources[storage]"));
  else if ((storageBytes(storage) ?? 0) <= 0) causes.push(fieldInvalid("spec.resources[storage]", storage, "must be greater than zero"));
  if (spec.storageClassName) for (const msg of isDNS1123Subdomain(spec.storageClassName)) causes.push(fieldInvalid("spec.storageClassName", spec.storageClassName, msg));
  if (!VOLUME_MODES.includes(spec.volumeMode as "Block")) causes.push(fieldNotSupported("spec.volumeMode", spec.volumeMode, VOLUME_MODES));
  return causes;
}

/** ValidatePersistentVolumeClaimUpdate: the spec is fixed but for volumeName once and a bound claim's request. */
function validateUpdate(pvc: PersistentVolumeClaim, old: PersistentVolumeClaim): StatusCause[] {
  const strip = (c: PersistentVolumeClaim, keepRequest: boolean) => {
    const spec: Record<string, unknown> = { ...c.spec, resources: { ...c.spec.resources } };
    if (!old.spec.volumeName) delete spec.volumeName;
    if (!keepRequest) (spec.resources as Record<string, unknown>).requests = { ...c.spec.resources.requests, storage: undefined };
    return canonicalJson(spec);
  };
  const bound = old.status.phase === "Bound";
  const causes: StatusCause[] = [];
  if (strip(pvc, !bound) !== strip(old, !bound)) {
    // (The API server appends a cmp.Diff of the two specs to this message.)
    causes.push(fieldForbidden("spec", "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"));
  }
  const before = storageBytes(old.spec.resources.requests?.storage) ?? 0;
  const after = storageBytes(pvc.spec.resources.requests?.storage) ?? 0;
  if (after < before && bound) causes.push(fieldForbidden("spec.resources.requests.storage", "field can not be less than status.capacity"));
  if (pvc.spec.volumeMode !== old.spec.volumeMode) causes.push(fieldInvalid("volumeMode", pvc.spec.volumeMode, "field is immutable"));
  return causes;
}

function buildClaim(state: ClusterState, raw: Record<string, unknown>, meta: ObjectMeta, old: PersistentVolumeClaim | undefined): { ok: true; pvc: PersistentVolumeClaim } | { ok: false; error: string } {
  const spec = isRecord(raw.spec) ? raw.spec : {};
  const resources = isRecord(spec.resources) ? spec.resources : {};
  const requests = decodeResourceList(resources.requests);
  if (!requests.ok) return { ok: false, error: requests.error };
  const limits = decodeResourceList(resources.limits);
  if (!limits.ok) return { ok: false, error: limits.error };
  const out: PersistentVolumeClaim["spec"] = {
    ...spec,
    accessModes: Array.isArray(spec.accessModes) ? spec.accessModes.map(String) : [],
    resources: {},
    volumeMode: typeof spec.volumeMode === "string" ? spec.volumeMode : "Filesystem",
  };
  if (Object.keys(requests.list).length) out.resources.requests = requests.list;
  if (Object.keys(limits.list).length) out.resources.limits = limits.list;
  if (typeof spec.storageClassName === "string") out.storageClassName = spec.storageClassName;
  else delete out.storageClassName;
  if (typeof spec.volumeName !== "string" || spec.volumeName === "") delete out.volumeName;
  if (!old) {
    // DefaultStorageClass admission: only a claim that names no class at all gets the default.
    const fallback = out.storageClassName === undefined && meta.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] === undefined ? defaultStorageClass(state) : undefined;
    if (fallback) out.storageClassName = fallback.metadata.name;
    meta.finalizers = [PVC_PROTECTION];
  }
  const status = old ? old.status : { phase: "Pending" };
  return { ok: true, pvc: { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: meta, spec: out, status } };
}

function describeClaim(state: ClusterState, pvc: PersistentVolumeClaim, events: readonly EventObject[]): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${pvc.metadata.name}\n`);
  w.write(0, `Namespace:\t${pvc.metadata.namespace}\n`);
  w.write(0, `StorageClass:\t${claimClass(pvc)}\n`);
  if (pvc.metadata.deletionTimestamp) w.write(0, `Status:\tTerminating (lasts ${age(pvc.metadata.deletionTimestamp, state.now)})\n`);
  else w.write(0, `Status:\t${pvc.status.phase}\n`);
  w.write(0, `Volume:\t${pvc.spec.volumeName ?? ""}\n`);
  writeMultiline(w, 0, "Labels", labelLines(pvc.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(pvc.metadata.annotations));
  w.write(0, `Finalizers:\t[${(pvc.metadata.finalizers ?? []).join(" ")}]\n`);
  const bound = !!pvc.spec.volumeName;
  w.write(0, `Capacity:\t${bound ? (pvc.status.capacity?.storage ?? "0") : ""}\n`);
  w.write(0, `Access Modes:\t${bound ? accessModesString(pvc.status.accessModes) : ""}\n`);
  w.write(0, `VolumeMode:\t${pvc.spec.volumeMode}\n`);
  const users = podsUsingClaim(state, pvc.metadata.namespace ?? "default", pvc.metadata.name).map((p) => p.metadata.name).sort();
  writeMultiline(w, 0, "Used By", users);
  describeEvents(w, events, state.now);
  return w.flush();
}

export const persistentVolumeClaimKind: KindDefinition = {
  kind: "PersistentVolumeClaim",
  group: "",
  version: "v1",
  plural: "persistentvolumeclaims",
  singular: "persistentvolumeclaim",
  shortNames: ["pvc"],
  categories: [],
  namespaced: true,
  storage: CLAIMS,
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (tx, sub, meta, _ctx, old) => {
      const before = old as PersistentVolumeClaim | undefined;
      const built = buildClaim(tx.state, sub as unknown as Record<string, unknown>, meta, before);
      if (!built.ok) return { ok: false, status: badRequest(`PersistentVolumeClaim in version "v1" cannot be handled as a PersistentVolumeClaim: ${built.error}`) };
      const causes = validateSpec(built.pvc);
      if (before) causes.push(...validateUpdate(built.pvc, before));
      if (causes.length) return { ok: false, status: invalid("PersistentVolumeClaim", "", meta.name, causes) };
      if (before && before.status.phase === "Bound" && (storageBytes(built.pvc.spec.resources.requests?.storage) ?? 0) > (storageBytes(before.spec.resources.requests?.storage) ?? 0)) {
        // PersistentVolumeClaimResize admission.
        const sc = storageClassNamed(tx.state, claimClass(before));
        if (!sc?.allowVolumeExpansion) {
          return { ok: false, status: forbidden("persistentvolumeclaims", meta.name, "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize") };
        }
      }
      return { ok: true, obj: built.pvc };
    },
    // The pvc-protection finalizer: a claim some pod still uses is only marked for deletion; the
    // pvc-protection controller (cluster/volume-binding.ts) removes it once no pod uses it.
    delete: (tx, key, obj, ctx) => {
      const pvc = obj as PersistentVolumeClaim;
      if (pvc.metadata.deletionTimestamp) return { ok: true, value: obj };
      const marked: PersistentVolumeClaim = { ...pvc, metadata: { ...pvc.metadata, deletionTimestamp: rfc3339(ctx.now), deletionGracePeriodSeconds: 0, resourceVersion: nextResourceVersion(tx) } };
      putAt(tx, CLAIMS, key, marked);
      return { ok: true, value: marked };
    },
  },
  table: {
    columns: ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE", "VOLUMEMODE"],
    narrow: 8,
    row: (o, now) => {
      const pvc = o as unknown as PersistentVolumeClaim;
      const bound = !!pvc.spec.volumeName;
      const phase = pvc.metadata.deletionTimestamp ? "Terminating" : pvc.status.phase;
      const vac = typeof pvc.spec.volumeAttributesClassName === "string" ? pvc.spec.volumeAttributesClassName : "<unset>";
      return [
        pvc.metadata.name,
        phase,
        pvc.spec.volumeName ?? "",
        bound ? (pvc.status.capacity?.storage ?? "0") : "",
        bound ? accessModesString(pvc.status.accessModes) : "",
        claimClass(pvc),
        vac,
        age(pvc.metadata.creationTimestamp, now),
        pvc.spec.volumeMode,
      ];
    },
  },
  describe: (state, object, events) => describeClaim(state, object as unknown as PersistentVolumeClaim, events),
};
