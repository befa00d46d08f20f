// Rate limits per client (lesson uploads, session creation): token buckets in one small Durable
// Object per client, named by the client's address (or, for the classroom's allowance, by whatever
// key the caller chooses), so the limits hold across every Worker instance and survive restarts.
// Each limit is its own bucket in that object; the caller says which and how big it is. Once every
// bucket has refilled completely the object forgets them (its alarm deletes them), so addresses
// seen once leave nothing behind.

import { DurableObject } from "cloudflare:workers";
import { failure, type Outcome, success } from "./outcome.ts";
import { decodeBucket, encodeBucket, type RateLimitConfig, TokenBucket } from "./rate-limit.ts";

/** One limit a client draws on: its bucket's name, its size, and what to call it in a refusal. */
export interface ClientLimit {
  bucket: string;
  config: RateLimitConfig;
  /** "lesson uploads", "new sessions": the refusal says "Too many <what> from your address". */
  what: string;
}

export class ClientLimiter extends DurableObject<Env> {
  take(limit: ClientLimit): Outcome<{ remaining: number }> {
    const { config } = limit;
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS buckets (name TEXT PRIMARY KEY, state TEXT NOT NULL, full_at INTEGER NOT NULL)");
    const stored = sql.exec<{ state: string }>("SELECT state FROM buckets WHERE name = ?", limit.bucket).toArray()[0]?.state;
    const now = Date.now();
    const bucket = new TokenBucket(config, now, decodeBucket(stored));
    const taken = bucket.take(now);
    if (!taken.ok) {
      const seconds = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
      const perMinute = Math.round(config.ratePerSecond * 60);
      return failure(429, "rate_limited", `Too many ${limit.what} from your address (at most ${perMinute} a minute, bursts of ${config.burst}); retry in ${seconds} s.`, seconds);
    }
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

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}

/**
 * Whose buckets a request uses: the client address Cloudflare reports (CF-Connecting-IP; wrangler
 * dev and `npm start` set it from the socket's address too), an IPv6 address by its /64 (one
 * subscriber gets a whole /64), or one shared local bucket where there is no such header (tests
 * calling the Worker directly).
 */
export function clientKey(connectingIp: string | undefined): string {
  const ip = connectingIp?.trim();
  if (!ip) return "local";
  if (!ip.includes(":")) return `ip:${ip}`;
  return `ip6:${ipv6Prefix64(ip)}`;
}

/** The first four groups of an IPv6 address, expanded ("2001:db8::1" -> "2001:db8:0:0"). */
function ipv6Prefix64(ip: string): string {
  const [head, tail] = ip.toLowerCase().split("::", 2);
  const left = head ? head.split(":") : [];
  const right = tail === undefined ? [] : tail ? tail.split(":") : [];
  const missing = Math.max(0, 8 - left.length - right.length);
  const groups = tail === undefined ? left : [...left, ...Array<string>(missing).fill("0"), ...right];
  return groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":");
}
