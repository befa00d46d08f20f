// kubeadm's `kube-proxy` ConfigMap in kube-system and how kube-proxy reads it when it starts.
// config.conf is the KubeProxyConfiguration kubeadm marshals (every field, zero values included,
// as `kubectl -n kube-system get cm kube-proxy -o yaml` shows it on a kubeadm cluster); kubeconfig.conf
// points kube-proxy at the API server with its service account's token. kube-proxy reads the file
// once, as it starts: editing the ConfigMap changes nothing until its pods are restarted.

import { parse } from "yaml";
import { createRandom } from "../random.ts";
import { fnv32a, newUid } from "./ids.ts";
import type { KubeProxyRun } from "./types.ts";

export const KUBE_PROXY_CONFIG_MAP = "kube-system/kube-proxy";

export type ProxyMode = "iptables" | "ipvs";

/**
 * The ConfigMap's uid in the bootstrap: drawn from a stream of its own; a session made from the
 * template gets one derived from its other identities (template.ts), so that adding it moved no
 * other name or address of existing seeds.
 */
export const KUBE_PROXY_CONFIG_MAP_UID = newUid(createRandom(fnv32a("configmap/kube-system/kube-proxy")));

/** The IPVS schedulers kube-proxy's validation accepts (validateIPVSSchedulerMethod), blank for rr. */
export const IPVS_SCHEDULERS = ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "sh", "dh", "sed", "nq"] as const;

export function kubeadmKubeProxyConfig(clusterCIDR: string): string {
  return `apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: ""
  burst: 0
  contentType: ""
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: ${clusterCIDR}
configSyncPeriod: 0s
conntrack:
  maxPerCore: null
  min: null
  tcpBeLiberal: false
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
  udpStreamTimeout: 0s
  udpTimeout: 0s
detectLocal:
  bridgeInterface: ""
  interfaceNamePrefix: ""
detectLocalMode: ""
enableProfiling: false
healthzBindAddress: ""
hostnameOverride: ""
iptables:
  localhostNodePorts: null
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: ""
  strictARP: false
  syncPeriod: 0s
  tcpFinTimeout: 0s
  tcpTimeout: 0s
  udpTimeout: 0s
kind: KubeProxyConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
metricsBindAddress: ""
mode: ""
nftables:
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
nodePortAddresses: null
oomScoreAdj: null
portRange: ""
showHiddenMetricsForVersion: ""
winkernel:
  enableDSR: false
  forwardHealthCheckVip: false
  networkName: ""
  rootHnsEndpointName: ""
  sourceVip: ""`;
}

export function kubeadmKubeProxyKubeconfig(apiServer: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: ${apiServer}
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token`;
}

/** What a starting kube-proxy makes of its config file: the proxier it runs, or why it exits. */
export type ProxyConfigRead =
  | { ok: true; mode: ProxyMode; scheduler: string; defaulted: boolean }
  | { ok: false; error: string };

/**
 * kube-proxy's reading of config.conf: YAML decoding, then Validate (validation.go: a mode other
 * than iptables, ipvs, nftables or blank; in ipvs mode a scheduler outside the supported list).
 * The nftables proxier is not simulated: a pod asked for it says so and exits.
 */
export function readProxyConfig(text: string | undefined): ProxyConfigRead {
  if (text === undefined) return { ok: false, error: "failed to load kube-proxy config: open /var/lib/kube-proxy/config.conf: no such file or directory" };
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    return { ok: false, error: `failed to load kube-proxy config: ${(e as Error).message.split("\n")[0]}` };
  }
  const config = (doc && typeof doc === "object" ? doc : {}) as { mode?: unknown; ipvs?: { scheduler?: unknown } | null };
  const mode = typeof config.mode === "string" ? config.mode : "";
  const scheduler = typeof config.ipvs?.scheduler === "string" ? config.ipvs.scheduler : "";
  if (mode === "nftables") return { ok: false, error: "the playground does not simulate kube-proxy's nftables proxier: use mode \"iptables\" (or blank) or \"ipvs\"" };
  if (mode !== "" && mode !== "iptables" && mode !== "ipvs") {
    return { ok: false, error: `failed validate: KubeProxyConfiguration.Mode.ProxyMode: Invalid value: ${JSON.stringify(mode)}: must be iptables,ipvs,nftables or blank (blank means the best-available proxy [currently iptables])` };
  }
  if (mode === "ipvs" && scheduler !== "" && !(IPVS_SCHEDULERS as readonly string[]).includes(scheduler)) {
    return {
      ok: false,
      error: `failed validate: KubeProxyConfiguration.KubeProxyIPVSConfiguration.Scheduler: Invalid value: ${JSON.stringify(scheduler)}: must be in [${IPVS_SCHEDULERS.join(" ")} ], blank means the default algorithm method (currently rr)`,
    };
  }
  return { ok: true, mode: mode === "ipvs" ? "ipvs" : "iptables", scheduler: scheduler || "rr", defaulted: mode === "" };
}

/** klog's text header (severity, mmdd, time with microseconds, thread id %7d, file:line); kube-proxy is PID 1. */
function klog(severity: "I" | "E", ms: number, source: string, text: string): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  const micros = String((ms % 1000) * 1000).padStart(6, "0");
  return `${severity}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${micros}       1 ${source}] ${text}`;
}

/**
 * What a kube-proxy run logs as it starts (cmd/kube-proxy/app/server_linux.go): platformApplyDefaults'
 * "Using iptables proxy" for a blank mode, then createProxier's choice; a refused configuration is
 * the command's error as component-base's cli.Run logs it before the exit.
 */
export function kubeProxyStartupLines(run: KubeProxyRun, startedAt: number): string[] {
  if (run.error !== undefined) return [klog("E", startedAt, "run.go:72", `"command failed" err=${JSON.stringify(run.error)}`)];
  const lines: string[] = [];
  if (run.defaulted) lines.push(klog("I", startedAt, "server_linux.go:61", '"Using iptables proxy"'));
  lines.push(run.mode === "ipvs" ? klog("I", startedAt, "server_linux.go:226", '"Using ipvs Proxier"') : klog("I", startedAt, "server_linux.go:165", '"Using iptables Proxier"'));
  return lines;
}
