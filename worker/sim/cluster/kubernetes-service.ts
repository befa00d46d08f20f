// The API server's own Service: bootstrap creates it and the controllers put it back when deleted,
// so it lives apart from both.
import type { SubmittedObject } from "./types.ts";

/** The `kubernetes` Service the API server keeps in `default` (it puts it back when deleted). */
export function kubernetesService(): SubmittedObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kubernetes", namespace: "default", labels: { component: "apiserver", provider: "kubernetes" } },
    spec: { clusterIP: "10.96.0.1", ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }] },
  };
}
