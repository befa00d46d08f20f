// IPv4 helpers for the data plane (addresses are strings in the objects, numbers for CIDR tests).

export function ipToInt(ip: string): number {
  let n = 0;
  let part = 0;
  let dots = 0;
  let digits = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0) return -1;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      digits++;
      if (part > 255 || digits > 3) return -1;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return n * 256 + part;
}

export function intToIp(n: number): string {
  return `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

export function isIPv4(text: string): boolean {
  return ipToInt(text) >= 0;
}

export interface Cidr {
  base: number;
  size: number;
  text: string;
}

export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const base = ipToInt(text.slice(0, slash));
  const prefix = Number(text.slice(slash + 1));
  if (base < 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  return { base: base - (base % size), size, text };
}

/** The n-th address of a CIDR (0 = network address). */
export function cidrAddress(cidr: Cidr, n: number): string {
  return intToIp(cidr.base + n);
}
