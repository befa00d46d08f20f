// The kubeconfig kubectl reads where it runs: kubeadm's admin.conf, copied to ~/.kube/config of
// the workstation's user (and of the controlplane's). One cluster and one user; contexts can be
// added and switched, and a context's namespace is where kubectl works without -n. It is kept on
// the shell frame (the file lives on that machine) and stored only once it differs from the default.

import { nodeInternalIP } from "../cluster/conditions.ts";
import type { ClusterState } from "../cluster/types.ts";
import type { ShellFrame } from "../shell/types.ts";
import type { Kubeconfig, KubeContext } from "./kubeconfig-types.ts";
import { homeOf } from "../shell/variables.ts";
import { clusterLayout } from "../cluster/layout.ts";

export const CLUSTER_NAME = "kubernetes";
export const USER_NAME = "kubernetes-admin";
export const ADMIN_CONTEXT = `${USER_NAME}@${CLUSTER_NAME}`;

export type { Kubeconfig, KubeContext } from "./kubeconfig-types.ts";

const DEFAULT: Kubeconfig = {
  contexts: [{ name: ADMIN_CONTEXT, cluster: CLUSTER_NAME, user: USER_NAME }],
  currentContext: ADMIN_CONTEXT,
};

export function kubeconfigOf(frame: ShellFrame): Kubeconfig {
  return (frame.kind === "pod" ? undefined : frame.kubeconfig) ?? DEFAULT;
}

/** The frame with its kubeconfig replaced (pods have none: kubectl does not run there). */
export function withKubeconfig(frame: ShellFrame, kubeconfig: Kubeconfig): ShellFrame {
  if (frame.kind === "pod") return frame;
  return { ...frame, kubeconfig };
}

/** Where the file is, for kubectl's messages: the home of the user whose shell this is. */
export function kubeconfigPath(frame: ShellFrame): string {
  const user = frame.kind === "workstation" || frame.kind === "node" ? frame.user : "root";
  return `${homeOf(user)}/.kube/config`;
}

/** The API server kubeadm's kubeconfig points at: the control plane node's address, port 6443. */
export function apiServerURL(state: ClusterState): string {
  return `https://${nodeInternalIP(state.nodes[clusterLayout(state.config.layout ?? 0).controlPlane]) ?? "127.0.0.1"}:6443`;
}

/** The kubeconfig's cluster entries' names (kubeadm's one when it lists none). */
export function clusterNames(kubeconfig: Kubeconfig): string[] {
  return kubeconfig.clusters ?? [CLUSTER_NAME];
}

/** The kubeconfig's user entries' names (kubeadm's one when it lists none). */
export function userNames(kubeconfig: Kubeconfig): string[] {
  return kubeconfig.users ?? [USER_NAME];
}

/**
 * The file as `kubectl config view` prints it (certificates redacted), contexts, clusters and
 * users sorted by name; `server` gives a cluster entry's API server.
 */
export function kubeconfigDocument(kubeconfig: Kubeconfig, minify: boolean, server: (cluster: string) => string): Record<string, unknown> {
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const contexts = minify ? kubeconfig.contexts.filter((c) => c.name === kubeconfig.currentContext) : [...kubeconfig.contexts];
  contexts.sort((a, b) => byName(a.name, b.name));
  const clusters = clusterNames(kubeconfig).filter((name) => !minify || contexts.some((c) => c.cluster === name)).sort(byName);
  const users = userNames(kubeconfig).filter((name) => !minify || contexts.some((c) => c.user === name)).sort(byName);
  return {
    apiVersion: "v1",
    clusters: clusters.length > 0 ? clusters.map((name) => ({ cluster: { "certificate-authority-data": "DATA+OMITTED", server: server(name) }, name })) : null,
    contexts: contexts.map((c) => ({
      // client-go's Context: cluster and user are always written, namespace only when set.
      context: { cluster: c.cluster, ...(c.namespace ? { namespace: c.namespace } : {}), user: c.user },
      name: c.name,
    })),
    "current-context": kubeconfig.currentContext,
    kind: "Config",
    preferences: {},
    users: users.length > 0 ? users.map((name) => ({ name, user: { "client-certificate-data": "DATA+OMITTED", "client-key-data": "DATA+OMITTED" } })) : null,
  };
}
