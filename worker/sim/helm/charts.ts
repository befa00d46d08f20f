// The charts helm can pull here: the catalogue's (worker/sim/catalogue), by the references courses
// use. NGINX Gateway Fabric publishes its chart only as an OCI artifact
// (oci://ghcr.io/nginx/charts/nginx-gateway-fabric, tag = chart version); its crds/ directory is
// the NGF CRDs (gateway.nginx.org) that deploy/crds.yaml also holds, so they are taken from there.
// The Gateway API CRDs are not in the chart: its docs install them first (kubectl kustomize/apply).

import { parse as parseYaml } from "yaml";
import { files as ngfFiles } from "../catalogue/nginx-gateway-fabric.ts";
import { nginxGatewayFabricChartFiles } from "../catalogue/nginx-gateway-fabric-chart.ts";
import type { ChartFile } from "../catalogue/types.ts";
import { parseCatalogued } from "../kubectl/manifest.ts";

/** Chart values: values.yaml, --set, a release's config. */
export type Values = Record<string, unknown>;

export interface ChartMetadata {
  apiVersion: string;
  name: string;
  version: string;
  appVersion?: string;
  description?: string;
  type?: string;
  kubeVersion?: string;
  home?: string;
  icon?: string;
  sources?: string[];
  keywords?: string[];
  maintainers?: Array<Record<string, string>>;
}

export interface Chart {
  metadata: ChartMetadata;
  /** The metadata as templates see it (.Chart): chart.Metadata's Go field names. */
  goMetadata: Record<string, unknown>;
  /** values.yaml's text (helm show values) and its parse. */
  valuesText: string;
  values: Values;
  templates: readonly ChartFile[];
  /** The crds/ directory: each CRD file's name, text and object. */
  crds: ReadonlyArray<{ name: string; text: string; object: Record<string, unknown> }>;
}

function loadChart(files: readonly ChartFile[], crds: Chart["crds"]): Chart {
  const file = (name: string) => files.find((f) => f.name === name)?.text ?? "";
  const metadata = parseYaml(file("Chart.yaml"), { version: "1.1" }) as ChartMetadata;
  const valuesText = file("values.yaml");
  const values = (parseYaml(valuesText, { version: "1.1" }) ?? {}) as Values;
  const goMetadata: Record<string, unknown> = {
    Name: metadata.name,
    Home: metadata.home ?? "",
    Sources: metadata.sources ?? [],
    Version: metadata.version,
    Description: metadata.description ?? "",
    Keywords: metadata.keywords ?? [],
    Maintainers: (metadata.maintainers ?? []).map((m) => ({ Name: m.name ?? "", Email: m.email ?? "", URL: m.url ?? "" })),
    Icon: metadata.icon ?? "",
    APIVersion: metadata.apiVersion,
    Condition: "",
    Tags: "",
    AppVersion: metadata.appVersion ?? "",
    Deprecated: false,
    Annotations: {},
    KubeVersion: metadata.kubeVersion ?? "",
    Dependencies: [],
    Type: metadata.type ?? "",
  };
  return { metadata, goMetadata, valuesText, values, templates: files.filter((f) => f.name.startsWith("templates/")), crds };
}

/**
 * NGF's CRDs as its chart's crds/ holds them: one file per CRD (config/crd/bases, named
 * GROUP_PLURAL.yaml), in file-name order; each file's text is its document of deploy/crds.yaml
 * (kustomize joins the same controller-gen files with `---`), its object the catalogue's parse.
 */
function ngfCrds(): Chart["crds"] {
  const source = ngfFiles.find((f) => f.url.endsWith("/deploy/crds.yaml"))!;
  const parsed = parseCatalogued(source.text, source.url);
  if (!parsed.ok) return [];
  const texts = source.text.split(/^---\n/m).filter((t) => t.trim() !== "");
  return parsed.manifests
    .map((m, i) => {
      const spec = m.object.spec as { group: string; names: { plural: string } };
      return { name: `crds/${spec.group}_${spec.names.plural}.yaml`, text: texts[i] ?? "", object: m.object };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface PublishedChart {
  /** Where it is published: an OCI reference without tag, or a chart repository's URL and the chart's name in it. */
  oci?: string;
  repo?: { url: string; name: string };
  version: string;
  load(): Chart;
}

let ngfChart: Chart | undefined;

export const publishedCharts: readonly PublishedChart[] = [
  {
    oci: "oci://ghcr.io/nginx/charts/nginx-gateway-fabric",
    version: "2.6.7",
    load: () => (ngfChart ??= loadChart(nginxGatewayFabricChartFiles, ngfCrds())),
  },
];

/** Chart repositories the catalogue holds an index for (none yet: see README). */
export const publishedRepos: ReadonlyArray<{ url: string }> = [];
