// PersistentVolume (core/v1, cluster-scoped): pkg/registry/core/persistentvolume/strategy.go
// (status.phase Pending on create, the pv-protection finalizer the StorageObjectInUseProtection
// admission plugin adds), the v1 defaults (persistentVolumeReclaimPolicy Retain, volumeMode
// Filesystem), ValidatePersistentVolumeSpec(Update), printers.go printPersistentVolume and
// describe.go describePersistentVolume. The PV controller moves a new volume to Available and
// binds it (cluster/volume-binding.ts).
import { badRequest, invalid, type StatusCause } from "../cluster/api-status.ts";
import type { EventObject } from "../cluster/events.ts";
import { fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired, isDNS1123Subdomain } from "../cluster/field-errors.ts";
import { canonicalJson, rfc3339 } from "../cluster/ids.ts";
import { parseQuantity } from "../cluster/quantity.ts";
import { nextResourceVersion, putAt, removeAt } from "../cluster/store.ts";
import type { GenericObject, ObjectMeta } from "../cluster/types.ts";
import { PrefixWriter, annotationLines, describeEvents, labelLines, writeMultiline } from "../kubectl/printers/describe.ts";
import { age } from "../kubectl/printers/duration.ts";
import { decodeResourceList } from "./resource-quota.ts";
import { isRecord } from "./templates.ts";
import type { KindDefinition } from "./types.ts";

export const ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"] as const;
export const VOLUME_MODES = ["Block", "Filesystem"] as const;
const RECLAIM_POLICIES = ["Delete", "Recycle", "Retain"] as const;
export const PV_PROTECTION = "kubernetes.io/pv-protection";
const VOLUMES = { resource: "persistentvolumes" } as const;
export const BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";

/** The volume sources a PersistentVolumeSpec can carry (exactly one of them). */
const SOURCES = [
  "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "flocker", "nfs", "rbd", "quobyte", "cephfs", "iscsi",
  "cinder", "fc", "flexVolume", "azureFile", "vsphereVolume", "photonPersistentDisk", "portworxVolume", "azureDisk", "scaleIO",
  "local", "storageos", "csi",
] as const;

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
}

export interface PersistentVolume extends GenericObject {
  apiVersion: "v1";
  kind: "PersistentVolume";
  metadata: ObjectMeta;
  spec: {
    capacity: Record<string, string>;
    accessModes: string[];
    persistentVolumeReclaimPolicy: string;
    storageClassName?: string;
    volumeMode: string;
    claimRef?: ObjectReference;
    hostPath?: { path: string; type?: string };
    local?: { path: string; fsType?: string };
    nfs?: { server: string; path: string; readOnly?: boolean };
    nodeAffinity?: { required?: { nodeSelectorTerms: Array<{ matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> }> } };
    mountOptions?: string[];
    [source: string]: unknown;
  };
  status: { phase: string; lastPhaseTransitionTime?: string; message?: string; reason?: string };
}

/** helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, comma-separated. */
export function accessModesString(modes: readonly string[] | undefined): string {
  const list = modes ?? [];
  const short: Array<[string, string]> = [["ReadWriteOnce", "RWO"], ["ReadOnlyMany", "ROX"], ["ReadWriteMany", "RWX"], ["ReadWriteOncePod", "RWOP"]];
  return short.filter(([mode]) => list.includes(mode)).map(([, s]) => s).join(",");
}

/** storageutil.GetPersistentVolumeClass: the beta annotation, else spec.storageClassName. */
export function volumeClass(pv: PersistentVolume): string {
  return pv.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? pv.spec.storageClassName ?? "";
}

/** The access-mode checks shared by PV and PVC specs (supported modes, RWOP alone). */
export function validateAccessModes(modes: string[], field: string): StatusCause[] {
  const causes: StatusCause[] = [];
  let rwop = false;
  let other = false;
  for (const mode of modes) {
    if (!ACCESS_MODES.includes(mode as "ReadWriteOnce")) causes.push(fieldNotSupported(field, mode, ACCESS_MODES));
    else if (mode === "ReadWriteOncePod") rwop = true;
    else other = true;
  }
  if (rwop && other) causes.push(fieldForbidden(field, "may not use ReadWriteOncePod with other access modes"));
  return causes;
}

/** The capacity or request of storage as a number of bytes (milli units / 1000), or undefined. */
export function storageBytes(value: string | undefined): number | undefined {
  const q = parseQuantity(value);
  return q ? q.milli / 1000 : undefined;
}

