// Reads `-f -` manifests: YAML or JSON, several documents, shape-checked with valibot. The
// errors are kubectl's decode errors and the API server's "cannot be handled as" BadRequests.

import * as v from "valibot";
import { parseAllDocuments } from "yaml";
import { preParsedManifests } from "../catalogue/index.ts";
import { byteLength } from "../net/http.ts";

export const MAX_MANIFEST_BYTES = 64 * 1024;

export interface Manifest {
  /** The decoded document, as plain JSON. */
  object: Record<string, unknown>;
}

export type ManifestParse = { ok: true; manifests: Manifest[] } | { ok: false; error: string };

const int32 = v.pipe(v.number(), v.integer());
const intOrString = v.union([int32, v.string()]);
const labels = v.record(v.string(), v.string());
const meta = v.looseObject({
  name: v.optional(v.string()),
  namespace: v.optional(v.string()),
  labels: v.optional(v.nullable(labels)),
  annotations: v.optional(v.nullable(labels)),
});
const containerPort = v.looseObject({ containerPort: int32, name: v.optional(v.string()), protocol: v.optional(v.string()) });
const container = v.looseObject({
  name: v.optional(v.string()),
  image: v.optional(v.string()),
  command: v.optional(v.array(v.string())),
  args: v.optional(v.array(v.string())),
  ports: v.optional(v.nullable(v.array(containerPort))),
  env: v.optional(v.array(v.looseObject({ name: v.string(), value: v.optional(v.string()) }))),
});
const podSpec = v.looseObject({ containers: v.optional(v.array(container)) });
const servicePort = v.looseObject({
  name: v.optional(v.string()),
  port: v.optional(int32),
  targetPort: v.optional(intOrString),
  nodePort: v.optional(int32),
  protocol: v.optional(v.string()),
});

/** Per kind: the Go type names kubectl's decoder reports, and the schema of spec. */
const specSchemas: Record<string, { goKind: string; schema: v.GenericSchema }> = {
  Pod: { goKind: "Pod", schema: v.looseObject({ spec: v.optional(podSpec), metadata: v.optional(meta) }) },
  Service: {
    goKind: "Service",
    schema: v.looseObject({
      metadata: v.optional(meta),
      spec: v.optional(v.looseObject({ ports: v.optional(v.nullable(v.array(servicePort))), selector: v.optional(v.nullable(labels)), type: v.optional(v.string()) })),
    }),
  },
  Deployment: {
    goKind: "Deployment",
    schema: v.looseObject({
      metadata: v.optional(meta),
      spec: v.optional(
        v.looseObject({
          replicas: v.optional(int32),
          selector: v.optional(v.looseObject({ matchLabels: v.optional(labels) })),
          template: v.optional(v.looseObject({ metadata: v.optional(meta), spec: v.optional(podSpec) })),
        }),
      ),
    }),
  },
  DaemonSet: {
    goKind: "DaemonSet",
    schema: v.looseObject({
      metadata: v.optional(meta),
      spec: v.optional(
        v.looseObject({
          selector: v.optional(v.looseObject({ matchLabels: v.optional(labels) })),
          template: v.optional(v.looseObject({ metadata: v.optional(meta), spec: v.optional(podSpec) })),
        }),
      ),
    }),
  },
  Namespace: { goKind: "Namespace", schema: v.looseObject({ metadata: v.optional(meta) }) },
};

/** Go struct names along a JSON path, for the decoder's "Go struct field X.a.b" text. */
const goStructOf: Record<string, string> = {
  ports: "ServicePort",
  containers: "Container",
  env: "EnvVar",
  metadata: "ObjectMeta",
  spec: "Spec",
  selector: "LabelSelector",
};

// The catalogue's files never change, and parsing the largest (the Gateway API's 700 kB of CRDs)
// takes the YAML parser about half a second: each is parsed once per isolate and handed out as a
// copy, so a second `apply -f URL` costs a JSON copy instead (same result, no clock involved).
const cataloguedParses = new Map<string, string>();

/** parseManifests for a file of the catalogue: no size limit; the big ones parsed at build time, the others once. */
export function parseCatalogued(text: string, source: string): ManifestParse {
  const key = `${source}\n${text.length}`;
  let json = preParsedManifests(text) ?? cataloguedParses.get(key);
  if (json === undefined) {
    json = JSON.stringify(parseManifests(text, source, Number.POSITIVE_INFINITY));
    cataloguedParses.set(key, json);
  }
  return JSON.parse(json) as ManifestParse;
}

