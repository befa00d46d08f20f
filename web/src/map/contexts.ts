// What the map's context switcher offers and does (issue 18), apart from its markup.
import type { ClusterView } from "../api/types.ts";

/** The contexts to choose from: those that reach one of the session's clusters, and the current one even if it reaches none. */
export function contextChoices(contexts: NonNullable<ClusterView["contexts"]>): string[] {
  return contexts.names.includes(contexts.current) ? contexts.names : [contexts.current, ...contexts.names];
}

/** The line the switcher types in the console: kubectl's own command, so the transcript shows the switch. */
export function switchContextCommand(name: string): string {
  return `kubectl config use-context ${shellWord(name)}`;
}

/** A word as bash reads it back: plain when it is safe, else single-quoted (a context may be named anything). */
function shellWord(word: string): string {
  return /^[A-Za-z0-9._@:\/-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