function validateSpec(pv: PersistentVolume): StatusCause[] {
  const spec = pv.spec;
  const causes: StatusCause[] = [];
  if (spec.accessModes.length === 0) causes.push(fieldRequired("spec.accessModes"));
  causes.push(...validateAccessModes(spec.accessModes, "spec.accessModes"));
  const keys = Object.keys(spec.capacity);
  // (For an empty capacity the API server also reports an Unsupported value of the empty
  // map, printed with Go's %#v; only the Required error is kept here.)
  if (keys.length === 0) causes.push(fieldRequired("spec.capacity"));
  else if (!keys.includes("storage") || keys.length > 1) {
    causes.push({ field: "spec.capacity", message: `Unsupported value: ${goMap(spec.capacity)}: supported values: "storage"` });
  }
  for (const k of keys) {
    if ((parseQuantity(spec.capacity[k])?.milli ?? 0) <= 0) causes.push(fieldInvalid(`spec.capacity[${k}]`, spec.capacity[k], "must be greater than zero"));
  }
  if (!RECLAIM_POLICIES.includes(spec.persistentVolumeReclaimPolicy as "Retain")) {
    causes.push(fieldNotSupported("spec.persistentVolumeReclaimPolicy", spec.persistentVolumeReclaimPolicy, RECLAIM_POLICIES));
  }
  const sources = SOURCES.filter((s) => spec[s] !== undefined);
  if (sources.length === 0) causes.push(fieldRequired("spec", "must specify a volume type"));
  for (const extra of sources.slice(1)) causes.push(fieldForbidden(`spec.${extra}`, "may not specify more than 1 volume type"));
  if (sources[0] === "hostPath" && !spec.hostPath?.path) causes.push(fieldRequired("spec.hostPath.path"));
  if (sources[0] === "local") {
    if (!spec.local?.path) causes.push(fieldRequired("spec.local.path"));
    if (!spec.nodeAffinity?.required) causes.push(fieldRequired("spec.nodeAffinity", "Local volume requires node affinity"));
  }
  if (sources[0] === "nfs") {
    if (!spec.nfs?.server) causes.push(fieldRequired("spec.nfs.server"));
    if (!spec.nfs?.path) causes.push(fieldRequired("spec.nfs.path"));
  }
  if (spec.storageClassName) for (const msg of isDNS1123Subdomain(spec.storageClassName)) causes.push(fieldInvalid("spec.storageClassName", spec.storageClassName, msg));
  if (!VOLUME_MODES.includes(spec.volumeMode as "Block")) causes.push(fieldNotSupported("spec.volumeMode", spec.volumeMode, VOLUME_MODES));
  return causes;
}

/** Go's %v of a map[ResourceName]Quantity: `map[storage:1Gi]`. */
function goMap(map: Record<string, string>): string {
  return `map[${Object.keys(map).sort().map((k) => `${k}:${map[k]}`).join(" ")}]`;
}

const sourceOf = (spec: PersistentVolume["spec"]): string => canonicalJson(Object.fromEntries(SOURCES.filter((s) => spec[s] !== undefined).map((s) => [s, spec[s]])));

function buildVolume(raw: Record<string, unknown>, meta: ObjectMeta, now: number, old: PersistentVolume | undefined): { ok: true; pv: PersistentVolume } | { ok: false; error: string } {
  const spec = isRecord(raw.spec) ? raw.spec : {};
  const capacity = decodeResourceList(spec.capacity);
  if (!capacity.ok) return { ok: false, error: capacity.error };
  const out: PersistentVolume["spec"] = {
    ...spec,
    capacity: capacity.list,
    accessModes: Array.isArray(spec.accessModes) ? spec.accessModes.map(String) : [],
    persistentVolumeReclaimPolicy: typeof spec.persistentVolumeReclaimPolicy === "string" ? spec.persistentVolumeReclaimPolicy : "Retain",
    volumeMode: typeof spec.volumeMode === "string" ? spec.volumeMode : "Filesystem",
  };
  if (out.accessModes.length === 0) delete (out as Record<string, unknown>).accessModes;
  if (isRecord(spec.hostPath)) out.hostPath = { type: "", ...(spec.hostPath as { path: string }) };
  if (typeof spec.storageClassName !== "string" || spec.storageClassName === "") delete out.storageClassName;
  if (!old) meta.finalizers = [PV_PROTECTION];
  // Status is the controller's: a new volume is Pending until the PV controller sees it.
  const status = old ? old.status : { phase: "Pending", lastPhaseTransitionTime: rfc3339(now) };
  const pv = { apiVersion: "v1", kind: "PersistentVolume", metadata: meta, spec: out, status } as PersistentVolume;
  if (!pv.spec.accessModes) pv.spec.accessModes = [];
  return { ok: true, pv };
}

