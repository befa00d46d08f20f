// Identifiers the API server and controllers hand out: uids, container ids, the random suffixes
// of generated names, the pod-template-hash, and RFC 3339 timestamps.
import type { Random } from "../random.ts";

/** Kubernetes' alphabet for generated names: no vowels (no words), no 0/1/3 (look-alikes). */
export const NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** `utilrand.String(n)`: n characters of the name alphabet. */
export function randomSuffix(random: Random, length = 5): string {
  let out = "";
  for (let i = 0; i < length; i++) out += NAME_ALPHABET[random.int(NAME_ALPHABET.length)];
  return out;
}

// Ids are built as character codes in one reused buffer and turned into one flat string:
// appending character by character leaves V8 a rope of one node per character (2 KB for a
// container id), and a cluster keeps tens of thousands of them.
const HEX_CODES = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
const DASH = 45;
const buffer = new Uint16Array(256);
let length = 0;

function put(code: number): void {
  buffer[length++] = code;
}

function putHex(random: Random, digits: number): void {
  for (let i = 0; i < digits; i++) buffer[length++] = HEX_CODES[random.int(16)];
}

function take(): string {
  const out = String.fromCharCode.apply(null, buffer.subarray(0, length) as unknown as number[]);
  length = 0;
  return out;
}

function hex(random: Random, digits: number): string {
  let out = "";
  // Long runs go through the buffer in pieces of its size (newHex may be asked for any length).
  while (digits > 0) {
    const n = Math.min(digits, buffer.length);
    length = 0;
    putHex(random, n);
    out += take();
    digits -= n;
  }
  return out;
}

/** A version 4 UUID, as metadata.uid. */
export function newUid(random: Random): string {
  const variant = "89ab".charCodeAt(random.int(4));
  length = 0;
  putHex(random, 8);
  put(DASH);
  putHex(random, 4);
  put(DASH);
  put(52 /* 4 */);
  putHex(random, 3);
  put(DASH);
  put(variant);
  putHex(random, 3);
  put(DASH);
  putHex(random, 12);
  return take();
}

const CONTAINERD = Array.from("containerd://", (c) => c.charCodeAt(0));

/** `containerd://<64 hex>`, as containerStatuses[].containerID. */
export function newContainerID(random: Random): string {
  length = 0;
  for (const c of CONTAINERD) put(c);
  putHex(random, 64);
  return take();
}

export function newHex(random: Random, digits: number): string {
  return hex(random, digits);
}

/** FNV-1a, 32 bits: what Kubernetes' ComputeHash feeds the pod template into. */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** `rand.SafeEncodeString(fmt.Sprint(hash))`: each decimal digit mapped into the name alphabet. */
export function safeEncode(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) out += NAME_ALPHABET[text.charCodeAt(i) % NAME_ALPHABET.length];
  return out;
}

/** The pod-template-hash of a template: stable for equal templates, like controller.ComputeHash. */
export function podTemplateHash(template: unknown, collisionCount = 0): string {
  return safeEncode(String(fnv32a(canonicalJson(template) + (collisionCount ? String(collisionCount) : ""))));
}

/** JSON with object keys sorted, so equal values give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(",")}}`;
}

/** RFC 3339 with second precision in UTC, as metav1.Time marshals: 2026-01-01T00:00:05Z. */
const rfcCache = new Map<number, string>();
export function rfc3339(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  let text = rfcCache.get(seconds);
  if (text === undefined) {
    // Many objects share a second: one string for all of them keeps big clusters small.
    if (rfcCache.size > 4096) rfcCache.clear();
    text = new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
    rfcCache.set(seconds, text);
  }
  return text;
}

export function parseRfc3339(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A uid for an object derived on read (no random draw): the same seed gives the same uid. */
export function derivedUid(seed: string): string {
  const h = (s: string) => fnv32a(seed + s).toString(16).padStart(8, "0");
  const a = h("a") + h("b") + h("c") + h("d");
  // join: one flat string (a template literal would keep a rope of the pieces alive).
  return [a.slice(0, 8), a.slice(8, 12), "4" + a.slice(13, 16), "8" + a.slice(17, 20), a.slice(20, 32)].join("-");
}
