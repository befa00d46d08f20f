// The downward API's pod fields as the kubelet gives them to an env var (fieldRef).
import type { Pod } from "./types.ts";

/** podFieldSelectorRuntimeValue: the pod fields the downward API offers an env var. */
export function fieldValue(pod: Pod, fieldPath: string): string {
  const subscript = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (subscript) return (subscript[1] === "labels" ? pod.metadata.labels : pod.metadata.annotations)?.[subscript[2]] ?? "";
  switch (fieldPath) {
    case "metadata.name":
      return pod.metadata.name;
    case "metadata.namespace":
      return pod.metadata.namespace ?? "default";
    case "metadata.uid":
      return pod.metadata.uid;
    case "spec.nodeName":
      return pod.spec.nodeName ?? "";
    case "spec.serviceAccountName":
      return pod.spec.serviceAccountName ?? "";
    case "status.hostIP":
      return pod.status.hostIP ?? "";
    case "status.podIP":
      return pod.status.podIP ?? "";
    case "status.podIPs":
      return (pod.status.podIPs ?? []).map((p) => p.ip).join(",");
    default:
      return "";
  }
}
