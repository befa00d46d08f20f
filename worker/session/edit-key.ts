// The edit key is stored only as its SHA-256 hash. A presented key is hashed and the two hashes
// are compared in constant time, so neither the stored value nor the timing of a comparison tells
// anything about the key.

import { base64Url } from "./ids.ts";

const HASH_BYTES = 32;

export async function hashEditKey(key: string): Promise<string> {
  return base64Url(await digest(key));
}

/** The stored hash (base64url) as bytes, to compare with; decoded once per wake-up by its owner. */
export function decodeKeyHash(storedHash: string): Uint8Array {
  const binary = atob(storedHash.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** True when `presented` hashes to `storedHash` (decodeKeyHash's bytes). */
export async function editKeyMatches(presented: string | undefined, storedHash: Uint8Array): Promise<boolean> {
  if (presented === undefined || storedHash.byteLength !== HASH_BYTES) return false;
  return crypto.subtle.timingSafeEqual(await digest(presented), storedHash);
}

async function digest(key: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
}
