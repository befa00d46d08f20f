// kube-proxy's chain names and rule texts (iptables mode), so that a trace reads like
// `iptables-save` on a real node. Names use kube-proxy's real scheme:
// KUBE-SVC-/KUBE-EXT-/KUBE-SVL- + base32(sha256(servicePortName + protocol))[:16] and
// KUBE-SEP- + base32(sha256(servicePortName + protocol + "ip:port"))[:16], where servicePortName is
// `ns/name` or `ns/name:portName` and protocol is lower case (so `default/kubernetes:https` + `tcp`
// gives KUBE-SVC-NPX46M4PTMTKRN6Y, as on every kubeadm cluster).

import { base32, sha256 } from "./sha256.ts";

export function portProtoHash(servicePortName: string, protocol: string): string {
  return base32(sha256(servicePortName + protocol.toLowerCase())).slice(0, 16);
}

export function endpointChainName(servicePortName: string, protocol: string, endpoint: string): string {
  return "KUBE-SEP-" + base32(sha256(servicePortName + protocol.toLowerCase() + endpoint)).slice(0, 16);
}

/** `ns/name` or `ns/name:portName`, as kube-proxy's ServicePortName.String(). */
export function servicePortNameOf(serviceKey: string, portName: string | undefined): string {
  return portName ? `${serviceKey}:${portName}` : serviceKey;
}

/** kube-proxy writes probabilities with %0.10f. */
export function probabilityText(p: number): string {
  return p.toFixed(10);
}
