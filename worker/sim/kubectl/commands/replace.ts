// kubectl replace -f (replace.go): each object of the files PUT over the live one as it is (no
// merge: fields the file lacks are gone, except those the API server keeps, such as a Service's
// clusterIP); a resourceVersion in the file must still be the live one. --force deletes each
// object, waits until it is gone, and creates it from the file.

import type { ResourceKind } from "../../cluster/api-status.ts";
import type { SubmittedObject } from "../../cluster/types.ts";
import { create, get, remove, update, waitUntil } from "../api.ts";
import { filenameFlag, saveConfigFlag, validateFlag, validateFlagError, type Command } from "../command.ts";
import { fail, type Kubectl } from "../context.ts";
import { statusErrorText, usageErrorText } from "../errors.ts";
import type { Flags } from "../flags.ts";
import { kindString } from "../resources.ts";
import { createOrUpdateAnnotation } from "../last-applied.ts";
import { reportErrors } from "./common.ts";
import { fileObjects } from "./file-objects.ts";

export const replaceCommand: Command = {
  name: "replace",
  short: "Replace a resource by file name or stdin",
  long: `Replace a resource by file name or stdin.

 JSON and YAML formats are accepted. If replacing an existing resource, the complete resource spec must be provided. This can be obtained by

        $ kubectl get TYPE NAME -o yaml`,
  usage: "replace -f FILENAME",
  examples: `  # Replace a pod using the data in pod.json
  kubectl replace -f ./pod.json

  # Replace a pod based on the JSON passed into stdin
  cat pod.json | kubectl replace -f -

  # Force replace, delete and then re-create the resource
  kubectl replace --force -f ./pod.json`,
  flags: [
    filenameFlag,
    validateFlag,
    saveConfigFlag,
    { name: "force", type: "bool", usage: "If true, immediately remove resources from API and bypass graceful deletion. Note that immediate deletion of some resources may result in inconsistency or data loss and requires confirmation." },
    { name: "grace-period", type: "int", defaultValue: "-1", usage: "Period of time in seconds given to the resource to terminate gracefully. Ignored if negative. Set to 1 for immediate shutdown. Can only be set to 0 when --force is true (force deletion)." },
  ],
  run: runReplace,
};

function runReplace(k: Kubectl, flags: Flags): number {
  if (flags.list("filename").length === 0) return fail(k, usageErrorText(k.path, "Must specify --filename to replace"));
  const invalidDirective = flags.has("validate") ? validateFlagError(flags.string("validate")) : undefined;
  if (invalidDirective) return fail(k, invalidDirective);
  const read = fileObjects(k, flags, "replacing");
  if (typeof read === "number") return read;
  const objects = read.map((o) => ({ ...o, object: createOrUpdateAnnotation(flags.bool("save-config"), o.object) }));
  const errors: string[] = [];
  const whenReplacing = (text: string, source: string) => text.replace(/^(Error from server \([A-Za-z]+\)): /, `$1: error when replacing "${source}": `);
  if (!flags.bool("force")) {
    for (const { type, object, source, name } of objects) {
      const result = update(k, object as unknown as SubmittedObject);
      if (!result.ok) {
        errors.push(result.status.reason === "Invalid" ? statusErrorText(result.status) : whenReplacing(statusErrorText(result.status), source));
        continue;
      }
      k.out(`${kindString(type)}/${name} replaced\n`);
    }
    return reportErrors(k, errors);
  }
  // --force: delete all (kubectl's delete lines), wait until they are gone, then create each.
  const grace = flags.int("grace-period");
  for (const { type, namespace, name } of objects) {
    const result = remove(k, type.name as ResourceKind, namespace, name, grace >= 0 ? grace : undefined);
    if (!result.ok) {
      // Nothing to delete is fine: the object is created below.
      if (result.status.reason !== "NotFound") return fail(k, statusErrorText(result.status));
      continue;
    }
    k.out(`${kindString(type)} "${name}" deleted${type.namespaced ? ` from ${namespace} namespace` : ""}\n`);
  }
  const gone = () => objects.every(({ type, namespace, name }) => !get(k, type.name as ResourceKind, namespace, name).ok);
  if (!waitUntil(k, 5 * 60_000, gone)) return fail(k, "error: timed out waiting for the condition");
  for (const { type, object, source, name } of objects) {
    // resource.Helper.Create with modify: the file's resourceVersion is cleared before the POST.
    const metadata = { ...(object.metadata as Record<string, unknown>) };
    delete metadata.resourceVersion;
    const result = create(k, { ...object, metadata } as unknown as SubmittedObject);
    if (!result.ok) {
      errors.push(result.status.reason === "Invalid" ? statusErrorText(result.status) : whenReplacing(statusErrorText(result.status), source));
      continue;
    }
    k.out(`${kindString(type)}/${name} replaced\n`);
  }
  return reportErrors(k, errors);
}
