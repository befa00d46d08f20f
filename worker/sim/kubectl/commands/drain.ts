// kubectl cordon, uncordon and drain: take a node out of scheduling and move its pods elsewhere.
// drain refuses DaemonSet pods and pods no controller would recreate unless told, evicts the rest
// and waits (in simulated time) until they are gone, with kubectl's messages.

import type { Node, Pod } from "../../cluster/types.ts";
import { clone, remove, update, waitUntil } from "../api.ts";
import { notFoundText } from "../builder.ts";
import type { Command } from "../command.ts";
import { fail, type Kubectl } from "../context.ts";
import { statusErrorText, usageErrorText } from "../errors.ts";
import { parseGoDuration, type Flags } from "../flags.ts";
import { resourceType } from "../resources.ts";

const nodes = () => resourceType("nodes");

/** Reads the named node, or says it is not there. */
function nodeArg(k: Kubectl, flags: Flags): Node | number {
  // cobra's Use line of the command (`cordon NODE`), as kubectl quotes it.
  if (flags.args.length === 0) return fail(k, usageErrorText(k.path, `USAGE: ${k.path.replace(/^kubectl /, "")} NODE [flags]`));
  const node = k.ctx.tx.state.nodes[flags.args[0]];
  if (!node) return fail(k, notFoundText(nodes(), flags.args[0]));
  return node;
}

/** Marks the node (un)schedulable; prints kubectl's line; false when the update was refused. */
function setUnschedulable(k: Kubectl, node: Node, unschedulable: boolean, verb: "cordoned" | "uncordoned"): boolean {
  if ((node.spec.unschedulable ?? false) === unschedulable) {
    k.out(`node/${node.metadata.name} already ${verb}\n`);
    return true;
  }
  const next = clone(node);
  // Sent as false, not left out: the API server keeps a field an update does not mention.
  next.spec.unschedulable = unschedulable;
  const result = update(k, next as never);
  if (!result.ok) {
    k.err(statusErrorText(result.status));
    return false;
  }
  k.out(`node/${node.metadata.name} ${verb}\n`);
  return true;
}

export const cordonCommand: Command = {
  name: "cordon",
  short: "Mark node as unschedulable",
  long: "Mark node as unschedulable: new pods are no longer placed on it; the pods it runs stay.",
  usage: "cordon NODE",
  examples: `  # Stop placing new pods on node01
  kubectl cordon node01`,
  flags: [],
  run: (k, flags) => {
    const node = nodeArg(k, flags);
    if (typeof node === "number") return node;
    return setUnschedulable(k, node, true, "cordoned") ? 0 : 1;
  },
};

export const uncordonCommand: Command = {
  name: "uncordon",
  short: "Mark node as schedulable",
  long: "Mark node as schedulable again.",
  usage: "uncordon NODE",
  examples: `  # Let the scheduler place pods on node01 again
  kubectl uncordon node01`,
  flags: [],
  run: (k, flags) => {
    const node = nodeArg(k, flags);
    if (typeof node === "number") return node;
    return setUnschedulable(k, node, false, "uncordoned") ? 0 : 1;
  },
};

/** A static pod's mirror (etcd, kube-apiserver...): the kubelet runs it from a file, so drain leaves it. */
const isMirror = (pod: Pod) => pod.metadata.annotations?.["kubernetes.io/config.mirror"] !== undefined || pod.metadata.annotations?.["kubernetes.io/config.source"] === "file";
const controllerOf = (pod: Pod) => pod.metadata.ownerReferences?.find((o) => o.controller);
const podName = (pod: Pod) => `${pod.metadata.namespace}/${pod.metadata.name}`;

