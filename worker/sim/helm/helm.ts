// helm v3.19 on the workstation (cmd/helm, pkg/action at v3.19.5): install, upgrade [--install],
// uninstall, list, status, history, get manifest|values|notes|hooks, template, show values|chart,
// repo add|list|update|remove and version, against the session's cluster and the kubeconfig's
// context (its namespace unless -n). Charts come from the catalogue (helm/charts.ts); a release is
// what the storage driver keeps (helm/storage.ts), its objects created, patched and deleted through
// the API server as helm's kube client does, its hooks run and waited for as execHook does (the
// simulated clock moves while helm waits, as it does for kubectl wait). Errors are cobra's
// `Error: ` and the action's wrapped messages, word for word.

import { createObject, deleteObject, getObject, updateObject, type ApiContext } from "../cluster/api-server.ts";
import { reconcile } from "../cluster/controllers.ts";
import type { Tx } from "../cluster/tx.ts";
import type { ClusterState, KubeObject, SubmittedObject } from "../cluster/types.ts";
import { parse as parseYaml } from "yaml";
import { FlagSet, Flags, type FlagSpec } from "../kubectl/flags.ts";
import { kubeconfigOf } from "../kubectl/kubeconfig.ts";
import { lookupResource, type ResourceType } from "../kubectl/resources.ts";
import { mergePatch, threeWay } from "../kubectl/commands/apply.ts";
import { programFiles } from "../shell/fs-context.ts";
import type { ProgramContext } from "../shell/types.ts";
import { publishedCharts, publishedRepos, type Chart, type PublishedChart } from "./charts.ts";
import { coalesce, manifestText, parseDocument, renderChart, sortByKind, splitManifests, UNINSTALL_ORDER, type Hook, type Values } from "./engine.ts";
import { helmToYaml } from "./funcs.ts";
import { createRelease, deleteReleaseRecord, releaseHistory, storedReleases, updateRelease, type Release, type ReleaseStatus } from "./storage.ts";
import { parseSet } from "./strvals.ts";

export const HELM_VERSION = "v3.19.5";
const HELM_COMMIT = "4a19a5b6fb912c5c28a779e73f2e0880d9e239a4";
/** The Go of helm's release build (GOLANG_VERSION=1.24 in .github/env: the newest 1.24 patch when v3.19.5 was tagged, 2026-01-14). */
const HELM_GO = "go1.24.11";

class HelmError extends Error {}

interface Helm {
  ctx: ProgramContext;
  tx: Tx;
  namespace: string;
  out(text: string): void;
}

const api = (h: Helm): ApiContext => ({ now: h.tx.state.now, random: h.ctx.random });

// ---------------------------------------------------------------------------------------------
// Time as helm prints it (the workstation's zone is UTC).

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad2 = (n: number) => String(n).padStart(2, "0");

/** time.ANSIC: "Mon Jan _2 15:04:05 2006". */
function ansic(iso: string): string {
  const d = new Date(iso);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** time.Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST". */
function goTimeString(iso: string): string {
  const d = new Date(iso);
  const ms = d.getUTCMilliseconds();
  const frac = ms ? `.${String(ms).padStart(3, "0").replace(/0+$/, "")}` : "";
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}${frac} +0000 UTC`;
}

/** time.Time's JSON (RFC 3339 with the fraction's trailing zeros cut), as a release records it. */
const isoNow = (h: Helm): string => new Date(h.tx.state.now).toISOString().replace(/\.?0+Z$/, "Z");
const ZERO_TIME = "0001-01-01T00:00:00Z";

/** gosuri/uitable with helm's defaults: every cell padded to its column's width, cells joined by a tab. */
function uitable(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows.map((row) => row.map((c, i) => c + " ".repeat(widths[i] - [...c].length)).join("\t")).join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------
// Output formats (pkg/cli/output)

function writeOutput(h: Helm, format: string, table: () => string, data: () => unknown): void {
  if (format === "json") h.out(JSON.stringify(data()) + "\n");
  else if (format === "yaml") h.out(helmToYaml(data()) + "\n");
  else h.out(table());
}

function outputFormat(flags: Flags): string {
  const format = flags.string("output") || "table";
  if (!["table", "json", "yaml"].includes(format)) throw new HelmError(`invalid format type`);
  return format;
}

const outputFlag: FlagSpec = { name: "output", short: "o", type: "string", defaultValue: "table" };

// ---------------------------------------------------------------------------------------------
// Commands and flags

const globalFlags: FlagSpec[] = [
  { name: "namespace", short: "n", type: "string" },
  { name: "kube-context", type: "string" },
  { name: "kubeconfig", type: "string" },
  { name: "debug", type: "bool" },
  { name: "help", short: "h", type: "bool" },
];

const valueFlags: FlagSpec[] = [
  { name: "set", type: "stringArray" },
  { name: "set-string", type: "stringArray" },
  { name: "values", short: "f", type: "stringSlice" },
  { name: "version", type: "string" },
  { name: "repo", type: "string" },
];

const installFlags: FlagSpec[] = [
  ...valueFlags,
  { name: "create-namespace", type: "bool" },
  { name: "dry-run", type: "string", noOptDefault: "client" },
  { name: "wait", type: "bool" },
  { name: "wait-for-jobs", type: "bool" },
  { name: "timeout", type: "duration", defaultValue: "5m0s" },
  { name: "atomic", type: "bool" },
  { name: "skip-crds", type: "bool" },
  { name: "no-hooks", type: "bool" },
  { name: "description", type: "string" },
  { name: "generate-name", short: "g", type: "bool" },
  { name: "replace", type: "bool" },
  { name: "hide-notes", type: "bool" },
  { name: "devel", type: "bool" },
  outputFlag,
];

interface Command {
  name: string;
  aliases?: string[];
  use: string;
  flags: FlagSpec[];
  run(h: Helm, flags: Flags): number;
}

/** require.ExactArgs / MinimumNArgs / NoArgs / MaximumNArgs: the error with the usage line. */
function argsError(path: string, use: string, rule: string): never {
  throw new HelmError(`"${path}" ${rule}\n\nUsage:  helm ${use}`);
}

function exactArgs(flags: Flags, n: number, path: string, use: string): void {
  if (flags.args.length !== n) argsError(path, use, `requires ${n} ${n === 1 ? "argument" : "arguments"}`);
}

function minArgs(flags: Flags, n: number, path: string, use: string): void {
  if (flags.args.length < n) argsError(path, use, `requires at least ${n} ${n === 1 ? "argument" : "arguments"}`);
}

function noArgs(flags: Flags, path: string, use: string): void {
  if (flags.args.length > 0) argsError(path, use, "accepts no arguments");
}

// ---------------------------------------------------------------------------------------------
// Charts: LocateChart

interface Located {
  chart: Chart;
  published: PublishedChart;
  /** What the registry client prints on a pull (stderr). */
  pulled?: string;
}

/**
 * The repositories `helm repo add` recorded (repositories.yaml). None can be added while the
 * catalogue holds no repository index (publishedRepos), so the list is always empty here.
 */
function repositories(_h: Helm): Array<{ name: string; url: string }> {
  return [];
}

/** repo.FindChartInAuthAndTLSAndPassRepoURL: the repository's index.yaml fetched first (no network here). */
function offlineRepo(h: Helm, url: string): never {
  const host = url.replace(/^[a-z]+:\/\//, "").split(/[/:]/)[0];
  h.ctx.note?.(`the playground has no internet, so ${url} cannot be reached; NGINX Gateway Fabric's chart is pulled by its OCI reference (see the README).`);
  throw new HelmError(`looks like "${url}" is not a valid chart repository or cannot be reached: Get "${url.replace(/\/$/, "")}/index.yaml": dial tcp: lookup ${host} on 127.0.0.53:53: no such host`);
}

