// Controllers and the kubelet, run by the engine before and after every command and as the
// clock moves: namespace deletion, garbage collection, the deployment controller, the
// ReplicaSet and DaemonSet controllers, the scheduler, and the kubelet's pod lifecycle. Each pass only writes
// what changes; when nothing was written since the last pass and no pod is due to change, a
// reconcile costs a couple of lookups.
import type { Random } from "../random.ts";
import { POD_IP_REUSE_DELAY_MS, allocatePodIP } from "./allocators.ts";
import { createObject, deletePodGracefully } from "./api-server.ts";
import { kubernetesService } from "./kubernetes-service.ts";
import { withProps } from "./compact.ts";
import { appendContainerLog } from "./container-log.ts";
import { involvedObject, recordEvent } from "./events.ts";
import { podTemplateHash, rfc3339 } from "./ids.ts";
import { daemonSetController, pinnedNode, toleratesTaint } from "./daemon-sets.ts";
import { runContainerCommandAt, runReadinessProbeAt } from "./container-commands.ts";
import { containerStepEvents } from "./kubelet-events.ts";
import { resolveEnvironment } from "./container-env.ts";
import { advanceContainers, admitContainers, nextChangeAt, podStatusAt } from "./kubelet.ts";
import { matchesRequirements, requirementsOfLabelSelector } from "./label-selector.ts";
import { specOnNode } from "./pod-spec.ts";
import { resourceQuotaController } from "./resource-quota-controller.ts";
import { rootCAPublisher } from "./root-ca-publisher.ts";
import { serviceAccountController } from "./service-account-controller.ts";
import { recordServiceLinks, serviceLinksFor, sweepServiceLinks } from "./service-env.ts";
import {
  nextResourceVersion,
  objectKey,
  podIPHint,
  podIPsOnNode,
  podOwners,
  podsOnNode,
  podsOwnedBy,
  putObject,
  removeAt,
  removeObject,
  replicaSetsOwnedBy,
  setPodIPHint,
  stashIndexes,
  unscheduledPods,
  writeObject,
} from "./store.ts";
import type { Tx } from "./tx.ts";
import type { ClusterState, Container, Deployment, Node, Pod, PodRuntime, PodTemplateSpec, ReplicaSet, Service } from "./types.ts";
import { nodeInternalIP, nodeReady, podReady as isReady } from "./conditions.ts";

const settled = new WeakMap<object, number>();
const nextCache = new WeakMap<object, { rv: number; at: number | undefined }>();

/** The next simulated ms at which some pod's status changes on its own, or undefined. */
export function nextTransitionAt(state: ClusterState): number | undefined {
  const hit = nextCache.get(state.podRuntime);
  if (hit && hit.rv === state.resourceVersion) return hit.at;
  let at: number | undefined;
  const runtime = state.podRuntime;
  for (const key in runtime) {
    const n = runtime[key].nextAt;
    if (n !== undefined && (at === undefined || n < at)) at = n;
  }
  nextCache.set(state.podRuntime, { rv: state.resourceVersion, at });
  return at;
}

export function reconcile(tx: Tx, now: number, random: Random): void {
  tx.setNow(now);
  const state = tx.state;
  if (settled.get(state.pods) === state.resourceVersion) {
    const due = nextTransitionAt(state);
    if (due === undefined || due > now) return;
  }
  const ctx = { now, random };
  for (let pass = 0; pass < 6; pass++) {
    const before = tx.state.resourceVersion;
    namespaceController(tx, ctx);
    serviceAccountController(tx, ctx);
    rootCAPublisher(tx, ctx);
    apiServerServiceController(tx, ctx);
    garbageCollector(tx, ctx);
    deploymentController(tx, ctx);
    replicaSetController(tx, ctx);
    daemonSetController(tx, ctx);
    nodeLifecycleController(tx);
    taintEvictionController(tx, ctx);
    scheduler(tx, now);
    kubelet(tx, now, random);
    replicaSetStatus(tx);
    deploymentStatus(tx, now);
    resourceQuotaController(tx);
    if (tx.state.resourceVersion === before) break;
  }
  settled.set(tx.state.pods, tx.state.resourceVersion);
  stashIndexes(tx);
}

