// Copies of state objects that V8 stores compactly. A spread or Object.assign at a call site
// that sees many shapes starts the copy from `{}` (4 in-object slots) and moves the rest of the
// keys to a separate property array with spare room: ~40 bytes more per object, and a big
// cluster keeps hundreds of thousands of them. Objects made by a constructor of their own get
// exactly as many in-object slots as they end up with (V8's slack tracking), so one constructor
// per key sequence gives every copy the size of a literal. The prototype stays Object.prototype:
// the results are plain objects, indistinguishable from a spread's.

type Ctor = new () => Record<string, unknown>;

const MAX_SHAPES = 512;
let shapes = 0;

/**
 * Constructors by key sequence, as a trie with one Map per key: finding a copy's constructor walks
 * its keys without building a string of them (the keys are property names, hashed once by V8), which
 * a big cluster's start did for every status write. Nodes are made only while constructors may be.
 */
interface ShapeNode {
  next: Map<string, ShapeNode>;
  ctor?: Ctor;
}
const root: ShapeNode = { next: new Map() };

function child(node: ShapeNode, key: string): ShapeNode | undefined {
  let next = node.next.get(key);
  if (!next) {
    if (shapes >= MAX_SHAPES) return undefined;
    node.next.set(key, (next = { next: new Map() }));
  }
  return next;
}

function ctorAt(node: ShapeNode): Ctor | undefined {
  let ctor = node.ctor;
  if (!ctor) {
    if (shapes >= MAX_SHAPES) return undefined;
    shapes++;
    // A new closure per shape: each function object has an initial map (and slack) of its own.
    // V8 sizes that map from the `this.x =` assignments in the body (slack tracking then trims it
    // to what the first objects use); the never-run ones below make room for 32 keys in-object.
    ctor = (() =>
      function (this: Record<string, unknown>, fill?: boolean) {
        if (fill) {
          this.p0 = 0; this.p1 = 0; this.p2 = 0; this.p3 = 0; this.p4 = 0; this.p5 = 0; this.p6 = 0; this.p7 = 0;
          this.p8 = 0; this.p9 = 0; this.p10 = 0; this.p11 = 0; this.p12 = 0; this.p13 = 0; this.p14 = 0; this.p15 = 0;
          this.p16 = 0; this.p17 = 0; this.p18 = 0; this.p19 = 0; this.p20 = 0; this.p21 = 0; this.p22 = 0; this.p23 = 0;
          this.p24 = 0; this.p25 = 0; this.p26 = 0; this.p27 = 0; this.p28 = 0; this.p29 = 0; this.p30 = 0; this.p31 = 0;
        }
      } as unknown as Ctor)();
    ctor.prototype = Object.prototype;
    node.ctor = ctor;
  }
  return ctor;
}

/** `{ ...source, ...changes }`, same keys in the same order, stored compactly. */
export function withProps<T extends object>(source: T, changes: Partial<T>): T {
  const src = source as Record<string, unknown>;
  const over = changes as Record<string, unknown>;
  let node: ShapeNode | undefined = root;
  for (const k in src) {
    if (k === "__proto__" || !Object.hasOwn(src, k)) return { ...source, ...changes };
    if (node) node = child(node, k);
  }
  for (const k in over) {
    if (k === "__proto__" || !Object.hasOwn(over, k)) return { ...source, ...changes };
    if (node && !Object.hasOwn(src, k)) node = child(node, k);
  }
  const ctor = node && ctorAt(node);
  if (!ctor) return { ...source, ...changes };
  const out = new ctor();
  for (const k in src) out[k] = Object.hasOwn(over, k) ? over[k] : src[k];
  for (const k in over) if (!Object.hasOwn(src, k)) out[k] = over[k];
  return out as T;
}

/**
 * `[...list, item]` in an array of exactly that length: a spread into an array literal reserves
 * room for 16 more elements (~130 bytes), and the pods' volume lists are never appended to again.
 */
export function appended<T>(list: readonly T[] | undefined, item: T): T[] {
  return list === undefined || list.length === 0 ? [item] : list.concat([item]);
}
