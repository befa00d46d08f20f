// StorageClass (storage.k8s.io/v1): pkg/registry/storage/storageclass with SetDefaults_StorageClass
// (reclaimPolicy Delete, volumeBindingMode Immediate), ValidateStorageClass(Update), printers.go
// printStorageClass (`(default)` after the name of a class annotated as the default) and
// describe.go describeStorageClass. The DefaultStorageClass admission plugin's choice of the
// default (the most recently created annotated class) is defaultStorageClass below.
import { invalid, type StatusCause } from "../cluster/api-status.ts";
import type { EventObject } from "../cluster/events.ts";
import { fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired, isDNS1123Subdomain, isQualifiedName } from "../cluster/field-errors.ts";
import { canonicalJson } from "../cluster/ids.ts";
import type { ClusterState, GenericObject, ObjectMeta } from "../cluster/types.ts";
import { PrefixWriter, describeEvents } from "../kubectl/printers/describe.ts";
import { age } from "../kubectl/printers/duration.ts";
import { sortedStrings } from "./config-map.ts";
import { isRecord } from "./templates.ts";
import type { KindDefinition } from "./types.ts";

export interface StorageClass extends GenericObject {
  apiVersion: "storage.k8s.io/v1";
  kind: "StorageClass";
  metadata: ObjectMeta;
  provisioner: string;
  parameters?: Record<string, string>;
  reclaimPolicy: "Delete" | "Retain";
  volumeBindingMode: "Immediate" | "WaitForFirstConsumer";
  allowVolumeExpansion?: boolean;
  mountOptions?: string[];
  allowedTopologies?: unknown[];
}

export const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";
const BETA_DEFAULT_CLASS_ANNOTATION = "storageclass.beta.kubernetes.io/is-default-class";
const RECLAIM_POLICIES = ["Delete", "Retain"] as const;
const BINDING_MODES = ["Immediate", "WaitForFirstConsumer"] as const;

/** storageutil.IsDefaultAnnotation: either annotation set to "true". */
export function isDefaultClass(meta: ObjectMeta): boolean {
  return meta.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true" || meta.annotations?.[BETA_DEFAULT_CLASS_ANNOTATION] === "true";
}

export function storageClasses(state: ClusterState): StorageClass[] {
  return Object.values(state.objects?.storageclasses ?? {}) as StorageClass[];
}

export function storageClassNamed(state: ClusterState, name: string): StorageClass | undefined {
  return state.objects?.storageclasses?.[name] as StorageClass | undefined;
}

/**
 * The DefaultStorageClass admission plugin's GetDefaultClass: of the classes annotated as the
 * default, the most recently created one (by name when two were created in the same second).
 */
export function defaultStorageClass(state: ClusterState): StorageClass | undefined {
  let best: StorageClass | undefined;
  for (const sc of storageClasses(state)) {
    if (!isDefaultClass(sc.metadata)) continue;
    if (!best || sc.metadata.creationTimestamp > best.metadata.creationTimestamp || (sc.metadata.creationTimestamp === best.metadata.creationTimestamp && sc.metadata.name < best.metadata.name)) best = sc;
  }
  return best;
}

