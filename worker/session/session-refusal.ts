// A session's 429 for one of its buckets, in one place: the session answers it, and the Worker
// answers it again from memory for the rest of the refusal (worker/http/command-refusals.ts).

import { failure, type Failure } from "./outcome.ts";
import type { RateLimitConfig } from "./rate-limit.ts";

export type BucketName = "commands" | "keyless";

/** The 429 for a session's bucket whose next token is `retryAfterMs` away; `retryAfterMs` stays on it, exact. */
export function sessionRefusal(name: BucketName, config: RateLimitConfig, retryAfterMs: number): Failure & { retryAfterMs: number } {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const { ratePerSecond, burst } = config;
  const limits =
    name === "commands"
      ? `at most ${ratePerSecond} per second, bursts of ${burst}; a command that did heavy work, such as a long loop, counts as up to 5`
      : `at most ${ratePerSecond} per second, bursts of ${burst}`;
  const what = name === "commands" ? "commands" : "snapshots and proxy requests";
  return { ...failure(429, "rate_limited", `Too many ${what} for this session (${limits}); retry in ${seconds} s.`, seconds), retryAfterMs };
}
