// Namespace (core/v1): pkg/registry/core/namespace, deleted through the Terminating phase.
import { forbidden } from "../cluster/api-status.ts";
import { isDNS1123Label } from "../cluster/field-errors.ts";
import { rfc3339 } from "../cluster/ids.ts";
import { SYSTEM_NAMESPACES, nextResourceVersion, putObject } from "../cluster/store.ts";
import type { Namespace } from "../cluster/types.ts";
import { listRecord } from "../cluster/listing.ts";
import type { ClusterState } from "../cluster/types.ts";
import { PrefixWriter, annotationLines, labelLines, writeMultiline } from "../kubectl/printers/describe.ts";
import { type LimitRange, describeLimitRanges } from "./limit-range.ts";
import { type ResourceQuota, describeResourceQuotas } from "./resource-quota.ts";
import { age } from "../kubectl/printers/duration.ts";
import type { KindDefinition } from "./types.ts";

/** describe.go describeNamespace: the namespace, then its ResourceQuotas and LimitRanges. */
function describeNamespace(state: ClusterState, ns: Namespace): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${ns.metadata.name}\n`);
  writeMultiline(w, 0, "Labels", labelLines(ns.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(ns.metadata.annotations));
  w.write(0, `Status:\t${ns.status.phase}\n`);
  const inNamespace = (resource: string) => listRecord(state, state.objects?.[resource] ?? {}, true, ns.metadata.name);
  w.write(0, "\n");
  describeResourceQuotas(w, inNamespace("resourcequotas") as ResourceQuota[]);
  w.write(0, "\n");
  describeLimitRanges(w, inNamespace("limitranges") as LimitRange[]);
  return w.flush();
}

export const namespaceKind: KindDefinition = {
  kind: "Namespace",
  group: "",
  version: "v1",
  plural: "namespaces",
  singular: "namespace",
  shortNames: ["ns"],
  categories: [],
  namespaced: false,
  storage: { collection: "namespaces" },
  strategy: {
    validateName: isDNS1123Label,
    build: (_tx, _sub, meta, _ctx, old) => {
      const ns: Namespace = old
        ? { ...(old as Namespace), metadata: meta }
        : { apiVersion: "v1", kind: "Namespace", metadata: meta, spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } };
      ns.metadata.labels = { ...(meta.labels ?? {}), "kubernetes.io/metadata.name": meta.name };
      return { ok: true, obj: ns };
    },
    delete: (tx, key, obj, ctx) => {
      const name = obj.metadata.name;
      if (name === "default" || SYSTEM_NAMESPACES.has(name)) return { ok: false, status: forbidden("namespaces", name, "this namespace may not be deleted") };
      const nsObj = obj as Namespace;
      if (nsObj.status.phase === "Terminating") return { ok: true, value: nsObj };
      const next: Namespace = {
        ...nsObj,
        metadata: { ...nsObj.metadata, deletionTimestamp: rfc3339(ctx.now), resourceVersion: nextResourceVersion(tx) },
        status: { phase: "Terminating" },
      };
      putObject(tx, "namespaces", key, next);
      return { ok: true, value: next };
    },
  },
  table: {
    columns: ["NAME", "STATUS", "AGE"],
    narrow: 3,
    row: (o, now) => {
      const n = o as Namespace;
      return [n.metadata.name, n.status.phase, age(n.metadata.creationTimestamp, now)];
    },
  },
  fieldSelectors: {
    labels: ["status.phase", "metadata.name"],
    values: (object) => ({ "status.phase": (object as Namespace).status.phase }),
  },
  describe: (state, object) => describeNamespace(state, object as Namespace),
};
