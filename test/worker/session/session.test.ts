import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TokenBucket } from "../../../worker/session/rate-limit.ts";
import { SessionStorage } from "../../../worker/session/storage.ts";
import { command, createSession, isType, postJson, read, request, run, Watcher } from "../helpers.ts";

const stubOf = (id: string) => env.SESSIONS.get(env.SESSIONS.idFromName(id));
const DAY = 24 * 60 * 60 * 1000;

/** Lifts the rate limit of one session's live instance (tests that need more than a burst at once). */
async function unlimited(id: string): Promise<void> {
  await runInDurableObject(stubOf(id), (instance) => {
    (instance as unknown as { buckets: { commands: TokenBucket } }).buckets.commands = new TokenBucket({ ratePerSecond: 10_000, burst: 10_000 }, Date.now());
  });
}

describe("Session durable object", () => {
  it("survives eviction: the transcript, seq and state come back from storage", async () => {
    const session = await createSession({ setup: ["kubectl run web --image=nginx"] });
    await run(session.id, session.editKey, "kubectl expose pod web --port 80 --type NodePort");
    const before = await read(session.id);
    expect(before.cluster.services.length).toBeGreaterThan(1);
    await evictDurableObject(stubOf(session.id));
    expect(await read(session.id)).toEqual(before);
    const listed = await run(session.id, session.editKey, "kubectl get svc web");
    expect(listed).toMatchObject({ seq: 3, exitCode: 0 });
    expect(listed.output).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP/);
    expect(listed.output).toMatch(/web\s+NodePort\s+10\./);
    expect((await read(session.id)).transcript.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it("stores exactly the state it holds in memory after every command", async () => {
    const session = await createSession();
    const commands = ["kubectl run a --image=nginx", "nothing-here", "kubectl create deployment d --image=httpd --replicas=2", "kubectl expose deployment d --port 8080 --target-port 80", "kubectl delete pod a", "kubectl scale deployment d --replicas=1"];
    for (const text of commands) await run(session.id, session.editKey, text);
    await runInDurableObject(stubOf(session.id), (instance, state) => {
      const inMemory = (instance as unknown as { state: unknown }).state;
      // With the history lines the read-only commands ("nothing-here") kept in their transcript rows.
      expect(new SessionStorage(state.storage.sql).loadState(true)).toEqual(inMemory);
    });
  });

  it("stores nothing of the state for a read-only command: one row, its transcript entry, which holds its seq and time, its history line and the rate-limit bucket", async () => {
    const session = await createSession();
    await run(session.id, session.editKey, "kubectl get pods -A");
    // With a snapshot taken, a change would also mark it outdated (a "snapshotOf" row).
    expect((await postJson(`/api/sessions/${session.id}/snapshots`, {})).status).toBe(201);
    const writes: string[] = [];
    await runInDurableObject(stubOf(session.id), (instance) => {
      const sql = (instance as unknown as { storage: { sql: SqlStorage } }).storage.sql;
      const exec = sql.exec.bind(sql);
      // Every statement the object runs from here on, with its bindings (the meta keys it sets).
      Object.defineProperty(sql, "exec", {
        configurable: true,
        value: (query: string, ...bindings: unknown[]) => {
          if (!/^\s*SELECT/i.test(query)) writes.push(`${query.trim().split(/\s+/).slice(0, 3).join(" ")} ${bindings.filter((b, i) => query.includes("meta") && i % 2 === 0).join(",")}`.trim());
          return exec(query, ...bindings);
        },
      });
    });
    for (const text of ["kubectl get pods -A", "kubectl get nodes -o wide", "kubectl describe node controlplane", "kubectl get svc"]) {
      expect((await run(session.id, session.editKey, text)).exitCode).toBe(0);
    }
    // The first is a repeat of the line before: bash's history (HISTCONTROL=ignoreboth) does not keep it again.
    // The second changes the state (its history), which makes the snapshot a picture of the past.
    expect(writes).toEqual(["INSERT INTO transcript", "INSERT INTO transcript", "INSERT INTO meta snapshotOf", "INSERT INTO transcript", "INSERT INTO transcript"]);
  });

  it("reads a command's seq and activity time back from its transcript row after an eviction", async () => {
    const session = await createSession();
    const stub = stubOf(session.id);
    for (const text of ["echo one", "echo two"]) await run(session.id, session.editKey, text);
    // The meta rows as creation left them: a month old, seq 0.
    await runInDurableObject(stub, (_instance, state) => {
      const storage = new SessionStorage(state.storage.sql);
      expect(storage.getMeta("seq")).toBe("0");
      storage.setMeta("lastActiveAt", String(Date.now() - 31 * DAY));
    });
    await evictDurableObject(stub);
    expect((await run(session.id, session.editKey, "echo three")).seq).toBe(3);
    await evictDurableObject(stub);
    // The idle deadline counts from the last command, not from the stored month-old value.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await read(session.id)).transcript.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it("keeps the history lines and the rate-limit bucket of read-only commands across an eviction, and writes the lines to history rows with the next save", async () => {
    const session = await createSession();
    const stub = stubOf(session.id);
    const historyOf = async () => ((await read(session.id)) as unknown as { history: string[] }).history;
    const stored = () =>
      runInDurableObject(stub, (instance, state) => ({
        rows: state.storage.sql.exec<{ num: number; line: string }>("SELECT num, line FROM history_line ORDER BY num").toArray().map((r) => `${r.num} ${r.line}`),
        bucket: (instance as unknown as { buckets: { commands?: TokenBucket } }).buckets.commands?.state,
        metaBucket: new SessionStorage(state.storage.sql).getMeta("rateBucket"),
      }));
    // A read changes the state while the new cluster's pods still start (their transitions are
    // stored): as a user waits for it, read until a read's line is kept in its transcript row.
    const typed: string[] = [];
    for (let i = 0; i < 100; i++) {
      typed.push(`echo ${i}`);
      await run(session.id, session.editKey, typed[typed.length - 1]);
      if ((await stored()).rows.length < typed.length) break;
    }
    for (const text of ["kubectl get cm", "echo two", "kubectl get ns"]) await run(session.id, session.editKey, text);
    typed.push("kubectl get cm", "echo two", "kubectl get ns");
    expect(await historyOf()).toEqual(typed);
    const before = await stored();
    // Some lines are in their transcript rows only (the rows hold the lines before them); the command bucket was never a meta row.
    expect(before.rows.length).toBeLessThan(typed.length);
    expect(before.rows).toEqual(typed.slice(0, before.rows.length).map((line, i) => `${i + 1} ${line}`));
    expect(before.metaBucket).toBeUndefined();
    await evictDurableObject(stub);
    expect(await historyOf()).toEqual(typed);
    expect((await stored()).bucket).toEqual(before.bucket);
    // `!2` recalls the second line: the numbers are bash's after the wake-up too.
    expect((await run(session.id, session.editKey, "!2")).output).toBe("echo 1\n1\n");
    // A write stores the lines the reads kept, numbered as bash numbers them.
    await run(session.id, session.editKey, "kubectl create configmap settings --from-literal=mode=fast");
    const all = [...typed, "echo 1", "kubectl create configmap settings --from-literal=mode=fast"];
    expect((await stored()).rows).toEqual(all.map((line, i) => `${i + 1} ${line}`));
    await evictDurableObject(stub);
    expect(await historyOf()).toEqual(all);
    // After `history -c` (a change the rows store), older rows' kept lines stay out.
    await run(session.id, session.editKey, "history -c");
    await run(session.id, session.editKey, "echo two");
    const cleared = await historyOf();
    await evictDurableObject(stub);
    expect(await historyOf()).toEqual(cleared);
    expect(cleared).toEqual(["echo two"]);
  });

  it("adds the transcript's history and bucket columns to a session stored before them", async () => {
    const session = await createSession();
    const stub = stubOf(session.id);
    await run(session.id, session.editKey, "echo one");
    await runInDurableObject(stub, (_instance, state) => {
      for (const column of ["history_num", "history", "bucket"]) state.storage.sql.exec(`ALTER TABLE transcript DROP COLUMN ${column}`);
    });
    await evictDurableObject(stub);
    expect((await run(session.id, session.editKey, "echo two")).seq).toBe(2);
    await evictDurableObject(stub);
    expect(((await read(session.id)) as unknown as { history: string[] }).history).toEqual(["echo one", "echo two"]);
  });

  it("keeps the console's history: setup lines stay out, the read lists it, a reply carries it only when it is not the line as typed", async () => {
    const session = await createSession({ setup: ["kubectl run web --image=nginx"] });
    const first = (await run(session.id, session.editKey, "echo one")) as unknown as Record<string, unknown>;
    expect(first.history).toBeUndefined();
    const again = (await run(session.id, session.editKey, "!!")) as unknown as Record<string, unknown>;
    expect(again).toMatchObject({ command: "!!", output: "echo one\none\n", exitCode: 0 });
    // `!!` entered history as `echo one`, a repeat that ignoreboth does not keep.
    expect(again.history).toEqual(["echo one"]);
    const cleared = (await run(session.id, session.editKey, "history -c")) as unknown as Record<string, unknown>;
    expect(cleared.history).toEqual([]);
    await run(session.id, session.editKey, "history");
    await evictDurableObject(stubOf(session.id));
    expect(((await read(session.id)) as unknown as { history: string[] }).history).toEqual(["history"]);
  });

  it("applies 100 concurrent commands exactly once each, with consecutive seq", async () => {
    const session = await createSession();
    await unlimited(session.id);
    const texts = Array.from({ length: 100 }, (_, i) => `echo command-${i}`);
    const responses = await Promise.all(texts.map((text) => command(session.id, session.editKey, text)));
    expect(responses.map((r) => r.status)).toEqual(texts.map(() => 200));
    const replies = (await Promise.all(responses.map((r) => r.json()))) as Array<{ seq: number; command: string }>;
    expect(replies.map((r) => r.seq).sort((a, b) => a - b)).toEqual(texts.map((_, i) => i + 1));
    const view = await read(session.id);
    expect(view.transcript.map((e) => e.seq)).toEqual(texts.map((_, i) => i + 1));
    expect([...view.transcript.map((e) => e.command)].sort()).toEqual([...texts].sort());
    // Each reply is the entry stored under its seq.
    for (const reply of replies) expect(view.transcript[reply.seq - 1].command).toBe(reply.command);
  });

  it("keeps its command rate limit through an eviction: an emptied bucket is still empty after it", async () => {
    const session = await createSession();
    // Empty the bucket: on a loaded machine a burst of 60 can take long enough for 20/s to refill
    // it, so bursts go on until one is refused.
    let refused = false;
    for (let round = 0; round < 5 && !refused; round++) {
      const burst = await Promise.all(Array.from({ length: 60 }, (_, i) => command(session.id, session.editKey, `echo ${round}-${i}`)));
      refused = burst.some((r) => r.status === 429);
    }
    expect(refused).toBe(true);
    const started = Date.now();
    await evictDurableObject(stubOf(session.id));
    const after = await Promise.all(Array.from({ length: 30 }, (_, i) => command(session.id, session.editKey, `echo again ${i}`)));
    const accepted = after.filter((r) => r.status === 200).length;
    // Only what 20/s refilled meanwhile (a fresh bucket would take all 30); the 2 spare tokens
    // cover a token refilled between the burst's end and its last refusal.
    const elapsedSeconds = (Date.now() - started) / 1000;
    expect(accepted).toBeLessThanOrEqual(Math.ceil(elapsedSeconds * 20) + 2);
    expect(accepted).toBeLessThan(30);
    expect(after.filter((r) => r.status !== 200 && r.status !== 429)).toEqual([]);
  });

  it("deletes itself after 30 days without activity, telling its watchers", async () => {
    const session = await createSession();
    const stub = stubOf(session.id);
    const alarm = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThan(Date.now() + 30 * DAY - 60_000);
    const watcher = await Watcher.open(session.id);
    await runInDurableObject(stub, (_instance, state) => {
      new SessionStorage(state.storage.sql).setMeta("lastActiveAt", String(Date.now() - 31 * DAY));
    });
    await evictDurableObject(stub, { webSockets: "hibernate" });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await watcher.next(isType("expired"))).toEqual({ type: "expired" });
    expect((await request(`/api/sessions/${session.id}`)).status).toBe(404);
    expect(await runInDurableObject(stub, (_instance, state) => state.storage.sql.databaseSize)).toBeLessThan(16 * 1024);
  });

  it("stays when its alarm fires before the idle deadline, and schedules the next one", async () => {
    const session = await createSession();
    const stub = stubOf(session.id);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await read(session.id)).id).toBe(session.id);
    expect(await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm())).toBeGreaterThan(Date.now() + 29 * DAY);
  });

  it("keeps the last 1,000 transcript entries", async () => {
    const session = await createSession();
    await runInDurableObject(stubOf(session.id), (_instance, state) => {
      const storage = new SessionStorage(state.storage.sql);
      for (let seq = 1; seq <= 1005; seq++) {
        storage.appendTranscript({ seq, command: `echo ${seq}`, output: "", exitCode: 0, prompt: "$ ", traces: [], at: 0 });
      }
      const kept = storage.transcriptSince(0);
      expect(kept).toHaveLength(1000);
      expect(kept[0].seq).toBe(6);
      expect(kept[999].seq).toBe(1005);
    });
  });
});
