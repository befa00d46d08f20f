// The per-client limits the Worker enforces before waking a session: which bucket a request draws
// on and how big it is. Session creation takes an allowance source, so that the classroom's
// students (50 joining within a minute from one school address) can draw on their class's own
// allowance instead of the school address's.

import { readSettings } from "../config.ts";
import { type ClientLimit, type ClientLimiter, limiterShard, refusal } from "../session/client-limiter.ts";
import { clientKey } from "../session/client-key.ts";
import { TokenBucket } from "../session/rate-limit.ts";
import { unwrap } from "./stubs.ts";

/** The limiter object holding `key`'s buckets (one of a few shared ones, see client-limiter.ts). */
export function clientLimiterStub(env: Env, key: string) {
  // The generated Env loses the class through the Env -> index.ts -> class cycle; name it here.
  const namespace = env.CLIENT_LIMITS as DurableObjectNamespace<ClientLimiter>;
  return namespace.get(namespace.idFromName(limiterShard(key)));
}

/** Where a limited request draws from: whose limiter object, and which of its buckets. */
export interface Allowance {
  key: string;
  limit: ClientLimit;
}

/**
 * This isolate's own copy of each allowance's bucket, counted synchronously: the first line, before
 * the limiter object. Every token the limiter object gives this isolate was first taken here, so the
 * copy never holds fewer tokens than the object: it refuses only what the object would refuse too.
 * A burst from one address (100 creates at once) then gets its refusals here, at the cost of a
 * header parse, instead of all asking the object together before any refusal is known: only the
 * allowance's worth go on, on the thread every session shares. The object stays the authority
 * (other isolates, restarts); when it refuses, the copy takes on its empty bucket.
 */
const localBuckets = new Map<string, TokenBucket>();
/** Buckets kept at most; past it the map starts over (it is only a first line: the object decides). */
const MAX_LOCAL_BUCKETS = 10_000;

/** Takes one token from the allowance, or throws its 429 (with Retry-After) into the error funnel. */
export async function spend(env: Env, allowance: Allowance): Promise<void> {
  const { limit } = allowance;
  const name = `${limit.bucket} ${allowance.key}`;
  const asked = Date.now();
  let local = localBuckets.get(name);
  if (!local || local.config.ratePerSecond !== limit.config.ratePerSecond || local.config.burst !== limit.config.burst) {
    if (localBuckets.size >= MAX_LOCAL_BUCKETS) localBuckets.clear();
    local = new TokenBucket(limit.config, asked);
    localBuckets.set(name, local);
  }
  // Synchronous, and no request waits on another's promise: a promise settled by one request's I/O
  // and awaited from another's is cross-request I/O, which workerd cancels as hung (commit 940cff7).
  const first = local.take(asked);
  if (!first.ok) unwrap(refusal(limit, first.retryAfterMs));
  const taken = await clientLimiterStub(env, allowance.key).take(allowance.key, limit);
  if (!taken.ok) {
    // Empty until the object's next token, counted from before the question (so never longer).
    localBuckets.set(name, new TokenBucket(limit.config, asked, { tokens: 1 - (taken.refusedForMs * limit.config.ratePerSecond) / 1000, updatedAt: asked }));
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
