// The CoreDNS process in each CoreDNS container: it loads its Corefile when it starts (the file
// `-conf` names, as the container's configMap volumes show it: kubeadm's pods read the `coredns`
// ConfigMap of kube-system at /etc/coredns/Corefile, a CoreDNS a learner runs reads its own) and
// prints what coremain.Run prints, and its reload plugin checks the file on a
// ticker (30s, with up to ±7.5s of jitter picked once per load: deterministic here, from the run's
// container ID) and restarts the server on the new configuration with caddy's `[INFO] Reloading`
// lines. A file that does not parse is only warned about at each tick; one whose plugins refuse it
// is logged once as a failed reload: either way the old configuration keeps serving. The kubelet's
// sync delay of ConfigMap volumes (up to a minute on a real node) is not modelled: the process
// sees the ConfigMap as it is. A process that starts on a Corefile it cannot parse prints the
// error and exits 1, so its container restarts with the kubelet's back-off (CrashLoopBackOff).

import { apiDataMounts, mountedFileAt } from "../files/volumes.ts";
import { COREDNS_CONFIG_MAP, COREFILE_PATH, corefileSha512, parseCorefile, type Corefile } from "../net/coredns.ts";
import { appendContainerLog } from "./container-log.ts";
import { fnv32a } from "./ids.ts";
import { endAttachedProcess } from "./kubelet.ts";
import type { Tx } from "./tx.ts";
import type { ClusterState, Container, CorednsRun, Pod, PodRuntime } from "./types.ts";

/** CoreDNS v1.12.1 as the kubeadm image was built (git tag v1.12.1, its .go-version). */
export const COREDNS_VERSION = "1.12.1";
export const COREDNS_RELEASE = "linux/amd64, go1.24.1, 707c7c1";

const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_JITTER_MS = 15_000;
/** Ticks one catch-up may walk through (a long jump of the clock with a Corefile that never parses). */
const MAX_TICKS = 2000;

export function isCorednsImage(image: string): boolean {
  // Every reconcile asks this of every pod: most images do not even name coredns.
  if (!image.includes("coredns")) return false;
  return /(^|\/)coredns\/coredns(:|@|$)/.test(image) || /(^|\/)coredns(:|@|$)/.test(image);
}

/** The `Corefile` key of the coredns ConfigMap, or undefined when it is gone. */
export function configMapCorefile(state: ClusterState): string | undefined {
  const cm = state.objects?.configmaps?.[COREDNS_CONFIG_MAP] as { data?: { [key: string]: string } } | undefined;
  return cm?.data?.Corefile;
}

const parsed = new Map<string, Corefile>();
/** A Corefile's parse, remembered: every DNS query reads it. `path` is the file its errors name. */
export function parseCorefileCached(text: string, path = COREFILE_PATH): Corefile {
  const key = path === COREFILE_PATH ? text : `${path}\n${text}`;
  let hit = parsed.get(key);
  if (!hit) {
    if (parsed.size > 32) parsed.clear();
    parsed.set(key, (hit = parseCorefile(text, path)));
  }
  return hit;
}

/**
 * The Corefile caddy's default loader falls back to when the working directory has none
 * (core/dnsserver/register.go's DefaultInput): whoami and log on port 53.
 */
const DEFAULT_INPUT = ".:53 {\nwhoami\nlog\n}\n";

/** The value of coremain's `-conf` flag (Go's flag syntax: -conf X, -conf=X, with one or two dashes). */
function confFlag(container: Container): string | undefined {
  // The image's ENTRYPOINT is /coredns: `command` replaces it (its first word is the binary), `args` follow.
  const words = [...(container.command ?? []).slice(1), ...(container.args ?? [])];
  let conf: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const m = /^--?conf(?:=(.*))?$/.exec(words[i]);
    if (!m) continue;
    conf = m[1] ?? words[++i];
  }
  return conf;
}

/** filepath.Clean of a path relative to the image's WORKDIR, /. */
function absolute(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

export interface PodCorefile {
  /** The file as caddy names it in errors: `-conf`'s value, or `Corefile`. */
  path: string;
  /** Its text (DEFAULT_INPUT when the default loader finds none), undefined when `-conf` names a missing file. */
  text: string | undefined;
}

/** The Corefile a CoreDNS process of this pod reads now (coremain's confLoader, then defaultLoader). */
export function podCorefile(state: ClusterState, pod: Pod): PodCorefile {
  const container = pod.spec.containers.find((c) => isCorednsImage(c.image));
  if (!container) return { path: COREFILE_PATH, text: undefined };
  const conf = confFlag(container);
  const path = conf ?? "Corefile";
  const mounts = container.volumeMounts?.length ? apiDataMounts(state, pod, container) : [];
  const file = mountedFileAt(mounts, absolute(path));
  if (file !== undefined && file !== "gone") return { path, text: file.data };
  // Only API-data volumes hold files here: the image itself has no Corefile.
  return { path, text: conf === undefined ? DEFAULT_INPUT : undefined };
}

/** time.ParseDuration for the units a Corefile uses; undefined when Go would refuse it. */
function goDuration(text: string): number | undefined {
  if (text === "0") return 0;
  const unit: { [u: string]: number } = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let ms = 0;
  let rest = text;
  if (rest === "") return undefined;
  while (rest !== "") {
    const m = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!m) return undefined;
    ms += Number(m[1]) * unit[m[2]];
    rest = rest.slice(m[0].length);
  }
  return ms;
}

