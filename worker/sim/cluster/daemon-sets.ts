// The DaemonSet controller (pkg/controller/daemon): one pod per eligible node. A node is eligible
// when it matches the template's nodeSelector and every NoSchedule/NoExecute taint on it is
// tolerated. Pods are created without a node and pinned to theirs by a required node affinity
// on metadata.name, which the default scheduler honours; a pod that is gone is made again, pods
// on nodes that may no longer run them are deleted, and a changed template rolls out one node at
// a time (RollingUpdate, maxUnavailable 1). The work per pass is the DaemonSets' own pods and the
// nodes, never the cluster's pods, and a DaemonSet whose nodes and pods did not change since its
// last pass is skipped.
import type { Random } from "../random.ts";
import { TEMPLATE_GENERATION, createObject, deletePodGracefully } from "./api-server.ts";
import { podReady } from "./conditions.ts";
import { involvedObject, recordEvent } from "./events.ts";
import { podTemplateHash } from "./ids.ts";
import { objectKey, podsOwnedBy, writeObject } from "./store.ts";
import type { Tx } from "./tx.ts";
import type { DaemonSet, Node, Pod, PodSpec, PodTemplateSpec, SubmittedObject } from "./types.ts";

interface Ctx {
  now: number;
  random: Random;
}

const DS_CONTROLLER = { component: "daemonset-controller" };

type Toleration = { key?: string; operator?: string; value?: string; effect?: string };
type Taint = { key: string; effect: string; value?: string };

/** util.AddOrUpdateDaemonPodTolerations: what every daemon pod tolerates besides its template's. */
const DAEMON_TOLERATIONS: readonly Toleration[] = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
];
const HOST_NETWORK_TOLERATION: Toleration = { key: "node.kubernetes.io/network-unavailable", operator: "Exists", effect: "NoSchedule" };

export function toleratesTaint(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((tol) => {
    if (tol.effect && tol.effect !== taint.effect) return false;
    if (tol.operator === "Exists") return !tol.key || tol.key === taint.key;
    return tol.key === taint.key && (tol.value ?? "") === (taint.value ?? "");
  });
}

const tolerationsCache = new WeakMap<PodSpec, Toleration[]>();

/** The template's tolerations plus the daemon ones (one array per template: specs are never edited). */
function daemonTolerations(spec: PodSpec): Toleration[] {
  let out = tolerationsCache.get(spec);
  if (!out) tolerationsCache.set(spec, (out = withDaemonTolerations(spec)));
  return out;
}

function withDaemonTolerations(spec: PodSpec): Toleration[] {
  const out = [...((spec.tolerations ?? []) as Toleration[])];
  const extra = spec.hostNetwork ? [...DAEMON_TOLERATIONS, HOST_NETWORK_TOLERATION] : DAEMON_TOLERATIONS;
  for (const t of extra) {
    if (!out.some((o) => o.key === t.key && o.operator === t.operator && o.effect === t.effect && (o.value ?? "") === "")) out.push({ ...t });
  }
  return out;
}

const hashCache = new WeakMap<PodTemplateSpec, string>();

/** controller-revision-hash of a template: stable for equal templates (ControllerRevision's hash). */
export function daemonSetHash(template: PodTemplateSpec): string {
  let h = hashCache.get(template);
  if (h === undefined) hashCache.set(template, (h = podTemplateHash(template)));
  return h;
}

export function templateGeneration(ds: DaemonSet): string {
  return ds.metadata.annotations?.[TEMPLATE_GENERATION] ?? String(ds.metadata.generation ?? 1);
}

/** The node a daemon pod is pinned to: spec.nodeName, or its required matchFields affinity. */
export function pinnedNode(spec: PodSpec): string | undefined {
  if (spec.nodeName) return spec.nodeName;
  const terms = (spec.affinity as { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: Array<{ matchFields?: Array<{ key: string; operator: string; values?: string[] }> }> } } } | undefined)
    ?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  const field = terms?.[0]?.matchFields?.find((f) => f.key === "metadata.name" && f.operator === "In");
  return field?.values?.length === 1 ? field.values[0] : undefined;
}

