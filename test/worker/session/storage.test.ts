import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";
import { SessionStorage } from "../../../worker/session/storage.ts";
import { EMPTY_HISTORY, HISTORY_SIZE, remember } from "../../../worker/sim/shell/history.ts";

/** A fresh, never-created object: an empty SQLite database to store states in. */
async function withStorage(test: (storage: SessionStorage, sql: SqlStorage) => void): Promise<void> {
  const stub = env.SESSIONS.get(env.SESSIONS.idFromName(`storage-${crypto.randomUUID()}`));
  await runInDurableObject(stub, (_instance, state) => {
    const storage = new SessionStorage(state.storage.sql);
    storage.createSchema();
    test(storage, state.storage.sql);
  });
}

const event = (n: number, count = 1) => ({ reason: "Started", message: `event ${n}`, count });

function stateWith(cluster: Record<string, unknown>): SessionState {
  return { version: 1, cluster, shell: [{ kind: "workstation", user: "u", host: "h" }], rng: 7 } as unknown as SessionState;
}

/** Stored and reloaded, the state must be the same value with the same key order. */
function expectRoundTrip(storage: SessionStorage, previous: SessionState | undefined, next: SessionState): void {
  storage.saveState(previous, next);
  expect(JSON.stringify(storage.loadState())).toBe(JSON.stringify(next));
}

