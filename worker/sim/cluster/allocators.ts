// IP and port allocation as the API server and the CNI do it.
// - ClusterIPs: the service CIDR is split into a lower static band of min(max(16, size/16), 256)
//   addresses (for IPs users request) and the upper dynamic band; automatic allocation picks at
//   random in the upper band first (KEP-3070), then in the lower one.
// - NodePorts: same idea, static band min(max(16, size/32), 128) ports (30000-30085 by default).
// - Pod IPs: host-local IPAM on the node's /24; .1 is the cni0 bridge; addresses released
//   recently are held back (POD_IP_REUSE_DELAY_MS) so a recreated pod gets a new IP.
import type { Random } from "../random.ts";
import { numberToIp, parseCidr } from "./ipv4.ts";

export const POD_IP_REUSE_DELAY_MS = 10 * 60 * 1000;

function bandOffset(size: number, step: number, max: number): number {
  if (size < 16) return 0;
  return Math.min(Math.max(16, Math.floor(size / step)), max);
}

/** Picks at random in [lo, hi], then scans forward (wrapping) for a free value. */
function pickIn(lo: number, hi: number, random: Random, used: (n: number) => boolean): number | undefined {
  const span = hi - lo + 1;
  if (span <= 0) return undefined;
  const start = random.int(span);
  for (let i = 0; i < span; i++) {
    const n = lo + ((start + i) % span);
    if (!used(n)) return n;
  }
  return undefined;
}

export function allocateClusterIP(serviceCIDR: string, used: ReadonlySet<string>, random: Random): string | undefined {
  const cidr = parseCidr(serviceCIDR);
  if (!cidr) return undefined;
  // Usable offsets are 1 .. size-2 (no network or broadcast address).
  const usable = cidr.size - 2;
  const offset = bandOffset(usable, 16, 256);
  const taken = (n: number): boolean => used.has(numberToIp(cidr.base + n));
  const n = pickIn(offset + 1, usable, random, taken) ?? pickIn(1, offset, random, taken);
  return n === undefined ? undefined : numberToIp(cidr.base + n);
}

export function allocateNodePort(range: { min: number; max: number }, used: ReadonlySet<number>, random: Random): number | undefined {
  const size = range.max - range.min + 1;
  const offset = bandOffset(size, 32, 128);
  const taken = (n: number): boolean => used.has(n);
  return pickIn(range.min + offset, range.max, random, taken) ?? pickIn(range.min, range.min + offset - 1, random, taken);
}

/** The lowest free address from .2 of the node's pod CIDR, skipping recently released ones. */
export function allocatePodIP(podCIDR: string, used: ReadonlySet<string>, released: Readonly<Record<string, number>>, now: number, from = 2): string | undefined {
  const cidr = parseCidr(podCIDR);
  if (!cidr) return undefined;
  for (let n = Math.max(2, from); n < cidr.size - 1; n++) {
    const ip = numberToIp(cidr.base + n);
    if (used.has(ip)) continue;
    const until = released[ip];
    if (until !== undefined && until > now) continue;
    return ip;
  }
  return undefined;
}
