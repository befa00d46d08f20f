// Pieces several commands share: label specs, --dry-run, printing what was made.

import type { ApiResult } from "../../cluster/api-status.ts";
import type { KubeObject, SubmittedObject } from "../../cluster/types.ts";
import { create, createDryRun } from "../api.ts";
import type { FieldSelectorOption } from "../builder.ts";
import { fail, type Kubectl } from "../context.ts";
import { errorText, statusErrorText } from "../errors.ts";
import { templateFileReader } from "../files.ts";
import type { Flags } from "../flags.ts";
import { loadTemplate, parseOutputFormat, printStructured } from "../printers/output.ts";
import { kindString, lookupResource, resourceTypes, type ResourceType } from "../resources.ts";
import { createOrUpdateAnnotation } from "../last-applied.ts";

export type DryRun = "none" | "client" | "server";

export function dryRunOf(k: Kubectl, flags: Flags): DryRun | number {
  const value = flags.string("dry-run");
  if (value === "none" || value === "client" || value === "server") return value;
  if (value === "unchanged" || value === "true") {
    return fail(k, `error: --dry-run is deprecated and can be replaced with --dry-run=client.`);
  }
  return fail(k, `error: Invalid dry-run value (${value}). Must be "none", "server", or "client".`);
}

/**
 * A flag holding `a=b,c=d` (run/expose --labels, expose --selector): undefined when it is not
 * given, else the map, or the exit code after printing kubectl's error for it.
 */
export function labelMapFlag(k: Kubectl, flags: Flags, name: string): Record<string, string> | number | undefined {
  const text = flags.string(name);
  if (text === "") return undefined;
  const labels: Record<string, string> = {};
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.indexOf("=", eq + 1) >= 0) return fail(k, `error: unexpected label spec: ${part}`);
    const key = part.slice(0, eq);
    if (key === "") return fail(k, "error: unexpected empty label key");
    labels[key] = part.slice(eq + 1);
  }
  return labels;
}

/** The resource type of a kind the command itself names (`Deployment`), served or not. */
export function typeOfKind(kind: string): ResourceType {
  const found = resourceTypes.find((t) => t.kind === kind);
  if (!found) throw new Error(`no resource type for kind ${kind}`);
  return found;
}

/**
 * Creates an object (or pretends to, for --dry-run) and prints `kind/name <verb>` or the object
 * with -o. Returns the exit code.
 */
/**
 * `failedTo`: most typed creates (pkg/cmd/create/create_*.go) wrap the server's error,
 * `fmt.Errorf("failed to create configmap: %v", err)`: kubectl then prints `error: ` and it, the
 * Status's message without its reason (create_secret.go has no colon). Without it, the error is the
 * server's as it came (create namespace, role, clusterrole; run; expose).
 */
export function createAndPrint(k: Kubectl, flags: Flags, generated: SubmittedObject, verb: string, dryRun: DryRun, failedTo?: string): number {
  const obj = createOrUpdateAnnotation(flags.has("save-config") && flags.bool("save-config"), generated);
  // --template alone means -o go-template, as kubectl's PrintFlags have it.
  const output = flags.string("output") || (flags.string("template") !== "" ? "go-template" : "");
  const parsedFormat = parseOutputFormat(output, false, flags.string("template"));
  const format = parsedFormat.ok ? loadTemplate(parsedFormat.format, templateFileReader(k)) : parsedFormat;
  if (output !== "" && !format.ok) return fail(k, format.error);
  const type = typeOfKind(obj.kind);
  if (dryRun === "client") {
    const shown = { ...obj, metadata: { ...obj.metadata } } as SubmittedObject;
    if (type.namespaced && k.namespaceExplicit) shown.metadata!.namespace = k.namespace;
    return printResult(k, output, format, type, shown as unknown as KubeObject, `${verb} (dry run)`);
  }
  const submitted = type.namespaced ? { ...obj, metadata: { ...obj.metadata, namespace: k.namespace } } : obj;
  const result: ApiResult<KubeObject> = dryRun === "server" ? createDryRun(k, submitted) : create(k, submitted);
  if (!result.ok) return fail(k, failedTo === undefined ? statusErrorText(result.status) : `error: ${failedTo}${result.status.message}`);
  return printResult(k, output, format, type, result.value, dryRun === "server" ? `${verb} (server dry run)` : verb);
}

function printResult(
  k: Kubectl,
  output: string,
  format: ReturnType<typeof parseOutputFormat>,
  type: ResourceType,
  obj: KubeObject,
  verb: string,
): number {
  if (output !== "" && format.ok && format.format.kind !== "name") {
    const printed = printStructured(format.format, [{ type, objects: [obj as never] }], true, { readFile: templateFileReader(k) });
    k.out(printed.out);
    if (printed.error) return fail(k, printed.error);
    return 0;
  }
  k.out(output === "name" ? `${kindString(type)}/${obj.metadata.name}\n` : `${kindString(type)}/${obj.metadata.name} ${verb}\n`);
  return 0;
}

/** kubectl reports each object's failure after the work it could do; any failure makes the exit code 1. */
export function reportErrors(k: Kubectl, errors: string[]): number {
  for (const e of errors) k.err(e);
  return errors.length > 0 ? 1 : 0;
}

/** --field-selector as the builder takes it (FieldSelectorParam): trimmed, and none when empty. */
export function fieldSelectorOption(flags: Flags): FieldSelectorOption | undefined {
  const fieldSelector = flags.string("field-selector").trim();
  if (fieldSelector === "") return undefined;
  return { fieldSelector, labelSelector: flags.string("selector").trim() };
}

export function requireOneName(k: Kubectl, flags: Flags): string | number {
  if (flags.args.length !== 1) {
    return fail(k, `error: exactly one NAME is required, got ${flags.args.length}\nSee '${k.path} -h' for help and examples`);
  }
  return flags.args[0];
}

export { errorText };
