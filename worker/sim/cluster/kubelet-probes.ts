// The kubelet's prober (pkg/kubelet/prober): one worker per probe of each container, started with
// the pod and ticking every periodSeconds from then on (worker.go run). Each tick is doProbe:
// nothing until the container runs and initialDelaySeconds have passed since it started, startup
// first (liveness and readiness wait until it passed), then the probe, counted in runs of equal
// results (resultRun) until successThreshold or failureThreshold is met, when the result is set:
// readiness flips the container's ready, a startup success marks it started, a liveness or startup
// failure kills it (kuberuntime computePodActions: "Container X failed liveness probe, will be
// restarted") and holds the worker until the container is a new one. A failed probe is the
// prober's Unhealthy event ("Liveness probe failed: ..."). The ticks are scheduled: a worker's next
// tick is part of its pod's next change (kubelet.ts nextChangeAt), so nothing scans for them.
import { createRandom } from "../random.ts";
import { type ProbeResult, runProbeAt } from "./container-commands.ts";
import { involvedObject, recordEvent } from "./events.ts";
import { fnv32a } from "./ids.ts";
import { containerStop } from "./termination.ts";
import type { Tx } from "./tx.ts";
import type { Container, ContainerRuntime, Pod, Probe, ProbeKind, ProbeWorker, ProbeWorkers } from "./types.ts";

/** The order the workers of one container run in when they tick together. */
export const PROBE_KINDS: readonly ProbeKind[] = ["startup", "liveness", "readiness"];
const FIELD = { liveness: "livenessProbe", readiness: "readinessProbe", startup: "startupProbe" } as const;
/** probeType.String(), the first word of the prober's messages. */
const TITLE: Record<ProbeKind, string> = { liveness: "Liveness", readiness: "Readiness", startup: "Startup" };

export function probeOf(spec: Container, kind: ProbeKind): Probe | undefined {
  return spec[FIELD[kind]];
}

export function hasProbes(spec: Container): boolean {
  return spec.livenessProbe !== undefined || spec.readinessProbe !== undefined || spec.startupProbe !== undefined;
}

/**
 * The workers of a container whose pod was just added (prober_manager AddPod). Their first doProbe
 * runs at once and finds no container yet, so the first one that matters is a period later.
 */
export function newWorkers(spec: Container, at: number): ProbeWorkers | undefined {
  let out: ProbeWorkers | undefined;
  for (const kind of PROBE_KINDS) {
    const probe = probeOf(spec, kind);
    if (probe) (out ??= {})[kind] = { nextAt: at + probe.periodSeconds * 1000, run: 0 };
  }
  return out;
}

/**
 * A container run just started at `at`: without a startup probe it is started at once, and the
 * status manager's UpdatePodStatus triggers its readiness worker right away (manualTriggerCh)
 * rather than waiting for the next tick.
 */
export function armOnStart(workers: ProbeWorkers, at: number): ProbeWorkers {
  if (!workers.readiness || workers.startup) return workers;
  return { ...workers, readiness: { ...workers.readiness, manualAt: at } };
}

/** The first tick of a `periodMs` ticker at `nextAt` that is not before `from`. */
export function tickAtOrAfter(nextAt: number, periodMs: number, from: number): number {
  if (nextAt >= from) return nextAt;
  return nextAt + Math.ceil((from - nextAt) / periodMs) * periodMs;
}

/** Whether a tick of this worker can do anything: its container runs, and it is not on hold. */
function active(c: ContainerRuntime, w: ProbeWorker): boolean {
  return c.phase === "running" && (!w.onHold || w.containerID !== c.containerID);
}

