// Rendering a chart as helm v3.19 does (pkg/engine/engine.go, pkg/chartutil/values.go,
// pkg/releaseutil/manifest_sorter.go): the chart's values.yaml coalesced with the user's values,
// every template parsed into one set with helm's functions, each file that is not a partial (`_`)
// run with .Values, .Release, .Chart, .Capabilities and .Template, "<no value>" erased (helm's
// missingkey=zero workaround), then the files' documents split, hooks (helm.sh/hook) set apart and
// the rest sorted by kind in InstallOrder, files in name order, documents in file order.

import { parse as parseYaml } from "yaml";
import { executeTemplateSet, GoMethods, parseTemplateSet, type TemplateSet } from "../kubectl/printers/go-template.ts";
import { helmFuncs } from "./funcs.ts";
import type { Chart, Values } from "./charts.ts";

export type { Values } from "./charts.ts";

const isMap = (v: unknown): v is Values => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * chartutil.CoalesceValues: the user's values over the chart's defaults, maps merged key by key; a
 * user's null deletes the default (helm's way to unset a value).
 */
export function coalesce(user: Values, defaults: Values): Values {
  const out: Values = {};
  for (const key of Object.keys(defaults)) out[key] = defaults[key];
  for (const key of Object.keys(user)) {
    const u = user[key];
    const d = defaults[key];
    if (u === null) delete out[key];
    else if (isMap(u) && isMap(d)) out[key] = coalesce(u, d);
    else out[key] = u;
  }
  return out;
}

export interface ReleaseOptions {
  name: string;
  namespace: string;
  revision: number;
  isInstall: boolean;
  isUpgrade: boolean;
}

/** The cluster's capabilities as helm reads them from discovery. */
export interface Capabilities {
  kubeVersion: string;
  apiVersions: ReadonlySet<string>;
}

/** A hook (a document with a helm.sh/hook annotation), as release.Hook keeps it. */
export interface Hook {
  name: string;
  kind: string;
  path: string;
  manifest: string;
  events: string[];
  weight: number;
  deletePolicies: string[];
}

/** One document of the release's manifest, with the file it came from. */
export interface ManifestDoc {
  path: string;
  content: string;
  kind: string;
  name: string;
}

export type RenderResult = { ok: true; hooks: Hook[]; manifests: ManifestDoc[]; notes: string } | { ok: false; error: string };

/** releaseutil.InstallOrder. */
export const INSTALL_ORDER = [
  "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap",
  "StorageClass", "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role",
  "RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job",
  "CronJob", "IngressClass", "Ingress", "APIService",
];

/** releaseutil.UninstallOrder. */
export const UNINSTALL_ORDER = [
  "APIService", "Ingress", "IngressClass", "Service", "CronJob", "Job", "StatefulSet", "HorizontalPodAutoscaler", "Deployment", "ReplicaSet", "ReplicationController", "Pod", "DaemonSet",
  "RoleBindingList", "RoleBinding", "RoleList", "Role", "ClusterRoleBindingList", "ClusterRoleBinding", "ClusterRoleList", "ClusterRole", "CustomResourceDefinition",
  "PersistentVolumeClaim", "PersistentVolume", "StorageClass", "ConfigMap", "SecretList", "Secret", "ServiceAccount", "PodDisruptionBudget", "PodSecurityPolicy", "LimitRange",
  "ResourceQuota", "NetworkPolicy", "Namespace", "PriorityClass",
];

/** lessByKind's stable sort: known kinds in the order's place, unknown ones after them by kind name. */
export function sortByKind<T>(items: T[], kindOf: (t: T) => string, order: readonly string[]): T[] {
  const rank = new Map(order.map((k, i) => [k, i]));
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => {
      const ka = kindOf(a.item);
      const kb = kindOf(b.item);
      const ra = rank.get(ka);
      const rb = rank.get(kb);
      if (ra === undefined && rb === undefined) return ka !== kb ? (ka < kb ? -1 : 1) : a.i - b.i;
      if (ra === undefined) return 1;
      if (rb === undefined) return -1;
      return ra - rb || a.i - b.i;
    })
    .map((x) => x.item);
}

// The template set of a chart is the same for every render: parsed once per isolate.
const parsedSets = new WeakMap<Chart, TemplateSet | string>();

