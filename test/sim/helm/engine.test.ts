// The NGF chart rendered by helm/engine.ts against the project's own rendering of it: NGF's
// scripts/generate-manifests.sh makes deploy/default/deploy.yaml with `helm template nginx-gateway
// --namespace nginx-gateway --set nginxGateway.name=nginx-gateway --skip-crds`, deletes the lines
// with `app.kubernetes.io/managed-by: Helm` and `helm.sh`, and runs kustomize over it (which adds
// the Namespace and drops empty annotations). The same steps over our render give the same objects.
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { files } from "../../../worker/sim/catalogue/nginx-gateway-fabric.ts";
import { publishedCharts } from "../../../worker/sim/helm/charts.ts";
import { coalesce, manifestText, renderChart } from "../../../worker/sim/helm/engine.ts";

const chart = publishedCharts[0].load();
const caps = { kubeVersion: "v1.34.1", apiVersions: new Set(["v1"]) };

type Obj = Record<string, unknown>;
const sortKeys = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(sortKeys) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v as Obj).sort().map((k) => [k, sortKeys((v as Obj)[k])])) : v;
/** kustomize drops an empty or null annotations map. */
const kustomized = (o: Obj): Obj => {
  const metadata = o.metadata as Obj;
  if (metadata.annotations === null || (typeof metadata.annotations === "object" && Object.keys(metadata.annotations as Obj).length === 0)) delete metadata.annotations;
  return o;
};
const docs = (text: string): Obj[] => parseAllDocuments(text, { version: "1.1" }).map((d) => d.toJS() as Obj).filter(Boolean);
const key = (o: Obj) => `${String(o.kind)}/${String((o.metadata as Obj).name)}`;

describe("rendering the NGINX Gateway Fabric chart", () => {
  it("gives deploy/default/deploy.yaml's objects for its generator's release name, namespace and values", () => {
    const r = renderChart(chart, coalesce({ nginxGateway: { name: "nginx-gateway" } }, chart.values), { name: "nginx-gateway", namespace: "nginx-gateway", revision: 1, isInstall: true, isUpgrade: false }, caps);
    if (!r.ok) throw new Error(r.error);
    const text = [...r.hooks.map((h) => h.manifest), ...r.manifests.map((m) => m.content)]
      .join("\n---\n")
      .split("\n")
      .filter((l) => !l.includes("app.kubernetes.io/managed-by: Helm") && !l.includes("helm.sh"))
      .join("\n");
    const ours = docs(text).map(kustomized).map(sortKeys) as Obj[];
    const published = docs(files.find((f) => f.url.endsWith("/default/deploy.yaml"))!.text).filter((o) => o.kind !== "Namespace").map(kustomized).map(sortKeys) as Obj[];
    expect(ours.map(key).sort()).toEqual(published.map(key).sort());
    for (const o of published) expect(ours.find((x) => key(x) === key(o))).toEqual(o);
  });

  it("names objects after the release (fullname: RELEASE-nginx-gateway-fabric), sorts them in InstallOrder and sets the cert Job's hooks apart", () => {
    const r = renderChart(chart, chart.values, { name: "ngf", namespace: "nginx-gateway", revision: 1, isInstall: true, isUpgrade: false }, caps);
    if (!r.ok) throw new Error(r.error);
    expect(r.manifests.map((m) => `${m.kind}/${m.name}`)).toEqual([
      "ServiceAccount/ngf-nginx-gateway-fabric",
      "ClusterRole/ngf-nginx-gateway-fabric",
      "ClusterRoleBinding/ngf-nginx-gateway-fabric",
      "Service/ngf-nginx-gateway-fabric",
      "Deployment/ngf-nginx-gateway-fabric",
      "GatewayClass/nginx",
      "NginxGateway/ngf-config",
      "NginxProxy/ngf-proxy-config",
    ]);
    expect(r.hooks.map((h) => `${h.kind}/${h.name} ${h.events.join(",")}`)).toEqual([
      "ServiceAccount/ngf-nginx-gateway-fabric-cert-generator pre-install",
      "Role/ngf-nginx-gateway-fabric-cert-generator pre-install",
      "RoleBinding/ngf-nginx-gateway-fabric-cert-generator pre-install",
      "Job/ngf-nginx-gateway-fabric-cert-generator pre-install,pre-upgrade",
    ]);
    const manifest = manifestText(r.manifests);
    expect(manifest.startsWith("---\n# Source: nginx-gateway-fabric/templates/serviceaccount.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ngf-nginx-gateway-fabric\n  namespace: nginx-gateway\n  labels:\n    helm.sh/chart: nginx-gateway-fabric-2.6.7\n")).toBe(true);
    expect(manifest).toContain("        - --service=ngf-nginx-gateway-fabric\n");
  });

  it("takes a release name that contains the chart's name as the full name", () => {
    const r = renderChart(chart, chart.values, { name: "my-nginx-gateway-fabric", namespace: "x", revision: 1, isInstall: true, isUpgrade: false }, caps);
    if (!r.ok) throw new Error(r.error);
    expect(r.manifests.find((m) => m.kind === "Deployment")?.name).toBe("my-nginx-gateway-fabric");
  });

  it("follows values: replicas, the data plane's Service type, metrics off", () => {
    const r = renderChart(chart, coalesce({ nginxGateway: { replicas: 3, metrics: { enable: false } }, nginx: { service: { type: "NodePort" } } }, chart.values), { name: "ngf", namespace: "ngf", revision: 1, isInstall: true, isUpgrade: false }, caps);
    if (!r.ok) throw new Error(r.error);
    const deployment = r.manifests.find((m) => m.kind === "Deployment")!.content;
    expect(deployment).toContain("\n  replicas: 3\n");
    expect(deployment).toContain("        - --metrics-disable\n");
    expect(deployment).not.toContain("prometheus.io/scrape");
    expect(r.manifests.find((m) => m.kind === "NginxProxy")!.content).toContain("    service:\n      externalTrafficPolicy: Local\n      type: NodePort");
  });
});
