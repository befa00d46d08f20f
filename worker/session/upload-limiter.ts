// The rate limit on lesson uploads (POST /api/lessons): one token bucket per client, in its own
// small Durable Object named by the client's address, so the limit holds across every Worker
// instance and survives restarts. A bucket that has refilled completely is forgotten (its alarm
// deletes it), so addresses seen once leave nothing behind.

import { DurableObject } from "cloudflare:workers";
import { readSettings } from "../config.ts";
import { failure, type Outcome, success } from "./outcome.ts";
import { decodeBucket, encodeBucket, TokenBucket } from "./rate-limit.ts";

export class UploadLimiter extends DurableObject<Env> {
  take(): Outcome<{ remaining: number }> {
    const config = readSettings(this.env).lessonUploadRate;
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS bucket (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL)");
    const stored = sql.exec<{ state: string }>("SELECT state FROM bucket WHERE id = 1").toArray()[0]?.state;
    const now = Date.now();
    const bucket = new TokenBucket(config, now, decodeBucket(stored));
    const taken = bucket.take(now);
    if (!taken.ok) {
      const seconds = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
      const perMinute = Math.round(config.ratePerSecond * 60);
      return failure(429, "rate_limited", `Too many lesson uploads from your address (at most ${perMinute} a minute); retry in ${seconds} s.`, seconds);
    }
    const state = bucket.state;
    sql.exec("INSERT INTO bucket (id, state) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state", encodeBucket(state));
    // Full again after this long; then the stored state says nothing a fresh bucket would not.
    const fullAt = now + Math.ceil(((config.burst - state.tokens) * 1000) / config.ratePerSecond);
    void this.ctx.storage.setAlarm(fullAt);
    return success({ remaining: Math.floor(state.tokens) });
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}

/**
 * Whose bucket a request uses: the client address Cloudflare reports (CF-Connecting-IP), an IPv6
 * address by its /64 (one subscriber gets a whole /64), or one shared local bucket where there is
 * no such header (wrangler dev, tests).
 */
export function uploadClientKey(connectingIp: string | undefined): string {
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
