// CIDR values as the API server parses them (netutils.ParseCIDRSloppy: IPv4 octets may have
// leading zeros, IPv6 in any RFC 4291 text form), for NetworkPolicy ipBlocks. Addresses are
// BigInts so one type covers both families; the data plane's IPv4 fast path is in policy.ts.

export interface ParsedCidr {
  family: 4 | 6;
  prefix: number;
  /** The network address (bits past the prefix cleared). */
  network: bigint;
  contains(address: bigint): boolean;
}

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const part of parts) {
    if (!/^[0-9]{1,3}$/.test(part)) return undefined;
    const v = Number(part);
    if (v > 255) return undefined;
    n = n * 256n + BigInt(v);
  }
  return n;
}

function parseIPv6(text: string): bigint | undefined {
  let head = text;
  let tail4: bigint | undefined;
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".")) {
    tail4 = parseIPv4(text.slice(lastColon + 1));
    if (tail4 === undefined) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
  let n = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = n * 65536n + BigInt(Number.parseInt(g, 16));
  }
  if (tail4 !== undefined) n = n - (n & 0xffffffffn) + tail4;
  return n;
}

/** An address of either family, or undefined. */
export function parseAddress(text: string): { family: 4 | 6; value: bigint } | undefined {
  if (text.includes(":")) {
    const value = parseIPv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIPv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

export function parseCidrText(text: string): ParsedCidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const address = parseAddress(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!address || !/^[0-9]{1,3}$/.test(prefixText)) return undefined;
  const bits = address.family === 4 ? 32 : 128;
  const prefix = Number(prefixText);
  if (prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  const network = (address.value >> hostBits) << hostBits;
  const family = address.family;
  return { family, prefix, network, contains: (a: bigint) => a >> hostBits === network >> hostBits };
}
