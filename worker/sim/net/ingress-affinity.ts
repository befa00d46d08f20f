// ingress-nginx's cookie session affinity (nginx.ingress.kubernetes.io/affinity: cookie), as the
// controller at controller-v1.15.1 configures it (annotations/sessionaffinity, controller.go
// createUpstreams) and its Lua balancer applies it (balancer/sticky.lua with sticky_balanced.lua or
// sticky_persistent.lua, lua-resty-balancer v0.05's resty.chash, lua-resty-cookie f418d77):
// - the cookie's value is `<upstream key>|<backend key>`, the backend key ngx.md5(ngx.md5(name) .. name)
//   of the upstream (`namespace-service-port`);
// - balanced (the default mode): the upstream key is a fresh "<ngx.now()+1>.<worker pid>.<random>"
//   and the endpoint is where its CRC-32 falls on the consistent-hash ring of the endpoints (160
//   points each); any key finds an endpoint, so a cookie whose pod is gone lands on another without
//   a new cookie;
// - persistent: the upstream key is ngx.md5(upstream name .. "ip:port"), and a key no endpoint has
//   any more (its pod is gone) picks a new endpoint at random and sets a new cookie;
// - the cookie is set only on a location of an Ingress that asked for it, with Path (the annotation,
//   else the Ingress path), Expires, Max-Age, Domain, Secure (the annotation, else when the request
//   came over https), HttpOnly and SameSite (lua-resty-cookie drops any spelling but Strict, Lax and None).

import { crc32, crc32Update } from "./crc32.ts";
import { md5Hex } from "./md5.ts";
import { NGINX_FIRST_WORKER_PID } from "./apps/nginx.ts";
import { utf8 } from "./sha256.ts";

const A = "nginx.ingress.kubernetes.io/";

export interface CookieAffinity {
  mode: "balanced" | "persistent";
  name: string;
  path?: string;
  expires?: string;
  maxAge?: string;
  domain?: string;
  secure: boolean;
  sameSite?: string;
}

// parser.BasicCharsRegex and parser.URLIsValidRegex, and the sessionaffinity parser's expires regex.
const BASIC_CHARS = /^[/\-._~a-zA-Z0-9/:]*$/;
const URL_CHARS = /^[\-._~a-zA-Z0-9/:,:?&=]*$/;
const EXPIRES = /(^0|-?[1-9]\d*$)/;
const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);

/**
 * The Ingress's cookie affinity, or undefined without `affinity: cookie`. A value its validator
 * rejects is as if it were absent (the parser logs it and keeps the default).
 */
export function cookieAffinityOf(ann: Readonly<Record<string, string>>): CookieAffinity | undefined {
  const text = (key: string, valid?: RegExp, removeSpace = true): string | undefined => {
    const value = ann[`${A}${key}`];
    if (value === undefined || value === "") return undefined;
    const checked = removeSpace ? value.replaceAll(" ", "") : value;
    if (valid && (!valid.test(checked) || /\r|\n/.test(checked))) return undefined;
    const normalized = value.split("\n").map((line) => line.trim()).join("\n");
    return normalized === "" ? undefined : normalized;
  };
  // ValidateOptions(["cookie"], case-sensitive, trimmed).
  if (text("affinity")?.trim() !== "cookie") return undefined;
  const mode = text("affinity-mode")?.trim();
  const expires = text("session-cookie-expires", EXPIRES);
  const maxAge = text("session-cookie-max-age", EXPIRES, false);
  const sameSite = text("session-cookie-samesite");
  const out: CookieAffinity = {
    // The Lua takes persistent only when the mode says so; anything else is balanced.
    mode: mode === "persistent" ? "persistent" : "balanced",
    name: text("session-cookie-name", BASIC_CHARS) ?? "INGRESSCOOKIE",
    secure: TRUE.has(ann[`${A}session-cookie-secure`] ?? ""),
  };
  const path = text("session-cookie-path", URL_CHARS);
  if (path) out.path = path;
  // The parser checks the regex again on the normalized value; the Lua adds tonumber() of it.
  if (expires && EXPIRES.test(expires) && Number.isFinite(Number(expires))) out.expires = expires;
  if (maxAge && EXPIRES.test(maxAge) && Number.isFinite(Number(maxAge))) out.maxAge = maxAge;
  const domain = text("session-cookie-domain", BASIC_CHARS);
  if (domain) out.domain = domain;
  if (sameSite && ["none", "lax", "strict"].includes(sameSite.trim().toLowerCase())) out.sameSite = sameSite;
  return out;
}

/** sticky.lua's backend_key. */
export function backendKey(upstream: string): string {
  return md5Hex(md5Hex(upstream) + upstream);
}

interface Ring {
  hashes: Uint32Array;
  nodes: number[];
}

const rings = new Map<string, Ring>();

/** resty.chash's points: for each node, 160 CRC-32s chained from crc32(node) (chash_point_init), sorted. */
function ringOf(nodes: readonly string[]): Ring {
  const id = nodes.join(",");
  const hit = rings.get(id);
  if (hit) return hit;
  const points: Array<[number, number]> = [];
  nodes.forEach((node, index) => {
    // base_hash = crc32(id) ^ 0xffffffff: the running CRC of the node's text, continued with the previous point.
    const base = crc32Update(0xffffffff, utf8(node));
    let prev = 0;
    for (let i = 0; i < 160; i++) {
      const hash = (crc32Update(base, [prev & 0xff, (prev >>> 8) & 0xff, (prev >>> 16) & 0xff, (prev >>> 24) & 0xff]) ^ 0xffffffff) >>> 0;
      points.push([hash, index]);
      prev = hash;
    }
  });
  points.sort((x, y) => x[0] - y[0]);
  const ring = { hashes: Uint32Array.from(points, (p) => p[0]), nodes: points.map((p) => p[1]) };
  if (rings.size > 256) rings.clear();
  rings.set(id, ring);
  return ring;
}

