// The node lifecycle controller: a cordoned node gets the unschedulable taint, and pods that do
// not tolerate a NoExecute taint are evicted (taint-eviction-controller).
import { deletePodGracefully } from "./api-server.ts";
import { involvedObject, recordEvent } from "./events.ts";
import { writeObject } from "./store.ts";
import type { Tx } from "./tx.ts";
import type { Pod } from "./types.ts";
import type { ControllerContext } from "./controller-context.ts";
import { tolerates, UNSCHEDULABLE_TAINT } from "./scheduler.ts";

/** A cordoned node carries the `node.kubernetes.io/unschedulable:NoSchedule` taint, as the node lifecycle controller sets it. */
export function nodeLifecycleController(tx: Tx): void {
  const isIt = (t: { key: string; effect: string }) => t.key === UNSCHEDULABLE_TAINT.key && t.effect === UNSCHEDULABLE_TAINT.effect;
  for (const [name, node] of Object.entries(tx.state.nodes)) {
    const taints = node.spec.taints ?? [];
    const want = node.spec.unschedulable === true;
    if (taints.some(isIt) === want) continue;
    const next = want ? [...taints, { ...UNSCHEDULABLE_TAINT }] : taints.filter((t) => !isIt(t));
    const { taints: _old, ...rest } = node.spec;
    writeObject(tx, "nodes", name, { ...node, spec: next.length > 0 ? { ...rest, taints: next } : rest });
  }
}

// ---------------------------------------------------------------- taint eviction

/**
 * A NoExecute taint evicts the pods on its node that do not tolerate it (the taint-eviction
 * controller; tolerationSeconds are not simulated: eviction is immediate). Nodes are few, so the
 * common case, no NoExecute taint anywhere, costs one look at each node.
 */
export function taintEvictionController(tx: Tx, ctx: ControllerContext): void {
  const tainted = new Map<string, Array<{ key: string; effect: string; value?: string }>>();
  for (const node of Object.values(tx.state.nodes)) {
    const noExecute = (node.spec.taints ?? []).filter((t) => t.effect === "NoExecute");
    if (noExecute.length > 0) tainted.set(node.metadata.name, noExecute);
  }
  if (tainted.size === 0) return;
  for (const [key, pod] of Object.entries(tx.state.pods)) {
    const taints = pod.spec.nodeName ? tainted.get(pod.spec.nodeName) : undefined;
    if (!taints || pod.metadata.deletionTimestamp || taints.every((t) => tolerates(pod, t))) continue;
    recordEvent(tx, involvedObject(pod), "Normal", "TaintManagerEviction", `Marking for deletion Pod ${key}`, { component: "taint-eviction-controller" }, ctx.now);
    deletePodGracefully(tx, key, pod, ctx);
  }
}
