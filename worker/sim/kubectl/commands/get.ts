// kubectl get: tables, -o wide|name|yaml|json|jsonpath, --show-labels, -l, -n, -A.

import type { LabelSelectorRequirement } from "../../cluster/label-selector.ts";
import { fetchResources, listErrorText, parseResourceArgs, type Fetched, type ResourceRequest } from "../builder.ts";
import { allNamespacesFlag, fieldSelectorFlag, outputFlag, templateFlag, selectorFlag, type Command } from "../command.ts";
import { fail, type Kubectl } from "../context.ts";
import { errorText, statusErrorText } from "../errors.ts";
import { serveKubeApi } from "../../api/server.ts";
import type { ApiStatus } from "../../cluster/api-status.ts";
import { templateFileReader } from "../files.ts";
import type { Flags } from "../flags.ts";
import { parseOutputFormat, printStructured, printTables, type TableOptions } from "../printers/output.ts";
import { parseSelector } from "../selector.ts";
import { sortObjects } from "../sort-by.ts";
import { watch } from "../watch.ts";
import { fieldSelectorOption, reportErrors } from "./common.ts";

/** The API server's deprecation warnings for the kinds requested, as kubectl prints them (once each). */
export function deprecationWarnings(requests: readonly ResourceRequest[]): string[] {
  const texts = requests.map((r) => r.type.def.deprecationWarning).filter((w): w is string => w !== undefined);
  return [...new Set(texts)].map((w) => `Warning: ${w}\n`);
}

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
    outputFlag, templateFlag,
    selectorFlag,
    fieldSelectorFlag,
    { name: "show-labels", type: "bool", usage: "Add a LABELS column listing each object's labels." },
    { name: "no-headers", type: "bool", usage: "Leave out the column header line of table and custom-columns output." },
    { name: "show-managed-fields", type: "bool", usage: "If true, keep the managedFields when printing objects in JSON or YAML format." },
    { name: "watch", short: "w", type: "bool", usage: "Print the objects, then keep printing a line each time one changes." },
    { name: "watch-only", type: "bool", usage: "Print only changes to the objects, skipping the initial list." },
    { name: "label-columns", short: "L", type: "stringSlice", usage: "Show the values of these labels (comma-separated keys) as extra columns." },
    { name: "sort-by", type: "string", usage: "Order the objects by the value of this JSONPath field, e.g. '{.metadata.name}' or .status.podIP." },
    { name: "raw", type: "string", usage: "Raw URI to request from the server.  Uses the transport specified by the kubeconfig file." },
  ],
  run: (k, flags) => (flags.changed("raw") && flags.string("raw") !== "" ? runRaw(k, flags) : runGet(k, flags)),
};

/**
 * `kubectl get --raw PATH`: a GET of PATH from the API server, its body printed as it came (no
 * newline added), or the server's Status as kubectl prints an error (rawhttp.RawGet; the checks are
 * GetOptions' Complete and Validate).
 */
function runRaw(k: Kubectl, flags: Flags): number {
  const raw = flags.string("raw");
  if (flags.args.length > 0) return fail(k, "error: arguments may not be passed when --raw is specified");
  if (flags.bool("watch") || flags.bool("watch-only") || flags.string("selector") !== "") {
    return fail(k, "error: --raw may not be specified with other flags that filter the server request or alter the output");
  }
  if (flags.string("output") !== "") return fail(k, "error: --raw and --output are mutually exclusive");
  // Go's url.ParseRequestURI: an absolute path, or an absolute URL (then its path is asked for).
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(raw);
  if (!raw.startsWith("/") && !absolute) return fail(k, `error: --raw must be a valid URL path: parse ${JSON.stringify(raw)}: invalid URI for request`);
  const target = absolute ? rawUrlPath(raw) : raw;
  const queryAt = target.indexOf("?");
  const path = queryAt < 0 ? target : target.slice(0, queryAt);
  const query = parseQuery(queryAt < 0 ? "" : target.slice(queryAt + 1));
  const answer = serveKubeApi(k.ctx.tx.state, { method: "GET", path, query, accept: "application/json, */*", canWrite: true });
  if (answer.status >= 200 && answer.status < 300) {
    k.out(answer.body);
    return 0;
  }
  return fail(k, statusErrorText(rawStatus(answer)));
}

