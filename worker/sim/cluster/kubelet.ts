// The kubelet and container runtime over simulated time. Each container steps through
// ContainerCreating -> Running, or ErrImagePull <-> ImagePullBackOff for an unknown image, or
// Running -> Completed/Error -> CrashLoopBackOff with the real back-off (10s doubling to 5m)
// for a process that exits. The pod status is derived from these steps (phase, conditions,
// containerStatuses), the way the kubelet's status manager reports it.
import type { Random } from "../random.ts";
import { withProps } from "./compact.ts";
import { hasEnvReferences, type EnvResolution } from "./container-env.ts";
import { newContainerID, parseRfc3339, rfc3339 } from "./ids.ts";
import { findImage, normalizedImage, pullError } from "./images.ts";
import { pullErrorMessage } from "./kubelet-events.ts";
import { armOnStart, newWorkers, probesDueAt } from "./kubelet-probes.ts";
import { scriptPieces } from "./container-script.ts";
import { processBehaviour } from "./process.ts";
import { nextResourceVersion } from "./store.ts";
import type { Tx } from "./tx.ts";
import type { Container, ContainerRuntime, ContainerState, ContainerStatus, Pod, PodCondition, PodRuntime, PodStatus } from "./types.ts";

export const CREATE_MS = { min: 1000, spread: 1000 };
/** How long ErrImagePull shows before the kubelet reports ImagePullBackOff. */
export const PULL_ERROR_MS = 2000;
/** How long a finished container shows Completed/Error before the kubelet acts on it. */
export const EXITED_NOTICE_MS = 1000;
export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;
/**
 * A pod whose sync failed (a container's config could not be made) is synced again after the pod
 * worker's back-off, kubelet.go backOffPeriod, jittered by up to half (workerBackOffPeriodJitterFactor).
 */
export const CONFIG_RETRY_MS = { min: 10_000, spread: 5000 };

/** The kubelet's view of a container's environment: resolved from the cluster when it starts. */
export type EnvironmentResolver = (spec: Container) => EnvResolution;

export function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_INITIAL_MS * 2 ** Math.max(0, attempt - 1), BACKOFF_MAX_MS);
}

const canPull = (image: string): boolean => pullError(image) === undefined;

/** Containers of a pod the kubelet has just admitted (sandbox being created, images pulling). */
export function admitContainers(pod: Pod, at: number, random: Random): ContainerRuntime[] {
  return pod.spec.containers.map((c) => {
    const out: ContainerRuntime = {
      name: c.name,
      phase: "creating",
      since: at,
      until: at + CREATE_MS.min + random.int(CREATE_MS.spread),
      restartCount: 0,
      pullAttempts: 0,
    };
    // The prober's workers start with the pod (prober_manager AddPod); only containers with probes have them.
    const workers = newWorkers(c, at);
    return workers ? withProps(out, { probes: workers }) : out;
  });
}

