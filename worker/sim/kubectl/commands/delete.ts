// kubectl delete: by name, TYPE/NAME, -l, --all, -f FILE (files, directories, `-`). Like kubectl (--wait=true), it returns once the
// objects are gone, letting simulated time pass while pods terminate.

import type { ResourceKind } from "../../cluster/api-status.ts";
import { fetchResources, parseResourceArgs } from "../builder.ts";
import { allNamespacesFlag, fieldSelectorFlag, filenameFlag, selectorFlag, type Command } from "../command.ts";
import { readManifestSources } from "../files.ts";
import { parseCatalogued, parseManifests } from "../manifest.ts";
import { get } from "../api.ts";
import { lookupResource } from "../resources.ts";
import type { Fetched } from "../builder.ts";
import { fail, type Kubectl } from "../context.ts";
import { statusErrorText } from "../errors.ts";
import type { Flags } from "../flags.ts";
import { kindString } from "../resources.ts";
import { parseSelector } from "../selector.ts";
import type { DeletionTarget } from "../../shell/job-types.ts";
import { remove, waitUntil } from "../api.ts";
import { fieldSelectorOption, reportErrors } from "./common.ts";

export const deleteCommand: Command = {
  name: "delete",
  short: "Delete resources by file names, stdin, resources and names, or by resources and label selector",
  long: `Delete resources named on the command line, selected by labels, or described in a file.

 Pods are given their termination grace period (30 seconds by default) to shut down; --grace-period and --now shorten it, and --force together with --grace-period=0 removes the pod at once without waiting. Deleting a Deployment, ReplicaSet or DaemonSet also deletes the objects it owns. By default the command waits until the objects are gone (--wait=false returns immediately).`,
  usage: "delete ([-f FILENAME] | [-k DIRECTORY] | TYPE [(NAME | -l label | --all)])",
  examples: `  # Delete one pod
  kubectl delete pod web

  # Delete a deployment and the replica sets and pods it owns
  kubectl delete deployment web

  # Delete a pod and a service that share the name web
  kubectl delete pod,service web

  # Delete every pod labelled app=web
  kubectl delete pods -l app=web

  # Delete all pods in the current namespace without waiting for them to stop
  kubectl delete pods --all --wait=false

  # Remove a pod immediately
  kubectl delete pod web --grace-period=0 --force

  # Delete the objects described in a manifest
  kubectl delete -f web.yaml`,
  flags: [
    filenameFlag,
    selectorFlag,
    fieldSelectorFlag,
    allNamespacesFlag,
    { name: "all", type: "bool", usage: "Delete every object of the given types in the namespace." },
    { name: "now", type: "bool", usage: "Stop the objects right away instead of waiting out their grace period (like --grace-period=1)." },
    { name: "force", type: "bool", usage: "Remove the objects from the API at once, skipping graceful shutdown." },
    { name: "grace-period", type: "int", defaultValue: "-1", usage: "Seconds a pod gets to shut down cleanly; negative keeps the pod's own setting." },
    { name: "wait", type: "bool", defaultValue: "true", usage: "Return only after the deleted objects are fully gone." },
    { name: "ignore-not-found", type: "bool", usage: "Do not report an error when an object to delete does not exist." },
    { name: "output", short: "o", type: "string", usage: "Use \"-o name\" to print just type/name for each deleted object." },
  ],
  run: runDelete,
};

/** `delete -f`: the objects the files describe, each looked up by kind, namespace and name. */
function fromFiles(k: Kubectl, names: string[]): { groups: Fetched[]; errors: string[] } | string {
  const read = readManifestSources(k, names);
  if (!read.ok) return read.error;
  const groups: Fetched[] = [];
  const errors: string[] = [];
  for (const { source, text, catalogued } of read.sources) {
    const parsed = catalogued ? parseCatalogued(text, source) : parseManifests(text, source);
    if (!parsed.ok) return parsed.error.replace(/\n$/, "");
    for (const { object } of parsed.manifests) {
      const kind = String(object.kind ?? "");
      const metadata = (typeof object.metadata === "object" && object.metadata !== null ? object.metadata : {}) as Record<string, unknown>;
      const name = typeof metadata.name === "string" ? metadata.name : "";
      const found = lookupResource(kind, k.ctx.tx.state);
      if (!found.ok) {
        errors.push(`error: resource mapping not found for name: "${name}" namespace: "" from "${source}": no matches for kind "${kind}" in version "${String(object.apiVersion ?? "")}"\nensure CRDs are installed first\n`);
        continue;
      }
      const type = found.type;
      const namespace = type.namespaced ? (typeof metadata.namespace === "string" && metadata.namespace ? metadata.namespace : k.namespace) : undefined;
      const live = get(k, type.name as "pods", namespace, name);
      if (!live.ok) {
        errors.push(`Error from server (NotFound): error when deleting "${source}": ${type.group ? `${type.name}.${type.group}` : type.name} "${name}" not found\n`);
        continue;
      }
      const group = groups.find((g) => g.type === type);
      if (group) group.objects.push(live.value as never);
      else groups.push({ type, objects: [live.value as never] } as Fetched);
    }
  }
  return { groups, errors };
}

