// A session's 429 for one of its buckets, in one place: the session answers it, and the Worker
// answers it again from memory for the rest of the refusal (worker/http/command-refusals.ts).

import { WORK_BUDGET } from "../sim/shell/work.ts";
import { failure, type Failure } from "./outcome.ts";
import type { RateLimitConfig } from "./rate-limit.ts";

/**
 * A command takes one token before it runs; once it has run, the work it did past what its token
 * covers is charged too, one more token per WORK_UNITS_PER_TOKEN, going into debt when the bucket
 * is short. The token covers the work of ordinary typing (`kubectl get svc` is ~2,000 units, a loop
 * of 10 curl requests ~20,000), which never notices; the heaviest command of the goldens and
 * lessons (42,379 units) costs 2; a command stopped at the budget (WORK_BUDGET, 500,000) costs 20
 * in all, a second of the refill. Such commands are ~25 ms of CPU at most on the one thread every
 * session shares (bench/work-bench.ts), so a session running them back to back gets one a second,
 * ~2.5% of a core, and 429s in between. At 5 a second (4 tokens each) a second session's
 * `kubectl get svc` met one in one sample of ten, sometimes two at once: its p99 went to 43-47 ms.
 */
export const WORK_COVERED_BY_TOKEN = 25_000;
export const WORK_UNITS_PER_TOKEN = 25_000;
/** What a command stopped at the work budget costs in all: its token and its work. */
export const HEAVIEST_COMMAND_TOKENS = 1 + Math.ceil((WORK_BUDGET - WORK_COVERED_BY_TOKEN) / WORK_UNITS_PER_TOKEN);

export type BucketName = "commands" | "keyless";

/** The 429 for a session's bucket whose next token is `retryAfterMs` away; `retryAfterMs` stays on it, exact. */
export function sessionRefusal(name: BucketName, config: RateLimitConfig, retryAfterMs: number): Failure & { retryAfterMs: number } {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const { ratePerSecond, burst } = config;
  const limits =
    name === "commands"
      ? `at most ${ratePerSecond} per second, bursts of ${burst}; a command that did heavy work, such as a long loop, counts as up to ${HEAVIEST_COMMAND_TOKENS}`
      : `at most ${ratePerSecond} per second, bursts of ${burst}`;
  const what = name === "commands" ? "commands" : "snapshots and proxy requests";
  return { ...failure(429, "rate_limited", `Too many ${what} for this session (${limits}); retry in ${seconds} s.`, seconds), retryAfterMs };
}