/** The daemon pod for a node, as the controller submits it (bootstrap replays it with nodeName set). */
export function daemonPodFor(ds: DaemonSet, node: string): SubmittedObject {
  const t = ds.spec.template;
  const affinity = {
    ...((t.spec.affinity as Record<string, unknown> | undefined) ?? {}),
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [node] }] }],
      },
    },
  };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: `${ds.metadata.name}-`,
      namespace: ds.metadata.namespace,
      labels: { ...(t.metadata.labels ?? {}), "controller-revision-hash": daemonSetHash(t), "pod-template-generation": templateGeneration(ds) },
      annotations: t.metadata.annotations,
      ownerReferences: [{ apiVersion: "apps/v1", kind: "DaemonSet", name: ds.metadata.name, uid: ds.metadata.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: { ...t.spec, affinity, tolerations: daemonTolerations(t.spec) },
  };
}

/** nodeShouldRunDaemonPod: [should run, should keep running what runs there]. */
function nodeVerdict(ds: DaemonSet, node: Node): [boolean, boolean] {
  const spec = ds.spec.template.spec;
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return [false, false];
  const tolerations = daemonTolerations(spec);
  let run = true;
  for (const taint of node.spec.taints ?? []) {
    if (toleratesTaint(tolerations, taint)) continue;
    if (taint.effect === "NoExecute") return [false, false];
    if (taint.effect === "NoSchedule") run = false;
  }
  return [run, true];
}

const isTerminal = (p: Pod): boolean => p.status.phase === "Succeeded" || p.status.phase === "Failed";

/** What a DaemonSet's last pass saw: when its nodes, its own object and its pods are the same objects, there is nothing to do. */
const seen = new WeakMap<DaemonSet, { nodes: object; pods: Pod[] }>();

function ownedPods(tx: Tx, ds: DaemonSet): Pod[] {
  const out: Pod[] = [];
  for (const key of podsOwnedBy(tx, ds.metadata.uid)) {
    const p = tx.state.pods[key];
    if (p) out.push(p);
  }
  return out;
}

function unchanged(tx: Tx, ds: DaemonSet, pods: Pod[]): boolean {
  const last = seen.get(ds);
  return !!last && last.nodes === tx.state.nodes && last.pods.length === pods.length && last.pods.every((p, i) => p === pods[i]);
}

export function daemonSetController(tx: Tx, ctx: Ctx): void {
  const all = tx.state.daemonSets;
  if (!all) return;
  for (const key of Object.keys(all).sort()) {
    const ds = tx.state.daemonSets![key];
    if (!ds || ds.metadata.deletionTimestamp) continue;
    const pods = ownedPods(tx, ds);
    if (unchanged(tx, ds, pods)) continue;
    manage(tx, ds, pods, ctx);
    const after = tx.state.daemonSets![key];
    if (!after) continue;
    // The status write changes the DaemonSet, not its pods: one read of them serves both.
    const podsAfter = ownedPods(tx, after);
    updateStatus(tx, key, after, podsAfter);
    const now = tx.state.daemonSets![key];
    if (now) seen.set(now, { nodes: tx.state.nodes, pods: podsAfter });
  }
}

function byNode(pods: Pod[]): Map<string, Pod[]> {
  const map = new Map<string, Pod[]>();
  for (const p of pods) {
    // A terminal pod on its way out no longer holds the node (getNodesToDaemonPods).
    if (isTerminal(p) && p.metadata.deletionTimestamp) continue;
    const node = pinnedNode(p.spec);
    if (!node) continue;
    const list = map.get(node);
    if (list) list.push(p);
    else map.set(node, [p]);
  }
  return map;
}

function isUpdated(ds: DaemonSet, p: Pod): boolean {
  const labels = p.metadata.labels ?? {};
  return labels["pod-template-generation"] === templateGeneration(ds) || labels["controller-revision-hash"] === daemonSetHash(ds.spec.template);
}

function manage(tx: Tx, ds: DaemonSet, pods: Pod[], ctx: Ctx): void {
  const nodes = Object.values(tx.state.nodes).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  const onNode = byNode(pods);
  const create: string[] = [];
  const remove: Pod[] = [];
  for (const node of nodes) {
    const [run, keep] = nodeVerdict(ds, node);
    const here = onNode.get(node.metadata.name) ?? [];
    onNode.delete(node.metadata.name);
    if (run && here.length === 0) create.push(node.metadata.name);
    else if (!keep) remove.push(...here.filter((p) => !p.metadata.deletionTimestamp));
    else {
      // A failed daemon pod is deleted (and made again once it is gone); of several, the oldest stays.
      const live = here.filter((p) => !p.metadata.deletionTimestamp);
      for (const p of live) if (p.status.phase === "Failed") remove.push(p);
      const running = live.filter((p) => p.status.phase !== "Failed").sort((a, b) => (a.metadata.creationTimestamp < b.metadata.creationTimestamp ? -1 : a.metadata.creationTimestamp > b.metadata.creationTimestamp ? 1 : a.metadata.name < b.metadata.name ? -1 : 1));
      remove.push(...running.slice(1));
    }
  }
  // Pods pinned to nodes that no longer exist.
  for (const list of onNode.values()) remove.push(...list.filter((p) => !p.metadata.deletionTimestamp));
  if (create.length === 0 && remove.length === 0) rollingUpdate(tx, ds, pods, nodes, ctx);
  for (const node of create) {
    const created = createObject(tx, daemonPodFor(ds, node), ctx);
    if (!created.ok) {
      recordEvent(tx, involvedObject(ds), "Warning", "FailedCreate", `Error creating: ${created.status.message}`, DS_CONTROLLER, ctx.now);
      break;
    }
    recordEvent(tx, involvedObject(ds), "Normal", "SuccessfulCreate", `Created pod: ${created.value.metadata.name}`, DS_CONTROLLER, ctx.now);
  }
  for (const pod of remove) deletePod(tx, ds, pod, ctx);
}