function runDelete(k: Kubectl, flags: Flags): number {
  const filenames = flags.list("filename");
  if (flags.args.length === 0 && filenames.length === 0) {
    return fail(
      k,
      `error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'`,
    );
  }
  const parsed = filenames.length > 0 ? ({ ok: true, byName: true, requests: [] } as const) : parseResourceArgs(flags.args, k.ctx.tx.state);
  if (!parsed.ok) return fail(k, parsed.error);
  const all = flags.bool("all");
  const selectorText = flags.string("selector");
  const fields = fieldSelectorOption(flags);
  if (parsed.byName && (all || selectorText || fields)) return fail(k, "error: name cannot be provided when a selector is specified");
  if (all && (selectorText || fields)) return fail(k, "error: setting 'all' parameter but found a non empty selector. ");
  if (!parsed.byName && !all && !flags.changed("selector") && !fields) {
    return fail(k, `error: resource(s) were provided, but no name was specified`);
  }
  if (parsed.requests.some((r) => r.type.name === "endpoints" || r.type.name === "endpointslices")) {
    return fail(k, "error: endpoints and endpointslices are managed by the endpoints controller in this playground; delete or change the Service instead");
  }
  let selector;
  if (flags.changed("selector")) {
    const s = parseSelector(selectorText);
    if (!s.ok) return fail(k, `Error from server (BadRequest): ${s.error}`);
    selector = s.requirements;
  }
  let grace = flags.int("grace-period");
  const force = flags.bool("force");
  if (flags.bool("now")) {
    if (grace !== -1) return fail(k, "error: --now and --grace-period cannot be specified together");
    grace = 1;
  }
  if (grace === 0 && !force) grace = 1;
  if (force && grace < 0) grace = 0;
  if (force && grace === 0) {
    k.err("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
  }
  const allNamespaces = flags.bool("all-namespaces");
  const fetched = filenames.length > 0 ? fromFiles(k, filenames) : fetchResources(k.ctx.tx.state, parsed.requests, allNamespaces ? undefined : k.namespace, selector, fields);
  if (typeof fetched === "string") return fail(k, fetched);
  const { groups, errors } = fetched;
  const ignoreNotFound = flags.bool("ignore-not-found");
  const operation = force && grace === 0 ? "force deleted" : "deleted";
  const deleted: Array<{ kind: ResourceKind; namespace?: string; name: string }> = [];
  let total = 0;
  for (const group of groups) {
    for (const object of group.objects) {
      total++;
      const result = remove(k, group.type.name as ResourceKind, object.metadata.namespace, object.metadata.name, grace >= 0 ? grace : undefined);
      if (!result.ok) {
        errors.push(statusErrorText(result.status));
        continue;
      }
      deleted.push({ kind: group.type.name as ResourceKind, namespace: object.metadata.namespace, name: object.metadata.name });
      if (flags.string("output") === "name") k.out(`${kindString(group.type)}/${object.metadata.name}\n`);
      else {
        const where = group.type.namespaced ? ` from ${object.metadata.namespace} namespace` : "";
        k.out(`${kindString(group.type)} "${object.metadata.name}" ${operation}${where}\n`);
      }
    }
  }
  if (total === 0 && errors.length === 0) k.out("No resources found\n");
  if (flags.bool("wait") && deleted.some((d) => d.kind === "pods" || d.kind === "namespaces")) {
    const state = () => k.ctx.tx.state;
    // kubectl waits without a limit (a week, for --timeout=0): the longest grace period of what is
    // going bounds it here, plus time for the kubelet to see the containers stop.
    const pods = deleted.filter((d) => d.kind === "pods").map((d) => state().pods[`${d.namespace}/${d.name}`]);
    // Run as a job (`kubectl delete pod x &`), it waits in the background: the job ends when they are gone.
    const targets: DeletionTarget[] = [];
    for (const d of deleted) {
      const object = d.kind === "pods" ? state().pods[`${d.namespace}/${d.name}`] : d.kind === "namespaces" ? state().namespaces[d.name] : undefined;
      if (object && (d.kind === "pods" || d.kind === "namespaces")) targets.push({ kind: d.kind, namespace: d.namespace, name: d.name, uid: object.metadata.uid });
    }
    if (targets.length > 0 && k.ctx.hold?.({ kind: "deletion", objects: targets })) return reportErrors(k, ignoreNotFound ? errors.filter((e) => !e.includes("(NotFound)")) : errors);
    const longest = Math.max(60, ...pods.map((p) => p?.metadata.deletionGracePeriodSeconds ?? 0));
    waitUntil(k, (longest + 60) * 1000, () =>
      deleted.every((d) => {
        if (d.kind === "pods") return !state().pods[`${d.namespace}/${d.name}`];
        if (d.kind === "namespaces") return !state().namespaces[d.name];
        return true;
      }),
    );
  }
  return reportErrors(k, ignoreNotFound ? errors.filter((e) => !e.includes("(NotFound)")) : errors);
}
