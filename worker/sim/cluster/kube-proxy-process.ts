// The kube-proxy process in each kube-proxy container: as it starts it reads config.conf (the
// `kube-proxy` ConfigMap kubeadm mounts) once, picks its proxier and logs the choice as
// cmd/kube-proxy/app/server_linux.go does. The choice stays for the life of the process: an edited
// ConfigMap takes effect only when the DaemonSet's pods are restarted (`kubectl -n kube-system
// rollout restart ds kube-proxy`, or deleting them). A configuration kube-proxy refuses is logged
// and the process exits 1, so the container goes into CrashLoopBackOff as on a real node. What a
// run logs is derived from its record (kube-proxy-config.ts kubeProxyStartupLines), not stored.
// Pods that started before this was recorded (older sessions) run iptables, kubeadm's default.

import { KUBE_PROXY_CONFIG_MAP, readProxyConfig } from "./kube-proxy-config.ts";
import { endAttachedProcess } from "./kubelet.ts";
import type { Tx } from "./tx.ts";
import type { ClusterState, KubeProxyRun, Pod } from "./types.ts";

export function isKubeProxyPod(pod: Pod): boolean {
  return pod.metadata.namespace === "kube-system" && pod.metadata.labels?.["k8s-app"] === "kube-proxy";
}

function configText(state: ClusterState): string | undefined {
  const cm = state.objects?.configmaps?.[KUBE_PROXY_CONFIG_MAP] as { data?: { [key: string]: string } } | undefined;
  return cm?.data?.["config.conf"];
}

/** The proxier a node's running kube-proxy uses: what its process chose, iptables when none recorded one. */
export function kubeProxyRunOf(state: ClusterState, podKey: string): KubeProxyRun | undefined {
  return state.podRuntime[podKey]?.kubeProxy;
}

/** kube-proxy processes: each reads config.conf once, as its container starts. */
export function kubeProxyProcesses(tx: Tx, now: number): void {
  const state = tx.state;
  for (const key in state.podRuntime) {
    if (!key.startsWith("kube-system/kube-proxy-")) continue;
    const runtime = state.podRuntime[key];
    const pod = state.pods[key];
    if (!pod || !runtime.containers || !isKubeProxyPod(pod)) continue;
    const c = runtime.containers.find((x) => x.name === "kube-proxy");
    if (!c || c.phase !== "running" || c.containerID === undefined) continue;
    if (runtime.kubeProxy?.containerID === c.containerID) continue;
    const startedAt = c.startedAt ?? c.since;
    const read = readProxyConfig(configText(state));
    if (!read.ok) {
      // The rules the last run wrote stay in the kernel, so the node keeps that run's mode while
      // the container crash-loops.
      tx.write("podRuntime")[key] = { ...runtime, kubeProxy: { containerID: c.containerID, mode: runtime.kubeProxy?.mode ?? "iptables", scheduler: runtime.kubeProxy?.scheduler ?? "rr", error: read.error } };
      endAttachedProcess(tx, key, "kube-proxy", 1, startedAt);
      continue;
    }
    const run: KubeProxyRun = { containerID: c.containerID, mode: read.mode, scheduler: read.scheduler, ...(read.defaulted ? { defaulted: true } : {}) };
    tx.write("podRuntime")[key] = { ...runtime, kubeProxy: run };
  }
}
