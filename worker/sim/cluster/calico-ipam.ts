// Calico IPAM as the manifest install sets it up: one IPPool (CALICO_IPV4POOL_CIDR, the
// kubeadm --pod-network-cidr 10.244.0.0/16) cut into /26 blocks; each node claims a block when
// calico-node starts, gives its tunl0 (IPIP) the block's first address and its pods the next
// ones. The node's spec.podCIDR (the controller-manager's /24) is still set but Calico ignores it.
// calico-node publishes the tunnel address in the node's annotations, which is where the rest of
// the simulator (the kubelet, the router, `ip`) reads the block from.
import { fnv32a } from "./ids.ts";
import { type Cidr, ipToNumber, numberToIp, parseCidr } from "./ipv4.ts";
import type { Node } from "./types.ts";

export const CALICO_VERSION = "v3.32.1";
export const CALICO_BLOCK_SIZE = 26;
export const CALICO_TUNNEL_ANNOTATION = "projectcalico.org/IPv4IPIPTunnelAddr";
export const CALICO_ADDRESS_ANNOTATION = "projectcalico.org/IPv4Address";
/** veth_mtu "0" in calico-config: detected, the node's 1500 less IPIP's 20-byte header. */
export const CALICO_IPIP_MTU = 1480;

/**
 * The block a node claims: Calico walks the pool's blocks from a starting point seeded by the
 * host name (randomBlockGenerator) and takes the first one no other node holds.
 */
export function claimBlock(pool: string, hostName: string, taken: ReadonlySet<string>): Cidr | undefined {
  const cidr = parseCidr(pool);
  if (!cidr || cidr.prefix > CALICO_BLOCK_SIZE) return undefined;
  const blockSize = 2 ** (32 - CALICO_BLOCK_SIZE);
  const blocks = cidr.size / blockSize;
  const first = fnv32a(hostName) % blocks;
  for (let i = 0; i < blocks; i++) {
    const base = cidr.base + ((first + i) % blocks) * blockSize;
    const text = `${numberToIp(base)}/${CALICO_BLOCK_SIZE}`;
    if (!taken.has(text)) return parseCidr(text);
  }
  return undefined;
}

/** The node's block, from the tunnel address calico-node annotated it with; undefined on flannel nodes. */
export function calicoBlockOf(node: Node | undefined): Cidr | undefined {
  const tunnel = node?.metadata.annotations?.[CALICO_TUNNEL_ANNOTATION];
  return tunnel ? parseCidr(`${tunnel}/${CALICO_BLOCK_SIZE}`) : undefined;
}

/**
 * A pod's address from its node's block: the lowest free ordinal after the tunnel's, skipping
 * addresses released recently (Calico puts a released ordinal at the end of the block's free
 * list, so a recreated pod gets a new address). Every address of a block is usable.
 */
export function allocateBlockIP(block: Cidr, used: ReadonlySet<string>, released: Readonly<Record<string, number>>, now: number): string | undefined {
  for (let n = 1; n < block.size; n++) {
    const ip = numberToIp(block.base + n);
    if (used.has(ip)) continue;
    const until = released[ip];
    if (until !== undefined && until > now) continue;
    return ip;
  }
  return undefined;
}

/** `10.244.196.128/26` for a block. */
export function blockText(block: Cidr): string {
  return `${numberToIp(block.base)}/${block.prefix}`;
}

export function inBlock(block: Cidr, ip: string): boolean {
  const n = ipToNumber(ip);
  return n !== undefined && n >= block.base && n < block.base + block.size;
}
