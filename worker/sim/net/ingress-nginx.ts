// ingress-nginx's routing, as the nginx.conf its controller renders decides it
// (rootfs/etc/nginx/template/nginx.tmpl and internal/ingress/controller at controller-v1.15.1):
// - one `server` per host of the Ingresses it takes, and the catch-all `_` for rules without a host;
//   nginx picks the server by the exact name, then the longest `*.suffix` wildcard, then `_`;
// - in a server, each path is a `location`: Exact is `= /p`; Prefix `/p` becomes `/p/` plus `= /p`
//   (location.go updateServerLocations); ImplementationSpecific stays the plain prefix `/p`; nginx
//   takes an exact match, else the longest prefix; older Ingresses win a path both define;
// - with rewrite-target (or use-regex) the server's paths become case-insensitive regexes `~* "^p"`,
//   tried longest path first (the controller sorts locations by path, descending);
// - no location: the server's `/`, the default backend (the template's internal server on
//   127.0.0.1:8181, `return 404`), unless an Ingress gives spec.defaultBackend.
// The proxying itself goes straight to the backend Service's ready endpoints (the Lua balancer's
// round robin over its EndpointSlices), not through the ClusterIP.

import type { Ingress, IngressBackend, PathType } from "../kinds/ingress.ts";
import { servedByIngressNginx } from "../cluster/ingress-nginx-status.ts";
import { writeCount } from "../cluster/tx.ts";
import type { ClusterState } from "../cluster/types.ts";
import { byteLength, header, httpDate, type HttpRequest, type HttpResponse, type Reply } from "./http.ts";
import type { NetIndex } from "./index.ts";
import { accessLogLine, DEFAULT_BACKEND_ADDRESS, defaultBackendReply, INGRESS_NGINX_404, requestId } from "./apps/ingress-nginx.ts";
import { contentLength, httpReply } from "./apps/reply.ts";
import { parseAddress, parseCidrText } from "./cidr-text.ts";
import type { Endpoint, Hop } from "./trace.ts";
import { backendKey, cookieAffinityOf, stickyBalance, stickyCookie, type CookieAffinity } from "./ingress-affinity.ts";

/** nginx turns keep-alive off for a 413 (ngx_http_special_response_handler). */
function closeConnection(reply: HttpResponse): HttpResponse {
  return { ...reply, headers: reply.headers.map(([k, v]): [string, string] => (k === "Connection" ? [k, "close"] : [k, v])) };
}

export interface IngressTarget {
  /** `ns/name` of the Ingress whose rule matched. */
  ingress: string;
  host: string;
  path: string;
  pathType: PathType;
  /** How nginx's location reads: `= /p`, `/p/`, `~* "^/p"`. */
  location: string;
  namespace: string;
  service: string;
  /** `namespace/service`, the backend's key in the store and the NetIndex (built once per table). */
  serviceKey: string;
  port: { number?: number; name?: string };
  /** nginx.ingress.kubernetes.io/rewrite-target, when the Ingress sets one. */
  rewrite?: string;
  sslRedirect: boolean;
  /** force-ssl-redirect: to https even without a TLS section. */
  forceSslRedirect?: boolean;
  /** temporal-redirect / permanent-redirect: `return code url` instead of proxying. */
  redirect?: { url: string; code: number };
  /** allowlist-source-range (or its alias whitelist-source-range): nginx's allow rules, then `deny all`. */
  allowlist?: Array<{ text: string; contains(ip: string): boolean }>;
  /** The allowlist entry that is no address or CIDR: the location is denied (`return 503`). */
  denied?: string;
  /** proxy-body-size as bytes (client_max_body_size; 0 is no limit). */
  bodyLimit: number;
  cors?: CorsConfig;
  /** A canary Ingress's backend for the same host and path, and when it takes a request. */
  canary?: Canary;
}

/** internal/ingress/annotations/canary, as the Lua balancer's traffic shaping policy applies it. */
interface Canary {
  ingress: string;
  namespace: string;
  service: string;
  serviceKey: string;
  port: { number?: number; name?: string };
  header?: string;
  headerValue?: string;
  /** canary-by-header-pattern, compiled (ngx.re.match: unanchored); null when it does not compile (never matches). */
  headerPattern?: RegExp | null;
  cookie?: string;
  weight: number;
  weightTotal: number;
}

/** The CORS annotations as internal/ingress/annotations/cors parses them. */
interface CorsConfig {
  /** ["*"] or the allowed origins (a `*.` wildcard for one subdomain level). */
  origins: string[];
  methods: string;
  headers: string;
  credentials: boolean;
  expose: string;
  maxAge: number;
}

interface Location {
  kind: "exact" | "prefix" | "regex";
  path: string;
  regex?: RegExp;
  target: IngressTarget;
}

