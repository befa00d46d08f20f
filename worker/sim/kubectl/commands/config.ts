// kubectl config: read and change the kubeconfig of the machine kubectl runs on. Learners use it
// to see which cluster they talk to and to switch the namespace they work in
// (`kubectl config set-context --current --namespace=dev`).

import type { Command } from "../command.ts";
import { fail, type Kubectl } from "../context.ts";
import type { Flags } from "../flags.ts";
import { ADMIN_CONTEXT, apiServerURL, clusterNames, kubeconfigDocument, userNames, kubeconfigOf, kubeconfigPath, withKubeconfig, type KubeContext, type Kubeconfig } from "../kubeconfig.ts";
import { runJsonPath } from "../printers/jsonpath.ts";
import { toJson, toYaml } from "../printers/serialize.ts";
import { tableWriter, tabwrite } from "../printers/tabwriter.ts";

function read(k: Kubectl): Kubeconfig {
  return kubeconfigOf(k.ctx.shell[k.ctx.shell.length - 1]);
}

function write(k: Kubectl, kubeconfig: Kubeconfig): void {
  const shell = k.ctx.shell;
  shell[shell.length - 1] = withKubeconfig(shell[shell.length - 1], kubeconfig);
}

const currentContext: Command = {
  name: "current-context",
  short: "Display the current-context",
  long: "Display the current-context.",
  usage: "config current-context [flags]",
  examples: `  # Display the current-context
  kubectl config current-context`,
  flags: [],
  run: (k) => {
    const name = read(k).currentContext;
    if (!name) return fail(k, "error: current-context is not set");
    k.out(`${name}\n`);
    return 0;
  },
};

