// The Events the kubelet records as a container steps through its lifecycle (kuberuntime and
// the image manager, v1.34 texts): Pulling/Pulled (or "already present"), Created, Started,
// Failed for pull errors and start errors, BackOff for image pulls and crash loops, Killing.
import { type InvolvedObject, involvedObject, recordEvent } from "./events.ts";
import { fnv32a } from "./ids.ts";
import { findImage, isSystemImage, normalizedImage, pullError } from "./images.ts";
import { processBehaviour, startErrorMessage } from "./process.ts";
import type { Tx } from "./tx.ts";
import type { Container, ContainerRuntime, Pod } from "./types.ts";

/** Go's time.Duration String() of a duration truncated to milliseconds. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const minutes = Math.floor(ms / 60_000);
  const rest = ms - minutes * 60_000;
  const seconds = `${Math.floor(rest / 1000)}${rest % 1000 ? `.${String(rest % 1000).padStart(3, "0").replace(/0+$/, "")}` : ""}s`;
  return minutes > 0 ? `${minutes}m${seconds}` : seconds;
}

/** A pull's duration, fixed per pod, container and attempt (the random source stays untouched). */
function pullMs(pod: Pod, c: ContainerRuntime, firstPull: boolean): number {
  const h = fnv32a(`${pod.metadata.uid}|${c.name}|${c.restartCount}`);
  // A first pull fetches the layers; a re-pull of `:latest` only checks the manifest.
  return firstPull ? 800 + (h % 1400) : 300 + (h % 500);
}

export function pullErrorMessage(image: string): string {
  const ref = normalizedImage(image);
  const cause = pullError(image) === "no-tag" ? `${ref}: not found` : "pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed";
  return `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${cause}`;
}

const kubelet = (pod: Pod) => ({ component: "kubelet", host: pod.spec.nodeName });

function ref(pod: Pod, spec: Container): InvolvedObject {
  return involvedObject(pod, `spec.containers{${spec.name}}`);
}

/** Pulling/Pulled for a container about to start at `at`, its pull having begun at `from`. */
function pullEvents(tx: Tx, pod: Pod, spec: Container, c: ContainerRuntime, from: number, at: number): void {
  const r = ref(pod, spec);
  const policy = spec.imagePullPolicy ?? "IfNotPresent";
  // The node already has the cluster's own images (kubeadm pre-pulls them), and an image it
  // pulled for this container before.
  // A container whose config failed had its image pulled for that attempt.
  const pulledBefore = c.restartCount > 0 || c.startedAt !== undefined || c.phase === "config-error";
  const present = isSystemImage(spec.image) || (policy !== "Always" && pulledBefore);
  if (policy === "Never" || present) {
    recordEvent(tx, r, "Normal", "Pulled", `Container image "${spec.image}" already present on machine`, kubelet(pod), at);
    return;
  }
  const ms = pullMs(pod, c, !pulledBefore);
  const size = findImage(spec.image)?.size ?? 0;
  recordEvent(tx, r, "Normal", "Pulling", `Pulling image "${spec.image}"`, kubelet(pod), Math.max(from, at - ms));
  recordEvent(tx, r, "Normal", "Pulled", `Successfully pulled image "${spec.image}" in ${goDuration(ms)} (${goDuration(ms)} including waiting). Image size: ${size} bytes.`, kubelet(pod), at);
}

/** Records what the kubelet reports for one step of a container (kubelet.ts step). */
export function containerStepEvents(tx: Tx, pod: Pod, spec: Container, before: ContainerRuntime, after: ContainerRuntime): void {
  // The step happens when the previous phase ends.
  const at = before.until ?? after.since;
  const r = ref(pod, spec);
  const pullFrom = before.phase === "creating" ? before.since : at;
  switch (after.phase) {
    case "running": {
      pullEvents(tx, pod, spec, before, pullFrom, at);
      recordEvent(tx, r, "Normal", "Created", `Created container: ${spec.name}`, kubelet(pod), at);
      const behaviour = processBehaviour(spec, after.env);
      if (behaviour.kind === "exits" && behaviour.reason === "StartError") {
        recordEvent(tx, r, "Warning", "Failed", `Error: ${startErrorMessage(spec)}`, kubelet(pod), at);
      } else {
        recordEvent(tx, r, "Normal", "Started", `Started container ${spec.name}`, kubelet(pod), at);
      }
      return;
    }
    case "config-error":
      // kuberuntime startContainer: the image is ensured, then generateContainerConfig fails.
      pullEvents(tx, pod, spec, before, pullFrom, at);
      recordEvent(tx, r, "Warning", "Failed", `Error: ${after.configError}`, kubelet(pod), at);
      return;
    case "pull-error":
      recordEvent(tx, r, "Normal", "Pulling", `Pulling image "${spec.image}"`, kubelet(pod), Math.max(pullFrom, at - 1000));
      recordEvent(tx, r, "Warning", "Failed", `Failed to pull image "${spec.image}": ${pullErrorMessage(spec.image)}`, kubelet(pod), at);
      recordEvent(tx, r, "Warning", "Failed", "Error: ErrImagePull", kubelet(pod), at);
      return;
    case "pull-backoff":
      recordEvent(tx, r, "Normal", "BackOff", `Back-off pulling image "${spec.image}"`, kubelet(pod), at);
      recordEvent(tx, r, "Warning", "Failed", "Error: ImagePullBackOff", kubelet(pod), at);
      return;
    case "crash-backoff":
      recordEvent(
        tx,
        r,
        "Warning",
        "BackOff",
        `Back-off restarting failed container ${spec.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
        kubelet(pod),
        at,
      );
      return;
    default:
      return;
  }
}

/** Killing: the kubelet stops the running containers of a pod being deleted. */
export function killingEvents(tx: Tx, pod: Pod, containers: ContainerRuntime[] | undefined, at: number): void {
  if (!pod.spec.nodeName) return;
  for (const c of containers ?? []) {
    if (c.phase !== "running") continue;
    const spec = pod.spec.containers.find((s) => s.name === c.name);
    if (spec) recordEvent(tx, ref(pod, spec), "Normal", "Killing", `Stopping container ${spec.name}`, kubelet(pod), at);
  }
}
