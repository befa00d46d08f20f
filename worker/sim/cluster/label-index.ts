// Pod keys per namespace and label pair ("app=web"), what a Service selector is matched against.
// The store keeps one beside each transaction and updates it as pods come, go or change labels.
// Copy on write: once an index has been handed to a reader (sealed), a writer forks it and copies
// only the maps and buckets it changes, so a committed state's view never moves.
import type { Labels } from "./types.ts";

type Buckets = Map<string, Set<string>>;

const NONE: ReadonlySet<string> = new Set();

export class LabelIndex {
  private namespaces: Map<string, Buckets>;
  /** Maps and sets this index may change in place (the others are shared with a sealed index). */
  private readonly owned: Set<object>;
  sealed = false;

  constructor(namespaces?: Map<string, Buckets>) {
    this.namespaces = namespaces ?? new Map();
    this.owned = namespaces ? new Set() : new Set([this.namespaces]);
  }

  /** A writable index with the same content; sharing everything until it is written. */
  fork(): LabelIndex {
    return new LabelIndex(this.namespaces);
  }

  /** Pod keys with label `key=value` in a namespace, in the order they were added. */
  podsWith(namespace: string, key: string, value: string): ReadonlySet<string> {
    return this.namespaces.get(namespace)?.get(pairOf(key, value)) ?? NONE;
  }

  add(namespace: string, labels: Labels, podKey: string): void {
    const buckets = this.writableNamespace(namespace);
    for (const k in labels) {
      const pair = pairOf(k, labels[k]);
      let set = buckets.get(pair);
      if (!set) {
        buckets.set(pair, (set = new Set()));
        this.owned.add(set);
      } else if (!this.owned.has(set)) {
        buckets.set(pair, (set = new Set(set)));
        this.owned.add(set);
      }
      set.add(podKey);
    }
  }

  remove(namespace: string, labels: Labels, podKey: string): void {
    if (!this.namespaces.has(namespace)) return;
    const buckets = this.writableNamespace(namespace);
    for (const k in labels) {
      const pair = pairOf(k, labels[k]);
      let set = buckets.get(pair);
      if (!set || !set.has(podKey)) continue;
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
