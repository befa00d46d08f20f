// The API server's own Service: bootstrap creates it and the controllers put it back when deleted,
// so it lives apart from both.
import { createObject } from "./api-server.ts";
import type { ControllerContext } from "./controller-context.ts";
import type { Tx } from "./tx.ts";
import type { SubmittedObject } from "./types.ts";
import { firstServiceIP } from "./layout.ts";

/** The `kubernetes` Service the API server keeps in `default` (it puts it back when deleted). */
export function kubernetesService(serviceCIDR: string): SubmittedObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kubernetes", namespace: "default", labels: { component: "apiserver", provider: "kubernetes" } },
    spec: { clusterIP: firstServiceIP(serviceCIDR), ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }] },
  };
}

// The API server's own controller recreates `default/kubernetes` when someone deletes it, so
// pods can always reach the API at the Service range's first address (10.96.0.1:443).
export function apiServerServiceController(tx: Tx, ctx: ControllerContext): void {
  const state = tx.state;
  if (state.services["default/kubernetes"] || state.namespaces["default"]?.status.phase !== "Active") return;
  createObject(tx, kubernetesService(state.config.serviceCIDR), ctx);
}
