// MetalLB's controller as the native manifest runs it (controller/main.go at v0.15.x): its
// webhook server (9443) answers the API server's calls for IPAddressPools and L2Advertisements
// with the certificate its cert rotator wrote (metallb-startup.ts). The webhooks check what a
// learner's manifest most often gets wrong: the namespace (validateIPAddressPoolCreate,
// validateL2AdvCreate); the whole-configuration checks (overlapping pools, CIDR syntax) are not
// made here.

import { findImage } from "./images.ts";
import type { Container, KubeObject, Pod } from "./types.ts";

/** controller/main.go's flag defaults. */
export const METALLB_CERT_DIR = "/tmp/k8s-webhook-server/serving-certs";
export const METALLB_WEBHOOK_PORT = 9443;

/** The controller container of a pod when it runs as the manifest has it (its cert dir mounted). */
export function manifestController(pod: Pod): Container | undefined {
  if (pod.status.phase !== "Running") return undefined;
  for (const c of pod.spec.containers) {
    if (findImage(c.image)?.server?.kind !== "metallb-controller") continue;
    if (!(c.volumeMounts ?? []).some((m) => m.mountPath.replace(/\/$/, "") === METALLB_CERT_DIR)) continue;
    if (!pod.status.containerStatuses?.find((s) => s.name === c.name)?.state.running) continue;
    return c;
  }
  return undefined;
}

/**
 * The webhook server's verdict on an object (undefined: allowed). MetalLBNamespace is the
 * controller's own namespace.
 */
export function metallbWebhookVerdict(controller: Pod, obj: KubeObject): string | undefined {
  const namespace = controller.metadata.namespace ?? "default";
  if ((obj.kind === "IPAddressPool" || obj.kind === "L2Advertisement") && obj.metadata.namespace !== namespace) return `resource must be created in ${namespace} namespace`;
  return undefined;
}