function start(c: ContainerRuntime, spec: Container, at: number, random: Random, restart: boolean, resolve: EnvironmentResolver): ContainerRuntime {
  // generateContainerConfig: the environment is made before the container is created.
  // Literal values only (most containers): nothing to look up, nothing to copy.
  const references = hasEnvReferences(spec);
  const resolved = references ? resolve(spec) : undefined;
  if (resolved && !resolved.ok) {
    return { ...c, phase: "config-error", since: at, until: at + CONFIG_RETRY_MS.min + random.int(CONFIG_RETRY_MS.spread), configError: resolved.message };
  }
  const env = resolved?.ok ? resolved.env : undefined;
  const behaviour = processBehaviour(spec, env);
  // Not a spread that adds keys: V8 (Node 20) gives every such spread result a hidden class of
  // its own, 300 bytes per container in a big cluster.
  const next: ContainerRuntime = withProps(c, {
    phase: "running" as const,
    since: at,
    until: behaviour.kind === "exits" ? at + behaviour.afterMs : undefined,
    containerID: newContainerID(random),
    startedAt: at,
    restartCount: restart ? c.restartCount + 1 : c.restartCount,
  });
  delete next.exitCode;
  delete next.configError;
  // Only references need a copy: literal values are read from the spec.
  if (env) next.env = env;
  else delete next.env;
  // Each run is probed afresh: not ready until its readiness probe passes, not started until its startup probe does.
  delete next.probeReady;
  delete next.probeStarted;
  delete next.verdictAt;
  delete next.probeKilled;
  if (next.probes) next.probes = armOnStart(next.probes, at);
  // A script that sleeps between statements runs its pieces over time (container-script.ts).
  // (One that ends at once is the one-shot runner's, kubelet-sync.ts.)
  const pieces = behaviour.kind === "forever" || (behaviour.kind === "exits" && behaviour.afterMs > 0) ? scriptPieces(spec) : undefined;
  if (pieces) next.script = { at: at + pieces[0].afterMs, next: 0 };
  else delete next.script;
  if (restart && c.containerID !== undefined && c.startedAt !== undefined && c.exitCode !== undefined) {
    next.lastTerminated = { exitCode: c.exitCode, startedAt: c.startedAt, finishedAt: c.since, containerID: c.containerID };
  }
  return next;
}

/** One step of a container whose current phase has ended (c.until <= now). */
function step(c: ContainerRuntime, spec: Container, restartPolicy: string, random: Random, resolve: EnvironmentResolver): ContainerRuntime {
  const at = c.until!;
  switch (c.phase) {
    case "creating":
    case "pull-backoff":
    case "config-error": {
      if (!canPull(spec.image)) {
        const attempts = c.pullAttempts + 1;
        return { ...c, phase: "pull-error", since: at, until: at + PULL_ERROR_MS, pullAttempts: attempts };
      }
      return start({ ...c, pullAttempts: 0 }, spec, at, random, c.exitCode !== undefined, resolve);
    }
    case "pull-error":
      return { ...c, phase: "pull-backoff", since: at, until: at - PULL_ERROR_MS + backoffMs(c.pullAttempts) };
    case "running": {
      const behaviour = processBehaviour(spec, c.env);
      // An attached client may have reported how the process ended (endAttachedProcess).
      const exitCode = c.exitCode ?? (behaviour.kind === "exits" ? behaviour.exitCode : 0);
      const restarts = restartPolicy === "Always" || (restartPolicy === "OnFailure" && (exitCode !== 0 || c.probeKilled === true));
      return { ...c, phase: "exited", since: at, until: restarts ? at + EXITED_NOTICE_MS : undefined, exitCode };
    }
    case "exited": {
      // The first restart is immediate; after that the kubelet waits 10s, 20s, 40s ... 5m.
      if (c.restartCount === 0) return start(c, spec, at, random, true, resolve);
      const until = c.since + backoffMs(c.restartCount);
      return until <= at ? start(c, spec, at, random, true, resolve) : { ...c, phase: "crash-backoff", until };
    }
    case "crash-backoff":
      return start({ ...c, since: c.since }, spec, at, random, true, resolve);
  }
}

/** Advances every container to `now`. Returns the same array when nothing was due. */
export function advanceContainers(
  pod: Pod,
  containers: ContainerRuntime[],
  now: number,
  random: Random,
  resolve: EnvironmentResolver,
  onStep?: (spec: Container, before: ContainerRuntime, after: ContainerRuntime) => void,
): ContainerRuntime[] {
  let out = containers;
  // A pod being deleted restarts nothing: its containers stop for good (termination.ts).
  const restartPolicy = pod.metadata.deletionTimestamp ? "Never" : (pod.spec.restartPolicy ?? "Always");
  containers.forEach((c0, i) => {
    let c = c0;
    const spec = pod.spec.containers[i] ?? pod.spec.containers[0];
    // A pod being deleted starts nothing more: a container still being created or pulled, or
    // waiting to restart, stays so until the pod is gone (it never becomes ready while Terminating).
    if (pod.metadata.deletionTimestamp && c.phase !== "running" && c.until !== undefined) c = { ...c, until: undefined };
    // A long jump of the clock goes through every step; 5m back-offs bound the count.
    for (let guard = 0; c.until !== undefined && c.until <= now && guard < 10_000; guard++) {
      const next = step(c, spec, restartPolicy, random, resolve);
      onStep?.(spec, c, next);
      c = next;
    }
    if (c !== c0) {
      if (out === containers) out = containers.slice();
      out[i] = c;
    }
  });
  return out;
}

