import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SessionState } from "../../../worker/sim/engine.ts";
import { SessionStorage } from "../../../worker/session/storage.ts";

/** A fresh, never-created object: an empty SQLite database to store states in. */
async function withStorage(test: (storage: SessionStorage, sql: SqlStorage) => void): Promise<void> {
  const stub = env.SESSIONS.get(env.SESSIONS.idFromName(`storage-${crypto.randomUUID()}`));
  await runInDurableObject(stub, (_instance, state) => {
    const storage = new SessionStorage(state.storage.sql);
    storage.createSchema();
    test(storage, state.storage.sql);
  });
}

function stateWith(cluster: Record<string, unknown>): SessionState {
  return { version: 1, cluster, shell: [{ kind: "workstation", user: "u", host: "h" }], rng: 7 } as unknown as SessionState;
}

/** Stored and reloaded, the state must be the same value with the same key order. */
function expectRoundTrip(storage: SessionStorage, previous: SessionState | undefined, next: SessionState): void {
  storage.saveState(previous, next);
  expect(JSON.stringify(storage.loadState())).toBe(JSON.stringify(next));
}

describe("SessionStorage", () => {
  it("reports whether the object was created", async () => {
    const stub = env.SESSIONS.get(env.SESSIONS.idFromName("never-created"));
    await runInDurableObject(stub, (_instance, state) => {
      const storage = new SessionStorage(state.storage.sql);
      expect(storage.exists()).toBe(false);
      expect(storage.loadState()).toBeUndefined();
      storage.createSchema();
      expect(storage.exists()).toBe(true);
    });
  });

  it("round-trips maps through additions, changes, deletions, re-additions and empty maps", async () => {
    await withStorage((storage) => {
      const s1 = stateWith({ now: 1, config: { a: 1 }, pods: { p1: { v: 1 }, p2: { v: 2 } }, services: {} });
      expectRoundTrip(storage, undefined, s1);
      const s2 = stateWith({ ...s1.cluster, now: 2, pods: { ...(s1.cluster as any).pods, p3: { v: 3 } } });
      expectRoundTrip(storage, s1, s2);
      const { p1: _gone, ...rest } = (s2.cluster as any).pods;
      const s3 = stateWith({ ...s2.cluster, pods: { ...rest, p2: { v: 22 } } });
      expectRoundTrip(storage, s2, s3);
      // Re-added: goes to the end, as in JavaScript.
      const s4 = stateWith({ ...s3.cluster, pods: { ...(s3.cluster as any).pods, p1: { v: 11 } } });
      expectRoundTrip(storage, s3, s4);
      // Deleted and re-added in one step: moves to the end too.
      const { p2, ...others } = (s4.cluster as any).pods;
      const s5 = stateWith({ ...s4.cluster, pods: { ...others, p2 } });
      expectRoundTrip(storage, s4, s5);
      // A map disappears, another appears.
      const { services: _s, ...withoutServices } = s5.cluster as any;
      const s6 = stateWith({ ...withoutServices, endpointSlices: { e: { x: [1, 2] } } });
      expectRoundTrip(storage, s5, s6);
    });
  });

  it("writes only the objects whose reference changed", async () => {
    await withStorage((storage) => {
      const s1 = stateWith({ pods: { a: { v: 1 }, b: { v: 2 } } });
      storage.saveState(undefined, s1);
      // Same references, different content: a writer that edits in place would be missed, which
      // is why the simulation never does (worker/sim/cluster/tx.ts).
      const pods = { ...(s1.cluster as any).pods };
      pods.a.v = 100;
      storage.saveState(s1, stateWith({ pods }));
      expect((storage.loadState()!.cluster as any).pods.a).toEqual({ v: 1 });
    });
  });

  it("round-trips any sequence of immutable map edits (property)", async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("put" as const), key: fc.constantFrom("a", "b", "c", "d", "1", "10.0.0.1"), value: fc.integer() }),
      fc.record({ kind: fc.constant("delete" as const), key: fc.constantFrom("a", "b", "c", "d", "1", "10.0.0.1") }),
    );
    await withStorage((storage, sql) => {
      fc.assert(
        fc.property(fc.array(fc.array(op, { maxLength: 4 }), { maxLength: 8 }), (steps) => {
          sql.exec("DELETE FROM state_object");
          let state = stateWith({ now: 0, pods: {} });
          storage.saveState(undefined, state);
          for (const step of steps) {
            const pods: Record<string, unknown> = { ...(state.cluster as any).pods };
            for (const edit of step) {
              if (edit.kind === "put") pods[edit.key] = { value: edit.value };
              else delete pods[edit.key];
            }
            const next = stateWith({ ...(state.cluster as any), pods });
            storage.saveState(state, next);
            expect(JSON.stringify(storage.loadState())).toBe(JSON.stringify(next));
            state = next;
          }
        }),
        { numRuns: 200 },
      );
    });
  });
});
