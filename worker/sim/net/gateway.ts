// Routing in NGINX Gateway Fabric's data plane: the requests a Gateway's nginx pod takes on a
// listener's port, matched as the Gateway API spec says HTTPRoutes match (HTTPRouteRule.matches in
// the v1.4.1 CRDs) and as NGF's generated nginx.conf serves them (internal/controller/nginx/config
// at v2.6.7):
// - the listeners on the port, and the routes attached to them (status-time rules: sectionName and
//   port, allowedRoutes namespaces and kinds, host names that intersect);
// - a server per host name: an exact name, else the most specific `*.` wildcard, else the server of
//   routes that name no host; none is the default server's 404;
// - in it, across all rules of all its routes, the match with an Exact path, then the longest
//   PathPrefix, then a method, then most header matches, then most query matches; then the oldest
//   route (then namespace/name), then the first rule and match in list order;
// - the rule's filters (RequestRedirect answers itself; RequestHeaderModifier, URLRewrite and
//   ResponseHeaderModifier change what is proxied or returned), then one backendRef by weight (a
//   weighted pick from the session's random stream), proxied straight to a ready endpoint of its
//   Service (NGF's upstreams are the EndpointSlices' addresses, not the ClusterIP) with NGF's
//   proxy headers. A rule whose backends are all invalid, or weight 0, answers 500.

import { checkListener, listenersOfGateway, ngfServes, routeAttachments, type GatewayListener } from "../cluster/nginx-gateway-fabric.ts";
import { writeCount } from "../cluster/tx.ts";
import type { ClusterState, GenericObject } from "../cluster/types.ts";
import { byteLength, header, httpDate, logDate, type HttpRequest, type HttpResponse, type Reply } from "./http.ts";
import type { NetIndex } from "./index.ts";
import { ngfNotFound } from "./apps/nginx-gateway-fabric.ts";
import { contentLength, httpReply } from "./apps/reply.ts";
import type { Endpoint, Hop } from "./trace.ts";

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
const recs = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isRec) : []);

export interface PathMatch {
  type: "Exact" | "PathPrefix" | "RegularExpression";
  value: string;
}

export interface RouteMatch {
  path: PathMatch;
  method?: string;
  headers: Array<{ type: string; name: string; value: string }>;
  queryParams: Array<{ type: string; name: string; value: string }>;
}

export interface BackendRef {
  namespace: string;
  name: string;
  /** `namespace/name`, the Service's key in the store and the NetIndex (built once per table). */
  serviceKey: string;
  port: number;
  weight: number;
  /** Not a Service that may be used: its requests answer 500. */
  invalid: boolean;
}

/** A RequestMirror filter: the Service that gets a copy, and the share of requests (NGF's percent). */
export interface MirrorRef extends BackendRef {
  percent: number;
}

export interface RouteEntry {
  /** `ns/name` of the HTTPRoute. */
  route: string;
  created: string;
  ruleIndex: number;
  matchIndex: number;
  match: RouteMatch;
  /** The match's path, compiled once per table (pathMatches runs for every entry a request tries). */
  path: CompiledPath;
  filters: Rec[];
  backends: BackendRef[];
  mirrors: MirrorRef[];
  /** The listener it came through (for the trace). */
  listener: string;
  /** matchGateway's answer when this entry matches, made with the table (a request allocates none). */
  hit: GatewayMatch;
}

export interface Server {
  /** nginx's server_name: the host, `*.suffix`, or "(any host)" for routes that name none. */
  name: string;
  entries: RouteEntry[];
  /** matchGateway's answer when no entry matches. */
  miss: GatewayMatch;
}

export interface GatewayTable {
  exact: Map<string, Server>;
  /** Wildcard servers by suffix (`.example.com`), longest first. */
  wildcards: Array<[string, Server]>;
  any?: Server;
  count: number;
}

