// kubectl apply -f and kubectl create -f (files, directories, `-` for standard input): each
// document created, or (apply) merged into the live object with the three-way rule of the
// last-applied-configuration annotation.

import { directiveOfValidateFlag, objectUnknownFields, strictDecodingError } from "../../api/field-validation.ts";
import { serverSideApply } from "../../api/managed-fields.ts";
import { rfc3339 } from "../../cluster/ids.ts";
import type { KubeObject, SubmittedObject } from "../../cluster/types.ts";
import { create, createDryRun, get, update } from "../api.ts";
import { dryRunFlag, filenameFlag, outputFlag, validateFlag, validateFlagError, type Command } from "../command.ts";
import { fail, type Kubectl } from "../context.ts";
import { statusErrorText } from "../errors.ts";
import type { FlagSpec, Flags } from "../flags.ts";
import { readManifestSources } from "../files.ts";
import { decodeError, parseCatalogued, parseManifests, validateManifest, type Manifest } from "../manifest.ts";
import { servesApiVersion } from "../../kinds/index.ts";
import { kindString, lookupResource } from "../resources.ts";
import { dryRunOf, reportErrors } from "./common.ts";
import { createOrUpdateAnnotation, LAST_APPLIED, missingLastAppliedWarning, parseLastApplied, withLastApplied } from "../last-applied.ts";


const serverSideFlag: FlagSpec = { name: "server-side", type: "bool", usage: "If true, apply runs in the server instead of the client." };
const forceConflictsFlag: FlagSpec = { name: "force-conflicts", type: "bool", usage: "If true, server-side apply will force the changes against conflicts." };
const fieldManagerFlag: FlagSpec = { name: "field-manager", type: "string", defaultValue: "kubectl-client-side-apply", usage: "Name of the manager used to track field ownership." };

export const applyCommand: Command = {
  name: "apply",
  short: "Apply a configuration to a resource by file name or stdin",
  long: `Make the cluster match the configuration in a file or in standard input.

 Objects that do not exist yet are created; existing ones are changed to what the file says, and the applied configuration is remembered in an annotation so that later applies can tell which fields were removed. Both YAML and JSON are read, and one file may hold several objects separated by ---.`,
  usage: "apply (-f FILENAME | -k DIRECTORY)",
  examples: `  # Create or update the objects in a manifest
  kubectl apply -f web.yaml

  # Apply a manifest piped in on standard input
  cat web.yaml | kubectl apply -f -

  # See what would be sent, without changing the cluster
  kubectl apply -f web.yaml --dry-run=client -o yaml`,
  flags: [filenameFlag, dryRunFlag, outputFlag, validateFlag, serverSideFlag, forceConflictsFlag, fieldManagerFlag],
  run: (k, flags) => {
    if (flags.list("filename").length === 0) {
      return fail(k, "error: must specify one of -f and -k");
    }
    return applyManifests(k, flags, flags.bool("server-side") ? "server-side" : "apply");
  },
};

/** What kubectl adds to a server-side apply's conflict (apply.go). */
const CONFLICT_ADVICE = `Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the \`--force-conflicts\` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
`;

/** --field-manager when given; else `kubectl` for server-side apply (kubectl's FieldManagerServerSide). */
function serverSideManager(flags: Flags): string {
  return flags.changed("field-manager") ? flags.string("field-manager") : "kubectl";
}

/**
 * `create`, client-side `apply` (the last-applied annotation and its three-way merge), or
 * `--server-side` apply: the API server merges the configuration itself and keeps no annotation,
 * so a CRD too big for the annotation's 256 KiB applies (`serverside-applied` either way), with
 * the API's field ownership (managedFields, conflicts between managers: api/managed-fields.ts).
 */