/**
 * The process of a running container ended at `now` with `exitCode`, as seen by the client
 * attached to it (the shell of `kubectl run -it` exited, or its one-shot command finished). The
 * kubelet notices on its next pass (restart or Completed/Error, per restartPolicy).
 */
export function endAttachedProcess(tx: Tx, podKey: string, container: string, exitCode: number, now: number): boolean {
  const runtime = tx.state.podRuntime[podKey];
  const i = runtime?.containers?.findIndex((c) => c.name === container) ?? -1;
  if (!runtime?.containers || i < 0 || runtime.containers[i].phase !== "running") return false;
  const containers = runtime.containers.slice();
  containers[i] = { ...containers[i], until: now, exitCode };
  // A new resourceVersion makes the controllers' "nothing changed" shortcut look again.
  nextResourceVersion(tx);
  tx.write("podRuntime")[podKey] = { ...runtime, containers, nextAt: Math.min(runtime.nextAt ?? now, now) };
  return true;
}

/** The pod's next change: a container's phase ending, a piece of its script, a probe worker's tick. */
export function nextChangeAt(runtime: PodRuntime, pod?: Pod): number | undefined {
  let next = runtime.goneAt;
  let probed = false;
  for (const c of runtime.containers ?? []) {
    if (c.until !== undefined && (next === undefined || c.until < next)) next = c.until;
    if (c.script && c.phase === "running" && (next === undefined || c.script.at < next)) next = c.script.at;
    if (c.probes) probed = true;
  }
  if (probed && pod && runtime.containers) {
    const due = probesDueAt(pod, runtime.containers);
    if (due !== undefined && (next === undefined || due < next)) next = due;
  }
  return next;
}

// ---------------------------------------------------------------- status

// One string per image, not per container status (a big cluster runs few distinct images).
const imageIDs = new Map<string, string>();
function imageID(image: string): string {
  let id = imageIDs.get(image);
  if (id === undefined) {
    const info = findImage(image);
    const repo = normalizedImage(image).replace(/:[^:/]*$/, "");
    // A reference pinned by digest pulls that digest (ingress-nginx's manifests pin every image).
    const pinned = /@(sha256:[0-9a-f]{64})$/.exec(image)?.[1];
    id = [repo, pinned ?? info?.digest ?? "sha256:" + "0".repeat(64)].join("@");
    if (imageIDs.size > 1024) imageIDs.clear();
    imageIDs.set(image, id);
  }
  return id;
}

function terminatedReason(c: ContainerRuntime): string {
  if (c.exitCode === 128) return "StartError";
  return c.exitCode === 0 ? "Completed" : "Error";
}

// Container states repeat across pods (no last state; running since the same second): shared
// frozen objects keep a big cluster small, and objects are never edited in place.
const NO_STATE: ContainerState = Object.freeze({});
const runningStates = new Map<string, ContainerState>();
function runningSince(startedAt: string): ContainerState {
  let state = runningStates.get(startedAt);
  if (!state) {
    if (runningStates.size > 4096) runningStates.clear();
    runningStates.set(startedAt, (state = Object.freeze({ running: Object.freeze({ startedAt }) })));
  }
  return state;
}

/** Running and started (past its startup probe when it has one): containerStatuses[].started. */
function containerStarted(c: ContainerRuntime, spec: Container): boolean {
  return c.phase === "running" && (spec.startupProbe === undefined || c.probeStarted === true);
}