function routeMatches(rule: Rec): RouteMatch[] {
  const matches = recs(rule.matches);
  // No matches: the CRD defaults one PathPrefix "/" match (a rule with none matches everything).
  const list = matches.length > 0 ? matches : [{ path: { type: "PathPrefix", value: "/" } }];
  return list.map((m) => {
    const path = isRec(m.path) ? m.path : {};
    return {
      path: { type: (typeof path.type === "string" ? path.type : "PathPrefix") as PathMatch["type"], value: typeof path.value === "string" ? path.value : "/" },
      ...(typeof m.method === "string" ? { method: m.method } : {}),
      headers: recs(m.headers).map((h) => ({ type: String(h.type ?? "Exact"), name: String(h.name ?? ""), value: String(h.value ?? "") })),
      queryParams: recs(m.queryParams).map((q) => ({ type: String(q.type ?? "Exact"), name: String(q.name ?? ""), value: String(q.value ?? "") })),
    };
  });
}

function backendsOf(state: ClusterState, rule: Rec, routeNamespace: string, valid: (ref: Rec) => boolean): BackendRef[] {
  return recs(rule.backendRefs).map((ref) => {
    const namespace = typeof ref.namespace === "string" ? ref.namespace : routeNamespace;
    const name = String(ref.name ?? "");
    const serviceKey = `${namespace}/${name}`;
    return {
      namespace,
      name,
      serviceKey,
      port: Number(ref.port),
      weight: typeof ref.weight === "number" ? ref.weight : 1,
      invalid: !valid(ref) || !state.services[serviceKey],
    };
  });
}

/**
 * convertHTTPRequestMirrorFilter: percent, else fraction (denominator 100 by default) as a percent,
 * else 100; at most 100. NGF routes the copy through an internal mirror route of the same backendRef,
 * so it is valid as a backendRef is (a Service, in the namespace or granted).
 */
function mirrorsOf(state: ClusterState, filters: Rec[], routeNamespace: string): MirrorRef[] {
  const out: MirrorRef[] = [];
  for (const f of filters) {
    if (f.type !== "RequestMirror" || !isRec(f.requestMirror) || !isRec(f.requestMirror.backendRef)) continue;
    const m = f.requestMirror;
    const [ref] = backendsOf(state, { backendRefs: [m.backendRef] }, routeNamespace, (r) => ngfServes(state, r, routeNamespace));
    const fraction = isRec(m.fraction) ? m.fraction : undefined;
    const percent = typeof m.percent === "number" ? m.percent : fraction ? (Number(fraction.numerator) * 100) / (typeof fraction.denominator === "number" ? fraction.denominator : 100) : 100;
    out.push({ ...ref, percent: Math.min(percent, 100) });
  }
  return out;
}

/** Whether a route's hostnames and a listener's give the host names it serves there: their intersection. */
function servedHosts(listener: string | undefined, route: string[]): string[] | "any" {
  if (route.length === 0) return listener ? [listener] : "any";
  if (!listener) return route;
  const out: string[] = [];
  for (const h of route) {
    if (h === listener) out.push(h);
    else if (listener.startsWith("*.") && h.endsWith(listener.slice(1))) out.push(h);
    else if (h.startsWith("*.") && listener.endsWith(h.slice(1))) out.push(listener);
  }
  return out;
}

