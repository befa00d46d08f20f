// kubectl annotate: add, change or remove annotations, as label does for labels, with annotate's
// own rules (an equal value is not an overwrite; change-cause may always be overwritten) and words.

import type { KubeObject } from "../../cluster/types.ts";
import { allNamespacesFlag, outputFlag, selectorFlag, type Command } from "../command.ts";
import { fail } from "../context.ts";
import { errorText, usageErrorText } from "../errors.ts";
import { kindString } from "../resources.ts";
import { reportErrors } from "./common.ts";
import { NO_RESOURCES, submit, targets } from "./modify.ts";

const CHANGE_CAUSE = "kubernetes.io/change-cause";

export const annotateCommand: Command = {
  name: "annotate",
  short: "Update the annotations on a resource",
  long: `Update the annotations on one or more resources.

 Annotations are key/value pairs for tools and people, not for selecting objects: their values
 may be long and hold any text. Changing an annotation that is already set needs --overwrite;
 removing one (KEY-) does not.`,
  usage: "annotate [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version]",
  examples: `  # Give pod 'web' the annotation 'description' with the value 'my frontend'
  kubectl annotate pods web description='my frontend'

  # Change it, overwriting the value it has
  kubectl annotate --overwrite pods web description='my frontend running nginx'

  # Record why a deployment changed (rollout history shows it)
  kubectl annotate deployment web kubernetes.io/change-cause='image 1.29'

  # Remove the annotation 'description' if it is there
  kubectl annotate pods web description-`,
  flags: [
    { name: "overwrite", type: "bool", usage: "Allow changing the value of an annotation that is already set; without it such changes are refused." },
    { name: "list", type: "bool", usage: "Print the annotations of the objects instead of changing them." },
    { name: "all", type: "bool", usage: "Act on every object of the given types in the namespace" },
    allNamespacesFlag,
    selectorFlag,
    outputFlag,
  ],
  run: (k, flags) => {
    const isChange = (a: string) => a.includes("=") || (a.endsWith("-") && a.length > 1);
    const firstChange = flags.args.findIndex(isChange);
    const resourceArgs = firstChange < 0 ? flags.args : flags.args.slice(0, firstChange);
    const changes = firstChange < 0 ? [] : flags.args.slice(firstChange);
    const misplaced = changes.filter((a) => !isChange(a));
    if (misplaced.length > 0) return fail(k, errorText(`all resources must be specified before annotation changes: ${misplaced.join(" ")}`));
    const add: Record<string, string> = {};
    const removeKeys: string[] = [];
    const invalid: string[] = [];
    for (const change of changes) {
      if (change.endsWith("-") && !change.includes("=")) removeKeys.push(change.slice(0, -1));
      else {
        const eq = change.indexOf("=");
        if (eq <= 0) invalid.push(change);
        else add[change.slice(0, eq)] = change.slice(eq + 1);
      }
    }
    if (invalid.length > 0) return fail(k, errorText(`invalid annotation format: ${invalid.join(", ")}`));
    const list = flags.bool("list");
    if (list && flags.string("output") !== "") return fail(k, errorText("--list and --output may not be specified together"));
    if (resourceArgs.length === 0 && !flags.bool("all") && !flags.changed("selector")) return fail(k, usageErrorText(k.path, NO_RESOURCES));
    if (Object.keys(add).length === 0 && removeKeys.length === 0 && !list) return fail(k, errorText("at least one annotation update is required"));
    const both = removeKeys.filter((key) => key in add);
    if (both.length > 0) return fail(k, errorText(`can not both modify and remove the following annotation(s) in the same command: ${both.join(", ")}`));

    const found = targets(k, flags, resourceArgs);
    if (typeof found === "number") return found;
    const errors = [...found.errors];
    const objects = found.groups.flatMap((group) => group.objects.map((object) => ({ type: group.type, object })));
    for (const { type, object } of objects) {
      const annotations: Record<string, string> = { ...annotationsOf(object) };
      if (!flags.bool("overwrite")) {
        const taken = Object.keys(add).filter((key) => key !== CHANGE_CAUSE && key in annotations && annotations[key] !== add[key]);
        if (taken.length > 0) {
          const which = taken.map((key) => `'${key}' already has a value (${annotations[key]})`).join("; ");
          errors.push(errorText(`--overwrite is false but found the following declared annotation(s): ${which}`));
          continue;
        }
      }
      Object.assign(annotations, add);
      for (const key of removeKeys) delete annotations[key];
      let result = object as KubeObject;
      if (Object.keys(add).length > 0 || removeKeys.length > 0) {
        // An emptied map is not stored, as the API server drops it.
        const { annotations: _old, ...rest } = object.metadata as typeof object.metadata & { annotations?: Record<string, string> };
        const metadata = Object.keys(annotations).length > 0 ? { ...rest, annotations } : rest;
        const updated = submit(k, type, { ...object, metadata } as KubeObject, errors);
        if (!updated) continue;
        result = updated;
      }
      if (list) {
        // kubectl names each object when the command could have matched several.
        const indent = singleItemImplied(resourceArgs) ? "" : " ";
        if (indent) k.out(`Listing annotations for ${type.kind}.${type.group ?? ""}/${object.metadata.name}:\n`);
        const listed = annotationsOf(result);
        for (const [key, value] of Object.entries(listed)) k.out(`${indent}${key}=${value}\n`);
        continue;
      }
      k.out(flags.string("output") === "name" ? `${kindString(type)}/${object.metadata.name}\n` : `${kindString(type)}/${object.metadata.name} annotated\n`);
    }
    return reportErrors(k, errors);
  },
};

/** One object named (`pod/web` or `pod web`): the builder's singleItemImplied. */
function singleItemImplied(args: string[]): boolean {
  if (args.length === 1) return args[0].includes("/") && !args[0].includes(",");
  return args.length === 2 && !args[0].includes("/") && !args[0].includes(",") && !args[1].includes("/");
}

function annotationsOf(object: { metadata: object }): Record<string, string> {
  return (object.metadata as { annotations?: Record<string, string> }).annotations ?? {};
}
