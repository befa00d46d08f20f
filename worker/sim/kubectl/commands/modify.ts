// kubectl label, scale and patch: read the live object, change it as the client would, and
// send the whole object back (an update); the API server keeps what it owns.

import type { KubeObject, SubmittedObject } from "../../cluster/types.ts";
import { clone, update } from "../api.ts";
import { fetchResources, parseResourceArgs } from "../builder.ts";
import { allNamespacesFlag, outputFlag, selectorFlag, type Command } from "../command.ts";
import { fail, type Kubectl } from "../context.ts";
import { errorText, statusErrorText, usageErrorText } from "../errors.ts";
import type { Flags } from "../flags.ts";
import type { AnyObject } from "../printers/tables.ts";
import { apiVersionOf, kindString, type ResourceType } from "../resources.ts";
import { parseSelector } from "../selector.ts";
import { parse as parseYaml } from "yaml";
import { mergePatch } from "./apply.ts";
import { reportErrors } from "./common.ts";

export const NO_RESOURCES = "one or more resources must be specified as <resource> <name> or <resource>/<name>";

export function targets(k: Kubectl, flags: Flags, args: string[]): { groups: Array<{ type: ResourceType; objects: AnyObject[] }>; errors: string[] } | number {
  const parsed = parseResourceArgs(args, k.ctx.tx.state);
  if (!parsed.ok) return fail(k, parsed.error);
  let selector;
  if (flags.has("selector") && flags.changed("selector")) {
    const s = parseSelector(flags.string("selector"));
    if (!s.ok) return fail(k, `Error from server (BadRequest): ${s.error}`);
    selector = s.requirements;
  }
  if (!parsed.byName && !selector && !(flags.has("all") && flags.bool("all"))) {
    return fail(k, usageErrorText(k.path, NO_RESOURCES));
  }
  if (parsed.requests.some((r) => r.type.name === "endpoints" || r.type.name === "endpointslices")) {
    return fail(k, "error: endpoints and endpointslices are managed by the endpoints controller in this playground");
  }
  return fetchResources(k.ctx.tx.state, parsed.requests, flags.has("all-namespaces") && flags.bool("all-namespaces") ? undefined : k.namespace, selector);
}

/** Sends the changed object back; a rejection goes to `errors` (kubectl carries on with the next object). */
export function submit(k: Kubectl, type: ResourceType, object: KubeObject, errors: string[]): KubeObject | undefined {
  const next = clone(object) as unknown as SubmittedObject & { apiVersion: string };
  next.apiVersion = apiVersionOf(type);
  next.kind = type.kind;
  const result = update(k, next);
  if (result.ok) return result.value;
  errors.push(statusErrorText(result.status));
  return undefined;
}

export const labelCommand: Command = {
  name: "label",
  short: "Update the labels on a resource",
  long: `Update the labels on a resource.

  *  A label key and value must begin with a letter or number, and may contain letters, numbers, hyphens, dots, and underscores, up to 63 characters each.
  *  Optionally, the key can begin with a DNS subdomain prefix and a single '/', like example.com/my-app.
  *  If --overwrite is true, then existing labels can be overwritten, otherwise attempting to overwrite a label will result in an error.`,
  usage: "label [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N",
  examples: `  # Update pod 'foo' with the label 'unhealthy' and the value 'true'
  kubectl label pods foo unhealthy=true

  # Update pod 'foo' with the label 'status' and the value 'unhealthy', overwriting any existing value
  kubectl label --overwrite pods foo status=unhealthy

  # Update pod 'foo' by removing a label named 'bar' if it exists
  kubectl label pods foo bar-`,
  flags: [
    { name: "overwrite", type: "bool", usage: "Allow changing the value of a label that is already set; without it such changes are refused." },
    { name: "all", type: "bool", usage: "Act on every object of the given types in the namespace" },
    allNamespacesFlag,
    selectorFlag,
    outputFlag,
  ],
  run: (k, flags) => {
    const resourceArgs = flags.args.filter((a) => !a.includes("=") && !(a.endsWith("-") && a.length > 1));
    const changes = flags.args.filter((a) => !resourceArgs.includes(a));
    if (changes.length === 0) return fail(k, "error: at least one label update is required");
    const add: Record<string, string> = {};
    const removeKeys: string[] = [];
    for (const c of changes) {
      if (c.endsWith("-") && !c.includes("=")) removeKeys.push(c.slice(0, -1));
      else {
        const eq = c.indexOf("=");
        if (eq <= 0 || c.indexOf("=", eq + 1) >= 0) return fail(k, errorText(`invalid label spec: ${c}`));
        add[c.slice(0, eq)] = c.slice(eq + 1);
      }
    }
    if (removeKeys.some((key) => key in add)) return fail(k, errorText("can not both modify and remove a label in the same command"));
    if (resourceArgs.length === 0) return fail(k, usageErrorText(k.path, NO_RESOURCES));
    const found = targets(k, flags, resourceArgs);
    if (typeof found === "number") return found;
    const errors = [...found.errors];
    for (const group of found.groups) {
      for (const object of group.objects) {
        const labels = { ...(object.metadata.labels ?? {}) };
        if (!flags.bool("overwrite")) {
          for (const key of Object.keys(add)) {
            if (key in labels && labels[key] !== add[key]) {
              return fail(k, errorText(`'${key}' already has a value (${labels[key]}), and --overwrite is false`));
            }
          }
        }
        Object.assign(labels, add);
        for (const key of removeKeys) delete labels[key];
        const before = JSON.stringify(object.metadata.labels ?? {});
        const next = { ...object, metadata: { ...object.metadata, labels } } as KubeObject;
        const updated = submit(k, group.type, next, errors);
        if (!updated) continue;
        const changed = JSON.stringify(updated.metadata.labels ?? {}) !== before;
        const verb = !changed ? "not labeled" : removeKeys.length > 0 && Object.keys(add).length === 0 ? "unlabeled" : "labeled";
        k.out(flags.string("output") === "name" ? `${kindString(group.type)}/${object.metadata.name}\n` : `${kindString(group.type)}/${object.metadata.name} ${verb}\n`);
      }
    }
    return reportErrors(k, errors);
  },
};

