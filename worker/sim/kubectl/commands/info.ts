// kubectl version, cluster-info, api-resources.

import type { Command } from "../command.ts";
import { fail } from "../context.ts";
import { tableWriter, tabwrite } from "../printers/tabwriter.ts";
import { servedResourceTypes } from "../resources.ts";
import { servedVerbs } from "../../kinds/verbs.ts";
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
    { name: "api-group", type: "string", usage: "Limit to resources in the specified API group." },
    { name: "cached", type: "bool", usage: "Use the cached list of resources if available." },
    { name: "categories", type: "stringSlice", usage: "Limit to resources that belong to the specified categories." },
    { name: "namespaced", type: "bool", defaultValue: "true", usage: "If false, non-namespaced resources will be returned, otherwise returning namespaced resources by default." },
    { name: "no-headers", type: "bool", usage: "When using the default or custom-column output format, don't print headers (default print headers)." },
    { name: "output", short: "o", type: "string", usage: "Output format. One of: (json, yaml, name, wide)." },
    { name: "sort-by", type: "string", usage: "If non-empty, sort list of resources using specified field. The field can be either 'name' or 'kind'." },
    { name: "verbs", type: "stringSlice", usage: "Limit to resources that support the specified verbs." },
  ],
  run: (k, flags) => {
    const sortBy = flags.string("sort-by");
    if (sortBy !== "" && sortBy !== "name" && sortBy !== "kind") return fail(k, "error: --sort-by accepts only name or kind\n");
    const output = flags.string("output");
    if (!["", "wide", "name", "json", "yaml"].includes(output)) {
      return fail(k, `error: unable to match a printer suitable for the output format ${JSON.stringify(output)}, allowed formats are: json,name,wide,yaml\n`);
    }
    const verbs = flags.list("verbs");
    const categories = flags.list("categories");
    // apiresources.go: filters by group, scope, verbs and categories, then a stable sort by group
    // (or name or kind), ties by name.
    let types = servedResourceTypes(k.ctx.tx.state).filter(
      (t) =>
        (!flags.changed("api-group") || t.group === flags.string("api-group")) &&
        (!flags.changed("namespaced") || t.namespaced === flags.bool("namespaced")) &&
        verbs.every((v) => servedVerbs(t.def).includes(v)) &&
        categories.every((c) => t.def.categories.includes(c)),
    );
    const keyOf = (t: (typeof types)[number]): string => (sortBy === "name" ? t.name : sortBy === "kind" ? t.kind : t.group);
    types = types.sort((a, b) => (keyOf(a) === keyOf(b) ? a.name.localeCompare(b.name) : keyOf(a) < keyOf(b) ? -1 : 1));
    if (output === "json" || output === "yaml") {
      // The flattened APIResourceList kubectl prints: discovery's fields, with group and version set.
      const list = {
        kind: "APIResourceList",
        apiVersion: "v1",
        groupVersion: "",
        resources: types.map((t) => ({
          name: t.name,
          singularName: t.singular,
          namespaced: t.namespaced,
          ...(t.group ? { group: t.group } : {}),
          version: t.version,
          kind: t.kind,
          verbs: servedVerbs(t.def),
          ...(t.shortNames.length > 0 ? { shortNames: t.shortNames } : {}),
          ...(t.def.categories.length > 0 ? { categories: t.def.categories } : {}),
        })),
      };
      // The JSON printer marshals the typed list (fields in struct order, 4 spaces); YAML goes through a map (keys sorted).
      k.out(output === "json" ? `${JSON.stringify(list, null, 4)}\n` : toYaml(list));
      return 0;
    }
    if (output === "name") {
      k.out(types.map((t) => (t.group ? `${t.name}.${t.group}\n` : `${t.name}\n`)).join(""));
      return 0;
    }
    const wide = output === "wide";
    const rows = flags.bool("no-headers") ? [] : [wide ? "NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND\tVERBS\tCATEGORIES" : "NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND"];
    for (const t of types) {
      const row = `${t.name}\t${t.shortNames.join(",")}\t${t.group ? `${t.group}/${t.version}` : t.version}\t${t.namespaced}\t${t.kind}`;
      rows.push(wide ? `${row}\t${servedVerbs(t.def).join(",")}\t${t.def.categories.join(",")}` : row);
    }
    if (rows.length > 0) k.out(tabwrite(rows.join("\n") + "\n", tableWriter));
    return 0;
  },
};