/** The routing table of one Gateway's listeners on one port. */
export function buildGatewayTable(state: ClusterState, gateway: GenericObject, port: number): GatewayTable {
  const table: GatewayTable = { exact: new Map(), wildcards: [], count: 0 };
  // Invalid listeners (an HTTPS one without a usable certificate) are not in nginx's configuration.
  const listeners = listenersOfGateway(gateway).filter((l) => l.port === port && (l.protocol === "HTTP" || l.protocol === "HTTPS") && checkListener(state, gateway, l).valid);
  const newServer = (name: string): Server => ({ name, entries: [], miss: { kind: "none", server: name } });
  const serverFor = (host: string | "any"): Server => {
    if (host === "any") return (table.any ??= newServer("(any host)"));
    if (host.startsWith("*.")) {
      const suffix = host.slice(1);
      let found = table.wildcards.find(([s]) => s === suffix)?.[1];
      if (!found) table.wildcards.push([suffix, (found = newServer(host))]);
      return found;
    }
    let server = table.exact.get(host);
    if (!server) table.exact.set(host, (server = newServer(host)));
    return server;
  };
  const routes = (state.objects?.httproutes ?? {}) as Record<string, GenericObject>;
  for (const key in routes) {
    const route = routes[key];
    const spec = isRec(route.spec) ? route.spec : {};
    const attached = routeAttachments(state, route, "HTTPRoute", gateway, listeners);
    if (attached.length === 0) continue;
    const namespace = route.metadata.namespace ?? "default";
    const hostnames = Array.isArray(spec.hostnames) ? (spec.hostnames as string[]) : [];
    recs(spec.rules).forEach((rule, ruleIndex) => {
      const backends = backendsOf(state, rule, namespace, (ref) => ngfServes(state, ref, namespace));
      const filters = recs(rule.filters);
      const mirrors = mirrorsOf(state, filters, namespace);
      routeMatches(rule).forEach((match, matchIndex) => {
        for (const listener of attached) {
          const hosts = servedHosts(listener.hostname, hostnames);
          for (const host of hosts === "any" ? ["any" as const] : hosts) {
            const server = serverFor(host);
            const entry = { route: key, created: route.metadata.creationTimestamp ?? "", ruleIndex, matchIndex, match, path: compilePath(match.path), filters, backends, mirrors, listener: listener.name } as RouteEntry;
            entry.hit = { kind: "rule", entry, server: server.name };
            server.entries.push(entry);
            table.count++;
          }
        }
      });
    });
  }
  table.wildcards.sort((a, b) => b[0].length - a[0].length);
  for (const server of [...table.exact.values(), ...table.wildcards.map(([, s]) => s), ...(table.any ? [table.any] : [])]) server.entries.sort(precedence);
  return table;
}

/** The spec's precedence: Exact, longest prefix, method, headers, query params; oldest route, name; list order. */
function precedence(a: RouteEntry, b: RouteEntry): number {
  const rank = (m: RouteMatch) => (m.path.type === "Exact" ? 2 : m.path.type === "PathPrefix" ? 1 : 0);
  return (
    rank(b.match) - rank(a.match) ||
    (b.match.path.type === "PathPrefix" ? b.match.path.value.replace(/\/$/, "").length : 0) - (a.match.path.type === "PathPrefix" ? a.match.path.value.replace(/\/$/, "").length : 0) ||
    (b.match.method ? 1 : 0) - (a.match.method ? 1 : 0) ||
    b.match.headers.length - a.match.headers.length ||
    b.match.queryParams.length - a.match.queryParams.length ||
    a.created.localeCompare(b.created) ||
    a.route.localeCompare(b.route) ||
    a.ruleIndex - b.ruleIndex ||
    a.matchIndex - b.matchIndex
  );
}

// Tables per (routes record, gateway object, port): rebuilt only when the routes or the Gateway change.
// Looked up by the objects themselves and the port number, so a request builds no key string.
// Records are known by identity and write count: a transaction writes its copy of a record in
// place, so identity alone would keep a table built before an HTTPRoute changed in the same one.
interface TableInputs {
  routes: number;
  services: object;
  servicesWrites: number;
  grants: object | undefined;
  grantsWrites: number;
  secrets: object | undefined;
  secretsWrites: number;
}
const tables = new WeakMap<object, WeakMap<object, Map<number, { inputs: TableInputs; table: GatewayTable }>>>();

/** What a table was built from (allocation only when it is rebuilt: this runs on every request). */
function sameInputs(a: TableInputs, state: ClusterState, routes: object): boolean {
  const grants = state.objects?.referencegrants;
  const secrets = state.objects?.secrets;
  return (
    a.routes === writeCount(routes) &&
    a.services === state.services &&
    a.servicesWrites === writeCount(state.services) &&
    a.grants === grants &&
    a.grantsWrites === (grants ? writeCount(grants) : 0) &&
    a.secrets === secrets &&
    a.secretsWrites === (secrets ? writeCount(secrets) : 0)
  );
}

