// kubectl version, cluster-info, api-resources.

import type { Command } from "../command.ts";
import { fail } from "../context.ts";
import { tableWriter, tabwrite } from "../printers/tabwriter.ts";
import { servedResourceTypes } from "../resources.ts";
import { toJson, toYaml } from "../printers/serialize.ts";
import { apiServerURL } from "../kubeconfig.ts";
import { serverVersion } from "../../cluster/version.ts";

/** The kustomize library kubectl v1.34 embeds. */
const KUSTOMIZE_VERSION = "v5.7.1";

export const versionCommand: Command = {
  name: "version",
  short: "Print the client and server version information",
  long: "Print the client and server version information for the current context.",
  usage: "version [flags]",
  examples: `  # Print the client and server versions for the current context
  kubectl version`,
  flags: [
    { name: "client", type: "bool", usage: "Print only kubectl's own version, without asking the cluster." },
    { name: "output", short: "o", type: "string", usage: "Print the versions as 'yaml' or 'json'." },
  ],
  run: (k, flags) => {
    const version = k.ctx.tx.state.config.kubernetesVersion;
    const info = serverVersion(version);
    const output = flags.string("output");
    const data: Record<string, unknown> = { clientVersion: info, kustomizeVersion: KUSTOMIZE_VERSION };
    if (!flags.bool("client")) data.serverVersion = info;
    if (output === "json") return k.out(toJson(data)), 0;
    if (output === "yaml") return k.out(toYaml(data)), 0;
    if (output !== "") return fail(k, "error: --output must be 'yaml' or 'json'");
    k.out(`Client Version: ${version}\nKustomize Version: ${KUSTOMIZE_VERSION}\n`);
    if (!flags.bool("client")) k.out(`Server Version: ${version}\n`);
    return 0;
  },
};

export const clusterInfoCommand: Command = {
  name: "cluster-info",
  short: "Display cluster information",
  long: "Display addresses of the control plane and services with label kubernetes.io/cluster-service=true.",
  usage: "cluster-info [flags]",
  examples: `  # Print the address of the control plane and cluster services
  kubectl cluster-info`,
  flags: [],
  run: (k, flags) => {
    if (flags.args[0] === "dump") return fail(k, "error: \"kubectl cluster-info dump\" is not available in this playground");
    const server = apiServerURL(k.ctx.tx.state);
    let out = `Kubernetes control plane is running at ${server}\n`;
    if (k.ctx.tx.state.services["kube-system/kube-dns"]) {
      out += `CoreDNS is running at ${server}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n`;
    }
    out += `\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n`;
    k.out(out);
    return 0;
  },
};

export const apiResourcesCommand: Command = {
  name: "api-resources",
  short: "Print the supported API resources on the server",
  long: "Print the supported API resources on the server.",
  usage: "api-resources [flags]",
  examples: `  # Print the supported API resources
  kubectl api-resources`,
  flags: [
    { name: "namespaced", type: "bool", defaultValue: "true", usage: "With =false, list only cluster-wide resource types; with =true, only namespaced ones." },
    { name: "output", short: "o", type: "string", usage: "How to print the list: 'wide' adds columns, 'name' prints just names." },
  ],
  run: (k, flags) => {
    let types = servedResourceTypes(k.ctx.tx.state).sort((a, b) => (a.group === b.group ? a.name.localeCompare(b.name) : a.group.localeCompare(b.group)));
    if (flags.changed("namespaced")) types = types.filter((t) => t.namespaced === flags.bool("namespaced"));
    if (flags.string("output") === "name") {
      k.out(types.map((t) => (t.group ? `${t.name}.${t.group}\n` : `${t.name}\n`)).join(""));
      return 0;
    }
    const rows = ["NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND"];
    for (const t of types) rows.push(`${t.name}\t${t.shortNames.join(",")}\t${t.group ? `${t.group}/${t.version}` : t.version}\t${t.namespaced}\t${t.kind}`);
    k.out(tabwrite(rows.join("\n") + "\n", tableWriter));
    return 0;
  },
};
