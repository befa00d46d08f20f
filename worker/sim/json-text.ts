// JSON text already made for an object, kept beside it: a new session's cluster is parsed from the
// template's filled text (cluster/template.ts), and storing it row by row (worker/session/storage.ts)
// would otherwise serialise the same ~150 objects again. Safe because the simulation never edits an
// object in place (cluster/tx.ts): an object's text stays its text. Each text is used once (the
// save that writes the new session's rows) and then forgotten: the texts are slices of the whole
// filled template, which would otherwise stay in memory as long as any of its objects lives.

const known = new WeakMap<object, string>();

/** Records `text` as JSON.stringify(value); the caller guarantees it is exactly that. */
export function rememberJsonText(value: object, text: string): void {
  known.set(value, text);
}

/** JSON.stringify(value), from the text recorded for it when there is one (which is then forgotten). */
export function jsonText(value: unknown): string {
  if (value !== null && typeof value === "object") {
    const text = known.get(value);
    if (text !== undefined) {
      known.delete(value);
      return text;
    }
  }
  return JSON.stringify(value);
}