interface Ctx {
  now: number;
  random: Random;
}

// ---------------------------------------------------------------- node lifecycle

/** A cordoned node carries the `node.kubernetes.io/unschedulable:NoSchedule` taint, as the node lifecycle controller sets it. */
function nodeLifecycleController(tx: Tx): void {
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
function taintEvictionController(tx: Tx, ctx: Ctx): void {
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

// ---------------------------------------------------------------- namespaces and GC

// The API server's own controller recreates `default/kubernetes` when someone deletes it, so
// pods can always reach the API at 10.96.0.1:443.
function apiServerServiceController(tx: Tx, ctx: Ctx): void {
  const state = tx.state;
  if (state.services["default/kubernetes"] || state.namespaces["default"]?.status.phase !== "Active") return;
  createObject(tx, kubernetesService(), ctx);
}

function namespaceController(tx: Tx, ctx: Ctx): void {
  for (const [name, ns] of Object.entries(tx.state.namespaces)) {
    if (ns.status.phase !== "Terminating") continue;
    const prefix = `${name}/`;
    for (const c of ["deployments", "replicaSets", "daemonSets", "services"] as const) {
      for (const key of Object.keys(tx.state[c] ?? {})) {
        if (key.startsWith(prefix)) {
          nextResourceVersion(tx);
          removeObject(tx, c, key);
        }
      }
    }
    // The generic store's kinds (ConfigMaps, Secrets, ...) go at once too.
    for (const resource of Object.keys(tx.state.objects ?? {})) {
      for (const key of Object.keys(tx.state.objects![resource])) {
        if (key.startsWith(prefix)) {
          nextResourceVersion(tx);
          removeAt(tx, { resource }, key);
        }
      }
    }
    let left = 0;
    for (const [key, pod] of Object.entries(tx.state.pods)) {
      if (!key.startsWith(prefix)) continue;
      left++;
      deletePodGracefully(tx, key, pod, ctx);
    }
    if (left === 0) {
      nextResourceVersion(tx);
      removeObject(tx, "namespaces", name);
    }
  }
}

function garbageCollector(tx: Tx, ctx: Ctx): void {
  const deploymentUids = new Set<string>();
  for (const d of Object.values(tx.state.deployments)) deploymentUids.add(d.metadata.uid);
  const rsUids = new Set<string>();
  for (const [key, rs] of Object.entries(tx.state.replicaSets)) {
    const owner = rs.metadata.ownerReferences?.find((r) => r.controller && r.kind === "Deployment");
    if (owner && !deploymentUids.has(owner.uid)) {
      nextResourceVersion(tx);
      removeObject(tx, "replicaSets", key);
    } else rsUids.add(rs.metadata.uid);
  }
  // Sessions saved before DaemonSets existed have none: their daemon pods are left alone.
  const daemonSets = tx.state.daemonSets;
  const dsUids = new Set<string>();
  for (const ds of Object.values(daemonSets ?? {})) dsUids.add(ds.metadata.uid);
  const orphans: string[] = [];
  for (const [uid, keys] of podOwners(tx)) {
    if (rsUids.has(uid) || dsUids.has(uid)) continue;
    for (const key of keys) {
      const ref = tx.state.pods[key]?.metadata.ownerReferences?.find((r) => r.controller);
      if (ref?.kind === "ReplicaSet" || (ref?.kind === "DaemonSet" && daemonSets)) orphans.push(key);
    }
  }
  for (const key of orphans) {
    const pod = tx.state.pods[key];
    if (pod && !pod.metadata.deletionTimestamp) deletePodGracefully(tx, key, pod, ctx);
  }
}

// ---------------------------------------------------------------- deployments

const hashCache = new WeakMap<PodTemplateSpec, string>();
function templateHash(template: PodTemplateSpec): string {
  let h = hashCache.get(template);
  // ComputeHash hashes the Go struct, whose zero creationTimestamp is part of the template.
  if (h === undefined) hashCache.set(template, (h = podTemplateHash({ ...template, metadata: { creationTimestamp: null, ...template.metadata } })));
  return h;
}

const revisionOf = (o: { metadata: { annotations?: Record<string, string> } }): number => Number(o.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? 0);

function ownedReplicaSets(tx: Tx, d: Deployment): Array<[string, ReplicaSet]> {
  const out: Array<[string, ReplicaSet]> = [];
  for (const key of replicaSetsOwnedBy(tx, d.metadata.uid)) {
    const rs = tx.state.replicaSets[key];
    if (rs) out.push([key, rs]);
  }
  return out;
}

function maxSurge(d: Deployment): number {
  const v = (d.spec.strategy as { rollingUpdate?: { maxSurge?: string | number } } | undefined)?.rollingUpdate?.maxSurge ?? "25%";
  return typeof v === "number" ? v : Math.ceil((d.spec.replicas * Number(String(v).replace("%", ""))) / 100);
}

function maxUnavailable(d: Deployment): number {
  const v = (d.spec.strategy as { rollingUpdate?: { maxUnavailable?: string | number } } | undefined)?.rollingUpdate?.maxUnavailable ?? "25%";
  return typeof v === "number" ? v : Math.floor((d.spec.replicas * Number(String(v).replace("%", ""))) / 100);
}

function deploymentController(tx: Tx, ctx: Ctx): void {
  for (const [key, d] of Object.entries(tx.state.deployments)) {
    const hash = templateHash(d.spec.template);
    const owned = ownedReplicaSets(tx, d);
    const desired = d.spec.replicas;
    let current = owned.find(([, rs]) => rs.metadata.labels?.["pod-template-hash"] === hash);
    const revision = Math.max(0, ...owned.map(([, rs]) => revisionOf(rs)));
    const annotations = (rev: number): Record<string, string> => ({
      ...copiedAnnotations(d),
      "deployment.kubernetes.io/desired-replicas": String(desired),
      "deployment.kubernetes.io/max-replicas": String(desired + maxSurge(d)),
      "deployment.kubernetes.io/revision": String(rev),
    });
    if (!current) {
      const labels = { ...(d.spec.template.metadata.labels ?? {}), "pod-template-hash": hash };
      const created = createObject(
        tx,
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          metadata: {
            name: `${d.metadata.name}-${hash}`,
            namespace: d.metadata.namespace,
            labels,
            annotations: annotations(revision + 1),
            ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: d.metadata.name, uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }],
          },
          spec: {
            replicas: desired,
            selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector.matchLabels ?? {}), "pod-template-hash": hash } },
            template: { ...d.spec.template, metadata: { ...d.spec.template.metadata, labels } },
          },
        },
        ctx,
      );
      // A refusal (object cap, name clash) leaves the Deployment as it is, like a failed create.
      if (!created.ok) continue;
      const rs = created.value as ReplicaSet;
      current = [objectKey(rs.metadata.namespace, rs.metadata.name), rs];
      if (desired > 0) scalingEvent(tx, d, rs, 0, desired, ctx.now);
    } else {
      const rs = current[1];
      // An older ReplicaSet whose template is back (rollout undo) becomes the newest revision again.
      const own = revisionOf(rs);
      const rev = own > 0 && own < revision ? revision + 1 : own || revision;
      const want = annotations(rev);
      if (rev !== own) want["deployment.kubernetes.io/revision-history"] = [rs.metadata.annotations?.["deployment.kubernetes.io/revision-history"], String(own)].filter(Boolean).join(",");
      const have = rs.metadata.annotations ?? {};
      if (rs.spec.replicas !== desired || Object.keys(want).some((k) => have[k] !== want[k])) {
        const updated = { ...rs, metadata: { ...rs.metadata, annotations: { ...have, ...want } }, spec: { ...rs.spec, replicas: desired } };
        current = [current[0], writeObject(tx, "replicaSets", current[0], updated)];
        if (rs.spec.replicas !== desired) scalingEvent(tx, d, rs, rs.spec.replicas, desired, ctx.now);
      }
    }
    // Rolling update: old ReplicaSets shrink as the new one's pods become available.
    const newAvailable = current[1].status.availableReplicas ?? 0;
    let allowance = Math.max(0, desired - newAvailable);
    const old = owned.filter(([k]) => k !== current![0]).sort((a, b) => revisionOf(b[1]) - revisionOf(a[1]));
    for (const [k, rs] of old) {
      const target = Math.min(rs.spec.replicas, allowance);
      allowance -= target;
      if (target !== rs.spec.replicas) {
        writeObject(tx, "replicaSets", k, { ...rs, spec: { ...rs.spec, replicas: target } });
        scalingEvent(tx, d, rs, rs.spec.replicas, target, ctx.now);
      }
    }
    const rev = String(revisionOf(current[1]));
    if (d.metadata.annotations?.["deployment.kubernetes.io/revision"] !== rev) {
      writeObject(tx, "deployments", key, { ...d, metadata: { ...d.metadata, annotations: { ...(d.metadata.annotations ?? {}), "deployment.kubernetes.io/revision": rev } } });
    }
  }
}