interface Server {
  exact: Map<string, Location>;
  /** Prefix locations, longest first; or regex ones in the controller's order. */
  ordered: Location[];
  /** The server's `/` when an Ingress sets it (else the default backend). */
  root?: IngressTarget;
  /** app-root of an Ingress on the host: the server's `if ($uri = /) { return 302 ... }`. */
  appRoot?: string;
}

interface RoutingTable {
  servers: Map<string, Server>;
  /** Wildcard servers by their suffix (`.example.com`), longest first. */
  wildcards: Array<[string, Server]>;
  catchAll: Server;
  /** Hosts that have a TLS section (ssl-redirect applies to them). */
  tlsHosts: Set<string>;
  /** Cookie affinity by upstream (`namespace-service-port`), with the `host\npath` locations that set the cookie. */
  affinity: Map<string, { config: CookieAffinity; locations: Set<string> }>;
  count: number;
}

const REWRITE = "nginx.ingress.kubernetes.io/rewrite-target";
const USE_REGEX = "nginx.ingress.kubernetes.io/use-regex";
const SSL_REDIRECT = "nginx.ingress.kubernetes.io/ssl-redirect";
const A = "nginx.ingress.kubernetes.io/";

const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);

/** nginx's size syntax (client_max_body_size): bytes, or k/m/g; undefined when it is not one. */
function nginxSize(text: string): number | undefined {
  const m = /^(\d+)([kKmMgG]?)$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as "" | "k" | "m" | "g"];
  return Number(m[1]) * unit;
}

/** redirect.Parse: temporal-redirect wins (code 300-307, else 302), then permanent-redirect (300-308, else 301). */
function redirectOf(ann: Record<string, string>): IngressTarget["redirect"] {
  const code = (key: string, low: number, high: number, fallback: number) => {
    const n = Number(ann[key]);
    return Number.isInteger(n) && n >= low && n <= high ? n : fallback;
  };
  if (ann[`${A}temporal-redirect`]) return { url: ann[`${A}temporal-redirect`], code: code(`${A}temporal-redirect-code`, 300, 307, 302) };
  if (ann[`${A}permanent-redirect`]) return { url: ann[`${A}permanent-redirect`], code: code(`${A}permanent-redirect-code`, 300, 308, 301) };
  return undefined;
}

/**
 * ipallowlist.Parse: net.ParseIPNets over the comma-separated entries (a CIDR, else an address);
 * one entry that is neither (an empty one too) denies the whole location (`return 503`).
 */
function allowlistOf(ann: Record<string, string>): { ranges: NonNullable<IngressTarget["allowlist"]> } | { denied: string } | undefined {
  // checkAnnotation: the alias counts when the annotation is absent or empty.
  const value = ann[`${A}allowlist-source-range`] || ann[`${A}whitelist-source-range`];
  if (value === undefined || value === "") return undefined;
  const ranges: NonNullable<IngressTarget["allowlist"]> = [];
  for (const part of value.split(",")) {
    const text = part.trim();
    const cidr = text.includes("/") ? parseCidrText(text) : parseAddress(text) ? parseCidrText(`${text}/${text.includes(":") ? 128 : 32}`) : undefined;
    if (!cidr) return { denied: text };
    ranges.push({ text, contains: (ip: string) => { const a = parseAddress(ip); return a !== undefined && a.family === cidr.family && cidr.contains(a.value); } });
  }
  return { ranges };
}

function corsOf(ann: Record<string, string>): CorsConfig | undefined {
  if (!TRUE.has(ann[`${A}enable-cors`] ?? "")) return undefined;
  const origins: string[] = [];
  const given = ann[`${A}cors-allow-origin`];
  for (const o of (given ?? "*").split(",").map((x) => x.trim()).filter((x) => x !== "")) {
    if (o === "*") {
      origins.splice(0, origins.length, "*");
      break;
    }
    origins.push(o);
  }
  const maxAge = Number(ann[`${A}cors-max-age`]);
  return {
    origins: origins.length ? origins : ["*"],
    methods: ann[`${A}cors-allow-methods`] || "GET, PUT, POST, DELETE, PATCH, OPTIONS",
    headers: ann[`${A}cors-allow-headers`] || "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization",
    credentials: ann[`${A}cors-allow-credentials`] === undefined ? true : TRUE.has(ann[`${A}cors-allow-credentials`]),
    expose: ann[`${A}cors-expose-headers`] ?? "",
    maxAge: Number.isInteger(maxAge) && ann[`${A}cors-max-age`] !== undefined ? maxAge : 1728000,
  };
}

