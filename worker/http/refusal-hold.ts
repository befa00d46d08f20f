// Refusals of clients that do not wait are answered slowly. A client refused (429) that asks again
// before the Retry-After it was given gets the same refusal, held for that Retry-After (at most a
// second): a script that sends back to back as soon as it is answered then asks a few times a
// second instead of a thousand, and the thread every session shares stays free for others. nginx's
// limit_req delays excess requests the same way. A client that waits as told (the page, kubectl's
// client-go, which sleeps Retry-After before retrying) is always answered at once, and so is a
// first refusal; a held answer costs a timer, not CPU.

import { clientKey } from "../session/client-key.ts";

export const REFUSAL_HOLD = {
  /** A refusal is held at most this long (and never past its Retry-After). */
  maxMs: 1000,
  /** Refusals held at once, in all; past it they are answered at once (a hold is a courtesy, not a queue). */
  maxHeld: 1000,
  /** Clients remembered; past it the map starts over. */
  maxClients: 10_000,
} as const;

/** Until when each (client, resource) was told to wait (its last refusal's answer plus its Retry-After). */
const toldToWait = new Map<string, number>();
let held = 0;

/** Who was refused what: the client's address and the resource (the session, or session creation). */
export function refusalKey(request: Request): string {
  const path = new URL(request.url).pathname.split("/").slice(0, 4).join("/");
  return `${clientKey(request.headers.get("CF-Connecting-IP") ?? undefined)} ${request.method} ${path}`;
}

/**
 * Resolves at once unless this client was refused this resource before and asks again before the
 * Retry-After it was given; then once `retryAfterMs` (at most maxMs) has passed. Remembers the
 * Retry-After of the answer about to be sent.
 */
export async function holdRefusal(key: string, retryAfterMs: number, now = Date.now()): Promise<void> {
  const until = toldToWait.get(key);
  if (toldToWait.size >= REFUSAL_HOLD.maxClients && until === undefined) toldToWait.clear();
  const impatient = until !== undefined && now < until && held < REFUSAL_HOLD.maxHeld;
  const wait = impatient ? Math.max(0, Math.min(REFUSAL_HOLD.maxMs, retryAfterMs)) : 0;
  toldToWait.set(key, now + wait + retryAfterMs);
  if (!impatient) return;
  held++;
  try {
    await scheduler.wait(wait);
  } finally {
    held--;
  }
}
