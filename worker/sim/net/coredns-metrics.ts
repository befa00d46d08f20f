// What a CoreDNS process counts per query (plugin/metrics, v1.12.1: vars.Report from the metrics
// plugin's ServeDNS) and serves on the prometheus plugin's /metrics (:9153), and what its errors
// plugin logs: `[ERROR] plugin/errors: RCODE NAME. TYPE: ERROR` for a query a plugin failed with an
// error (forward's upstream timing out). Only queries of a server block with `prometheus` are
// counted; the counters live with the process (a restart starts from zero). Histograms (request
// duration and sizes), the cache and proxy metrics and Go's runtime metrics are not simulated.

import { COREDNS_RELEASE, COREDNS_VERSION } from "../cluster/coredns-process.ts";
import { appendContainerLog } from "../cluster/container-log.ts";
import type { Tx } from "../cluster/tx.ts";
import type { CorednsRun } from "../cluster/types.ts";
import { type DnsReply, fqdn, type QType, type ServerBlock } from "./coredns.ts";

/** dns.RcodeToString's number for the errors plugin's `%d`. */
const RCODE_NUMBER: Record<DnsReply["rcode"], number> = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };

/** A series as client_golang writes it: the labels sorted by name, values quoted as Go's %q does for plain text. */
function series(name: string, labels: Record<string, string>): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `${name}{${pairs.join(",")}}`;
}

/** The server's address as dnsserver names it in its metrics (WithServer): `dns://:53`. */
function serverLabel(block: ServerBlock): string {
  return `dns://:${block.port}`;
}

/**
 * The plugin whose writer handed the reply to the metrics plugin's recorder (authoritativePlugin:
 * the first enabled plugin among the writer's callers): loadbalance's and cache's writers wrap those
 * of the plugins after them. A SERVFAIL no plugin wrote (an error) has none.
 */
function responder(block: ServerBlock, reply: DnsReply): string {
  if (reply.error !== undefined) return "";
  const has = (name: string) => block.directives.some((d) => d.name === name);
  if (has("loadbalance")) return "loadbalance";
  if (has("cache")) return "cache";
  return reply.by.split(" ")[0];
}

/** The zone the metrics plugin reports: the longest of the blocks' zones with `prometheus` that holds the name. */
function metricsZone(servers: readonly ServerBlock[], qname: string): string {
  const name = fqdn(qname);
  let best = ".";
  for (const s of servers) {
    if (!s.directives.some((d) => d.name === "prometheus")) continue;
    for (const z of s.zones) if ((name === z || name.endsWith(`.${z}`) || z === ".") && z.length > best.length) best = z;
  }
  return best;
}

/**
 * Counts one query the server block answered and logs what its errors plugin logs. Writes the
 * CoreDNS pod's runtime (its process's counters and its log).
 */
export function recordQuery(tx: Tx, podKey: string, servers: readonly ServerBlock[], block: ServerBlock, qname: string, qtype: QType, protocol: "UDP" | "TCP", reply: DnsReply, now: number): void {
  let runtime = tx.state.podRuntime[podKey];
  const run = runtime?.coredns;
  if (!runtime || !run) return;
  if (block.directives.some((d) => d.name === "prometheus")) {
    const zone = metricsZone(servers, qname);
    const metrics = { ...(run.metrics ?? {}) };
    const bump = (key: string) => (metrics[key] = (metrics[key] ?? 0) + 1);
    const server = serverLabel(block);
    bump(series("coredns_dns_requests_total", { server, zone, view: "", proto: protocol.toLowerCase(), family: "1", type: qtype }));
    bump(series("coredns_dns_responses_total", { server, zone, view: "", rcode: reply.rcode, plugin: responder(block, reply) }));
    runtime = { ...runtime, coredns: { ...run, metrics } };
  }
  if (reply.error !== undefined && block.directives.some((d) => d.name === "errors")) {
    runtime = appendContainerLog(runtime, [`[ERROR] plugin/errors: ${RCODE_NUMBER[reply.rcode]} ${fqdn(qname)} ${qtype}: ${reply.error}`], now);
  }
  if (runtime !== tx.state.podRuntime[podKey]) tx.write("podRuntime")[podKey] = runtime;
}

const HELP: Record<string, [string, "counter" | "gauge"]> = {
  coredns_build_info: ["A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.", "gauge"],
  coredns_dns_requests_total: ["Counter of DNS requests made per zone, protocol and family.", "counter"],
  coredns_dns_responses_total: ["Counter of response status codes.", "counter"],
  coredns_panics_total: ["A metrics that counts the number of panics.", "counter"],
  coredns_plugin_enabled: ["A metric that indicates whether a plugin is enabled on per server and zone basis.", "gauge"],
};

/** The prometheus plugin's /metrics for a process that loaded `servers`, in the text exposition format. */
export function corednsMetricsText(servers: readonly ServerBlock[], run: CorednsRun | undefined): string {
  const values: Record<string, number> = { ...(run?.metrics ?? {}) };
  const [, goversion, revision] = /^\S+, (go[\d.]+), (\w+)$/.exec(COREDNS_RELEASE) ?? [];
  values[series("coredns_build_info", { version: COREDNS_VERSION, revision: revision ?? "", goversion: goversion ?? "" })] = 1;
  values["coredns_panics_total"] = 0;
  for (const s of servers) {
    if (!s.directives.some((d) => d.name === "prometheus")) continue;
    for (const zone of s.zones) for (const d of s.directives) values[series("coredns_plugin_enabled", { server: serverLabel(s), zone, view: "", name: d.name })] = 1;
  }
  const families = new Map<string, string[]>();
  for (const key of Object.keys(values).sort()) {
    const name = key.includes("{") ? key.slice(0, key.indexOf("{")) : key;
    const lines = families.get(name) ?? [];
    lines.push(`${key} ${values[key]}`);
    families.set(name, lines);
  }
  let out = "";
  for (const name of [...families.keys()].sort()) {
    const [help, type] = HELP[name] ?? ["", "counter"];
    out += `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${families.get(name)!.join("\n")}\n`;
  }
  return out;
}