function inputsOf(state: ClusterState, routes: object): TableInputs {
  const grants = state.objects?.referencegrants;
  const secrets = state.objects?.secrets;
  return {
    routes: writeCount(routes),
    services: state.services,
    servicesWrites: writeCount(state.services),
    grants,
    grantsWrites: grants ? writeCount(grants) : 0,
    secrets,
    secretsWrites: secrets ? writeCount(secrets) : 0,
  };
}

/** The table the last request used: requests come in runs to one Gateway and port (no map lookups then). */
let last: { routes: object; gateway: object; port: number; hit: { inputs: TableInputs; table: GatewayTable } } | undefined;

export function gatewayTable(state: ClusterState, gateway: GenericObject, port: number): GatewayTable {
  const routes = state.objects?.httproutes;
  if (!routes) return buildGatewayTable(state, gateway, port);
  if (last !== undefined && last.routes === routes && last.gateway === gateway && last.port === port && sameInputs(last.hit.inputs, state, routes)) return last.hit.table;
  const hit = tableFor(state, gateway, port, routes);
  last = { routes, gateway, port, hit };
  return hit.table;
}

function tableFor(state: ClusterState, gateway: GenericObject, port: number, routes: object): { inputs: TableInputs; table: GatewayTable } {
  let perGateway = tables.get(routes);
  if (!perGateway) tables.set(routes, (perGateway = new WeakMap()));
  let perPort = perGateway.get(gateway);
  if (!perPort) perGateway.set(gateway, (perPort = new Map()));
  const hit = perPort.get(port);
  if (hit && sameInputs(hit.inputs, state, routes)) return hit;
  const built = { inputs: inputsOf(state, routes), table: buildGatewayTable(state, gateway, port) };
  perPort.set(port, built);
  return built;
}

/**
 * A path match ready to test: Exact compares, PathPrefix keeps its value without trailing slashes
 * (and with one, for the element boundary), RegularExpression its compiled pattern (null: invalid,
 * matches nothing).
 */
export type CompiledPath =
  | { type: "Exact"; value: string }
  | { type: "PathPrefix"; prefix: string; withSlash: string }
  | { type: "RegularExpression"; regex: RegExp | null };

function compilePath(m: PathMatch): CompiledPath {
  if (m.type === "Exact") return { type: "Exact", value: m.value };
  if (m.type === "PathPrefix") {
    const prefix = m.value.replace(/\/+$/, "");
    return { type: "PathPrefix", prefix, withSlash: `${prefix}/` };
  }
  try {
    return { type: "RegularExpression", regex: new RegExp(`^${m.value}`) };
  } catch {
    return { type: "RegularExpression", regex: null };
  }
}

/** PathPrefix matches whole path elements: `/foo` takes `/foo`, `/foo/` and `/foo/bar`, not `/foobar`. */
function pathMatches(m: CompiledPath, path: string): boolean {
  if (m.type === "Exact") return path === m.value;
  if (m.type === "PathPrefix") return m.prefix === "" || path === m.prefix || path.startsWith(m.withSlash);
  return m.regex !== null && m.regex.test(path);
}

function queryValues(target: string, name: string): string[] {
  const q = target.indexOf("?");
  if (q < 0) return [];
  const out: string[] = [];
  for (const pair of target.slice(q + 1).split("&")) {
    const eq = pair.indexOf("=");
    const key = decodeURIComponent((eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, " "));
    if (key === name) out.push(decodeURIComponent((eq < 0 ? "" : pair.slice(eq + 1)).replace(/\+/g, " ")));
  }
  return out;
}

function valueMatches(type: string, expected: string, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  if (type === "RegularExpression") {
    try {
      return new RegExp(expected).test(actual);
    } catch {
      return false;
    }
  }
  return actual === expected;
}

