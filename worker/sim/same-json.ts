// Deep equality of plain JSON values, as their serialisations: the objects here come from one
// code path each, so the same value has its keys in the same order.
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Equal as JSON values with key order aside: for objects from different sources (an edited text and the stored object). */
export function equalJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((key) => key in b && equalJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