/** The path and query of an absolute URL given to --raw (the request still goes to the kubeconfig's server). */
function rawUrlPath(raw: string): string {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*([^#]*)/.exec(raw);
  const rest = match ? match[1] : "";
  return rest.startsWith("/") ? rest : `/${rest}`;
}

/** A query string's parameters (the last of a repeated one wins, as the API server reads them). */
function parseQuery(text: string): Record<string, string> {
  const query: Record<string, string> = {};
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const at = pair.indexOf("=");
    const decode = (part: string) => {
      try {
        return decodeURIComponent(part.replace(/\+/g, " "));
      } catch {
        return part;
      }
    };
    query[decode(at < 0 ? pair : pair.slice(0, at))] = decode(at < 0 ? "" : pair.slice(at + 1));
  }
  return query;
}

/** The Status an API error answered with; for a body that is not one, what client-go makes of the code. */
function rawStatus(answer: { status: number; body: string }): ApiStatus {
  try {
    const parsed = JSON.parse(answer.body) as { kind?: string; reason?: string; message?: string };
    if (parsed.kind === "Status" && parsed.reason) return { code: answer.status, reason: parsed.reason as ApiStatus["reason"], message: parsed.message ?? "" };
  } catch {
    // Not JSON: below.
  }
  return { code: answer.status, reason: (answer.status === 404 ? "NotFound" : "InternalError") as ApiStatus["reason"], message: answer.body.trim() || "unknown" };
}

function runGet(k: Kubectl, flags: Flags): number {
  const watching = flags.bool("watch") || flags.bool("watch-only");
  const format = parseOutputFormat(flags.string("output"), true, flags.string("template"));
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
  const parsed = parseResourceArgs(flags.args, k.ctx.tx.state);
  if (!parsed.ok) return fail(k, parsed.error);
  const allNamespaces = flags.bool("all-namespaces");
  const selectorText = flags.string("selector");
  const fields = fieldSelectorOption(flags);
  if (parsed.byName && (selectorText || fields)) return fail(k, "error: name cannot be provided when a selector is specified");
  if (parsed.byName && allNamespaces) return fail(k, "error: a resource cannot be retrieved by name across all namespaces");
  let selector: readonly LabelSelectorRequirement[] | undefined;
  if (flags.changed("selector")) {
    const s = parseSelector(selectorText);
    // The server refuses the selector of each type's LIST; the builder words each refusal.
    if (!s.ok) {
      const texts = { labelSelector: selectorText.trim(), fieldSelector: fields?.fieldSelector ?? "" };
      return reportErrors(k, parsed.requests.map((r) => listErrorText(r.type, texts, s.error)));
    }
    selector = s.requirements;
  }
  for (const warning of deprecationWarnings(parsed.requests)) k.err(warning);

  const namespace = allNamespaces ? undefined : k.namespace;
  const sortBy = flags.string("sort-by");
  const sortedGroup = (group: Fetched): Fetched | string => {
    if (!sortBy) return group;
    const sorted = sortObjects(group.objects, sortBy);
    return sorted.ok ? { ...group, objects: sorted.objects } : sorted.error;
  };
  const fetched = fetchResources(k.ctx.tx.state, parsed.requests, namespace, selector, fields);
  const errors = fetched.errors;
  const groups: Fetched[] = [];
  for (const group of fetched.groups) {
    const sorted = sortedGroup(group);
    if (typeof sorted === "string") return fail(k, sorted);
    groups.push(sorted);
  }
  const total = groups.reduce((n, g) => n + g.objects.length, 0);
  const noneFound = () =>
    groups.every((g) => g.type.namespaced) && !allNamespaces ? `No resources found in ${k.namespace} namespace.\n` : "No resources found\n";
  const tableOptions = (withKind: boolean): TableOptions => ({
    wide: format.format.kind === "table" && format.format.wide,
    showLabels: flags.bool("show-labels"),
    allNamespaces,
    withKind,
    noHeaders: flags.bool("no-headers"),
    labelColumns: flags.list("label-columns"),
    now: k.ctx.tx.state.now,
  });

  if (watching) {
    if (groups.length !== 1) return fail(k, "error: you may only specify a single resource type");
    if (errors.length > 0) return reportErrors(k, errors);
    watch(k, {
      type: groups[0].type,
      read: () => {
        const again = fetchResources(k.ctx.tx.state, parsed.requests, namespace, selector, fields).groups[0];
        const sorted = again ? sortedGroup(again) : undefined;
        return typeof sorted === "object" ? sorted.objects : (again?.objects ?? []);
      },
      options: tableOptions(false),
      only: flags.bool("watch-only"),
      empty: noneFound(),
    });
    return 0;
  }

  if (format.format.kind === "table") {
    k.out(printTables(groups, tableOptions(groups.length > 1)));
  } else if (total > 0 || !parsed.byName) {
    const printed = printStructured(format.format, groups, parsed.singleItem, { noHeaders: flags.bool("no-headers"), readFile: templateFileReader(k), showManagedFields: flags.bool("show-managed-fields") });
    k.out(printed.out);
    if (printed.error) return fail(k, printed.error);
  }
  if (total === 0 && errors.length === 0 && format.format.kind === "table") k.err(noneFound());
  return reportErrors(k, errors);
}