function locateChart(h: Helm, ref: string, version: string, repoURL = ""): Located {
  const name = ref.trim();
  if (repoURL && !publishedRepos.some((r) => r.url === repoURL.replace(/\/$/, ""))) offlineRepo(h, repoURL);
  if (name.startsWith("oci://")) {
    const [base, tag] = splitOciTag(name);
    const candidates = publishedCharts.filter((c) => c.oci === base);
    const want = version || tag;
    const host = base.slice("oci://".length).split("/")[0];
    if (candidates.length === 0) {
      // No network: the registry's host does not resolve (the catalogue holds what courses pull).
      h.ctx.note?.(`the playground has no internet, so ${name} cannot be pulled; only the catalogued charts (see the README) are served.`);
      throw new HelmError(`failed to do request: Head "https://${base.slice("oci://".length).replace(/^[^/]+/, host + "/v2")}/manifests/${want || "latest"}": dial tcp: lookup ${host} on 127.0.0.53:53: no such host`);
    }
    const found = want ? candidates.find((c) => c.version === want) : candidates[0];
    if (!found) {
      if (tag) throw new HelmError(`${base.slice("oci://".length)}:${tag}: not found`);
      throw new HelmError(`could not locate a version matching provided version string ${want}`);
    }
    const reference = `${base.slice("oci://".length)}:${found.version}`;
    return { chart: found.load(), published: found, pulled: `Pulled: ${reference}\n` };
  }
  const files = programFiles(h.ctx);
  const path = files?.resolve(name);
  if (files && path && files.fs.stat(path).ok) throw new HelmError(`the playground reads charts from its catalogue only; ${name} is a local path`);
  if (name.startsWith("/") || name.startsWith(".")) throw new HelmError(`path "${name}" not found`);
  if (/^https?:\/\//.test(name)) {
    const host = name.replace(/^https?:\/\//, "").split(/[/:]/)[0];
    throw new HelmError(`looks like "${name}" is not a valid chart repository or cannot be reached: Get "${name}": dial tcp: lookup ${host} on 127.0.0.53:53: no such host`);
  }
  const slash = name.indexOf("/");
  if (slash < 0) throw new HelmError(`non-absolute URLs should be in form of repo_name/path_to_chart, got: ${name}`);
  const repoName = name.slice(0, slash);
  const repo = repositories(h).find((r) => r.name === repoName);
  if (!repo) throw new HelmError(`repo ${repoName} not found`);
  const found = publishedCharts.find((c) => c.repo?.url === repo.url && c.repo.name === name.slice(slash + 1) && (!version || c.version === version));
  if (!found) throw new HelmError(`chart "${name.slice(slash + 1)}"${version ? ` version "${version}"` : ""} not found in ${repo.url} repository`);
  return { chart: found.load(), published: found };
}

function splitOciTag(ref: string): [string, string] {
  const rest = ref.slice("oci://".length);
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.indexOf(":", lastSlash);
  return colon < 0 ? [ref, ""] : [`oci://${rest.slice(0, colon)}`, rest.slice(colon + 1)];
}

function chartSource(published: PublishedChart): string {
  return published.oci ?? `${published.repo!.url}#${published.repo!.name}`;
}

function publishedBySource(source: string | undefined, version: string): PublishedChart | undefined {
  return publishedCharts.find((c) => chartSource(c) === source && c.version === version);
}

/** values.Options.MergeValues: -f files, then --set, then --set-string, each over the last. */
function mergeValues(h: Helm, flags: Flags): Values {
  let base: Values = {};
  for (const file of flags.list("values")) {
    const files = programFiles(h.ctx);
    const read = files ? files.fs.read(files.resolve(file)) : undefined;
    if (!read || !read.ok) throw new HelmError(`open ${file}: no such file or directory`);
    let parsed: unknown;
    try {
      parsed = parseYaml(read.value, { version: "1.1" });
    } catch (e) {
      throw new HelmError(`failed to parse ${file}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
    }
    base = mergeMaps(base, (parsed ?? {}) as Values);
  }
  for (const arg of flags.list("set")) {
    const r = parseSet(arg, base, false);
    if (!r.ok) throw new HelmError(r.error);
  }
  for (const arg of flags.list("set-string")) {
    const r = parseSet(arg, base, true);
    if (!r.ok) throw new HelmError(r.error.replace("--set data", "--set-string data"));
  }
  return base;
}

function mergeMaps(a: Values, b: Values): Values {
  const out: Values = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = v && typeof v === "object" && !Array.isArray(v) && prev && typeof prev === "object" && !Array.isArray(prev) ? mergeMaps(prev as Values, v as Values) : v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The kube client: Build, Create, Update, Delete, waits

interface Resource {
  type: ResourceType;
  namespace?: string;
  name: string;
  object: Record<string, unknown>;
}

/** KubeClient.Build: the documents as the API's objects, namespaced ones in the release's namespace. */
function build(state: ClusterState, text: string, namespace: string): Resource[] {
  return buildObjects(
    state,
    splitManifests(text).map((doc) => parseDocument(doc) as Record<string, unknown> | null),
    namespace,
  );
}

function buildObjects(state: ClusterState, objects: ReadonlyArray<Record<string, unknown> | null>, namespace: string): Resource[] {
  const out: Resource[] = [];
  for (const object of objects) {
    if (!object || typeof object !== "object") continue;
    const kind = String(object.kind ?? "");
    const apiVersion = String(object.apiVersion ?? "");
    const metadata = (object.metadata ?? {}) as Record<string, unknown>;
    const name = typeof metadata.name === "string" ? metadata.name : "";
    const found = lookupResource(kind, state);
    const version = found.ok ? (found.type.group ? `${found.type.group}/${found.type.version}` : found.type.version) : "";
    if (!found.ok || found.type.kind !== kind || version !== apiVersion || found.type.def.strategy === undefined) {
      throw new HelmError(`resource mapping not found for name: "${name}" namespace: "${typeof metadata.namespace === "string" ? metadata.namespace : ""}" from "": no matches for kind "${kind}" in version "${apiVersion}"\nensure CRDs are installed first`);
    }
    const ns = found.type.namespaced ? (typeof metadata.namespace === "string" && metadata.namespace ? metadata.namespace : namespace) : undefined;
    out.push({ type: found.type, namespace: ns, name, object: { ...object, metadata: { ...metadata, ...(ns ? { namespace: ns } : {}) } } });
  }
  return out;
}

/** setMetadataVisitor: the labels and annotations by which helm knows a resource is the release's. */
function owned(r: Resource, release: string, namespace: string): Resource {
  const metadata = r.object.metadata as Record<string, unknown>;
  const labels = { ...((metadata.labels as Record<string, string> | undefined) ?? {}), "app.kubernetes.io/managed-by": "Helm" };
  const annotations = { ...((metadata.annotations as Record<string, string> | undefined) ?? {}), "meta.helm.sh/release-name": release, "meta.helm.sh/release-namespace": namespace };
  return { ...r, object: { ...r.object, metadata: { ...metadata, labels, annotations } } };
}

const resourceString = (r: Resource): string => `${r.type.kind} ${JSON.stringify(r.name)} in namespace ${JSON.stringify(r.namespace ?? "")}`;

function live(h: Helm, r: Resource): KubeObject | undefined {
  const got = getObject(h.tx.state, r.type.name, r.namespace, r.name);
  return got.ok ? got.value : undefined;
}

/** existingResourceConflict / checkOwnership: a live object not labelled as this release's stops an install. */
function checkOwnership(h: Helm, resources: Resource[], release: string, namespace: string): Resource[] {
  const adopt: Resource[] = [];
  for (const r of resources) {
    const existing = live(h, r);
    if (!existing) continue;
    const labels = existing.metadata.labels ?? {};
    const annotations = existing.metadata.annotations ?? {};
    const errs: string[] = [];
    const require = (map: Record<string, string>, k: string, v: string, what: string) => {
      if (!(k in map)) errs.push(`${what} validation error: missing key ${JSON.stringify(k)}: must be set to ${JSON.stringify(v)}`);
      else if (map[k] !== v) errs.push(`${what} validation error: key ${JSON.stringify(k)} must equal ${JSON.stringify(v)}: current value is ${JSON.stringify(map[k])}`);
    };
    require(labels, "app.kubernetes.io/managed-by", "Helm", "label");
    require(annotations, "meta.helm.sh/release-name", release, "annotation");
    require(annotations, "meta.helm.sh/release-namespace", namespace, "annotation");
    if (errs.length) throw new HelmError(`Unable to continue with install: ${resourceString(r)} exists and cannot be imported into the current release: invalid ownership metadata; ${errs.join("; ")}`);
    adopt.push(r);
  }
  return adopt;
}

function create(h: Helm, r: Resource): void {
  const result = createObject(h.tx, r.object as unknown as SubmittedObject, api(h));
  if (!result.ok) throw new HelmError(result.status.message);
}

/** updateResource: the three-way patch of the old manifest, the new one and the live object. */
function patch(h: Helm, r: Resource, original: Record<string, unknown> | undefined): void {
  const current = live(h, r);
  if (!current) return create(h, r);
  const changes = threeWay(original ?? {}, r.object);
  const merged = mergePatch(JSON.parse(JSON.stringify(current)) as Record<string, unknown>, changes) as Record<string, unknown>;
  const result = updateObject(h.tx, merged as unknown as SubmittedObject, api(h));
  if (!result.ok) throw new HelmError(`cannot patch ${JSON.stringify(r.name)} with kind ${r.type.kind}: ${result.status.message}`);
}

function remove(h: Helm, r: Resource): void {
  deleteObject(h.tx, r.type.name, r.namespace, r.name, api(h));
}

/** Lets the simulated clock run while helm waits; true when `done` held within `limitMs`. */
function waitFor(h: Helm, limitMs: number, done: () => boolean): boolean {
  const start = h.tx.state.now;
  reconcile(h.tx, start, h.ctx.random);
  if (done()) return true;
  for (let t = start + 1000; t <= start + limitMs; t += 1000) {
    reconcile(h.tx, t, h.ctx.random);
    if (done()) return true;
  }
  return false;
}

interface JobLike {
  status?: { conditions?: Array<{ type: string; status: string; reason?: string }> };
}

/** WatchUntilReady for a hook: a Job until it completes or fails; other kinds at once. */
function watchUntilReady(h: Helm, resources: Resource[], timeoutMs: number): void {
  for (const r of resources) {
    if (r.type.kind !== "Job") continue;
    let failed: string | undefined;
    const ok = waitFor(h, timeoutMs, () => {
      const job = live(h, r) as unknown as JobLike | undefined;
      const conds = job?.status?.conditions ?? [];
      const f = conds.find((c) => c.type === "Failed" && c.status === "True");
      if (f) failed = f.reason ?? "";
      return failed !== undefined || conds.some((c) => c.type === "Complete" && c.status === "True");
    });
    if (failed !== undefined) throw new HelmError(`job ${r.name} failed: ${failed}`);
    if (!ok) throw new HelmError("timed out waiting for the condition");
  }
}

/** The ready checker of --wait (kube/ready.go): Deployments' new pods ready, Pods ready, LoadBalancers with an address, Jobs done with --wait-for-jobs. */
function ready(h: Helm, resources: Resource[], withJobs: boolean): boolean {
  for (const r of resources) {
    const obj = live(h, r) as unknown as Record<string, any> | undefined;
    if (!obj) return false;
    if (r.type.kind === "Deployment") {
      const replicas = obj.spec?.replicas ?? 1;
      const expected = replicas - Math.floor(replicas * 0.25);
      if ((obj.status?.readyReplicas ?? 0) < expected || (obj.status?.observedGeneration ?? 0) < (obj.metadata?.generation ?? 0)) return false;
    } else if (r.type.kind === "Pod") {
      if (!obj.status?.conditions?.some((c: { type: string; status: string }) => c.type === "Ready" && c.status === "True")) return false;
    } else if (r.type.kind === "Service" && obj.spec?.type === "LoadBalancer") {
      if (!(obj.status?.loadBalancer?.ingress?.length > 0)) return false;
    } else if (r.type.kind === "Job" && withJobs) {
      if (!obj.status?.conditions?.some((c: { type: string; status: string }) => c.type === "Complete" && c.status === "True")) return false;
    }
  }
  return true;
}

interface HookRun extends Hook {
  last_run?: { started_at: string; completed_at: string; phase: string };
}

/** execHook: the event's hooks by weight, each (re)created after before-hook-creation's delete, then waited for. */
function execHook(h: Helm, rel: Release, event: string, timeoutMs: number): void {
  const hooks = (rel.hooks as HookRun[]).filter((x) => x.events.includes(event));
  const ordered = hooks.map((x, i) => ({ x, i })).sort((a, b) => a.x.weight - b.x.weight || a.i - b.i).map((y) => y.x);
  for (const hook of ordered) {
    const policies = hook.deletePolicies.length ? hook.deletePolicies : ["before-hook-creation"];
    const resources = build(h.tx.state, hook.manifest, rel.namespace);
    if (policies.includes("before-hook-creation")) {
      for (const r of resources) if (live(h, r)) remove(h, r);
    }
    const started = isoNow(h);
    try {
      for (const r of resources) create(h, r);
    } catch (e) {
      hook.last_run = { started_at: started, completed_at: isoNow(h), phase: "Failed" };
      throw new HelmError(`warning: Hook ${event} ${hook.path} failed: ${(e as Error).message}`);
    }
    try {
      watchUntilReady(h, resources, timeoutMs);
    } catch (e) {
      hook.last_run = { started_at: started, completed_at: isoNow(h), phase: "Failed" };
      if (policies.includes("hook-failed")) for (const r of resources) remove(h, r);
      throw e;
    }
    hook.last_run = { started_at: started, completed_at: isoNow(h), phase: "Succeeded" };
  }
  for (const hook of ordered) {
    if (hook.deletePolicies.includes("hook-succeeded")) for (const r of build(h.tx.state, hook.manifest, rel.namespace)) if (live(h, r)) remove(h, r);
  }
}

// ---------------------------------------------------------------------------------------------
// Releases

const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validateReleaseName(name: string): string | undefined {
  if (name === "" || name.length > 53 || !RELEASE_NAME.test(name)) {
    return `invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53`;
  }
  return undefined;
}

function setStatus(rel: Release, status: ReleaseStatus, description: string): void {
  rel.info.status = status;
  rel.info.description = description;
}

function caps(h: Helm) {
  return { kubeVersion: h.tx.state.config.kubernetesVersion, apiVersions: apiVersions(h.tx.state) };
}

/** The group/versions and group/version/kinds discovery lists (what .Capabilities.APIVersions.Has asks). */
function apiVersions(state: ClusterState): Set<string> {
  const out = new Set<string>();
  const crds = (state.objects?.customresourcedefinitions ?? {}) as Record<string, { spec?: { group?: string; names?: { kind?: string }; versions?: Array<{ name: string; served?: boolean }> } }>;
  for (const crd of Object.values(crds)) {
    for (const v of crd.spec?.versions ?? []) {
      if (v.served === false) continue;
      out.add(`${crd.spec?.group}/${v.name}`);
      out.add(`${crd.spec?.group}/${v.name}/${crd.spec?.names?.kind}`);
    }
  }
  for (const gv of ["v1", "apps/v1", "batch/v1", "rbac.authorization.k8s.io/v1", "networking.k8s.io/v1", "apiextensions.k8s.io/v1", "autoscaling/v2", "policy/v1", "storage.k8s.io/v1", "coordination.k8s.io/v1", "discovery.k8s.io/v1", "admissionregistration.k8s.io/v1"]) out.add(gv);
  return out;
}

/** The chart's kubeVersion constraint (">= 1.31.0-0" and the like) against the cluster's version. */
function kubeVersionOk(constraint: string | undefined, version: string): boolean {
  if (!constraint) return true;
  const num = (v: string) => v.replace(/^v/, "").split("-")[0].split(".").map((x) => Number(x) || 0);
  const cmp = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  return constraint.split(",").every((part) => {
    const m = /^\s*(>=|<=|>|<|=|!=)?\s*v?([0-9][^\s]*)\s*$/.exec(part);
    if (!m) return true;
    const c = cmp(num(version), num(m[2]));
    switch (m[1] ?? "=") {
      case ">=":
        return c >= 0;
      case "<=":
        return c <= 0;
      case ">":
        return c > 0;
      case "<":
        return c < 0;
      case "!=":
        return c !== 0;
    }
    return c === 0;
  });
}

interface Rendered {
  hooks: Hook[];
  manifest: string;
  notes: string;
}

function render(h: Helm, chart: Chart, values: Values, name: string, namespace: string, revision: number, isUpgrade: boolean): Rendered {
  const c = caps(h);
  if (!kubeVersionOk(chart.metadata.kubeVersion, c.kubeVersion)) throw new HelmError(`chart requires kubeVersion: ${chart.metadata.kubeVersion} which is incompatible with Kubernetes ${c.kubeVersion}`);
  const r = renderChart(chart, coalesce(values, chart.values), { name, namespace, revision, isInstall: !isUpgrade, isUpgrade }, c);
  if (!r.ok) throw new HelmError(r.error);
  return { hooks: r.hooks, manifest: manifestText(r.manifests), notes: r.notes };
}

/** installCRDs: the chart's crds/ created where missing (an existing CRD is left as it is). */
function installCrds(h: Helm, chart: Chart): void {
  let created = false;
  for (const crd of chart.crds) {
    for (const r of buildObjects(h.tx.state, [crd.object], h.namespace)) {
      if (live(h, r)) continue;
      const result = createObject(h.tx, r.object as unknown as SubmittedObject, api(h));
      if (!result.ok) throw new HelmError(`failed to install CRD ${crd.name}: ${result.status.message}`);
      created = true;
    }
  }
  if (created) reconcile(h.tx, h.tx.state.now, h.ctx.random);
}

/** statusPrinter.WriteTable. */
function printStatus(h: Helm, rel: Release, opts: { showDescription?: boolean; debug?: boolean; hideNotes?: boolean } = {}): void {
  let out = `NAME: ${rel.name}\n`;
  if (rel.info.last_deployed) out += `LAST DEPLOYED: ${ansic(rel.info.last_deployed)}\n`;
  out += `NAMESPACE: ${rel.namespace}\nSTATUS: ${rel.info.status}\nREVISION: ${rel.version}\n`;
  if (opts.showDescription) out += `DESCRIPTION: ${rel.info.description}\n`;
  const tests = (rel.hooks as HookRun[]).filter((x) => x.events.includes("test"));
  if (tests.length === 0) out += "TEST SUITE: None\n";
  if (rel.info.description.toLowerCase() === "dry run complete" || opts.debug) {
    if (opts.debug) out += `USER-SUPPLIED VALUES:\n${helmToYaml(rel.config)}\n\n`;
    out += "HOOKS:\n";
    for (const x of rel.hooks) out += `---\n# Source: ${x.path}\n${x.manifest}\n`;
    out += `MANIFEST:\n${rel.manifest}\n`;
  }
  if (!opts.hideNotes && rel.info.notes) out += `NOTES:\n${rel.info.notes.trim()}\n`;
  h.out(out);
}

/** release.Release as encoding/json writes it: its fields in the struct's order (the chart left out, as status does). */
function releaseJson(rel: Release): Record<string, unknown> {
  const { first_deployed, last_deployed, deleted, description, status, notes } = rel.info;
  return {
    name: rel.name,
    info: { first_deployed, last_deployed, deleted, description, status, ...(notes ? { notes } : {}) },
    config: rel.config,
    manifest: rel.manifest,
    ...(rel.hooks.length
      ? {
          hooks: (rel.hooks as HookRun[]).map((x) => ({
            name: x.name,
            kind: x.kind,
            path: x.path,
            manifest: x.manifest,
            events: x.events,
            last_run: x.last_run ?? { started_at: ZERO_TIME, completed_at: ZERO_TIME, phase: "" },
            ...(x.weight ? { weight: x.weight } : {}),
            ...(x.deletePolicies.length ? { delete_policies: x.deletePolicies } : {}),
          })),
        }
      : {}),
    version: rel.version,
    namespace: rel.namespace,
  };
}

function statusFormat(h: Helm, flags: Flags, rel: Release, opts: { showDescription?: boolean; debug?: boolean; hideNotes?: boolean } = {}): void {
  const format = outputFormat(flags);
  if (format === "table") printStatus(h, rel, opts);
  else writeOutput(h, format, () => "", () => releaseJson(rel));
}

function latest(h: Helm, namespace: string, name: string): Release {
  const hist = releaseHistory(h.tx.state, namespace, name);
  if (hist.length === 0) throw new HelmError("release: not found");
  return hist[hist.length - 1];
}

function runInstall(h: Helm, flags: Flags, name: string, chartRef: string): Release {
  const timeout = flags.int("timeout") || 300_000;
  const dryRun = flags.string("dry-run");
  if (flags.changed("dry-run") && !["false", "true", "none", "client", "server"].includes(dryRun)) throw new HelmError("Invalid dry-run flag. Flag must one of the following: false, true, none, client, server");
  const isDryRun = ["client", "server", "true"].includes(dryRun);
  const located = locateChart(h, chartRef, flags.string("version"), flags.string("repo"));
  if (located.pulled) h.ctx.err(located.pulled);
  const values = mergeValues(h, flags);
  const chart = located.chart;
  if (chart.metadata.type && chart.metadata.type !== "application") throw new HelmError(`${chart.metadata.type} charts are not installable`);
  const invalid = validateReleaseName(name);
  if (invalid) throw new HelmError(`release name ${JSON.stringify(name)}: ${invalid}`);
  const namespace = h.namespace;
  if (!isDryRun) {
    const hist = releaseHistory(h.tx.state, namespace, name);
    const last = hist[hist.length - 1];
    if (last && !(flags.bool("replace") && (last.info.status === "uninstalled" || last.info.status === "failed"))) throw new HelmError("cannot re-use a name that is still in use");
  }
  if (!flags.bool("skip-crds") && chart.crds.length > 0 && !isDryRun) installCrds(h, chart);
  const wait = flags.bool("wait") || flags.bool("atomic");
  const rendered = render(h, chart, values, name, namespace, 1, false);
  const now = isoNow(h);
  const rel: Release = {
    name,
    namespace,
    version: 1,
    info: { first_deployed: now, last_deployed: now, deleted: ZERO_TIME, description: "", status: "unknown", ...(rendered.notes ? { notes: rendered.notes } : {}) },
    chart: { metadata: chart.metadata },
    config: values,
    manifest: rendered.manifest,
    hooks: rendered.hooks,
    source: chartSource(located.published),
  };
  setStatus(rel, "pending-install", "Initial install underway");
  let resources: Resource[];
  try {
    resources = build(h.tx.state, rel.manifest, namespace).map((r) => owned(r, name, namespace));
  } catch (e) {
    throw new HelmError(`unable to build kubernetes objects from release manifest: ${(e as Error).message}`);
  }
  const adopt = checkOwnership(h, resources, name, namespace);
  if (isDryRun) {
    rel.info.description = "Dry run complete";
    return rel;
  }
  if (flags.bool("create-namespace") && !h.tx.state.namespaces?.[namespace]) {
    const made = createObject(h.tx, { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels: { name: namespace } } } as unknown as SubmittedObject, api(h));
    if (!made.ok && made.status.reason !== "AlreadyExists") throw new HelmError(made.status.message);
  }
  const history = releaseHistory(h.tx.state, namespace, name);
  if (flags.bool("replace") && history.length > 0) {
    const last = history[history.length - 1];
    rel.version = last.version + 1;
    if (last.info.status !== "failed") {
      setStatus(last, "superseded", "superseded by new release");
      updateRelease(h.tx, last, api(h));
    }
  }
  const stored = createRelease(h.tx, rel, api(h));
  if (stored) throw new HelmError(stored);
  try {
    if (!flags.bool("no-hooks")) {
      try {
        execHook(h, rel, "pre-install", timeout);
      } catch (e) {
        throw new HelmError(`failed pre-install: ${(e as Error).message}`);
      }
    }
    for (const r of resources) {
      if (adopt.includes(r)) patch(h, r, undefined);
      else create(h, r);
    }
    if (wait && !waitFor(h, timeout, () => ready(h, resources, flags.bool("wait-for-jobs")))) throw new HelmError("context deadline exceeded");
    if (!flags.bool("no-hooks")) {
      try {
        execHook(h, rel, "post-install", timeout);
      } catch (e) {
        throw new HelmError(`failed post-install: ${(e as Error).message}`);
      }
    }
  } catch (e) {
    setStatus(rel, "failed", `Release ${JSON.stringify(name)} failed: ${(e as Error).message}`);
    if (flags.bool("atomic")) {
      uninstallRelease(h, name, false, timeout);
      throw new HelmError(`release ${name} failed, and has been uninstalled due to atomic being set: ${(e as Error).message}`);
    }
    updateRelease(h.tx, rel, api(h));
    throw e;
  }
  setStatus(rel, "deployed", flags.string("description") || "Install complete");
  updateRelease(h.tx, rel, api(h));
  return rel;
}

/** action.Uninstall.Run (without the command's printing). */
function uninstallRelease(h: Helm, name: string, keepHistory: boolean, timeout: number, noHooks = false, description = ""): string {
  const invalid = validateReleaseName(name);
  if (invalid) throw new HelmError(`uninstall: Release name is invalid: ${name}`);
  const rels = releaseHistory(h.tx.state, h.namespace, name);
  if (rels.length === 0) throw new HelmError(`uninstall: Release not loaded: ${name}: release: not found`);
  const rel = rels[rels.length - 1];
  if (rel.info.status === "uninstalled") {
    if (!keepHistory) {
      for (const r of rels) deleteReleaseRecord(h.tx, r, api(h));
      return "";
    }
    throw new HelmError(`the release named ${JSON.stringify(name)} is already deleted`);
  }
  rel.info.status = "uninstalling";
  rel.info.deleted = isoNow(h);
  rel.info.description = "Deletion in progress (or silently failed)";
  if (!noHooks) execHook(h, rel, "pre-delete", timeout);
  updateRelease(h.tx, rel, api(h));
  // deleteRelease: the manifest's resources in UninstallOrder; "helm.sh/resource-policy: keep" ones stay.
  const resources = sortByKind(build(h.tx.state, rel.manifest, rel.namespace), (r) => r.type.kind, UNINSTALL_ORDER);
  const kept: string[] = [];
  for (const r of resources) {
    const annotations = ((r.object.metadata as Record<string, unknown>).annotations ?? {}) as Record<string, string>;
    if (annotations["helm.sh/resource-policy"] === "keep") {
      kept.push(`[${r.type.kind}] ${r.name}\n`);
      continue;
    }
    if (live(h, r)) remove(h, r);
  }
  if (!noHooks) execHook(h, rel, "post-delete", timeout);
  rel.info.status = "uninstalled";
  rel.info.description = description || "Uninstallation complete";
  if (!keepHistory) {
    for (const r of rels) deleteReleaseRecord(h.tx, r, api(h));
  } else {
    updateRelease(h.tx, rel, api(h));
  }
  return kept.length ? `These resources were kept due to the resource policy:\n${kept.join("")}` : "";
}

// ---------------------------------------------------------------------------------------------
// The commands

const install: Command = {
  name: "install",
  use: "install [NAME] [CHART] [flags]",
  flags: installFlags,
  run(h, flags) {
    minArgs(flags, 1, "helm install", "install [NAME] [CHART] [flags]");
    const args = flags.args;
    try {
      if (args.length > 2) throw new HelmError(`expected at most two arguments, unexpected arguments: ${args.slice(2).join(", ")}`);
      let name: string;
      let chart: string;
      if (args.length === 2) {
        if (flags.bool("generate-name")) throw new HelmError("cannot set --generate-name and also specify a name");
        [name, chart] = args;
      } else {
        if (!flags.bool("generate-name")) throw new HelmError("must either provide a name or specify --generate-name");
        chart = args[0];
        const base = (chart.split("/").pop() ?? "chart").split(".")[0] || "chart";
        name = `${base}-${Math.floor(h.tx.state.now / 1000)}`;
      }
      const rel = runInstall(h, flags, name, chart);
      statusFormat(h, flags, rel, { hideNotes: flags.bool("hide-notes") });
      return 0;
    } catch (e) {
      if (e instanceof HelmError) throw new HelmError(`INSTALLATION FAILED: ${e.message}`);
      throw e;
    }
  },
};

const upgrade: Command = {
  name: "upgrade",
  use: "upgrade [RELEASE] [CHART] [flags]",
  flags: [...installFlags, { name: "install", short: "i", type: "bool" }, { name: "reuse-values", type: "bool" }, { name: "reset-values", type: "bool" }, { name: "reset-then-reuse-values", type: "bool" }, { name: "force", type: "bool" }],
  run(h, flags) {
    exactArgs(flags, 2, "helm upgrade", "upgrade [RELEASE] [CHART] [flags]");
    const [name, chartRef] = flags.args;
    const timeout = flags.int("timeout") || 300_000;
    if (flags.bool("install")) {
      const hist = releaseHistory(h.tx.state, h.namespace, name);
      if (hist.length === 0) {
        h.out(`Release ${JSON.stringify(name)} does not exist. Installing it now.\n`);
        try {
          const rel = runInstall(h, flags, name, chartRef);
          statusFormat(h, flags, rel, { hideNotes: flags.bool("hide-notes") });
          return 0;
        } catch (e) {
          if (e instanceof HelmError) throw new HelmError(`INSTALLATION FAILED: ${e.message}`);
          throw e;
        }
      }
    }
    let rel: Release;
    try {
      const invalid = validateReleaseName(name);
      if (invalid) throw new HelmError(`release name is invalid: ${name}`);
      const located = locateChart(h, chartRef, flags.string("version"), flags.string("repo"));
      if (located.pulled) h.ctx.err(located.pulled);
      let values = mergeValues(h, flags);
      const hist = releaseHistory(h.tx.state, h.namespace, name);
      const last = hist[hist.length - 1];
      const deployed = [...hist].reverse().find((r) => r.info.status === "deployed");
      if (!last || (!deployed && last.info.status !== "failed")) throw new HelmError(`${JSON.stringify(name)} has no deployed releases`);
      if (last.info.status.startsWith("pending-")) throw new HelmError("another operation (install/upgrade/rollback) is in progress");
      const current = deployed ?? last;
      // reuseValues: --reset-values, --reuse-values, or the last values when none are given.
      if (flags.bool("reuse-values")) values = mergeMaps(current.config, values);
      else if (!flags.bool("reset-values") && Object.keys(values).length === 0 && Object.keys(current.config).length > 0) values = current.config;
      else if (flags.bool("reset-then-reuse-values")) values = mergeMaps(current.config, values);
      const chart = located.chart;
      const revision = last.version + 1;
      const rendered = render(h, chart, values, name, h.namespace, revision, true);
      const now = isoNow(h);
      rel = {
        name,
        namespace: h.namespace,
        version: revision,
        info: { first_deployed: current.info.first_deployed, last_deployed: now, deleted: ZERO_TIME, description: "Preparing upgrade", status: "pending-upgrade", ...(rendered.notes ? { notes: rendered.notes } : {}) },
        chart: { metadata: chart.metadata },
        config: values,
        manifest: rendered.manifest,
        hooks: rendered.hooks,
        source: chartSource(located.published),
      };
      const [currentResources, target] = buildReleasePair(h, current.manifest, rel.manifest, name);
      const key = (r: Resource) => `${r.type.name}/${r.namespace ?? ""}/${r.name}`;
      const fresh = target.filter((t) => !currentResources.some((c) => key(c) === key(t)));
      try {
        checkOwnership(h, fresh, name, h.namespace);
      } catch (e) {
        throw new HelmError((e as Error).message.replace("Unable to continue with install", "Unable to continue with update"));
      }
      const stored = createRelease(h.tx, rel, api(h));
      if (stored) throw new HelmError(stored);
      try {
        if (!flags.bool("no-hooks")) {
          try {
            execHook(h, rel, "pre-upgrade", timeout);
          } catch (e) {
            throw new HelmError(`pre-upgrade hooks failed: ${(e as Error).message}`);
          }
        }
        updateResources(h, currentResources, target, name);
        if ((flags.bool("wait") || flags.bool("atomic")) && !waitFor(h, timeout, () => ready(h, target, flags.bool("wait-for-jobs")))) throw new HelmError("context deadline exceeded");
        if (!flags.bool("no-hooks")) {
          try {
            execHook(h, rel, "post-upgrade", timeout);
          } catch (e) {
            throw new HelmError(`post-upgrade hooks failed: ${(e as Error).message}`);
          }
        }
      } catch (e) {
        setStatus(rel, "failed", `Upgrade ${JSON.stringify(name)} failed: ${(e as Error).message}`);
        updateRelease(h.tx, rel, api(h));
        setStatus(current, current.info.status, current.info.description);
        throw e;
      }
      // The release it replaced: superseded, its description kept (upgrade.go sets only the status).
      current.info.status = "superseded";
      updateRelease(h.tx, current, api(h));
      setStatus(rel, "deployed", flags.string("description") || "Upgrade complete");
      updateRelease(h.tx, rel, api(h));
    } catch (e) {
      if (e instanceof HelmError) throw new HelmError(`UPGRADE FAILED: ${e.message}`);
      throw e;
    }
    if (outputFormat(flags) === "table") h.out(`Release ${JSON.stringify(name)} has been upgraded. Happy Helming!\n`);
    statusFormat(h, flags, rel, { hideNotes: flags.bool("hide-notes") });
    return 0;
  },
};

const uninstall: Command = {
  name: "uninstall",
  aliases: ["del", "delete", "un"],
  use: "uninstall RELEASE_NAME [...] [flags]",
  flags: [
    { name: "dry-run", type: "bool" },
    { name: "no-hooks", type: "bool" },
    { name: "ignore-not-found", type: "bool" },
    { name: "keep-history", type: "bool" },
    { name: "wait", type: "bool" },
    { name: "cascade", type: "string", defaultValue: "background" },
    { name: "timeout", type: "duration", defaultValue: "5m0s" },
    { name: "description", type: "string" },
  ],
  run(h, flags) {
    minArgs(flags, 1, "helm uninstall", "uninstall RELEASE_NAME [...] [flags]");
    const cascade = flags.string("cascade");
    if (!["background", "foreground", "orphan"].includes(cascade)) throw new HelmError(`invalid cascade value (${cascade}). Must be "background", "foreground", or "orphan"`);
    for (const name of flags.args) {
      if (flags.bool("dry-run")) {
        latest(h, h.namespace, name);
        h.out(`release "${name}" uninstalled\n`);
        continue;
      }
      if (flags.bool("ignore-not-found") && releaseHistory(h.tx.state, h.namespace, name).length === 0) {
        h.out(`release "${name}" uninstalled\n`);
        continue;
      }
      const info = uninstallRelease(h, name, flags.bool("keep-history"), flags.int("timeout") || 300_000, flags.bool("no-hooks"), flags.string("description"));
      if (info) h.out(`${info}\n`);
      if (flags.bool("wait")) waitFor(h, flags.int("timeout") || 300_000, () => true);
      h.out(`release "${name}" uninstalled\n`);
    }
    return 0;
  },
};

const list: Command = {
  name: "list",
  aliases: ["ls"],
  use: "list [flags]",
  flags: [
    { name: "short", short: "q", type: "bool" },
    { name: "no-headers", type: "bool" },
    { name: "time-format", type: "string" },
    { name: "date", short: "d", type: "bool" },
    { name: "reverse", short: "r", type: "bool" },
    { name: "all", short: "a", type: "bool" },
    { name: "uninstalled", type: "bool" },
    { name: "superseded", type: "bool" },
    { name: "uninstalling", type: "bool" },
    { name: "deployed", type: "bool" },
    { name: "failed", type: "bool" },
    { name: "pending", type: "bool" },
    { name: "all-namespaces", short: "A", type: "bool" },
    { name: "max", short: "m", type: "int", defaultValue: "256" },
    { name: "offset", type: "int" },
    { name: "filter", short: "f", type: "string" },
    { name: "selector", short: "l", type: "string" },
    outputFlag,
  ],
  run(h, flags) {
    noArgs(flags, "helm list", "list [flags]");
    const format = outputFormat(flags);
    // SetStateMask: deployed and failed unless states are asked for; --all is every state.
    const asked = (["deployed", "failed", "uninstalled", "superseded", "uninstalling", "pending"] as const).filter((s) => flags.bool(s));
    const states = flags.bool("all") ? undefined : new Set<string>(asked.length ? asked.flatMap((s) => (s === "pending" ? ["pending-install", "pending-upgrade", "pending-rollback"] : [s])) : ["deployed", "failed"]);
    const all = storedReleases(h.tx.state, flags.bool("all-namespaces") ? undefined : h.namespace);
    // filterLatestReleases: the newest revision of each release (by namespace and name).
    const newest = new Map<string, Release>();
    for (const r of all) {
      const key = `${r.namespace}/${r.name}`;
      const seen = newest.get(key);
      if (!seen || seen.version < r.version) newest.set(key, r);
    }
    let releases = [...newest.values()].filter((r) => !states || states.has(r.info.status));
    const filter = flags.string("filter");
    if (filter) {
      let re: RegExp;
      try {
        re = new RegExp(filter);
      } catch {
        throw new HelmError(`error parsing regexp: ${filter}`);
      }
      releases = releases.filter((r) => re.test(r.name));
    }
    releases.sort((a, b) => (flags.bool("date") ? a.info.last_deployed.localeCompare(b.info.last_deployed) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (flags.bool("reverse")) releases.reverse();
    releases = releases.slice(flags.int("offset"), flags.int("offset") + flags.int("max"));
    if (flags.bool("short")) {
      const names = releases.map((r) => r.name);
      if (format === "json") h.out(JSON.stringify(names) + "\n");
      else if (format === "yaml") h.out(helmToYaml(names) + "\n");
      else for (const n of names) h.out(`${n}\n`);
      return 0;
    }
    const elements = releases.map((r) => ({
      name: r.name,
      namespace: r.namespace,
      revision: String(r.version),
      updated: r.info.last_deployed ? goTimeString(r.info.last_deployed) : "-",
      status: r.info.status,
      chart: `${r.chart.metadata.name}-${r.chart.metadata.version}`,
      app_version: r.chart.metadata.appVersion ?? "",
    }));
    writeOutput(
      h,
      format,
      () => {
        const rows = elements.map((e) => [e.name, e.namespace, e.revision, e.updated, e.status, e.chart, e.app_version]);
        if (!flags.bool("no-headers")) rows.unshift(["NAME", "NAMESPACE", "REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION"]);
        return rows.length ? uitable(rows) : "\n";
      },
      () => elements,
    );
    return 0;
  },
};

const status: Command = {
  name: "status",
  use: "status RELEASE_NAME [flags]",
  flags: [{ name: "revision", type: "int" }, { name: "show-desc", type: "bool" }, { name: "show-resources", type: "bool" }, outputFlag],
  run(h, flags) {
    exactArgs(flags, 1, "helm status", "status RELEASE_NAME [flags]");
    const hist = releaseHistory(h.tx.state, h.namespace, flags.args[0]);
    const want = flags.int("revision");
    const rel = want ? hist.find((r) => r.version === want) : hist[hist.length - 1];
    if (!rel) throw new HelmError("release: not found");
    statusFormat(h, flags, rel, { showDescription: flags.bool("show-desc") });
    return 0;
  },
};

const history: Command = {
  name: "history",
  aliases: ["hist"],
  use: "history RELEASE_NAME [flags]",
  flags: [{ name: "max", type: "int", defaultValue: "256" }, outputFlag],
  run(h, flags) {
    exactArgs(flags, 1, "helm history", "history RELEASE_NAME [flags]");
    const hist = releaseHistory(h.tx.state, h.namespace, flags.args[0]);
    if (hist.length === 0) throw new HelmError("release: not found");
    const rels = hist.slice(-flags.int("max"));
    const items = rels.map((r) => ({ revision: r.version, updated: r.info.last_deployed, status: r.info.status, chart: `${r.chart.metadata.name}-${r.chart.metadata.version}`, app_version: r.chart.metadata.appVersion ?? "", description: r.info.description }));
    writeOutput(
      h,
      outputFormat(flags),
      () => uitable([["REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"], ...items.map((i) => [String(i.revision), ansic(i.updated), i.status, i.chart, i.app_version, i.description])]),
      () => items,
    );
    return 0;
  },
};

const get: Command = {
  name: "get",
  use: "get [command]",
  flags: [{ name: "revision", type: "int" }, { name: "all", short: "a", type: "bool" }, outputFlag],
  run(h, flags) {
    const [what, name, ...rest] = flags.args;
    const subs = ["all", "hooks", "manifest", "metadata", "notes", "values"];
    if (!what || !subs.includes(what)) {
      if (what) throw new HelmError(`unknown command "${what}" for "helm get"`);
      h.out("This command consists of multiple subcommands which can be used to\nget extended information about the release, including:\n\n- The values used to generate the release\n- The generated manifest file\n- The notes provided by the chart of the release\n- The hooks associated with the release\n- The metadata of the release\n");
      return 0;
    }
    if (!name || rest.length) argsError(`helm get ${what}`, `get ${what} RELEASE_NAME [flags]`, "requires 1 argument");
    const hist = releaseHistory(h.tx.state, h.namespace, name);
    const want = flags.int("revision");
    const rel = want ? hist.find((r) => r.version === want) : hist[hist.length - 1];
    if (!rel) throw new HelmError("release: not found");
    if (what === "manifest") h.out(`${rel.manifest}\n`);
    else if (what === "hooks") for (const x of rel.hooks) h.out(`---\n# Source: ${x.path}\n${x.manifest}\n`);
    else if (what === "notes") h.out(rel.info.notes ? `NOTES:\n${rel.info.notes}\n` : "");
    else if (what === "values") {
      const computed = flags.bool("all");
      const format = outputFormat(flags);
      const published = publishedBySource(rel.source, rel.chart.metadata.version);
      const values = computed && published ? coalesce(rel.config, published.load().values) : rel.config;
      if (format === "json") h.out(JSON.stringify(values) + "\n");
      else if (format === "yaml") h.out(helmToYaml(values) + "\n");
      else h.out(`${computed ? "COMPUTED VALUES:" : "USER-SUPPLIED VALUES:"}\n${Object.keys(values).length || computed ? helmToYaml(values) : "null"}\n`);
    } else if (what === "metadata") {
      h.out(
        `NAME: ${rel.name}\nCHART: ${rel.chart.metadata.name}\nVERSION: ${rel.chart.metadata.version}\nAPP_VERSION: ${rel.chart.metadata.appVersion ?? ""}\nANNOTATIONS: \nDEPENDENCIES: \nNAMESPACE: ${rel.namespace}\nREVISION: ${rel.version}\nSTATUS: ${rel.info.status}\nDEPLOYED_AT: ${rel.info.last_deployed.replace(/\.\d+Z$/, "Z")}\n`,
      );
    } else {
      printStatus(h, rel, { debug: true });
    }
    return 0;
  },
};

const template: Command = {
  name: "template",
  use: "template [NAME] [CHART] [flags]",
  flags: [...valueFlags, { name: "include-crds", type: "bool" }, { name: "skip-crds", type: "bool" }, { name: "no-hooks", type: "bool" }, { name: "kube-version", type: "string" }, { name: "api-versions", short: "a", type: "stringSlice" }, { name: "show-only", short: "s", type: "stringArray" }, { name: "generate-name", short: "g", type: "bool" }, { name: "skip-tests", type: "bool" }],
  run(h, flags) {
    minArgs(flags, 1, "helm template", "template [NAME] [CHART] [flags]");
    const args = flags.args;
    try {
      if (args.length > 2) throw new HelmError(`expected at most two arguments, unexpected arguments: ${args.slice(2).join(", ")}`);
      const [name, chartRef] = args.length === 2 ? args : ["release-name", args[0]];
      const located = locateChart(h, chartRef, flags.string("version"), flags.string("repo"));
      if (located.pulled) h.ctx.err(located.pulled);
      const values = mergeValues(h, flags);
      const chart = located.chart;
      // ClientOnly: helm's default capabilities (the Kubernetes of its client-go, v1.34) plus --api-versions.
      const kubeVersion = flags.string("kube-version") || "v1.34.0";
      const apiVersionSet = new Set(["v1", "apps/v1", "batch/v1", ...flags.list("api-versions")]);
      if (!kubeVersionOk(chart.metadata.kubeVersion, kubeVersion)) throw new HelmError(`chart requires kubeVersion: ${chart.metadata.kubeVersion} which is incompatible with Kubernetes ${kubeVersion}`);
      const r = renderChart(chart, coalesce(values, chart.values), { name, namespace: h.namespace, revision: 1, isInstall: true, isUpgrade: false }, { kubeVersion, apiVersions: apiVersionSet });
      if (!r.ok) throw new HelmError(r.error);
      let text = "";
      if (flags.bool("include-crds")) for (const crd of chart.crds) text += `---\n# Source: ${chart.metadata.name}/${crd.name}\n${crd.text}\n`;
      text += `${manifestText(r.manifests).trim()}\n`;
      if (!flags.bool("no-hooks")) for (const x of r.hooks) text += `---\n# Source: ${x.path}\n${x.manifest}\n`;
      const only = flags.list("show-only");
      if (only.length) {
        const docs = text.split(/(?=^---\n# Source: )/m).filter((d) => only.some((o) => d.startsWith(`---\n# Source: ${chart.metadata.name}/${o}\n`)));
        if (docs.length === 0) throw new HelmError(`could not find template ${only[0]} in chart`);
        text = docs.join("");
      }
      h.out(text);
      return 0;
    } catch (e) {
      if (e instanceof HelmError) throw new HelmError(e.message);
      throw e;
    }
  },
};

const show: Command = {
  name: "show",
  aliases: ["inspect"],
  use: "show [command]",
  flags: [{ name: "version", type: "string" }, { name: "repo", type: "string" }],
  run(h, flags) {
    const [what, ref] = flags.args;
    if (!what || !["values", "chart", "all", "readme", "crds"].includes(what)) {
      if (what) throw new HelmError(`unknown command "${what}" for "helm show"`);
      h.out("This command consists of multiple subcommands to display information about a chart\n");
      return 0;
    }
    if (!ref || flags.args.length > 2) argsError(`helm show ${what}`, `show ${what} [CHART] [flags]`, "requires 1 argument");
    const located = locateChart(h, ref, flags.string("version"), flags.string("repo"));
    if (located.pulled) h.ctx.err(located.pulled);
    if (what === "values") h.out(located.chart.valuesText);
    else if (what === "chart") h.out(`${helmToYaml(located.chart.metadata)}\n`);
    else if (what === "crds") for (const crd of located.chart.crds) h.out(`---\n${crd.text}\n\n`);
    else h.out(`${helmToYaml(located.chart.metadata)}\n\n---\n${located.chart.valuesText}\n`);
    return 0;
  },
};

const version: Command = {
  name: "version",
  use: "version [flags]",
  flags: [{ name: "short", type: "bool" }, { name: "template", type: "string" }, { name: "client", short: "c", type: "bool" }],
  run(h, flags) {
    noArgs(flags, "helm version", "version [flags]");
    if (flags.bool("short")) h.out(`${HELM_VERSION}+g${HELM_COMMIT.slice(0, 7)}\n`);
    else h.out(`version.BuildInfo{Version:"${HELM_VERSION}", GitCommit:"${HELM_COMMIT}", GitTreeState:"clean", GoVersion:"${HELM_GO}"}\n`);
    return 0;
  },
};

const repo: Command = {
  name: "repo",
  use: "repo add|remove|list|index|update [ARGS]",
  flags: [outputFlag, { name: "force-update", type: "bool" }, { name: "fail-on-repo-update-fail", type: "bool" }],
  run(h, flags) {
    const [what, ...rest] = flags.args;
    const repos = repositories(h);
    switch (what) {
      case "add": {
        if (rest.length !== 2) argsError("helm repo add", "repo add [NAME] [URL] [flags]", "requires 2 arguments");
        const [name, url] = rest;
        const existing = repos.find((r) => r.name === name);
        if (existing && existing.url === url.replace(/\/$/, "")) {
          h.out(`"${name}" already exists with the same configuration, skipping\n`);
          return 0;
        }
        if (existing && !flags.bool("force-update")) throw new HelmError(`repository name (${name}) already exists, please specify a different name`);
        // Every address is offline until the catalogue holds a repository's index.yaml.
        return offlineRepo(h, url);
      }
      case "list":
      case "ls": {
        if (repos.length === 0) throw new HelmError("no repositories to show");
        writeOutput(h, outputFormat(flags), () => uitable([["NAME", "URL"], ...repos.map((r) => [r.name, r.url])]), () => repos);
        return 0;
      }
      case "update":
      case "up": {
        if (repos.length === 0) throw new HelmError("no repositories found. You must add one before updating");
        h.out("Hang tight while we grab the latest from your chart repositories...\n");
        for (const r of repos) h.out(`...Successfully got an update from the "${r.name}" chart repository\n`);
        h.out("Update Complete. ⎈Happy Helming!⎈\n");
        return 0;
      }
      case "remove":
      case "rm": {
        if (rest.length === 0) argsError("helm repo remove", "repo remove [REPO1 [REPO2 ...]] [flags]", "requires at least 1 argument");
        if (repos.length === 0) throw new HelmError("no repositories configured");
        for (const name of rest) if (!repos.some((r) => r.name === name)) throw new HelmError(`no repo named "${name}" found`);
        return 0;
      }
    }
    if (what) throw new HelmError(`unknown command "${what}" for "helm repo"`);
    h.out("This command consists of multiple subcommands to interact with chart repositories.\n\nIt can be used to add, remove, list, and index chart repositories.\n");
    return 0;
  },
};

/** KubeClient.Update: new objects created, existing ones patched three-way, the ones left behind deleted. */
function updateResources(h: Helm, current: Resource[], target: Resource[], release: string): void {
  const key = (r: Resource) => `${r.type.name}/${r.namespace ?? ""}/${r.name}`;
  for (const t of target) {
    const before = current.find((c) => key(c) === key(t));
    if (before) patch(h, t, owned(before, release, h.namespace).object);
    else create(h, t);
  }
  for (const c of current) if (!target.some((t) => key(t) === key(c)) && live(h, c)) remove(h, c);
}

const rollback: Command = {
  name: "rollback",
  use: "rollback <RELEASE> [REVISION] [flags]",
  flags: [
    { name: "dry-run", type: "bool" },
    { name: "no-hooks", type: "bool" },
    { name: "wait", type: "bool" },
    { name: "wait-for-jobs", type: "bool" },
    { name: "timeout", type: "duration", defaultValue: "5m0s" },
    { name: "force", type: "bool" },
    { name: "recreate-pods", type: "bool" },
    { name: "cleanup-on-fail", type: "bool" },
  ],
  run(h, flags) {
    minArgs(flags, 1, "helm rollback", "rollback <RELEASE> [REVISION] [flags]");
    const [name, revisionArg] = flags.args;
    let wanted = 0;
    if (revisionArg !== undefined) {
      if (!/^[+-]?\d+$/.test(revisionArg)) throw new HelmError(`could not convert revision to a number: strconv.Atoi: parsing ${JSON.stringify(revisionArg)}: invalid syntax`);
      wanted = Number(revisionArg);
    }
    const timeout = flags.int("timeout") || 300_000;
    // prepareRollback
    if (validateReleaseName(name)) throw new HelmError(`prepareRollback: Release name is invalid: ${name}`);
    if (wanted < 0) throw new HelmError("invalid release revision");
    const hist = releaseHistory(h.tx.state, h.namespace, name);
    const current = hist[hist.length - 1];
    if (!current) throw new HelmError("release: not found");
    const previousVersion = wanted || current.version - 1;
    const previous = hist.find((r) => r.version === previousVersion);
    if (!previous) throw new HelmError(`release has no ${previousVersion} version`);
    const target: Release = {
      name,
      namespace: current.namespace,
      version: current.version + 1,
      info: { first_deployed: current.info.first_deployed, last_deployed: isoNow(h), deleted: ZERO_TIME, description: `Rollback to ${previousVersion}`, status: "pending-rollback", ...(previous.info.notes ? { notes: previous.info.notes } : {}) },
      chart: previous.chart,
      config: previous.config,
      manifest: previous.manifest,
      hooks: previous.hooks.map((x) => ({ ...x })),
      source: previous.source,
    };
    if (flags.bool("dry-run")) {
      h.out("Rollback was a success! Happy Helming!\n");
      return 0;
    }
    const stored = createRelease(h.tx, target, api(h));
    if (stored) throw new HelmError(stored);
    // performRollback
    const [currentResources, targetResources] = buildReleasePair(h, current.manifest, target.manifest, name);
    try {
      if (!flags.bool("no-hooks")) execHook(h, target, "pre-rollback", timeout);
      updateResources(h, currentResources, targetResources, name);
      if (flags.bool("wait") && !waitFor(h, timeout, () => ready(h, targetResources, flags.bool("wait-for-jobs")))) throw new HelmError("context deadline exceeded");
      if (!flags.bool("no-hooks")) execHook(h, target, "post-rollback", timeout);
    } catch (e) {
      const msg = `Rollback "${name}" failed: ${(e as Error).message}`;
      current.info.status = "superseded";
      updateRelease(h.tx, current, api(h));
      setStatus(target, "failed", msg);
      updateRelease(h.tx, target, api(h));
      throw e;
    }
    // Every deployed revision is superseded (their descriptions kept); the new one is deployed.
    for (const r of releaseHistory(h.tx.state, h.namespace, name)) {
      if (r.info.status !== "deployed" || r.version === target.version) continue;
      r.info.status = "superseded";
      updateRelease(h.tx, r, api(h));
    }
    target.info.status = "deployed";
    updateRelease(h.tx, target, api(h));
    h.out("Rollback was a success! Happy Helming!\n");
    return 0;
  },
};

const commands: Command[] = [install, upgrade, rollback, uninstall, list, status, history, get, template, show, version, repo];

const ROOT_HELP = `The Kubernetes package manager

Common actions for Helm:

- helm search:    search for charts
- helm pull:      download a chart to your local directory to view
- helm install:   upload the chart to Kubernetes
- helm list:      list releases of charts

Usage:
  helm [command]

Available Commands (in this playground):
  get         download extended information of a named release
  history     fetch release history
  install     install a chart
  list        list releases
  repo        add, list, remove, update, and index chart repositories
  rollback    roll back a release to a previous revision
  show        show information of a chart
  status      display the status of the named release
  template    locally render templates
  uninstall   uninstall a release
  upgrade     upgrade a release
  version     print the client version information

Use "helm [command] --help" for more information about a command.
`;

/** The helm program: only on the workstation (the lab installs it there, beside kubectl). */
export function helmProgram(ctx: ProgramContext): number {
  const argv = ctx.argv.slice(1);
  const all = new FlagSet(globalFlags);
  // cobra finds the command word first: the first argument that is not a flag or a flag's value.
  let index = -1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") break;
    if (a.startsWith("-")) {
      const spec = a.startsWith("--") ? all.lookupLong(a.slice(2).split("=")[0]) : all.lookupShort(a.slice(1, 2));
      if (spec && spec.type !== "bool" && !a.includes("=") && !(a.startsWith("-") && !a.startsWith("--") && a.length > 2)) i++;
      continue;
    }
    index = i;
    break;
  }
  if (index < 0) {
    const parsed = all.parse(argv);
    if (!parsed.ok) {
      ctx.err(`Error: ${parsed.error}\n`);
      return 1;
    }
    ctx.out(ROOT_HELP);
    return 0;
  }
  const word = argv[index];
  const command = commands.find((c) => c.name === word || c.aliases?.includes(word));
  if (!command) {
    ctx.err(`Error: unknown command "${word}" for "helm"\nRun 'helm --help' for usage.\n`);
    return 1;
  }
  const set = new FlagSet([...globalFlags, ...command.flags]);
  const parsed = set.parse([...argv.slice(0, index), ...argv.slice(index + 1)]);
  if (!parsed.ok) {
    ctx.err(`Error: ${parsed.error}\n`);
    return 1;
  }
  const flags = new Flags(parsed.flags, set);
  if (flags.bool("help")) {
    ctx.out(`Usage:\n  helm ${command.use}\n`);
    return 0;
  }
  const frame = ctx.shell[ctx.shell.length - 1];
  const kubeconfig = kubeconfigOf(frame);
  const contextName = flags.changed("kube-context") ? flags.string("kube-context") : kubeconfig.currentContext;
  const context = kubeconfig.contexts.find((c) => c.name === contextName);
  if (!context && command.name !== "version" && command.name !== "template" && command.name !== "show" && command.name !== "repo") {
    ctx.err(`Error: Kubernetes cluster unreachable: context "${contextName}" does not exist\n`);
    return 1;
  }
  let tx = ctx.tx;
  if (ctx.clusters && context && frame.kind === "workstation" && ctx.clusters.names.includes(context.cluster)) tx = ctx.clusters.tx(context.cluster) ?? tx;
  const namespace = flags.string("namespace") || context?.namespace || "default";
  const h: Helm = { ctx, tx, namespace, out: (t) => ctx.out(t) };
  try {
    return command.run(h, flags);
  } catch (e) {
    if (e instanceof HelmError) {
      ctx.err(`Error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/**
 * The objects of the release being replaced and of the one replacing it (upgrade, rollback), the
 * new ones owned by the release: helm's two KubeClient.Build calls and their errors.
 */
function buildReleasePair(h: Helm, currentManifest: string, targetManifest: string, name: string): [Resource[], Resource[]] {
  let currentResources: Resource[];
  try {
    currentResources = build(h.tx.state, currentManifest, h.namespace);
  } catch (e) {
    throw new HelmError(`unable to build kubernetes objects from current release manifest: ${(e as Error).message}`);
  }
  try {
    return [currentResources, build(h.tx.state, targetManifest, h.namespace).map((r) => owned(r, name, h.namespace))];
  } catch (e) {
    throw new HelmError(`unable to build kubernetes objects from new release manifest: ${(e as Error).message}`);
  }
}
