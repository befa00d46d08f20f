import { describe, expect, it } from "vitest";
import { holdRefusal, REFUSAL_HOLD, refusalKey } from "../../../worker/http/refusal-hold.ts";
import { command, createSession, errorOf } from "../helpers.ts";

const HEAVY = "for i in {1..1000}; do seq 100000 | grep -c 9; done";

describe("refusals of clients that do not wait are answered slowly", () => {
  it("answers a first refusal at once and holds one asked before its Retry-After, at most a second", async () => {
    const key = `test ${Math.random()}`;
    let at = Date.now();
    await holdRefusal(key, 5000);
    expect(Date.now() - at).toBeLessThan(REFUSAL_HOLD.maxMs);
    at = Date.now();
    await holdRefusal(key, 5000);
    expect(Date.now() - at).toBeGreaterThanOrEqual(REFUSAL_HOLD.maxMs - 5);
    at = Date.now();
    await holdRefusal(key, 300);
    const took = Date.now() - at;
    expect(took).toBeGreaterThanOrEqual(295);
    expect(took).toBeLessThan(REFUSAL_HOLD.maxMs);
  });

  it("answers at once a client that waited as it was told", async () => {
    const key = `test ${Math.random()}`;
    await holdRefusal(key, 100);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const at = Date.now();
    await holdRefusal(key, 100);
    expect(Date.now() - at).toBeLessThan(90);
  });

  it("keys a refusal by the client's address and the resource refused", () => {
    const ask = (path: string, ip?: string) => new Request(`https://playground.test${path}`, { method: "POST", headers: ip ? { "CF-Connecting-IP": ip } : {} });
    expect(refusalKey(ask("/api/sessions/abc/commands", "192.0.2.1"))).toBe(refusalKey(ask("/api/sessions/abc/snapshots", "192.0.2.1")));
    expect(refusalKey(ask("/api/sessions/abc/commands", "192.0.2.1"))).not.toBe(refusalKey(ask("/api/sessions/def/commands", "192.0.2.1")));
    expect(refusalKey(ask("/api/sessions/abc/commands", "192.0.2.1"))).not.toBe(refusalKey(ask("/api/sessions/abc/commands", "192.0.2.2")));
    // One subscriber's IPv6 /64 is one client.
    expect(refusalKey(ask("/api/sessions", "2001:db8:1:2::1"))).toBe(refusalKey(ask("/api/sessions", "2001:db8:1:2::ffff")));
  });

  it("over HTTP: a key holder refused and asking again at once gets the same 429, a second later", async () => {
    const heavy = await createSession();
    let refused: Response | undefined;
    for (let i = 0; i < 10 && !refused; i++) {
      const response = await command(heavy.id, heavy.editKey, HEAVY);
      if (response.status === 429) refused = response;
      else await response.body?.cancel();
    }
    expect(await errorOf(refused!)).toMatchObject({ status: 429, code: "rate_limited" });
    const asked = performance.now();
    const again = await command(heavy.id, heavy.editKey, "echo again");
    const waited = performance.now() - asked;
    expect(await errorOf(again)).toMatchObject({ status: 429, code: "rate_limited" });
    expect(Number(again.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(waited).toBeGreaterThanOrEqual(REFUSAL_HOLD.maxMs * 0.9);
  });
});
