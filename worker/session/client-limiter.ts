// Rate limits per client (lesson uploads, session creation): token buckets in Durable Objects, a
// row per client (its address, or for the classroom's allowance whatever key the caller chooses)
// and limit, so the limits hold across every Worker instance and survive restarts. The caller says
// which bucket and how big it is. A row whose bucket has refilled completely says nothing a fresh
// bucket would not, so the object's alarm deletes such rows, and addresses seen once leave nothing
// behind.
//
// The rows live in LIMITER_SHARDS objects, each client's in the one its key hashes to, not in an
// object per client: every new object is a new SQLite database, which workerd creates (and its
// alarm's deleteAll removed a second later) with synchronous file-system work on the thread every
// session shares. On `npm start`'s disk at load ~13 that was ~80 ms of a blocked thread per new
// address (bench/request-cpu.ts's profile of session creation: 28 ms in the first take, 51 ms in
// deleteAll), 50 new learners at once 4 s; a shard's database is made once and stays while in use.

import { DurableObject } from "cloudflare:workers";
import { fnv32a } from "../sim/cluster/ids.ts";
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

/** Objects the clients' rows are spread over: few, so that each is made once and reused; enough that none is busy (each serves ~1,000 requests/s). */
export const LIMITER_SHARDS = 8;
/**
 * Between two creations from one client, a pause as long as the last one took, within these bounds:
 * a burst's creations then use at most about half the thread every session shares (a creation is
 * ~11 ms of CPU and a new SQLite file; on a busy machine it takes longer, and so does the pause).
 */
const CREATE_PAUSE_MS = { min: 5, max: 50 };
/** A swept object looks again no sooner than this: rows wait a little longer, and a burst never meets a sweep a second after it. */
const SWEEP_INTERVAL_MS = 60_000;

/** The name of the limiter object holding `key`'s rows: FNV-1a of the key, modulo LIMITER_SHARDS. */
export function limiterShard(key: string): string {
  return `shard ${fnv32a(key) % LIMITER_SHARDS}`;
}

export class ClientLimiter extends DurableObject<Env> {
  /** Per client key, the last session creation admitted from it (see createInTurn); gone once it settled with none after it. */
  private readonly creating = new Map<string, Promise<unknown>>();
  /** The alarm this instance set; unknown after a wake-up (then the next take sets one). */
  private alarmAt: number | undefined;

  /** Takes a token from `key`'s bucket for `limit`. */
  take(key: string, limit: ClientLimit): Taken {
    const { config } = limit;
    const sql = this.ctx.storage.sql;
    const name = `${limit.bucket} ${key}`;
    sql.exec("CREATE TABLE IF NOT EXISTS buckets (name TEXT PRIMARY KEY, state TEXT NOT NULL, full_at INTEGER NOT NULL)");
    const stored = sql.exec<{ state: string }>("SELECT state FROM buckets WHERE name = ?", name).toArray()[0]?.state;
    const now = Date.now();
    const bucket = new TokenBucket(config, now, decodeBucket(stored));
    const taken = bucket.take(now);
    if (!taken.ok) return { ...refusal(limit, taken.retryAfterMs), refusedForMs: taken.retryAfterMs };
    const state = bucket.state;
    // Full again after this long; then the stored state says nothing a fresh bucket would not.
    const fullAt = now + Math.ceil(((config.burst - state.tokens) * 1000) / config.ratePerSecond);
    sql.exec(
      "INSERT INTO buckets (name, state, full_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET state = excluded.state, full_at = excluded.full_at",
      name,
      encodeBucket(state),
      fullAt,
    );
    if (this.alarmAt === undefined) this.sweepAt(Math.max(fullAt, now + SWEEP_INTERVAL_MS));
    return success({ remaining: Math.floor(state.tokens) });
  }

  private sweepAt(at: number): void {
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }

  /**
   * Creates a session once every creation admitted before it from this client has finished. Every
   * Durable Object on a machine shares its thread, so a burst of creations from one address (each
   * bootstrapping a cluster, perhaps with a list of setup commands) would otherwise run together
   * while everyone else's requests wait; one at a time, they take turns with other sessions'
   * requests. And the next one waits as long again as the last one took (see CREATE_PAUSE_MS):
   * back to back, another session's request, which needs several turns of the thread (the Worker,
   * its object, the answer), met a creation at each of them; with a pause it meets at most one.
   * A class of 50 joining from one school address waits 1-2 s for the last student.
   */
  createInTurn(key: string, init: CreateSessionInit): Promise<Outcome<CreatedSession>> {
    // The generated Env loses the class through the Env -> index.ts -> Session cycle; name it here.
    const namespace = this.env.SESSIONS as DurableObjectNamespace<Session>;
    let took = 0;
    const turn = async (): Promise<Outcome<CreatedSession>> => {
      // Date.now() moves across I/O in workerd, so this is the creation's wall time.
      const started = Date.now();
      const result = await namespace.get(namespace.idFromName(init.id)).create(init).finally(() => {
        took = Date.now() - started;
      });
      // An RPC result is disposable; this one goes back over another RPC call, so hand on a plain
      // copy and release the original (workerd warns about results left to the garbage collector).
      const plain = JSON.parse(JSON.stringify(result)) as Outcome<CreatedSession>;
      const dispose = (Symbol as unknown as { dispose?: symbol }).dispose;
      if (dispose) (result as unknown as Record<symbol, (() => void) | undefined>)[dispose]?.();
      return plain;
    };
    const before = this.creating.get(key) ?? Promise.resolve();
    const run = before.then(turn, turn);
    // The answer goes out at once; only the next creation from this client waits.
    const pause = () => scheduler.wait(Math.min(CREATE_PAUSE_MS.max, Math.max(CREATE_PAUSE_MS.min, took)));
    const settled = run.then(pause, pause);
    this.creating.set(key, settled);
    void settled.then(() => {
      if (this.creating.get(key) === settled) this.creating.delete(key);
    });
    return run;
  }

  /** Deletes the rows of full buckets; the object's storage goes once no row is left. */
  override async alarm(): Promise<void> {
    const sql = this.ctx.storage.sql;
    const now = Date.now();
    this.alarmAt = undefined;
    sql.exec("CREATE TABLE IF NOT EXISTS buckets (name TEXT PRIMARY KEY, state TEXT NOT NULL, full_at INTEGER NOT NULL)");
    sql.exec("DELETE FROM buckets WHERE full_at <= ?", now);
    const next = sql.exec<{ at: number | null }>("SELECT MIN(full_at) AS at FROM buckets").one().at;
    if (next === null) await this.ctx.storage.deleteAll();
    else this.sweepAt(Math.max(next, now + SWEEP_INTERVAL_MS));
  }
}
