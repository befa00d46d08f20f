// ConfigMap (core/v1): pkg/registry/core/configmap/strategy.go with ValidateConfigMap(Update),
// printers.go printConfigMap, describe.go ConfigMapDescriber; and the root CA publisher
// (pkg/controller/certificates/rootcacertpublisher) that puts kube-root-ca.crt in every namespace.
import { invalid, type StatusCause } from "../cluster/api-status.ts";
import type { EventObject } from "../cluster/events.ts";
import { fieldForbidden, fieldInvalid, isConfigMapKey, isDNS1123Subdomain } from "../cluster/field-errors.ts";
import { canonicalJson } from "../cluster/ids.ts";
import type { GenericObject, ObjectMeta } from "../cluster/types.ts";
import { PrefixWriter, describeEvents, writeNamespacedHeader } from "../kubectl/printers/describe.ts";
import { age } from "../kubectl/printers/duration.ts";
import { isRecord } from "./templates.ts";
import type { KindDefinition } from "./types.ts";

export interface ConfigMap extends GenericObject {
  apiVersion: "v1";
  kind: "ConfigMap";
  metadata: ObjectMeta;
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

/** A string map as JSON carries it (keys sorted, as Go encodes maps); undefined when empty or absent. */
export function sortedStrings(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value).sort();
  if (keys.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const k of keys) out[k] = String(value[k] ?? "");
  return out;
}

const IMMUTABLE = "field is immutable when `immutable` is set";

function validateConfigMap(cm: ConfigMap, old: ConfigMap | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  if (old?.immutable) {
    if (!cm.immutable) causes.push(fieldForbidden("immutable", IMMUTABLE));
    if (canonicalJson(cm.data ?? {}) !== canonicalJson(old.data ?? {})) causes.push(fieldForbidden("data", IMMUTABLE));
    if (canonicalJson(cm.binaryData ?? {}) !== canonicalJson(old.binaryData ?? {})) causes.push(fieldForbidden("binaryData", IMMUTABLE));
  }
  for (const key of Object.keys(cm.data ?? {})) {
    for (const msg of isConfigMapKey(key)) causes.push(fieldInvalid(`data[${key}]`, key, msg));
    if (cm.binaryData && key in cm.binaryData) causes.push(fieldInvalid(`data[${key}]`, key, "duplicate of key present in binaryData"));
  }
  for (const key of Object.keys(cm.binaryData ?? {})) {
    for (const msg of isConfigMapKey(key)) causes.push(fieldInvalid(`binaryData[${key}]`, key, msg));
  }
  return causes;
}

/** describe.go describeConfigMap (keys sorted; Go ranges over the map in random order). */
function describeConfigMap(cm: ConfigMap, events: readonly EventObject[], now: number): string {
  const w = new PrefixWriter();
  writeNamespacedHeader(w, cm.metadata);
  w.write(0, "\nData\n====\n");
  for (const [k, v] of Object.entries(cm.data ?? {})) w.write(0, `${k}:\n----\n${v}\n\n`);
  w.write(0, "\nBinaryData\n====\n");
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) w.write(0, `${k}: ${Math.floor((v.replace(/=+$/, "").length * 3) / 4)} bytes\n`);
  w.write(0, "\n");
  describeEvents(w, events, now);
  return w.flush();
}

export const configMapKind: KindDefinition = {
  kind: "ConfigMap",
  group: "",
  version: "v1",
  plural: "configmaps",
  singular: "configmap",
  shortNames: ["cm"],
  categories: [],
  namespaced: true,
  storage: { resource: "configmaps" },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta, _ctx, old) => {
      const raw = sub as unknown as Record<string, unknown>;
      const cm: ConfigMap = { apiVersion: "v1", kind: "ConfigMap", metadata: meta };
      const data = sortedStrings(raw.data);
      if (data) cm.data = data;
      const binaryData = sortedStrings(raw.binaryData);
      if (binaryData) cm.binaryData = binaryData;
      if (typeof raw.immutable === "boolean") cm.immutable = raw.immutable;
      const causes = validateConfigMap(cm, old as ConfigMap | undefined);
      return causes.length ? { ok: false, status: invalid("ConfigMap", "", meta.name, causes) } : { ok: true, obj: cm };
    },
  },
  table: {
    columns: ["NAME", "DATA", "AGE"],
    narrow: 3,
    row: (o, now) => {
      const cm = o as unknown as ConfigMap;
      const count = Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length;
      return [cm.metadata.name, String(count), age(cm.metadata.creationTimestamp, now)];
    },
  },
  describe: (state, object, events) => describeConfigMap(object as unknown as ConfigMap, events, state.now),
};