/** When the worker next does something for this container run; undefined when it cannot. */
export function workerDueAt(c: ContainerRuntime, spec: Container, kind: ProbeKind, w: ProbeWorker): number | undefined {
  const probe = probeOf(spec, kind);
  if (!probe || !active(c, w)) return undefined;
  // Startup is over for this run: its worker only waits for a new container.
  if (kind === "startup" && c.probeStarted && w.containerID === c.containerID) return undefined;
  // Liveness and readiness wait for startup: the startup worker's success re-arms readiness.
  const tick = tickAtOrAfter(w.nextAt, probe.periodSeconds * 1000, c.since);
  return w.manualAt !== undefined && w.manualAt < tick ? Math.max(w.manualAt, c.since) : tick;
}

/** The earliest time any probe worker of the containers does something. */
export function probesDueAt(pod: Pod, containers: readonly ContainerRuntime[]): number | undefined {
  if (pod.metadata.deletionTimestamp) return undefined;
  let at: number | undefined;
  containers.forEach((c, i) => {
    if (!c.probes || c.phase !== "running") return;
    const spec = pod.spec.containers[i] ?? pod.spec.containers[0];
    for (const kind of PROBE_KINDS) {
      const w = c.probes[kind];
      if (!w) continue;
      const due = workerDueAt(c, spec, kind, w);
      if (due !== undefined && (at === undefined || due < at)) at = due;
    }
  });
  return at;
}

/** What one doProbe decided, for the caller to apply to the container. */
export interface ProbeOutcome {
  worker: ProbeWorker;
  /** The result the worker set in its results manager now (threshold met), if any. */
  set?: boolean;
  /** The probe's own verdict this tick, when it ran. */
  ran?: ProbeResult;
}

/**
 * worker.go doProbe for a running container at `t`, with `probe` the verdict of running the probe
 * (called only when the worker gets that far). Pure: the caller records events and applies `set`.
 */
export function doProbe(c: ContainerRuntime, spec: Container, kind: ProbeKind, w0: ProbeWorker, t: number, probe: () => ProbeResult | undefined): ProbeOutcome {
  const p = probeOf(spec, kind)!;
  const period = p.periodSeconds * 1000;
  let w: ProbeWorker = { ...w0, nextAt: tickAtOrAfter(w0.nextAt, period, t) };
  if (w.nextAt === t) w.nextAt += period;
  if (w.manualAt !== undefined && w.manualAt <= t) delete w.manualAt;
  if (w.containerID !== c.containerID) {
    // A new container: its results start from the initial value, and a hold is lifted.
    w = { ...w, containerID: c.containerID };
    delete w.onHold;
  }
  if (w.onHold || c.phase !== "running") return { worker: w };
  // "Probe disabled for InitialDelaySeconds": whole seconds since the container started.
  if (Math.floor((t - (c.startedAt ?? c.since)) / 1000) < (p.initialDelaySeconds ?? 0)) return { worker: w };
  const started = spec.startupProbe === undefined || c.probeStarted === true;
  if (started ? kind === "startup" : kind !== "startup") return { worker: w };
  const result = probe();
  // A prober error (no runner, no address yet) throws the result away.
  if (!result) return { worker: w };
  if (w.last === result.ok) w.run += 1;
  else {
    w.last = result.ok;
    w.run = 1;
  }
  if ((!result.ok && w.run < p.failureThreshold) || (result.ok && w.run < p.successThreshold)) return { worker: w, ran: result };
  if (!result.ok && kind !== "readiness") {
    // The container will be restarted: no probing until a new container ID is seen.
    w.onHold = true;
    w.run = 0;
  }
  return { worker: w, set: result.ok, ran: result };
}

/** The kubelet's words and grace period when a liveness or startup failure kills a container. */
export function probeKill(pod: Pod, spec: Container, kind: ProbeKind): { message: string; graceMs: number } {
  // computePodActions: the container restarts unless the pod's policy is Never.
  const restart = (pod.spec.restartPolicy ?? "Always") !== "Never";
  const message = `Container ${spec.name} failed ${kind} probe${restart ? ", will be restarted" : ""}`;
  // A probe's own terminationGracePeriodSeconds overrides the pod's (KEP-2238).
  const seconds = probeOf(spec, kind)?.terminationGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  return { message, graceMs: seconds * 1000 };
}