/**
 * The reload plugin's ticker period for a run that loaded `corefile` (plugin/reload/setup.go:
 * `reload [INTERVAL [JITTER]]`, jitter capped at half the interval, the period interval + a
 * random part of [-jitter/2, jitter/2)), or undefined when the Corefile has no reload.
 */
export function reloadInterval(corefile: string, seed: string): number | undefined {
  const file = parseCorefileCached(corefile);
  if (!file.ok) return undefined;
  const reload = file.servers.flatMap((s) => s.directives).find((d) => d.name === "reload");
  if (!reload) return undefined;
  let interval = reload.args[0] !== undefined ? (goDuration(reload.args[0]) ?? DEFAULT_INTERVAL_MS) : DEFAULT_INTERVAL_MS;
  let jitter = reload.args[1] !== undefined ? (goDuration(reload.args[1]) ?? DEFAULT_JITTER_MS) : DEFAULT_JITTER_MS;
  if (jitter > interval / 2) jitter = interval / 2;
  if (jitter > 0) interval += Math.floor((fnv32a(seed) / 0x1_0000_0000) * jitter) - Math.floor(jitter / 2);
  return Math.max(1, Math.round(interval));
}

/** What coremain.Run prints as the server comes up: automaxprocs, the zones it serves, the config's SHA512, the version. */
export function corednsStartupLines(corefile: string, cpus: number): string[] {
  const file = parseCorefileCached(corefile);
  if (!file.ok) return [];
  const lines = [`maxprocs: Leaving GOMAXPROCS=${cpus}: CPU quota undefined`];
  // dnsserver's startUpZones: per listen address, its zones sorted, each `zone:port`.
  const byPort = new Map<number, Set<string>>();
  for (const s of file.servers) {
    const zones = byPort.get(s.port) ?? new Set<string>();
    for (const z of s.zones) zones.add(z);
    byPort.set(s.port, zones);
  }
  for (const [port, zones] of [...byPort].sort((a, b) => a[0] - b[0])) {
    for (const z of [...zones].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) lines.push(`${z}:${port}`);
  }
  if (file.servers.some((s) => s.directives.some((d) => d.name === "reload"))) lines.push(`[INFO] plugin/reload: Running configuration SHA512 = ${corefileSha512Safe(corefile)}`);
  lines.push(`CoreDNS-${COREDNS_VERSION}`, COREDNS_RELEASE);
  return lines;
}

function corednsContainer(pod: Pod): string | undefined {
  return pod.spec.containers.find((c) => isCorednsImage(c.image))?.name;
}

/** The Corefile a CoreDNS pod's process serves from: what it loaded, or its file now for a pod that has not recorded it. */
export function runningCorefile(state: ClusterState, podKey: string): PodCorefile {
  const pod = state.pods[podKey];
  const file = pod ? podCorefile(state, pod) : { path: COREFILE_PATH, text: configMapCorefile(state) };
  const loaded = state.podRuntime[podKey]?.coredns?.corefile;
  return loaded !== undefined ? { path: file.path, text: loaded } : file;
}

/**
 * The Corefile the CoreDNS process in this container instance serves from: what its run loaded, or
 * the ConfigMap's for an instance that has just started (it reads the file as it comes up).
 */
export function instanceCorefile(state: ClusterState, podKey: string, container: string): PodCorefile {
  const runtime = state.podRuntime[podKey];
  const id = runtime?.containers?.find((c) => c.name === container)?.containerID;
  const run = runtime?.coredns;
  const pod = state.pods[podKey];
  const file = pod ? podCorefile(state, pod) : { path: COREFILE_PATH, text: configMapCorefile(state) };
  return run && run.containerID === id ? { path: file.path, text: run.corefile } : file;
}

/** Whether a Corefile error comes from caddyfile's own parse (the reload plugin only warns) rather than a plugin's setup. */
function isSyntaxError(error: string): boolean {
  return !error.startsWith("plugin/") && !error.includes("Unknown directive");
}

/** The next reload tick of a run strictly after `after`. */
function tickAfter(run: CorednsRun, after: number): number | undefined {
  const every = reloadInterval(run.corefile, `${run.containerID}|${run.loadedAt}`);
  if (every === undefined) return undefined;
  return run.loadedAt + (Math.floor((after - run.loadedAt) / every) + 1) * every;
}

