// SHA-1 (FIPS 180-4), small and pure, for Calico's interface names: the CNI plugin names a pod's
// host-side veth "cali" + hex(sha1("namespace.pod"))[:11]; MySQL's and MariaDB's
// mysql_native_password hashes ('*' + hex(sha1(sha1(password)))).

import { utf8 } from "./sha256.ts";

export function sha1Hex(text: string): string {
  return sha1Bytes(utf8(text)).map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** SHA-1 of a byte string, as its 20 bytes. */
export function sha1Bytes(input: readonly number[]): number[] {
  const bytes = [...input];
  const bitLength = bytes.length * 8;
  bytes.push(0x80);
  while (bytes.length % 64 !== 56) bytes.push(0);
  // The length as a 64-bit big-endian number (the high word is 0 for any text here).
  for (let i = 7; i >= 0; i--) bytes.push(i >= 4 ? 0 : (bitLength >>> (i * 8)) & 0xff);
  let h0 = 0x67452301, h1 = 0xefcdab89, h2 = 0x98badcfe, h3 = 0x10325476, h4 = 0xc3d2e1f0;
  const w = new Uint32Array(80);
  for (let chunk = 0; chunk < bytes.length; chunk += 64) {
    for (let i = 0; i < 16; i++) w[i] = (bytes[chunk + 4 * i] << 24) | (bytes[chunk + 4 * i + 1] << 16) | (bytes[chunk + 4 * i + 2] << 8) | bytes[chunk + 4 * i + 3];
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4;
    for (let i = 0; i < 80; i++) {
      const [f, k] = i < 20 ? [(b & c) | (~b & d), 0x5a827999] : i < 40 ? [b ^ c ^ d, 0x6ed9eba1] : i < 60 ? [(b & c) | (b & d) | (c & d), 0x8f1bbcdc] : [b ^ c ^ d, 0xca62c1d6];
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]) >>> 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h0 = (h0 + a) >>> 0;
    h1 = (h1 + b) >>> 0;
    h2 = (h2 + c) >>> 0;
    h3 = (h3 + d) >>> 0;
    h4 = (h4 + e) >>> 0;
  }
  return [h0, h1, h2, h3, h4].flatMap((h) => [h >>> 24, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff]);
}

/** The server's PASSWORD() of mysql_native_password: '*' and the upper-case hex of SHA1(SHA1(password)). */
export function nativePasswordHash(password: string): string {
  return `*${sha1Bytes(sha1Bytes(utf8(password))).map((b) => b.toString(16).padStart(2, "0")).join("").toUpperCase()}`;
}