/**
 * Runs the workers of the pod's containers that are due at `t` (at most `t`), writing what they
 * change to the pod's runtime. Returns true when a container's ready or started verdict changed
 * or a container is being killed (its status must be written again).
 */
export function runDueProbes(tx: Tx, key: string, t: number): boolean {
  const runtime = tx.state.podRuntime[key];
  const pod = tx.state.pods[key];
  if (!runtime?.containers || !pod || pod.metadata.deletionTimestamp) return false;
  let containers = runtime.containers;
  let statusChanged = false;
  containers.forEach((c0, i) => {
    if (!c0.probes || c0.phase !== "running") return;
    const spec = pod.spec.containers[i] ?? pod.spec.containers[0];
    let c = c0;
    for (const kind of PROBE_KINDS) {
      const w0 = c.probes?.[kind];
      if (!w0) continue;
      const due = workerDueAt(c, spec, kind, w0);
      if (due === undefined || due > t) continue;
      // The probe's connection (its ephemeral port) draws from a stream of its own, so probing takes
      // nothing from the session's stream and adding a probe leaves other generated names as they were.
      const random = createRandom(fnv32a(kind === "readiness" ? `readiness|${key}|${spec.name}|${t}` : `${kind}|${key}|${spec.name}|${t}`));
      const outcome = doProbe(c, spec, kind, w0, t, () => runProbeAt(tx, random, t, key, spec.name, probeOf(spec, kind)!));
      let next: ContainerRuntime = { ...c, probes: { ...c.probes, [kind]: outcome.worker } };
      if (outcome.ran && !outcome.ran.ok) {
        recordEvent(tx, involvedObject(pod, `spec.containers{${spec.name}}`), "Warning", "Unhealthy", `${TITLE[kind]} probe failed: ${outcome.ran.message}`, { component: "kubelet", host: pod.spec.nodeName }, t);
      }
      if (outcome.set !== undefined) {
        if (kind === "readiness" && next.probeReady !== outcome.set) {
          next.probeReady = outcome.set;
          next.verdictAt = t;
          statusChanged = true;
        } else if (kind === "startup" && outcome.set && !next.probeStarted) {
          next.probeStarted = true;
          next.verdictAt = t;
          // Started now: readiness is triggered at once, as when a container without a startup probe starts.
          if (next.probes?.readiness) next.probes = { ...next.probes, readiness: { ...next.probes.readiness, manualAt: t } };
          statusChanged = true;
        } else if (!outcome.set && kind !== "readiness") {
          const kill = probeKill(pod, spec, kind);
          recordEvent(tx, involvedObject(pod, `spec.containers{${spec.name}}`), "Normal", "Killing", kill.message, { component: "kubelet", host: pod.spec.nodeName }, t);
          const stop = containerStop(spec, next, t, kill.graceMs);
          if (stop) {
            next = { ...next, until: stop.at, exitCode: stop.exitCode };
            // A liveness kill restarts the container whatever its exit code (ContainersToStart).
            if ((pod.spec.restartPolicy ?? "Always") !== "Never") next.probeKilled = true;
          }
          statusChanged = true;
        }
      }
      c = next;
    }
    if (c !== c0) {
      if (containers === runtime.containers) containers = containers.slice();
      containers[i] = c;
    }
  });
  // Read again: a probe's request may have added to the log (nginx's access log of it).
  if (containers !== runtime.containers) tx.write("podRuntime")[key] = { ...tx.state.podRuntime[key], containers };
  return statusChanged;
}

/** Applying the same result again changes nothing: the worker's run is past its threshold and set. */
function saturated(c: ContainerRuntime, spec: Container, kind: ProbeKind, w: ProbeWorker): boolean {
  const p = probeOf(spec, kind);
  if (!p || w.last === undefined || w.manualAt !== undefined) return false;
  if (kind === "readiness") return w.run >= (w.last ? p.successThreshold : p.failureThreshold) && c.probeReady === w.last;
  // A failing liveness or startup run ends in a kill; a passing startup is no longer due.
  return kind === "liveness" && w.last && w.run >= p.successThreshold;
}

