// CustomResourceDefinition (apiextensions.k8s.io/v1): installing one is what makes a custom kind
// exist. Kinds in the registry that name a CRD (KindDefinition.crd) are served, listed by
// api-resources and explained only while that CRD is stored; their objects are validated and
// defaulted by the stored CRD's openAPIV3Schema (custom-resource.ts). The CRD's status is what
// the apiextensions controllers set at once on a healthy CRD: names accepted, established.
import { invalid, type StatusCause } from "../cluster/api-status.ts";
import { fieldInvalid, fieldRequired, isDNS1123Subdomain } from "../cluster/field-errors.ts";
import { nextResourceVersion, removeAt } from "../cluster/store.ts";
import type { GenericObject, ObjectMeta } from "../cluster/types.ts";
import { describeGeneric } from "../kubectl/printers/generic-describe.ts";
import { isRecord } from "./templates.ts";
import type { KindDefinition } from "./types.ts";

export const CRD_RESOURCE = "customresourcedefinitions";

export interface CustomResourceDefinition extends GenericObject {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "CustomResourceDefinition";
  metadata: ObjectMeta;
  spec: {
    group: string;
    names: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[] };
    scope: string;
    versions: Array<{ name: string; served: boolean; storage: boolean; schema?: { openAPIV3Schema?: Record<string, unknown> }; [field: string]: unknown }>;
    [field: string]: unknown;
  };
  status?: Record<string, unknown>;
}

/** The CRD's creation time as its printer column (`CREATED AT`, a date column printed as RFC 3339). */
function createdAt(crd: CustomResourceDefinition): string {
  return crd.metadata.creationTimestamp ?? "";
}

function validateCrd(sub: Record<string, unknown>, name: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = isRecord(sub.spec) ? sub.spec : undefined;
  if (!spec) return [fieldRequired("spec.group"), fieldRequired("spec.names.plural"), fieldRequired("spec.names.kind"), fieldRequired("spec.scope"), fieldRequired("spec.versions", "must have exactly one version marked as storage version")];
  const names = isRecord(spec.names) ? spec.names : {};
  if (typeof spec.group !== "string" || spec.group === "") causes.push(fieldRequired("spec.group"));
  if (typeof names.plural !== "string" || names.plural === "") causes.push(fieldRequired("spec.names.plural"));
  if (typeof names.kind !== "string" || names.kind === "") causes.push(fieldRequired("spec.names.kind"));
  if (spec.scope !== "Namespaced" && spec.scope !== "Cluster") causes.push({ field: "spec.scope", message: `Unsupported value: ${JSON.stringify(String(spec.scope ?? ""))}: supported values: "Cluster", "Namespaced"` });
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isRecord) : [];
  if (versions.filter((v) => v.storage === true).length !== 1) causes.push(fieldInvalid("spec.versions", versions, "must have exactly one version marked as storage version"));
  if (typeof names.plural === "string" && typeof spec.group === "string" && name !== `${names.plural}.${spec.group}`) {
    causes.push(fieldInvalid("metadata.name", name, 'must be spec.names.plural+"."+spec.group'));
  }
  return causes;
}

export const customResourceDefinitionKind: KindDefinition = {
  kind: "CustomResourceDefinition",
  group: "apiextensions.k8s.io",
  version: "v1",
  plural: CRD_RESOURCE,
  singular: "customresourcedefinition",
  shortNames: ["crd", "crds"],
  categories: ["api-extensions"],
  namespaced: false,
  storage: { resource: CRD_RESOURCE },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta) => {
      const raw = sub as unknown as Record<string, unknown>;
      const causes = validateCrd(raw, meta.name);
      if (causes.length > 0) return { ok: false, status: invalid("CustomResourceDefinition", "apiextensions.k8s.io", meta.name, causes) };
      const spec = raw.spec as CustomResourceDefinition["spec"];
      const storage = spec.versions.find((v) => v.storage)!.name;
      const accepted = { ...spec.names, listKind: spec.names.listKind ?? `${spec.names.kind}List`, singular: spec.names.singular ?? spec.names.kind.toLowerCase() };
      const at = meta.creationTimestamp;
      const crd: CustomResourceDefinition = {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: meta,
        spec: { ...spec, names: { ...spec.names, listKind: accepted.listKind, singular: accepted.singular } },
        status: {
          acceptedNames: accepted,
          conditions: [
            { lastTransitionTime: at, message: "no conflicts found", reason: "NoConflicts", status: "True", type: "NamesAccepted" },
            { lastTransitionTime: at, message: "the initial names have been accepted", reason: "InitialNamesAccepted", status: "True", type: "Established" },
          ],
          storedVersions: [storage],
        },
      };
      return { ok: true, obj: crd };
    },
    // The customresourcecleanup finalizer: the CRD goes with every object of its kind.
    delete: (tx, key, obj) => {
      const crd = obj as unknown as CustomResourceDefinition;
      nextResourceVersion(tx);
      const resource = crd.spec.names.plural;
      const objects = tx.state.objects?.[resource];
      if (objects) for (const k of Object.keys(objects)) removeAt(tx, { resource }, k);
      removeAt(tx, { resource: CRD_RESOURCE }, key);
      return { ok: true, value: obj };
    },
  },
  table: {
    columns: ["NAME", "CREATED AT"],
    narrow: 2,
    row: (o) => [o.metadata.name, createdAt(o as unknown as CustomResourceDefinition)],
  },
  describe: (state, object, events) => describeGeneric(object as unknown as CustomResourceDefinition, events, state.now),
};
