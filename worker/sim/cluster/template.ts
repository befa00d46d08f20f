// A new session's cluster as a copy of a template. The bootstrap (bootstrap.ts) replays a
// cluster's first minutes through the API server and the controllers, which costs tens of ms;
// only its identity (uids, generated name suffixes, container ids, machine ids, VTEP MACs) and
// its clock depend on the session. So the bootstrap runs once per (profile, maxObjects) with a
// fixed seed at a fixed time, its JSON text is cut at every identity token and every time, and a
// session fills those holes: identities drawn from its own seed, times moved to its clock.
//
// The template's times are recognisable because TEMPLATE_NOW is far from any real clock: a number
// within a day of it is a time, as is an RFC 3339 string within a day of it. The shift is whole seconds,
// so a filled template equals the bootstrap at that (whole-second) time with the template's seed
// and the identities swapped (test/sim/cluster/template.test.ts checks this).
import { createRandom, type Random } from "../random.ts";
import { bootstrapCluster } from "./bootstrap.ts";
import { fnv32a, NAME_ALPHABET, newContainerID, newHex, newUid, randomSuffix, rfc3339 } from "./ids.ts";
import { type ClusterProfile, DEFAULT_PROFILE } from "./profile.ts";
import { KUBE_PROXY_CONFIG_MAP_UID } from "./kube-proxy-config.ts";
import type { ClusterState } from "./types.ts";
import { rememberJsonText } from "../json-text.ts";

