// Where a request starts: the workstation outside the cluster, a node, or a pod. Each place has
// the address its packets leave with and the node whose iptables rules they meet first.

import type { ClusterState } from "../cluster/types.ts";
import type { ShellFrame } from "../shell/types.ts";
import type { NetIndex } from "./index.ts";

/** The workstation sits on the node network (a host-only network, like a Vagrant lab's host). */
export const WORKSTATION_IP = "192.168.56.1";
export const WORKSTATION_NAME = "workstation";

export type Place =
  | { kind: "workstation"; name: string; ip: string }
  | { kind: "node"; name: string; ip: string }
  | {
      kind: "pod";
      name: string;
      namespace: string;
      key: string;
      ip: string;
      nodeName: string;
      hostNetwork: boolean;
      container: string;
    };

/** The place a shell frame stands for; undefined when its node or pod no longer exists. */
export function placeOf(frame: ShellFrame, state: ClusterState, index: NetIndex): Place | undefined {
  switch (frame.kind) {
    case "workstation":
      return { kind: "workstation", name: frame.host, ip: WORKSTATION_IP };
    case "node": {
      const node = index.nodeByName(frame.node);
      return node ? { kind: "node", name: node.name, ip: node.ip } : undefined;
    }
    case "pod": {
      const key = `${frame.namespace}/${frame.pod}`;
      const pod = state.pods[key];
      if (!pod || !pod.status.podIP || !pod.spec.nodeName) return undefined;
      return {
        kind: "pod",
        name: frame.pod,
        namespace: frame.namespace,
        key,
        ip: pod.status.podIP,
        nodeName: pod.spec.nodeName,
        hostNetwork: pod.spec.hostNetwork === true,
        container: frame.container,
      };
    }
  }
}

/**
 * The host name a program at this place sees (hostname, $HOSTNAME, /etc/hostname): a pod's
 * spec.hostname, else its name (the kubelet's GeneratePodHostNameAndDomain); the node's on the host network.
 */
export function hostNameOf(place: Place, state: ClusterState): string {
  if (place.kind !== "pod") return place.name;
  if (place.hostNetwork) return place.nodeName;
  return state.pods[place.key]?.spec.hostname || place.name;
}

/** The node whose netfilter rules a packet from this place meets first; none for the workstation. */
export function nodeOfPlace(place: Place): string | undefined {
  return place.kind === "node" ? place.name : place.kind === "pod" ? place.nodeName : undefined;
}

export function traceFrom(place: Place): { kind: "workstation" | "node" | "pod"; name: string; ip: string } {
  return { kind: place.kind, name: place.kind === "pod" ? place.key : place.name, ip: place.ip };
}