function deletePod(tx: Tx, ds: DaemonSet, pod: Pod, ctx: Ctx): void {
  deletePodGracefully(tx, objectKey(pod.metadata.namespace, pod.metadata.name), pod, ctx);
  recordEvent(tx, involvedObject(ds), "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`, DS_CONTROLLER, ctx.now);
}

/** RollingUpdate with maxSurge 0: an outdated pod goes only while no other pod is unavailable. */
function rollingUpdate(tx: Tx, ds: DaemonSet, pods: Pod[], nodes: Node[], ctx: Ctx): void {
  if (ds.spec.updateStrategy.type !== "RollingUpdate") return;
  const maxUnavailable = unavailableBudget(ds, nodes.filter((n) => nodeVerdict(ds, n)[0]).length);
  const live = pods.filter((p) => !p.metadata.deletionTimestamp);
  let unavailable = pods.length - live.length + live.filter((p) => !podReady(p)).length;
  const outdated = live.filter((p) => !isUpdated(ds, p)).sort((a, b) => (podReady(a) ? 1 : 0) - (podReady(b) ? 1 : 0) || (a.metadata.name < b.metadata.name ? -1 : 1));
  for (const pod of outdated) {
    // Unready outdated pods cost no availability; a ready one only within the budget.
    if (podReady(pod)) {
      if (unavailable >= maxUnavailable) break;
      unavailable++;
    }
    deletePod(tx, ds, pod, ctx);
  }
}

function unavailableBudget(ds: DaemonSet, desired: number): number {
  const v = ds.spec.updateStrategy.rollingUpdate?.maxUnavailable ?? 1;
  if (typeof v === "number") return Math.max(1, v);
  const pct = Number(String(v).replace("%", ""));
  return Math.max(1, Math.ceil((desired * (Number.isFinite(pct) ? pct : 0)) / 100));
}

function updateStatus(tx: Tx, key: string, ds: DaemonSet, pods: Pod[]): void {
  const onNode = byNode(pods);
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let updated = 0;
  for (const node of Object.values(tx.state.nodes)) {
    const [run] = nodeVerdict(ds, node);
    const here = (onNode.get(node.metadata.name) ?? []).filter((p) => !isTerminal(p));
    if (run) {
      desired++;
      if (here.length > 0) {
        current++;
        if (here.some(podReady)) ready++;
        if (here.some((p) => isUpdated(ds, p))) updated++;
      }
    } else if (here.length > 0) misscheduled++;
  }
  // minReadySeconds 0: a ready pod is an available one.
  const status: DaemonSet["status"] = { currentNumberScheduled: current, desiredNumberScheduled: desired, numberMisscheduled: misscheduled, numberReady: ready };
  if (ready) status.numberAvailable = ready;
  if (desired - ready > 0) status.numberUnavailable = desired - ready;
  status.observedGeneration = ds.metadata.generation ?? 1;
  if (updated) status.updatedNumberScheduled = updated;
  const before = ds.status;
  const same =
    before.currentNumberScheduled === status.currentNumberScheduled &&
    before.desiredNumberScheduled === status.desiredNumberScheduled &&
    before.numberMisscheduled === status.numberMisscheduled &&
    before.numberReady === status.numberReady &&
    before.numberAvailable === status.numberAvailable &&
    before.numberUnavailable === status.numberUnavailable &&
    before.observedGeneration === status.observedGeneration &&
    before.updatedNumberScheduled === status.updatedNumberScheduled;
  if (!same) writeObject(tx, "daemonSets", key, { ...ds, status });
}
