// Repeated refusals are answered slowly. A client refused (429) and asking again before its
// Retry-After gets the same refusal, held until its next token could be there (at most a second):
// a script that sends back to back as soon as it is answered then asks a few times a second instead
// of a thousand, and the thread every session shares stays free for others. nginx's limit_req
// delays excess requests the same way. The first refusal in a while is answered at once, so a
// learner who typed too fast learns of it at once; a held answer costs a timer, not CPU.

import { clientKey } from "../session/client-key.ts";

export const REFUSAL_HOLD = {
  /** A refusal is held at most this long (and never past its Retry-After). */
  maxMs: 1000,
  /** A refusal this soon after the last one for the same client and resource counts as repeated. */
  windowMs: 2000,
  /** Refusals held at once, in all; past it they are answered at once (a hold is a courtesy, not a queue). */
  maxHeld: 1000,
  /** Clients remembered; past it the map starts over. */
  maxClients: 10_000,
} as const;

/** When each (client, resource) was last refused. */
const lastRefused = new Map<string, number>();
let held = 0;

/** Who was refused what: the client's address and the resource (the session, or session creation). */
export function refusalKey(request: Request): string {
  const path = new URL(request.url).pathname.split("/").slice(0, 4).join("/");
  return `${clientKey(request.headers.get("CF-Connecting-IP") ?? undefined)} ${request.method} ${path}`;
}

/** Resolves at once for a first refusal; for a repeated one, once `retryAfterMs` (at most maxMs) has passed. */
export async function holdRefusal(key: string, retryAfterMs: number, now = Date.now()): Promise<void> {
  const last = lastRefused.get(key);
  if (lastRefused.size >= REFUSAL_HOLD.maxClients && last === undefined) lastRefused.clear();
  lastRefused.set(key, now);
  if (last === undefined || now - last > REFUSAL_HOLD.windowMs || held >= REFUSAL_HOLD.maxHeld) return;
  held++;
  try {
    await scheduler.wait(Math.max(0, Math.min(REFUSAL_HOLD.maxMs, retryAfterMs)));
  } finally {
    held--;
  }
}

/** Refusals being held now (for tests). */
export function heldRefusals(): number {
  return held;
}
