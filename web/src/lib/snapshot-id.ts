// A snapshot's id from what a person pastes: `/p/<id>`, a whole link, or the id itself.
export function snapshotIdOf(text: string): string {
  const trimmed = text.trim();
  const fromLink = /\/p\/([A-Za-z0-9_-]+)/.exec(trimmed);
  return fromLink ? fromLink[1] : trimmed;
}
