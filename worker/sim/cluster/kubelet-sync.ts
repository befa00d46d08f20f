// The kubelet's pass over its pods: admitting and starting containers, advancing their states,
// readiness probes, and releasing the IPs of pods that are gone.
import { createRandom, type Random } from "../random.ts";
import { fnv32a } from "./ids.ts";
import { POD_IP_REUSE_DELAY_MS, allocatePodIP } from "./allocators.ts";
import { allocateBlockIP, calicoBlockOf } from "./calico-ipam.ts";
import { withProps } from "./compact.ts";
import { appendContainerLog } from "./container-log.ts";
import { involvedObject, recordEvent } from "./events.ts";
import { runContainerCommandAt, runReadinessProbeAt } from "./container-commands.ts";
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
    if (probed.length > 0) probeReadiness(tx, key, probed, hostIP, podIP!, now);
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
function probeReadiness(tx: Tx, key: string, probed: Array<{ name: string; at: number }>, hostIP: string, podIP: string, now: number): void {
  for (const { name, at } of probed) {
    // The probe's connection (its ephemeral port) draws from a stream of its own, so probing a pod
    // takes nothing from the session's stream and adding a probe to a spec leaves other names as they were.
    const result = runReadinessProbeAt(tx, createRandom(fnv32a(`readiness|${key}|${name}|${at}`)), Math.min(at, now), key, name);
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