/** The CORS headers the location's more_set_headers add, when the request's Origin is allowed (buildCorsOriginRegex). */
function corsHeaders(cors: CorsConfig, request: HttpRequest): Array<[string, string]> | undefined {
  const origin = header(request, "Origin") ?? "";
  let allowed: string;
  if (cors.origins[0] === "*") allowed = "*";
  else {
    const ok = cors.origins.some((o) => {
      const m = /^(https?:\/\/)\*\.(.*)$/.exec(o);
      return m ? origin.toLowerCase().startsWith(m[1]) && /^[A-Za-z0-9-]+$/.test(origin.slice(m[1].length, origin.length - m[2].length - 1)) && origin.toLowerCase().endsWith(`.${m[2].toLowerCase()}`) : origin.toLowerCase() === o.toLowerCase();
    });
    if (!ok) return undefined;
    allowed = origin;
  }
  const out: Array<[string, string]> = [["Access-Control-Allow-Origin", allowed]];
  if (cors.credentials) out.push(["Access-Control-Allow-Credentials", "true"]);
  out.push(["Access-Control-Allow-Methods", cors.methods], ["Access-Control-Allow-Headers", cors.headers]);
  if (cors.expose) out.push(["Access-Control-Expose-Headers", cors.expose]);
  out.push(["Access-Control-Max-Age", String(cors.maxAge)]);
  return out;
}

