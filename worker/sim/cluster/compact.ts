// Copies of state objects that V8 stores compactly. A spread or Object.assign at a call site
// that sees many shapes starts the copy from `{}` (4 in-object slots) and moves the rest of the
// keys to a separate property array with spare room: ~40 bytes more per object, and a big
// cluster keeps hundreds of thousands of them. Objects made by a constructor of their own get
// exactly as many in-object slots as they end up with (V8's slack tracking), so one constructor
// per key sequence gives every copy the size of a literal. The prototype stays Object.prototype:
// the results are plain objects, indistinguishable from a spread's.

type Ctor = new () => Record<string, unknown>;

const MAX_SHAPES = 512;
const ctors = new Map<string, Ctor>();

function ctorFor(shape: string): Ctor | undefined {
  let ctor = ctors.get(shape);
  if (!ctor) {
    if (ctors.size >= MAX_SHAPES) return undefined;
    // A new closure per shape: each function object has an initial map (and slack) of its own.
    ctor = (() => function (this: Record<string, unknown>) {} as unknown as Ctor)();
    ctor.prototype = Object.prototype;
    ctors.set(shape, ctor);
  }
  return ctor;
}

/** `{ ...source, ...changes }`, same keys in the same order, stored compactly. */
export function withProps<T extends object>(source: T, changes: Partial<T>): T {
  const src = source as Record<string, unknown>;
  const over = changes as Record<string, unknown>;
  let shape = "";
  for (const k in src) {
    if (k === "__proto__" || !Object.hasOwn(src, k)) return { ...source, ...changes };
    shape += k + "\0";
  }
  for (const k in over) {
    if (k === "__proto__" || !Object.hasOwn(over, k)) return { ...source, ...changes };
    if (!Object.hasOwn(src, k)) shape += k + "\0";
  }
  const ctor = ctorFor(shape);
  if (!ctor) return { ...source, ...changes };
  const out = new ctor();
  for (const k in src) out[k] = Object.hasOwn(over, k) ? over[k] : src[k];
  for (const k in over) if (!Object.hasOwn(src, k)) out[k] = over[k];
  return out as T;
}
