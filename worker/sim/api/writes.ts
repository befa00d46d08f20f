// Writes through the session's Kubernetes API: create (POST), update (PUT), patch (JSON patch,
// merge patch, strategic merge patch, server-side apply), delete and deletecollection, and the
// scale subresource. Every write goes through the API server of the simulation
// (cluster/api-server.ts: the kinds' strategies, the same ones the console's kubectl uses), then
// the controllers react, as after a console command. Pure: (session, request, clock) -> new
// session and the API server's answer; the Durable Object orders, stores and broadcasts it.

import { parse as parseYaml } from "yaml";
import { createObject, deleteObject, updateObject } from "../cluster/api-server.ts";
import type { ApiStatus } from "../cluster/api-status.ts";
import { reconcile } from "../cluster/controllers.ts";
import { matchesRequirements } from "../cluster/label-selector.ts";
import { Tx } from "../cluster/tx.ts";
import type { KubeObject, SubmittedObject } from "../cluster/types.ts";
import { type SessionState, simulatedNow } from "../engine.ts";
import { apiVersionOfKind, type KindDefinition, kindByName, listKind, readKind } from "../kinds/index.ts";
import type { AnyObject } from "../kubectl/printers/tables.ts";
import { parseSelector } from "../kubectl/selector.ts";
import { createRandom, type Random } from "../random.ts";
import { rfc3339 } from "../cluster/ids.ts";
import { utf8Bytes } from "../base64.ts";
import { appliedUndeclaredFields, bodyStrictErrors, type FieldValidation, goMapString, jsonPatchStrictErrors, objectUnknownFields, patchDuplicateErrors, strictDecodingError, validationErrorsText, yamlDuplicateKeys, yamlUnmarshalErrors } from "./field-validation.ts";
import { afterUpdate, type ManagedFieldsEntry, managerOf, serverSideApply } from "./managed-fields.ts";
import { hasScale, scaleOf } from "./scale.ts";
import { decodeKindMessage, hasProtobufSchema, ProtobufError, readEnvelope, summarizeBody } from "./protobuf.ts";
import { jsonPatch, mergePatch, type PatchResult, strategicMergePatch } from "./patch.ts";
import { details, json, type KubeApiRequest, type KubeApiResponse, notAllowed, notFoundPath, objectNotFound, pathSegments, resolveResource, status } from "./server.ts";

export interface KubeApiWriteRequest extends KubeApiRequest {
  /** The request body as sent (JSON or YAML); empty when it came as bytes. */
  body: string;
  /** The body's bytes, for application/vnd.kubernetes.protobuf (binary, so not text). */
  bytes?: Uint8Array;
  /** The Content-Type header ("" when absent). */
  contentType: string;
  /** The User-Agent header: a write without fieldManager is recorded under its first word (`kubectl`). */
  userAgent?: string;
}

export interface KubeApiWriteResult {
  response: KubeApiResponse;
  state: SessionState;
  /** Whether the cluster changed (a dry run, a failure or a no-op update change nothing). */
  changed: boolean;
  /** How the transcript lists the request: `POST pods web`, `PATCH deployments/scale api -n prod`. */
  summary: string;
}

export const WRITE_METHODS: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

const PATCH_TYPES = ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"] as const;