const getContexts: Command = {
  name: "get-contexts",
  short: "Describe one or many contexts",
  long: "Display one or many contexts from the kubeconfig file.",
  usage: "config get-contexts [(-o|--output=)name)]",
  examples: `  # List all the contexts in your kubeconfig file
  kubectl config get-contexts

  # Describe one context in your kubeconfig file
  kubectl config get-contexts my-context`,
  flags: [
    { name: "no-headers", type: "bool", usage: "Leave out the header line of the table." },
    { name: "output", short: "o", type: "string", usage: "Print only the names with 'name'; the default is a table." },
  ],
  run: (k, flags) => {
    const output = flags.string("output");
    if (output !== "" && output !== "name") return fail(k, `error: --output ${output} is not available in kubectl config get-contexts; resetting to default output format`);
    const kubeconfig = read(k);
    const wanted = flags.args;
    const shown: KubeContext[] = [];
    const missing: string[] = [];
    if (wanted.length === 0) shown.push(...[...kubeconfig.contexts].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
    for (const name of wanted) {
      const context = kubeconfig.contexts.find((c) => c.name === name);
      if (context) shown.push(context);
      else missing.push(name);
    }
    if (output === "name") {
      k.out(shown.map((c) => `${c.name}\n`).join(""));
    } else {
      const rows = flags.bool("no-headers") ? [] : ["CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE"];
      for (const c of shown) rows.push(`${c.name === kubeconfig.currentContext ? "*" : ""}\t${c.name}\t${c.cluster}\t${c.user}\t${c.namespace ?? ""}`);
      if (rows.length > 0) k.out(tabwrite(rows.join("\n") + "\n", tableWriter));
    }
    if (missing.length > 0) return fail(k, missing.map((name) => `error: context ${name} not found`).join("\n"));
    return 0;
  },
};

const setContext: Command = {
  name: "set-context",
  short: "Set a context entry in kubeconfig",
  long: `Set a context entry in kubeconfig.

 Naming a context that exists changes only the fields given; other fields keep their values.`,
  usage: "config set-context [NAME | --current] [--cluster=cluster_nickname] [--user=user_nickname] [--namespace=namespace]",
  examples: `  # Work in the dev namespace from now on
  kubectl config set-context --current --namespace=dev

  # Set the user field on the gce context entry without touching other values
  kubectl config set-context gce --user=cluster-admin`,
  flags: [
    { name: "current", type: "bool", usage: "Change the context in use instead of one named on the command line." },
    { name: "cluster", type: "string", usage: "The cluster entry the context points at." },
    { name: "user", type: "string", usage: "The user entry the context authenticates as." },
    { name: "namespace", type: "string", usage: "The namespace kubectl works in when -n is not given." },
  ],
  run: (k, flags) => setContextRun(k, flags),
};

function setContextRun(k: Kubectl, flags: Flags): number {
  const kubeconfig = read(k);
  const current = flags.bool("current");
  if (current && flags.args.length > 0) return fail(k, "error: you cannot specify both a context name and --current");
  if (!current && flags.args.length > 1) return fail(k, `error: Unexpected args: [${flags.args.slice(1).join(" ")}]`);
  const name = current ? kubeconfig.currentContext : (flags.args[0] ?? "");
  if (name === "") return fail(k, current ? "error: no current context is set" : "error: you must specify a non-empty context name or --current");
  const existing = kubeconfig.contexts.find((c) => c.name === name);
  const next: KubeContext = { ...(existing ?? { name, cluster: "", user: "" }) };
  if (flags.changed("cluster")) next.cluster = flags.string("cluster");
  if (flags.changed("user")) next.user = flags.string("user");
  // Only the command's own --namespace counts here; kubectl's global -n means the same flag.
  if (flags.changed("namespace")) {
    const namespace = flags.string("namespace");
    if (namespace) next.namespace = namespace;
    else delete next.namespace;
  }
  const contexts = existing ? kubeconfig.contexts.map((c) => (c === existing ? next : c)) : [...kubeconfig.contexts, next];
  write(k, { ...kubeconfig, contexts });
  k.out(`Context "${name}" ${existing ? "modified" : "created"}.\n`);
  return 0;
}

const useContext: Command = {
  name: "use-context",
  aliases: ["use"],
  short: "Set the current-context in a kubeconfig file",
  long: "Set the current-context in a kubeconfig file.",
  usage: "config use-context CONTEXT_NAME",
  examples: `  # Switch back to the cluster's admin context
  kubectl config use-context ${ADMIN_CONTEXT}`,
  flags: [],
  run: (k, flags) => {
    if (flags.args.length !== 1) return fail(k, `error: Unexpected args: [${flags.args.join(" ")}]`);
    const kubeconfig = read(k);
    const name = flags.args[0];
    if (!kubeconfig.contexts.some((c) => c.name === name)) return fail(k, `error: no context exists with the name: "${name}"`);
    write(k, { ...kubeconfig, currentContext: name });
    k.out(`Switched to context "${name}".\n`);
    return 0;
  },
};

const deleteContext: Command = {
  name: "delete-context",
  short: "Delete the specified context from the kubeconfig",
  long: "Delete the specified context from the kubeconfig.",
  usage: "config delete-context CONTEXT_NAME",
  examples: `  # Delete the context for the minikube cluster
  kubectl config delete-context minikube`,
  flags: [],
  run: (k, flags) => {
    if (flags.args.length !== 1) return fail(k, `error: Unexpected args: [${flags.args.join(" ")}]`);
    const kubeconfig = read(k);
    const name = flags.args[0];
    const path = kubeconfigPath(k.ctx.shell[k.ctx.shell.length - 1]);
    if (!kubeconfig.contexts.some((c) => c.name === name)) return fail(k, `error: cannot delete context ${name}, not in ${path}`);
    if (name === kubeconfig.currentContext) {
      k.err('warning: this removed your active context, use "kubectl config use-context" to select a different one\n');
    }
    write(k, { ...kubeconfig, contexts: kubeconfig.contexts.filter((c) => c.name !== name) });
    k.out(`deleted context ${name} from ${path}\n`);
    return 0;
  },
};

const getClusters: Command = {
  name: "get-clusters",
  short: "Display clusters defined in the kubeconfig",
  long: "Display clusters defined in the kubeconfig.",
  usage: "config get-clusters [flags]",
  examples: `  # List the clusters that kubectl knows about
  kubectl config get-clusters`,
  flags: [],
  run: (k) => {
    k.out(`NAME\n${clusterNames(read(k)).map((name) => `${name}\n`).join("")}`);
    return 0;
  },
};

const getUsers: Command = {
  name: "get-users",
  short: "Display users defined in the kubeconfig",
  long: "Display users defined in the kubeconfig.",
  usage: "config get-users [flags]",
  examples: `  # List the users that kubectl knows about
  kubectl config get-users`,
  flags: [],
  run: (k) => {
    k.out(`NAME\n${userNames(read(k)).map((name) => `${name}\n`).join("")}`);
    return 0;
  },
};

const view: Command = {
  name: "view",
  short: "Display merged kubeconfig settings or a specified kubeconfig file",
  long: `Display merged kubeconfig settings or a specified kubeconfig file.

 --output jsonpath={...} picks single values out of it.`,
  usage: "config view [flags]",
  examples: `  # Show merged kubeconfig settings
  kubectl config view

  # Show only what the current context uses
  kubectl config view --minify

  # Get the API server's address
  kubectl config view -o jsonpath='{.clusters[0].cluster.server}'`,
  flags: [
    { name: "minify", type: "bool", usage: "Show only what the current context uses." },
    { name: "raw", type: "bool", usage: "Show certificate data and secrets instead of redacting them." },
    { name: "flatten", type: "bool", usage: "Inline referenced files into the output." },
    { name: "output", short: "o", type: "string", defaultValue: "yaml", usage: "Output format: yaml (the default), json or jsonpath=TEMPLATE." },
  ],
  run: (k, flags) => {
    if (flags.bool("raw") || flags.bool("flatten")) {
      return fail(k, "error: the playground does not show the kubeconfig's certificate data (--raw, --flatten); `kubectl config view` shows the rest");
    }
    const kubeconfig = read(k);
    if (flags.bool("minify")) {
      if (!kubeconfig.currentContext) return fail(k, "error: current-context must exist in order to minify");
      if (!kubeconfig.contexts.some((c) => c.name === kubeconfig.currentContext)) return fail(k, `error: cannot locate context ${kubeconfig.currentContext}`);
    }
    // The workstation's entries name the session's clusters; a control plane's admin.conf its own.
    const clusters = k.ctx.shell[k.ctx.shell.length - 1].kind === "workstation" ? k.ctx.clusters : undefined;
    const server = (name: string) => apiServerURL((clusters?.tx(name) ?? k.ctx.tx).state);
    const document = kubeconfigDocument(kubeconfig, flags.bool("minify"), server);
    const output = flags.string("output");
    if (output === "yaml") k.out(toYaml(document));
    else if (output === "json") k.out(toJson(document));
    else if (output.startsWith("jsonpath=")) {
      const result = runJsonPath(output.slice("jsonpath=".length), document);
      if (!result.ok) return fail(k, result.error);
      k.out(result.output);
    } else return fail(k, `error: unable to match a printer suitable for the output format "${output}", allowed formats are: json,jsonpath,jsonpath-as-json,jsonpath-file,yaml`);
    return 0;
  },
};

export const configCommand: Command = {
  name: "config",
  short: "Modify kubeconfig files",
  long: `Modify kubeconfig files using subcommands like "kubectl config set current-context my-context".

 Here the file is ~/.kube/config of the machine kubectl runs on: kubeadm's admin.conf, with one
 cluster (kubernetes) and one user (kubernetes-admin).`,
  usage: "config SUBCOMMAND",
  flags: [],
  subcommands: [currentContext, deleteContext, getClusters, getContexts, getUsers, setContext, useContext, view],
};
