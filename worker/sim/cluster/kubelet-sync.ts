// The kubelet's pass over its pods: admitting and starting containers, advancing their states,
// the timed pieces of their scripts and their probes (kubelet-probes.ts) in time order, and
// releasing the IPs of pods that are gone.
import { createRandom, type Random } from "../random.ts";
import { fnv32a } from "./ids.ts";
import { POD_IP_REUSE_DELAY_MS, allocatePodIP } from "./allocators.ts";
import { allocateBlockIP, calicoBlockOf } from "./calico-ipam.ts";
import { withProps } from "./compact.ts";
import { appendContainerLog } from "./container-log.ts";
import { runContainerCommandAt, runContainerScriptAt } from "./container-commands.ts";
import { scriptPieces } from "./container-script.ts";
import { fastForwardProbes, probesDueAt, runDueProbes } from "./kubelet-probes.ts";
import { containerStepEvents } from "./kubelet-events.ts";
import { resolveEnvironment } from "./container-env.ts";
import { admitContainers, advanceContainers, nextChangeAt, podStatusAt } from "./kubelet.ts";
import { waitForVolumes } from "./volume-mount.ts";
import { recordServiceLinks, serviceLinksFor, sweepServiceLinks } from "./service-env.ts";
import { nextResourceVersion, podIPHint, podIPsOnNode, putObject, removeObject, setPodIPHint } from "./store.ts";
import type { Tx } from "./tx.ts";
import type { Container, Pod, PodRuntime, Service } from "./types.ts";
import { nodeInternalIP } from "./conditions.ts";

export function kubelet(tx: Tx, now: number, random: Random): void {
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
        // Calico's IPAM hands out its block of the node; flannel's host-local the node's podCIDR.
        const block = calicoBlockOf(node);
        if (block) podIP = allocateBlockIP(block, podIPsOnNode(tx, nodeName), tx.state.releasedPodIPs, now);
        else {
          const from = podIPHint(tx, nodeName);
          podIP = allocatePodIP(node?.spec.podCIDR ?? "", podIPsOnNode(tx, nodeName), tx.state.releasedPodIPs, now, from);
          if (podIP) setPodIPHint(tx, nodeName, Number(podIP.slice(podIP.lastIndexOf(".") + 1)) + 1);
        }
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
    // Volumes are set up before any container is created; a missing ConfigMap or Secret holds them all.
    if (next.containers!.every((c) => c.phase === "creating" && c.containerID === undefined)) next = waitForVolumes(tx, pod, next, now);
    const resolve = (spec: Container) => resolveEnvironment(tx.state, tx.state.pods[key] ?? pod, spec);
    /** Steps the containers to `upTo`, writing the runtime and (when they changed) the status. */
    const advance = (rt: PodRuntime, upTo: number, force: boolean): PodRuntime => {
      const current = tx.state.pods[key] ?? pod;
      let oneShotLog: string[] | undefined;
      const containers = advanceContainers(current, rt.containers!, upTo, random, resolve, (spec, before, after) => {
        containerStepEvents(tx, current, spec, before, after);
        if (after.phase !== "running" || before.phase === "running") return;
        // The image's own process (a server) is not a one-shot command: nothing to run here.
        if (!spec.command?.length && !spec.args?.length) return;
        // A command that ends by itself runs now, in the pod's place; what it prints is its log and
        // its status is the container's exit code.
        if (!tx.state.pods[key]?.status.podIP && podIP) putObject(tx, "pods", key, withProps(current, { status: { ...current.status, podIP, podIPs: [{ ip: podIP }], hostIP } }));
        const result = runContainerCommandAt(tx, random, after.since, key, spec.name);
        if (!result) return;
        after.exitCode = result.exitCode;
        oneShotLog = result.output === "" ? [] : result.output.replace(/\n$/, "").split("\n");
      });
      const changed = force || containers !== rt.containers;
      let out = withProps(rt, { containers });
      if (oneShotLog) out = appendContainerLog({ ...out, logs: [], logBytes: 0 }, oneShotLog, upTo);
      tx.write("podRuntime")[key] = out;
      // Status is a function of the containers: unchanged containers, unchanged status.
      if (changed) {
        writeStatus(tx, key, out, hostIP, podIP!, upTo);
        statusWritten = true;
      }
      return out;
    };
    let statusWritten = false;
    let rt = next;
    let force = next !== runtime;
    tx.write("podRuntime")[key] = next;
    // Pieces of scripts and probe ticks, in time order with the containers' own steps (a piece due
    // when the process exits runs before the exit). Pods without either step straight to now.
    for (let guard = 0; guard < 10_000; guard++) {
      const at = timedAt(rt, tx.state.pods[key] ?? pod);
      if (at === undefined || at > now) break;
      const stepAt = firstStepAt(rt);
      if (stepAt !== undefined && stepAt < at) {
        rt = advance(rt, stepAt, force);
        force = false;
        continue;
      }
      // A quiet stretch of ticks before the next step or piece is taken at once.
      const scriptAt = nextScriptAt(rt);
      const horizon = Math.min(now, stepAt ?? Infinity, scriptAt === undefined ? Infinity : scriptAt - 1);
      if (horizon > at && fastForwardProbes(tx, key, at, horizon)) {
        rt = tx.state.podRuntime[key];
        continue;
      }
      runScriptPieces(tx, key, at);
      if (runDueProbes(tx, key, at)) {
        writeStatus(tx, key, tx.state.podRuntime[key], hostIP, podIP!, at);
        statusWritten = true;
      }
      rt = tx.state.podRuntime[key];
    }
    rt = advance(rt, now, force);
    tx.write("podRuntime")[key] = withProps(rt, { nextAt: nextChangeAt(rt, tx.state.pods[key] ?? pod) });
    // A new resourceVersion makes the controllers look again; probe ticks that changed nothing
    // write no object, and leave it (nextTransitionAt sees the runtime's new write count).
    const ownChange = runtime.containers ? nextChangeAt(runtime) : now;
    if (!statusWritten && (next !== runtime || (ownChange !== undefined && ownChange <= now))) nextResourceVersion(tx);
  }
  // A new set may replace older ones whose pods are gone: drop what nothing refers to.
  if (linksAdded) sweepServiceLinks(tx);
  pruneReleasedIPs(tx, now);
}

