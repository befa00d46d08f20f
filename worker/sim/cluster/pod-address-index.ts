// Pod keys by pod IP, and host-network pods by node: what the data plane looks a packet's
// destination up in. The store keeps one beside each transaction and updates it when a pod gets,
// changes or loses its address. Copy on write, like the label index: a sealed index (handed to a
// reader) is forked before a write, and a fork copies only the /24 shards it changes, so a scale
// on a cluster of 30,000 pods copies a few hundred entries.
import type { Pod } from "./types.ts";

type Shard = Map<string, string>;

const NO_KEYS: readonly string[] = [];

function shardOf(ip: string): string {
  return ip.slice(0, ip.lastIndexOf("."));
}

export class PodAddressIndex {
  private shards: Map<string, Shard>;
  /** Host-network pods per node (a handful: kube-proxy, flannel, static pods). */
  private hostNetwork: Map<string, readonly string[]>;
  private readonly owned: Set<object>;
  sealed = false;

  constructor(shards?: Map<string, Shard>, hostNetwork?: Map<string, readonly string[]>) {
    this.shards = shards ?? new Map();
    this.hostNetwork = hostNetwork ?? new Map();
    this.owned = shards ? new Set() : new Set<object>([this.shards, this.hostNetwork]);
  }

  fork(): PodAddressIndex {
    return new PodAddressIndex(this.shards, this.hostNetwork);
  }

  /** The pod (not host-network) holding an IP: the first one indexed if ever two do. */
  podAt(ip: string): string | undefined {
    return this.shards.get(shardOf(ip))?.get(ip);
  }

  hostNetworkPods(node: string): readonly string[] {
    return this.hostNetwork.get(node) ?? NO_KEYS;
  }

  /** Indexes (sign 1) or unindexes (sign -1) a pod as the data plane sees it. */
  update(key: string, pod: Pod, sign: 1 | -1): void {
    const ip = pod.status.podIP;
    if (!ip) return;
    if (this.sealed) throw new Error("pod address index: write to a sealed index");
    if (pod.spec.hostNetwork === true) {
      const node = pod.spec.nodeName;
      if (!node) return;
      if (!this.owned.has(this.hostNetwork)) {
        this.hostNetwork = new Map(this.hostNetwork);
        this.owned.add(this.hostNetwork);
      }
      const list = this.hostNetwork.get(node) ?? NO_KEYS;
      const next = sign === 1 ? [...list, key] : list.filter((k) => k !== key);
      if (next.length) this.hostNetwork.set(node, next);
      else this.hostNetwork.delete(node);
      return;
    }
    const shard = this.writableShard(shardOf(ip));
    if (sign === 1) {
      if (!shard.has(ip)) shard.set(ip, key);
    } else if (shard.get(ip) === key) {
      shard.delete(ip);
    }
  }

  private writableShard(name: string): Shard {
    if (!this.owned.has(this.shards)) {
      this.shards = new Map(this.shards);
      this.owned.add(this.shards);
    }
    let shard = this.shards.get(name);
    if (!shard) {
      this.shards.set(name, (shard = new Map()));
      this.owned.add(shard);
    } else if (!this.owned.has(shard)) {
      this.shards.set(name, (shard = new Map(shard)));
      this.owned.add(shard);
    }
    return shard;
  }
}
