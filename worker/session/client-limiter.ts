// Rate limits per client (lesson uploads, session creation): token buckets in one small Durable
// Object per client, named by the client's address (or, for the classroom's allowance, by whatever
// key the caller chooses), so the limits hold across every Worker instance and survive restarts.
// Each limit is its own bucket in that object; the caller says which and how big it is. Once every
// bucket has refilled completely the object forgets them (its alarm deletes them), so addresses
// seen once leave nothing behind.

import { DurableObject } from "cloudflare:workers";
import { type Failure, failure, type Outcome, success } from "./outcome.ts";
import { decodeBucket, encodeBucket, type RateLimitConfig, TokenBucket } from "./rate-limit.ts";
import type { CreatedSession, CreateSessionInit, Session } from "./session.ts";

/** One limit a client draws on: its bucket's name, its size, and what to call it in a refusal. */
export interface ClientLimit {
  bucket: string;
  config: RateLimitConfig;
  /** "lesson uploads", "new sessions": the refusal says "Too many <what> from your address". */
  what: string;
  /** Whose the allowance is, for the refusal: "from your address" unless said otherwise ("for this class"). */
  whose?: string;
}

/** What take answers: a token, or the refusal and how long the bucket stays empty (ms). */
export type Taken = { ok: true; value: { remaining: number } } | (Failure & { refusedForMs: number });

/** The 429 for a limit whose bucket has its next token in `retryAfterMs`. */
export function refusal(limit: ClientLimit, retryAfterMs: number): Failure {
  const { config } = limit;
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  // A limit of a few an hour would read "at most 0 a minute".
  const perMinute = config.ratePerSecond * 60;
  const rate = perMinute >= 1 ? `${Math.round(perMinute)} a minute` : `${Math.round(perMinute * 60)} an hour`;
  return failure(429, "rate_limited", `Too many ${limit.what} ${limit.whose ?? "from your address"} (at most ${rate}, bursts of ${config.burst}); retry in ${seconds} s.`, seconds);
}

export class ClientLimiter extends DurableObject<Env> {
  /** The last session creation admitted from this client (see createInTurn). */
  private creating: Promise<unknown> = Promise.resolve();

  take(limit: ClientLimit): Taken {
    const { config } = limit;
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS buckets (name TEXT PRIMARY KEY, state TEXT NOT NULL, full_at INTEGER NOT NULL)");
    const stored = sql.exec<{ state: string }>("SELECT state FROM buckets WHERE name = ?", limit.bucket).toArray()[0]?.state;
    const now = Date.now();
    const bucket = new TokenBucket(config, now, decodeBucket(stored));
    const taken = bucket.take(now);
    if (!taken.ok) return { ...refusal(limit, taken.retryAfterMs), refusedForMs: taken.retryAfterMs };
    const state = bucket.state;
    // Full again after this long; then the stored state says nothing a fresh bucket would not.
    const fullAt = now + Math.ceil(((config.burst - state.tokens) * 1000) / config.ratePerSecond);
    sql.exec(
      "INSERT INTO buckets (name, state, full_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET state = excluded.state, full_at = excluded.full_at",
      limit.bucket,
      encodeBucket(state),
      fullAt,
    );
    // One alarm for all buckets: when the last of them is full.
    const allFullAt = sql.exec<{ at: number }>("SELECT MAX(full_at) AS at FROM buckets").one().at;
    void this.ctx.storage.setAlarm(allFullAt);
    return success({ remaining: Math.floor(state.tokens) });
  }

  /**
   * Creates a session once every creation admitted before it from this client has finished. Every
   * Durable Object on a machine shares its thread, so a burst of creations from one address (each
   * bootstrapping a cluster, perhaps with a list of setup commands) would otherwise run together
   * while everyone else's requests wait; one at a time, they take turns with other sessions'
   * requests. A class of 50 joining from one school address waits a few ms each.
   */
  createInTurn(init: CreateSessionInit): Promise<Outcome<CreatedSession>> {
    // The generated Env loses the class through the Env -> index.ts -> Session cycle; name it here.
    const namespace = this.env.SESSIONS as DurableObjectNamespace<Session>;
    const turn = async (): Promise<Outcome<CreatedSession>> => {
      const result = await namespace.get(namespace.idFromName(init.id)).create(init);
      // An RPC result is disposable; this one goes back over another RPC call, so hand on a plain
      // copy and release the original (workerd warns about results left to the garbage collector).
      const plain = JSON.parse(JSON.stringify(result)) as Outcome<CreatedSession>;
      const dispose = (Symbol as unknown as { dispose?: symbol }).dispose;
      if (dispose) (result as unknown as Record<symbol, (() => void) | undefined>)[dispose]?.();
      return plain;
    };
    const run = this.creating.then(turn, turn);
    this.creating = run.catch(() => undefined);
    return run;
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
