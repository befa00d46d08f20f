// A token bucket: `ratePerSecond` tokens flow in, at most `burst` are kept, a request takes one.
// Its whole state is two numbers (tokens, and when they were counted), which the owner stores
// after every successful take, so that a Durable Object evicted and woken again (or restarted)
// carries on with the same bucket: eviction cannot be used to refill it. A refused take needs no
// write: the stored state refills to the same value.

export interface RateLimitConfig {
  ratePerSecond: number;
  burst: number;
}

export interface BucketState {
  tokens: number;
  /** ms since the epoch when `tokens` was counted. */
  updatedAt: number;
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  /** A full bucket, or one carrying on from a stored state. */
  constructor(
    readonly config: RateLimitConfig,
    now: number,
    stored?: BucketState,
  ) {
    // A charge (below) may leave a debt of at most one burst.
    this.tokens = stored ? Math.min(config.burst, Math.max(-config.burst, stored.tokens)) : config.burst;
    this.updatedAt = stored ? stored.updatedAt : now;
  }

  /** What to store to carry on later. */
  get state(): BucketState {
    return { tokens: this.tokens, updatedAt: this.updatedAt };
  }

  /**
   * Takes `count` tokens for work already admitted (a new session's setup commands), going into
   * debt when there are not enough (at most one burst): the tokens that follow wait for the refill,
   * so one request cannot run a burst of setup and then a burst of commands.
   */
  charge(count: number, now: number): void {
    this.refill(now);
    this.tokens = Math.max(-this.config.burst, this.tokens - count);
  }

  /** Takes a token if there is one; otherwise says how many ms until there will be. */
  take(now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - this.tokens) * 1000) / this.config.ratePerSecond) };
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.config.burst, this.tokens + (elapsed * this.config.ratePerSecond) / 1000);
    this.updatedAt = Math.max(this.updatedAt, now);
  }
}

/** The stored form: "tokens,updatedAt". */
export function encodeBucket(state: BucketState): string {
  return `${state.tokens},${state.updatedAt}`;
}

/** The state from its stored form; undefined when absent or unreadable (a full bucket then). */
export function decodeBucket(text: string | undefined): BucketState | undefined {
  if (text === undefined) return undefined;
  const [tokens, updatedAt] = text.split(",").map(Number);
  return Number.isFinite(tokens) && Number.isFinite(updatedAt) ? { tokens, updatedAt } : undefined;
}