export const drainCommand: Command = {
  name: "drain",
  short: "Drain node in preparation for maintenance",
  long: `Drain node in preparation for maintenance.

 The node is cordoned, then its pods are evicted so that their controllers recreate them on other
 nodes. DaemonSet pods are refused unless --ignore-daemonsets (their controller would put them
 straight back), and pods without a controller unless --force (nothing would recreate them).
 Static pods of the control plane are left alone.`,
  usage: "drain NODE",
  examples: `  # Drain node01, leaving its DaemonSet pods (kube-proxy, flannel) where they are
  kubectl drain node01 --ignore-daemonsets

  # Also evict pods that no controller manages (they are gone for good)
  kubectl drain node01 --ignore-daemonsets --force`,
  flags: [
    { name: "ignore-daemonsets", type: "bool", usage: "Leave DaemonSet-managed pods in place instead of refusing to drain." },
    { name: "force", type: "bool", usage: "Also evict pods that no controller manages; nothing will recreate them." },
    { name: "delete-emptydir-data", type: "bool", usage: "Evict pods with emptyDir volumes even though their data is lost." },
    { name: "timeout", type: "duration", defaultValue: "0s", usage: "How long to wait for evicted pods to go; 0 waits as long as it takes." },
  ],
  run: (k, flags) => {
    const node = nodeArg(k, flags);
    if (typeof node === "number") return node;
    const name = node.metadata.name;
    if (!setUnschedulable(k, node, true, "cordoned")) return 1;

    const pods = Object.values(k.ctx.tx.state.pods)
      .filter((p) => p.spec.nodeName === name && !isMirror(p) && p.metadata.deletionTimestamp === undefined)
      .sort((a, b) => (podName(a) < podName(b) ? -1 : podName(a) > podName(b) ? 1 : 0));
    const daemon = pods.filter((p) => controllerOf(p)?.kind === "DaemonSet");
    const unmanaged = pods.filter((p) => !controllerOf(p));
    const problems: string[] = [];
    const warnings: string[] = [];
    if (unmanaged.length > 0) {
      if (flags.bool("force")) warnings.push(`deleting Pods that declare no controller: ${unmanaged.map(podName).join(", ")}`);
      else problems.push(`cannot delete Pods declare no controller (use --force to override): ${unmanaged.map(podName).join(", ")}`);
    }
    if (daemon.length > 0) {
      if (flags.bool("ignore-daemonsets")) warnings.push(`ignoring DaemonSet-managed Pods: ${daemon.map(podName).join(", ")}`);
      else problems.push(`cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${daemon.map(podName).join(", ")}`);
    }
    if (problems.length > 0) {
      const aggregate = problems.length === 1 ? problems[0] : `[${problems.join(", ")}]`;
      k.err(`error: unable to drain node "${name}" due to error: ${aggregate}, continuing command...\nThere are pending nodes to be drained:\n ${name}\n`);
      return fail(k, problems.join("\n"));
    }
    if (warnings.length > 0) k.err(`Warning: ${warnings.join("; ")}\n`);

    const evict = pods.filter((p) => controllerOf(p)?.kind !== "DaemonSet");
    for (const pod of evict) {
      k.out(`evicting pod ${podName(pod)}\n`);
      const result = remove(k, "pods", pod.metadata.namespace, pod.metadata.name);
      if (!result.ok) return fail(k, statusErrorText(result.status));
    }
    // Eviction is a graceful delete: kubectl waits for each pod to be gone and says so.
    const pending = new Set(evict.map((p) => `${p.metadata.namespace}/${p.metadata.name}`));
    const limit = parseGoDuration(flags.string("timeout")) || 600_000;
    const done = waitUntil(k, limit, () => {
      for (const key of [...pending]) {
        const current = k.ctx.tx.state.pods[key];
        if (current && current.metadata.uid === evict.find((p) => `${p.metadata.namespace}/${p.metadata.name}` === key)?.metadata.uid) continue;
        pending.delete(key);
        k.out(`pod/${key.split("/")[1]} evicted\n`);
      }
      return pending.size === 0;
    });
    if (!done) return fail(k, `error: unable to drain node "${name}" due to error: global timeout reached: ${flags.string("timeout")}, continuing command...`);
    k.out(`node/${name} drained\n`);
    return 0;
  },
};
