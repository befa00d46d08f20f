// The pod kubectl exec (and attach) talks to for `TYPE/NAME` (polymorphichelpers
// AttachablePodForObject): a pod is itself; a deployment, replica set, daemon set, stateful set, job
// or service stands for the pods its selector matches, the most active first (podutils.ActivePods,
// reversed). With none yet, kubectl watches for one until --pod-running-timeout (1m0s) runs out.

import type { LabelSelectorRequirement } from "../cluster/label-selector.ts";
import { matchesRequirements, requirementsOfLabelSelector, requirementsOfMap } from "../cluster/label-selector.ts";
import type { DaemonSet, Deployment, Pod, ReplicaSet, Service } from "../cluster/types.ts";
import { get, waitUntil } from "./api.ts";
import { notFoundText, readOne } from "./builder.ts";
import type { Kubectl } from "./context.ts";
import { statusErrorText } from "./errors.ts";
import { lookupResource } from "./resources.ts";
import { readList } from "./store-read.ts";

const POD_RUNNING_TIMEOUT_MS = 60_000;

/** Go's %T of the typed object kubectl decoded, for its "cannot attach to" message. */
const goTypes: Record<string, string> = {
  nodes: "*v1.Node",
  namespaces: "*v1.Namespace",
  endpoints: "*v1.Endpoints",
  endpointslices: "*v1.EndpointSlice",
  events: "*v1.Event",
};

/** The pod's name, or kubectl's error text for `arg` (POD or TYPE/NAME). */
export function attachablePod(k: Kubectl, arg: string): { pod: string } | { error: string } {
  const slash = arg.indexOf("/");
  if (slash < 0) return { pod: arg };
  const found = lookupResource(arg.slice(0, slash), k.ctx.tx.state);
  if (!found.ok) return { error: found.error };
  const name = arg.slice(slash + 1);
  if (name === "") return { error: "error: arguments in resource/name form must have a single resource and name\n" };
  const type = found.type;
  if (type.name === "pods") return { pod: name };
  if (!["deployments", "replicasets", "daemonsets", "statefulsets", "jobs", "services"].includes(type.name)) {
    const goType = goTypes[type.name];
    if (!readOne(k.ctx.tx.state, type, k.namespace, name)) return { error: notFoundText(type, name) };
    return { error: `error: cannot attach to ${goType}: selector for ${goType} not implemented\n` };
  }
  const object = get(k, type.name, k.namespace, name);
  if (!object.ok) return { error: statusErrorText(object.status) };
  let selector: LabelSelectorRequirement[];
  if (type.name === "services") {
    const service = object.value as Service;
    if (!service.spec.selector || Object.keys(service.spec.selector).length === 0) {
      return { error: `error: cannot attach to *v1.Service: invalid service '${name}': Service is defined without a selector\n` };
    }
    selector = requirementsOfMap(service.spec.selector);
  } else {
    selector = requirementsOfLabelSelector((object.value as Deployment | ReplicaSet | DaemonSet).spec.selector);
  }
  const matching = () => readList<Pod>(k.ctx.tx.state, "pods", k.namespace).filter((p) => matchesRequirements(p.metadata.labels, selector));
  if (matching().length === 0 && !waitUntil(k, POD_RUNNING_TIMEOUT_MS, () => matching().length > 0)) {
    return { error: "error: timed out waiting for the condition\n" };
  }
  const pods = [...matching()].sort((a, b) => (lessActive(b, a) ? -1 : lessActive(a, b) ? 1 : 0));
  return { pod: pods[0].metadata.name };
}

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function readyCondition(pod: Pod) {
  return pod.status.conditions?.find((c) => c.type === "Ready" && c.status === "True");
}

function maxRestarts(pod: Pod): number {
  return Math.max(0, ...(pod.status.containerStatuses ?? []).map((s) => s.restartCount));
}

/** Go's afterOrZero: a zero time counts as after every other. RFC 3339 UTC times sort as text. */
function afterOrZero(t1: string | undefined, t2: string | undefined): boolean {
  if (!t1 || !t2) return !t1;
  return t1 > t2;
}

/** kubectl's podutils.ActivePods Less: true when `a` is the less active of the two. */
export function lessActive(a: Pod, b: Pod): boolean {
  const an = a.spec.nodeName ?? "";
  const bn = b.spec.nodeName ?? "";
  if (an !== bn && (an === "" || bn === "")) return an === "";
  const ap = phaseOrdinal[a.status.phase] ?? 0;
  const bp = phaseOrdinal[b.status.phase] ?? 0;
  if (ap !== bp) return ap < bp;
  const ar = readyCondition(a);
  const br = readyCondition(b);
  if (!!ar !== !!br) return !ar;
  if (ar && br && ar.lastTransitionTime !== br.lastTransitionTime) return afterOrZero(ar.lastTransitionTime, br.lastTransitionTime);
  if (maxRestarts(a) !== maxRestarts(b)) return maxRestarts(a) > maxRestarts(b);
  if (a.metadata.creationTimestamp !== b.metadata.creationTimestamp) {
    return afterOrZero(a.metadata.creationTimestamp, b.metadata.creationTimestamp);
  }
  return false;
}