function describeVolume(pv: PersistentVolume, events: readonly EventObject[], now: number): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${pv.metadata.name}\n`);
  writeMultiline(w, 0, "Labels", labelLines(pv.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(pv.metadata.annotations));
  w.write(0, `Finalizers:\t[${(pv.metadata.finalizers ?? []).join(" ")}]\n`);
  w.write(0, `StorageClass:\t${volumeClass(pv)}\n`);
  if (pv.metadata.deletionTimestamp) w.write(0, `Status:\tTerminating (lasts ${age(pv.metadata.deletionTimestamp, now)})\n`);
  else w.write(0, `Status:\t${pv.status.phase}\n`);
  w.write(0, `Claim:\t${pv.spec.claimRef ? `${pv.spec.claimRef.namespace ?? ""}/${pv.spec.claimRef.name ?? ""}` : ""}\n`);
  w.write(0, `Reclaim Policy:\t${pv.spec.persistentVolumeReclaimPolicy}\n`);
  w.write(0, `Access Modes:\t${accessModesString(pv.spec.accessModes)}\n`);
  w.write(0, `VolumeMode:\t${pv.spec.volumeMode}\n`);
  w.write(0, `Capacity:\t${pv.spec.capacity.storage ?? "0"}\n`);
  const terms = pv.spec.nodeAffinity?.required?.nodeSelectorTerms;
  if (!pv.spec.nodeAffinity?.required) w.write(0, "Node Affinity:\t<none>\n");
  else {
    w.write(0, "Node Affinity:\t\n");
    if (!terms?.length) w.write(1, "Required Terms:\t<none>\n");
    else {
      w.write(1, "Required Terms:\t\n");
      terms.forEach((term, i) => {
        const reqs = term.matchExpressions ?? [];
        if (reqs.length === 0) w.write(2, `Term ${i}:\t<none>\n`);
        reqs.forEach((req, j) => {
          const expr = `${req.key} ${req.operator.toLowerCase()}${req.values?.length ? ` [${req.values.join(", ")}]` : ""}`;
          w.write(2, `${j === 0 ? `Term ${i}:` : ""}\t${expr}\n`);
        });
      });
    }
  }
  w.write(0, `Message:\t${pv.status.message ?? ""}\n`);
  w.write(0, "Source:\n");
  if (pv.spec.hostPath) {
    w.write(2, `Type:\tHostPath (bare host directory volume)\n    Path:\t${pv.spec.hostPath.path}\n    HostPathType:\t${pv.spec.hostPath.type ?? "<none>"}\n`);
  } else if (pv.spec.local) {
    w.write(2, `Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t${pv.spec.local.path}\n`);
  } else if (pv.spec.nfs) {
    w.write(2, `Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t${pv.spec.nfs.server}\n    Path:\t${pv.spec.nfs.path}\n    ReadOnly:\t${pv.spec.nfs.readOnly === true}\n`);
  } else {
    w.write(1, "<unknown>\n");
  }
  describeEvents(w, events, now);
  return w.flush();
}

export const persistentVolumeKind: KindDefinition = {
  kind: "PersistentVolume",
  group: "",
  version: "v1",
  plural: "persistentvolumes",
  singular: "persistentvolume",
  shortNames: ["pv"],
  categories: [],
  namespaced: false,
  storage: VOLUMES,
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta, ctx, old) => {
      const built = buildVolume(sub as unknown as Record<string, unknown>, meta, ctx.now, old as PersistentVolume | undefined);
      if (!built.ok) return { ok: false, status: badRequest(`PersistentVolume in version "v1" cannot be handled as a PersistentVolume: ${built.error}`) };
      const causes = validateSpec(built.pv);
      if (old && sourceOf(built.pv.spec) !== sourceOf((old as PersistentVolume).spec)) {
        causes.push(fieldForbidden("spec.persistentvolumesource", "spec.persistentvolumesource is immutable after creation"));
      }
      if (old && built.pv.spec.volumeMode !== (old as PersistentVolume).spec.volumeMode) causes.push(fieldInvalid("volumeMode", built.pv.spec.volumeMode, "field is immutable"));
      return causes.length ? { ok: false, status: invalid("PersistentVolume", "", meta.name, causes) } : { ok: true, obj: built.pv };
    },
    // The pv-protection finalizer: a volume bound to a claim is only marked for deletion; the
    // pv-protection controller (cluster/volume-binding.ts) lets it go once it is released.
    delete: (tx, key, obj, ctx) => {
      const pv = obj as PersistentVolume;
      if (pv.metadata.deletionTimestamp) return { ok: true, value: obj };
      nextResourceVersion(tx);
      if (pv.status.phase !== "Bound") {
        removeAt(tx, VOLUMES, key);
        return { ok: true, value: obj };
      }
      const marked: PersistentVolume = { ...pv, metadata: { ...pv.metadata, deletionTimestamp: rfc3339(ctx.now), deletionGracePeriodSeconds: 0, resourceVersion: nextResourceVersion(tx) } };
      putAt(tx, VOLUMES, key, marked);
      return { ok: true, value: marked };
    },
  },
  table: {
    columns: ["NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "REASON", "AGE", "VOLUMEMODE"],
    narrow: 10,
    row: (o, now) => {
      const pv = o as unknown as PersistentVolume;
      const claim = pv.spec.claimRef ? `${pv.spec.claimRef.namespace ?? ""}/${pv.spec.claimRef.name ?? ""}` : "";
      const phase = pv.metadata.deletionTimestamp ? "Terminating" : pv.status.phase;
      const vac = typeof pv.spec.volumeAttributesClassName === "string" ? pv.spec.volumeAttributesClassName : "<unset>";
      return [pv.metadata.name, pv.spec.capacity.storage ?? "0", accessModesString(pv.spec.accessModes), pv.spec.persistentVolumeReclaimPolicy, phase, claim, volumeClass(pv), vac, pv.status.reason ?? "", age(pv.metadata.creationTimestamp, now), pv.spec.volumeMode];
    },
  },
  describe: (state, object, events) => describeVolume(object as unknown as PersistentVolume, events, state.now),
};