/** 2100-01-01T00:00:00Z: a whole second, and no session's clock is near it. */
export const TEMPLATE_NOW = Date.UTC(2100, 0, 1);
export const TEMPLATE_SEED = 0x5eed;
const WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * "derived": a uid the bootstrap drew from a stream of its own (the kube-proxy ConfigMap's), made
 * for a session from the identities drawn before it instead of from the session's stream, so that
 * adding it moved no other draw of existing seeds.
 */
type TokenKind = "uid" | "container" | "machine" | "mac" | "suffix" | "derived";

interface Token {
  kind: TokenKind;
  value: string;
}

type Hole =
  | { kind: "token"; index: number }
  /** A time as a JSON number (ms). */
  | { kind: "ms"; at: number }
  /** A time as RFC 3339 text (seconds, maybe a fraction: metav1.Time, MicroTime), quotes outside. */
  | { kind: "text"; at: number; fraction: string }
  /** An event name's time part: milliseconds in hex (events.ts eventName). */
  | { kind: "hex"; at: number };

/** A place in the template's text: `offset` characters into part `part`. */
interface Place {
  part: number;
  offset: number;
}

/**
 * Where one of the cluster's storage rows is in the text, as storage.ts stores them, a row per
 * member: an object field's member (its key's JSON text starts at `keyStart`: a key may hold a
 * generated name, so it is read from the filled text) or an array field's element `index`.
 */
interface RowSpan {
  field: string;
  keyStart?: Place;
  index?: number;
  start: Place;
  end: Place;
}

export interface ClusterTemplate {
  /** The template's JSON text between the holes: parts.length === holes.length + 1. */
  readonly parts: readonly string[];
  readonly holes: readonly Hole[];
  /** The template's own identity values, in the order a session draws its replacements. */
  readonly tokens: readonly Token[];
  /** The rows' places, so that a filled cluster's rows keep their text (json-text.ts); empty when they could not be placed. */
  readonly rows: readonly RowSpan[];
}

const inWindow = (ms: number): boolean => Number.isInteger(ms) && Math.abs(ms - TEMPLATE_NOW) <= WINDOW_MS;
const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z$/;

// Markers the serialiser leaves where a time was: private-use characters, which no object's text holds.
const OPEN = "\uE000";
const CLOSE = "\uE001";

/** Cuts a bootstrapped cluster (built at TEMPLATE_NOW) into a template. */
export function compileTemplate(cluster: ClusterState): ClusterTemplate {
  const replacer = (key: string, value: unknown): unknown => {
    if (typeof value === "number" && inWindow(value)) return `${OPEN}m${value}${CLOSE}`;
    if (typeof value !== "string") return value;
    if (value.length >= 20 && value[10] === "T" && RFC3339.test(value) && inWindow(Date.parse(value.replace(/\.\d+Z$/, "Z")))) return `${OPEN}t${value}${CLOSE}`;
    if (key === "eventName") {
      // name.<ms in hex><5 hex digits>: the name part may hold a token, the ms part is a time.
      const dot = value.lastIndexOf(".");
      const hex = value.slice(dot + 1, -5);
      if (dot > 0 && inWindow(parseInt(hex, 16))) return `${value.slice(0, dot + 1)}${OPEN}h${hex}${CLOSE}${value.slice(-5)}`;
    }
    return value;
  };
  const { text, rows: rowOffsets } = rowTexts(cluster as unknown as Record<string, unknown>, replacer);
  const tokens = identityTokens(cluster);
  const indexOf = new Map(tokens.map((t, i) => [t.value, i]));
  // Every word-like run that could be a token (a container id, a uid, a MAC, or an alphanumeric
  // word between non-alphanumeric characters, as a name suffix after '-') is looked up; one
  // pattern of shapes is far cheaper to run than an alternation of every token.
  const times = `"${OPEN}m(\\d+)${CLOSE}"|${OPEN}t([^${CLOSE}]*)${CLOSE}|${OPEN}h([0-9a-f]+)${CLOSE}`;
  const words = "(?<![A-Za-z0-9])(containerd://[0-9a-f]{64}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{2}(?::[0-9a-f]{2}){5}|[0-9a-z]+)(?![A-Za-z0-9])";
  const pattern = new RegExp(`${times}|${words}`, "g");
  const parts: string[] = [];
  const holes: Hole[] = [];
  /** Where each part starts in `text`. */
  const partStarts: number[] = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    const token = m[4] === undefined ? undefined : indexOf.get(m[4]);
    if (m[4] !== undefined && token === undefined) continue;
    partStarts.push(last);
    parts.push(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[1] !== undefined) holes.push({ kind: "ms", at: Number(m[1]) });
    else if (m[2] !== undefined) {
      const [, seconds, fraction = ""] = RFC3339.exec(m[2])!;
      holes.push({ kind: "text", at: Date.parse(`${seconds}Z`), fraction });
    } else if (m[3] !== undefined) holes.push({ kind: "hex", at: parseInt(m[3], 16) });
    else holes.push({ kind: "token", index: token! });
  }
  partStarts.push(last);
  parts.push(text.slice(last));
  if (parts.some((p) => p.includes(OPEN) || p.includes(CLOSE))) throw new Error("template: a marked time was left uncut");
  // A text offset as a place in a part (offsets inside a hole have none: then no row keeps its text).
  let at = 0;
  const place = (offset: number): Place | undefined => {
    while (at < parts.length - 1 && partStarts[at] + parts[at].length < offset) at++;
    const into = offset - partStarts[at];
    return into >= 0 && into <= parts[at].length ? { part: at, offset: into } : undefined;
  };
  const rows: RowSpan[] = [];
  for (const row of rowOffsets) {
    const keyStart = row.keyStart === undefined ? undefined : place(row.keyStart);
    const start = place(row.start);
    const end = place(row.end);
    if (!start || !end || (row.keyStart !== undefined && !keyStart)) return { parts, holes, tokens, rows: [] };
    rows.push({ field: row.field, ...(keyStart ? { keyStart } : { index: row.index }), start, end });
  }
  return { parts, holes, tokens, rows };
}

/**
 * JSON.stringify(cluster, replacer), made member by member so that the offsets of each storage row
 * (each member of an object field, each element of an array field) are known; no rows when the
 * text made so differs from JSON.stringify's (it never should).
 */