/** CoreDNS processes: they load their Corefile when they start and reload it when it changes. */
export function corednsProcesses(tx: Tx, now: number): void {
  const state = tx.state;
  for (const key in state.podRuntime) {
    const runtime = state.podRuntime[key];
    const pod = state.pods[key];
    if (!pod || !runtime.containers) continue;
    const name = corednsContainer(pod);
    if (!name) continue;
    const c = runtime.containers.find((x) => x.name === name);
    if (!c || c.phase !== "running" || c.containerID === undefined) continue;
    const { path, text: current } = podCorefile(state, pod);
    let run = runtime.coredns;
    let logs: string[] = [];
    if (!run || run.containerID !== c.containerID) {
      const node = pod.spec.nodeName ? state.nodes[pod.spec.nodeName] : undefined;
      const cpus = Number(node?.status.capacity?.cpu ?? "1") || 1;
      const startedAt = c.startedAt ?? c.since;
      const file = current === undefined ? undefined : parseCorefileCached(current, path);
      if (current === undefined || !file?.ok) {
        // coremain.Run: automaxprocs speaks first, then the Corefile is read and parsed; an error is
        // mustLogFatal's (log.Fatal, no prefix: LogFlags are 0) and exit status 1. Each run logs
        // afresh: `kubectl logs` shows the last run's lines.
        const error = current === undefined ? `open ${path}: no such file or directory` : (file as { ok: false; error: string }).error;
        const lines = [`maxprocs: Leaving GOMAXPROCS=${cpus}: CPU quota undefined`, error];
        tx.write("podRuntime")[key] = appendContainerLog({ ...runtime, logs: [], logBytes: 0, coredns: { containerID: c.containerID, corefile: "", loadedAt: startedAt } }, lines, now);
        endAttachedProcess(tx, key, name, 1, startedAt);
        continue;
      }
      run = { containerID: c.containerID, corefile: current, loadedAt: startedAt };
      logs = corednsStartupLines(current, cpus);
    }
    // The ConfigMap is gone: the reload plugin cannot read the file and silently keeps ticking.
    if (current === undefined) continue;
    const fresh = run !== runtime.coredns;
    const next = reloadStep(run, current, path, now, logs);
    if (next === runtime.coredns && logs.length === 0) continue;
    // A new run starts a new log (the kubelet's file for the container's new instance).
    let updated: PodRuntime = fresh ? { ...runtime, logs: [], logBytes: 0, coredns: next } : { ...runtime, coredns: next };
    if (logs.length) updated = appendContainerLog(updated, logs, now);
    tx.write("podRuntime")[key] = updated;
  }
}

/** The run after its reload ticks up to `now`, with what they log appended to `logs`. */
function reloadStep(run0: CorednsRun, current: string, path: string, now: number, logs: string[]): CorednsRun {
  let run = run0;
  const changed = (r: CorednsRun) => current !== r.corefile && corefileSha512Safe(current) !== corefileSha512Safe(r.corefile) && corefileSha512Safe(current) !== r.failedSha;
  if (!changed(run)) return run.reloadAt === undefined ? run : { ...run, reloadAt: undefined };
  if (run.reloadAt === undefined) {
    const at = tickAfter(run, now - 1);
    if (at === undefined) return run;
    run = { ...run, reloadAt: at };
  }
  for (let guard = 0; run.reloadAt !== undefined && run.reloadAt <= now && guard < MAX_TICKS; guard++) {
    const at = run.reloadAt;
    const file = parseCorefileCached(current, path);
    if (!file.ok && isSyntaxError(file.error)) {
      logs.push(`[WARNING] plugin/reload: Corefile parse failed: ${file.error}`);
      run = { ...run, reloadAt: tickAfter(run, at) };
      continue;
    }
    logs.push("[INFO] Reloading");
    if (!file.ok) {
      // caddy's Restart logs the error itself, then the reload plugin its wrapped form; the old instance keeps serving.
      logs.push(`[ERROR] Restart failed: ${file.error}`, `[ERROR] plugin/reload: Corefile changed but reload failed: starting with listener file descriptors: ${file.error}`);
      run = { ...run, reloadAt: undefined, failedSha: corefileSha512Safe(current) };
      break;
    }
    if (file.servers.some((s) => s.directives.some((d) => d.name === "reload"))) logs.push(`[INFO] plugin/reload: Running configuration SHA512 = ${corefileSha512Safe(current)}`);
    logs.push("[INFO] Reloading complete");
    run = { containerID: run.containerID, corefile: current, loadedAt: at };
  }
  return run;
}

const hashes = new Map<string, string>();
/** The reload plugin's hash (remembered: every reconcile compares them), or the text itself for a file caddyfile cannot tokenize into blocks. */
function corefileSha512Safe(text: string): string {
  let hit = hashes.get(text);
  if (hit === undefined) {
    try {
      hit = corefileSha512(text);
    } catch {
      hit = text;
    }
    if (hashes.size > 32) hashes.clear();
    hashes.set(text, hit);
  }
  return hit;
}

/** When a CoreDNS process next reloads. */
export function corednsDueAt(state: ClusterState): number | undefined {
  let at: number | undefined;
  for (const key in state.podRuntime) {
    const due = state.podRuntime[key].coredns?.reloadAt;
    if (due !== undefined && due > state.now && (at === undefined || due < at)) at = due;
  }
  return at;
}
