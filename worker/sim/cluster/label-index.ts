// Pod keys per namespace and label pair ("app=web"), what a Service selector is matched against.
// The store keeps one beside each transaction and updates it as pods come, go or change labels.
// Copy on write: once an index has been handed to a reader (sealed), a writer forks it and copies
// only the maps and buckets it changes, so a committed state's view never moves.
import { appended } from "./compact.ts";
import type { Labels } from "./types.ts";

/**
 * A bucket: an exact-size array while small, never changed (replaced), or a Set once it grows.
 * Most label pairs are held by a few pods (one app's replicas), and an empty Set alone takes
 * ~300 bytes: arrays keep a cluster of 10,000 Services that much smaller per pair.
 */
type Bucket = readonly string[] | Set<string>;
type Buckets = Map<string, Bucket>;

/** Pod keys of a bucket as readers see them: iterate in order, count with keyCount. */
export type PodKeys = readonly string[] | ReadonlySet<string>;

const SMALL_MAX = 16;
const NONE: readonly string[] = [];

export const keyCount = (keys: PodKeys): number => (Array.isArray(keys) ? keys.length : (keys as ReadonlySet<string>).size);

export class LabelIndex {
  private namespaces: Map<string, Buckets>;
  /** Maps and sets this index may change in place (the others are shared with a sealed index). */
  private readonly owned: Set<object>;
  sealed = false;

  constructor(namespaces?: Map<string, Buckets>) {
    this.namespaces = namespaces ?? new Map();
    this.owned = namespaces ? new Set() : new Set([this.namespaces]);
  }

  /** No more writes (readers hold it): what it owned is now shared with its forks. */
  seal(): void {
    this.sealed = true;
    // Tens of thousands of entries in a big cluster, of no use once nothing can be written.
    this.owned.clear();
  }

  /** A writable index with the same content; sharing everything until it is written. */
  fork(): LabelIndex {
    return new LabelIndex(this.namespaces);
  }

  /** Pod keys with label `key=value` in a namespace, in the order they were added. */
  podsWith(namespace: string, key: string, value: string): PodKeys {
    return this.namespaces.get(namespace)?.get(pairOf(key, value)) ?? NONE;
  }

  add(namespace: string, labels: Labels, podKey: string): void {
    const buckets = this.writableNamespace(namespace);
    for (const k in labels) {
      const pair = pairOf(k, labels[k]);
      let set = buckets.get(pair);
      if (!set) {
        buckets.set(pair, [podKey]);
        continue;
      }
      if (Array.isArray(set)) {
        const list = set as readonly string[];
        if (list.includes(podKey)) continue;
        if (list.length < SMALL_MAX) {
          buckets.set(pair, appended(list, podKey));
          continue;
        }
        buckets.set(pair, (set = new Set(list)));
        this.owned.add(set);
      } else if (!this.owned.has(set)) {
        buckets.set(pair, (set = new Set(set)));
        this.owned.add(set);
      }
      (set as Set<string>).add(podKey);
    }
  }

  remove(namespace: string, labels: Labels, podKey: string): void {
    if (!this.namespaces.has(namespace)) return;
    const buckets = this.writableNamespace(namespace);
    for (const k in labels) {
      const pair = pairOf(k, labels[k]);
      const bucket = buckets.get(pair);
      if (!bucket) continue;
      if (Array.isArray(bucket)) {
        const list = bucket as readonly string[];
        const i = list.indexOf(podKey);
        if (i < 0) continue;
        if (list.length === 1) buckets.delete(pair);
        // slice + concat: exact-size, where filter would leave spare room.
        else buckets.set(pair, list.slice(0, i).concat(list.slice(i + 1)));
        continue;
      }
      let set = bucket as Set<string>;
      if (!set.has(podKey)) continue;
      if (set.size === 1) {
        buckets.delete(pair);
        continue;
      }
      if (!this.owned.has(set)) {
        buckets.set(pair, (set = new Set(set)));
        this.owned.add(set);
      }
      set.delete(podKey);
    }
  }

  private writableNamespace(namespace: string): Buckets {
    if (this.sealed) throw new Error("label index: write to a sealed index");
    if (!this.owned.has(this.namespaces)) {
      this.namespaces = new Map(this.namespaces);
      this.owned.add(this.namespaces);
    }
    let buckets = this.namespaces.get(namespace);
    if (!buckets) {
      this.namespaces.set(namespace, (buckets = new Map()));
      this.owned.add(buckets);
    } else if (!this.owned.has(buckets)) {
      this.namespaces.set(namespace, (buckets = new Map(buckets)));
      this.owned.add(buckets);
    }
    return buckets;
  }
}

function pairOf(key: string, value: string): string {
  // "=" cannot occur in a label key, so the pair is unambiguous.
  return key + "=" + value;
}