describe("SessionStorage", () => {
  it("keeps a session's files and working directory across a reload, a file a row", async () => {
    await withStorage((storage, sql) => {
      let state = createSession({ seed: 5, now: Date.UTC(2026, 0, 1) });
      storage.saveState(undefined, state);
      const before = state;
      for (const command of ["mkdir -p work", "cd work", "kubectl create deployment web --image=nginx --dry-run=client -o yaml > web.yaml", "echo note > note.txt"]) {
        state = execute(state, command, { now: Date.UTC(2026, 0, 1, 0, 0, 5) }).state;
      }
      storage.saveState(before, state);
      const loaded = storage.loadState()!;
      expect(JSON.stringify(loaded)).toBe(JSON.stringify(state));
      const rows = sql.exec<{ key: string }>("SELECT key FROM state_object WHERE part = 'cluster.files' ORDER BY key").toArray();
      expect(rows.map((r) => r.key)).toEqual(["workstation|/home/student/work", "workstation|/home/student/work/note.txt", "workstation|/home/student/work/web.yaml"]);
      const again = execute(loaded, "cat note.txt && pwd", { now: Date.UTC(2026, 0, 1, 0, 1) });
      expect(again.output).toBe("note\n/home/student/work\n");
      expect(again.prompt).toBe("student@workstation:~/work$ ");
    });
  });

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

  it("writes a save's changed, new and deleted objects in one statement each, keeping the order of the changed ones", async () => {
    await withStorage((_storage, raw) => {
      const { sql, writes, reset } = counting(raw);
      const storage = new SessionStorage(sql);
      const s1 = stateWith({ now: 1, pods: { a: { v: 1 }, b: { v: 2 }, c: { v: 3 } }, services: { s: { v: 1 } }, events: [event(1)] });
      storage.saveState(undefined, s1);
      reset();
      const { c: _c, ...kept } = (s1.cluster as any).pods;
      const s2 = stateWith({ now: 2, pods: { ...kept, a: { v: 10 }, d: { v: 4 } }, services: { s: { v: 2 } }, events: [event(1), event(2)] });
      expectRoundTrip(storage, s1, s2);
      // The root, a, d, s and the new event in one upsert; c in one delete.
      expect(writes().rows).toBe(2);
      expect(Object.keys((storage.loadState()!.cluster as any).pods)).toEqual(["a", "b", "d"]);
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

/** The SQL a SessionStorage runs, counted: statements that write and the bytes of their arguments. */
function counting(sql: SqlStorage): { sql: SqlStorage; writes: () => { rows: number; bytes: number }; reset: () => void } {
  let rows = 0;
  let bytes = 0;
  const wrapped = {
    exec(query: string, ...bindings: unknown[]) {
      if (/^\s*(INSERT|UPDATE|DELETE)/i.test(query)) {
        rows++;
        for (const b of bindings) bytes += typeof b === "string" ? b.length : 8;
      }
      return sql.exec(query, ...(bindings as never[]));
    },
  };
  return { sql: wrapped as unknown as SqlStorage, writes: () => ({ rows, bytes }), reset: () => ((rows = 0), (bytes = 0)) };
}

describe("SessionStorage meta", () => {
  it("writes several rows in one statement, inserting new keys and replacing old ones", async () => {
    await withStorage((storage) => {
      storage.setMeta("seq", "1");
      storage.setMetas([]);
      storage.setMetas([
        ["seq", "2"],
        ["lastActiveAt", "5"],
      ]);
      expect([storage.getMeta("seq"), storage.getMeta("lastActiveAt"), storage.getMeta("none")]).toEqual(["2", "5", undefined]);
    });
  });
});

describe("SessionStorage lists (events)", () => {
  it("round-trips a list through appends, in-place replacements, a dropped front and a removal", async () => {
    await withStorage((storage) => {
      const s1 = stateWith({ now: 1, pods: {}, events: [event(1), event(2), event(3)] });
      expectRoundTrip(storage, undefined, s1);
      const e1 = (s1.cluster as any).events as unknown[];
      const s2 = stateWith({ ...s1.cluster, events: [e1[0], event(2, 2), e1[2], event(4)] });
      expectRoundTrip(storage, s1, s2);
      const e2 = (s2.cluster as any).events as unknown[];
      const s3 = stateWith({ ...s2.cluster, events: [e2[2], e2[3], event(5)] });
      expectRoundTrip(storage, s2, s3);
      const s4 = stateWith({ ...s3.cluster, events: [] });
      expectRoundTrip(storage, s3, s4);
      const s5 = stateWith({ ...s4.cluster, events: [event(6)] });
      expectRoundTrip(storage, s4, s5);
      // The list disappears altogether.
      const { events: _gone, ...withoutEvents } = s5.cluster as any;
      expectRoundTrip(storage, s5, stateWith(withoutEvents));
    });
  });

  it("reads a root written before lists had rows (the list inside the root) and moves it to rows", async () => {
    await withStorage((storage, sql) => {
      const root = { rest: { version: 1, shell: [], rng: 7 }, stateOrder: ["version", "cluster", "shell", "rng"], clusterOrder: ["now", "events"], clusterScalars: { now: 5, events: [event(1), event(2)] }, mapNames: [] };
      sql.exec("INSERT INTO state_object (part, key, ord, json) VALUES ('', 'root', 0, ?)", JSON.stringify(root));
      const loaded = storage.loadState()!;
      expect((loaded.cluster as any).events).toEqual([event(1), event(2)]);
      const next = { ...loaded, cluster: { ...loaded.cluster, events: [...(loaded.cluster as any).events, event(3)] } } as SessionState;
      expectRoundTrip(storage, loaded, next);
      expect(sql.exec("SELECT COUNT(*) AS n FROM state_object WHERE part = 'list.events'").one().n).toBe(3);
    });
  });

  it("round-trips any sequence of list edits, also after a reload (property)", async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("push" as const), value: fc.integer() }),
      fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), value: fc.integer() }),
      fc.record({ kind: fc.constant("dropFront" as const), n: fc.nat(5) }),
      fc.record({ kind: fc.constant("removeAt" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("reload" as const) }),
    );
    await withStorage((storage, sql) => {
      fc.assert(
        fc.property(fc.array(fc.array(op, { maxLength: 4 }), { maxLength: 10 }), (steps) => {
          sql.exec("DELETE FROM state_object");
          let state = stateWith({ now: 0, events: [] });
          storage.saveState(undefined, state);
          for (const step of steps) {
            const events: unknown[] = [...(state.cluster as any).events];
            let reload = false;
            for (const edit of step) {
              if (edit.kind === "push") events.push({ v: edit.value });
              else if (edit.kind === "replace" && events.length > 0) events[edit.at % events.length] = { v: edit.value };
              else if (edit.kind === "dropFront") events.splice(0, edit.n);
              else if (edit.kind === "removeAt" && events.length > 0) events.splice(edit.at % events.length, 1);
              else if (edit.kind === "reload") reload = true;
            }
            const next = stateWith({ ...(state.cluster as any), events });
            storage.saveState(state, next);
            const loaded = storage.loadState()!;
            expect(JSON.stringify(loaded)).toBe(JSON.stringify(next));
            state = reload ? loaded : next;
          }
        }),
        { numRuns: 200 },
      );
    });
  });

  it("writes only what changed: one row for a new event, nothing for an unchanged state", async () => {
    await withStorage((_storage, raw) => {
      const { sql, writes, reset } = counting(raw);
      const storage = new SessionStorage(sql);
      const events = Array.from({ length: 1000 }, (_, i) => event(i));
      const s1 = stateWith({ now: 1, pods: { a: { v: 1 } }, events });
      storage.saveState(undefined, s1);
      reset();
      // A new state value with the same contents (the shell list too).
      storage.saveState(s1, { ...s1, cluster: { ...s1.cluster } });
      expect(writes().rows).toBe(0);
      const s2 = { ...s1, cluster: { ...s1.cluster, events: [...events, event(1000)] } } as SessionState;
      storage.saveState(s1, s2);
      expect(writes().rows).toBe(1);
      expect(writes().bytes).toBeLessThan(100);
      // Trimming the oldest 250 deletes their rows (99 a statement) and rewrites nothing else.
      reset();
      const trimmed = ((s2.cluster as any).events as unknown[]).slice(250);
      storage.saveState(s2, { ...s2, cluster: { ...s2.cluster, events: trimmed } } as SessionState);
      expect(writes().rows).toBe(3);
      expect(JSON.stringify((storage.loadState()!.cluster as any).events)).toBe(JSON.stringify(trimmed));
    });
  });
});

