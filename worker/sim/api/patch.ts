// The API server's PATCH bodies: JSON Patch (RFC 6902), JSON merge patch (RFC 7386) and the
// strategic merge patch of the built-in kinds (apimachinery pkg/util/strategicpatch), whose lists
// merge by a key named in the kinds' Go types (`patchMergeKey`) instead of being replaced.

export type PatchResult = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

type Json = unknown;
const isMap = (v: Json): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

/** RFC 7386: maps merge, null deletes, anything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return patch;
  const out: Record<string, Json> = isMap(target) ? { ...target } : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** RFC 6901 pointer tokens (`~1` is `/`, `~0` is `~`). */
function pointer(path: string): string[] | undefined {
  if (path === "") return [];
  if (!path.startsWith("/")) return undefined;
  return path.slice(1).split("/").map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** RFC 6902, with the messages of evanphx/json-patch, which the API server uses. */
export function jsonPatch(document: Record<string, unknown>, operations: Json): PatchResult {
  if (!Array.isArray(operations)) return { ok: false, message: "json: cannot unmarshal object into Go value of type jsonpatch.Patch" };
  let doc: Json = cloneJson(document);
  for (const op of operations) {
    if (!isMap(op) || typeof op.op !== "string") return { ok: false, message: "Unexpected kind: " + JSON.stringify(op) };
    const path = typeof op.path === "string" ? pointer(op.path) : undefined;
    if (path === undefined) return { ok: false, message: `missing path for ${op.op} operation` };
    const parentOf = (tokens: string[]): { parent: Json; last: string } | undefined => {
      let node = doc;
      for (const token of tokens.slice(0, -1)) {
        if (Array.isArray(node)) node = node[Number(token)];
        else if (isMap(node)) node = node[token];
        else return undefined;
        if (node === undefined) return undefined;
      }
      return { parent: node, last: tokens[tokens.length - 1] };
    };
    const get = (tokens: string[]): Json => {
      let node = doc;
      for (const token of tokens) {
        if (Array.isArray(node)) node = node[Number(token)];
        else if (isMap(node)) node = Object.hasOwn(node, token) ? node[token] : undefined;
        else return undefined;
        if (node === undefined) return undefined;
      }
      return node;
    };
    const remove = (tokens: string[]): Json | undefined => {
      const at = parentOf(tokens);
      if (!at) return undefined;
      if (Array.isArray(at.parent)) {
        const i = Number(at.last);
        if (!Number.isInteger(i) || i < 0 || i >= at.parent.length) return undefined;
        return at.parent.splice(i, 1)[0];
      }
      if (isMap(at.parent) && Object.hasOwn(at.parent, at.last)) {
        const value = at.parent[at.last];
        delete at.parent[at.last];
        return value;
      }
      return undefined;
    };
    const add = (tokens: string[], value: Json): boolean => {
      if (tokens.length === 0) {
        doc = value;
        return true;
      }
      const at = parentOf(tokens);
      if (!at) return false;
      if (Array.isArray(at.parent)) {
        const i = at.last === "-" ? at.parent.length : Number(at.last);
        if (!Number.isInteger(i) || i < 0 || i > at.parent.length) return false;
        at.parent.splice(i, 0, value);
        return true;
      }
      if (isMap(at.parent)) {
        at.parent[at.last] = value;
        return true;
      }
      return false;
    };
    const where = `path ${JSON.stringify(op.path)}`;
    switch (op.op) {
      case "add":
        if (!add(path, cloneJson(op.value))) return { ok: false, message: `add operation does not apply: doc is missing path: ${JSON.stringify(op.path)}: missing value` };
        break;
      case "remove":
        if (remove(path) === undefined) return { ok: false, message: `remove operation does not apply: doc is missing path: ${JSON.stringify(op.path)}: missing value` };
        break;
      case "replace":
        if (get(path) === undefined) return { ok: false, message: `replace operation does not apply: doc is missing key: ${op.path}: missing value` };
        remove(path);
        add(path, cloneJson(op.value));
        break;
      case "move":
      case "copy": {
        const from = typeof op.from === "string" ? pointer(op.from) : undefined;
        const value = from === undefined ? undefined : op.op === "move" ? remove(from) : cloneJson(get(from));
        if (value === undefined) return { ok: false, message: `${op.op} operation does not apply: doc is missing from path: ${JSON.stringify(op.from)}: missing value` };
        if (!add(path, value)) return { ok: false, message: `${op.op} operation does not apply: doc is missing destination ${where}: missing value` };
        break;
      }
      case "test":
        if (JSON.stringify(get(path)) !== JSON.stringify(op.value)) return { ok: false, message: `testing value ${op.path} failed: test failed` };
        break;
      default:
        return { ok: false, message: `Unexpected kind: ${op.op}` };
    }
  }
  return isMap(doc) ? { ok: true, value: doc } : { ok: false, message: "the patch did not leave an object" };
}

/**
 * The merge keys of the built-in kinds' lists (their Go types' `patchMergeKey` tags), by the
 * field's name and, where one name has two keys, by its parent field (a Service's ports merge by
 * `port`, a container's by `containerPort`). A list not named here is replaced whole, as for a
 * list without a merge key (tolerations, args, command).
 */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  env: "name",
  imagePullSecrets: "name",
  hostAliases: "ip",
  conditions: "type",
  ownerReferences: "uid",
  finalizers: "",
  topologySpreadConstraints: "topologyKey",
  resourceClaims: "name",
};

