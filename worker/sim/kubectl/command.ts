// A kubectl command as cobra defines it: name, help texts, flags, and what it runs.

import type { Kubectl } from "./context.ts";
import type { FlagSpec, Flags } from "./flags.ts";

export interface Command {
  name: string;
  aliases?: string[];
  /** One line, shown in `kubectl --help`. */
  short: string;
  /** Shown by `kubectl <cmd> --help`. */
  long?: string;
  /** The part after `kubectl `, e.g. `get [(-o|--output=)json|yaml|wide] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags]`. */
  usage: string;
  examples?: string;
  flags: FlagSpec[];
  run?: (k: Kubectl, flags: Flags) => number;
  subcommands?: Command[];
}

/** Flags every kubectl command accepts (kubectl's persistent flags, the ones that matter here). */
export const globalFlags: FlagSpec[] = [
  { name: "namespace", short: "n", type: "string", usage: "Namespace to work in for this command, instead of the current one" },
  { name: "kubeconfig", type: "string", usage: "Kubeconfig file to read cluster, user and context settings from." },
  { name: "context", type: "string", usage: "Kubeconfig context to use for this command" },
  { name: "cluster", type: "string", usage: "Kubeconfig cluster to talk to for this command" },
  { name: "user", type: "string", usage: "Kubeconfig user to authenticate as for this command" },
  { name: "request-timeout", type: "string", defaultValue: "0", usage: "How long one request to the API server may take before kubectl stops waiting (0 means no limit)." },
  { name: "v", short: "v", type: "int", defaultValue: "0", usage: "how much kubectl logs about its own work (higher is chattier)" },
  { name: "help", short: "h", type: "bool", usage: "show this help" },
];

export const outputFlag: FlagSpec = {
  name: "output",
  short: "o",
  type: "string",
  usage: "How to print the result: a table by default, or one of (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file, custom-columns, custom-columns-file, wide).",
};
export const templateFlag: FlagSpec = {
  name: "template",
  type: "string",
  usage: "Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].",
};
export const selectorFlag: FlagSpec = {
  name: "selector",
  short: "l",
  type: "string",
  usage: "Keep only objects whose labels match, e.g. -l app=web,tier!=db or -l 'env in (dev,test)'. Operators: '=', '==', '!=', 'in', 'notin'; every comma-separated part must match.",
};
export const fieldSelectorFlag: FlagSpec = {
  name: "field-selector",
  type: "string",
  usage: "Keep only objects whose fields match, e.g. --field-selector status.phase=Running,spec.nodeName=node-1. Operators: '=', '==', '!='; each resource type allows only a few fields.",
};
export const allNamespacesFlag: FlagSpec = {
  name: "all-namespaces",
  short: "A",
  type: "bool",
  usage: "Look in every namespace at once; any --namespace or context namespace is ignored.",
};
export const filenameFlag: FlagSpec = { name: "filename", short: "f", type: "stringSlice", usage: "Manifest file(s) describing the objects; '-' reads from standard input." };
/**
 * kubectl's --validate (strict/true, warn, ignore/false). The console's API server checks what it
 * stores whatever the directive; the flag is read so that a command written for real kubectl runs.
 */
export const validateFlag: FlagSpec = {
  name: "validate",
  type: "string",
  noOptDefault: "strict",
  defaultValue: "strict",
  usage: `Must be one of: strict (or true), warn, ignore (or false). "true" or "strict" will use a schema to validate the input and fail the request if invalid. "warn" will warn about unknown or duplicate fields without blocking the request. "false" or "ignore" will not perform any schema validation.`,
};

const GO_BOOLS = new Set(["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"]);

/** cmdutil.GetValidationDirective's refusal of a value it does not know, if it is one. */
export function validateFlagError(value: string): string | undefined {
  if (GO_BOOLS.has(value) || value === "strict" || value === "warn" || value === "ignore") return undefined;
  return `error: invalid - validate option ${JSON.stringify(value)}; must be one of: strict (or true), warn, ignore (or false)`;
}

/** kubectl's --save-config (cmdutil.AddApplyAnnotationFlags): record the configuration for a later apply. */
export const saveConfigFlag: FlagSpec = {
  name: "save-config",
  type: "bool",
  usage: "If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.",
};

export const dryRunFlag: FlagSpec = {
  name: "dry-run",
  type: "string",
  noOptDefault: "unchanged",
  defaultValue: "none",
  usage: `Try the change without saving it: "client" prints what would be sent, "server" has the API server check it but store nothing, "none" (the default) really makes the change.`,
};
