// The few status questions every part asks of nodes and pods, answered in one place.

import type { Node, Pod } from "./types.ts";

/** The node's InternalIP, the address kube-proxy and the kubelet use. */
export function nodeInternalIP(node: Node | undefined): string | undefined {
  return node?.status.addresses.find((a) => a.type === "InternalIP")?.address;
}

export function nodeReady(node: Node): boolean {
  return node.status.conditions.some((c) => c.type === "Ready" && c.status === "True");
}

/** The pod's Ready condition is True (what endpoints and `READY` count). */
export function podReady(pod: Pod): boolean {
  return pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}
