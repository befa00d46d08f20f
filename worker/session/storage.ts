// SQLite layout of a session (and of a snapshot, which uses the same tables, frozen):
//
//   meta(key, value)            id, key hash, timestamps, last seq
//   state_object(part, key, ord, json)
//                               the SessionState: part "" key "root" holds everything but the
//                               cluster's maps, each cluster map (pods, services, ...) is stored one
//                               object per row under part "cluster.<map>", `ord` keeping the map's
//                               key order (a reloaded map iterates exactly as the one in memory)
//   transcript(seq, json)       the last TRANSCRIPT_LIMIT entries
//
// One row per object keeps every value far below SQLite's 2 MB row limit however large the
// cluster grows, and lets a command write only what it changed: the simulation never edits an
// object in place (see worker/sim/cluster/tx.ts), so an object whose reference is unchanged is
// unchanged, and the diff below is a pointer comparison per object of a touched map.
//
// Key order: JavaScript keeps insertion order, so a new key gets an `ord` above all others and a
// kept key keeps its own. Only a key deleted and re-added within one command moves; that is
// detected (the kept keys' relative order changed) and the map's order is rewritten.

import type { SessionState } from "../sim/engine.ts";
import { forStorage, TRANSCRIPT_LIMIT, type TranscriptEntry } from "./transcript.ts";

const ROOT_PART = "";
const ROOT_KEY = "root";
const MAP_PREFIX = "cluster.";

export class SessionStorage {
  private lastOrd: number | undefined;

  constructor(private readonly sql: SqlStorage) {}

  /** True once the tables exist, i.e. the object was created. Reads nothing else. */
  exists(): boolean {
    return this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray().length > 0;
  }