function rowTexts(cluster: Record<string, unknown>, replacer: (key: string, value: unknown) => unknown): { text: string; rows: Array<{ field: string; keyStart?: number; index?: number; start: number; end: number }> } {
  const whole = JSON.stringify(cluster, replacer);
  const rows: Array<{ field: string; keyStart?: number; index?: number; start: number; end: number }> = [];
  // One member as JSON.stringify writes it inside its object: `"key":text` (nothing when undefined).
  const member = (key: string, value: unknown) => JSON.stringify({ [key]: value }, replacer).slice(1, -1);
  let text = "{";
  for (const field of Object.keys(cluster)) {
    const value = cluster[field];
    const written = member(field, value);
    if (written === "") continue;
    if (text.length > 1) text += ",";
    if (Array.isArray(value)) {
      text += `${JSON.stringify(field)}:[`;
      value.forEach((element, i) => {
        if (i > 0) text += ",";
        const start = text.length;
        text += JSON.stringify([element], replacer).slice(1, -1);
        rows.push({ field, index: i, start, end: text.length });
      });
      text += "]";
    } else if (value !== null && typeof value === "object") {
      text += `${JSON.stringify(field)}:{`;
      let first = true;
      for (const key of Object.keys(value)) {
        const entry = member(key, (value as Record<string, unknown>)[key]);
        if (entry === "") continue;
        if (!first) text += ",";
        first = false;
        const prefix = JSON.stringify(key).length + 1;
        rows.push({ field, keyStart: text.length, start: text.length + prefix, end: text.length + entry.length });
        text += entry;
      }
      text += "}";
    } else text += written;
  }
  text += "}";
  return text === whole ? { text, rows } : { text: whole, rows: [] };
}

const UID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CONTAINER_ID = /^containerd:\/\/[0-9a-f]{64}$/;
const MAC = /"VtepMAC":"([0-9a-f]{2}(?::[0-9a-f]{2}){5})"/;
const SUFFIX = new RegExp(`^[${NAME_ALPHABET}]{5}$`);

/**
 * The values the bootstrap drew at random, in the order they first appear: every uid, container
 * id, machine id and VTEP MAC (the kube-proxy ConfigMap's uid as "derived"), and the suffix
 * the API server appended to a generated name (a pod of a ReplicaSet, a DaemonSet or a Job: its
 * owner's name, '-', five characters).
 */
function identityTokens(cluster: ClusterState): Token[] {
  const seen = new Map<string, TokenKind>();
  const add = (value: string, kind: TokenKind): void => {
    if (!seen.has(value)) seen.set(value, kind);
  };
  const visit = (value: unknown, key: string, owner: Record<string, unknown> | undefined): void => {
    if (typeof value === "string") {
      if (value === KUBE_PROXY_CONFIG_MAP_UID) add(value, "derived");
      else if (UID.test(value)) add(value, "uid");
      else if (CONTAINER_ID.test(value)) add(value, "container");
      else if (key === "machineID") add(value, "machine");
      else if (key === "name" && owner) {
        const generateName = (owner.generateName as string | undefined) ?? ownerPrefix(owner);
        const suffix = generateName && value.startsWith(generateName) ? value.slice(generateName.length) : "";
        if (SUFFIX.test(suffix)) add(suffix, "suffix");
      } else if (key === "flannel.alpha.coreos.com/backend-data") {
        const mac = MAC.exec(value);
        if (mac) add(mac[1], "mac");
      }
      return;
    }
    if (Array.isArray(value)) value.forEach((v) => visit(v, "", undefined));
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) visit(v, k, value as Record<string, unknown>);
  };
  visit(cluster, "", undefined);
  return [...seen].map(([value, kind]) => ({ kind, value }));
}

/** A metadata's controller's name and '-' (the prefix of the names its controller generates). */
function ownerPrefix(metadata: Record<string, unknown>): string | undefined {
  const owners = metadata.ownerReferences as { name: string; controller?: boolean; kind: string }[] | undefined;
  const owner = owners?.find((o) => o.controller && (o.kind === "ReplicaSet" || o.kind === "DaemonSet" || o.kind === "Job"));
  return owner ? `${owner.name}-` : undefined;
}

function macOf(random: Random): string {
  // A VTEP's MAC is unicast and locally administered, as bootstrap.ts makes it.
  const octets = Array.from({ length: 6 }, () => newHex(random, 2));
  octets[0] = ((parseInt(octets[0], 16) & 0xfc) | 0x02).toString(16).padStart(2, "0");
  return octets.join(":");
}

