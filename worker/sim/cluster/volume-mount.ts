// The kubelet's volume manager for the volumes that come from the API: before a pod's containers
// are created, each configMap and secret volume (and projected sources) is set up from its object.
// A missing object or item key fails MountVolume.SetUp: the pod stays ContainerCreating, a
// FailedMount event is recorded at each retry (500 ms, doubling to 2m2s, as the operation
// executor's exponential backoff), and the pod starts at the first retry after the object appears.
import { involvedObject, recordEvent } from "./events.ts";
import type { Tx } from "./tx.ts";
import type { ClusterState, Pod, PodRuntime, Volume } from "./types.ts";

const RETRY_INITIAL_MS = 500;
const RETRY_MAX_MS = 122_000;
/** More retries than this in one pass means the session slept: later failures are one event's count. */
const MAX_RETRIES_PER_PASS = 64;

type Items = Array<{ key: string; path: string }> | undefined;

function dataKeys(state: ClusterState, resource: "configmaps" | "secrets", namespace: string, name: string): Set<string> | undefined {
  const obj = state.objects?.[resource]?.[`${namespace}/${name}`] as { data?: Record<string, string>; binaryData?: Record<string, string> } | undefined;
  if (!obj) return undefined;
  return new Set([...Object.keys(obj.data ?? {}), ...Object.keys(obj.binaryData ?? {})]);
}

/** configmap.go / secret.go SetUpAt and MakePayload: the error of one source, if any. */
function sourceError(state: ClusterState, namespace: string, kind: "configmap" | "secret", name: string, items: Items, optional: boolean | undefined): string | undefined {
  const keys = dataKeys(state, kind === "configmap" ? "configmaps" : "secrets", namespace, name);
  if (!keys) return optional ? undefined : `${kind} "${name}" not found`;
  for (const item of items ?? []) {
    if (keys.has(item.key) || optional) continue;
    return kind === "configmap" ? `configmap references non-existent config key: ${item.key}` : `references non-existent secret key: ${item.key}`;
  }
  return undefined;
}

function volumeError(state: ClusterState, namespace: string, volume: Volume): string | undefined {
  if (volume.configMap) return sourceError(state, namespace, "configmap", volume.configMap.name, volume.configMap.items, volume.configMap.optional);
  if (volume.secret) return sourceError(state, namespace, "secret", volume.secret.secretName, volume.secret.items, volume.secret.optional);
  for (const source of volume.projected?.sources ?? []) {
    const error = source.configMap
      ? sourceError(state, namespace, "configmap", source.configMap.name, source.configMap.items, source.configMap.optional)
      : source.secret
        ? sourceError(state, namespace, "secret", source.secret.name, source.secret.items, source.secret.optional)
        : undefined;
    if (error) return error;
  }
  return undefined;
}

/** The first volume whose set-up fails now, with the kubelet's message. */
export function volumeSetUpError(state: ClusterState, pod: Pod): { volume: string; message: string } | undefined {
  const namespace = pod.metadata.namespace ?? "default";
  for (const volume of pod.spec.volumes ?? []) {
    const message = volumeError(state, namespace, volume);
    if (message) return { volume: volume.name, message };
  }
  return undefined;
}

const retryDelay = (failures: number): number => Math.min(RETRY_INITIAL_MS * 2 ** Math.max(0, failures - 1), RETRY_MAX_MS);

/**
 * Holds a newly admitted pod's containers while its volumes cannot be set up. `runtime` has
 * containers that were never started; returns it unchanged when the mounts succeed (the
 * containers go on at their own time), else with every container waiting for the next retry.
 */
export function waitForVolumes(tx: Tx, pod: Pod, runtime: PodRuntime, now: number): PodRuntime {
  const containers = runtime.containers!;
  let at = Math.min(...containers.map((c) => c.until ?? Number.POSITIVE_INFINITY));
  if (!(at <= now) || !pod.spec.volumes?.length) return runtime;
  let failures = runtime.mountFailures ?? 0;
  const error = volumeSetUpError(tx.state, pod);
  if (!error) {
    if (failures === 0) return runtime;
    const next = { ...runtime };
    delete next.mountFailures;
    return next;
  }
  const message = `MountVolume.SetUp failed for volume "${error.volume}" : ${error.message}`;
  const source = { component: "kubelet", host: pod.spec.nodeName };
  const ref = involvedObject(pod);
  for (let n = 0; at <= now; n++) {
    if (n < MAX_RETRIES_PER_PASS || at + RETRY_MAX_MS > now) recordEvent(tx, ref, "Warning", "FailedMount", message, source, at);
    failures++;
    at += retryDelay(failures);
  }
  return { ...runtime, mountFailures: failures, containers: containers.map((c) => ({ ...c, until: at })) };
}
