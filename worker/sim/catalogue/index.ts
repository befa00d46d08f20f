// The catalogue: the few files on the internet that Kubernetes courses apply by URL, built in
// byte for byte, because the playground has no internet. `kubectl apply|create -f URL`, curl and
// wget read them here; any other address does not resolve, as on a machine without a network.
import { files as gatewayApi } from "./gateway-api.ts";
import { files as ingressNginx } from "./ingress-nginx.ts";
import { files as kubernetesExamples } from "./kubernetes-examples.ts";
import { files as metallb } from "./metallb.ts";
import { files as nginxGatewayFabric } from "./nginx-gateway-fabric.ts";
import { parsed } from "./parsed.ts";
import type { CatalogueFile } from "./types.ts";

export type { CatalogueFile } from "./types.ts";

export const catalogue: readonly CatalogueFile[] = [...kubernetesExamples, ...ingressNginx, ...gatewayApi, ...nginxGatewayFabric, ...metallb];

const byUrl = new Map(catalogue.map((f) => [f.url, f]));

let parsedByText: Map<string, string> | undefined;

/**
 * The build-time parse of a big catalogue file (parsed.ts), by the file's text: the JSON of its
 * manifests, or undefined for a file parsed at run time.
 */
export function preParsedManifests(text: string): string | undefined {
  parsedByText ??= new Map(catalogue.filter((f) => parsed[f.url] !== undefined).map((f) => [f.text, parsed[f.url]]));
  return parsedByText.get(text);
}

/** The hosts the catalogue's files come from: a name the playground's network cannot resolve. */
export const catalogueHosts: readonly string[] = ["k8s.io", "kubernetes.io", "raw.githubusercontent.com", "github.com"];

export interface CatalogueHit {
  file: CatalogueFile;
  /**
   * The address that answers with a redirect first (k8s.io/examples/... moves permanently to
   * kubernetes.io/examples/...), or undefined when the URL itself serves the file.
   */
  redirectedTo?: string;
}

/** The file a URL serves (following k8s.io's redirect), if it is in the catalogue. */
export function lookupCatalogue(url: string): CatalogueHit | undefined {
  const clean = url.replace(/[?#].*$/, "");
  const direct = byUrl.get(clean.replace(/^http:\/\//, "https://"));
  if (direct) return { file: direct };
  const m = /^https?:\/\/(?:www\.)?k8s\.io\/examples\/(.+)$/.exec(clean);
  if (m) {
    const target = `https://kubernetes.io/examples/${m[1]}`;
    const file = byUrl.get(target);
    if (file) return { file, redirectedTo: target };
  }
  return undefined;
}

/** The hint beside a failed fetch of an address outside the catalogue (never in the output). */
export function offlineNotice(url: string): string {
  return `the playground has no internet, so ${url} cannot be fetched; only its built-in catalogue (the kubernetes.io examples, ingress-nginx deploy.yaml files, the Gateway API's standard-install.yaml and NGINX Gateway Fabric's crds.yaml and deploy.yaml, MetalLB's metallb-native.yaml listed in the README) is served by URL. Pods and nodes also reach a small simulated outside world over HTTP (example.com, httpbin.org); the workstation reaches none of it.`;
}

// Top-level domains whose names are on the internet, not in the cluster: a failed lookup of one
// gets the no-internet hint; a cluster name that did not resolve (a typo) does not.
const PUBLIC_TLDS = new Set(["com", "io", "org", "net", "dev", "sh", "cloud", "co", "app", "me", "info", "edu", "gov", "us", "uk", "de", "eu"]);

/** True when a host name is somewhere on the internet (a name with a public top-level domain). */
export function isInternetHost(host: string): boolean {
  if (catalogueHosts.includes(host)) return true;
  const labels = host.toLowerCase().replace(/\.$/, "").split(".");
  return labels.length > 1 && PUBLIC_TLDS.has(labels[labels.length - 1]);
}
