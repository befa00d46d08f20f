// Writes worker/sim/explain/definitions.json: the OpenAPI definitions of every registry kind and
// of everything they reference, taken from Kubernetes' published OpenAPI v2 document
// (kubernetes-sigs/reference-docs gen-resourcesdocs/api/v1.34/swagger.json, the API server's
// /openapi/v2). Descriptions stay Kubernetes' own; only keys that explain and the served OpenAPI
// documents use are kept, so the Worker bundle carries no more than it serves.
// Custom resources' kinds come from their CRDs (MetalLB v0.15.2's config/crd/bases/*.yaml), as the
// API server's CRD OpenAPI builder publishes them: named by the reversed group
// (io.metallb.v1beta1.IPAddressPool), the schema inline, metadata a reference to ObjectMeta.
// Usage: npx tsx scripts/kind-schemas-generate.ts path/to/swagger.json [crd.yaml ...]
// (re-run it when a kind joins the registry: test/sim/explain fails until its schema is here).
import { readFileSync, writeFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { kinds } from "../worker/sim/kinds/index.ts";

type Schema = Record<string, unknown>;
const [source, ...crdFiles] = process.argv.slice(2);
if (!source) throw new Error("usage: kind-schemas-generate.ts SWAGGER_JSON [CRD_YAML ...]");
const swagger = JSON.parse(readFileSync(source, "utf8")) as { definitions: Record<string, Schema> };
const all = { ...swagger.definitions };

interface Crd {
  spec: { group: string; names: { kind: string }; versions: Array<{ name: string; schema?: { openAPIV3Schema?: Schema } }> };
}
// TypeMeta's and the object metadata's fields, the same doc comments on every kind.
const typeMeta = (all["io.k8s.api.core.v1.ConfigMap"].properties ?? {}) as Record<string, Schema>;
for (const file of crdFiles) {
  for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
    const crd = document.toJS() as Crd;
    for (const version of crd.spec.versions) {
      const schema = version.schema?.openAPIV3Schema;
      if (!schema) continue;
      const name = `${crd.spec.group.split(".").reverse().join(".")}.${version.name}.${crd.spec.names.kind}`;
      const properties = { ...(schema.properties as Record<string, Schema>), apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, metadata: typeMeta.metadata };
      all[name] = { ...schema, properties, "x-kubernetes-group-version-kind": [{ group: crd.spec.group, version: version.name, kind: crd.spec.names.kind }] };
    }
  }
}

const KEPT = ["description", "type", "format", "items", "$ref", "additionalProperties", "required", "properties"];

/** The v3 document's enum is the same +enum list the generator writes as "Possible enum values" in the description. */
function enumOf(description: unknown): string[] | undefined {
  if (typeof description !== "string") return undefined;
  const at = description.indexOf("\n\nPossible enum values:");
  if (at < 0) return undefined;
  const values = [...description.slice(at).matchAll(/^ - `"(.*?)"`/gm)].map((m) => m[1]);
  return values.length > 0 ? values : undefined;
}

function compact(schema: Schema, refs: Set<string>): Schema {
  const out: Schema = {};
  for (const key of KEPT) {
    const value = schema[key];
    if (value === undefined) continue;
    if (key === "$ref") {
      const name = String(value).replace("#/definitions/", "");
      refs.add(name);
      out.$ref = name;
    } else if (key === "properties") {
      out.properties = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, compact(v, refs)]));
    } else if (key === "items" || (key === "additionalProperties" && typeof value === "object")) {
      out[key] = compact(value as Schema, refs);
    } else out[key] = value;
  }
  const values = Array.isArray(schema.enum) ? schema.enum : enumOf(schema.description);
  if (values) out.enum = values;
  return out;
}

const definitions: Record<string, Schema> = {};
const roots: Record<string, string> = {};
const missing: string[] = [];
const queue: string[] = [];
for (const def of kinds) {
  const name = Object.keys(all).find((n) =>
    ((all[n]["x-kubernetes-group-version-kind"] as Array<{ group: string; version: string; kind: string }> | undefined) ?? []).some((g) => g.group === def.group && g.version === def.version && g.kind === def.kind),
  );
  if (!name) {
    missing.push(`${def.group}/${def.version} ${def.kind}`);
    continue;
  }
  roots[`${def.group}/${def.version}/${def.kind}`] = name;
  queue.push(name);
}
while (queue.length > 0) {
  const name = queue.pop()!;
  if (definitions[name]) continue;
  const refs = new Set<string>();
  definitions[name] = compact(all[name], refs);
  for (const r of refs) if (!definitions[r]) queue.push(r);
}
const sorted = Object.fromEntries(Object.keys(definitions).sort().map((k) => [k, definitions[k]]));
writeFileSync(new URL("../worker/sim/explain/definitions.json", import.meta.url), `${JSON.stringify({ roots, definitions: sorted })}\n`);
console.log(`${Object.keys(roots).length} kinds, ${Object.keys(sorted).length} definitions; not in the document: ${missing.join(", ") || "none"}`);
