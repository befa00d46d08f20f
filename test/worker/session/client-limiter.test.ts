import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { clientKey } from "../../../worker/session/client-key.ts";
import { LIMITER_SHARDS, limiterShard, type ClientLimit } from "../../../worker/session/client-limiter.ts";
import { postJson, randomClientIp } from "../helpers.ts";

const limiterOf = (name: string) => env.CLIENT_LIMITS.get(env.CLIENT_LIMITS.idFromName(name));

/** The bucket rows a limiter object holds, by name ([] when it has no table). */
async function rowsOf(name: string): Promise<string[]> {
  return runInDurableObject(limiterOf(name), (_instance, state) => {
    const table = state.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE name = 'buckets'").toArray();
    return table.length === 0 ? [] : state.storage.sql.exec<{ name: string }>("SELECT name FROM buckets").toArray().map((row) => row.name);
  });
}

describe("client limiter objects", () => {
  it("keep each client's bucket as a row in the one of the few shared objects its key hashes to", async () => {
    const keys: string[] = [];
    for (let i = 0; i < 12; i++) {
      const ip = randomClientIp();
      const response = await postJson("/api/sessions", {}, { "CF-Connecting-IP": ip });
      expect(response.status).toBe(201);
      keys.push(clientKey(ip));
    }
    const shards = Array.from({ length: LIMITER_SHARDS }, (_, i) => `shard ${i}`);
    const rows = new Map<string, string[]>();
    for (const shard of shards) rows.set(shard, await rowsOf(shard));
    for (const key of keys) {
      expect(shards).toContain(limiterShard(key));
      for (const shard of shards) expect(rows.get(shard)!.includes(`session-create ${key}`), `${key} in ${shard}`).toBe(shard === limiterShard(key));
    }
    // Nothing is kept under the client's own name any more.
    expect(await rowsOf(keys[0])).toEqual([]);
  });

  it("spread keys over all the objects", () => {
    const used = new Set(Array.from({ length: 200 }, (_, i) => limiterShard(clientKey(`2001:db8:${i.toString(16)}::1`))));
    expect(used.size).toBe(LIMITER_SHARDS);
  });

  it("sweep the rows of full buckets, keep the others and look again a minute later; with none left the object's storage goes", async () => {
    const fast: ClientLimit = { bucket: "fast", config: { ratePerSecond: 1000, burst: 1 }, what: "tests" };
    const slow: ClientLimit = { bucket: "slow", config: { ratePerSecond: 1 / 3600, burst: 2 }, what: "tests" };
    const both = limiterOf("sweep test: both");
    expect((await both.take("a", fast)).ok).toBe(true);
    expect((await both.take("a", slow)).ok).toBe(true);
    const onlyFast = limiterOf("sweep test: only full ones");
    expect((await onlyFast.take("b", fast)).ok).toBe(true);
    // The fast bucket is full again after 1 ms.
    await new Promise((resolve) => setTimeout(resolve, 20));

    const swept = Date.now();
    expect(await runDurableObjectAlarm(both)).toBe(true);
    expect(await rowsOf("sweep test: both")).toEqual(["slow a"]);
    const next = await runInDurableObject(both, (_instance, state) => state.storage.getAlarm());
    expect(next).toBeGreaterThanOrEqual(swept + 60_000);
    // The slow bucket is still one token short: the row says so.
    const again = await both.take("a", slow);
    expect(again.ok && again.value.remaining).toBe(0);

    expect(await runDurableObjectAlarm(onlyFast)).toBe(true);
    expect(await rowsOf("sweep test: only full ones")).toEqual([]);
    expect(await runInDurableObject(onlyFast, (_instance, state) => state.storage.getAlarm())).toBeNull();
  });
});
