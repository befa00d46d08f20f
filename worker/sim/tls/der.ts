// ASN.1 DER, the little of it X.509 certificates and PKCS#8 keys use (X.690 §8, §10): a tag, a
// definite length, contents. Hand-written because the simulation runs synchronously and
// deterministically: the X.509 libraries that fit a Worker (@peculiar/x509, pkijs) sign and
// generate keys through the asynchronous WebCrypto API and pull in asn1js and a DI container.

import { utf8Bytes } from "../base64.ts";

export type Der = { tag: number; bytes: readonly number[] } | { tag: number; children: readonly Der[] };

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

const CONSTRUCTED = 0x20;

export const sequence = (...children: Der[]): Der => ({ tag: TAG.SEQUENCE, children });
export const set = (...children: Der[]): Der => ({ tag: TAG.SET, children });
/** [n] EXPLICIT: a constructed context-specific tag around one element. */
export const explicit = (n: number, child: Der): Der => ({ tag: 0xa0 | n, children: [child] });
/** [n] IMPLICIT of a primitive: the element's contents under a context-specific tag. */
export const implicit = (n: number, bytes: readonly number[]): Der => ({ tag: 0x80 | n, bytes });
export const octets = (bytes: readonly number[]): Der => ({ tag: TAG.OCTET_STRING, bytes });
export const nullValue = (): Der => ({ tag: TAG.NULL, bytes: [] });
export const boolean = (value: boolean): Der => ({ tag: TAG.BOOLEAN, bytes: [value ? 0xff : 0] });
/** A BIT STRING of whole bytes (no unused bits). */
export const bits = (bytes: readonly number[]): Der => ({ tag: TAG.BIT_STRING, bytes: [0, ...bytes] });
export const text = (tag: number, value: string): Der => ({ tag, bytes: utf8Bytes(value) });

/** INTEGER from big-endian magnitude bytes (non-negative): a leading 0 keeps the sign bit clear. */
export function unsigned(bytes: readonly number[]): Der {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.slice(i);
  return { tag: TAG.INTEGER, bytes: trimmed.length === 0 ? [0] : trimmed[0] & 0x80 ? [0, ...trimmed] : trimmed };
}

export function integer(value: number): Der {
  const out: number[] = [];
  let v = value;
  do {
    out.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  return unsigned(out);
}

export function oid(dotted: string): Der {
  const parts = dotted.split(".").map(Number);
  const out = [parts[0] * 40 + parts[1]];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [];
    let v = part;
    do {
      chunk.unshift((v & 0x7f) | (chunk.length ? 0x80 : 0));
      v = Math.floor(v / 128);
    } while (v > 0);
    out.push(...chunk);
  }
  return { tag: TAG.OID, bytes: out };
}

export function oidText(bytes: readonly number[]): string {
  const parts = [Math.floor(bytes[0] / 40), bytes[0] % 40];
  let v = 0;
  for (const b of bytes.slice(1)) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join(".");
}


function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

export function encode(node: Der): number[] {
  const contents = "children" in node ? node.children.flatMap(encode) : [...node.bytes];
  return [node.tag, ...lengthBytes(contents.length), ...contents];
}

/** One decoded element: its tag, contents, and the bytes it took (for the signed part of a certificate). */
export interface Decoded {
  tag: number;
  contents: number[];
  raw: number[];
}

/** The elements in a run of DER bytes; undefined when they are not well formed. */
export function decodeAll(bytes: readonly number[]): Decoded[] | undefined {
  const out: Decoded[] = [];
  let i = 0;
  while (i < bytes.length) {
    if (i + 2 > bytes.length) return undefined;
    const tag = bytes[i];
    let length = bytes[i + 1];
    let start = i + 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count === 0 || count > 4 || start + count > bytes.length) return undefined;
      length = 0;
      for (let j = 0; j < count; j++) length = length * 256 + bytes[start + j];
      start += count;
    }
    if (start + length > bytes.length) return undefined;
    out.push({ tag, contents: bytes.slice(start, start + length), raw: bytes.slice(i, start + length) });
    i = start + length;
  }
  return out;
}

/** The children of a constructed element. */
export function childrenOf(node: Decoded): Decoded[] | undefined {
  return node.tag & CONSTRUCTED ? decodeAll(node.contents) : undefined;
}
