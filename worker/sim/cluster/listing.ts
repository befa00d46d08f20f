// The API server's LIST over one stored collection: objects in one namespace (or all), sorted by
// namespace then name as etcd's key order gives them. The sorted keys are cached per collection
// object and resourceVersion, so repeated lists of an unchanged cluster do not sort again.
import { type LabelSelectorRequirement, matchesRequirements } from "./label-selector.ts";
import type { ClusterState, KubeObject } from "./types.ts";

const sortedKeysCache = new WeakMap<object, { rv: number; keys: string[] }>();

function compareKeys(a: string, b: string): number {
  const ia = a.indexOf("/");
  const ib = b.indexOf("/");
  const nsa = ia < 0 ? "" : a.slice(0, ia);
  const nsb = ib < 0 ? "" : b.slice(0, ib);
  if (nsa !== nsb) return nsa < nsb ? -1 : 1;
  const na = a.slice(ia + 1);
  const nb = b.slice(ib + 1);
  return na < nb ? -1 : na > nb ? 1 : 0;
}

function sortedKeys(state: ClusterState, record: Record<string, KubeObject>): string[] {
  const hit = sortedKeysCache.get(record);
  if (hit && hit.rv === state.resourceVersion) return hit.keys;
  const keys = Object.keys(record).sort(compareKeys);
  sortedKeysCache.set(record, { rv: state.resourceVersion, keys });
  return keys;
}

/** Objects of one collection, in `namespace` (all when undefined), optionally matching a label selector. */
export function listRecord<T extends KubeObject>(
  state: ClusterState,
  record: Record<string, T>,
  namespaced: boolean,
  namespace?: string,
  selector?: readonly LabelSelectorRequirement[],
): T[] {
  const out: T[] = [];
  const prefix = namespaced && namespace !== undefined ? `${namespace}/` : undefined;
  for (const key of sortedKeys(state, record)) {
    if (prefix !== undefined && !key.startsWith(prefix)) continue;
    const obj = record[key];
    if (selector && selector.length > 0 && !matchesRequirements(obj.metadata.labels, selector)) continue;
    out.push(obj);
  }
  return out;
}