interface Target {
  def: KindDefinition;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

/** The editor's write (authorization is the caller's: only the edit key's holder gets here). */
export function serveKubeApiWrite(state: SessionState, request: KubeApiWriteRequest, callerNow: number): KubeApiWriteResult {
  const method = request.method.toUpperCase();
  const unchanged = (response: KubeApiResponse, summary = `${method} ${request.path}`): KubeApiWriteResult => ({ response, state, changed: false, summary });
  const path = pathSegments(request.path);
  if (path === undefined) return unchanged(notFoundPath());
  const resolved = resolveResource(path, state.cluster);
  if ("status" in resolved) return unchanged(resolved);
  if (resolved.kind === "groupVersion") return unchanged(notAllowed());
  const target: Target = resolved;
  const { def } = target;
  const summary = summaryOf(method, target);
  if (!WRITE_METHODS.has(method)) return unchanged(notAllowed(), summary);
  if (target.subresource !== undefined && target.subresource !== "scale") return unchanged(notAllowed(), summary);
  if (target.subresource === "scale" && !hasScale(def)) return unchanged(notFoundPath(), summary);
  if (!def.strategy || "derived" in def.storage) return unchanged(notAllowed(), summary);

  const random = createRandom(state.rng);
  const dryRun = request.query.dryRun;
  if (dryRun !== undefined && dryRun !== "" && dryRun !== "All") {
    return unchanged(status(400, "BadRequest", `Unsupported value: ${JSON.stringify(dryRun)}: supported values: "All"`), summary);
  }
  const live = new Tx(state.cluster);
  reconcile(live, simulatedNow(state, callerNow), random);
  // A dry run goes through every check on a copy: nothing it does is kept, not even the random draws.
  const tx = dryRun === "All" ? new Tx(live.commit()) : live;
  const runRandom = dryRun === "All" ? createRandom(random.state) : random;
  const response = write(tx, runRandom, method, target, request);
  const warnings = [...(response.warnings ?? []), ...(def.deprecationWarning === undefined ? [] : [def.deprecationWarning])];
  const withWarnings = warnings.length === 0 ? response : { ...response, warnings };
  if (dryRun === "All" || response.status >= 300) {
    // The clock still moved (pods that started meanwhile): kept only when something else is.
    return { response: withWarnings, state, changed: false, summary: summaryOf(method, target, response, request) };
  }
  // Controllers react to the write as after a console command (a Deployment's ReplicaSet, its pods).
  reconcile(tx, tx.state.now, random);
  const next: SessionState = { ...state, cluster: tx.commit(), rng: random.state };
  return { response: withWarnings, state: next, changed: true, summary: summaryOf(method, target, response, request) };
}

function write(tx: Tx, random: Random, method: string, target: Target, request: KubeApiWriteRequest): KubeApiResponse {
  const { def, namespace, name } = target;
  const ctx = { now: tx.state.now, random };
  if (method === "DELETE") return name === undefined ? deleteCollection(tx, ctx, target, request) : deleteOne(tx, ctx, def, namespace, name, request);

  const body = method === "PATCH" || mediaType(request.contentType) !== PROTOBUF ? parseBody(request) : protobufBody(def, request);
  if ("status" in body) return body;
  if (method === "POST") {
    if (name !== undefined) return notAllowed();
    const checked = checkBody(def, target, body.value, false);
    if (checked) return checked;
    const strict = decodeStrictly(def, request, body.value, "CreateOptions");
    if ("status" in strict) return strict;
    const object = withNamespace(def, body.value, namespace);
    return withStrictWarnings(answer(createObject(tx, object as unknown as SubmittedObject, ctx), def, 201), strict.warnings);
  }
  if (name === undefined) return notAllowed();
  const current = readKind(tx.state, def, namespace, name) as KubeObject | undefined;

  if (target.subresource === "scale") {
    if (!current) return objectNotFound(def, name);
    const scale = scaleOf(current);
    let desired: Record<string, unknown>;
    if (method === "PUT") {
      desired = body.value;
    } else {
      const patched = patchObject(scale, body.value, request.contentType);
      if (!patched.ok) return patched.response;
      desired = patched.value;
    }
    const replicas = (desired.spec as { replicas?: unknown } | undefined)?.replicas;
    if (replicas !== undefined && (typeof replicas !== "number" || !Number.isInteger(replicas))) return status(400, "BadRequest", "json: cannot unmarshal into Go struct field ScaleSpec.spec.replicas of type int32");
    const updated = { ...clone(current), spec: { ...(current as unknown as { spec: Record<string, unknown> }).spec, replicas: replicas ?? 0 } } as Record<string, unknown>;
    delete (updated.metadata as Record<string, unknown>).resourceVersion;
    const result = updateObject(tx, withUpdateEntries(def, current, updated, request, "scale", ctx.now) as unknown as SubmittedObject, ctx);
    if (!result.ok) return statusResponse(result.status);
    return json(scaleOf(result.value));
  }

  if (method === "PUT") {
    const checked = checkBody(def, target, body.value, true);
    if (checked) return checked;
    const strict = decodeStrictly(def, request, body.value, "UpdateOptions");
    if ("status" in strict) return strict;
    if (!current) return objectNotFound(def, name);
    const replacement = withUpdateEntries(def, current, withNamespace(def, body.value, namespace), request, undefined, ctx.now);
    return withStrictWarnings(answer(updateObject(tx, replacement as unknown as SubmittedObject, ctx), def, 200), strict.warnings);
  }

  // PATCH
  const type = mediaType(request.contentType);
  if (type === "application/apply-patch+yaml") {
    if (!request.query.fieldManager) {
      return status(422, "Invalid", 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', { group: "meta.k8s.io", kind: "PatchOptions", causes: [{ reason: "FieldValueRequired", message: "Required value: is required for apply patch", field: "fieldManager" }] });
    }
    const applyDirective = fieldValidationOf(request.query, "PatchOptions");
    if (typeof applyDirective !== "string") return applyDirective;
    const checked = checkBody(def, target, body.value, true);
    if (checked) return checked;
    // structured-merge-diff types the configuration before anything else: a field the schema does
    // not declare fails it whatever the directive, as the plain error kube-apiserver answers with a 500.
    const undeclared = appliedUndeclaredFields(def, body.value);
    if (undeclared.length > 0) return typedPatchFailure(def, body.value, undeclared);
    const applied = withNamespace(def, body.value, namespace);
    const outcome = serverSideApplyRequest(tx, ctx, def, applied, current, request.query.fieldManager, request.query.force === "true");
    // The strict YAML decoding of the configuration comes after the apply (patch.go's applyPatcher): only its repeated keys can fail it.
    if (outcome.status >= 300 || applyDirective === "Ignore") return outcome;
    const repeated = yamlDuplicateKeys(request.body);
    if (repeated.length === 0) return outcome;
    if (applyDirective === "Warn") return withStrictWarnings(outcome, repeated);
    return status(400, "BadRequest", `error strict decoding YAML: error converting YAML to JSON: ${yamlUnmarshalErrors(repeated)}`);
  }
  const directive = fieldValidationOf(request.query, "PatchOptions");
  if (typeof directive !== "string") return directive;
  if (!current) return objectNotFound(def, name);
  const decodeError = patchDecodeError(type, directive, body.value);
  if (decodeError) return decodeError;
  const patched = patchObject(stripForUpdate(current), body.value, request.contentType);
  if (!patched.ok) return patched.response;
  const object = patched.value;
  let patchWarnings: string[] = [];
  if (type === "application/strategic-merge-patch+json") {
    const strict = patchStrictErrors(def, directive, request.body, body.value, object);
    if ("status" in strict) return strict;
    patchWarnings = strict.warnings;
  } else {
    const strict = jsonPatchStrictResult(def, directive, type, request.body, object);
    if ("status" in strict) return strict;
    patchWarnings = strict.warnings;
  }
  const meta = (object.metadata ?? {}) as Record<string, unknown>;
  if (meta.name !== name) return status(400, "BadRequest", `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
  return withStrictWarnings(answer(updateObject(tx, withUpdateEntries(def, current, object, request, undefined, ctx.now) as unknown as SubmittedObject, ctx), def, 200), patchWarnings);
}

/** Server-side apply through the API (api/managed-fields.ts), its refusals as the API server's Status. */
function serverSideApplyRequest(tx: Tx, ctx: { now: number; random: Random }, def: KindDefinition, applied: Record<string, unknown>, current: KubeObject | AnyObject | undefined, manager: string, force: boolean): KubeApiResponse {
  const outcome = serverSideApply(current as unknown as Record<string, unknown> | undefined, applied, def.kind, String(applied.apiVersion ?? apiVersionOfKind(def)), manager, force, rfc3339(ctx.now));
  if (!outcome.ok) return outcome.code === 409 ? status(409, "Conflict", outcome.message, { causes: outcome.causes }) : status(400, "BadRequest", outcome.message);
  if (!current) return answer(createObject(tx, outcome.object as unknown as SubmittedObject, ctx), def, 201);
  return answer(updateObject(tx, outcome.object as unknown as SubmittedObject, ctx), def, 200);
}

/**
 * A create or update body through the strict decoder (apiserver handlers create.go/update.go):
 * Strict refuses it as the decode error transformDecodeError writes, Warn answers with one
 * Warning per error, Ignore says nothing.
 */
function decodeStrictly(def: KindDefinition, request: KubeApiWriteRequest, value: Record<string, unknown>, options: string): { warnings: string[] } | KubeApiResponse {
  const directive = fieldValidationOf(request.query, options);
  if (typeof directive !== "string") return directive;
  // Strict decoding is unsupported for protobuf (apimachinery codec_factory.go): its decoder skips unknown fields.
  if (directive === "Ignore" || mediaType(request.contentType) === PROTOBUF) return { warnings: [] };
  const isJson = mediaType(request.contentType) === "application/json";
  // A YAML body goes through yaml.v2's strict decoding first (its repeated keys), then kjson's over the converted JSON.
  const repeated = isJson ? [] : yamlDuplicateKeys(request.body);
  const errors = bodyStrictErrors(def, request.body, value, isJson);
  if (repeated.length === 0 && errors.length === 0) return { warnings: [] };
  // Warn renders each of yaml.v2's lines as its own warning (handlers' addStrictDecodingWarnings).
  if (directive === "Warn") return { warnings: [...repeated, ...errors] };
  const all = repeated.length === 0 ? errors : [yamlUnmarshalErrors(repeated), ...errors];
  const version = String(value.apiVersion ?? def.version).split("/").pop();
  return status(400, "BadRequest", `${def.kind} in version ${JSON.stringify(version)} cannot be handled as a ${def.kind}: ${strictDecodingError(all)}`);
}

/**
 * A strategic merge patch (handlers/patch.go applyPatchToObject): the patch's own duplicate
 * members, then the patched object's unknown fields; Strict refuses the patch as an Invalid
 * `patch` value printed as Go prints the decoded patch map.
 */
function patchStrictErrors(def: KindDefinition, directive: FieldValidation, body: string, patch: unknown, patched: Record<string, unknown>): { warnings: string[] } | KubeApiResponse {
  if (directive === "Ignore") return { warnings: [] };
  const errors = [...patchDuplicateErrors(body)];
  for (const e of objectUnknownFields(def, patched)) if (!errors.includes(e)) errors.push(e);
  if (errors.length === 0) return { warnings: [] };
  if (directive === "Warn") return { warnings: errors };
  const detail = strictDecodingError(errors);
  const value = goMapString(patch);
  const message = `Invalid value: ${JSON.stringify(value)}: ${detail}`;
  return status(422, "Invalid", ` "" is invalid: patch: ${message}`, { causes: [{ reason: "FieldValueInvalid", message, field: "patch" }] });
}

/**
 * The object to store with its managedFields after a write that is not an apply (fieldmanager's
 * Update): the entries the body carries when it carries some (a client may set them), else the
 * live object's, updated with the fields this write changed under its manager.
 */
function withUpdateEntries(def: KindDefinition, current: KubeObject | AnyObject, object: Record<string, unknown>, request: KubeApiWriteRequest, subresource: string | undefined, now: number): Record<string, unknown> {
  const meta = (object.metadata ?? {}) as Record<string, unknown>;
  const sent = meta.managedFields;
  const entries = (Array.isArray(sent) && sent.length > 0 ? sent : ((current.metadata as { managedFields?: ManagedFieldsEntry[] }).managedFields ?? [])) as ManagedFieldsEntry[];
  const manager = managerOf(request.query.fieldManager, request.userAgent);
  const managedFields = afterUpdate(entries, current, object, def.kind, apiVersionOfKind(def), manager, subresource, rfc3339(now));
  return { ...object, metadata: { ...meta, managedFields } };
}

/**
 * A JSON patch or merge patch decoded strictly (Strict and Warn) must be of the Go type the
 * handler decodes it into (patch.go applyJSPatch): its bad request. Ignore leaves it to the patch
 * libraries.
 */
function patchDecodeError(type: string, directive: FieldValidation, patch: unknown): KubeApiResponse | undefined {
  if (directive === "Ignore") return undefined;
  if (type === "application/json-patch+json" && !Array.isArray(patch)) return status(400, "BadRequest", "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp");
  if (type === "application/merge-patch+json" && Array.isArray(patch)) return status(400, "BadRequest", "error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}");
  return undefined;
}

/**
 * A JSON patch's or merge patch's strict errors (patch.go jsonPatcher): the patch's own (a JSON
 * patch's operations' unknown and repeated members, a merge patch's repeated members), then the
 * patched object's unknown fields in key order; Strict refuses the patch as an Invalid `patch`
 * whose value is the patched object's JSON.
 */
function jsonPatchStrictResult(def: KindDefinition, directive: FieldValidation, type: string, body: string, patched: Record<string, unknown>): { warnings: string[] } | KubeApiResponse {
  if (directive === "Ignore") return { warnings: [] };
  const errors = type === "application/json-patch+json" ? jsonPatchStrictErrors(body) : patchDuplicateErrors(body);
  for (const e of objectUnknownFields(def, patched)) if (!errors.includes(e)) errors.push(e);
  if (errors.length === 0) return { warnings: [] };
  if (directive === "Warn") return { warnings: errors };
  // The patched object as Go encodes the patch library's map: keys sorted.
  const message = `Invalid value: ${JSON.stringify(sortedJson(patched))}: ${strictDecodingError(errors)}`;
  return status(422, "Invalid", ` "" is invalid: patch: ${message}`, { causes: [{ reason: "FieldValueInvalid", message, field: "patch" }] });
}

function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v === null || typeof v !== "object") return v;
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
  };
  return JSON.stringify(sort(value));
}

/**
 * structured-merge-diff's failure to type an applied configuration (fieldmanager
 * structuredmerge.go): a plain error, which the API server answers as a 500 with no reason.
 */
function typedPatchFailure(def: KindDefinition, config: Record<string, unknown>, undeclared: readonly string[]): KubeApiResponse {
  const meta = (config.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  const apiVersion = apiVersionOfKind(def);
  const groupVersion = apiVersion.includes("/") ? apiVersion : `/${apiVersion}`;
  const message = `failed to create typed patch object (${String(meta.namespace ?? "")}/${String(meta.name ?? "")}; ${groupVersion}, Kind=${def.kind}): ${validationErrorsText(undeclared)}`;
  return json({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code: 500 }, 500);
}

/**
 * The query's directive; an empty or absent one is Warn (apiserver handlers' fieldValidation()).
 * `options`: the options kind named in the refusal (CreateOptions, UpdateOptions, PatchOptions).
 */
export function fieldValidationOf(query: Readonly<Record<string, string>>, options: string): FieldValidation | KubeApiResponse {
  const value = query.fieldValidation ?? "";
  if (value === "") return "Warn";
  if (value === "Strict" || value === "Warn" || value === "Ignore") return value;
  // apimachinery's ValidateFieldValidation: NotSupported over the sorted allowed set, "" included.
  const message = `${options}.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: ${JSON.stringify(value)}: supported values: "", "Ignore", "Strict", "Warn"`;
  return status(422, "Invalid", message, { group: "meta.k8s.io", kind: options, causes: [{ reason: "FieldValueNotSupported", message: `Unsupported value: ${JSON.stringify(value)}: supported values: "", "Ignore", "Strict", "Warn"`, field: "fieldValidation" }] });
}

/** The decoder's warnings ride on whatever the request answers, a later failure too (the warning recorder is the request's). */
function withStrictWarnings(response: KubeApiResponse, warnings: readonly string[]): KubeApiResponse {
  return warnings.length === 0 ? response : { ...response, warnings: [...warnings, ...(response.warnings ?? [])] };
}

function patchObject(original: Record<string, unknown>, patch: Record<string, unknown> | unknown[], contentType: string): { ok: true; value: Record<string, unknown> } | { ok: false; response: KubeApiResponse } {
  const type = mediaType(contentType);
  let result: PatchResult;
  if (type === "application/json-patch+json") result = jsonPatch(original, patch);
  else if (type === "application/merge-patch+json") {
    const merged = mergePatch(original, patch);
    result = merged !== null && typeof merged === "object" && !Array.isArray(merged) ? { ok: true, value: merged as Record<string, unknown> } : { ok: false, message: "the patch did not leave an object" };
  } else if (type === "application/strategic-merge-patch+json") result = strategicMergePatch(original, patch);
  else return { ok: false, response: unsupportedMediaType(contentType) };
  return result.ok ? result : { ok: false, response: status(422, "Invalid", result.message) };
}

/** The object as a client sends it back: without status and resourceVersion (an update never takes a status). */
function stripForUpdate(object: KubeObject | AnyObject): Record<string, unknown> {
  const copy = clone(object) as Record<string, unknown>;
  delete copy.status;
  return copy;
}

function deleteOne(tx: Tx, ctx: { now: number; random: Random }, def: KindDefinition, namespace: string | undefined, name: string, request: KubeApiWriteRequest): KubeApiResponse {
  const options = deleteOptions(request);
  if ("status" in options) return options;
  const existing = readKind(tx.state, def, namespace, name) as KubeObject | undefined;
  if (!existing) return objectNotFound(def, name);
  if (options.propagationPolicy === "Orphan") orphanDependents(tx, ctx, existing.metadata.uid);
  const result = deleteObject(tx, def.plural, namespace, name, { ...ctx, gracePeriodSeconds: options.gracePeriodSeconds });
  if (!result.ok) return statusResponse(result.status);
  const after = readKind(tx.state, def, namespace, name);
  // A graceful deletion (pods) answers the object as it now is, deletionTimestamp set; a removal
  // answers Success naming what went (the generic registry's ReturnDeletedObject=false).
  if (after) return json(withType(def, after));
  return json({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { ...details(def, name), uid: existing.metadata.uid } });
}

function deleteCollection(tx: Tx, ctx: { now: number; random: Random }, target: Target, request: KubeApiWriteRequest): KubeApiResponse {
  const { def, namespace } = target;
  let items = listKind(tx.state, def, namespace);
  if (request.query.labelSelector) {
    const parsed = parseSelector(request.query.labelSelector);
    if (!parsed.ok) return status(400, "BadRequest", parsed.error);
    items = items.filter((o) => matchesRequirements(o.metadata.labels, parsed.requirements));
  }
  const options = deleteOptions(request);
  if ("status" in options) return options;
  const deleted: Array<Record<string, unknown>> = [];
  for (const item of items) {
    if (options.propagationPolicy === "Orphan") orphanDependents(tx, ctx, item.metadata.uid as string);
    const result = deleteObject(tx, def.plural, item.metadata.namespace as string | undefined, item.metadata.name, { ...ctx, gracePeriodSeconds: options.gracePeriodSeconds });
    if (!result.ok) return statusResponse(result.status);
    deleted.push(withType(def, readKind(tx.state, def, item.metadata.namespace as string | undefined, item.metadata.name) ?? item));
  }
  return json({ kind: `${def.kind}List`, apiVersion: apiVersionOfKind(def), metadata: { resourceVersion: String(tx.state.resourceVersion) }, items: deleted });
}

/** DeleteOptions from the body (kubectl sends one) or the query; Background and Foreground both leave dependents to the garbage collector. */
function deleteOptions(request: KubeApiWriteRequest): { propagationPolicy?: string; gracePeriodSeconds?: number } | KubeApiResponse {
  let policy = request.query.propagationPolicy;
  let grace: unknown = request.query.gracePeriodSeconds === undefined ? undefined : Number(request.query.gracePeriodSeconds);
  if (request.body.trim() !== "" || (request.bytes?.length ?? 0) > 0) {
    const body = mediaType(request.contentType) === PROTOBUF ? protobufDeleteOptions(request) : parseBody(request);
    if ("status" in body) return body;
    const fromBody = body.value as { propagationPolicy?: unknown; gracePeriodSeconds?: unknown };
    if (typeof fromBody.propagationPolicy === "string") policy = fromBody.propagationPolicy;
    if (fromBody.gracePeriodSeconds !== undefined && fromBody.gracePeriodSeconds !== null) grace = fromBody.gracePeriodSeconds;
  }
  if (policy !== undefined && policy !== "Orphan" && policy !== "Background" && policy !== "Foreground") {
    return status(422, "Invalid", `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan", "nil"`);
  }
  if (grace !== undefined && (typeof grace !== "number" || !Number.isInteger(grace))) {
    // The parameter codec's conversion error (strconv.ParseInt), answered as a bad request.
    return status(400, "BadRequest", `strconv.ParseInt: parsing ${JSON.stringify(String(request.query.gracePeriodSeconds ?? grace))}: invalid syntax`);
  }
  const out: { propagationPolicy?: string; gracePeriodSeconds?: number } = {};
  if (policy !== undefined) out.propagationPolicy = policy;
  // A negative grace period means "the object's own", as kubectl's default -1 does.
  if (typeof grace === "number" && grace >= 0) out.gracePeriodSeconds = grace;
  return out;
}

/** propagationPolicy=Orphan: the dependents lose their owner reference and stay. */
function orphanDependents(tx: Tx, ctx: { now: number; random: Random }, uid: string): void {
  for (const kind of ["ReplicaSet", "Pod"]) {
    const def = kindByName(kind)!;
    for (const object of listKind(tx.state, def, undefined)) {
      const refs = ((object.metadata as { ownerReferences?: Array<{ uid: string }> }).ownerReferences ?? []);
      if (!refs.some((r) => r.uid === uid)) continue;
      const updated = stripForUpdate(object);
      (updated.metadata as Record<string, unknown>).ownerReferences = refs.filter((r) => r.uid !== uid);
      delete (updated.metadata as Record<string, unknown>).resourceVersion;
      updateObject(tx, { ...updated, kind, apiVersion: apiVersionOfKind(def) } as unknown as SubmittedObject, ctx);
    }
  }
}

/** The body's kind and apiVersion must be the URL's; its name, on a PUT or apply, the URL's. */
function checkBody(def: KindDefinition, target: Target, object: Record<string, unknown>, named: boolean): KubeApiResponse | undefined {
  const expected = apiVersionOfKind(def);
  if (object.apiVersion !== undefined && object.apiVersion !== expected) {
    return status(400, "BadRequest", `the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${expected})`);
  }
  if (object.kind !== undefined && object.kind !== def.kind) {
    return status(400, "BadRequest", `the kind in the data (${String(object.kind)}) does not match the expected kind (${def.kind})`);
  }
  const meta = (object.metadata ?? {}) as Record<string, unknown>;
  if (target.namespace !== undefined && typeof meta.namespace === "string" && meta.namespace !== "" && meta.namespace !== target.namespace) {
    return status(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
  }
  if (named && meta.name !== target.name) return status(400, "BadRequest", `the name of the object (${String(meta.name ?? "")}) does not match the name on the URL (${target.name})`);
  return undefined;
}

function withNamespace(def: KindDefinition, object: Record<string, unknown>, namespace: string | undefined): Record<string, unknown> {
  const metadata = { ...((object.metadata as Record<string, unknown> | undefined) ?? {}) };
  if (def.namespaced && namespace !== undefined) metadata.namespace = namespace;
  return { ...object, apiVersion: apiVersionOfKind(def), kind: def.kind, metadata };
}

function parseBody(request: KubeApiWriteRequest): { value: Record<string, unknown> } | KubeApiResponse {
  const type = mediaType(request.contentType);
  const yaml = type === "application/yaml" || type === "application/apply-patch+yaml";
  if (!yaml && type !== "application/json" && !(PATCH_TYPES as readonly string[]).includes(type)) return unsupportedMediaType(request.contentType);
  let value: unknown;
  try {
    // A key given twice is no decoding error (yaml.v2: the last one wins); the strict decoder reports it.
    value = yaml ? parseYaml(request.body, { version: "1.1", uniqueKeys: false }) : JSON.parse(request.body);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return status(400, "BadRequest", `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (${reason})`);
  }
  if (value === null || typeof value !== "object") return status(400, "BadRequest", "Object 'Kind' is missing in the body");
  return { value: value as Record<string, unknown> };
}

const PROTOBUF = "application/vnd.kubernetes.protobuf";

/** The body's bytes: as sent, or (a caller with text only) the text's UTF-8. */
function bodyBytes(request: KubeApiWriteRequest): Uint8Array {
  return request.bytes ?? new Uint8Array(utf8Bytes(request.body));
}

/**
 * A protobuf create or update body (apiserver handlers create.go): the envelope's errors as
 * transformDecodeError words them without a kind, the kind message's with the envelope's kind.
 * The kind comes from the envelope, as from a JSON body's kind, so checkBody judges a mismatch.
 */
function protobufBody(def: KindDefinition, request: KubeApiWriteRequest): { value: Record<string, unknown> } | KubeApiResponse {
  const body = bodyBytes(request);
  let envelope;
  try {
    envelope = readEnvelope(body);
  } catch (error) {
    if (!(error instanceof ProtobufError)) throw error;
    return status(400, "BadRequest", `the object provided is unrecognized (must be of type ${def.kind}): ${error.message} (${summarizeBody(body)})`);
  }
  // copyKindDefaults: what the envelope leaves out is the URL's.
  const kind = envelope.kind || def.kind;
  const apiVersion = envelope.apiVersion || apiVersionOfKind(def);
  const version = apiVersion.split("/").pop()!;
  if (!hasProtobufSchema(kind)) {
    if (kindByName(kind) === undefined) {
      return status(400, "BadRequest", `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${def.kind}: no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)} in scheme "pkg/api/legacyscheme/scheme.go:30"`);
    }
    // A kind the real server decodes but this one has no field numbers for: said plainly, not guessed at.
    return status(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (this playground reads ${kind} only as JSON or YAML: protobuf bodies are decoded for the kinds kubectl create writes)`);
  }
  try {
    return { value: { apiVersion, kind, ...decodeKindMessage(kind, envelope.raw) } };
  } catch (error) {
    if (!(error instanceof ProtobufError)) throw error;
    return status(400, "BadRequest", `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${def.kind}: ${error.message}`);
  }
}

/** DeleteOptions in protobuf (kubectl drain's typed delete): any decode error is a plain bad request (delete.go). */
function protobufDeleteOptions(request: KubeApiWriteRequest): { value: Record<string, unknown> } | KubeApiResponse {
  try {
    const envelope = readEnvelope(bodyBytes(request));
    const kind = envelope.kind || "DeleteOptions";
    // The real server's scheme error for another kind was not checked against its sources: said in this server's words.
    if (kind !== "DeleteOptions") return status(400, "BadRequest", `the body is a ${kind}, not DeleteOptions`);
    return { value: decodeKindMessage("DeleteOptions", envelope.raw) };
  } catch (error) {
    if (!(error instanceof ProtobufError)) throw error;
    return status(400, "BadRequest", error.message);
  }
}

function unsupportedMediaType(contentType: string): KubeApiResponse {
  return status(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (${contentType || "no Content-Type"})`);
}

function mediaType(contentType: string): string {
  return contentType.split(";")[0].trim().toLowerCase();
}

function answer(result: { ok: true; value: KubeObject } | { ok: false; status: ApiStatus }, def: KindDefinition, code: number): KubeApiResponse {
  if (!result.ok) return statusResponse(result.status);
  return json(withType(def, result.value), code);
}

function withType(def: KindDefinition, object: KubeObject | AnyObject): Record<string, unknown> {
  return { ...(object as unknown as Record<string, unknown>), apiVersion: apiVersionOfKind(def), kind: def.kind };
}

function statusResponse(s: ApiStatus): KubeApiResponse {
  return status(s.code, s.reason, s.message, s.details as Record<string, unknown> | undefined);
}

/** The name a create asked for, whatever its body's encoding. */
function requestName(request: KubeApiWriteRequest): string | undefined {
  if (mediaType(request.contentType) !== PROTOBUF) return nameIn(request.body, request.contentType);
  try {
    const envelope = readEnvelope(bodyBytes(request));
    if (!hasProtobufSchema(envelope.kind)) return undefined;
    const name = (decodeKindMessage(envelope.kind, envelope.raw).metadata as { name?: unknown } | undefined)?.name;
    return typeof name === "string" && name !== "" ? name : undefined;
  } catch {
    return undefined;
  }
}

function nameIn(body: string, contentType: string): string | undefined {
  try {
    const type = mediaType(contentType);
    const value = (type === "application/yaml" ? parseYaml(body, { version: "1.1" }) : JSON.parse(body)) as { metadata?: { name?: unknown } } | null;
    const name = value?.metadata?.name;
    return typeof name === "string" && name !== "" ? name : undefined;
  } catch {
    return undefined;
  }
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** `POST pods web`, `PATCH deployments/scale api -n prod`, `DELETE pods -l app=web`. */
function summaryOf(method: string, target: Target, response?: KubeApiResponse, request?: KubeApiWriteRequest): string {
  let name = target.name;
  if (name === undefined && method === "POST") {
    // The name the server gave (generateName), else the one the client asked for.
    const created = response && response.status < 300 ? nameIn(response.body, "application/json") : undefined;
    name = created ?? (request ? requestName(request) : undefined);
  }
  const resource = target.subresource === undefined ? target.def.plural : `${target.def.plural}/${target.subresource}`;
  const ns = target.namespace !== undefined && target.namespace !== "default" ? ` -n ${target.namespace}` : "";
  return `${method} ${resource}${name === undefined ? "" : ` ${name}`}${ns}`;
}