function templateSet(chart: Chart): TemplateSet | string {
  let set = parsedSets.get(chart);
  if (set === undefined) {
    // sortTemplates: deeper paths first, then by name (reverse), as helm parses them.
    const files = chart.templates.map((t) => ({ name: `${chart.metadata.name}/${t.name}`, text: t.text }));
    files.sort((a, b) => b.name.split("/").length - a.name.split("/").length || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    const parsed = parseTemplateSet(files, helmFuncs);
    set = parsed.ok ? parsed.set : parsed.error;
    parsedSets.set(chart, set);
  }
  return set;
}

/** releaseutil.SplitManifests: documents split on `---` lines, trimmed, empty ones dropped. */
export function splitManifests(text: string): string[] {
  return text
    .trim()
    .split(/(?:^|\s*\n)---\s*/)
    .filter((d) => d !== "")
    .map((d) => d.trim());
}

// A chart renders to the same documents release after release (install, upgrade, template): each
// document's YAML parse (most of a render's cost) is kept by its text, handed out as a copy.
const parsedDocs = new Map<string, string>();

/** One document as YAML 1.1 reads it (sigs.k8s.io/yaml), as a fresh plain object; throws on bad YAML. */
export function parseDocument(doc: string): unknown {
  let json = parsedDocs.get(doc);
  if (json === undefined) {
    json = JSON.stringify(parseYaml(doc, { version: "1.1" }) ?? null);
    if (parsedDocs.size >= 2000) parsedDocs.clear();
    parsedDocs.set(doc, json);
  }
  return JSON.parse(json) as unknown;
}

const HOOK_EVENTS = new Set(["pre-install", "post-install", "pre-delete", "post-delete", "pre-upgrade", "post-upgrade", "pre-rollback", "post-rollback", "test", "test-success"]);

/** Renders the chart's templates and sorts what they made (renderResources, SortManifests). */
export function renderChart(chart: Chart, values: Values, release: ReleaseOptions, caps: Capabilities): RenderResult {
  const set = templateSet(chart);
  if (typeof set === "string") return { ok: false, error: set };
  const top = {
    Values: values,
    Release: { Name: release.name, Namespace: release.namespace, IsUpgrade: release.isUpgrade, IsInstall: release.isInstall, Revision: release.revision, Service: "Helm" },
    Chart: chart.goMetadata,
    Capabilities: {
      KubeVersion: { Version: caps.kubeVersion, Major: caps.kubeVersion.replace(/^v/, "").split(".")[0], Minor: caps.kubeVersion.replace(/^v/, "").split(".")[1] },
      APIVersions: new GoMethods("chartutil.VersionSet", { Has: ([v]) => caps.apiVersions.has(String(v)) }),
      HelmVersion: { Version: "v3.19.5" },
    },
    Files: {},
  };
  const rendered = new Map<string, string>();
  for (const t of chart.templates) {
    const name = `${chart.metadata.name}/${t.name}`;
    if (t.name.split("/").pop()!.startsWith("_")) continue;
    const run = executeTemplateSet(set, name, { ...top, Template: { Name: name, BasePath: `${chart.metadata.name}/templates` } });
    if (!run.ok) return { ok: false, error: run.error };
    rendered.set(name, run.output.replaceAll("<no value>", ""));
  }
  const hooks: Hook[] = [];
  const manifests: ManifestDoc[] = [];
  let notes = "";
  for (const path of [...rendered.keys()].sort()) {
    const content = rendered.get(path)!;
    if (path.endsWith("NOTES.txt")) {
      notes = content;
      continue;
    }
    if (content.trim() === "") continue;
    for (const doc of splitManifests(content)) {
      let head: { kind?: unknown; metadata?: { name?: unknown; annotations?: Record<string, unknown> } } | null;
      try {
        head = parseDocument(doc) as typeof head;
      } catch (e) {
        return { ok: false, error: `YAML parse error on ${path}: ${e instanceof Error ? e.message : String(e)}` };
      }
      const kind = typeof head?.kind === "string" ? head.kind : "";
      const name = typeof head?.metadata?.name === "string" ? head.metadata.name : "";
      const annotations = head?.metadata?.annotations ?? {};
      const hookTypes = annotations["helm.sh/hook"];
      if (typeof hookTypes !== "string") {
        manifests.push({ path, content: doc, kind, name });
        continue;
      }
      const events = hookTypes.split(",").map((e) => e.trim().toLowerCase());
      // An unknown hook type: helm logs "info: skipping unknown hook" and leaves the document out.
      if (events.some((e) => !HOOK_EVENTS.has(e))) continue;
      const weight = Number.parseInt(String(annotations["helm.sh/hook-weight"] ?? ""), 10);
      const policies = typeof annotations["helm.sh/hook-delete-policy"] === "string" ? (annotations["helm.sh/hook-delete-policy"] as string).split(",").map((p) => p.trim().toLowerCase()) : [];
      hooks.push({ name, kind, path, manifest: doc, events, weight: Number.isNaN(weight) ? 0 : weight, deletePolicies: policies });
    }
  }
  return { ok: true, hooks: sortByKind(hooks, (h) => h.kind, INSTALL_ORDER), manifests: sortByKind(manifests, (m) => m.kind, INSTALL_ORDER), notes };
}

/** The manifest text a release keeps (and `helm template` prints): each document after its source. */
export function manifestText(docs: readonly ManifestDoc[]): string {
  return docs.map((m) => `---\n# Source: ${m.path}\n${m.content}\n`).join("");
}
