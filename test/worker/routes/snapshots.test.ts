import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { FrozenSession } from "../../../worker/session/frozen.ts";
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
    await run(session.id, session.editKey, "kubectl run before --image=nginx");
    const snapshotId = await snapshotOf(session.id);
    expect(snapshotId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const frozen = await readSnapshot(snapshotId);
    expect(frozen).toMatchObject({ snapshotId, seq: 1 });
    expect(frozen.transcript.map((e) => e.command)).toEqual(["kubectl run before --image=nginx"]);
    expect(JSON.stringify(frozen.cluster)).toContain('"before"');
    expect(frozen).not.toHaveProperty("id");

    await run(session.id, session.editKey, "kubectl run after --image=nginx");
    await run(session.id, session.editKey, "kubectl delete pod before");
    await evictDurableObject(env.SNAPSHOTS.get(env.SNAPSHOTS.idFromName(snapshotId)));
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
    await run(source.id, source.editKey, "kubectl run shared --image=nginx");
    const snapshotId = await snapshotOf(source.id);
    const forkA = await createSession({ from: snapshotId });
    const forkB = await createSession({ from: snapshotId, setup: ["echo set up"] });
    expect(forkA).toMatchObject({ seq: 1, from: snapshotId });
    expect(forkA.id).not.toBe(source.id);
    expect(forkA.editKey).not.toBe(source.editKey);
    expect((await read(forkA.id)).transcript.map((e) => e.command)).toEqual(["kubectl run shared --image=nginx"]);
    expect((await read(forkB.id)).transcript.map((e) => [e.seq, e.command])).toEqual([
      [1, "kubectl run shared --image=nginx"],
      [2, "echo set up"],
    ]);
    const podsOf = async (id: string) => (await read(id)).cluster.pods.filter((p) => !p.name.includes("-") || p.name === "only-in-a").map((p) => p.name).sort();
    expect(await podsOf(forkA.id)).toEqual(["shared"]);

    await run(forkA.id, forkA.editKey, "kubectl run only-in-a --image=nginx");
    await run(source.id, source.editKey, "kubectl delete pod shared");
    expect(await podsOf(forkA.id)).toEqual(["only-in-a", "shared"]);
    expect(await podsOf(forkB.id)).toEqual(["shared"]);
    expect(await podsOf(source.id)).not.toContain("shared");
    expect((await read(forkA.id)).transcript.map((e) => e.command)).toEqual(["kubectl run shared --image=nginx", "kubectl run only-in-a --image=nginx"]);
    expect((await read(forkB.id)).transcript.map((e) => e.command)).toEqual(["kubectl run shared --image=nginx", "echo set up"]);
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
