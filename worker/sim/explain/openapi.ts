// The OpenAPI documents the API server publishes (/openapi/v2, /openapi/v3 and its per
// group/version documents), built from the registry kinds' definitions (definitions.json, taken
// from Kubernetes' own OpenAPI by scripts/kind-schemas-generate.ts). kubectl explain reads the
// v3 documents, in the console and in a learner's own kubectl alike, so both print the same.

import { servedVerbs } from "../kinds/verbs.ts";
import { type KindDefinition, kinds } from "../kinds/index.ts";
import data from "./definitions.json" with { type: "json" };

export type Schema = { [key: string]: unknown };

const DEFINITIONS = data.definitions as unknown as Record<string, Schema>;
const ROOTS = data.roots as Record<string, string>;

interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** A definition of the registry's OpenAPI by name (`io.k8s.api.core.v1.PodSpec`). */
export function definitionSchema(name: string): Schema | undefined {
  return DEFINITIONS[name];
}

/** The definition name of a kind's object (`io.k8s.api.core.v1.Pod`), if its schema is known. */
export function rootDefinition(def: KindDefinition): string | undefined {
  return ROOTS[`${def.group}/${def.version}/${def.kind}`];
}

const gvkOf = (def: KindDefinition): GroupVersionKind => ({ group: def.group, version: def.version, kind: def.kind });

/** Every definition a set of roots reaches through $ref, sorted by name as the server lists them. */
function closure(roots: readonly string[]): string[] {
  const seen = new Set<string>();
  const queue = [...roots];
  const visit = (schema: unknown): void => {
    if (schema === null || typeof schema !== "object") return;
    for (const [key, value] of Object.entries(schema as Schema)) {
      if (key === "$ref" && typeof value === "string") queue.push(value);
      else if (key === "properties") for (const p of Object.values(value as Record<string, Schema>)) visit(p);
      else if (key === "items" || key === "additionalProperties") visit(value);
    }
  };
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name) || !DEFINITIONS[name]) continue;
    seen.add(name);
    visit(DEFINITIONS[name]);
  }
  return [...seen].sort();
}

/** The kinds each root definition is (x-kubernetes-group-version-kind). */
function kindsByRoot(defs: readonly KindDefinition[]): Map<string, GroupVersionKind[]> {
  const out = new Map<string, GroupVersionKind[]>();
  for (const def of defs) {
    const root = rootDefinition(def);
    if (root) out.set(root, [...(out.get(root) ?? []), gvkOf(def)]);
  }
  return out;
}

/**
 * One schema in v3 form, as the API server's OpenAPI v3 builder writes it: a field that refers
 * to another definition is `allOf: [{$ref}]` beside its own description (so explain prints both),
 * and int-or-string and quantities are `oneOf` without a type.
 */
function toV3(schema: Schema, field: boolean): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$ref") continue;
    if (key === "properties") out.properties = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, toV3(v, true)]));
    else if (key === "items" || (key === "additionalProperties" && typeof value === "object")) out[key] = toV3(value as Schema, false);
    else out[key] = value;
  }
  if (typeof schema.$ref === "string") {
    const ref = `#/components/schemas/${schema.$ref}`;
    if (field) out.allOf = [{ $ref: ref }];
    else out.$ref = ref;
  }
  return out;
}

const ONE_OF: Readonly<Record<string, Schema>> = {
  "io.k8s.apimachinery.pkg.util.intstr.IntOrString": { oneOf: [{ type: "integer" }, { type: "string" }] },
  "io.k8s.apimachinery.pkg.api.resource.Quantity": { oneOf: [{ type: "string" }, { type: "number" }] },
};

function definitionV3(name: string, gvks: GroupVersionKind[] | undefined): Schema {
  const schema = toV3(DEFINITIONS[name], false);
  const oneOf = ONE_OF[name];
  if (oneOf) {
    delete schema.type;
    Object.assign(schema, oneOf);
  }
  if (gvks) schema["x-kubernetes-group-version-kind"] = gvks;
  return schema;
}

/** `api/v1`, `apis/apps/v1`: the path of a group/version's document below /openapi/v3. */
export const openApiPath = (group: string, version: string): string => (group === "" ? `api/${version}` : `apis/${group}/${version}`);

interface ServedGroupVersion {
  group: string;
  version: string;
  kinds: KindDefinition[];
}

function servedGroupVersions(): ServedGroupVersion[] {
  const out: ServedGroupVersion[] = [];
  for (const def of kinds) {
    let gv = out.find((g) => g.group === def.group && g.version === def.version);
    if (!gv) out.push((gv = { group: def.group, version: def.version, kinds: [] }));
    gv.kinds.push(def);
  }
  return out;
}

/** Where each verb is served: on the collection or on one object, and with which HTTP method (in kube-openapi's order: get, put, post, delete, patch). */
const OPERATIONS: ReadonlyArray<{ verb: string; method: string; onObject: boolean; action: string; writes: boolean }> = [
  { verb: "list", method: "get", onObject: false, action: "list", writes: false },
  { verb: "create", method: "post", onObject: false, action: "post", writes: true },
  { verb: "deletecollection", method: "delete", onObject: false, action: "deletecollection", writes: false },
  { verb: "get", method: "get", onObject: true, action: "get", writes: false },
  { verb: "update", method: "put", onObject: true, action: "put", writes: true },
  { verb: "delete", method: "delete", onObject: true, action: "delete", writes: false },
  { verb: "patch", method: "patch", onObject: true, action: "patch", writes: true },
];