/**
 * A long stretch of quiet ticks at once (a command after an idle hour must not run hundreds of
 * probes): when every due worker of the pod is past its threshold and its probe answers the same at
 * the first and the last of its ticks up to `horizon` (before the containers' next step or script
 * piece), the ticks between answered the same too (nothing else in the cluster moves meanwhile,
 * and the simulated apps change their answers once, at a time after their start): the workers jump
 * past them, their runs and a failing readiness probe's Unhealthy events counted as if each had
 * run. Returns false, having changed nothing, when the pod does not qualify; the ticks are then
 * run one by one.
 */
export function fastForwardProbes(tx: Tx, key: string, at: number, horizon: number): boolean {
  const runtime = tx.state.podRuntime[key];
  const pod = tx.state.pods[key];
  if (!runtime?.containers || !pod || pod.metadata.deletionTimestamp) return false;
  interface Jump {
    i: number;
    kind: ProbeKind;
    first: number;
    last: number;
    count: number;
  }
  const jumps: Jump[] = [];
  for (let i = 0; i < runtime.containers.length; i++) {
    const c = runtime.containers[i];
    if (!c.probes || c.phase !== "running") continue;
    const spec = pod.spec.containers[i] ?? pod.spec.containers[0];
    for (const kind of PROBE_KINDS) {
      const w = c.probes[kind];
      if (!w) continue;
      const due = workerDueAt(c, spec, kind, w);
      if (due === undefined || due > horizon) continue;
      const p = probeOf(spec, kind)!;
      if (!saturated(c, spec, kind, w) || w.containerID !== c.containerID || due < at) return false;
      if (Math.floor((due - (c.startedAt ?? c.since)) / 1000) < (p.initialDelaySeconds ?? 0)) return false;
      const period = p.periodSeconds * 1000;
      const count = Math.floor((horizon - due) / period) + 1;
      jumps.push({ i, kind, first: due, last: due + (count - 1) * period, count });
    }
  }
  // Worth it only when it saves probes: a few ticks are run one by one.
  if (jumps.length === 0 || jumps.every((j) => j.count < 4)) return false;
  const messages: string[] = [];
  for (const j of jumps) {
    const spec = pod.spec.containers[j.i] ?? pod.spec.containers[0];
    const w = runtime.containers[j.i].probes![j.kind]!;
    let message = "";
    for (const t of [j.first, j.last]) {
      const random = createRandom(fnv32a(j.kind === "readiness" ? `readiness|${key}|${spec.name}|${t}` : `${j.kind}|${key}|${spec.name}|${t}`));
      const result = runProbeAt(tx, random, t, key, spec.name, probeOf(spec, j.kind)!);
      if (!result || result.ok !== w.last || (t !== j.first && result.message !== message)) return false;
      message = result.message;
    }
    messages.push(message);
  }
  // Both ends answered as before: the worker jumps past its last tick.
  const current = tx.state.podRuntime[key];
  const containers = current.containers!.slice();
  jumps.forEach((j, n) => {
    const spec = pod.spec.containers[j.i] ?? pod.spec.containers[0];
    const c = containers[j.i];
    const w = c.probes![j.kind]!;
    const period = probeOf(spec, j.kind)!.periodSeconds * 1000;
    containers[j.i] = { ...c, probes: { ...c.probes, [j.kind]: { ...w, nextAt: j.last + period, run: w.run + j.count } } };
    if (!w.last) {
      const ref = involvedObject(pod, `spec.containers{${spec.name}}`);
      for (let k = 0; k < j.count; k++) recordEvent(tx, ref, "Warning", "Unhealthy", `${TITLE[j.kind]} probe failed: ${messages[n]}`, { component: "kubelet", host: pod.spec.nodeName }, j.first + k * period);
    }
  });
  tx.write("podRuntime")[key] = { ...tx.state.podRuntime[key], containers };
  return true;
}