/** The cookie's value in the request's Cookie header (nginx's $cookie_NAME). */
function cookieValue(request: HttpRequest, name: string): string | undefined {
  for (const part of (header(request, "Cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

// parser.BasicCharsRegex and parser.IsValidRegex (annotations/parser/validators.go).
const BASIC_CHARS = /^[/\-._~a-zA-Z0-9/:]*$/;
const VALID_REGEX = /^[/\-._~a-zA-Z0-9/:^$[\](){}*+?|&=\\]*$/;

/** parser.normalizeString: each line trimmed. */
function normalizeString(value: string): string {
  return value.split("\n").map((line) => line.trim()).join("\n");
}

/** The PCRE pattern as ngx.re.match compiles it; JavaScript's RegExp reads the same syntax for the characters the validator lets through. */
function compilePattern(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern);
  } catch {
    return null;
  }
}

function routeToCanary(canary: Canary, request: HttpRequest, pick: (n: number) => number): boolean {
  const value = canary.header ? header(request, canary.header) : undefined;
  if (value !== undefined) {
    if (canary.headerValue) {
      if (value === canary.headerValue) return true;
    } else if (canary.headerPattern !== undefined) {
      // A pattern the regex engine rejects counts as no match (the Lua logs the error and returns false).
      if (canary.headerPattern === null) return false;
      if (canary.headerPattern.test(value)) return true;
    } else if (value === "always") return true;
    else if (value === "never") return false;
  }
  const cookie = canary.cookie ? cookieValue(request, canary.cookie) : undefined;
  if (cookie === "always") return true;
  if (cookie === "never") return false;
  // math.random(weightTotal) <= weight, weightTotal at least 100.
  const total = canary.weightTotal > 100 ? canary.weightTotal : 100;
  return canary.weight > 0 && pick(total) + 1 <= canary.weight;
}

/**
 * route_to_alternative_balancer's affinity checks, before the traffic shaping: a cookie that names
 * the main backend keeps the request there, one that names the canary's sends it to the canary
 * (each only when that upstream is sticky); undefined when neither decides.
 */
function affinitized(table: RoutingTable, request: HttpRequest, main: string, canary: string): boolean | undefined {
  const names = (upstream: string) => {
    const sticky = table.affinity.get(upstream);
    return sticky !== undefined && stickyCookie(cookieValue(request, sticky.config.name)).backendKey === backendKey(upstream);
  };
  if (names(main)) return false;
  if (names(canary)) return true;
  return undefined;
}

/** The Set-Cookie the balancer set, after the status line's fixed headers (nginx writes headers_out's list after them). */
function setCookie(reply: HttpResponse, value: string): HttpResponse {
  const at = reply.headers.findIndex(([k]) => k === "Connection");
  const headers = [...reply.headers];
  headers.splice(at < 0 ? headers.length : at + 1, 0, ["Set-Cookie", value]);
  return { ...reply, headers };
}

/** nginx's reason phrases for the status pages ingress-nginx's annotations can produce. */
const REASONS: Record<number, string> = { 300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified", 305: "Use Proxy", 307: "Temporary Redirect", 308: "Permanent Redirect" };

function emptyServer(): Server {
  return { exact: new Map(), ordered: [] };
}

function buildTable(state: ClusterState, annotationClass: string): RoutingTable {
  const all = Object.values((state.objects?.ingresses ?? {}) as Record<string, Ingress>).filter((ing) => servedByIngressNginx(state, ing, annotationClass));
  // The controller sorts Ingresses by creation time (then name): the older one keeps a contested path.
  all.sort((a, b) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp) || `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  const servers = new Map<string, Server>();
  const catchAll = emptyServer();
  const tlsHosts = new Set<string>();
  const regexServers = new Set<string>();
  // Regex mode is per host: any Ingress on it with rewrite-target or use-regex turns all its paths into regexes.
  for (const ing of all) {
    const ann = ing.metadata.annotations ?? {};
    const regex = ann[USE_REGEX] === "true" || (ann[REWRITE] !== undefined && ann[REWRITE] !== "");
    for (const t of ing.spec.tls ?? []) for (const h of t.hosts ?? []) tlsHosts.add(h);
    if (regex) for (const rule of ing.spec.rules ?? []) regexServers.add(rule.host ?? "_");
  }
  // createUpstreams: every Ingress with affinity cookie (canary ones too) configures its backends'
  // upstreams; the last one's cookie settings stay, each adds its locations.
  const affinity: RoutingTable["affinity"] = new Map();
  for (const ing of all) {
    const config = cookieAffinityOf(ing.metadata.annotations ?? {});
    if (!config) continue;
    const ns = ing.metadata.namespace ?? "default";
    for (const rule of ing.spec.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const svc = p.backend.service;
        if (!svc) continue;
        const upstream = `${ns}-${svc.name}-${svc.port.number ?? svc.port.name}`;
        const entry = affinity.get(upstream) ?? { config, locations: new Set<string>() };
        entry.config = config;
        entry.locations.add(`${rule.host || "_"}\n${p.path ?? "/"}`);
        affinity.set(upstream, entry);
      }
    }
  }
  let count = 0;
  const isCanary = (ing: Ingress) => TRUE.has(ing.metadata.annotations?.[`${A}canary`] ?? "");
  for (const ing of all) {
    // A canary Ingress adds no location: its backend joins the main Ingress's (mergeAlternativeBackends).
    if (isCanary(ing)) continue;
    const ns = ing.metadata.namespace ?? "default";
    const key = `${ns}/${ing.metadata.name}`;
    const ann = ing.metadata.annotations ?? {};
    const rewrite = ann[REWRITE] || undefined;
    const targetOf = (host: string, path: string, pathType: PathType, backend: IngressBackend, location: string): IngressTarget | undefined => {
      if (!backend.service) return undefined;
      const tls = tlsHosts.has(host);
      const redirect = redirectOf(ann);
      const allowlist = allowlistOf(ann);
      const cors = corsOf(ann);
      return {
        ingress: key,
        host,
        path,
        pathType,
        location,
        namespace: ns,
        service: backend.service.name,
        serviceKey: `${ns}/${backend.service.name}`,
        port: backend.service.port,
        ...(rewrite ? { rewrite } : {}),
        sslRedirect: tls && ann[SSL_REDIRECT] !== "false",
        ...(TRUE.has(ann[`${A}force-ssl-redirect`] ?? "") ? { forceSslRedirect: true } : {}),
        ...(redirect ? { redirect } : {}),
        ...(allowlist && "ranges" in allowlist ? { allowlist: allowlist.ranges } : {}),
        ...(allowlist && "denied" in allowlist ? { denied: allowlist.denied } : {}),
        bodyLimit: nginxSize(ann[`${A}proxy-body-size`] ?? "") ?? 1024 * 1024,
        ...(cors ? { cors } : {}),
      };
    };
    if (ing.spec.defaultBackend && !catchAll.root) catchAll.root = targetOf("_", "/", "ImplementationSpecific", ing.spec.defaultBackend, "/");
    for (const rule of ing.spec.rules ?? []) {
      const host = rule.host ?? "_";
      let server = host === "_" ? catchAll : servers.get(host);
      if (!server) servers.set(host, (server = emptyServer()));
      if (ann[`${A}app-root`] && server.appRoot === undefined) server.appRoot = ann[`${A}app-root`];
      const regex = regexServers.has(host);
      for (const p of rule.http?.paths ?? []) {
        const path = p.path ?? "/";
        count++;
        if (regex) {
          if (server.ordered.some((l) => l.path === path)) continue;
          const target = targetOf(host, path, p.pathType, p.backend, `~* "^${path}"`);
          if (target) server.ordered.push({ kind: "regex", path, regex: new RegExp(`^${path}`, "i"), target });
          continue;
        }
        const add = (kind: "exact" | "prefix", at: string) => {
          const location = kind === "exact" ? `= ${at}` : at;
          const target = targetOf(host, path, p.pathType, p.backend, location);
          if (!target) return;
          if (kind === "exact") {
            if (!server!.exact.has(at)) server!.exact.set(at, { kind, path: at, target });
          } else if (at === "/") {
            server!.root ??= target;
          } else if (!server!.ordered.some((l) => l.path === at)) server!.ordered.push({ kind, path: at, target });
        };
        if (p.pathType === "Exact") add("exact", path);
        else if (p.pathType === "Prefix" && path !== "/") {
          add("prefix", path.endsWith("/") ? path : `${path}/`);
          add("exact", path);
        } else add("prefix", path);
      }
    }
  }
  for (const ing of all) {
    if (!isCanary(ing)) continue;
    const ann = ing.metadata.annotations ?? {};
    // canary.Parse: a value its validator rejects falls back to the default (the webhook lets it pass).
    const int = (key: string, fallback: number) => (ann[key] !== undefined && /^[+-]?\d+$/.test(ann[key]) ? Number(ann[key]) : fallback);
    const text = (key: string, valid: RegExp, removeSpace: boolean): string | undefined => {
      const value = ann[`${A}${key}`];
      if (value === undefined || value === "") return undefined;
      const checked = removeSpace ? value.replaceAll(" ", "") : value;
      if (!valid.test(checked) || /\r|\n/.test(checked)) return undefined;
      return normalizeString(value) || undefined;
    };
    const headerName = text("canary-by-header", BASIC_CHARS, true);
    const headerValue = text("canary-by-header-value", BASIC_CHARS, true);
    const headerPattern = text("canary-by-header-pattern", VALID_REGEX, false);
    const cookie = text("canary-by-cookie", BASIC_CHARS, true);
    const ns = ing.metadata.namespace ?? "default";
    for (const rule of ing.spec.rules ?? []) {
      const host = rule.host ?? "_";
      const server = host === "_" ? catchAll : servers.get(host);
      if (!server) continue;
      for (const p of rule.http?.paths ?? []) {
        const service = p.backend.service;
        if (!service) continue;
        const path = p.path ?? "/";
        const canary: Canary = {
          ingress: `${ns}/${ing.metadata.name}`,
          namespace: ns,
          service: service.name,
          serviceKey: `${ns}/${service.name}`,
          port: service.port,
          ...(headerName ? { header: headerName } : {}),
          ...(headerValue ? { headerValue } : {}),
          ...(headerPattern ? { headerPattern: compilePattern(headerPattern) } : {}),
          ...(cookie ? { cookie } : {}),
          weight: int(`${A}canary-weight`, 0),
          weightTotal: int(`${A}canary-weight-total`, 100),
        };
        // Every location of the main Ingress's path (a Prefix path is two) gets the alternative backend.
        const targets = [...server.exact.values(), ...server.ordered].map((l) => l.target).concat(server.root ? [server.root] : []);
        for (const t of targets) if (t.path === path && !t.canary) t.canary = canary;
      }
    }
  }
  for (const server of [...servers.values(), catchAll]) {
    // Longest prefix first; regexes in the controller's order (path descending, as strings).
    server.ordered.sort((a, b) => (a.kind === "regex" ? (a.path < b.path ? 1 : a.path > b.path ? -1 : 0) : b.path.length - a.path.length));
  }
  const wildcards = [...servers].filter(([h]) => h.startsWith("*.")).map(([h, s]): [string, Server] => [h.slice(1), s]);
  wildcards.sort((a, b) => b[0].length - a[0].length);
  return { servers, wildcards, catchAll, tlsHosts, affinity, count };
}

// One table per (Ingresses, IngressClasses) pair of records: rebuilt only when either changes.
// Records are known by identity and write count: a transaction writes its copy of a record in
// place, so identity alone would keep a table built before an Ingress changed in the same one.
interface TableEntry {
  writes: number;
  classes: object | undefined;
  classWrites: number;
  annotationClass: string;
  table: RoutingTable;
}
const tables = new WeakMap<object, TableEntry>();

export function routingTable(state: ClusterState, annotationClass = "nginx"): RoutingTable {
  const ingresses = state.objects?.ingresses;
  if (!ingresses) return buildTable(state, annotationClass);
  const classes = state.objects?.ingressclasses;
  const hit = tables.get(ingresses);
  if (
    hit &&
    hit.writes === writeCount(ingresses) &&
    hit.classes === classes &&
    hit.classWrites === (classes ? writeCount(classes) : 0) &&
    hit.annotationClass === annotationClass
  )
    return hit.table;
  const table = buildTable(state, annotationClass);
  tables.set(ingresses, { writes: writeCount(ingresses), classes, classWrites: classes ? writeCount(classes) : 0, annotationClass, table });
  return table;
}

/** The host nginx matches servers on: the Host header without its port, lower-cased. */
export function requestHost(request: HttpRequest): string {
  const h = (header(request, "Host") ?? "").toLowerCase();
  return h.startsWith("[") ? h.slice(0, h.indexOf("]") + 1) : h.replace(/:\d*$/, "");
}

export type IngressMatch = ({ kind: "rule"; target: IngressTarget; server: string } | { kind: "default"; server: string }) & { appRoot?: string };

/** Which rule takes a request for host and path (the path without its query). */
export function matchIngress(table: RoutingTable, host: string, path: string): IngressMatch {
  let name = host;
  let server = table.servers.get(host);
  if (!server || host === "_") {
    server = undefined;
    for (const [suffix, s] of table.wildcards) {
      if (host.endsWith(suffix) && host.length > suffix.length) {
        server = s;
        name = `*${suffix}`;
        break;
      }
    }
  }
  if (!server) {
    server = table.catchAll;
    name = "_";
  }
  // Plain properties, no spreads: this runs once per routed request.
  const appRoot = server.appRoot;
  const exact = server.exact.get(path);
  if (exact) return { kind: "rule", target: exact.target, server: name, appRoot };
  for (const l of server.ordered) {
    if (l.kind === "regex" ? l.regex!.test(path) : path.startsWith(l.path)) return { kind: "rule", target: l.target, server: name, appRoot };
  }
  if (server.root) return { kind: "rule", target: server.root, server: name, appRoot };
  return { kind: "default", server: name, appRoot };
}

/** nginx's rewrite of the URI with rewrite-target: `$1`..`$9` are the location regex's groups. */
export function rewritePath(target: IngressTarget, uri: string): string {
  if (!target.rewrite) return uri;
  const m = new RegExp(`^${target.path}`, "i").exec(uri.replace(/\?.*$/, ""));
  const out = target.rewrite.replace(/\$(\d)/g, (_, d: string) => m?.[Number(d)] ?? "");
  const query = uri.includes("?") ? uri.slice(uri.indexOf("?")) : "";
  return out + query;
}

function errorPage(status: number, reason: string): string {
  return `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

function nginxPage(request: HttpRequest, now: number, status: number, reason: string, extra: Array<[string, string]> = []): HttpResponse {
  const body = errorPage(status, reason);
  return httpReply(request, status, reason, [["Date", httpDate(now)], ["Content-Type", "text/html"], contentLength(body), ["Connection", "keep-alive"], ...extra], body);
}

/** What the backend's answer looks like after nginx: its own Date and Connection, no Server (more_clear_headers). */
function relayed(reply: HttpResponse, now: number): HttpResponse {
  const drop = new Set(["server", "date", "connection", "keep-alive", "content-type", "content-length", "transfer-encoding"]);
  const get = (name: string) => reply.headers.find(([k]) => k.toLowerCase() === name)?.[1];
  const headers: Array<[string, string]> = [["Date", httpDate(now)]];
  const type = get("content-type");
  if (type !== undefined) headers.push(["Content-Type", type]);
  const length = get("content-length");
  if (length !== undefined) headers.push(["Content-Length", length]);
  headers.push(["Connection", "keep-alive"]);
  for (const h of reply.headers) if (!drop.has(h[0].toLowerCase())) headers.push(h);
  return { ...reply, version: "HTTP/1.1", headers };
}

export interface ProxyLeg {
  /** What the backend answered, or how the connection failed. */
  outcome: { kind: "reply"; reply: Reply } | { kind: "refused" | "timed-out" | "not-resolved" };
  /** The inner connection's hops (from the controller pod to the backend pod and its process). */
  hops: Hop[];
}

export interface IngressRequest {
  state: ClusterState;
  index: NetIndex;
  request: HttpRequest;
  client: Endpoint;
  /** The port the connection arrived at inside the controller pod (80). */
  local: Endpoint;
  now: number;
  logged: number;
  /** Picks among the endpoints (the balancer's round robin, replayable). */
  pick(n: number): number;
  /** The controller's --ingress-class. */
  annotationClass: string;
  /** Opens the connection to an endpoint and exchanges the proxied request. */
  forward(to: Endpoint, request: HttpRequest): ProxyLeg;
  /** The request came over TLS on the https port, in this protocol ("HTTP/2.0" after ALPN h2). */
  https?: { protocol: "HTTP/1.1" | "HTTP/2.0" };
}

/** The template's HSTS header (hsts, hsts-max-age 31536000, hsts-include-subdomains defaults), sent on https. */
export const HSTS: [string, string] = ["Strict-Transport-Security", "max-age=31536000; includeSubDomains"];

export interface IngressResult {
  reply: HttpResponse;
  log: string[];
  /** What the controller did, for its hop in the trace. */
  note: string;
  /** The Service hop and the proxied connection's hops, after the controller's. */
  hops: Hop[];
}

/** One request on the controller's http or https port: match, rewrite, proxy, log. */
export function serveIngress(req: IngressRequest): IngressResult {
  const result = routeIngress(req);
  if (!req.https) return result;
  return { ...result, reply: { ...result.reply, headers: [...result.reply.headers, HSTS] } };
}

function routeIngress(req: IngressRequest): IngressResult {
  const { request, now } = req;
  const table = routingTable(req.state, req.annotationClass);
  const host = requestHost(request);
  const path = request.target.replace(/\?.*$/, "");
  const match = matchIngress(table, host, path);
  const scheme = req.https ? "https" : "http";
  // The server-level `if ($uri = /)` of app-root runs before nginx picks a location.
  if (match.appRoot !== undefined && path === "/") {
    const reply = nginxPage(request, now, 302, "Found", [["Location", `${scheme}://${header(request, "Host") ?? host}${match.appRoot}`]]);
    return { reply, log: [accessLogLine(req, reply, { name: "-", none: true })], note: `app-root on host ${match.server}: a request for / answers 302 to ${match.appRoot}.`, hops: [] };
  }
  if (match.kind === "default") {
    const reply = defaultBackendReply(request, now);
    const log = accessLogLine(req, reply, { name: "upstream-default-backend", addr: DEFAULT_BACKEND_ADDRESS, length: byteLength(INGRESS_NGINX_404), status: 404 });
    return { reply, log: [log], note: `No Ingress rule of class nginx matches host "${host || "(none)"}" and path ${path} (server ${match.server}): the default backend answers 404.`, hops: [] };
  }
  const t = match.target;
  const rule = `${t.ingress}: ${t.host === "_" ? "*" : t.host}${t.path} (${t.pathType}, location ${t.location})`;
  const upstreamName = `${t.namespace}-${t.service}-${t.port.number ?? t.port.name}`;
  // client_max_body_size is checked as the location is found, before its rewrite phase (keep-alive off).
  const bodyLength = Number(header(request, "Content-Length") ?? byteLength(request.body ?? ""));
  if (t.bodyLimit > 0 && bodyLength > t.bodyLimit) {
    const reply = closeConnection(nginxPage(request, now, 413, "Request Entity Too Large"));
    return { reply, log: [accessLogLine(req, reply, { name: upstreamName, none: true })], note: `Rule ${rule} matched; the body (${bodyLength} bytes) is over proxy-body-size (${t.bodyLimit}): 413.`, hops: [] };
  }
  // A denied location holds only `return 503` (no CORS, no redirect, no proxying).
  if (t.denied !== undefined) {
    const reply = nginxPage(request, now, 503, "Service Temporarily Unavailable");
    return { reply, log: [accessLogLine(req, reply, { name: upstreamName, none: true })], note: `Rule ${rule} matched, but its location is denied: allowlist-source-range entry "${t.denied}" is no address or CIDR, so nginx answers 503.`, hops: [] };
  }
  // The location's rewrite phase: CORS (a preflight OPTIONS answers 204), then the redirect annotations' return.
  const cors = t.cors ? corsHeaders(t.cors, request) : undefined;
  const withCors = (reply: HttpResponse): HttpResponse => (cors ? { ...reply, headers: [...reply.headers, ...cors] } : reply);
  if (cors && request.method === "OPTIONS") {
    const reply = httpReply(request, 204, "No Content", [["Date", httpDate(now)], ["Connection", "keep-alive"], ...cors, ["Content-Type", "text/plain charset=UTF-8"], ["Content-Length", "0"]], "");
    return { reply, log: [accessLogLine(req, reply, { name: upstreamName, none: true })], note: `Rule ${rule} matched; enable-cors answers the preflight OPTIONS with 204.`, hops: [] };
  }
  if (t.redirect) {
    const reply = withCors(nginxPage(request, now, t.redirect.code, REASONS[t.redirect.code] ?? "", [["Location", t.redirect.url]]));
    return { reply, log: [accessLogLine(req, reply, { name: upstreamName, none: true })], note: `Rule ${rule} matched; its redirect annotation answers ${t.redirect.code} to ${t.redirect.url}.`, hops: [] };
  }
  if ((t.sslRedirect || t.forceSslRedirect) && !req.https) {
    // force-ssl-redirect's default code (ssl-redirect-code), to the same host and URI over https.
    const reply = withCors(nginxPage(request, now, 308, "Permanent Redirect", [["Location", `https://${header(request, "Host") ?? host}${request.target}`]]));
    const why = t.sslRedirect ? "the host has TLS, so ssl-redirect" : "force-ssl-redirect";
    return { reply, log: [accessLogLine(req, reply, { name: upstreamName, none: true })], note: `Rule ${rule} matched; ${why} answers 308 to https.`, hops: [] };
  }
  // The access phase: allow each listed range, deny all others.
  if (t.allowlist && !t.allowlist.some((r) => r.contains(req.client.ip))) {
    const reply = withCors(nginxPage(request, now, 403, "Forbidden"));
    return { reply, log: [accessLogLine(req, reply, { name: upstreamName, none: true })], note: `Rule ${rule} matched; ${req.client.ip} (the address nginx sees) is not in allowlist-source-range ${t.allowlist.map((r) => r.text).join(",")}: 403.`, hops: [] };
  }
  // The Lua balancer's route_to_alternative_balancer: the header, then the cookie, then the weight.
  const upstreamOf = (b: { namespace: string; service: string; port: { number?: number; name?: string } }) => `${b.namespace}-${b.service}-${b.port.number ?? b.port.name}`;
  const useCanary = t.canary !== undefined && (affinitized(table, request, upstreamOf(t), upstreamOf(t.canary)) ?? routeToCanary(t.canary, request, req.pick));
  const backend = useCanary ? t.canary! : t;
  const sticky = table.affinity.get(upstreamOf(backend));
  const alternative = t.canary ? { alternative: `${t.canary.namespace}-${t.canary.service}-${t.canary.port.number ?? t.canary.port.name}` } : {};
  const serviceKey = backend.serviceKey;
  const sp = req.index.portsOfService(serviceKey).find((p) => p.protocol === "TCP" && (backend.port.number !== undefined ? p.port.port === backend.port.number : p.port.name === backend.port.name));
  const endpoints = sp ? req.index.endpoints(sp) : [];
  const serviceHop: Hop = {
    kind: "service",
    label: `service ${serviceKey}`,
    ref: { kind: "Service", namespace: backend.namespace, name: backend.service },
    note: sp
      ? `ingress-nginx balances over the Service's ready endpoints itself (${endpoints.length}, from its EndpointSlices), not through its ClusterIP.`
      : req.state.services[serviceKey]
        ? `Service ${serviceKey} has no port ${backend.port.number ?? backend.port.name}.`
        : `Service ${serviceKey} does not exist.`,
  };
  if (endpoints.length === 0) {
    const reply = nginxPage(request, now, 503, "Service Temporarily Unavailable");
    return { reply, log: [accessLogLine(req, reply, { name: upstreamName, none: true, ...alternative })], note: `Rule ${rule} matched, but ${serviceKey} has no ready endpoint: 503.`, hops: [serviceHop] };
  }
  // A sticky upstream's balancer (sticky_balanced or sticky_persistent) instead of round robin.
  const stuck = sticky
    ? stickyBalance({
        affinity: sticky.config,
        upstream: upstreamOf(backend),
        endpoints: endpoints.map((e) => e.text),
        cookie: cookieValue(request, sticky.config.name),
        locationPath: t.path,
        setsCookie: sticky.locations.has(`${t.host}\n${t.path}`),
        https: req.https !== undefined,
        now,
        pick: req.pick,
      })
    : undefined;
  const endpoint = endpoints[stuck ? stuck.index : endpoints.length === 1 ? 0 : req.pick(endpoints.length)];
  const withCookie = (reply: HttpResponse): HttpResponse => (stuck?.setCookie ? setCookie(reply, stuck.setCookie) : reply);
  const stickyNote = stuck ? ` (affinity: ${stuck.why})` : "";
  const uri = rewritePath(t, request.target);
  const hostHeader = header(request, "Host") ?? "";
  const proxied: HttpRequest = {
    method: request.method,
    target: uri,
    headers: [
      ["Host", hostHeader],
      ["X-Request-ID", requestId(req)],
      ["X-Real-IP", req.client.ip],
      ["X-Forwarded-For", req.client.ip],
      ["X-Forwarded-Host", hostHeader],
      ["X-Forwarded-Port", String(req.local.port)],
      ["X-Forwarded-Proto", scheme],
      ["X-Forwarded-Scheme", scheme],
      ["X-Scheme", scheme],
      ...request.headers.filter(([k]) => !["host", "connection"].includes(k.toLowerCase())),
    ],
    ...(request.body !== undefined ? { body: request.body } : {}),
  };
  const leg = req.forward({ ip: endpoint.ip, port: endpoint.port }, proxied);
  const rewritten = uri !== request.target ? ` rewritten to ${uri}` : "";
  if (leg.outcome.kind !== "reply" || leg.outcome.reply.kind !== "http") {
    const timedOut = leg.outcome.kind === "timed-out";
    const reply = withCookie(timedOut ? nginxPage(request, now, 504, "Gateway Time-out") : nginxPage(request, now, 502, "Bad Gateway"));
    const log = accessLogLine(req, reply, { name: upstreamName, addr: endpoint.text, length: 0, status: timedOut ? 504 : 502, ...alternative });
    return { reply, log: [log], note: `Rule ${rule} matched; ${endpoint.text}${stickyNote}${rewritten} did not answer HTTP: ${reply.status}.`, hops: [serviceHop, ...leg.hops] };
  }
  const answer = leg.outcome.reply;
  const reply = withCookie(withCors(relayed(request.method === "HEAD" ? { ...answer, body: "" } : answer, now)));
  const log = accessLogLine(req, reply, { name: upstreamName, addr: endpoint.text, length: byteLength(answer.body), status: answer.status, ...alternative });
  const via = useCanary ? ` (the canary ${t.canary!.ingress})` : "";
  return { reply, log: [log], note: `Rule ${rule} matched: proxied to ${endpoint.text}${via}${stickyNote}${rewritten}.`, hops: [serviceHop, ...leg.hops] };
}
