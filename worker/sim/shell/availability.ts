// What each place in the shell stack has installed. A pod has only what its image ships (images.ts)
// plus the shell's builtins; the workstation and the nodes are Ubuntu 24.04 machines with the lab's
// tools (kubectl only on the workstation and the control plane).

import { findImage, type Tool } from "../cluster/images.ts";
import type { ClusterState } from "../cluster/types.ts";
import type { ShellFrame } from "./types.ts";
import { bashPrintable } from "./ansic-quote.ts";

/** coreutils' file tools, on every machine with a shell. */
export const FILE_TOOLS = ["ls", "cp", "mv", "rm", "mkdir", "touch", "tee", "sed", "diff"] as const;
const HOST_TOOLS = ["vi", "vim", "nano", "curl", "ssh", "ping", "nslookup", "ip", "cat", "env", "printenv", "hostname", "echo", "printf", "seq", "sleep", "exit", "logout", "clear", "grep", "head", "tail", "wc", "base64", "openssl", "help", "man", "history", "jobs", "fg", "kill", "wait", ...FILE_TOOLS];

/** Netfilter's tools (iptables, conntrack, ipset), ipvsadm, crictl, procps' ps and sudo, on the nodes. */
const NODE_TOOLS = ["sudo", "iptables", "iptables-save", "ipvsadm", "ipset", "crictl", "conntrack", "ps"];

// helm (v3.19) is installed beside kubectl on the workstation, as the Gateway API courses set it up.
const WORKSTATION = new Set([...HOST_TOOLS, "kubectl", "helm"]);
const NODE = new Set([...HOST_TOOLS, ...NODE_TOOLS]);
const CONTROL_PLANE = new Set([...HOST_TOOLS, ...NODE_TOOLS, "kubectl"]);
/** Shell builtins (and applets every shell image has) available in an interactive pod shell. */
const SHELL_BUILTINS = ["echo", "printf", "exit", "clear"];
/** Builtins of bash only (an image with bash, `kubectl exec -it ... -- bash`). */
const BASH_BUILTINS = ["help", "history"];

/** The image tools of a pod's container, or undefined when the pod or image is unknown. */
export function containerTools(cluster: ClusterState, namespace: string, pod: string, container: string): readonly Tool[] | undefined {
  const object = cluster.pods[`${namespace}/${pod}`];
  const spec = object?.spec.containers.find((c) => c.name === container) ?? object?.spec.containers[0];
  return spec ? findImage(spec.image)?.tools : undefined;
}

export function availableAt(frame: ShellFrame, cluster: ClusterState, name: string): boolean {
  switch (frame.kind) {
    case "workstation":
      return WORKSTATION.has(name);
    case "node": {
      const node = cluster.nodes[frame.node];
      const controlPlane = node?.metadata.labels?.["node-role.kubernetes.io/control-plane"] !== undefined;
      return (controlPlane ? CONTROL_PLANE : NODE).has(name);
    }
    case "pod": {
      if (SHELL_BUILTINS.includes(name)) return true;
      // bash's builtins; the images' sh (dash, busybox) has neither.
      if (frame.shell === "bash" && BASH_BUILTINS.includes(name)) return true;
      const tools = containerTools(cluster, frame.namespace, frame.pod, frame.container) ?? [];
      return (tools as readonly string[]).includes(name);
    }
  }
}

/** What the shell of that place prints for a command it cannot find. */
export function notFoundMessage(frame: ShellFrame, name: string): string {
  // bash shows a name with a control character ANSI-C quoted (`$'\r'`); busybox's sh as it is.
  if (frame.kind === "pod") return frame.shell === "bash" ? `bash: ${bashPrintable(name)}: command not found\n` : `sh: ${name}: not found\n`;
  return `${bashPrintable(name)}: command not found\n`;
}
