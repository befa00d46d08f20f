// kubectl taint nodes: add (`key=value:Effect`, `key:Effect`) and remove (`key-`, `key:Effect-`)
// taints, with kubectl's parsing, its words (tainted, untainted, modified) and its errors. The
// scheduler keeps pods without a matching toleration off NoSchedule and NoExecute nodes.

import type { Node } from "../../cluster/types.ts";
import { clone, update } from "../api.ts";
import { notFoundText } from "../builder.ts";
import type { Command } from "../command.ts";
import { fail } from "../context.ts";
import { errorText, statusErrorText, usageErrorText } from "../errors.ts";
import { resourceType } from "../resources.ts";

type Taint = { key: string; value?: string; effect: string };
const EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/** taints.ParseTaint and the removal forms; an error text when the spec is not one. */
function parseSpec(spec: string): { add?: Taint; remove?: { key: string; effect?: string } } | string {
  if (spec.endsWith("-")) {
    const body = spec.slice(0, -1);
    const [key, effect] = body.split(":");
    if (!key) return `invalid taint spec: ${spec}`;
    if (effect !== undefined && !EFFECTS.includes(effect)) return `invalid taint effect: ${effect}, unsupported taint effect`;
    return { remove: { key, effect } };
  }
  const colon = spec.lastIndexOf(":");
  if (colon < 0) return `invalid taint spec: ${spec}`;
  const effect = spec.slice(colon + 1);
  const [key, value] = spec.slice(0, colon).split("=");
  if (!key || spec.slice(0, colon).split("=").length > 2) return `invalid taint spec: ${spec}`;
  if (!EFFECTS.includes(effect)) return `invalid taint effect: ${effect}, unsupported taint effect`;
  return { add: value ? { key, value, effect } : { key, effect } };
}

export const taintCommand: Command = {
  name: "taint",
  short: "Update the taints on one or more nodes",
  long: `Update the taints on one or more nodes.

  *  A taint consists of a key, value, and effect. As an argument here, it is expressed as key=value:effect.
  *  The effect must be NoSchedule, PreferNoSchedule or NoExecute.
  *  Pods without a toleration for a NoSchedule taint are not placed on that node.`,
  usage: "taint NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N",
  examples: `  # Keep pods without a matching toleration off node01
  kubectl taint nodes node01 dedicated=special:NoSchedule

  # Remove that taint again
  kubectl taint nodes node01 dedicated:NoSchedule-

  # Remove every taint with the key 'dedicated'
  kubectl taint nodes node01 dedicated-`,
  flags: [{ name: "overwrite", type: "bool", usage: "Replace a taint with the same key and effect instead of refusing." }],
  run: (k, flags) => {
    const args = flags.args;
    const isTaint = (a: string) => a.includes("=") || a.includes(":") || a.endsWith("-");
    const first = args.findIndex(isTaint);
    const resources = first < 0 ? args : args.slice(0, first);
    const specs = first < 0 ? [] : args.slice(first);
    const misplaced = specs.find((a) => !isTaint(a));
    if (misplaced) return fail(k, errorText(`all resources must be specified before taint changes: ${misplaced}`));
    if (specs.length === 0) return fail(k, errorText("at least one taint update is required"));
    const type = resources[0]?.split("/")[0];
    if (!type || !["node", "nodes", "no"].includes(type)) return fail(k, usageErrorText(k.path, "at least one resource name must be specified since 'all' parameter is not set"));
    const names = resources[0].includes("/") ? [resources[0].split("/")[1], ...resources.slice(1)] : resources.slice(1);
    if (names.length === 0) return fail(k, usageErrorText(k.path, "at least one resource name must be specified since 'all' parameter is not set"));

    const add: Taint[] = [];
    const remove: Array<{ key: string; effect?: string }> = [];
    for (const spec of specs) {
      const parsed = parseSpec(spec);
      if (typeof parsed === "string") return fail(k, errorText(parsed));
      if (parsed.add) add.push(parsed.add);
      if (parsed.remove) remove.push(parsed.remove);
    }
    let code = 0;
    for (const name of names) {
      const node = k.ctx.tx.state.nodes[name];
      if (!node) {
        k.err(notFoundText(resourceType("nodes"), name));
        code = 1;
        continue;
      }
      const result = retaint(node, add, remove, flags.bool("overwrite"));
      if (typeof result === "string") {
        k.err(errorText(result));
        code = 1;
        continue;
      }
      const next = clone(node);
      next.spec.taints = result.taints;
      const updated = update(k, next as never);
      if (!updated.ok) {
        k.err(statusErrorText(updated.status));
        code = 1;
        continue;
      }
      k.out(`node/${name} ${result.operation}\n`);
    }
    return code;
  },
};

/** taints.ReorganizeTaints: the node's new taints and what kubectl calls the change. */
function retaint(node: Node, add: Taint[], remove: Array<{ key: string; effect?: string }>, overwrite: boolean): { taints: Taint[]; operation: string } | string {
  const current: Taint[] = node.spec.taints ?? [];
  if (!overwrite) {
    const clash = add.filter((t) => current.some((c) => c.key === t.key && c.effect === t.effect)).map((t) => t.key);
    if (clash.length > 0) return `node ${node.metadata.name} already has ${clash.join(",")} taint(s) with same effect(s) and --overwrite is false`;
  }
  let operation = "tainted";
  let taints = current.filter((c) => !add.some((t) => t.key === c.key && t.effect === c.effect));
  if (taints.length !== current.length) operation = "modified";
  for (const r of remove) {
    const kept = taints.filter((c) => !(c.key === r.key && (r.effect === undefined || c.effect === r.effect)));
    if (kept.length === taints.length) return `taint "${r.key}${r.effect ? `:${r.effect}` : ""}" not found`;
    taints = kept;
  }
  if (remove.length > 0) operation = add.length > 0 ? "modified" : "untainted";
  return { taints: [...taints, ...add], operation };
}
