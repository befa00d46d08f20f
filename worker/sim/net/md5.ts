// MD5 (RFC 1321), small and pure, for ingress-nginx's sticky sessions: its Lua balancer names a
// backend by ngx.md5(ngx.md5(name) .. name) and, in persistent mode, an endpoint by
// ngx.md5(backend name .. "ip:port"); both travel in the affinity cookie.

import { utf8 } from "./sha256.ts";

// The per-round shift amounts and the sine-derived constants of RFC 1321 section 3.4.
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);

/** The lower-case hex digest, as ngx.md5 returns it. */
export function md5Hex(text: string): string {
  const bytes = [...utf8(text)];
  const bitLength = bytes.length * 8;
  bytes.push(0x80);
  while (bytes.length % 64 !== 56) bytes.push(0);
  // The length as a 64-bit little-endian number (the high word is 0 for any text here).
  for (let i = 0; i < 8; i++) bytes.push(i < 4 ? (bitLength >>> (i * 8)) & 0xff : 0);
  let a0 = 0x67452301, b0 = 0xefcdab89, c0 = 0x98badcfe, d0 = 0x10325476;
  const m = new Uint32Array(16);
  for (let chunk = 0; chunk < bytes.length; chunk += 64) {
    for (let i = 0; i < 16; i++) m[i] = bytes[chunk + 4 * i] | (bytes[chunk + 4 * i + 1] << 8) | (bytes[chunk + 4 * i + 2] << 16) | (bytes[chunk + 4 * i + 3] << 24);
    let a = a0, b = b0, c = c0, d = d0;
    for (let i = 0; i < 64; i++) {
      const round = i >> 4;
      const f = round === 0 ? (b & c) | (~b & d) : round === 1 ? (d & b) | (~d & c) : round === 2 ? b ^ c ^ d : c ^ (b | ~d);
      const g = round === 0 ? i : round === 1 ? (5 * i + 1) % 16 : round === 2 ? (3 * i + 5) % 16 : (7 * i) % 16;
      const s = SHIFTS[round * 4 + (i % 4)];
      const sum = (a + f + K[i] + m[g]) >>> 0;
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << s) | (sum >>> (32 - s)))) >>> 0;
    }
    a0 = (a0 + a) >>> 0;
    b0 = (b0 + b) >>> 0;
    c0 = (c0 + c) >>> 0;
    d0 = (d0 + d) >>> 0;
  }
  return [a0, b0, c0, d0].map((w) => [0, 8, 16, 24].map((shift) => ((w >>> shift) & 0xff).toString(16).padStart(2, "0")).join("")).join("");
}