/** A session's own values for the template's tokens, drawn from its random stream (no two alike). */
export function drawIdentities(template: ClusterTemplate, random: Random): string[] {
  const taken = new Set<string>();
  return template.tokens.map((token) => {
    if (token.kind === "derived") {
      const own = createRandom(fnv32a(`${[...taken].join("|")}|${token.value}`));
      for (;;) {
        const value = newUid(own);
        if (!taken.has(value)) {
          taken.add(value);
          return value;
        }
      }
    }
    for (;;) {
      const value =
        token.kind === "uid" ? newUid(random)
        : token.kind === "container" ? newContainerID(random)
        : token.kind === "machine" ? newHex(random, 32)
        : token.kind === "mac" ? macOf(random)
        : randomSuffix(random);
      // Like the API server retrying a generated name that is taken.
      if (!taken.has(value)) {
        taken.add(value);
        return value;
      }
    }
  });
}

/** The template's cluster with these identities, its clock moved to `now` (down to the whole second). */
export function fillTemplate(template: ClusterTemplate, identities: readonly string[], now: number): ClusterState {
  const shift = Math.floor(now / 1000) * 1000 - TEMPLATE_NOW;
  const { parts, holes } = template;
  // Where each part starts in the filled text (the holes' fills vary in length).
  const starts: number[] = [0];
  let text = parts[0];
  for (let i = 0; i < holes.length; i++) {
    const hole = holes[i];
    switch (hole.kind) {
      case "token":
        text += identities[hole.index];
        break;
      case "ms":
        text += String(hole.at + shift);
        break;
      case "text":
        text += hole.fraction ? `${rfc3339(hole.at + shift).slice(0, -1)}${hole.fraction}Z` : rfc3339(hole.at + shift);
        break;
      case "hex":
        text += (hole.at + shift).toString(16);
        break;
    }
    starts.push(text.length);
    text += parts[i + 1];
  }
  const cluster = JSON.parse(text) as ClusterState;
  // Each row's object keeps its text: storing the new session does not serialise it again. The
  // fills are JSON.stringify's own forms (plain tokens, integers, RFC 3339 times), so the text of
  // an object parsed from it is what JSON.stringify makes of that object.
  const fields = cluster as unknown as Record<string, Record<string, unknown> | unknown[]>;
  const at = (place: { part: number; offset: number }) => starts[place.part] + place.offset;
  for (const row of template.rows) {
    const field = fields[row.field];
    const start = at(row.start);
    // The member's key as filled: its JSON text, up to the ':' before the value.
    const value = Array.isArray(field) ? field[row.index!] : field[JSON.parse(text.slice(at(row.keyStart!), start - 1)) as string];
    if (value !== null && typeof value === "object") rememberJsonText(value, text.slice(start, at(row.end)));
  }
  return cluster;
}

// Compiled templates, per profile and object limit: module scope, so one Worker isolate builds
// each once and every session it creates afterwards is a copy.
const templates = new Map<string, ClusterTemplate>();
const MAX_TEMPLATES = 32;

export function clusterTemplate(profile: ClusterProfile = DEFAULT_PROFILE, maxObjects?: number, layout = 0): ClusterTemplate {
  const key = JSON.stringify([profile.cni, profile.loadBalancer, profile.ingress, maxObjects ?? null, layout]);
  let template = templates.get(key);
  if (!template) {
    const cluster = bootstrapCluster({ now: TEMPLATE_NOW, random: createRandom(TEMPLATE_SEED), maxObjects, profile, layout });
    template = compileTemplate(cluster);
    if (templates.size >= MAX_TEMPLATES) templates.clear();
    templates.set(key, template);
  }
  return template;
}

/** A new cluster for a session: the profile's template with the session's identities and clock. */
export function clusterFromTemplate(options: { random: Random; now: number; profile?: ClusterProfile; maxObjects?: number; layout?: number }): ClusterState {
  const template = clusterTemplate(options.profile, options.maxObjects, options.layout);
  return fillTemplate(template, drawIdentities(template, options.random), options.now);
}