export const scaleCommand: Command = {
  name: "scale",
  short: "Set a new size for a deployment, replica set, or replication controller",
  long: `Change the number of replicas of a Deployment, ReplicaSet, ReplicationController or StatefulSet.

 The controller then creates or removes pods until the count matches. With --current-replicas the change is made only if the object has that many replicas right now, which guards against overwriting someone else's change.`,
  usage: "scale [--resource-version=version] [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME)",
  examples: `  # Run five pods of deployment web
  kubectl scale deployment web --replicas=5

  # The same, naming the object as TYPE/NAME
  kubectl scale --replicas=5 deployment/web

  # Scale down to one, but only if it currently has five
  kubectl scale deployment web --current-replicas=5 --replicas=1

  # Stop all pods of a deployment while keeping the deployment
  kubectl scale deployment web --replicas=0`,
  flags: [
    { name: "replicas", type: "int", defaultValue: "-1", usage: "How many pods the workload should run. Required." },
    { name: "current-replicas", type: "int", defaultValue: "-1", usage: "Scale only if the workload currently has exactly this many replicas." },
    { name: "all", type: "bool", usage: "Act on every object of the given types in the namespace" },
    selectorFlag,
    outputFlag,
  ],
  run: (k, flags) => {
    const replicas = flags.int("replicas");
    if (!flags.changed("replicas")) return fail(k, `error: required flag(s) "replicas" not set`);
    if (replicas < 0) return fail(k, "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
    if (flags.args.length === 0) return fail(k, usageErrorText(k.path, NO_RESOURCES));
    const found = targets(k, flags, flags.args);
    if (typeof found === "number") return found;
    const errors = [...found.errors];
    for (const group of found.groups) {
      // A DaemonSet has no scale subresource: the scale client's GET of .../daemonsets/NAME/scale is a 404.
      if (group.type.name === "daemonsets") {
        for (const _ of group.objects) errors.push("Error from server (NotFound): the server could not find the requested resource\n");
        continue;
      }
      if (group.type.name !== "deployments" && group.type.name !== "replicasets" && group.type.name !== "statefulsets") {
        for (const o of group.objects) errors.push(errorText(`no objects passed to scale ${group.type.name} "${o.metadata.name}" is not scalable`));
        continue;
      }
      for (const object of group.objects) {
        const current = (object as { spec: { replicas: number } }).spec.replicas;
        if (flags.int("current-replicas") >= 0 && flags.int("current-replicas") !== current) {
          errors.push(errorText(`Expected replicas to be ${flags.int("current-replicas")}, was ${current}`));
          continue;
        }
        const next = { ...object, spec: { ...(object as { spec: object }).spec, replicas } } as unknown as KubeObject;
        if (submit(k, group.type, next, errors)) k.out(`${kindString(group.type)}/${object.metadata.name} scaled\n`);
      }
    }
    return reportErrors(k, errors);
  },
};

export const patchCommand: Command = {
  name: "patch",
  short: "Update fields of a resource",
  long: "Update fields of a resource using strategic merge patch, a JSON merge patch, or a JSON patch.",
  usage: "patch (-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE]",
  examples: `  # Partially update a node using a strategic merge patch, specifying the patch as JSON
  kubectl patch node k8s-node-1 -p '{"spec":{"unschedulable":true}}'

  # Update a container's image; spec.containers[*].name is required because it's a merge key
  kubectl patch pod valid-pod -p '{"spec":{"containers":[{"name":"kubernetes-serve-hostname","image":"new image"}]}}'

  # Update a container's image using a JSON patch with positional arrays
  kubectl patch pod valid-pod --type='json' -p='[{"op": "replace", "path": "/spec/containers/0/image", "value":"new image"}]'`,
  flags: [
    { name: "patch", short: "p", type: "string", usage: "The change to apply, written as JSON or YAML." },
    { name: "type", type: "string", defaultValue: "strategic", usage: "How the patch is read: json (a list of operations), merge or strategic" },
    outputFlag,
  ],
  run: (k, flags) => {
    const patchText = flags.string("patch");
    if (patchText === "") return fail(k, "error: must specify --patch or --patch-file containing the contents of the patch");
    const patchType = flags.string("type");
    if (!["json", "merge", "strategic"].includes(patchType)) {
      return fail(k, errorText(`--type must be one of [json merge strategic], not "${patchType}"`));
    }
    let patch: unknown;
    try {
      patch = JSON.parse(patchText);
    } catch {
      try {
        patch = parseYaml(patchText);
      } catch {
        return fail(k, errorText(`unable to parse "${patchText}": yaml: did not find expected node content`));
      }
    }
    const shapeOk = patchType === "json" ? Array.isArray(patch) : patch !== null && typeof patch === "object" && !Array.isArray(patch);
    if (!shapeOk) {
      const got = Array.isArray(patch) ? "array" : patch === null ? "null" : typeof patch;
      const into = patchType === "json" ? "jsonpatch.Patch" : "map[string]interface {}";
      return fail(k, errorText(`unable to parse "${patchText}": json: cannot unmarshal ${got} into Go value of type ${into}`));
    }
    if (flags.args.length === 0) return fail(k, usageErrorText(k.path, NO_RESOURCES));
    const found = targets(k, flags, flags.args);
    if (typeof found === "number") return found;
    const errors = [...found.errors];
    for (const group of found.groups) {
      for (const object of group.objects) {
        const label = `${kindString(group.type)}/${object.metadata.name}`;
        let next: unknown;
        if (patchType === "json") {
          const applied = applyJsonPatch(clone(object), patch);
          if (typeof applied === "string") {
            errors.push(`Error from server (BadRequest): ${applied}\n`);
            continue;
          }
          next = applied;
        } else {
          next = patchType === "strategic" ? strategicMerge(clone(object), patch) : mergePatch(clone(object), patch);
        }
        const updated = submit(k, group.type, next as KubeObject, errors);
        if (!updated) continue;
        const changed = updated.metadata.resourceVersion !== object.metadata.resourceVersion;
        k.out(`${label} patched${changed ? "" : " (no change)"}\n`);
      }
    }
    return reportErrors(k, errors);
  },
};

/** Strategic merge for the lists learners patch: ports by port, containers by name. */
function strategicMerge(target: unknown, patch: unknown): unknown {
  if (Array.isArray(patch) && Array.isArray(target)) {
    const key = patch.every((p) => p && typeof p === "object" && "name" in p) ? "name" : patch.every((p) => p && typeof p === "object" && "port" in p) ? "port" : undefined;
    if (!key) return patch;
    const out = target.map((t) => t as Record<string, unknown>);
    for (const item of patch as Array<Record<string, unknown>>) {
      const i = out.findIndex((t) => t && t[key] === item[key]);
      if (i >= 0) out[i] = strategicMerge(out[i], item) as Record<string, unknown>;
      else out.push(item);
    }
    return out;
  }
  if (!patch || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === "object" && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete out[key];
    else out[key] = strategicMerge(out[key], value);
  }
  return out;
}

/** RFC 6902 add / replace / remove on JSON Pointer paths. */
function applyJsonPatch(target: unknown, ops: unknown): unknown | string {
  if (!Array.isArray(ops)) return "json: cannot unmarshal object into Go value of type jsonpatch.Patch";
  let doc = target;
  for (const op of ops as Array<Record<string, unknown>>) {
    const path = typeof op.path === "string" ? op.path : "";
    const parts = path.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    if (parts.length === 0) return `the server rejected our request due to an error in our request`;
    let parent = doc as Record<string, unknown> | unknown[];
    for (const part of parts.slice(0, -1)) {
      const next = Array.isArray(parent) ? parent[Number(part)] : (parent as Record<string, unknown>)?.[part];
      if (next === undefined || next === null || typeof next !== "object") return `doc is missing path: "${path}": missing value`;
      parent = next as Record<string, unknown>;
    }
    const last = parts[parts.length - 1];
    switch (op.op) {
      case "add":
      case "replace":
        if (Array.isArray(parent)) {
          const idx = last === "-" ? parent.length : Number(last);
          if (op.op === "add") parent.splice(idx, 0, op.value);
          else parent[idx] = op.value;
        } else {
          if (op.op === "replace" && !(last in parent)) return `doc is missing key: ${path}: missing value`;
          parent[last] = op.value;
        }
        break;
      case "remove":
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else {
          if (!(last in parent)) return `doc is missing key: ${path}: missing value`;
          delete parent[last];
        }
        break;
      default:
        return `Unexpected kind: ${String(op.op)}`;
    }
    doc = target;
  }
  return doc;
}