function entryMatches(e: RouteEntry, request: HttpRequest, path: string): boolean {
  if (!pathMatches(e.path, path)) return false;
  if (e.match.method && e.match.method !== request.method) return false;
  for (const h of e.match.headers) if (!valueMatches(h.type, h.value, header(request, h.name))) return false;
  for (const q of e.match.queryParams) if (!valueMatches(q.type, q.value, queryValues(request.target, q.name)[0])) return false;
  return true;
}

/** The host nginx matches servers on: the Host header without its port, lower-cased. */
function requestHost(request: HttpRequest): string {
  const h = (hostHeader(request) ?? "").toLowerCase();
  if (!h.includes(":") && !h.startsWith("[")) return h;
  return h.startsWith("[") ? h.slice(0, h.indexOf("]") + 1) : h.replace(/:\d*$/, "");
}

/** header(request, "Host") without its per-call lower-casing of the name (every request asks). */
function hostHeader(request: HttpRequest): string | undefined {
  const headers = request.headers;
  for (let i = 0; i < headers.length; i++) {
    const k = headers[i][0];
    if (k === "Host" || (k.length === 4 && k.toLowerCase() === "host")) return headers[i][1];
  }
  return undefined;
}

export type GatewayMatch = { readonly kind: "rule"; readonly entry: RouteEntry; readonly server: string } | { readonly kind: "none"; readonly server: string };

/** nginx's server for a host name: the exact name, else the longest wildcard, else the routes' catch-all. */
export function serverFor(table: GatewayTable, host: string): Server | undefined {
  const exact = table.exact.get(host);
  if (exact) return exact;
  for (const [suffix, s] of table.wildcards) if (host.endsWith(suffix) && host.length > suffix.length) return s;
  return table.any;
}

const NO_SERVER: GatewayMatch = { kind: "none", server: "default" };

/** The rule a request takes: the answers are the table's own objects (read-only), so none is allocated. */
export function matchGateway(table: GatewayTable, request: HttpRequest): GatewayMatch {
  const server = serverFor(table, requestHost(request));
  if (!server) return NO_SERVER;
  const path = pathOf(request.target);
  const entries = server.entries;
  for (let i = 0; i < entries.length; i++) if (entryMatches(entries[i], request, path)) return entries[i].hit;
  return server.miss;
}

/** The request target without its query (most have none: no regex then). */
function pathOf(target: string): string {
  return target.includes("?") ? target.replace(/\?.*$/, "") : target;
}