function mergeKeyOf(field: string, parentField: string): string | undefined {
  if (field === "ports") return parentField === "spec" ? "port" : "containerPort";
  return MERGE_KEYS[field];
}

/**
 * strategicpatch.StrategicMergePatch for the built-in kinds: maps merge, null deletes, lists with
 * a merge key merge element by element (`$patch: delete` removes one, `$setElementOrder/<list>`
 * orders them), `$patch: replace` replaces a map or list, `$retainKeys` keeps only the keys named,
 * `$deleteFromPrimitiveList/<list>` removes values from a list of scalars (finalizers).
 */
export function strategicMergePatch(original: Record<string, unknown>, patch: Json): PatchResult {
  if (!isMap(patch)) return { ok: false, message: "json: cannot unmarshal array into Go value of type map[string]interface {}" };
  return { ok: true, value: mergeMap(original, patch, "") };
}

function mergeMap(original: Record<string, Json>, patch: Record<string, Json>, parentField: string): Record<string, Json> {
  if (patch.$patch === "replace") {
    const { $patch: _directive, ...rest } = patch;
    return stripDirectives(rest) as Record<string, Json>;
  }
  if (patch.$patch === "delete") return {};
  let out: Record<string, Json> = { ...original };
  const orders: Record<string, Json[]> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === "$patch") continue;
    if (key === "$retainKeys") continue;
    if (key.startsWith("$setElementOrder/")) {
      if (Array.isArray(value)) orders[key.slice("$setElementOrder/".length)] = value;
      continue;
    }
    if (key.startsWith("$deleteFromPrimitiveList/")) {
      const field = key.slice("$deleteFromPrimitiveList/".length);
      if (Array.isArray(out[field]) && Array.isArray(value)) out[field] = (out[field] as Json[]).filter((v) => !value.includes(v));
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    const current = out[key];
    if (isMap(value)) out[key] = mergeMap(isMap(current) ? current : {}, value, key);
    else if (Array.isArray(value)) out[key] = mergeList(Array.isArray(current) ? current : [], value, key, parentField);
    else out[key] = value;
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as Json[]);
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  for (const [field, order] of Object.entries(orders)) {
    const list = out[field];
    const key = mergeKeyOf(field, parentField);
    if (!Array.isArray(list) || key === undefined) continue;
    const position = (item: Json) => {
      const i = order.findIndex((o) => (key === "" ? o === item : isMap(o) && isMap(item) && o[key] === item[key]));
      return i < 0 ? order.length : i;
    };
    out[field] = [...list].sort((a, b) => position(a) - position(b));
  }
  return out;
}

function mergeList(original: Json[], patch: Json[], field: string, parentField: string): Json[] {
  const key = mergeKeyOf(field, parentField);
  const replace = patch.find((p) => isMap(p) && p.$patch === "replace");
  if (replace !== undefined) return patch.filter((p) => p !== replace).map(stripDirectives);
  if (key === undefined) return patch.map(stripDirectives);
  if (key === "") {
    // A set of scalars (finalizers): the union, original order first.
    const out = [...original];
    for (const p of patch) if (!out.includes(p)) out.push(p);
    return out;
  }
  const out = [...original];
  for (const item of patch) {
    if (!isMap(item)) continue;
    const index = out.findIndex((o) => isMap(o) && o[key] === item[key]);
    if (item.$patch === "delete") {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) out[index] = mergeMap(out[index] as Record<string, Json>, item, field);
    else out.push(stripDirectives(item));
  }
  return out;
}

function stripDirectives(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isMap(value)) return value;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value)) if (!k.startsWith("$")) out[k] = stripDirectives(v);
  return out;
}

/** A deep copy of JSON data (the bodies are parsed JSON or YAML: no cycles, no functions). */
function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
