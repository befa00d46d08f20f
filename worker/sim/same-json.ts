// Deep equality of plain JSON values, as their serialisations: the objects here come from one
// code path each, so the same value has its keys in the same order.
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