function validate(sc: StorageClass, old: StorageClass | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  if (sc.provisioner === "") causes.push(fieldRequired("provisioner"));
  else for (const msg of isQualifiedName(sc.provisioner.toLowerCase())) causes.push(fieldInvalid("provisioner", sc.provisioner, msg));
  if (!RECLAIM_POLICIES.includes(sc.reclaimPolicy)) causes.push(fieldNotSupported("reclaimPolicy", sc.reclaimPolicy, RECLAIM_POLICIES));
  if (!BINDING_MODES.includes(sc.volumeBindingMode)) causes.push(fieldNotSupported("volumeBindingMode", sc.volumeBindingMode, BINDING_MODES));
  if (old) {
    if (canonicalJson(old.parameters ?? {}) !== canonicalJson(sc.parameters ?? {})) causes.push(fieldForbidden("parameters", "updates to parameters are forbidden."));
    if (old.provisioner !== sc.provisioner) causes.push(fieldForbidden("provisioner", "updates to provisioner are forbidden."));
    if (old.reclaimPolicy !== sc.reclaimPolicy) causes.push(fieldForbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."));
    if (old.volumeBindingMode !== sc.volumeBindingMode) causes.push(fieldInvalid("volumeBindingMode", sc.volumeBindingMode, "field is immutable"));
  }
  return causes;
}

function build(raw: Record<string, unknown>, meta: ObjectMeta): StorageClass {
  const sc: StorageClass = {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: meta,
    provisioner: typeof raw.provisioner === "string" ? raw.provisioner : "",
    reclaimPolicy: (typeof raw.reclaimPolicy === "string" ? raw.reclaimPolicy : "Delete") as StorageClass["reclaimPolicy"],
    volumeBindingMode: (typeof raw.volumeBindingMode === "string" ? raw.volumeBindingMode : "Immediate") as StorageClass["volumeBindingMode"],
  };
  const parameters = sortedStrings(raw.parameters);
  if (parameters) sc.parameters = parameters;
  if (typeof raw.allowVolumeExpansion === "boolean") sc.allowVolumeExpansion = raw.allowVolumeExpansion;
  if (Array.isArray(raw.mountOptions) && raw.mountOptions.length > 0) sc.mountOptions = raw.mountOptions.map(String);
  if (Array.isArray(raw.allowedTopologies) && raw.allowedTopologies.length > 0) sc.allowedTopologies = raw.allowedTopologies.filter(isRecord);
  return sc;
}

/** labels.FormatLabels: `k=v,k2=v2` sorted, `<none>` when empty. */
function formatMap(map: Record<string, string> | undefined): string {
  const keys = Object.keys(map ?? {}).sort();
  return keys.length === 0 ? "<none>" : keys.map((k) => `${k}=${map![k]}`).join(",");
}

function describeStorageClass(sc: StorageClass, events: readonly EventObject[], now: number): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${sc.metadata.name}\n`);
  w.write(0, `IsDefaultClass:\t${isDefaultClass(sc.metadata) ? "Yes" : "No"}\n`);
  w.write(0, `Annotations:\t${formatMap(sc.metadata.annotations)}\n`);
  w.write(0, `Provisioner:\t${sc.provisioner}\n`);
  w.write(0, `Parameters:\t${formatMap(sc.parameters)}\n`);
  // printBoolPtr: <unset> when the field is absent.
  w.write(0, `AllowVolumeExpansion:\t${sc.allowVolumeExpansion === undefined ? "<unset>" : sc.allowVolumeExpansion ? "True" : "False"}\n`);
  if (!sc.mountOptions?.length) w.write(0, "MountOptions:\t<none>\n");
  else {
    w.write(0, "MountOptions:\n");
    for (const option of sc.mountOptions) w.write(1, `${option}\n`);
  }
  w.write(0, `ReclaimPolicy:\t${sc.reclaimPolicy}\n`);
  w.write(0, `VolumeBindingMode:\t${sc.volumeBindingMode}\n`);
  describeEvents(w, events, now);
  return w.flush();
}

export const storageClassKind: KindDefinition = {
  kind: "StorageClass",
  group: "storage.k8s.io",
  version: "v1",
  plural: "storageclasses",
  singular: "storageclass",
  shortNames: ["sc"],
  categories: [],
  namespaced: false,
  storage: { resource: "storageclasses" },
  strategy: {
    // ValidateClassName is NameIsDNSSubdomain.
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta, _ctx, old) => {
      const sc = build(sub as unknown as Record<string, unknown>, meta);
      const causes = validate(sc, old as StorageClass | undefined);
      return causes.length ? { ok: false, status: invalid("StorageClass", "storage.k8s.io", meta.name, causes) } : { ok: true, obj: sc };
    },
  },
  table: {
    columns: ["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"],
    narrow: 6,
    row: (o, now) => {
      const sc = o as unknown as StorageClass;
      const name = isDefaultClass(sc.metadata) ? `${sc.metadata.name} (default)` : sc.metadata.name;
      return [name, sc.provisioner, sc.reclaimPolicy, sc.volumeBindingMode, String(sc.allowVolumeExpansion === true), age(sc.metadata.creationTimestamp, now)];
    },
  },
  describe: (state, object, events) => describeStorageClass(object as unknown as StorageClass, events, state.now),
};
