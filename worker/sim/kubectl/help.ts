// `kubectl --help`, `kubectl help <cmd>` and `kubectl <cmd> --help`, in kubectl's templates
// (shortened: the playground shows the flags it understands).

import type { Command } from "./command.ts";
import type { FlagSpec } from "./flags.ts";

const groups: Array<[string, string[]]> = [
  ["Basic Commands (Beginner)", ["create", "expose", "run", "set"]],
  ["Basic Commands (Intermediate)", ["explain", "get", "edit", "delete"]],
  ["Deploy Commands", ["rollout", "scale", "autoscale"]],
  ["Cluster Management Commands", ["certificate", "cluster-info", "top", "cordon", "uncordon", "drain", "taint"]],
  ["Troubleshooting and Debugging Commands", ["describe", "logs", "attach", "exec", "port-forward", "proxy", "cp", "auth", "debug", "events"]],
  ["Advanced Commands", ["diff", "apply", "patch", "replace", "wait", "kustomize"]],
  ["Settings Commands", ["label", "annotate", "completion"]],
  ["Subcommands provided by plugins", []],
  ["Other Commands", ["api-resources", "api-versions", "config", "plugin", "version"]],
];

/** kubectl's commands in the order it registers them (cobra suggests in this order). */
export const commandOrder: string[] = [...groups.flatMap(([, names]) => names), "options"];

/** Real kubectl commands and their one-line help, also those the playground does not run. */
export const realShorts: Record<string, string> = {
  set: "Set specific features on objects",
  explain: "Get documentation for a resource",
  edit: "Edit a resource on the server",
  autoscale: "Auto-scale a deployment, replica set, stateful set, or replication controller",
  certificate: "Modify certificate resources",
  top: "Display resource (CPU/memory) usage",
  cordon: "Mark node as unschedulable",
  uncordon: "Mark node as schedulable",
  drain: "Drain node in preparation for maintenance",
  taint: "Update the taints on one or more nodes",
  attach: "Attach to a running container",
  "port-forward": "Forward one or more local ports to a pod",
  proxy: "Run a proxy to the Kubernetes API server",
  cp: "Copy files to and from containers",
  auth: "Inspect authorization",
  debug: "Create debugging sessions for troubleshooting workloads and nodes",
  events: "List events",
  diff: "Diff the live version against a would-be applied version",
  replace: "Replace a resource by file name or stdin",
  kustomize: "Build a kustomization target from a directory or URL",
  annotate: "Update the annotations on a resource",
  completion: "Output shell completion code for the specified shell (bash, zsh, fish, or powershell)",
  "api-versions": 'Print the supported API versions on the server, in the form of "group/version"',
  config: "Modify kubeconfig files",
  plugin: "Provides utilities for interacting with plugins",
  options: "Print the list of flags inherited by all commands",
};

export function rootHelp(commands: readonly Command[]): string {
  const short = (name: string) => commands.find((c) => c.name === name)?.short ?? realShorts[name] ?? "";
  let out = "kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n\n";
  for (const [title, names] of groups) {
    out += `${title}:\n`;
    for (const name of names) out += `  ${name.padEnd(14)}  ${short(name)}\n`;
    out += "\n";
  }
  out += `Usage:\n  kubectl [flags] [options]\n\nUse "kubectl <command> --help" for more information about a given command.\nUse "kubectl options" for a list of global command-line options (applies to all commands).\n`;
  return out;
}

function flagDefault(spec: FlagSpec): string {
  if (spec.type === "bool") return spec.defaultValue ?? "false";
  if (spec.type === "int") return spec.defaultValue ?? "0";
  if (spec.type === "stringArray" || spec.type === "stringSlice") return "[]";
  return `'${spec.defaultValue ?? ""}'`;
}

export function commandHelp(command: Command, path: string): string {
  let out = `${command.long ?? command.short}\n\n`;
  if (command.subcommands?.length) {
    out += "Available Commands:\n";
    // cobra pads names to the longest one (at least 11), then three spaces.
    const width = Math.max(11, ...command.subcommands.map((sub) => sub.name.length));
    for (const sub of command.subcommands) out += `  ${sub.name.padEnd(width)}   ${sub.short}\n`;
    out += "\n";
  }
  // kubectl indents every example line, blank ones too (templates.Examples).
  if (command.examples) out += `Examples:\n${command.examples.replace(/^$/gm, "  ")}\n\n`;
  const flags = command.flags.filter((f) => f.usage).sort((a, b) => a.name.localeCompare(b.name));
  if (flags.length > 0) {
    out += "Options:\n";
    for (const f of flags) {
      out += `    ${f.short ? `-${f.short}, ` : ""}--${f.name}=${flagDefault(f)}:\n\t${f.usage}\n\n`;
    }
  }
  out += `Usage:\n  kubectl ${command.usage} [options]\n\n`;
  if (command.subcommands?.length) out += `Use "${path} <command> --help" for more information about a given command.\n`;
  out += `Use "kubectl options" for a list of global command-line options (applies to all commands).\n`;
  return out;
}

/** cobra's suggestions: Levenshtein distance <= 2 (case-insensitive) or a prefix match. */
export function suggestionsFor(typed: string, names: readonly string[]): string[] {
  const lower = typed.toLowerCase();
  return names.filter((name) => levenshtein(lower, name.toLowerCase()) <= 2 || (lower.length > 0 && name.toLowerCase().startsWith(lower)));
}

function levenshtein(a: string, b: string): number {
  const d: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}
