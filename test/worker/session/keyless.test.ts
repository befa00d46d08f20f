import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MAX_SNAPSHOTS_PER_SESSION } from "../../../worker/session/session.ts";
import { command, createSession, errorOf, postJson, randomClientIp, read, request, run, Watcher } from "../helpers.ts";

const stubOf = (id: string) => env.SESSIONS.get(env.SESSIONS.idFromName(id));
const snapshot = (id: string) => postJson(`/api/sessions/${id}/snapshots`, {});

describe("what anyone may do without the key", () => {
  it("draws on a bucket of its own: a watcher's burst of snapshots and proxy requests never makes the editor's commands answer 429", async () => {
    const session = await createSession();
    // Changing the session between snapshots, so that each is a new one.
    const keyless = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? snapshot(session.id) : request(`/api/sessions/${session.id}/proxy/192.168.56.11:30080/`))),
    );
    expect(keyless.some((r) => r.status === 429)).toBe(true);
    const commands = await Promise.all(Array.from({ length: 40 }, (_, i) => command(session.id, session.editKey, `echo ${i}`)));
    expect(commands.map((r) => r.status)).toEqual(commands.map(() => 200));
  });

  it("answers the existing snapshot (200) for an unchanged session, and a new one (201) once it changed", async () => {
    const session = await createSession();
    const first = await snapshot(session.id);
    expect(first.status).toBe(201);
    const { snapshotId } = (await first.json()) as { snapshotId: string };
    const again = await snapshot(session.id);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ snapshotId, seq: 0 });
    expect(again.headers.get("Location")).toBe(`/api/snapshots/${snapshotId}`);
    await run(session.id, session.editKey, "echo changed");
    const changed = await snapshot(session.id);
    expect(changed.status).toBe(201);
    expect(((await changed.json()) as { snapshotId: string }).snapshotId).not.toBe(snapshotId);
  });

  it("counts a proxy request as a change (it moves the cluster's random source, logs, affinity): the next snapshot is a new one", async () => {
    const session = await createSession();
    expect((await snapshot(session.id)).status).toBe(201);
    expect((await snapshot(session.id)).status).toBe(200);
    await request(`/api/sessions/${session.id}/proxy/192.168.56.11:30080/`);
    expect((await snapshot(session.id)).status).toBe(201);
  });

  it(`caps a session at ${MAX_SNAPSHOTS_PER_SESSION} snapshots (409 snapshot_limit)`, async () => {
    const session = await createSession();
    await runInDurableObject(stubOf(session.id), (instance) => {
      (instance as unknown as { storage: { setMeta(k: string, v: string): void } }).storage.setMeta("snapshotCount", String(MAX_SNAPSHOTS_PER_SESSION - 1));
    });
    expect((await snapshot(session.id)).status).toBe(201);
    // The same picture again is not a new snapshot, so the cap does not stop it.
    expect((await snapshot(session.id)).status).toBe(200);
    await run(session.id, session.editKey, "echo changed");
    expect(await errorOf(await snapshot(session.id))).toMatchObject({ status: 409, code: "snapshot_limit" });
  });
});