/** Started, and past its readiness probe when it has one (prober_manager UpdatePodStatus). */
function containerReady(c: ContainerRuntime, spec: Container): boolean {
  return containerStarted(c, spec) && (spec.readinessProbe === undefined || c.probeReady === true);
}

function containerStatus(c: ContainerRuntime, spec: Container, pod: Pod): ContainerStatus {
  const pulled = c.phase !== "creating" && c.phase !== "pull-error" && c.phase !== "pull-backoff" && c.phase !== "config-error";
  let status: ContainerStatus = {
    name: c.name,
    image: normalizedImage(spec.image),
    imageID: pulled || c.restartCount > 0 ? imageID(spec.image) : "",
    ready: containerReady(c, spec),
    started: containerStarted(c, spec),
    restartCount: c.restartCount,
    state: NO_STATE,
    lastState: NO_STATE,
  };
  // Added through a compact copy: a key added to the literal would go to a property array.
  if (c.containerID && c.phase !== "creating") status = withProps(status, { containerID: c.containerID });
  switch (c.phase) {
    case "creating":
      status.state = { waiting: { reason: "ContainerCreating" } };
      break;
    case "pull-error":
      status.state = {
        waiting: {
          reason: "ErrImagePull",
          message: pullErrorMessage(spec.image),
        },
      };
      break;
    case "pull-backoff":
      status.state = { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${spec.image}"` } };
      break;
    case "config-error":
      status.state = { waiting: { reason: "CreateContainerConfigError", message: c.configError ?? "" } };
      break;
    case "running":
      status.state = runningSince(rfc3339(c.since));
      break;
    case "exited":
      status.state = { terminated: { exitCode: c.exitCode ?? 0, reason: terminatedReason(c), startedAt: rfc3339(c.startedAt ?? c.since), finishedAt: rfc3339(c.since) } };
      break;
    case "crash-backoff":
      status.state = {
        waiting: {
          reason: "CrashLoopBackOff",
          message: `back-off ${Math.round(backoffMs(c.restartCount) / 1000)}s restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
        },
      };
      break;
  }
  const last = c.phase === "crash-backoff" || (c.phase === "exited" && c.restartCount === 0) ? undefined : c.lastTerminated;
  const lastExit = c.phase === "crash-backoff" ? { exitCode: c.exitCode ?? 0, startedAt: c.startedAt ?? c.since, finishedAt: c.since, containerID: c.containerID ?? "" } : last;
  if (lastExit) {
    status.lastState = {
      terminated: { exitCode: lastExit.exitCode, reason: lastExit.exitCode === 128 ? "StartError" : lastExit.exitCode === 0 ? "Completed" : "Error", startedAt: rfc3339(lastExit.startedAt), finishedAt: rfc3339(lastExit.finishedAt) },
    };
  }
  return status;
}

// Conditions are small values repeated across pods (same type, status and second): one shared
// object per distinct value keeps a cluster of tens of thousands of pods small.
const conditionCache = new Map<string, PodCondition>();

function condition(type: PodCondition["type"], ok: boolean, at: number, previous: PodCondition[] | undefined, reason?: string, message?: string): PodCondition {
  const status = ok ? "True" : "False";
  const before = previous?.find((c) => c.type === type);
  const since = before && before.status === status ? before.lastTransitionTime : rfc3339(at);
  const r = ok ? undefined : reason;
  const m = ok ? undefined : message;
  if (before && before.status === status && before.reason === r && before.message === m) return before;
  const key = `${type}|${status}|${since}|${r ?? ""}|${m ?? ""}`;
  let out = conditionCache.get(key);
  if (!out) {
    out = { type, status, lastProbeTime: null, lastTransitionTime: since };
    if (r) out.reason = r;
    if (m) out.message = m;
    if (conditionCache.size > 8192) conditionCache.clear();
    conditionCache.set(key, out);
  }
  return out;
}

/** One frozen list per distinct sequence of (shared) conditions: a trie of WeakMaps by identity. */
interface ListNode {
  next: WeakMap<object, ListNode>;
  list?: PodCondition[];
}
const conditionLists: ListNode = { next: new WeakMap() };
function sharedList(list: PodCondition[]): PodCondition[] {
  let node = conditionLists;
  for (const c of list) {
    let child = node.next.get(c);
    if (!child) node.next.set(c, (child = { next: new WeakMap() }));
    node = child;
  }
  return (node.list ??= Object.freeze(list) as PodCondition[]);
}

const hostIPsCache = new Map<string, Array<{ ip: string }>>();
function hostIPsOf(ip: string): Array<{ ip: string }> {
  let list = hostIPsCache.get(ip);
  if (!list) {
    if (hostIPsCache.size > 1024) hostIPsCache.clear();
    hostIPsCache.set(ip, (list = [{ ip }]));
  }
  return list;
}

/** The status the kubelet reports for a pod on `node` with the given containers, at `now`. */
export function podStatusAt(pod: Pod, runtime: PodRuntime, containers: ContainerRuntime[], hostIP: string, podIP: string, now: number): PodStatus {
  const previous = pod.status.conditions;
  const specs = pod.spec.containers;
  const statuses = containers.map((c, i) => containerStatus(c, specs[i] ?? specs[0], pod));
  const neverStarted = containers.some((c) => c.restartCount === 0 && (c.phase === "creating" || c.phase === "pull-error" || c.phase === "pull-backoff" || (c.phase === "config-error" && c.startedAt === undefined)));
  const allExited = containers.every((c) => c.phase === "exited" && c.until === undefined);
  const restartPolicy = pod.spec.restartPolicy ?? "Always";
  let phase: PodStatus["phase"] = "Running";
  if (allExited && restartPolicy !== "Always") phase = containers.every((c) => c.exitCode === 0) ? "Succeeded" : "Failed";
  else if (neverStarted) phase = "Pending";
  const ready = statuses.every((s) => s.ready);
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const notReadyReason = phase === "Succeeded" || phase === "Failed" ? "PodCompleted" : "ContainersNotReady";
  const notReadyMessage = notReadyReason === "PodCompleted" ? undefined : `containers with unready status: [${unready.join(" ")}]`;
  const scheduledAt = runtime.scheduledAt ?? runtime.createdAt;
  // Readiness changes when the last container changed state or a probe its verdict (never later than now).
  const changedAt = Math.min(now, Math.max(...containers.map((c) => (c.verdictAt !== undefined && c.verdictAt > c.since ? c.verdictAt : c.since))));
  const sandboxAt = runtime.sandboxAt ?? scheduledAt;
  const sandboxUp = !(phase === "Succeeded" || phase === "Failed");
  const conditions: PodCondition[] = sharedList([
    condition("PodReadyToStartContainers", sandboxUp, sandboxUp ? sandboxAt : now, previous),
    condition("Initialized", true, scheduledAt, previous),
    condition("Ready", ready, changedAt, previous, notReadyReason, notReadyMessage),
    condition("ContainersReady", ready, changedAt, previous, notReadyReason, notReadyMessage),
    condition("PodScheduled", true, scheduledAt, previous),
  ]);
  const status: PodStatus = {
    conditions,
    containerStatuses: statuses,
    hostIP,
    hostIPs: hostIPsOf(hostIP),
    phase,
    podIP,
    podIPs: [{ ip: podIP }],
    qosClass: pod.status.qosClass ?? "BestEffort",
    startTime: pod.status.startTime ?? rfc3339(scheduledAt),
  };
  return status;
}

/** When the pod's Ready condition last became true (for availability), or undefined. */
export function readySince(pod: Pod): number | undefined {
  const c = pod.status.conditions?.find((x) => x.type === "Ready");
  return c?.status === "True" ? parseRfc3339(c.lastTransitionTime) : undefined;
}