/** `limit`: the console's cap on what a learner pastes or writes (a catalogued release file has none). */
export function parseManifests(text: string, source = "STDIN", limit = MAX_MANIFEST_BYTES): ManifestParse {
  const bytes = byteLength(text);
  if (bytes > limit) {
    return { ok: false, error: `error: the manifest is too large (${bytes} bytes); the limit is ${MAX_MANIFEST_BYTES} bytes\n` };
  }
  let docs;
  try {
    // kubectl reads manifests with sigs.k8s.io/yaml, i.e. go-yaml v2's YAML 1.1 rules: `defaultMode: 0400`
    // is octal (256) and an unquoted yes/on is a boolean, where YAML 1.2 would read 400 and a string.
    docs = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: false, version: "1.1" });
  } catch (error) {
    return { ok: false, error: `error: error parsing ${source}: error converting YAML to JSON: yaml: ${String(error)}\n` };
  }
  const manifests: Manifest[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const line = e.linePos?.[0]?.line ?? 1;
      const message = e.message.split(" at line")[0].split("\n")[0].toLowerCase();
      return { ok: false, error: `error: error parsing ${source}: error converting YAML to JSON: yaml: line ${line}: ${message}\n` };
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      return { ok: false, error: `error: error parsing ${source}: error converting YAML to JSON: yaml: ${(error as Error).message}\n` };
    }
    if (value === null || value === undefined) continue;
    if (typeof value !== "object" || Array.isArray(value)) {
      const got = Array.isArray(value) ? "array" : typeof value;
      return { ok: false, error: `error: error parsing ${source}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${got} into Go value of type map[string]interface {}\n` };
    }
    manifests.push({ object: value as Record<string, unknown> });
  }
  return { ok: true, manifests };
}

/** Client-side checks (kubectl's schema validation) before anything is sent. */
export function validateManifest(manifest: Manifest, source = "STDIN"): string | undefined {
  const o = manifest.object;
  const missing: string[] = [];
  if (typeof o.apiVersion !== "string" || o.apiVersion === "") missing.push("apiVersion not set");
  if (typeof o.kind !== "string" || o.kind === "") missing.push("kind not set");
  if (missing.length > 0) {
    return `error: error validating "${source}": error validating data: [${missing.join(", ")}]; if you choose to ignore these errors, turn validation off with --validate=false\n`.replace(
      /\[([^,\]]+)\]/,
      "$1",
    );
  }
  return undefined;
}

/** The API server's decode of the typed object: wrong JSON types become a BadRequest text. */
export function decodeError(manifest: Manifest, verb: "creating" | "applying", source = "STDIN"): string | undefined {
  const kind = String(manifest.object.kind);
  const entry = specSchemas[kind];
  if (!entry) return undefined;
  const result = v.safeParse(entry.schema, manifest.object);
  if (result.success) return undefined;
  const issue = result.issues[0];
  const keys = (issue.path ?? []).map((p) => p.key).filter((k): k is string => typeof k === "string");
  const last = keys[keys.length - 1] ?? "";
  const parent = [...keys].reverse().find((k) => goStructOf[k]) ?? "spec";
  const struct = keys.length > 1 ? goStructOf[keys[keys.length - 2]] ?? goStructOf[parent] ?? entry.goKind : entry.goKind;
  const received = jsonType(issue.input);
  const goType = expectedGoType(last, issue.expected ?? "");
  return `Error from server (BadRequest): error when ${verb} "${source}": ${entry.goKind} in version "${String(manifest.object.apiVersion)}" cannot be handled as a ${entry.goKind}: json: cannot unmarshal ${received} into Go struct field ${struct}.${keys.join(".")} of type ${goType}\n`;
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "object") return "object";
  return typeof value;
}

function expectedGoType(field: string, expected: string): string {
  if (["port", "nodePort", "containerPort", "replicas"].includes(field)) return "int32";
  if (field === "targetPort") return "intstr.IntOrString";
  if (expected.includes("Array")) return "[]string";
  if (expected.includes("Object") || expected.includes("record")) return "map[string]string";
  return "string";
}
