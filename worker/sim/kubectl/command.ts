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
  { name: "namespace", short: "n", type: "string", usage: "If present, the namespace scope for this CLI request" },
  { name: "kubeconfig", type: "string", usage: "Path to the kubeconfig file to use for CLI requests." },
  { name: "context", type: "string", usage: "The name of the kubeconfig context to use" },
  { name: "cluster", type: "string", usage: "The name of the kubeconfig cluster to use" },
  { name: "user", type: "string", usage: "The name of the kubeconfig user to use" },
  { name: "request-timeout", type: "string", defaultValue: "0", usage: "The length of time to wait before giving up on a single server request." },
  { name: "v", short: "v", type: "int", defaultValue: "0", usage: "number for the log level verbosity" },
  { name: "help", short: "h", type: "bool", usage: "help for this command" },
];

export const outputFlag: FlagSpec = {
  name: "output",
  short: "o",
  type: "string",
  usage: "Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file, custom-columns, custom-columns-file, wide).",
};
export const selectorFlag: FlagSpec = {
  name: "selector",
  short: "l",
  type: "string",
  usage: "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2,key3 in (value3)). Matching objects must satisfy all of the specified label constraints.",
};
export const fieldSelectorFlag: FlagSpec = {
  name: "field-selector",
  type: "string",
  usage: "Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type.",
};
export const allNamespacesFlag: FlagSpec = {
  name: "all-namespaces",
  short: "A",
  type: "bool",
  usage: "If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.",
};
export const filenameFlag: FlagSpec = { name: "filename", short: "f", type: "stringSlice", usage: "The files that contain the configurations to apply." };
export const dryRunFlag: FlagSpec = {
  name: "dry-run",
  type: "string",
  noOptDefault: "unchanged",
  defaultValue: "none",
  usage: `Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.`,
};
