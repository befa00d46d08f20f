// kubectl get: tables, -o wide|name|yaml|json|jsonpath, --show-labels, -l, -n, -A.

import { fetchResources, parseResourceArgs } from "../builder.ts";
import { allNamespacesFlag, fieldSelectorFlag, outputFlag, selectorFlag, type Command } from "../command.ts";
import { fail, type Kubectl } from "../context.ts";
import { errorText } from "../errors.ts";
import type { Flags } from "../flags.ts";
import { parseOutputFormat, printStructured, printTables } from "../printers/output.ts";
import { parseSelector } from "../selector.ts";
import { sortObjects } from "../sort-by.ts";
import { watch } from "../watch.ts";
import { fieldSelectorOption, reportErrors } from "./common.ts";

export const ENDPOINTS_WARNING = "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n";

export const getCommand: Command = {
  name: "get",
  short: "Display one or many resources",
  long: `List resources, or show selected ones.

 The default output is a table with the most useful columns of each kind; -o wide adds more of them, and -o yaml, -o json, -o name, -o jsonpath=... and -o custom-columns=... print the objects in other forms. Namespaced kinds are listed from the current namespace only unless -n NAMESPACE or --all-namespaces (-A) is given. -l filters by labels and --field-selector by fields; --watch keeps printing changes as they happen.

Use "kubectl api-resources" for a complete list of supported resources.`,
  usage: "get [(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file|custom-columns|custom-columns-file|wide] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags]",
  examples: `  # List the pods in the current namespace
  kubectl get pods

  # Include the pod IP and the node each pod runs on
  kubectl get pods -o wide

  # List pods of every namespace
  kubectl get pods -A

  # Only the pods labelled app=web, with all their labels shown
  kubectl get pods -l app=web --show-labels

  # Several kinds at once
  kubectl get deployments,services,endpoints

  # One Service in full, as YAML
  kubectl get service web -o yaml

  # Just the IP of every pod
  kubectl get pods -o jsonpath='{.items[*].status.podIP}'

  # Pick your own columns
  kubectl get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName

  # Keep printing the pods as they change
  kubectl get pods --watch`,
  flags: [
    allNamespacesFlag,
    outputFlag,
    selectorFlag,
    fieldSelectorFlag,
    { name: "show-labels", type: "bool", usage: "Add a LABELS column listing each object's labels." },
    { name: "no-headers", type: "bool", usage: "Leave out the column header line of table and custom-columns output." },
    { name: "watch", short: "w", type: "bool", usage: "Print the objects, then keep printing a line each time one changes." },
    { name: "watch-only", type: "bool", usage: "Print only changes to the objects, skipping the initial list." },
    { name: "label-columns", short: "L", type: "stringSlice", usage: "Show the values of these labels (comma-separated keys) as extra columns." },
    { name: "sort-by", type: "string", usage: "Order the objects by the value of this JSONPath field, e.g. '{.metadata.name}' or .status.podIP." },
  ],
  run: runGet,
};

function runGet(k: Kubectl, flags: Flags): number {
  const watching = flags.bool("watch") || flags.bool("watch-only");
  const format = parseOutputFormat(flags.string("output"));
  if (!format.ok) return fail(k, format.error);
  if (watching && format.format.kind !== "table") {
    return fail(k, "error: watching (-w) prints tables only in this console; leave out -o, or use -o wide");
  }
  if (flags.bool("show-labels") && format.format.kind !== "table") {
    return fail(k, errorText(`--show-labels option cannot be used with ${flags.string("output")} printer`));
  }
  if (flags.args.length === 0) {
    k.err(`You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\n`);
    return fail(
      k,
      `error: Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples`,
    );
  }
  const parsed = parseResourceArgs(flags.args);
  if (!parsed.ok) return fail(k, parsed.error);
  const allNamespaces = flags.bool("all-namespaces");
  const selectorText = flags.string("selector");
  const fields = fieldSelectorOption(flags);
  if (parsed.byName && (selectorText || fields)) return fail(k, "error: name cannot be provided when a selector is specified");
  if (parsed.byName && allNamespaces) return fail(k, "error: a resource cannot be retrieved by name across all namespaces");
  let selector: ReturnType<typeof parseSelector> extends infer R ? (R extends { ok: true; requirements: infer Q } ? Q : never) | undefined : never;
  if (flags.changed("selector")) {
    const s = parseSelector(selectorText);
    if (!s.ok) return fail(k, `Error from server (BadRequest): ${s.error}`);
    selector = s.requirements;
  }
  if (parsed.requests.some((r) => r.type.name === "endpoints")) k.err(ENDPOINTS_WARNING);

  const namespace = allNamespaces ? undefined : k.namespace;
  const fetch = () => fetchResources(k.ctx.tx.state, parsed.requests, namespace, selector, fields);
  const { groups: fetched, errors } = fetch();
  const sortBy = flags.string("sort-by");
  const groups = [];
  for (const group of fetched) {
    if (!sortBy) {
      groups.push(group);
      continue;
    }
    const sorted = sortObjects(group.objects, sortBy);
    if (!sorted.ok) return fail(k, sorted.error);
    groups.push({ ...group, objects: sorted.objects });
  }
  const total = groups.reduce((n, g) => n + g.objects.length, 0);

  if (watching) {
    if (groups.length !== 1) return fail(k, "error: you may only specify a single resource type");
    if (errors.length > 0) return reportErrors(k, errors);
    const type = groups[0].type;
    const empty = type.namespaced && !allNamespaces ? `No resources found in ${k.namespace} namespace.\n` : "No resources found\n";
    watch(k, {
      type,
      read: () => {
        const objects = fetch().groups[0]?.objects ?? [];
        const sorted = sortBy ? sortObjects(objects, sortBy) : undefined;
        return sorted?.ok ? sorted.objects : objects;
      },
      options: {
        wide: format.format.kind === "table" && format.format.wide,
        showLabels: flags.bool("show-labels"),
        allNamespaces,
        withKind: false,
        noHeaders: flags.bool("no-headers"),
        labelColumns: flags.list("label-columns"),
        now: k.ctx.tx.state.now,
      },
      only: flags.bool("watch-only"),
      empty,
    });
    return 0;
  }

  if (format.format.kind === "table") {
    const withKind = groups.length > 1;
    k.out(
      printTables(groups, {
        wide: format.format.wide,
        showLabels: flags.bool("show-labels"),
        allNamespaces,
        withKind,
        noHeaders: flags.bool("no-headers"),
        labelColumns: flags.list("label-columns"),
        now: k.ctx.tx.state.now,
      }),
    );
  } else if (total > 0 || !parsed.byName) {
    const printed = printStructured(format.format, groups, parsed.singleItem, { noHeaders: flags.bool("no-headers") });
    if (printed.error) return fail(k, printed.error);
    k.out(printed.out);
  }
  if (total === 0 && errors.length === 0 && format.format.kind === "table") {
    const allNamespaced = groups.every((g) => g.type.namespaced);
    k.err(allNamespaced && !allNamespaces ? `No resources found in ${k.namespace} namespace.\n` : "No resources found\n");
  }
  return reportErrors(k, errors);
}

