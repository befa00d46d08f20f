import { describe, expect, it } from "vitest";
import { decodeBucket, encodeBucket, TokenBucket } from "../../../worker/session/rate-limit.ts";

describe("TokenBucket", () => {
  it("allows a burst, then one command per 1/rate seconds", () => {
    const bucket = new TokenBucket({ ratePerSecond: 20, burst: 40 }, 0);
    for (let i = 0; i < 40; i++) expect(bucket.take(0)).toEqual({ ok: true });
    expect(bucket.take(0)).toEqual({ ok: false, retryAfterMs: 50 });
    expect(bucket.take(49)).toMatchObject({ ok: false });
    expect(bucket.take(50)).toEqual({ ok: true });
    expect(bucket.take(50)).toMatchObject({ ok: false });
  });

  it("refills up to the burst and no further", () => {
    const bucket = new TokenBucket({ ratePerSecond: 20, burst: 40 }, 0);
    for (let i = 0; i < 40; i++) bucket.take(0);
    let accepted = 0;
    while (bucket.take(60_000).ok) accepted++;
    expect(accepted).toBe(40);
  });

  it("is not fooled by a clock that goes backwards", () => {
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1 }, 10_000);
    expect(bucket.take(10_000).ok).toBe(true);
    expect(bucket.take(0).ok).toBe(false);
    expect(bucket.take(10_500).ok).toBe(false);
    expect(bucket.take(11_000).ok).toBe(true);
  });
});

describe("TokenBucket.charge", () => {
  it("takes admitted work from the bucket, into a debt the following takes wait out", () => {
    const bucket = new TokenBucket({ ratePerSecond: 20, burst: 40 }, 0);
    bucket.charge(50, 0);
    expect(bucket.state.tokens).toBe(-10);
    expect(bucket.take(0)).toEqual({ ok: false, retryAfterMs: 550 });
    expect(bucket.take(550)).toEqual({ ok: true });
  });

  it("owes at most one burst", () => {
    const bucket = new TokenBucket({ ratePerSecond: 20, burst: 40 }, 0);
    bucket.charge(1000, 0);
    expect(bucket.state.tokens).toBe(-40);
  });
});

describe("a stored TokenBucket", () => {
  it("carries on where it was stored: an empty bucket stays empty, then refills at the rate", () => {
    const bucket = new TokenBucket({ ratePerSecond: 20, burst: 40 }, 0);
    for (let i = 0; i < 40; i++) bucket.take(0);
    const restored = new TokenBucket({ ratePerSecond: 20, burst: 40 }, 1_000_000, decodeBucket(encodeBucket(bucket.state)));
    expect(restored.take(10)).toMatchObject({ ok: false, retryAfterMs: 40 });
    expect(restored.take(50)).toEqual({ ok: true });
  });

  it("never restores more than the burst, nor a debt of more than one burst", () => {
    const generous = new TokenBucket({ ratePerSecond: 1, burst: 2 }, 0, { tokens: 1e9, updatedAt: 0 });
    expect([generous.take(0).ok, generous.take(0).ok, generous.take(0).ok]).toEqual([true, true, false]);
    const negative = new TokenBucket({ ratePerSecond: 1, burst: 2 }, 0, { tokens: -5, updatedAt: 0 });
    expect(negative.take(2999)).toMatchObject({ ok: false, retryAfterMs: 1 });
    expect(negative.take(3000)).toEqual({ ok: true });
  });

  it.each([[undefined], [""], ["x,y"], ["1"], ["NaN,5"]])("reads %j as no stored state (a full bucket)", (text) => {
    expect(decodeBucket(text)).toBeUndefined();
  });
});