describe("SessionStorage history (a line a row)", () => {
  const withHistory = (history: SessionState["history"]): SessionState => ({ ...stateWith({ now: 1, pods: {} }), history });

  it("round-trips the history through typed lines, a full history dropping its oldest, history -d and history -c", async () => {
    await withStorage((storage) => {
      let state = createSession({ seed: 3, now: Date.UTC(2026, 0, 1) });
      expectRoundTrip(storage, undefined, state);
      const at = (s: number) => ({ now: Date.UTC(2026, 0, 1, 0, 0, s) });
      for (const command of ["kubectl get pods", "echo one", "echo two", "history -d 2", "echo three", "history -c", "echo four", "history"]) {
        const next = execute(state, command, { ...at(5), typed: true }).state;
        expectRoundTrip(storage, state, next);
        state = next;
      }
      expect(storage.loadState()!.history).toEqual({ lines: ["echo four", "history"] });
    });
  });

  it("keeps the numbering of a history whose oldest lines dropped off, and of one emptied by history -d", async () => {
    await withStorage((storage) => {
      const s1 = withHistory({ lines: ["a", "b", "c"] });
      expectRoundTrip(storage, undefined, s1);
      const s2 = withHistory({ lines: ["b", "c", "d"], base: 2 });
      expectRoundTrip(storage, s1, s2);
      const s3 = withHistory({ lines: [], base: 5 });
      expectRoundTrip(storage, s2, s3);
      const s4 = withHistory({ lines: ["e"], base: 5 });
      expectRoundTrip(storage, s3, s4);
      const s5 = withHistory({ lines: ["e", "e", "f"], base: 5 });
      expectRoundTrip(storage, s4, s5);
    });
  });

  it("reads a root written before the history had rows (the history inside the root) and moves it to rows", async () => {
    const stub = env.SESSIONS.get(env.SESSIONS.idFromName(`storage-${crypto.randomUUID()}`));
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      // The schema of then: no history_line table.
      sql.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID");
      sql.exec("CREATE TABLE state_object (part TEXT NOT NULL, key TEXT NOT NULL, ord INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (part, key)) WITHOUT ROWID");
      sql.exec("CREATE TABLE transcript (seq INTEGER PRIMARY KEY, json TEXT NOT NULL)");
      const root = {
        rest: { version: 1, shell: [], rng: 7, history: { lines: ["kubectl get pods", "ls"], base: 3 } },
        stateOrder: ["version", "cluster", "shell", "rng", "history"],
        clusterOrder: ["now"],
        clusterScalars: { now: 5 },
        mapNames: [],
        listNames: [],
      };
      sql.exec("INSERT INTO state_object (part, key, ord, json) VALUES ('', 'root', 0, ?)", JSON.stringify(root));
      const storage = new SessionStorage(sql);
      const loaded = storage.loadState()!;
      expect(loaded.history).toEqual({ lines: ["kubectl get pods", "ls"], base: 3 });
      // A command that changes only the cluster still moves the history out of the root.
      const next = { ...loaded, cluster: { ...loaded.cluster, now: 6 } } as SessionState;
      expectRoundTrip(storage, loaded, next);
      expect(sql.exec<{ num: number; line: string }>("SELECT num, line FROM history_line ORDER BY num").toArray()).toEqual([
        { num: 3, line: "kubectl get pods" },
        { num: 4, line: "ls" },
      ]);
      const rootJson = sql.exec<{ json: string }>("SELECT json FROM state_object WHERE part = '' AND key = 'root'").one().json;
      expect(JSON.parse(rootJson).rest.history).toBeUndefined();
      // Reloaded by a new object, it continues from the rows.
      const again = new SessionStorage(sql);
      const reloaded = again.loadState()!;
      expect(JSON.stringify(reloaded)).toBe(JSON.stringify(next));
      const typed = { ...reloaded, history: { lines: [...reloaded.history!.lines, "echo hi"], base: 3 } } as SessionState;
      again.saveState(reloaded, typed);
      expect(JSON.stringify(new SessionStorage(sql).loadState())).toBe(JSON.stringify(typed));
    });
  });

  it("round-trips any sequence of history changes, also after a reload (property)", async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("type" as const), line: fc.constantFrom("a", "b", "kubectl get pods", "x".repeat(300)) }),
      fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("clear" as const) }),
      fc.record({ kind: fc.constant("reload" as const) }),
    );
    await withStorage((storage, sql) => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 30 }), (steps) => {
          sql.exec("DELETE FROM state_object");
          sql.exec("DELETE FROM history_line");
          let state = withHistory(EMPTY_HISTORY);
          storage.saveState(undefined, state);
          for (const step of steps) {
            let history = state.history!;
            if (step.kind === "type") history = remember(history, step.line);
            else if (step.kind === "delete" && history.lines.length > 0) {
              const lines = history.lines.filter((_, i) => i !== step.at % history.lines.length);
              history = history.base === undefined ? { lines } : { lines, base: history.base };
            } else if (step.kind === "clear") history = EMPTY_HISTORY;
            const next = { ...state, history };
            storage.saveState(state, next);
            const loaded = storage.loadState()!;
            expect(JSON.stringify(loaded)).toBe(JSON.stringify(next));
            state = step.kind === "reload" ? loaded : next;
          }
        }),
        { numRuns: 100 },
      );
    });
  });

  it("writes a typed line as one row, and a full history's dropped line as one statement, not the whole history", async () => {
    await withStorage((_storage, raw) => {
      const { sql, writes, reset } = counting(raw);
      const storage = new SessionStorage(sql);
      let history = EMPTY_HISTORY;
      for (let i = 0; i < HISTORY_SIZE; i++) history = remember(history, `kubectl get pod web-${i}`);
      const s1 = withHistory(history);
      storage.saveState(undefined, s1);
      reset();
      const s2 = withHistory(remember(history, "kubectl get svc"));
      expect(s2.history!.base).toBe(2);
      storage.saveState(s1, { ...s1, history: s2.history });
      // The new line, and the dropped oldest one.
      expect(writes()).toEqual({ rows: 2, bytes: "kubectl get svc".length + 2 * 8 });
      expect(JSON.stringify(storage.loadState()!.history)).toBe(JSON.stringify(s2.history));
    });
  });
});
