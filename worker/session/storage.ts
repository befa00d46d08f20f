// SQLite layout of a session (and of a snapshot, which uses the same tables, frozen):
//
//   meta(key, value)            id, key hash, timestamps, last seq
//   state_part(part, key, json) the SessionState: part "" key "root" holds everything but the
//                               cluster's maps, each cluster map (pods, services, ...) is stored one
//                               object per row under part "cluster.<map>"
//   transcript(seq, json)       the last TRANSCRIPT_LIMIT entries
//
// One row per object keeps every value far below SQLite's 2 MB row limit however large the
// cluster grows, and lets a command write only what it changed: the simulation never edits an
// object in place (see worker/sim/cluster/tx.ts), so an object whose reference is unchanged is
// unchanged, and the diff below is a pointer comparison per object of a touched map.

import type { SessionState } from "../sim/engine.ts";
import { forStorage, TRANSCRIPT_LIMIT, type TranscriptEntry } from "./transcript.ts";

const ROOT_PART = "";
const ROOT_KEY = "root";
const MAP_PREFIX = "cluster.";

export class SessionStorage {
  constructor(private readonly sql: SqlStorage) {}

  /** True once the tables exist, i.e. the object was created. Reads nothing else. */
  exists(): boolean {
    return this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray().length > 0;
  }

  createSchema(): void {
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS state_part (part TEXT NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (part, key)) WITHOUT ROWID;
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
    const rows = this.sql.exec<{ part: string; key: string; json: string }>("SELECT part, key, json FROM state_part").toArray();
    const root = rows.find((row) => row.part === ROOT_PART && row.key === ROOT_KEY);
    if (!root) return undefined;
    const { mapNames, clusterScalars, ...rest } = JSON.parse(root.json) as StoredRoot;
    const cluster: Record<string, unknown> = { ...clusterScalars };
    for (const name of mapNames) cluster[name] = {};
    for (const row of rows) {
      if (!row.part.startsWith(MAP_PREFIX)) continue;
      const map = cluster[row.part.slice(MAP_PREFIX.length)] as Record<string, unknown> | undefined;
      if (map) map[row.key] = JSON.parse(row.json);
    }
    return { ...rest, cluster } as unknown as SessionState;
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
    const root: StoredRoot = { ...rest, clusterScalars, mapNames };
    this.putPart(ROOT_PART, ROOT_KEY, JSON.stringify(root));

    for (const name of mapNames) {
      const nextMap = nextCluster[name] as Record<string, unknown>;
      const before = previousCluster?.[name];
      const previousMap = isMap(before) ? before : undefined;
      if (previousMap === nextMap) continue;
      const part = MAP_PREFIX + name;
      for (const [key, value] of Object.entries(nextMap)) {
        if (previousMap?.[key] === value) continue;
        if (value === undefined) this.deletePart(part, key);
        else this.putPart(part, key, JSON.stringify(value));
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
          this.sql.exec("DELETE FROM state_part WHERE part = ?", MAP_PREFIX + name);
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

  private putPart(part: string, key: string, json: string): void {
    this.sql.exec(
      "INSERT INTO state_part (part, key, json) VALUES (?, ?, ?) ON CONFLICT (part, key) DO UPDATE SET json = excluded.json",
      part,
      key,
      json,
    );
  }

  private deletePart(part: string, key: string): void {
    this.sql.exec("DELETE FROM state_part WHERE part = ? AND key = ?", part, key);
  }
}

interface StoredRoot {
  clusterScalars: Record<string, unknown>;
  mapNames: string[];
  [field: string]: unknown;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