function errorPage(status: number, reason: string): string {
  return `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

function nginxPage(request: HttpRequest, now: number, status: number, reason: string, extra: Array<[string, string]> = []): HttpResponse {
  const body = errorPage(status, reason);
  return httpReply(request, status, reason, [["Server", "nginx"], ["Date", httpDate(now)], ["Content-Type", "text/html"], contentLength(body), ["Connection", "keep-alive"], ...extra], body);
}

const REDIRECT_REASONS: Record<number, string> = { 301: "Moved Permanently", 302: "Moved Temporarily", 303: "See Other", 307: "Temporary Redirect", 308: "Permanent Redirect" };

/** A path filter's new path: ReplaceFullPath, or ReplacePrefixMatch of the matched prefix. */
function replacedPath(modifier: unknown, matched: PathMatch, path: string): string {
  if (!isRec(modifier)) return path;
  if (modifier.type === "ReplaceFullPath" && typeof modifier.replaceFullPath === "string") return modifier.replaceFullPath;
  if (modifier.type === "ReplacePrefixMatch" && typeof modifier.replacePrefixMatch === "string" && matched.type === "PathPrefix") {
    const prefix = matched.value.replace(/\/+$/, "");
    const rest = path.slice(prefix.length);
    const replacement = modifier.replacePrefixMatch.replace(/\/+$/, "");
    const out = `${replacement}${rest}`;
    return out === "" ? "/" : out.startsWith("/") ? out : `/${out}`;
  }
  return path;
}

function modifyHeaders(headers: Array<[string, string]>, modifier: unknown): Array<[string, string]> {
  if (!isRec(modifier)) return headers;
  let out = [...headers];
  for (const name of Array.isArray(modifier.remove) ? (modifier.remove as string[]) : []) out = out.filter(([k]) => k.toLowerCase() !== name.toLowerCase());
  for (const h of recs(modifier.set)) {
    const name = String(h.name);
    out = out.filter(([k]) => k.toLowerCase() !== name.toLowerCase());
    out.push([name, String(h.value ?? "")]);
  }
  for (const h of recs(modifier.add)) {
    const name = String(h.name);
    const i = out.findIndex(([k]) => k.toLowerCase() === name.toLowerCase());
    if (i >= 0) out[i] = [out[i][0], `${out[i][1]},${String(h.value ?? "")}`];
    else out.push([name, String(h.value ?? "")]);
  }
  return out;
}

export interface ProxyLeg {
  outcome: { kind: "reply"; reply: Reply } | { kind: "refused" | "timed-out" | "not-resolved" };
  hops: Hop[];
}

export interface GatewayRequest {
  state: ClusterState;
  index: NetIndex;
  gateway: GenericObject;
  request: HttpRequest;
  client: Endpoint;
  /** The port the connection arrived at in the data-plane pod (a listener's port). */
  local: Endpoint;
  now: number;
  /** The connection came over TLS (an HTTPS listener terminated it). */
  https?: boolean;
  /** A number in [0, n) from the session's random stream. */
  pick(n: number): number;
  forward(to: Endpoint, request: HttpRequest): ProxyLeg;
}

export interface GatewayResult {
  reply: HttpResponse;
  log: string[];
  note: string;
  hops: Hop[];
}

/** nginx's default access log (`combined`), which NGF's data plane writes to stdout. */
function combinedLog(req: GatewayRequest, reply: HttpResponse): string {
  const { request, client, now } = req;
  return `${client.ip} - - [${logDate(now)}] "${request.method} ${request.target} HTTP/1.1" ${reply.status} ${byteLength(reply.body)} "${header(request, "Referer") ?? "-"}" "${header(request, "User-Agent") ?? "-"}"`;
}

/** What the backend's answer looks like after nginx: nginx's Server and Date, the backend's other headers. */
function relayed(reply: HttpResponse, now: number): HttpResponse {
  const drop = new Set(["server", "date", "connection", "keep-alive", "transfer-encoding"]);
  const headers: Array<[string, string]> = [["Server", "nginx"], ["Date", httpDate(now)]];
  for (const h of reply.headers) if (!drop.has(h[0].toLowerCase())) headers.push(h);
  headers.push(["Connection", "keep-alive"]);
  return { ...reply, version: "HTTP/1.1", headers };
}

/** The request nginx proxies: NGF's proxy headers, then the client's (after the header filters). */
function proxiedHeaders(req: GatewayRequest, hostHeader: string, headers: Array<[string, string]>): Array<[string, string]> {
  const { request } = req;
  return [
    ["Host", hostHeader],
    ["X-Forwarded-For", [header(request, "X-Forwarded-For"), req.client.ip].filter(Boolean).join(", ")],
    ["X-Real-IP", req.client.ip],
    ["X-Forwarded-Proto", req.https ? "https" : "http"],
    ["X-Forwarded-Host", requestHost(request)],
    ["X-Forwarded-Port", String(req.local.port)],
    ...headers.filter(([k]) => !["x-forwarded-for"].includes(k.toLowerCase())),
  ];
}

/**
 * nginx's `mirror` subrequests (one per RequestMirror filter): each copy goes to a ready endpoint of
 * the mirror Service, below 100% only for the share split_clients gives it; its answer is thrown
 * away, and subrequests are not in the access log (log_subrequest off). What happened, for the note.
 */
function mirror(req: GatewayRequest, e: RouteEntry, copy: HttpRequest): string[] {
  const out: string[] = [];
  for (const m of e.mirrors) {
    const key = `${m.namespace}/${m.name}`;
    if (m.percent < 100 && req.pick(10000) >= Math.round(m.percent * 100)) {
      out.push(`Not mirrored to ${key} this time (${m.percent}% of requests).`);
      continue;
    }
    if (m.invalid) {
      out.push(`The RequestMirror backend ${key} is not a valid reference: no copy.`);
      continue;
    }
    const sp = req.index.portsOfService(key).find((p) => p.protocol === "TCP" && p.port.port === m.port);
    const endpoints = sp ? req.index.endpoints(sp) : [];
    if (endpoints.length === 0) {
      out.push(`RequestMirror: ${key} has no ready endpoint on port ${m.port}: no copy.`);
      continue;
    }
    const endpoint = endpoints[endpoints.length === 1 ? 0 : req.pick(endpoints.length)];
    const leg = req.forward({ ip: endpoint.ip, port: endpoint.port }, copy);
    const answer = leg.outcome.kind === "reply" && leg.outcome.reply.kind === "http" ? `it answered ${leg.outcome.reply.status}, discarded` : "it did not answer HTTP";
    out.push(`RequestMirror: a copy went to ${endpoint.text} of ${key} (${answer}).`);
  }
  return out;
}

/** One request on a listener's port of a Gateway's data plane: match, filter, pick a backend, proxy. */
export function serveGateway(req: GatewayRequest): GatewayResult {
  const { request, now } = req;
  const table = gatewayTable(req.state, req.gateway, req.local.port);
  const gwName = `${req.gateway.metadata.namespace}/${req.gateway.metadata.name}`;
  const match = matchGateway(table, request);
  const path = request.target.replace(/\?.*$/, "");
  const query = request.target.includes("?") ? request.target.slice(request.target.indexOf("?")) : "";
  if (match.kind === "none") {
    const reply = ngfNotFound(request, now);
    return { reply, log: [combinedLog(req, reply)], note: `No HTTPRoute rule attached to Gateway ${gwName} on port ${req.local.port} matches host "${requestHost(request) || "(none)"}" and path ${path} (server ${match.server}): nginx answers 404.`, hops: [] };
  }
  const e = match.entry;
  const rule = `HTTPRoute ${e.route} rule ${e.ruleIndex} match ${e.matchIndex} (${e.match.path.type} ${e.match.path.value}${e.match.method ? `, ${e.match.method}` : ""}${e.match.headers.length ? `, ${e.match.headers.length} header(s)` : ""}${e.match.queryParams.length ? `, ${e.match.queryParams.length} query param(s)` : ""}) via listener ${e.listener}, server ${match.server}`;
  const redirect = e.filters.find((f) => f.type === "RequestRedirect" && isRec(f.requestRedirect));
  if (redirect) {
    const r = redirect.requestRedirect as Rec;
    const scheme = typeof r.scheme === "string" ? r.scheme : "http";
    const host = typeof r.hostname === "string" ? r.hostname : requestHost(request);
    // The port: the filter's; else the scheme's well-known one when the scheme changes; else the listener's.
    const port = typeof r.port === "number" ? r.port : typeof r.scheme === "string" ? (scheme === "https" ? 443 : 80) : req.local.port;
    const defaultPort = scheme === "https" ? 443 : 80;
    const code = typeof r.statusCode === "number" ? r.statusCode : 302;
    const location = `${scheme}://${host}${port === defaultPort ? "" : `:${port}`}${replacedPath(r.path, e.match.path, path)}${query}`;
    const reply = nginxPage(request, now, code, REDIRECT_REASONS[code] ?? "Found", [["Location", location]]);
    return { reply, log: [combinedLog(req, reply)], note: `${rule} matched; its RequestRedirect filter answers ${code} to ${location}.`, hops: [] };
  }
  let headers: Array<[string, string]> = request.headers.filter(([k]) => !["host", "connection"].includes(k.toLowerCase()));
  let hostHeader = header(request, "Host") ?? "";
  let target = request.target;
  const applied: string[] = [];
  for (const f of e.filters) {
    if (f.type === "RequestHeaderModifier") {
      headers = modifyHeaders(headers, f.requestHeaderModifier);
      applied.push("RequestHeaderModifier");
    } else if (f.type === "URLRewrite" && isRec(f.urlRewrite)) {
      if (typeof f.urlRewrite.hostname === "string") hostHeader = f.urlRewrite.hostname;
      target = `${replacedPath(f.urlRewrite.path, e.match.path, path)}${query}`;
      applied.push(`URLRewrite to ${hostHeader}${target}`);
    }
  }
  const usable = e.backends.filter((b) => b.weight > 0);
  const total = usable.reduce((n, b) => n + b.weight, 0);
  if (total === 0) {
    const reply = nginxPage(request, now, 500, "Internal Server Error");
    return { reply, log: [combinedLog(req, reply)], note: `${rule} matched, but it has no backend with a weight: 500.`, hops: [] };
  }
  let ticket = usable.length === 1 ? 0 : req.pick(total);
  let backend = usable[0];
  for (const b of usable) {
    if (ticket < b.weight) {
      backend = b;
      break;
    }
    ticket -= b.weight;
  }
  const split = usable.length > 1 ? ` (weight ${backend.weight} of ${total})` : "";
  const serviceKey = backend.serviceKey;
  if (backend.invalid) {
    const reply = nginxPage(request, now, 500, "Internal Server Error");
    return { reply, log: [combinedLog(req, reply)], note: `${rule} matched; its backend ${serviceKey}${split} is not a valid reference: 500.`, hops: [] };
  }
  const sp = req.index.portsOfService(serviceKey).find((p) => p.protocol === "TCP" && p.port.port === backend.port);
  const endpoints = sp ? req.index.endpoints(sp) : [];
  const mirrored = mirror(req, e, { method: request.method, target, headers: proxiedHeaders(req, hostHeader, headers), ...(request.body !== undefined ? { body: request.body } : {}) });
  const copies = mirrored.length ? ` ${mirrored.join(" ")}` : "";
  const serviceHop: Hop = {
    kind: "service",
    label: `service ${serviceKey}`,
    ref: { kind: "Service", namespace: backend.namespace, name: backend.name },
    note: sp ? `NGF's upstream is the Service's ready endpoints (${endpoints.length}, from its EndpointSlices), not its ClusterIP${split}.` : `Service ${serviceKey} has no port ${backend.port}.`,
  };
  if (endpoints.length === 0) {
    const reply = nginxPage(request, now, 502, "Bad Gateway");
    return { reply, log: [combinedLog(req, reply)], note: `${rule} matched, but ${serviceKey} has no ready endpoint: 502.${copies}`, hops: [serviceHop] };
  }
  const endpoint = endpoints[endpoints.length === 1 ? 0 : req.pick(endpoints.length)];
  const proxied: HttpRequest = { method: request.method, target, headers: proxiedHeaders(req, hostHeader, headers), ...(request.body !== undefined ? { body: request.body } : {}) };
  const leg = req.forward({ ip: endpoint.ip, port: endpoint.port }, proxied);
  const filters = `${applied.length ? ` Filters: ${applied.join(", ")}.` : ""}${copies}`;
  if (leg.outcome.kind !== "reply" || leg.outcome.reply.kind !== "http") {
    const timedOut = leg.outcome.kind === "timed-out";
    const reply = timedOut ? nginxPage(request, now, 504, "Gateway Time-out") : nginxPage(request, now, 502, "Bad Gateway");
    return { reply, log: [combinedLog(req, reply)], note: `${rule} matched; ${endpoint.text} did not answer HTTP: ${reply.status}.${filters}`, hops: [serviceHop, ...leg.hops] };
  }
  const backendReply = leg.outcome.reply;
  let reply = relayed(request.method === "HEAD" ? { ...backendReply, body: "" } : backendReply, now);
  const responseModifier = e.filters.find((f) => f.type === "ResponseHeaderModifier");
  if (responseModifier) reply = { ...reply, headers: modifyHeaders(reply.headers, responseModifier.responseHeaderModifier) };
  return { reply, log: [combinedLog(req, reply)], note: `${rule} matched: proxied to ${endpoint.text} of ${serviceKey}${split}.${filters}`, hops: [serviceHop, ...leg.hops] };
}

export type { GatewayListener };
