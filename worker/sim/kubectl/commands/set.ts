// kubectl set image: change the image of containers in a pod or a workload's pod template. On a
// Deployment that starts a rollout (a new ReplicaSet), which is what lessons about rolling
// updates need. The other `set` subcommands are not simulated.

import type { KubeObject, PodSpec } from "../../cluster/types.ts";
import { dryRunFlag, outputFlag, selectorFlag, type Command } from "../command.ts";
import { fail } from "../context.ts";
import { errorText, usageErrorText } from "../errors.ts";
import { kindString } from "../resources.ts";
import { reportErrors } from "./common.ts";
import { NO_RESOURCES, submit, targets } from "./modify.ts";

/** Where the containers are: a pod's own spec, or the template of what makes pods. */
function podSpecOf(object: KubeObject): PodSpec | undefined {
  const spec = (object as { spec?: { containers?: unknown; template?: { spec?: PodSpec } } }).spec;
  if (!spec) return undefined;
  if (Array.isArray(spec.containers)) return spec as unknown as PodSpec;
  return spec.template?.spec;
}

function withPodSpec(object: KubeObject, podSpec: PodSpec): KubeObject {
  const spec = (object as unknown as { spec: Record<string, unknown> & { template?: Record<string, unknown> } }).spec;
  if (Array.isArray(spec.containers)) return { ...object, spec: podSpec } as unknown as KubeObject;
  return { ...object, spec: { ...spec, template: { ...spec.template, spec: podSpec } } } as unknown as KubeObject;
}

const image: Command = {
  name: "image",
  short: "Update the image of a pod template",
  long: `Update existing container image(s) of resources.

 Possible resources include (case insensitive):

  pod (po), deployment (deploy), daemonset (ds), replicaset (rs)`,
  usage: "set image (-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N",
  examples: `  # Roll deployment 'web' to nginx 1.29: its container 'nginx' gets the new image
  kubectl set image deployment/web nginx=nginx:1.29

  # Every container of daemonset 'agent' to busybox
  kubectl set image daemonset agent *=busybox

  # Every deployment in the namespace
  kubectl set image deployments --all nginx=nginx:1.29`,
  flags: [
    { name: "all", type: "bool", usage: "Act on every object of the given types in the namespace" },
    selectorFlag,
    outputFlag,
    dryRunFlag,
  ],
  run: (k, flags) => {
    const isPair = (a: string) => a.includes("=");
    const first = flags.args.findIndex(isPair);
    const resourceArgs = first < 0 ? flags.args : flags.args.slice(0, first);
    const pairs = first < 0 ? [] : flags.args.slice(first);
    const misplaced = pairs.filter((a) => !isPair(a));
    if (misplaced.length > 0) return fail(k, errorText(`all resources must be specified before image changes: ${misplaced.join(" ")}`));
    const images = new Map<string, string>();
    const invalid: string[] = [];
    for (const pair of pairs) {
      const eq = pair.indexOf("=");
      if (eq <= 0 || eq === pair.length - 1) invalid.push(pair);
      else images.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    if (invalid.length > 0) return fail(k, errorText(`invalid image format: ${invalid.join(", ")}`));
    const problems: string[] = [];
    if (flags.bool("all") && flags.changed("selector")) problems.push("cannot set --all and --selector at the same time");
    if (resourceArgs.length === 0) problems.push(NO_RESOURCES);
    if (images.size === 0) problems.push("at least one image update is required");
    else if (images.size > 1 && images.has("*")) problems.push("all containers are already specified by *, but saw more than one container_name=container_image pairs");
    if (problems.length === 1 && problems[0] === NO_RESOURCES) return fail(k, usageErrorText(k.path, NO_RESOURCES));
    if (problems.length === 1) return fail(k, errorText(problems[0]));
    if (problems.length > 1) return fail(k, errorText(`[${problems.join(", ")}]`));

    const found = targets(k, flags, resourceArgs);
    if (typeof found === "number") return found;
    const errors = [...found.errors];
    const dryRun = flags.string("dry-run");
    for (const group of found.groups) {
      for (const object of group.objects) {
        const podSpec = podSpecOf(object as KubeObject);
        const name = `${kindString(group.type)}/${object.metadata.name}`;
        if (!podSpec) {
          errors.push(errorText(`${group.type.name}/${object.metadata.name} the object is not a pod or does not have a pod template: *${group.type.kind === "Service" ? "v1.Service" : group.type.kind}`));
          continue;
        }
        let changed = false;
        const set = (containers: PodSpec["containers"] | undefined, container: string, to: string): [PodSpec["containers"] | undefined, boolean] => {
          let matched = false;
          const next = containers?.map((c) => {
            if (c.name !== container && container !== "*") return c;
            matched = true;
            if (c.image === to) return c;
            changed = true;
            return { ...c, image: to };
          });
          return [next, matched];
        };
        let next: PodSpec = podSpec;
        for (const [container, to] of images) {
          const [containers, matched] = set(next.containers, container, to);
          next = { ...next, containers: containers ?? [] };
          if (!matched) errors.push(errorText(`unable to find container named "${container}"`));
        }
        // An unchanged object is not sent, and kubectl says nothing about it.
        if (!changed) continue;
        if (dryRun === "client") {
          k.out(`${name} image updated (dry run)\n`);
          continue;
        }
        const updated = submit(k, group.type, withPodSpec(object as KubeObject, next), errors);
        if (!updated) continue;
        k.out(flags.string("output") === "name" ? `${name}\n` : `${name} image updated${dryRun === "server" ? " (server dry run)" : ""}\n`);
      }
    }
    return reportErrors(k, errors);
  },
};

/** `set` subcommands real kubectl has and the playground does not run: they say so. */
function notSimulated(name: string, short: string): Command {
  return {
    name,
    short,
    usage: `set ${name}`,
    flags: [],
    run: (k) => fail(k, `error: "kubectl set ${name}" is not available in this playground`),
  };
}

export const setCommand: Command = {
  name: "set",
  short: "Set specific features on objects",
  long: `Configure application resources.

 These commands help you make changes to existing application resources. Here only the image can
 be set.`,
  usage: "set SUBCOMMAND",
  flags: [],
  subcommands: [
    notSimulated("env", "Update environment variables on a pod template"),
    image,
    notSimulated("resources", "Update resource requests/limits on objects with pod templates"),
    notSimulated("selector", "Set the selector on a resource"),
    notSimulated("serviceaccount", "Update the service account of a resource"),
    notSimulated("subject", "Update the user, group, or service account in a role binding or cluster role binding"),
  ],
};
