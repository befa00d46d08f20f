// Session ids, snapshot ids and edit keys: random from the platform's CSPRNG, base64url without
// padding, so they fit in a URL path or fragment as they are. Formats are checked at the edge so a
// malformed id never reaches (or creates) a Durable Object.

/** 16 random bytes (128 bits) -> 22 base64url characters. */
const ID_BYTES = 16;
/** 32 random bytes (256 bits) -> 43 base64url characters. */
const KEY_BYTES = 32;

const ID_PATTERN = /^[A-Za-z0-9_-]{21}[AQgw]$/;

export function newSessionId(): string {
  return randomBase64Url(ID_BYTES);
}

export function newSnapshotId(): string {
  return randomBase64Url(ID_BYTES);
}

export function newEditKey(): string {
  return randomBase64Url(KEY_BYTES);
}

/** True for a string that newSessionId/newSnapshotId could have produced. */
export function isWellFormedId(value: string): boolean {
  return ID_PATTERN.test(value);
}

function randomBase64Url(bytes: number): string {
  const buffer = new Uint8Array(bytes);
  crypto.getRandomValues(buffer);
  return base64Url(buffer);
}

export function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
