import { describe, expect, it } from "vitest";
import { TokenBucket } from "../../../worker/session/rate-limit.ts";

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
