import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { FrozenSession } from "../../../worker/session/session.ts";
import type { Snapshot } from "../../../worker/session/snapshot.ts";
import { createSession, errorOf, postJson, read, request, run } from "../helpers.ts";

async function snapshotOf(id: string): Promise<string> {
  const response = await postJson(`/api/sessions/${id}/snapshots`, {});
  expect(response.status).toBe(201);
  const body = (await response.json()) as { snapshotId: string };
  expect(response.headers.get("Location")).toBe(`/api/snapshots/${body.snapshotId}`);
  return body.snapshotId;
}

async function readSnapshot(snapshotId: string) {
  const response = await request(`/api/snapshots/${snapshotId}`);
  expect(response.status).toBe(200);
  return (await response.json()) as { snapshotId: string; seq: number; transcript: Array<{ seq: number; command: string }>; cluster: unknown };
}

describe("snapshots", () => {
  it("freeze the state and transcript; later commands of the session do not change them", async () => {
    const session = await createSession();
    await run(session.id, session.editKey, "echo before");
    const snapshotId = await snapshotOf(session.id);
    expect(snapshotId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const frozen = await readSnapshot(snapshotId);
    expect(frozen).toMatchObject({ snapshotId, seq: 1 });
    expect(frozen.transcript.map((e) => e.command)).toEqual(["echo before"]);
    expect(frozen).not.toHaveProperty("id");

    await run(session.id, session.editKey, "echo after");
    expect(await readSnapshot(snapshotId)).toEqual(frozen);
  });

  it("need no edit key, as reading the session needs none", async () => {
    const session = await createSession();
    expect((await postJson(`/api/sessions/${session.id}/snapshots`, {})).status).toBe(201);
  });

  it("cannot be written twice", async () => {
    const session = await createSession();
    const snapshotId = await snapshotOf(session.id);
    const stub = env.SNAPSHOTS.get(env.SNAPSHOTS.idFromName(snapshotId));
    const again = await runInDurableObject(stub, (instance) =>
      (instance as unknown as Snapshot).freeze(snapshotId, { state: {} as FrozenSession["state"], transcript: [], seq: 99 }),
    );
    expect(again).toMatchObject({ ok: false, status: 409 });
    expect((await readSnapshot(snapshotId)).seq).toBe(0);
  });

  it("are forked into independent sessions: same state and transcript, new id and key", async () => {
    const source = await createSession();
    await run(source.id, source.editKey, "echo shared");
    const snapshotId = await snapshotOf(source.id);
    const forkA = await createSession({ from: snapshotId });
    const forkB = await createSession({ from: snapshotId, setup: ["echo set up"] });
    expect(forkA).toMatchObject({ seq: 1, from: snapshotId });
    expect(forkA.id).not.toBe(source.id);
    expect(forkA.editKey).not.toBe(source.editKey);
    expect((await read(forkA.id)).transcript.map((e) => e.command)).toEqual(["echo shared"]);
    expect((await read(forkB.id)).transcript.map((e) => [e.seq, e.command])).toEqual([
      [1, "echo shared"],
      [2, "echo set up"],
    ]);

    await run(forkA.id, forkA.editKey, "echo only in A");
    await run(source.id, source.editKey, "echo only in source");
    expect((await read(forkA.id)).transcript.map((e) => e.command)).toEqual(["echo shared", "echo only in A"]);
    expect((await read(forkB.id)).transcript.map((e) => e.command)).toEqual(["echo shared", "echo set up"]);
    expect((await read(source.id)).transcript.map((e) => e.command)).toEqual(["echo shared", "echo only in source"]);
    // The source's key does not open the fork.
    expect((await postJson(`/api/sessions/${forkA.id}/commands`, { command: "ls" }, { Authorization: `Bearer ${source.editKey}` })).status).toBe(403);
  });

  it.each([
    ["an unknown id", "AAAAAAAAAAAAAAAAAAAAAA"],
    ["a malformed id", "x"],
  ])("answer 404 for %s", async (_name, id) => {
    expect(await errorOf(await request(`/api/snapshots/${id}`))).toMatchObject({ status: 404, code: "snapshot_not_found" });
  });

  it("of an unknown session answer 404", async () => {
    expect(await errorOf(await postJson("/api/sessions/AAAAAAAAAAAAAAAAAAAAAA/snapshots", {}))).toMatchObject({ status: 404, code: "session_not_found" });
  });

  it("live a year, then delete themselves", async () => {
    const session = await createSession();
    const snapshotId = await snapshotOf(session.id);
    const stub = env.SNAPSHOTS.get(env.SNAPSHOTS.idFromName(snapshotId));
    const alarm = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    const year = 365 * 24 * 60 * 60 * 1000;
    expect(alarm).toBeGreaterThan(Date.now() + year - 60_000);
    expect(alarm).toBeLessThanOrEqual(Date.now() + year);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await request(`/api/snapshots/${snapshotId}`)).status).toBe(404);
  });
});