/** The pod's status from its containers at `at`, with a new resourceVersion. */
function writeStatus(tx: Tx, key: string, rt: PodRuntime, hostIP: string, podIP: string, at: number): void {
  const pod = tx.state.pods[key];
  if (!pod || !rt.containers) return;
  const status = podStatusAt(pod, rt, rt.containers, hostIP, podIP, at);
  putObject(tx, "pods", key, withProps(pod, { metadata: withProps(pod.metadata, { resourceVersion: nextResourceVersion(tx) }), status }));
}

/** The earliest end of a container's phase. */
function firstStepAt(rt: PodRuntime): number | undefined {
  let at: number | undefined;
  for (const c of rt.containers ?? []) if (c.until !== undefined && (at === undefined || c.until < at)) at = c.until;
  return at;
}

/** The next piece of a running container's script. */
function nextScriptAt(rt: PodRuntime): number | undefined {
  let at: number | undefined;
  for (const c of rt.containers ?? []) if (c.script && c.phase === "running" && (at === undefined || c.script.at < at)) at = c.script.at;
  return at;
}

/** The next time a script piece or a probe worker of the pod is due. */
function timedAt(rt: PodRuntime, pod: Pod): number | undefined {
  let at: number | undefined;
  for (const c of rt.containers ?? []) if (c.script && c.phase === "running" && (at === undefined || c.script.at < at)) at = c.script.at;
  const probes = rt.containers?.some((c) => c.probes) ? probesDueAt(pod, rt.containers!) : undefined;
  if (probes !== undefined && (at === undefined || probes < at)) at = probes;
  return at;
}

/** Runs the script pieces due at `at` in their containers; what they print goes to the log. */
function runScriptPieces(tx: Tx, key: string, at: number): void {
  const rt = tx.state.podRuntime[key];
  const pod = tx.state.pods[key];
  if (!rt?.containers || !pod) return;
  rt.containers.forEach((c, i) => {
    if (!c.script || c.phase !== "running" || c.script.at > at) return;
    const spec = pod.spec.containers[i] ?? pod.spec.containers[0];
    const pieces = scriptPieces(spec) ?? [];
    const piece = pieces[c.script.next];
    // The piece's own connections (a wget in it) draw from a stream of their own, as probes do.
    const result = piece ? runContainerScriptAt(tx, createRandom(fnv32a(`script|${key}|${spec.name}|${at}`)), at, key, spec.name, piece.script) : undefined;
    const current = tx.state.podRuntime[key];
    const containers = current.containers!.slice();
    const following = pieces[c.script.next + 1];
    const nextC = { ...containers[i] };
    if (following && following.afterMs !== Infinity) nextC.script = { at: (nextC.startedAt ?? nextC.since) + following.afterMs, next: c.script.next + 1 };
    else delete nextC.script;
    containers[i] = nextC;
    let out: PodRuntime = { ...current, containers };
    const lines = result && result.output !== "" ? result.output.replace(/\n$/, "").split("\n") : [];
    // The first piece opens the run's log, as a one-shot command's output does.
    if (c.script.next === 0) out = { ...out, logs: [], logBytes: 0 };
    if (lines.length || c.script.next === 0) out = appendContainerLog(out, lines, at);
    tx.write("podRuntime")[key] = out;
  });
}

function pruneReleasedIPs(tx: Tx, now: number): void {
  const released = tx.state.releasedPodIPs;
  let stale = false;
  for (const ip in released) if (released[ip] <= now) stale = true;
  if (!stale) return;
  const w = tx.write("releasedPodIPs");
  for (const ip in w) if (w[ip] <= now) delete w[ip];
}