/** The Deployment's own annotations the controller copies onto its new ReplicaSet (change-cause among them). */
const NOT_COPIED = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  "deployment.kubernetes.io/revision",
  "deployment.kubernetes.io/revision-history",
  "deployment.kubernetes.io/desired-replicas",
  "deployment.kubernetes.io/max-replicas",
]);
function copiedAnnotations(d: Deployment): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!NOT_COPIED.has(k)) out[k] = v;
  return out;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function deploymentStatus(tx: Tx, now: number): void {
  for (const [key, d] of Object.entries(tx.state.deployments)) {
    const hash = templateHash(d.spec.template);
    const owned = ownedReplicaSets(tx, d);
    let replicas = 0;
    let ready = 0;
    let available = 0;
    let updated = 0;
    let newName = "";
    for (const [, rs] of owned) {
      replicas += rs.status.replicas ?? 0;
      ready += rs.status.readyReplicas ?? 0;
      available += rs.status.availableReplicas ?? 0;
      if (rs.metadata.labels?.["pod-template-hash"] === hash) {
        updated = rs.status.replicas ?? 0;
        newName = rs.metadata.name;
      }
    }
    const desired = d.spec.replicas;
    const minAvailable = desired - maxUnavailable(d);
    const availableOk = available >= minAvailable;
    const complete = updated === desired && replicas === desired && available === desired;
    const previous = d.status.conditions as Array<Record<string, string>> | undefined;
    const cond = (type: string, status: string, reason: string, message: string) => {
      const before = previous?.find((c) => c.type === type);
      const sameStatus = before?.status === status;
      const sameReason = sameStatus && before?.reason === reason;
      return {
        lastTransitionTime: sameStatus ? before!.lastTransitionTime : rfc3339(now),
        lastUpdateTime: sameReason ? before!.lastUpdateTime : rfc3339(now),
        message,
        reason,
        status,
        type,
      };
    };
    const conditions = [
      availableOk
        ? cond("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
        : cond("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
      complete
        ? cond("Progressing", "True", "NewReplicaSetAvailable", `ReplicaSet "${newName}" has successfully progressed.`)
        : cond("Progressing", "True", "ReplicaSetUpdated", `ReplicaSet "${newName}" is progressing.`),
    ];
    const status: Deployment["status"] = { observedGeneration: d.metadata.generation ?? 1 };
    if (replicas) status.replicas = replicas;
    if (updated) status.updatedReplicas = updated;
    if (ready) status.readyReplicas = ready;
    if (available) status.availableReplicas = available;
    if (replicas - available > 0) status.unavailableReplicas = replicas - available;
    status.conditions = conditions;
    if (!sameJson(status, d.status)) writeObject(tx, "deployments", key, { ...d, status });
  }
}

// ---------------------------------------------------------------- replicasets

const active = (p: Pod | undefined): p is Pod => !!p && !p.metadata.deletionTimestamp && p.status.phase !== "Succeeded" && p.status.phase !== "Failed";

/** controller.ActivePods ranking: the pods a scale-down removes first come first. */
function deletionRank(a: Pod, b: Pod): number {
  const s = (p: Pod) => (p.spec.nodeName ? 1 : 0);
  if (s(a) !== s(b)) return s(a) - s(b);
  const phase = (p: Pod) => ({ Pending: 0, Unknown: 1, Running: 2 } as Record<string, number>)[p.status.phase] ?? 2;
  if (phase(a) !== phase(b)) return phase(a) - phase(b);
  const r = (p: Pod) => (isReady(p) ? 1 : 0);
  if (r(a) !== r(b)) return r(a) - r(b);
  const restarts = (p: Pod) => (p.status.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  if (a.metadata.creationTimestamp !== b.metadata.creationTimestamp) return a.metadata.creationTimestamp < b.metadata.creationTimestamp ? 1 : -1;
  return a.metadata.name < b.metadata.name ? -1 : 1;
}

const RS_CONTROLLER = { component: "replicaset-controller" };
const DEPLOYMENT_CONTROLLER = { component: "deployment-controller" };

/** deployment controller scaleReplicaSet's event. */
function scalingEvent(tx: Tx, d: Deployment, rs: ReplicaSet, from: number, to: number, at: number): void {
  recordEvent(tx, involvedObject(d), "Normal", "ScalingReplicaSet", `Scaled ${to > from ? "up" : "down"} replica set ${rs.metadata.name} from ${from} to ${to}`, DEPLOYMENT_CONTROLLER, at);
}

function replicaSetController(tx: Tx, ctx: Ctx): void {
  for (const rs of Object.values(tx.state.replicaSets)) {
    const pods: Array<[string, Pod]> = [];
    for (const key of podsOwnedBy(tx, rs.metadata.uid)) {
      const p = tx.state.pods[key];
      if (active(p)) pods.push([key, p]);
    }
    const diff = rs.spec.replicas - pods.length;
    if (diff > 0) {
      const t = rs.spec.template;
      for (let i = 0; i < diff; i++) {
        const created = createObject(
          tx,
          {
            apiVersion: "v1",
            kind: "Pod",
            metadata: {
              generateName: `${rs.metadata.name}-`,
              namespace: rs.metadata.namespace,
              labels: t.metadata.labels,
              annotations: t.metadata.annotations,
              ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: rs.metadata.name, uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }],
            },
            spec: t.spec,
          },
          ctx,
        );
        if (!created.ok) break;
        recordEvent(tx, involvedObject(rs), "Normal", "SuccessfulCreate", `Created pod: ${created.value.metadata.name}`, RS_CONTROLLER, ctx.now);
      }
    } else if (diff < 0) {
      pods.sort((a, b) => deletionRank(a[1], b[1]));
      for (const [key, pod] of pods.slice(0, -diff)) {
        deletePodGracefully(tx, key, pod, ctx);
        recordEvent(tx, involvedObject(rs), "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`, RS_CONTROLLER, ctx.now);
      }
    }
  }
}

function replicaSetStatus(tx: Tx): void {
  for (const [key, rs] of Object.entries(tx.state.replicaSets)) {
    let replicas = 0;
    let labeled = 0;
    let ready = 0;
    const reqs = requirementsOfLabelSelector({ matchLabels: rs.spec.template.metadata.labels });
    for (const podKey of podsOwnedBy(tx, rs.metadata.uid)) {
      const p = tx.state.pods[podKey];
      if (!active(p)) continue;
      replicas++;
      if (matchesRequirements(p.metadata.labels, reqs)) labeled++;
      if (isReady(p)) ready++;
    }
    const status: ReplicaSet["status"] = { replicas };
    if (labeled) status.fullyLabeledReplicas = labeled;
    if (ready) status.readyReplicas = ready;
    if (ready) status.availableReplicas = ready;
    status.observedGeneration = rs.metadata.generation ?? 1;
    if (!sameJson(status, rs.status)) writeObject(tx, "replicaSets", key, { ...rs, status });
  }
}

// ---------------------------------------------------------------- scheduler

function tolerates(pod: Pod, taint: { key: string; effect: string; value?: string }): boolean {
  return toleratesTaint(pod.spec.tolerations, taint);
}

function matchesNodeSelector(pod: Pod, node: Node): boolean {
  const selector = pod.spec.nodeSelector;
  if (!selector) return true;
  const labels = node.metadata.labels ?? {};
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

function maxPods(n: Node): number {
  return Number(n.status.allocatable.pods ?? 110);
}

const SCHEDULER = { component: "default-scheduler" };
const UNSCHEDULABLE_TAINT = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" };

/** The nodes (indexes into the usable ones) a pod may go to, and why the others may not. */
interface Candidates {
  nodes: number[];
  mismatched: number;
  cordoned: number;
}

function scheduler(tx: Tx, now: number): void {
  const pending = [...unscheduledPods(tx)];
  if (pending.length === 0) return;
  const nodes = Object.values(tx.state.nodes).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  // Cordoned nodes stay in: the NodeUnschedulable filter lets through pods that tolerate its
  // taint (daemon pods do).
  const usable = nodes.filter((n) => nodeReady(n));
  const limits = usable.map(maxPods);
  // Pods per usable node, kept here as this pass binds pods (thousands of pods x nodes lookups).
  const counts = usable.map((n) => podsOnNode(tx, n.metadata.name));
  // Pods with the same tolerations see the same nodes: filter the taints once per distinct set.
  const candidatesFor = new Map<unknown, Candidates>();
  for (const key of pending) {
    const pod = tx.state.pods[key];
    if (!pod || pod.metadata.deletionTimestamp) continue;
    // Most pods share the API server's default tolerations array, so identity is a good key.
    // Pods with a nodeSelector or pinned to a node by affinity (daemon pods) are filtered alone.
    const pinned = pinnedNode(pod.spec);
    const special = pinned !== undefined || pod.spec.nodeSelector !== undefined;
    const tolerationKey: unknown = pod.spec.tolerations ?? candidatesFor;
    let found = special ? undefined : candidatesFor.get(tolerationKey);
    if (!found) {
      found = { nodes: [], mismatched: 0, cordoned: 0 };
      const c = found;
      usable.forEach((n, i) => {
        if (special && ((pinned !== undefined && n.metadata.name !== pinned) || !matchesNodeSelector(pod, n))) c.mismatched++;
        else if (n.spec.unschedulable && !tolerates(pod, UNSCHEDULABLE_TAINT)) c.cordoned++;
        else if (!(n.spec.taints ?? []).some((t) => (t.effect === "NoSchedule" || t.effect === "NoExecute") && !tolerates(pod, t))) c.nodes.push(i);
      });
      if (!special) candidatesFor.set(tolerationKey, found);
    }
    const { nodes: candidates, mismatched } = found;
    let best: Node | undefined;
    let bestIndex = -1;
    let bestCount = Infinity;
    const notReady = nodes.length - usable.length + found.cordoned;
    const tainted = usable.length - candidates.length - mismatched - found.cordoned;
    let full = 0;
    for (const i of candidates) {
      const n = usable[i];
      const count = counts[i];
      if (count >= limits[i]) {
        full++;
        continue;
      }
      if (count < bestCount) {
        best = n;
        bestIndex = i;
        bestCount = count;
      }
    }
    if (!best) {
      const parts: string[] = [];
      if (mismatched) parts.push(`${mismatched} node(s) didn't match Pod's node affinity/selector`);
      if (tainted) parts.push(`${tainted} node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }`);
      if (full) parts.push(`${full} Too many pods`);
      if (notReady) parts.push(`${notReady} node(s) were unschedulable`);
      const message = `0/${nodes.length} nodes are available: ${parts.join(", ")}. preemption: 0/${nodes.length} nodes are available: ${[mismatched + tainted ? `${mismatched + tainted} Preemption is not helpful for scheduling` : "", full ? `${full} No preemption victims found for incoming pod` : ""].filter(Boolean).join(", ")}.`;
      const conditions = [{ type: "PodScheduled" as const, status: "False" as const, lastProbeTime: null, lastTransitionTime: rfc3339(now), reason: "Unschedulable", message }];
      const old = pod.status.conditions?.[0];
      if (old?.message !== message) {
        recordEvent(tx, involvedObject(pod), "Warning", "FailedScheduling", message, SCHEDULER, now);
        writeObject(tx, "pods", key, { ...pod, status: { ...pod.status, conditions: old?.message === undefined ? conditions : [{ ...conditions[0], lastTransitionTime: old.lastTransitionTime }] } });
      }
      const rt = tx.state.podRuntime[key];
      if (rt && rt.nextAt !== undefined) tx.write("podRuntime")[key] = { ...rt, nextAt: undefined };
      continue;
    }
    writeObject(tx, "pods", key, { ...pod, spec: specOnNode(pod.spec, best.metadata.name) });
    counts[bestIndex]++;
    recordEvent(tx, involvedObject(pod), "Normal", "Scheduled", `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${best.metadata.name}`, SCHEDULER, now);
    const rt = tx.state.podRuntime[key] ?? { createdAt: now, logs: [] };
    tx.write("podRuntime")[key] = { ...rt, scheduledAt: now, nextAt: now };
  }
}

// ---------------------------------------------------------------- kubelet

function kubelet(tx: Tx, now: number, random: Random): void {
  const due: string[] = [];
  const runtimes = tx.state.podRuntime;
  for (const key in runtimes) {
    const n = runtimes[key].nextAt;
    if (n !== undefined && n <= now) due.push(key);
  }
  if (due.length === 0) return;
  let servicesByNamespace: Map<string, Service[]> | undefined;
  // Pods of one namespace admitted in one pass see the same Services: one lookup each.
  const linksCache = new Map<string, string | undefined>();
  let linksAdded = false;
  const linksFor = (pod: Pod): string | undefined => {
    const ns = pod.metadata.namespace ?? "default";
    const links = pod.spec.enableServiceLinks !== false;
    const cacheKey = `${links}/${ns}`;
    if (linksCache.has(cacheKey)) return linksCache.get(cacheKey);
    if (!servicesByNamespace) {
      servicesByNamespace = new Map();
      for (const s of Object.values(tx.state.services)) {
        const list = servicesByNamespace.get(s.metadata.namespace ?? "default") ?? [];
        list.push(s);
        servicesByNamespace.set(s.metadata.namespace ?? "default", list);
      }
    }
    const setsBefore = tx.state.serviceLinkSets;
    const id = recordServiceLinks(tx, serviceLinksFor(servicesByNamespace.get(ns) ?? [], ns, links, tx.state.services["default/kubernetes"]));
    if (id !== undefined && setsBefore?.[id] === undefined) linksAdded = true;
    linksCache.set(cacheKey, id);
    return id;
  };

  for (const key of due) {
    const runtime = tx.state.podRuntime[key];
    const pod = tx.state.pods[key];
    if (!pod) {
      delete tx.write("podRuntime")[key];
      continue;
    }
    if (runtime.goneAt !== undefined && runtime.goneAt <= now) {
      if (pod.status.podIP && !pod.spec.hostNetwork) tx.write("releasedPodIPs")[pod.status.podIP] = runtime.goneAt + POD_IP_REUSE_DELAY_MS;
      nextResourceVersion(tx);
      removeObject(tx, "pods", key);
      delete tx.write("podRuntime")[key];
      continue;
    }
    const nodeName = pod.spec.nodeName;
    if (!nodeName) {
      tx.write("podRuntime")[key] = { ...runtime, nextAt: undefined };
      continue;
    }
    const node = tx.state.nodes[nodeName];
    const hostIP = nodeInternalIP(node) ?? "";
    let next: PodRuntime = runtime;
    let podIP = pod.status.podIP;
    if (!runtime.containers) {
      const at = runtime.scheduledAt ?? runtime.createdAt;
      if (pod.spec.hostNetwork) podIP = hostIP;
      else if (!podIP) {
        const from = podIPHint(tx, nodeName);
        podIP = allocatePodIP(node?.spec.podCIDR ?? "", podIPsOnNode(tx, nodeName), tx.state.releasedPodIPs, now, from);
        if (podIP) setPodIPHint(tx, nodeName, Number(podIP.slice(podIP.lastIndexOf(".") + 1)) + 1);
        if (!podIP) {
          // The node's range is exhausted: the sandbox cannot get a network (FailedCreatePodSandBox).
          tx.write("podRuntime")[key] = { ...runtime, nextAt: undefined };
          continue;
        }
      }
      next = { ...runtime, sandboxAt: at, containers: admitContainers(pod, at, random) };
      const links = linksFor(pod);
      if (links !== undefined) next.serviceLinks = links;
    }
    let oneShotLog: string[] | undefined;
    const probed: Array<{ name: string; at: number }> = [];
    const resolve = (spec: Container) => resolveEnvironment(tx.state, tx.state.pods[key] ?? pod, spec);
    const containers = advanceContainers(pod, next.containers!, now, random, resolve, (spec, before, after) => {
      containerStepEvents(tx, pod, spec, before, after);
      if (after.phase !== "running" || before.phase === "running") return;
      if (spec.readinessProbe) probed.push({ name: spec.name, at: after.since + (spec.readinessProbe.initialDelaySeconds ?? 0) * 1000 });
      // The image's own process (a server) is not a one-shot command: nothing to run here.
      if (!spec.command?.length && !spec.args?.length) return;
      // A command that ends by itself runs now, in the pod's place; what it prints is its log and
      // its status is the container's exit code.
      if (!tx.state.pods[key]?.status.podIP && podIP) putObject(tx, "pods", key, withProps(pod, { status: { ...pod.status, podIP, podIPs: [{ ip: podIP }], hostIP } }));
      const result = runContainerCommandAt(tx, random, after.since, key, spec.name);
      if (!result) return;
      after.exitCode = result.exitCode;
      oneShotLog = result.output === "" ? [] : result.output.replace(/\n$/, "").split("\n");
    });
    const changed = containers !== next.containers || next !== runtime;
    next = withProps(next, { containers });
    if (oneShotLog) next = appendContainerLog({ ...next, logs: [], logBytes: 0 }, oneShotLog, now);
    next.nextAt = nextChangeAt(next);
    // Status is a function of the containers: unchanged containers, unchanged status.
    if (changed) {
      const status = podStatusAt(pod, next, containers, hostIP, podIP!, now);
      putObject(tx, "pods", key, withProps(pod, { metadata: withProps(pod.metadata, { resourceVersion: nextResourceVersion(tx) }), status }));
    } else {
      nextResourceVersion(tx);
    }
    tx.write("podRuntime")[key] = next;
    if (probed.length > 0) probeReadiness(tx, key, probed, hostIP, podIP!, now, random);
  }
  // A new set may replace older ones whose pods are gone: drop what nothing refers to.
  if (linksAdded) sweepServiceLinks(tx);
  pruneReleasedIPs(tx, now);
}

/**
 * Readiness probes of containers that just started, once the pod is up (its server listens): the
 * verdict holds for the run, since the simulated apps answer the same way each time. A failure is
 * the kubelet's Unhealthy event; the pod stays out of its Services' endpoints.
 */
function probeReadiness(tx: Tx, key: string, probed: Array<{ name: string; at: number }>, hostIP: string, podIP: string, now: number, random: Random): void {
  for (const { name, at } of probed) {
    const result = runReadinessProbeAt(tx, random, Math.min(at, now), key, name);
    const runtime = tx.state.podRuntime[key];
    const pod = tx.state.pods[key];
    if (!result || !runtime?.containers || !pod) continue;
    const i = runtime.containers.findIndex((c) => c.name === name);
    if (i < 0 || runtime.containers[i].phase !== "running") continue;
    const containers = runtime.containers.slice();
    containers[i] = { ...containers[i], probeReady: result.ok };
    const next = { ...runtime, containers };
    tx.write("podRuntime")[key] = next;
    if (!result.ok) recordEvent(tx, involvedObject(pod, `spec.containers{${name}}`), "Warning", "Unhealthy", `Readiness probe failed: ${result.message}`, { component: "kubelet", host: pod.spec.nodeName }, Math.min(at, now));
    const status = podStatusAt(pod, next, containers, hostIP, podIP, now);
    putObject(tx, "pods", key, withProps(pod, { metadata: withProps(pod.metadata, { resourceVersion: nextResourceVersion(tx) }), status }));
  }
}

function pruneReleasedIPs(tx: Tx, now: number): void {
  const released = tx.state.releasedPodIPs;
  let stale = false;
  for (const ip in released) if (released[ip] <= now) stale = true;
  if (!stale) return;
  const w = tx.write("releasedPodIPs");
  for (const ip in w) if (w[ip] <= now) delete w[ip];
}