/**
 * Query parameters of the writing operations. kubectl looks for fieldValidation on a kind's PATCH
 * operation (cli-runtime's QueryParamVerifierV3) to leave validation to the server; without it,
 * it validates on the client from the protobuf /openapi/v2.
 */
const WRITE_PARAMETERS: readonly Schema[] = ["dryRun", "fieldManager", "fieldValidation"].map((name) => ({ name, in: "query", schema: { type: "string", uniqueItems: true } }));

/**
 * Whether the API serves an operation on a kind: discovery's verbs (writes.ts writes every kind
 * with a strategy that is not derived). Listing patch with its fieldValidation parameter is what
 * makes kubectl leave validation to the server (fieldValidation=Strict) instead of downloading the
 * protobuf /openapi/v2 this server does not write.
 */
function serves(def: KindDefinition, verb: string): boolean {
  return servedVerbs(def).includes(verb);
}

/** The resource's paths with the operations the API serves, each naming its kind (what explain looks the kind up by). */
function resourcePaths(defs: readonly KindDefinition[]): Record<string, Schema> {
  const paths: Record<string, Schema> = {};
  for (const def of defs) {
    const root = rootDefinition(def);
    if (!root) continue;
    const prefix = def.group === "" ? `/api/${def.version}` : `/apis/${def.group}/${def.version}`;
    const base = def.namespaced ? `${prefix}/namespaces/{namespace}/${def.plural}` : `${prefix}/${def.plural}`;
    for (const op of OPERATIONS) {
      if (!serves(def, op.verb)) continue;
      const path = op.onObject ? `${base}/{name}` : base;
      const schemaName = op.verb === "list" ? `${root}List` : root;
      paths[path] = {
        ...paths[path],
        [op.method]: {
          operationId: `${op.verb}${def.namespaced ? "Namespaced" : ""}${def.kind}`,
          ...(op.writes ? { parameters: WRITE_PARAMETERS } : {}),
          responses: { "200": { description: "OK", content: { "application/json": { schema: { $ref: `#/components/schemas/${schemaName}` } } } } },
          "x-kubernetes-action": op.action,
          "x-kubernetes-group-version-kind": gvkOf(def),
        },
      };
    }
  }
  return paths;
}

/** GET /openapi/v3/<path>: the group/version's document, undefined when none is served there. */
export function openApiV3Document(path: string): Schema | undefined {
  const gv = servedGroupVersions().find((g) => openApiPath(g.group, g.version) === path);
  if (!gv) return undefined;
  const roots = kindsByRoot(gv.kinds);
  const schemas: Record<string, Schema> = {};
  for (const name of closure([...roots.keys()])) schemas[name] = definitionV3(name, roots.get(name));
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "unversioned" },
    paths: resourcePaths(gv.kinds),
    components: { schemas },
  };
}

/** A short, stable digest of a document, the `hash` a client caches the document under. */
function digest(text: string): string {
  // FNV-1a over the text twice with different offsets: deterministic and enough to tell versions apart.
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return (a.toString(16).padStart(8, "0") + b.toString(16).padStart(8, "0")).toUpperCase();
}

const servedDocuments = new Map<string, { body: string; hash: string } | undefined>();

/** The document of a path as served, and its hash (built once: the documents never change while the Worker runs). */
export function servedV3Document(path: string): { body: string; hash: string } | undefined {
  if (servedDocuments.has(path)) return servedDocuments.get(path);
  const document = openApiV3Document(path);
  const body = document === undefined ? undefined : JSON.stringify(document);
  const served = body === undefined ? undefined : { body, hash: digest(body) };
  servedDocuments.set(path, served);
  return served;
}

/** GET /openapi/v3: the discovery of the per group/version documents. */
export function openApiV3Index(): Schema {
  const paths: Record<string, Schema> = {};
  for (const gv of servedGroupVersions()) {
    const path = openApiPath(gv.group, gv.version);
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${servedV3Document(path)!.hash}` };
  }
  return { paths };
}

let servedV2: string | undefined;

/** GET /openapi/v2's body, built once. */
export function servedV2Document(): string {
  servedV2 ??= JSON.stringify(openApiV2Document());
  return servedV2;
}

/** One Swagger 2.0 document of every served kind, as the API server's /openapi/v2. */
export function openApiV2Document(): Schema {
  const roots = kindsByRoot(kinds);
  const definitions: Record<string, Schema> = {};
  const toV2 = (schema: Schema): Schema => {
    const out: Schema = {};
    for (const [key, value] of Object.entries(schema)) {
      if (key === "$ref") out.$ref = `#/definitions/${String(value)}`;
      else if (key === "properties") out.properties = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, toV2(v)]));
      else if (key === "items" || (key === "additionalProperties" && typeof value === "object")) out[key] = toV2(value as Schema);
      else if (key !== "enum") out[key] = value;
    }
    return out;
  };
  for (const name of closure([...roots.keys()])) {
    const schema = toV2(DEFINITIONS[name]);
    const gvks = roots.get(name);
    if (gvks) schema["x-kubernetes-group-version-kind"] = gvks;
    definitions[name] = schema;
  }
  return { swagger: "2.0", info: { title: "Kubernetes", version: "unversioned" }, paths: {}, definitions };
}
