// The objects of -f files as kubectl's resource builder hands them to replace and diff: each
// document's type (by kind and apiVersion), namespace (the file's, else -n's) and name, with the
// builder's errors in the words apply uses for the same mistakes.

import { fail, type Kubectl } from "../context.ts";
import type { Flags } from "../flags.ts";
import { readManifestSources } from "../files.ts";
import { parseCatalogued, parseManifests, validateManifest } from "../manifest.ts";
import { servesApiVersion } from "../../kinds/index.ts";
import { lookupResource, type ResourceType } from "../resources.ts";

export interface FileObject {
  type: ResourceType;
  namespace?: string;
  name: string;
  /** The document with its namespace filled in, status dropped (clients do not send it). */
  object: Record<string, unknown>;
  /** The file it came from, as kubectl names it in errors. */
  source: string;
}

/** The objects, or the exit code after the first error kubectl stops at. */
export function fileObjects(k: Kubectl, flags: Flags, verb: string): FileObject[] | number {
  const read = readManifestSources(k, flags.list("filename"));
  if (!read.ok) return fail(k, read.error);
  const out: FileObject[] = [];
  for (const { source, text, catalogued } of read.sources) {
    const parsed = catalogued ? parseCatalogued(text, source) : parseManifests(text, source);
    if (!parsed.ok) return fail(k, parsed.error);
    for (const manifest of parsed.manifests) {
      const invalid = validateManifest(manifest, source);
      if (invalid) return fail(k, invalid);
      const object = manifest.object;
      const kind = String(object.kind);
      const apiVersion = String(object.apiVersion);
      const metadata = (typeof object.metadata === "object" && object.metadata !== null ? object.metadata : {}) as Record<string, unknown>;
      const name = typeof metadata.name === "string" ? metadata.name : "";
      const own = typeof metadata.namespace === "string" && metadata.namespace !== "" ? metadata.namespace : undefined;
      const found = lookupResource(kind, k.ctx.tx.state);
      if (!found.ok || found.type.kind !== kind || !servesApiVersion(k.ctx.tx.state, found.type.def, apiVersion) || found.type.def.strategy === undefined) {
        return fail(k, `error: resource mapping not found for name: "${name}" namespace: "${own ?? ""}" from "${source}": no matches for kind "${kind}" in version "${apiVersion}"\nensure CRDs are installed first`);
      }
      if (name === "") return fail(k, `error: error when ${verb} "${source}": resource name may not be empty`);
      let namespace: string | undefined;
      if (found.type.namespaced) {
        if (own && k.namespaceExplicit && own !== k.namespace) {
          return fail(k, `error: the namespace from the provided object "${own}" does not match the namespace "${k.namespace}". You must pass '--namespace=${own}' to perform this operation.`);
        }
        namespace = own ?? k.namespace;
      }
      const { status: _status, ...rest } = object;
      out.push({ type: found.type, namespace, name, object: { ...rest, metadata: { ...metadata, ...(namespace ? { namespace } : {}) } }, source });
    }
  }
  return out;
}