/** resty.chash find: the first point at or after crc32(key), wrapping to the first. */
function chashFind(nodes: readonly string[], key: string): number {
  const ring = ringOf(nodes);
  const h = crc32(utf8(key));
  let lo = 0, hi = ring.hashes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ring.hashes[mid] < h) lo = mid + 1;
    else hi = mid;
  }
  return ring.nodes[lo === ring.hashes.length ? 0 : lo];
}

const nodeMaps = new Map<string, Map<string, number>>();

/** util/nodemap.lua's map: ngx.md5(salt .. endpoint) to the endpoint (its index), the salt the upstream name. */
function nodeMap(upstream: string, endpoints: readonly string[]): Map<string, number> {
  const id = `${upstream}\n${endpoints.join(",")}`;
  let map = nodeMaps.get(id);
  if (!map) {
    map = new Map(endpoints.map((e, i) => [md5Hex(upstream + e), i]));
    if (nodeMaps.size > 256) nodeMaps.clear();
    nodeMaps.set(id, map);
  }
  return map;
}

/** Lua's tostring of a number ("%.14g"). */
function luaNumber(n: number): string {
  return String(Number(n.toPrecision(14)));
}

const WEEK = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** ngx.cookie_time (ngx_http_cookie_time): a two-digit year up to 2037. */
function cookieTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const year = d.getUTCFullYear();
  const p = (n: number) => String(n).padStart(2, "0");
  return `${WEEK[d.getUTCDay()]}, ${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${year > 2037 ? year : p(year % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} GMT`;
}

/** The request's cookie as resty.cookie reads it, split at the first `|` into upstream and backend keys. */
export function stickyCookie(cookie: string | undefined): { upstreamKey?: string; backendKey?: string } {
  if (cookie === undefined || cookie === "") return {};
  const parts = cookie.split("|").filter((p) => p !== "");
  return { ...(parts[0] !== undefined ? { upstreamKey: parts[0] } : {}), ...(parts[1] !== undefined ? { backendKey: parts[1] } : {}) };
}

export interface StickyPick {
  /** Index into the endpoints. */
  index: number;
  /** The Set-Cookie header's value, when the balancer set one. */
  setCookie?: string;
  /** Why this endpoint, for the trace. */
  why: string;
}

/**
 * sticky.lua balance(): the endpoint the cookie's key finds, else a new pick (and a cookie on a
 * location that asked for one).
 */
export function stickyBalance(args: {
  affinity: CookieAffinity;
  upstream: string;
  endpoints: readonly string[];
  cookie: string | undefined;
  /** ngx.var.location_path: the Ingress path of the matched location. */
  locationPath: string;
  /** The matched location belongs to an Ingress that set the affinity (should_set_cookie). */
  setsCookie: boolean;
  https: boolean;
  now: number;
  pick(n: number): number;
}): StickyPick {
  const { affinity, upstream, endpoints } = args;
  const key = stickyCookie(args.cookie).upstreamKey;
  let index: number | undefined;
  if (key !== undefined) {
    if (affinity.mode === "balanced") index = chashFind(endpoints, key);
    else {
      index = nodeMap(upstream, endpoints).get(key);
    }
    if (index !== undefined) return { index, why: `its ${affinity.name} cookie sticks it to ${endpoints[index]}` };
  }
  let newKey: string;
  if (affinity.mode === "balanced") {
    // pick_new_upstream's first try: nothing has failed yet in this request.
    newKey = `${luaNumber(args.now / 1000 + 1)}.${NGINX_FIRST_WORKER_PID}.${args.pick(999999) + 1}`;
    index = chashFind(endpoints, newKey);
  } else {
    index = endpoints.length === 1 ? 0 : args.pick(endpoints.length);
    newKey = md5Hex(upstream + endpoints[index]);
  }
  const why = key === undefined ? `no ${affinity.name} cookie: picked ${endpoints[index]}` : `its ${affinity.name} cookie names no endpoint any more: picked ${endpoints[index]}`;
  if (!args.setsCookie) return { index, why };
  const secure = affinity.secure || args.https;
  const sameSite = affinity.sameSite === "Strict" || affinity.sameSite === "Lax" || affinity.sameSite === "None" ? affinity.sameSite : undefined;
  const cookie =
    `${affinity.name}=${newKey}|${backendKey(upstream)}` +
    (affinity.expires ? `; Expires=${cookieTime(Math.floor(args.now / 1000) + Number(affinity.expires))}` : "") +
    (affinity.maxAge ? `; Max-Age=${Number(affinity.maxAge)}` : "") +
    (affinity.domain ? `; Domain=${affinity.domain}` : "") +
    `; Path=${affinity.path ?? args.locationPath}` +
    (secure ? "; Secure" : "") +
    "; HttpOnly" +
    (sameSite ? `; SameSite=${sameSite}` : "");
  return { index, setCookie: cookie, why: `${why}, and set the ${affinity.name} cookie` };
}