export function applyManifests(k: Kubectl, flags: Flags, mode: "create" | "apply" | "server-side"): number {
  const invalidDirective = flags.has("validate") ? validateFlagError(flags.string("validate")) : undefined;
  if (invalidDirective) return fail(k, invalidDirective);
  const read = readManifestSources(k, flags.list("filename"));
  if (!read.ok) return fail(k, read.error);
  const dryRun = dryRunOf(k, flags);
  if (typeof dryRun === "number") return dryRun;
  const all: Array<{ manifest: Manifest; source: string }> = [];
  for (const { source, text, catalogued } of read.sources) {
    const parsed = catalogued ? parseCatalogued(text, source) : parseManifests(text, source);
    if (!parsed.ok) return fail(k, parsed.error);
    for (const manifest of parsed.manifests) all.push({ manifest, source });
  }
  if (all.length === 0) return fail(k, `error: no objects passed to ${mode === "create" ? "create" : "apply"}`);
  const errors: string[] = [];
  for (const { manifest, source } of all) {
    const invalid = validateManifest(manifest, source);
    if (invalid) return fail(k, invalid);
  }
  for (const { manifest, source } of all) {
    // kubectl names the file each object came from in its errors (`STDIN` for standard input).
    const from = (text: string) => text.replace(/"STDIN"/g, JSON.stringify(source));
    const object = manifest.object;
    const kind = String(object.kind);
    const apiVersion = String(object.apiVersion);
    const metadata = (typeof object.metadata === "object" && object.metadata !== null ? object.metadata : {}) as Record<string, unknown>;
    const name = typeof metadata.name === "string" ? metadata.name : "";
    const type = lookupResource(kind, k.ctx.tx.state);
    // Kinds clients may write (a strategy in the registry); Nodes join through their kubelet.
    const servable = type.ok && type.type.def.strategy !== undefined && type.type.kind !== "Node" && type.type.kind === kind;
    if (!servable || !type.ok) {
      errors.push(from(`error: resource mapping not found for name: "${name}" namespace: "${typeof metadata.namespace === "string" ? metadata.namespace : ""}" from "STDIN": no matches for kind "${kind}" in version "${apiVersion}"\nensure CRDs are installed first\n`));
      continue;
    }
    if (!servesApiVersion(k.ctx.tx.state, type.type.def, apiVersion)) {
      errors.push(from(`error: resource mapping not found for name: "${name}" namespace: "" from "STDIN": no matches for kind "${kind}" in version "${apiVersion}"\nensure CRDs are installed first\n`));
      continue;
    }
    const decode = decodeError(manifest, mode === "create" ? "creating" : "applying");
    if (decode) {
      errors.push(from(decode.replace('error when applying "STDIN"', 'error when creating "STDIN"')));
      continue;
    }
    if (name === "") {
      errors.push(from(`error: error when retrieving current configuration of:\nResource: "${type.type.name}", GroupVersionKind: "${apiVersion}, Kind=${kind}"\nName: "", Namespace: "${k.namespace}"\nfrom server for: "STDIN": resource name may not be empty\n`));
      continue;
    }
    let namespace: string | undefined;
    if (type.type.namespaced) {
      const own = typeof metadata.namespace === "string" && metadata.namespace !== "" ? metadata.namespace : undefined;
      if (own && k.namespaceExplicit && own !== k.namespace) {
        errors.push(from(`error: the namespace from the provided object "${own}" does not match the namespace "${k.namespace}". You must pass '--namespace=${own}' to perform this operation.\n`));
        continue;
      }
      namespace = own ?? k.namespace;
    }
    const desired = stripStatus({ ...object, metadata: { ...metadata, ...(namespace ? { namespace } : {}) } });
    const label = `${kindString(type.type)}/${name}`;
    const existing = get(k, type.type.name as "pods", namespace, name);
    if (mode === "create" || !existing.ok) {
      if (mode === "create" && existing.ok) {
        errors.push(from(statusErrorText(alreadyExistsStatus(type.type.name, type.type.group, name)).replace(": ", ': error when creating "STDIN": ')));
        continue;
      }
      // kubectl sends the object as JSON with sorted keys and --validate's directive; the API
      // server's strict decoder names the fields the kind does not declare (server-side apply
      // types the configuration against the schema instead, not modelled yet).
      const directive = mode === "server-side" ? "Ignore" : directiveOfValidateFlag(flags.string("validate"));
      const unknown = directive === "Ignore" ? [] : objectUnknownFields(type.type.def, desired);
      if (unknown.length > 0 && directive === "Strict") {
        errors.push(from(`Error from server (BadRequest): error when creating "STDIN": ${kind} in version "${type.type.version}" cannot be handled as a ${kind}: ${strictDecodingError(unknown)}\n`));
        continue;
      }
      for (const warning of unknown) k.err(`Warning: ${warning}\n`);
      const submitted = mode === "apply" ? withLastApplied(desired) : mode === "server-side" ? (serverSideApply(undefined, desired, kind, apiVersion, serverSideManager(flags), flags.bool("force-conflicts"), rfc3339(k.ctx.tx.state.now)) as { object: Record<string, unknown> }).object : createOrUpdateAnnotation(flags.has("save-config") && flags.bool("save-config"), desired);
      const result = dryRun === "none" ? create(k, submitted as unknown as SubmittedObject) : createDryRun(k, submitted as unknown as SubmittedObject);
      if (!result.ok) {
        errors.push(from(result.status.reason === "Invalid" ? statusErrorText(result.status) : statusErrorText(result.status).replace(/^(Error from server \([A-Za-z]+\)): /, '$1: error when creating "STDIN": ')));
        continue;
      }
      k.out(`${label} ${mode === "server-side" ? "serverside-applied" : "created"}${dryRunSuffix(dryRun)}\n`);
      continue;
    }
    const live = existing.value;
    if (mode === "server-side") {
      const applied = serverSideApply(live as unknown as Record<string, unknown>, desired, kind, apiVersion, serverSideManager(flags), flags.bool("force-conflicts"), rfc3339(k.ctx.tx.state.now));
      if (!applied.ok) {
        errors.push(applied.code === 409 ? `error: ${applied.message}\n${CONFLICT_ADVICE}` : from(`Error from server (BadRequest): ${applied.message}\n`));
        continue;
      }
      const merged = applied.object;
      if (dryRun === "none") {
        const result = update(k, merged as unknown as SubmittedObject);
        if (!result.ok) {
          errors.push(from(statusErrorText(result.status)));
          continue;
        }
      }
      k.out(`${label} serverside-applied${dryRunSuffix(dryRun)}\n`);
      continue;
    }
    // kubectl warns before patching an object no apply made (apply.go's
    // warningNoLastAppliedConfigAnnotation, naming it as info.ObjectName() does); not on a client
    // dry run, which never patches.
    if (dryRun !== "client" && live.metadata.annotations?.[LAST_APPLIED] === undefined) {
      const resource = type.type.group ? `${type.type.name}.${type.type.group}` : type.type.name;
      k.err(missingLastAppliedWarning(`${resource}/${name}`));
    }
    const lastApplied = parseLastApplied(live);
    const patch = threeWay(lastApplied, withLastApplied(desired));
    const merged = mergePatch(stripStatus(live as unknown as Record<string, unknown>), patch) as Record<string, unknown>;
    delete (merged.metadata as Record<string, unknown>).resourceVersion;
    if (dryRun !== "none") {
      k.out(`${label} configured${dryRunSuffix(dryRun)}\n`);
      continue;
    }
    const result = update(k, merged as unknown as SubmittedObject);
    if (!result.ok) {
      errors.push(from(statusErrorText(result.status)));
      continue;
    }
    const changed = result.value.metadata.resourceVersion !== live.metadata.resourceVersion;
    k.out(`${label} ${changed ? "configured" : "unchanged"}\n`);
  }
  return reportErrors(k, errors);
}


function alreadyExistsStatus(resource: string, group: string, name: string) {
  const qualified = group ? `${resource}.${group}` : resource;
  return { code: 409, reason: "AlreadyExists" as const, message: `${qualified} "${name}" already exists` };
}

function dryRunSuffix(dryRun: string): string {
  return dryRun === "client" ? " (dry run)" : dryRun === "server" ? " (server dry run)" : "";
}

function stripStatus(object: Record<string, unknown>): Record<string, unknown> {
  const { status: _status, ...rest } = object;
  return rest;
}




const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** What to change: the new configuration, plus nulls for fields the last one had and this one dropped. */
export function threeWay(last: Record<string, unknown>, desired: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(desired)) {
    const d = desired[key];
    patch[key] = isMap(d) && isMap(last[key]) ? threeWay(last[key] as Record<string, unknown>, d) : d;
  }
  for (const key of Object.keys(last)) if (!(key in desired)) patch[key] = null;
  return patch;
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return patch;
  const out: Record<string, unknown> = isMap(target) ? { ...target } : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}
