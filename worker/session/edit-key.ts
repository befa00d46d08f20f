// The edit key is stored only as its SHA-256 hash. A presented key is hashed and the two hashes
// are compared in constant time, so neither the stored value nor the timing of a comparison tells
// anything about the key.

import { base64Url } from "./ids.ts";

export async function hashEditKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key));
  return base64Url(new Uint8Array(digest));
}

/** True when `presented` hashes to `storedHash`. Both hashes have the same length, as timingSafeEqual needs. */
export async function editKeyMatches(presented: string | undefined, storedHash: string): Promise<boolean> {
  if (presented === undefined) return false;
  const presentedHash = await hashEditKey(presented);
  const a = new TextEncoder().encode(presentedHash);
  const b = new TextEncoder().encode(storedHash);
  if (a.byteLength !== b.byteLength) return false;
  return crypto.subtle.timingSafeEqual(a, b);
}
