// Refused commands answered by the Worker: once a session has refused a key holder's command (its
// command bucket is empty), the same 429 is answered here until that bucket's next token, without
// reading the body or waking the object. A script sending commands back to back into a refusal
// would otherwise cost a body parse, an RPC, the object's queue and an edit-key hash each time,
// about 1.3 ms of CPU over a bare request's, on the thread every session shares.

import { readSettings } from "../config.ts";
import type { Failure, Outcome } from "../session/outcome.ts";
import { sessionRefusal } from "../session/session-refusal.ts";
import { unwrap } from "./stubs.ts";

/**
 * Until when each (session, Authorization header) is refused. Keyed by the exact header the session
 * checked before refusing, so only that key's holder is answered from here: anyone else still gets
 * the session's own answer (403 for a wrong key). Nothing adds tokens to a bucket but time, so a
 * refusal known here holds at least this long; the window starts before the question was asked.
 */
const refusedUntil = new Map<string, number>();
/** Entries kept at most; past it the map starts over (it is only a shortcut). */
const MAX_REFUSALS = 10_000;

/** Throws the session's 429 again when this key holder's commands are known to be refused now. */
export function refuseKnown(env: Env, sessionId: string, authorization: string | undefined): void {
  if (authorization === undefined) return;
  const name = `${sessionId} ${authorization}`;
  const until = refusedUntil.get(name);
  if (until === undefined) return;
  const now = Date.now();
  if (now < until) unwrap(sessionRefusal("commands", readSettings(env).commandRate, until - now));
  refusedUntil.delete(name);
}

/** The session's answer, remembering a refusal of the command bucket; `asked` is when the question was sent. */
export function noteRefusal<T>(sessionId: string, authorization: string | undefined, asked: number, outcome: Outcome<T>): Outcome<T> {
  const refused = outcome as Failure & { retryAfterMs?: number };
  if (authorization !== undefined && !outcome.ok && refused.status === 429 && refused.code === "rate_limited" && refused.retryAfterMs !== undefined) {
    if (refusedUntil.size >= MAX_REFUSALS) refusedUntil.clear();
    refusedUntil.set(`${sessionId} ${authorization}`, asked + refused.retryAfterMs);
  }
  return outcome;
}