describe("live sockets", () => {
  const open = (id: string, ip: string) => request(`/api/sessions/${id}/live`, { headers: { Upgrade: "websocket", "CF-Connecting-IP": ip } });

  it("are capped at 60 per client address and 100 per session, past which the upgrade is refused with 429", async () => {
    const session = await createSession();
    const school = randomClientIp();
    const sockets: WebSocket[] = [];
    const accept = (response: Response) => {
      expect(response.status).toBe(101);
      response.webSocket!.accept();
      sockets.push(response.webSocket!);
    };
    for (let i = 0; i < 60; i++) accept(await open(session.id, school));
    const refused = await open(session.id, school);
    expect(await errorOf(refused)).toMatchObject({ status: 429, code: "too_many_sockets" });
    expect(refused.headers.get("Retry-After")).toBe("30");
    for (let i = 0; i < 40; i++) accept(await open(session.id, randomClientIp()));
    expect(await errorOf(await open(session.id, randomClientIp()))).toMatchObject({ status: 429, code: "too_many_sockets" });
    // A closed socket frees its place.
    sockets.pop()!.close(1000, "bye");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await open(session.id, randomClientIp());
    expect(again.status).toBe(101);
    again.webSocket!.accept();
    again.webSocket!.close();
    for (const socket of sockets) socket.close(1000, "done");
  }, 30_000);

  it("opened from one address across sessions: 150 a minute (also the burst), then 429 rate_limited with Retry-After", async () => {
    const ip = randomClientIp();
    const sessions = await Promise.all([createSession(), createSession(), createSession()]);
    let opened = 0;
    let refused: Response | undefined;
    // Each socket is closed at once: the limit is on how fast they are opened, not how many are open.
    while (!refused && opened < 300) {
      const response = await open(sessions[opened % 3].id, ip);
      if (response.status !== 101) refused = response;
      else {
        response.webSocket!.accept();
        response.webSocket!.close(1000, "done");
        opened++;
      }
    }
    // The burst, and the refill (2.5 a second) while they were opened.
    expect(opened).toBeGreaterThanOrEqual(150);
    expect(opened).toBeLessThan(200);
    expect(await errorOf(refused!)).toMatchObject({ status: 429, code: "rate_limited", message: expect.stringContaining("Too many live connections opened from your address (at most 150 a minute, bursts of 150)") });
    expect(Number(refused!.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    // Another address is not held up by it.
    expect((await open(sessions[0].id, randomClientIp())).status).toBe(101);
  }, 30_000);
});

describe("a write the storage refuses", () => {
  /** Makes the session's next transcript write fail as SQLite fails a row over its size limit. */
  async function breakTranscriptWrites(id: string): Promise<void> {
    await runInDurableObject(stubOf(id), (instance) => {
      const storage = (instance as unknown as { storage: { appendTranscript: (...args: unknown[]) => void } }).storage;
      storage.appendTranscript = () => {
        throw new Error("string or blob too big: SQLITE_TOOBIG");
      };
    });
  }

  it("answers 503 storage_error and leaves the state and the transcript as they were; the session carries on", async () => {
    const session = await createSession();
    await run(session.id, session.editKey, "kubectl run web --image=nginx");
    const before = await read(session.id);
    const watcher = await Watcher.open(session.id);
    await breakTranscriptWrites(session.id);
    const failed = await command(session.id, session.editKey, "kubectl run other --image=nginx");
    expect(await errorOf(failed)).toMatchObject({ status: 503, code: "storage_error" });
    expect(failed.headers.get("Retry-After")).toBe("1");
    const after = await read(session.id);
    expect(after.seq).toBe(before.seq);
    expect(after.transcript).toEqual(before.transcript);
    expect(after.cluster.pods.map((p) => p.name)).toEqual(before.cluster.pods.map((p) => p.name));
    expect(after.cluster.pods.some((p) => p.name === "other")).toBe(false);
    // Watchers heard nothing of the command that was not stored.
    expect(watcher.messages.filter((m) => m.type === "command")).toEqual([]);
    watcher.close();
    // The object reloaded what was stored (the broken storage object too, as a new instance would).
    await runInDurableObject(stubOf(session.id), (instance) => {
      const storage = (instance as unknown as { storage: { appendTranscript: unknown } }).storage;
      delete (storage as { appendTranscript?: unknown }).appendTranscript;
    });
    const next = await run(session.id, session.editKey, "kubectl get pods -o name");
    expect(next.seq).toBe(before.seq + 1);
    expect(next.output).toBe("pod/web\n");
  });
});

describe("snapshots while their copies are being stored", () => {
  /** What the test double saw and lets through: shared with the object (one isolate), polled rather than awaited across requests. */
  interface SlowStore {
    calls: number;
    released: boolean;
    /** When set, every store fails with this error instead of going on. */
    failWith?: Error;
  }

  /** Holds every store of the session's snapshots until the test releases it (or fails it). */
  async function slowStores(id: string): Promise<SlowStore> {
    const gate: SlowStore = { calls: 0, released: false };
    await runInDurableObject(stubOf(id), (instance) => {
      const session = instance as unknown as { freezeSnapshot: (...args: unknown[]) => Promise<unknown> };
      const freeze = session.freezeSnapshot.bind(session);
      session.freezeSnapshot = async (...args: unknown[]) => {
        gate.calls++;
        while (!gate.released) await scheduler.wait(5);
        if (gate.failWith) throw gate.failWith;
        return freeze(...args);
      };
    });
    return gate;
  }

  async function until(condition: () => boolean, what: string): Promise<void> {
    for (let waited = 0; !condition(); waited += 10) {
      if (waited > 20_000) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it("never hold up the editor's commands: with 20 stores held, a command is answered before any snapshot", async () => {
    const session = await createSession();
    const gate = await slowStores(session.id);
    const finished: string[] = [];
    const snapshots: Array<Promise<Response>> = [];
    try {
      for (let i = 0; i < 20; i++) {
        // A command between snapshots changes the session, so each snapshot is a new copy with a store of its own.
        await run(session.id, session.editKey, `echo ${i}`);
        snapshots.push(snapshot(session.id).then((response) => (finished.push(`snapshot ${i}`), response)));
        // Requests may overtake one another on their way in: the next command waits until this copy was taken.
        await until(() => gate.calls === i + 1, `store ${i + 1} to start`);
      }
      const answered = await command(session.id, session.editKey, "kubectl get pods");
      finished.push("command");
      expect(answered.status).toBe(200);
      expect(finished).toEqual(["command"]);
    } finally {
      gate.released = true;
    }
    const answers = await Promise.all(snapshots);
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 201));
    const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as { snapshotId: string }).snapshotId));
    expect(new Set(ids).size).toBe(20);
    // Each was stored: it reads back with the transcript as of its seq.
    const last = (await (await request(`/api/snapshots/${ids[19]}`)).json()) as { seq: number; transcript: Array<{ command: string }> };
    expect(last.transcript.at(-1)!.command).toBe("echo 19");
    expect(last.seq).toBe(20);
  });

  it("of an unchanged session share one store and answer the same snapshot, once created (201) and otherwise existing (200)", async () => {
    const session = await createSession();
    const gate = await slowStores(session.id);
    const pending = Array.from({ length: 5 }, () => snapshot(session.id));
    try {
      await until(() => gate.calls === 1, "the store to start");
      // The other four have been through the queue too: a command behind them is answered.
      expect((await command(session.id, session.editKey, "true")).status).toBe(200);
    } finally {
      gate.released = true;
    }
    const answers = await Promise.all(pending);
    expect(gate.calls).toBe(1);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as { snapshotId: string }).snapshotId));
    expect(new Set(ids).size).toBe(1);
  });

  it(`count against the cap of ${MAX_SNAPSHOTS_PER_SESSION} while being stored`, async () => {
    const session = await createSession();
    await runInDurableObject(stubOf(session.id), (instance) => {
      (instance as unknown as { storage: { setMeta(k: string, v: string): void } }).storage.setMeta("snapshotCount", String(MAX_SNAPSHOTS_PER_SESSION - 2));
    });
    const gate = await slowStores(session.id);
    let first: Promise<Response>, second: Promise<Response>, refused: Response;
    try {
      first = snapshot(session.id);
      await until(() => gate.calls === 1, "the first store to start");
      await run(session.id, session.editKey, "echo one");
      second = snapshot(session.id);
      await until(() => gate.calls === 2, "the second store to start");
      await run(session.id, session.editKey, "echo two");
      refused = await snapshot(session.id);
    } finally {
      gate.released = true;
    }
    expect(await errorOf(refused)).toMatchObject({ status: 409, code: "snapshot_limit" });
    expect([(await first).status, (await second).status]).toEqual([201, 201]);
    expect(await errorOf(await snapshot(session.id))).toMatchObject({ status: 409, code: "snapshot_limit" });
  });

  it("whose store fails answer 503 and free their places under the cap", async () => {
    const session = await createSession();
    await runInDurableObject(stubOf(session.id), (instance) => {
      (instance as unknown as { storage: { setMeta(k: string, v: string): void } }).storage.setMeta("snapshotCount", String(MAX_SNAPSHOTS_PER_SESSION - 1));
    });
    const gate = await slowStores(session.id);
    // As a Durable Object that is overloaded or reset fails a call.
    gate.failWith = Object.assign(new Error("Durable Object is overloaded"), { overloaded: true });
    const pending = snapshot(session.id);
    await until(() => gate.calls === 1, "the store to start");
    gate.released = true;
    expect(await errorOf(await pending)).toMatchObject({ status: 503, code: "unavailable" });
    gate.failWith = undefined;
    const again = await snapshot(session.id);
    expect(again.status).toBe(201);
    expect(gate.calls).toBe(2);
  });
});
