// CRC-32 (the IEEE polynomial, reflected, as zlib and nginx's ngx_crc32_short compute it), for the
// consistent hash of lua-resty-balancer's resty.chash that ingress-nginx's sticky sessions use.

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The running CRC before its final inversion: start from 0xffffffff and feed bytes. */
export function crc32Update(crc: number, bytes: readonly number[]): number {
  let c = crc >>> 0;
  for (const b of bytes) c = (TABLE[(c ^ b) & 0xff] ^ (c >>> 8)) >>> 0;
  return c;
}

export function crc32(bytes: readonly number[]): number {
  return (crc32Update(0xffffffff, bytes) ^ 0xffffffff) >>> 0;
}
