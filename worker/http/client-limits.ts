// The per-client limits the Worker enforces before waking a session: which bucket a request draws
// on and how big it is. Session creation takes an allowance source, so that the classroom's
// students (50 joining within a minute from one school address) can draw on their class's own
// allowance instead of the school address's.

import { readSettings } from "../config.ts";
import { type ClientLimit, type ClientLimiter, refusal } from "../session/client-limiter.ts";
import { clientKey } from "../session/client-key.ts";
import { unwrap } from "./stubs.ts";

export function clientLimiterStub(env: Env, key: string) {
  // The generated Env loses the class through the Env -> index.ts -> class cycle; name it here.
  const namespace = env.CLIENT_LIMITS as DurableObjectNamespace<ClientLimiter>;
  return namespace.get(namespace.idFromName(key));
}

/** Where a limited request draws from: whose limiter object, and which of its buckets. */
export interface Allowance {
  key: string;
  limit: ClientLimit;
}

/**
 * Allowances this isolate has seen refused, until their bucket's next token. A bucket that refused
 * stays empty until then whoever asks, so the same 429 is answered here without a round trip to the
 * limiter object: 100 creates at once from one address then cost the Worker alone, on the thread
 * every session shares. The window starts before the question was asked, so it never outlasts the
 * bucket's own.
 */
const knownRefusals = new Map<string, number>();
/** Addresses remembered at most; past it the map starts over (it is only a shortcut). */
const MAX_KNOWN_REFUSALS = 10_000;

/** Takes one token from the allowance, or throws its 429 (with Retry-After) into the error funnel. */
export async function spend(env: Env, allowance: Allowance): Promise<void> {
  // No request waits on another's question to the limiter: a promise settled by one request's I/O
  // and awaited from another's is cross-request I/O, which workerd cancels as hung when the first
  // request goes (a class of 50 joining at once hung that way). Each asks for itself; once a refusal
  // is known, the rest of a burst is answered from memory.
  const name = `${allowance.limit.bucket} ${allowance.key}`;
  const asked = Date.now();
  const refusedUntil = knownRefusals.get(name);
  if (refusedUntil !== undefined) {
    if (asked < refusedUntil) unwrap(refusal(allowance.limit, refusedUntil - asked));
    knownRefusals.delete(name);
  }
  const taken = await clientLimiterStub(env, allowance.key).take(allowance.limit);
  if (!taken.ok) {
    if (knownRefusals.size >= MAX_KNOWN_REFUSALS) knownRefusals.clear();
    knownRefusals.set(name, asked + taken.refusedForMs);
  }
  unwrap(taken);
}

export function lessonUploadAllowance(env: Env, request: Request): Allowance {
  return { key: clientKey(request.headers.get("CF-Connecting-IP") ?? undefined), limit: { bucket: "lesson-upload", config: readSettings(env).lessonUploadRate, what: "lesson uploads" } };
}

/**
 * Live sockets opened from one address, whichever sessions they watch: each session caps its own
 * sockets, and this caps how fast one address can open them across many sessions.
 */
export function liveOpenAllowance(env: Env, request: Request): Allowance {
  return { key: clientKey(request.headers.get("CF-Connecting-IP") ?? undefined), limit: { bucket: "live-open", config: readSettings(env).liveOpenRate, what: "live connections opened" } };
}

/** Classes created from one address (POST /api/classes). */
export function classCreationAllowance(env: Env, request: Request): Allowance {
  return { key: clientKey(request.headers.get("CF-Connecting-IP") ?? undefined), limit: { bucket: "class-create", config: readSettings(env).classCreateRate, what: "new classes" } };
}

/**
 * Students joining one class (each join starts a session): the class's own allowance, not the
 * school address's, so a room of students behind one address all get in. Its size is the class's
 * cap; the refill lets a class that lost students to errors take new ones after a while.
 */
export function classJoinAllowance(classId: string, maxStudents: number): Allowance {
  return { key: `class:${classId}`, limit: { bucket: "student-join", config: { ratePerSecond: maxStudents / 3600, burst: maxStudents }, what: "students joining", whose: "this class" } };
}

/** The allowance a new session draws on (POST /api/sessions): the client's address. */
export function sessionCreationAllowance(env: Env, request: Request): Allowance {
  return { key: clientKey(request.headers.get("CF-Connecting-IP") ?? undefined), limit: { bucket: "session-create", config: readSettings(env).sessionCreateRate, what: "new sessions" } };
}
