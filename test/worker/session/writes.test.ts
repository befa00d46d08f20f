import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TokenBucket } from "../../../worker/session/rate-limit.ts";
import type { SessionStorage } from "../../../worker/session/storage.ts";
import { createSession, run } from "../helpers.ts";

// What one command costs the session's SQLite database, counted by the object's own storage
// (statements run, rows SQLite reports written, bytes of the values bound): the figures the
// command path is held to, so that a change that writes more than what changed fails here.

const stubOf = (id: string) => env.SESSIONS.get(env.SESSIONS.idFromName(id));

type Stats = ReturnType<SessionStorage["writeStats"]>;

async function statsOf(id: string): Promise<Stats & { rootBytes: number; lastEntryBytes: number }> {
  return runInDurableObject(stubOf(id), (instance, state) => {
    const sql = state.storage.sql;
    return {
      ...(instance as unknown as { storage: SessionStorage }).storage.writeStats(),
      rootBytes: sql.exec<{ n: number }>("SELECT length(json) AS n FROM state_object WHERE part = '' AND key = 'root'").one().n,
      lastEntryBytes: sql.exec<{ n: number }>("SELECT length(json) AS n FROM transcript ORDER BY seq DESC LIMIT 1").one().n,
    };
  });
}

/** Runs `text` and answers what it wrote, and the sizes of the root row and of its transcript entry as stored. */
async function writesOf(id: string, key: string, text: string): Promise<Stats & { rootBytes: number; entryBytes: number }> {
  const before = await statsOf(id);
  await run(id, key, text);
  const after = await statsOf(id);
  return { statements: after.statements - before.statements, rows: after.rows - before.rows, bytes: after.bytes - before.bytes, rootBytes: after.rootBytes, entryBytes: after.lastEntryBytes };
}

describe("what a command writes", () => {
  it("a read-only command writes one row, its transcript entry with its history line and the rate-limit bucket; a write command what it changed in one statement, not the history", async () => {
    const session = await createSession();
    await runInDurableObject(stubOf(session.id), (instance) => {
      (instance as unknown as { buckets: { commands: TokenBucket } }).buckets.commands = new TokenBucket({ ratePerSecond: 10_000, burst: 10_000 }, Date.now());
    });
    // A long history (~50 KB): what was once rewritten with every command.
    for (let i = 0; i < 100; i++) await run(session.id, session.editKey, `echo ${String(i).padStart(3, "0")} ${"x".repeat(500)}`);
    // A write stores the lines those reads kept in their transcript rows (up to 100 wait there).
    await run(session.id, session.editKey, "kubectl create configmap settings --from-literal=mode=fast");

    const line = "kubectl get pods -A";
    const read = await writesOf(session.id, session.editKey, line);
    // One statement: the transcript row, which holds its seq and time, its history line and the rate-limit bucket.
    expect(read).toMatchObject({ statements: 1, rows: 1 });
    // The entry and the line, the bucket and the numbers bound: no state row (the root alone is larger than the margin).
    expect(read.bytes).toBeLessThanOrEqual(read.entryBytes + line.length + 100);
    expect(read.rootBytes).toBeGreaterThan(150);

    // The same again is not kept in history (HISTCONTROL=ignoreboth): the transcript entry with the bucket.
    expect(await writesOf(session.id, session.editKey, line)).toMatchObject({ statements: 1, rows: 1 });

    // A write: the new pod, its runtime, its events, the root (clock, resourceVersion, random state), the line, the entry, the meta rows.
    const write = await writesOf(session.id, session.editKey, "kubectl run web --image=nginx");
    // One statement for all the state rows (an upsert), then the history lines (its own and those the reads kept in their entries), the entry with the bucket.
    expect(write.statements).toBe(3);
    expect(write.bytes).toBeLessThan(8 * 1024);
    // Deleting it: the pod's row and the rows that changed with it; still far from the ~50 KB history.
    const deleted = await writesOf(session.id, session.editKey, "kubectl delete pod web");
    expect(deleted.bytes).toBeLessThan(8 * 1024);
    // A delete statement for each map that lost a row (the pod, its runtime), one upsert for the rest.
    expect(deleted.statements).toBeLessThanOrEqual(6);
  });
});
