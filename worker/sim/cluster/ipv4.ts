// IPv4 arithmetic on plain numbers, for the allocators and the CIDR checks.

export function ipToNumber(ip: string): number | undefined {
  // Parsed by hand (this runs for every pod IP sort and allocation): four decimal octets of
  // 1-3 digits, no leading zeros, each at most 255.
  let n = 0;
  let parts = 0;
  let i = 0;
  while (parts < 4) {
    const start = i;
    let v = 0;
    while (i < ip.length) {
      const c = ip.charCodeAt(i);
      if (c < 48 || c > 57) break;
      v = v * 10 + (c - 48);
      i++;
    }
    const len = i - start;
    if (len === 0 || len > 3 || v > 255 || (len > 1 && ip.charCodeAt(start) === 48)) return undefined;
    n = n * 256 + v;
    parts++;
    if (parts < 4) {
      if (ip.charCodeAt(i) !== 46) return undefined;
      i++;
    }
  }
  return i === ip.length ? n : undefined;
}

export function numberToIp(n: number): string {
  // join makes one flat string; a template literal of 13+ characters is a rope in V8, and
  // every pod keeps its IP.
  return [Math.floor(n / 16777216) % 256, Math.floor(n / 65536) % 256, Math.floor(n / 256) % 256, n % 256].join(".");
}

export interface Cidr {
  base: number;
  prefix: number;
  size: number;
}

const cidrs = new Map<string, Cidr | undefined>();

/** Parsed once per text: the allocators ask for the same few CIDRs for every pod and Service. */
export function parseCidr(cidr: string): Cidr | undefined {
  if (cidrs.has(cidr)) return cidrs.get(cidr);
  const parsed = parse(cidr);
  if (cidrs.size > 1024) cidrs.clear();
  // Frozen: every caller shares the one object.
  cidrs.set(cidr, parsed && Object.freeze(parsed));
  return parsed;
}

function parse(cidr: string): Cidr | undefined {
  const [ip, bits] = cidr.split("/");
  const base = ipToNumber(ip);
  const prefix = Number(bits);
  if (base === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  return { base: base - (base % size), prefix, size };
}

export function cidrContains(cidr: Cidr, ip: string): boolean {
  const n = ipToNumber(ip);
  return n !== undefined && n >= cidr.base && n < cidr.base + cidr.size;
}