  createSchema(): void {
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS state_object (part TEXT NOT NULL, key TEXT NOT NULL, ord INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (part, key)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS transcript (seq INTEGER PRIMARY KEY, json TEXT NOT NULL);
    `);
  }

  getMeta(key: string): string | undefined {
    const rows = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray();
    return rows.length > 0 ? rows[0].value : undefined;
  }

  setMeta(key: string, value: string): void {
    this.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
  }

  loadState(): SessionState | undefined {
    if (!this.exists()) return undefined;
    const rows = this.sql.exec<{ part: string; key: string; json: string }>("SELECT part, key, json FROM state_object ORDER BY part, ord").toArray();
    const root = rows.find((row) => row.part === ROOT_PART && row.key === ROOT_KEY);
    if (!root) return undefined;
    const stored = JSON.parse(root.json) as StoredRoot;
    const maps = new Set(stored.mapNames);
    const cluster: Record<string, unknown> = {};
    for (const name of stored.clusterOrder) {
      if (maps.has(name)) cluster[name] = {};
      else if (name in stored.clusterScalars) cluster[name] = stored.clusterScalars[name];
    }
    for (const row of rows) {
      if (!row.part.startsWith(MAP_PREFIX)) continue;
      const map = cluster[row.part.slice(MAP_PREFIX.length)] as Record<string, unknown> | undefined;
      if (map) map[row.key] = JSON.parse(row.json);
    }
    const state: Record<string, unknown> = {};
    for (const field of stored.stateOrder) {
      if (field === "cluster") state.cluster = cluster;
      else if (field in stored.rest) state[field] = stored.rest[field];
    }
    return state as unknown as SessionState;
  }

  /** Writes `next`, touching only the rows that differ from `previous` (the state last written). */
  saveState(previous: SessionState | undefined, next: SessionState): void {
    const { cluster, ...rest } = next;
    const nextCluster = cluster as unknown as Record<string, unknown>;
    const previousCluster = previous?.cluster as unknown as Record<string, unknown> | undefined;
    const mapNames: string[] = [];
    const clusterScalars: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(nextCluster)) {
      if (isMap(value)) mapNames.push(name);
      else clusterScalars[name] = value;
    }
    const root: StoredRoot = { rest, stateOrder: Object.keys(next), clusterOrder: Object.keys(nextCluster), clusterScalars, mapNames };
    this.putPart(ROOT_PART, ROOT_KEY, JSON.stringify(root), 0);

    for (const name of mapNames) {
      const nextMap = nextCluster[name] as Record<string, unknown>;
      const before = previousCluster?.[name];
      const previousMap = isMap(before) ? before : undefined;
      if (previousMap === nextMap) continue;
      const part = MAP_PREFIX + name;
      const reordered = previousMap !== undefined && keptKeysReordered(previousMap, nextMap);
      for (const [key, value] of Object.entries(nextMap)) {
        if (value === undefined) {
          if (previousMap && key in previousMap) this.deletePart(part, key);
        } else if (reordered || !previousMap || !(key in previousMap)) {
          this.putPart(part, key, JSON.stringify(value), this.newOrd());
        } else if (previousMap[key] !== value) {
          this.updatePart(part, key, JSON.stringify(value));
        }
      }
      if (previousMap) {
        for (const key of Object.keys(previousMap)) {
          if (!(key in nextMap)) this.deletePart(part, key);
        }
      }
    }
    if (previousCluster) {
      for (const [name, value] of Object.entries(previousCluster)) {
        if (isMap(value) && !isMap(nextCluster[name])) {
          this.sql.exec("DELETE FROM state_object WHERE part = ?", MAP_PREFIX + name);
        }
      }
    }
  }

  appendTranscript(entry: TranscriptEntry): void {
    this.sql.exec("INSERT INTO transcript (seq, json) VALUES (?, ?)", entry.seq, JSON.stringify(forStorage(entry)));
    if (entry.seq > TRANSCRIPT_LIMIT) {
      this.sql.exec("DELETE FROM transcript WHERE seq <= ?", entry.seq - TRANSCRIPT_LIMIT);
    }
  }

  /**
   * Entries with seq > since, oldest first. With a budget (in characters of stored JSON), only the
   * newest entries that fit are returned, so a reply stays bounded however long the outputs were.
   */
  transcriptSince(since = 0, budget = Number.POSITIVE_INFINITY): TranscriptEntry[] {
    const entries: TranscriptEntry[] = [];
    let used = 0;
    for (const row of this.sql.exec<{ json: string }>("SELECT json FROM transcript WHERE seq > ? ORDER BY seq DESC", since)) {
      used += row.json.length;
      if (used > budget && entries.length > 0) break;
      entries.push(JSON.parse(row.json) as TranscriptEntry);
    }
    return entries.reverse();
  }

  private putPart(part: string, key: string, json: string, ord: number): void {
    this.sql.exec(
      "INSERT INTO state_object (part, key, ord, json) VALUES (?, ?, ?, ?) ON CONFLICT (part, key) DO UPDATE SET json = excluded.json, ord = excluded.ord",
      part,
      key,
      ord,
      json,
    );
  }

  private updatePart(part: string, key: string, json: string): void {
    this.sql.exec("UPDATE state_object SET json = ? WHERE part = ? AND key = ?", json, part, key);
  }

  private deletePart(part: string, key: string): void {
    this.sql.exec("DELETE FROM state_object WHERE part = ? AND key = ?", part, key);
  }

  /** Increasing across all maps of this object; read from storage once per wake-up. */
  private newOrd(): number {
    if (this.lastOrd === undefined) {
      this.lastOrd = this.sql.exec<{ ord: number }>("SELECT COALESCE(MAX(ord), 0) AS ord FROM state_object").one().ord;
    }
    return ++this.lastOrd;
  }
}

/** The root row: the state without its cluster maps, and the key order of both objects. */
interface StoredRoot {
  rest: Record<string, unknown>;
  stateOrder: string[];
  clusterOrder: string[];
  clusterScalars: Record<string, unknown>;
  mapNames: string[];
}

/**
 * True when `next` is not "previous's kept keys in their old order, then the new keys": that is,
 * a key was deleted and re-added (it moved behind others).
 */
function keptKeysReordered(previous: Record<string, unknown>, next: Record<string, unknown>): boolean {
  const position = new Map<string, number>();
  let i = 0;
  for (const key in previous) position.set(key, i++);
  let last = -1;
  let sawNew = false;
  for (const key in next) {
    const p = position.get(key);
    if (p === undefined) {
      sawNew = true;
      continue;
    }
    if (sawNew || p < last) return true;
    last = p;
  }
  return false;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
