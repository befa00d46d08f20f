// Base64 (RFC 4648 standard alphabet, padded) over the UTF-8 bytes of a string, as Go's
// encoding/base64 StdEncoding does it: Secret data on the API server and the base64 program.
// Decoding reports the first bad input byte the way Go's CorruptInputError counts it.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const VALUE = new Map([...ALPHABET].map((c, i) => [c.charCodeAt(0), i]));

/** The UTF-8 bytes of a string (lone surrogates become U+FFFD, as Go's conversion does). */
export function utf8Bytes(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    let cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return out;
}

/** Text from UTF-8 bytes as Go decodes them: a byte that starts no valid sequence (overlong forms and
 * surrogates included) reads as U+FFFD. */
export function utf8Text(bytes: readonly number[]): string {
  let out = "";
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    const need = b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : 0;
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    let ok = need > 0;
    for (let k = 1; ok && k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (c & 63);
    }
    if (!ok || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || (need === 2 && cp < 0x800) || (need === 3 && cp < 0x10000)) {
      out += "\ufffd";
      i++;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

/** StdEncoding.EncodeToString of bytes. */
export function encodeBase64Bytes(bytes: readonly number[]): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET[(n >> 18) & 63] + ALPHABET[(n >> 12) & 63];
    out += i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63] : "=";
    out += i + 2 < bytes.length ? ALPHABET[n & 63] : "=";
  }
  return out;
}

/** Base64 of a string's UTF-8 bytes. */
export const encodeBase64 = (text: string): string => encodeBase64Bytes(utf8Bytes(text));

export type Base64Decoded = { ok: true; bytes: number[] } | { ok: false; at: number };

const isNewline = (c: string | undefined): boolean => c === "\n" || c === "\r";

/** StdEncoding.DecodeString: newlines are skipped; otherwise the first bad byte's index. */
export function decodeBase64Bytes(text: string): Base64Decoded {
  const out: number[] = [];
  const n = text.length;
  let si = 0;
  while (si < n) {
    const quantum = [0, 0, 0, 0];
    let length = 4;
    for (let j = 0; j < 4; j++) {
      if (si === n) {
        if (j === 0) return { ok: true, bytes: out };
        return { ok: false, at: si - j };
      }
      const c = text[si++];
      if (isNewline(c)) {
        j--;
        continue;
      }
      const v = VALUE.get(c.charCodeAt(0));
      if (v !== undefined) {
        quantum[j] = v;
        continue;
      }
      if (c !== "=" || j < 2) return { ok: false, at: si - 1 };
      if (j === 2) {
        // "==" ends a quantum of one byte; the second "=" must follow.
        while (si < n && isNewline(text[si])) si++;
        if (si === n) return { ok: false, at: n };
        if (text[si] !== "=") return { ok: false, at: si - 1 };
        si++;
      }
      while (si < n && isNewline(text[si])) si++;
      if (si < n) return { ok: false, at: si };
      length = j;
      break;
    }
    const v = (quantum[0] << 18) | (quantum[1] << 12) | (quantum[2] << 6) | quantum[3];
    out.push((v >> 16) & 255);
    if (length > 2) out.push((v >> 8) & 255);
    if (length > 3) out.push(v & 255);
    if (length < 4) break;
  }
  return { ok: true, bytes: out };
}
