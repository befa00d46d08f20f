// NIST P-256 (prime256v1, SEC 2) arithmetic and ECDSA with SHA-256 (FIPS 186-4 §6.4), in BigInt:
// enough for kube-webhook-certgen's certificates to be real ones that openssl and Go accept. The
// nonce k comes from the session's random stream, as Go's comes from rand.Reader: the simulation
// stays deterministic. Jacobian coordinates keep a scalar multiplication to one inversion (a few
// milliseconds).

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const A = P - 3n;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const G: Affine = {
  x: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  y: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
};

interface Affine {
  x: bigint;
  y: bigint;
}
interface Jacobian {
  x: bigint;
  y: bigint;
  z: bigint;
}

const mod = (a: bigint, m: bigint): bigint => {
  const r = a % m;
  return r < 0n ? r + m : r;
};

function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

function double(p: Jacobian): Jacobian {
  if (p.z === 0n || p.y === 0n) return { x: 0n, y: 1n, z: 0n };
  const yy = mod(p.y * p.y, P);
  const s = mod(4n * p.x * yy, P);
  const zz = mod(p.z * p.z, P);
  const m = mod(3n * p.x * p.x + A * zz * zz, P);
  const x = mod(m * m - 2n * s, P);
  const y = mod(m * (s - x) - 8n * yy * yy, P);
  const z = mod(2n * p.y * p.z, P);
  return { x, y, z };
}

function add(p: Jacobian, q: Jacobian): Jacobian {
  if (p.z === 0n) return q;
  if (q.z === 0n) return p;
  const pz2 = mod(p.z * p.z, P);
  const qz2 = mod(q.z * q.z, P);
  const u1 = mod(p.x * qz2, P);
  const u2 = mod(q.x * pz2, P);
  const s1 = mod(p.y * qz2 * q.z, P);
  const s2 = mod(q.y * pz2 * p.z, P);
  if (u1 === u2) return s1 === s2 ? double(p) : { x: 0n, y: 1n, z: 0n };
  const h = mod(u2 - u1, P);
  const r = mod(s2 - s1, P);
  const hh = mod(h * h, P);
  const hhh = mod(hh * h, P);
  const x = mod(r * r - hhh - 2n * u1 * hh, P);
  const y = mod(r * (u1 * hh - x) - s1 * hhh, P);
  const z = mod(h * p.z * q.z, P);
  return { x, y, z };
}

function toAffine(p: Jacobian): Affine | undefined {
  if (p.z === 0n) return undefined;
  const zi = inverse(p.z, P);
  const zi2 = mod(zi * zi, P);
  return { x: mod(p.x * zi2, P), y: mod(p.y * zi2 * zi, P) };
}

function multiply(k: bigint, point: Affine): Affine | undefined {
  let result: Jacobian = { x: 0n, y: 1n, z: 0n };
  let addend: Jacobian = { x: point.x, y: point.y, z: 1n };
  for (let e = k; e > 0n; e >>= 1n) {
    if (e & 1n) result = add(result, addend);
    addend = double(addend);
  }
  return toAffine(result);
}

const toBigInt = (bytes: readonly number[]): bigint => bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);

function toBytes(n: bigint, length: number): number[] {
  const out: number[] = [];
  for (let i = length - 1; i >= 0; i--) out.push(Number((n >> BigInt(i * 8)) & 0xffn));
  return out;
}

/** A scalar in [1, n-1] from 32 random bytes (reduced, as a key's or a nonce's must be). */
export function scalar(bytes: readonly number[]): number[] {
  return toBytes(mod(toBigInt(bytes), N - 1n) + 1n, 32);
}

/** The uncompressed public point 0x04 || X || Y of a private scalar. */
export function publicPoint(secret: readonly number[]): number[] {
  const q = multiply(toBigInt(secret), G)!;
  return [4, ...toBytes(q.x, 32), ...toBytes(q.y, 32)];
}

/** ECDSA over a SHA-256 digest: (r, s) as 32-byte big-endian numbers. */
export function ecdsaSign(digest: readonly number[], secret: readonly number[], nonce: readonly number[]): { r: number[]; s: number[] } {
  const e = toBigInt(digest);
  const d = toBigInt(secret);
  let k = toBigInt(scalar(nonce));
  for (;;) {
    const r = mod(multiply(k, G)!.x, N);
    const s = mod(inverse(k, N) * (e + r * d), N);
    if (r !== 0n && s !== 0n) return { r: toBytes(r, 32), s: toBytes(s, 32) };
    k = mod(k + 1n, N - 1n) + 1n;
  }
}

/** Whether (r, s) is a signature of the digest by the key of this uncompressed point. */
export function ecdsaVerify(digest: readonly number[], point: readonly number[], r: readonly number[], s: readonly number[]): boolean {
  if (point.length !== 65 || point[0] !== 4) return false;
  const rr = toBigInt(r);
  const ss = toBigInt(s);
  if (rr <= 0n || rr >= N || ss <= 0n || ss >= N) return false;
  const q = { x: toBigInt(point.slice(1, 33)), y: toBigInt(point.slice(33)) };
  const w = inverse(ss, N);
  const u1 = mod(toBigInt(digest) * w, N);
  const u2 = mod(rr * w, N);
  const a = multiply(u1, G);
  const b = multiply(u2, q);
  const sum = a && b ? toAffine(add({ ...a, z: 1n }, { ...b, z: 1n })) : (a ?? b);
  return sum !== undefined && mod(sum.x, N) === rr;
}
