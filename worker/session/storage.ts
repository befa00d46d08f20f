// SQLite layout of a session (and of a snapshot, which uses the same tables, frozen):
//
//   meta(key, value)            id, key hash, timestamps, seq, rate-limit bucket (a command's seq
//                               and activity time are read from its transcript row)
//   state_object(part, key, ord, json)
//                               the SessionState: part "" key "root" holds the small rest (shell,
//                               rng, config, clocks), each cluster map (pods, services, ...) is
//                               stored one object per row under part "cluster.<map>", `ord`
//                               keeping the map's key order (a reloaded map iterates exactly as the
//                               one in memory), and each cluster list (events) one element per row
//                               under part "list.<name>", in `ord` order (key = the ord)
//   history_line(num, line)     the console's history (SessionState.history), a line a row under
//                               its bash number: a command appends its line (and drops the
//                               oldest when the history is full) instead of rewriting the whole
//                               history, up to 64 KB, with the root row
//   transcript(seq, json, history_num, history, bucket)
//                               the last TRANSCRIPT_LIMIT entries; a command whose only change to
//                               the state was its line in the history (a read-only command) stores
//                               that line here instead of in history_line (history_num its bash
//                               number), and every command stores the command rate-limit bucket
//                               here instead of in meta: such a command writes this one row
//
// One row per object keeps every value far below SQLite's 2 MB row limit however large the
// cluster grows, and lets a command write only what it changed: the simulation never edits an
// object in place (see worker/sim/cluster/tx.ts), so an object whose reference is unchanged is
// unchanged, and the diff below is a pointer comparison per object of a touched map or list. The
// root row is written only when one of its values changed (a read-only command writes nothing).
//
// History lines kept in transcript rows: the rows after the last entry stored with its state
// (history IS NULL) whose number follows the history_line rows are the lines the rows lack, and
// loadState appends them (as the shell's `remember` did). A later save writes them to history_line
// with its own (saveHistory diffs against what the rows hold), and an earlier line a save already
// wrote is known by its number.
//
// Key order: JavaScript keeps insertion order, so a new key gets an `ord` above all others and a
// kept key keeps its own. Only a key deleted and re-added within one command moves; that is
// detected (the kept keys' relative order changed) and the map's order is rewritten.
//
// Lists: the events list changes by replacing elements in place (a repeat raises a count),
// appending, and dropping the oldest from the front; the diff aligns the new list with the old one
// by reference (so a dropped front deletes rows instead of rewriting every later row) and writes
// the elements that differ. Any other edit is still stored correctly, just with more writes.

import type { SessionState } from "../sim/engine.ts";
import { jsonText } from "../sim/json-text.ts";
import { remember, type History } from "../sim/shell/history.ts";
import { forStorage, TRANSCRIPT_LIMIT, type TranscriptEntry } from "./transcript.ts";

const ROOT_PART = "";
const ROOT_KEY = "root";
const MAP_PREFIX = "cluster.";
const LIST_PREFIX = "list.";

export class SessionStorage {
  private lastOrd: number | undefined;
  /** The row ords of each list this object wrote or loaded, by list reference (lists are never edited in place). */
  private readonly listOrds = new WeakMap<unknown[], number[]>();
  /** The stored root predates list rows or history rows: the next save rewrites it even if no value changed. */
  private rootOutdated = false;
  /**
   * The history whose lines the history_line rows hold (last loaded or written by this object);
   * undefined when unknown. One value, not a set: a value written earlier (EMPTY_HISTORY after
   * `history -c`) may come back after other lines were written.
   */
  private storedHistory: History | undefined;
  /** The row writes of the save under way (flushRows runs them). */
  private pending: { wholeParts: string[]; deletes: Map<string, string[]>; upserts: Array<string | number> } = { wholeParts: [], deletes: new Map(), upserts: [] };
  /** Rows and bytes (of the values bound) this object's statements wrote, since it was made: what a command costs in storage. */
  private readonly written = { statements: 0, rows: 0, bytes: 0 };

  constructor(private readonly sql: SqlStorage) {}

  /** After a rolled-back write: what this object remembers about the rows may be wrong; load again. */
  forgetCaches(): void {
    this.lastOrd = undefined;
    this.rootOutdated = false;
    this.storedHistory = undefined;
  }

  /** What the writes so far cost: statements run, rows SQLite wrote, bytes of the values bound to them. */
  writeStats(): { statements: number; rows: number; bytes: number } {
    return { ...this.written };
  }

  /** True once the tables exist, i.e. the object was created. Reads nothing else. */
  exists(): boolean {
    return this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray().length > 0;
  }

  createSchema(): void {
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS state_object (part TEXT NOT NULL, key TEXT NOT NULL, ord INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (part, key)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS transcript (seq INTEGER PRIMARY KEY, json TEXT NOT NULL, history_num INTEGER, history TEXT, bucket TEXT);
      ${HISTORY_TABLE};
    `);
  }

  /**
   * Adds the transcript's history and bucket columns to a table made before them (once, when a
   * session stored before wakes up). Reads the table's column names, nothing else.
   */
  upgradeTranscript(): void {
    const columns = this.sql.exec("SELECT * FROM transcript LIMIT 0").columnNames;
    for (const [name, type] of TRANSCRIPT_COLUMNS) {
      if (!columns.includes(name)) this.write(`ALTER TABLE transcript ADD COLUMN ${name} ${type}`);
    }
  }

  getMeta(key: string): string | undefined {
    const rows = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray();
    return rows.length > 0 ? rows[0].value : undefined;
  }

  setMeta(key: string, value: string): void {
    this.write("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
  }

  /** Several meta rows in one statement (a command changes two or three). */
  setMetas(entries: ReadonlyArray<readonly [string, string]>): void {
    if (entries.length === 0) return;
    const rows = entries.map(() => "(?, ?)").join(", ");
    this.write(`INSERT INTO meta (key, value) VALUES ${rows} ON CONFLICT (key) DO UPDATE SET value = excluded.value`, ...entries.flat());
  }

  /**
   * The stored state; with `keptLines`, its history has the lines read-only commands kept in their
   * transcript rows (a session's; the transcript must have its columns, see upgradeTranscript).
   */
  loadState(keptLines = false): SessionState | undefined {
    if (!this.exists()) return undefined;
    const rows = this.sql.exec<{ part: string; key: string; ord: number; json: string }>("SELECT part, key, ord, json FROM state_object ORDER BY part, ord").toArray();
    const root = rows.find((row) => row.part === ROOT_PART && row.key === ROOT_KEY);
    if (!root) return undefined;
    const stored = JSON.parse(root.json) as StoredRoot;
    // Roots written before lists had rows keep their lists among the scalars.
    this.rootOutdated = stored.listNames === undefined;
    const shapes: ClusterShape[] = [stored, ...(stored.otherClusters ?? [])];
    const clusters = shapes.map((shape) => emptyCluster(shape));
    const ords = new Map<unknown[], number[]>();
    for (const row of rows) {
      const at = clusterPartOf(row.part);
      if (!at || at.index >= clusters.length) continue;
      const cluster = clusters[at.index];
      if (at.part.startsWith(MAP_PREFIX)) {
        const map = cluster[at.part.slice(MAP_PREFIX.length)] as Record<string, unknown> | undefined;
        if (map) map[row.key] = JSON.parse(row.json);
      } else if (at.part.startsWith(LIST_PREFIX)) {
        const name = at.part.slice(LIST_PREFIX.length);
        const list = cluster[name];
        if (!(shapes[at.index].listNames ?? []).includes(name) || !Array.isArray(list)) continue;
        list.push(JSON.parse(row.json));
        const listOrds = ords.get(list) ?? [];
        listOrds.push(row.ord);
        ords.set(list, listOrds);
      }
    }
    clusters.forEach((cluster, i) => {
      for (const name of shapes[i].listNames ?? []) {
        const list = cluster[name];
        if (Array.isArray(list)) this.listOrds.set(list, ords.get(list) ?? []);
      }
    });
    // Roots written before history had rows keep it among the rest; the next save moves it.
    if (stored.historyRows === undefined && stored.rest.history !== undefined) this.rootOutdated = true;
    // A session with several clusters: the root names them; each cluster's rows are under its index.
    const contexts = stored.rest.contexts as { names: string[]; current: string } | undefined;
    const currentIndex = contexts ? contexts.names.indexOf(contexts.current) : 0;
    const state: Record<string, unknown> = {};
    for (const field of stored.stateOrder) {
      if (field === "cluster") state.cluster = clusters[currentIndex];
      else if (field === "history" && stored.historyRows) state.history = this.loadHistory(stored.historyBase);
      else if (field === "contexts" && contexts) {
        const parked: Record<string, unknown> = {};
        contexts.names.forEach((name, i) => {
          if (i !== currentIndex) parked[name] = clusters[i];
        });
        state.contexts = { names: contexts.names, current: contexts.current, parked };
      } else if (field in stored.rest) state[field] = stored.rest[field];
    }
    if (keptLines && stored.historyRows && state.history) state.history = this.withKeptLines(state.history as History);
    return state as unknown as SessionState;
  }

  /**
   * The history with the lines that read-only commands kept in their transcript rows (see the
   * header): those after the last entry stored with its state, from the number the rows stop at.
   */
  private withKeptLines(history: History): History {
    const kept = this.sql
      .exec<{ num: number; line: string }>(
        "SELECT history_num AS num, history AS line FROM transcript WHERE history IS NOT NULL AND seq > (SELECT COALESCE(MAX(seq), 0) FROM transcript WHERE history IS NULL) ORDER BY seq",
      )
      .toArray();
    let next = history;
    for (const { num, line } of kept) {
      if (num !== (next.base ?? 1) + next.lines.length) continue;
      next = remember(next, line);
    }
    return next;
  }

  /**
   * How many lines of `history` the history_line rows lack when `history` is what they hold with
   * lines appended (a typed line adds one); undefined when it is not (a clear, a deletion, rows
   * this object does not know).
   */
  historyLinesUnstored(history: History): number | undefined {
    return this.storedHistory === undefined ? undefined : appendedLines(this.storedHistory, history);
  }

  /** The history as its rows hold it; `emptyBase` is the base of a history without lines (the root keeps it). */
  private loadHistory(emptyBase: number | undefined): History {
    const lines: string[] = [];
    let base = emptyBase ?? 1;
    for (const row of this.sql.exec<{ num: number; line: string }>("SELECT num, line FROM history_line ORDER BY num")) {
      if (lines.length === 0) base = row.num;
      lines.push(row.line);
    }
    const history: History = base === 1 ? { lines } : { lines, base };
    this.storedHistory = history;
    return history;
  }

  /** Writes `next`, touching only the rows that differ from `previous` (the state last written). */
  saveState(previous: SessionState | undefined, next: SessionState): void {
    // Left over only by a save that threw half-way (its transaction rolled back).
    this.pending = { wholeParts: [], deletes: new Map(), upserts: [] };
    const { cluster: _cluster, history: _history, ...rest } = next;
    // The parked clusters have rows of their own, as the current one: the root keeps their names.
    if (next.contexts) rest.contexts = { names: next.contexts.names, current: next.contexts.current } as SessionState["contexts"];
    const nextClusters = clustersOf(next);
    const previousClusters = previous ? clustersOf(previous) : undefined;
    const shapes = nextClusters.map((cluster) => shapeOf(cluster));
    if (!previous || this.rootOutdated || rootChanged(previous, next)) {
      this.rootOutdated = false;
      const root: StoredRoot = { rest, stateOrder: Object.keys(next), ...shapes[0], historyRows: true };
      if (shapes.length > 1) root.otherClusters = shapes.slice(1);
      const historyBase = emptyHistoryBase(next.history);
      if (historyBase !== undefined) root.historyBase = historyBase;
      this.putPart(ROOT_PART, ROOT_KEY, JSON.stringify(root), 0);
    }
    this.saveHistory(previous?.history, next.history);
    nextClusters.forEach((cluster, i) => this.saveCluster(clusterPrefix(i), previousClusters?.[i], cluster, shapes[i]));
    this.flushRows();
  }

  /** One cluster's maps and lists as rows under `prefix`, given the cluster last written there. */
  private saveCluster(prefix: string, previousCluster: Record<string, unknown> | undefined, nextCluster: Record<string, unknown>, shape: ClusterShape): void {
    if (previousCluster === nextCluster) return;
    for (const name of shape.mapNames) {
      const nextMap = nextCluster[name] as Record<string, unknown>;
      const before = previousCluster?.[name];
      const previousMap = isMap(before) ? before : undefined;
      if (previousMap === nextMap) continue;
      const part = prefix + MAP_PREFIX + name;
      const reordered = previousMap !== undefined && keptKeysReordered(previousMap, nextMap);
      for (const key in nextMap) {
        const value = nextMap[key];
        if (value === undefined) {
          if (previousMap && key in previousMap) this.deletePart(part, key);
        } else if (reordered || !previousMap || !(key in previousMap)) {
          this.putPart(part, key, jsonText(value), this.newOrd());
        } else if (previousMap[key] !== value) {
          this.updatePart(part, key, jsonText(value));
        }
      }
      if (previousMap) {
        for (const key in previousMap) {
          if (!(key in nextMap)) this.deletePart(part, key);
        }
      }
    }
    for (const name of shape.listNames ?? []) {
      const before = previousCluster?.[name];
      this.saveList(prefix + LIST_PREFIX + name, Array.isArray(before) ? before : undefined, nextCluster[name] as unknown[]);
    }
    if (previousCluster) {
      for (const name in previousCluster) {
        const value = previousCluster[name];
        if (isMap(value) && !isMap(nextCluster[name])) this.deleteWholePart(prefix + MAP_PREFIX + name);
        if (Array.isArray(value) && !Array.isArray(nextCluster[name])) this.deleteWholePart(prefix + LIST_PREFIX + name);
      }
    }
  }

  /** Writes list `next` as rows in order, given `previous`, the list last written or loaded under this part. */
  private saveList(part: string, previous: unknown[] | undefined, next: unknown[]): void {
    if (previous === next) return;
    const previousOrds = previous ? this.listOrds.get(previous) : undefined;
    if (!previous || !previousOrds) {
      // Unknown rows (a root from before lists had rows, or a first write): start the part afresh.
      if (previous) this.deleteWholePart(part);
      const ords: number[] = [];
      for (const value of next) {
        const ord = this.newOrd();
        this.putPart(part, String(ord), jsonText(value), ord);
        ords.push(ord);
      }
      this.listOrds.set(next, ords);
      return;
    }
    const dropped = frontDropped(previous, next);
    const kept = Math.min(next.length, previous.length - dropped);
    const ords: number[] = previousOrds.slice(dropped, dropped + kept);
    for (let i = 0; i < dropped; i++) this.deletePart(part, String(previousOrds[i]));
    for (let i = dropped + kept; i < previous.length; i++) this.deletePart(part, String(previousOrds[i]));
    for (let i = 0; i < kept; i++) {
      if (next[i] !== previous[i + dropped]) this.updatePart(part, String(ords[i]), jsonText(next[i]));
    }
    for (let i = kept; i < next.length; i++) {
      const ord = this.newOrd();
      this.putPart(part, String(ord), jsonText(next[i]), ord);
      ords.push(ord);
    }
    this.listOrds.set(next, ords);
  }

  /**
   * Writes history `next` as rows, given `previous`, the history of the state last written. Typed
   * lines append rows to what the rows hold (and delete the rows that dropped off the front), the
   * lines read-only commands kept in their transcript rows among them; anything else (`history
   * -c`, `history -d`, a history whose rows this object does not know) rewrites them all.
   */
  private saveHistory(previous: History | undefined, next: History | undefined): void {
    if (next !== undefined && this.storedHistory === next) return;
    if (next === undefined) {
      if (previous !== undefined) {
        this.sql.exec(HISTORY_TABLE);
        this.write("DELETE FROM history_line");
      }
      this.storedHistory = undefined;
      return;
    }
    const nextBase = next.base ?? 1;
    const stored = this.storedHistory;
    const appended = stored !== undefined ? appendedLines(stored, next) : undefined;
    if (appended === undefined) {
      // Sessions stored before history had rows have no table yet.
      this.sql.exec(HISTORY_TABLE);
      this.write("DELETE FROM history_line");
      this.insertHistory(nextBase, next.lines, 0);
    } else {
      if (nextBase > (stored!.base ?? 1)) this.write("DELETE FROM history_line WHERE num < ?", nextBase);
      this.insertHistory(nextBase, next.lines, next.lines.length - appended);
    }
    this.storedHistory = next;
  }

  /** Inserts lines[from..] numbered from `base`, many rows a statement. */
  private insertHistory(base: number, lines: string[], from: number): void {
    for (let start = from; start < lines.length; start += HISTORY_ROWS_PER_STATEMENT) {
      const end = Math.min(lines.length, start + HISTORY_ROWS_PER_STATEMENT);
      const values: Array<string | number> = [];
      for (let i = start; i < end; i++) values.push(base + i, lines[i]);
      this.write(`INSERT INTO history_line (num, line) VALUES ${"(?, ?), ".repeat(end - start).slice(0, -2)}`, ...values);
    }
  }

  /**
   * Stores an entry; `json`, when given, is JSON.stringify(entry), made once by the caller. `kept`:
   * the history line the command added, when the state was not stored with it (see the header);
   * `bucket`: the command rate-limit bucket after it, stored here instead of in meta.
   */
  appendTranscript(entry: TranscriptEntry, json?: string, extra: { kept?: { num: number; line: string }; bucket?: string } = {}): void {
    const stored = forStorage(entry);
    const text = stored === entry && json !== undefined ? json : JSON.stringify(stored);
    if (extra.kept === undefined && extra.bucket === undefined) this.write("INSERT INTO transcript (seq, json) VALUES (?, ?)", entry.seq, text);
    else this.write("INSERT INTO transcript (seq, json, history_num, history, bucket) VALUES (?, ?, ?, ?, ?)", entry.seq, text, extra.kept?.num ?? null, extra.kept?.line ?? null, extra.bucket ?? null);
    if (entry.seq > TRANSCRIPT_LIMIT) {
      this.write("DELETE FROM transcript WHERE seq <= ?", entry.seq - TRANSCRIPT_LIMIT);
    }
  }

  /**
   * The newest entry's seq and time (undefined with an empty transcript). A command's seq and its
   * activity time are those of the entry it appends, which the transcript row already holds, so
   * they are read back from it on load instead of being written to meta with every command.
   */
  lastTranscript(): { seq: number; at: number; bucket?: string } | undefined {
    const rows = this.sql.exec<{ seq: number; at: number | null; bucket: string | null }>("SELECT seq, json_extract(json, '$.at') AS at, bucket FROM transcript ORDER BY seq DESC LIMIT 1").toArray();
    if (rows.length === 0) return undefined;
    const last = { seq: rows[0].seq, at: rows[0].at ?? 0 };
    return rows[0].bucket === null ? last : { ...last, bucket: rows[0].bucket };
  }

  /**
   * Entries with seq > since, oldest first. With a budget (in characters of stored JSON), only the
   * newest entries that fit are returned, so a reply stays bounded however long the outputs were.
   */
  transcriptSince(since = 0, budget = Number.POSITIVE_INFINITY): TranscriptEntry[] {
    return this.transcriptJsonSince(since, budget).map((row) => JSON.parse(row.json) as TranscriptEntry);
  }

  /** transcriptSince as stored: each entry's JSON text unparsed, for a caller that only forwards it. */
  transcriptJsonSince(since = 0, budget = Number.POSITIVE_INFINITY): Array<{ seq: number; json: string }> {
    const rows: Array<{ seq: number; json: string }> = [];
    let used = 0;
    for (const row of this.sql.exec<{ seq: number; json: string }>("SELECT seq, json FROM transcript WHERE seq > ? ORDER BY seq DESC", since)) {
      used += row.json.length;
      if (used > budget && rows.length > 0) break;
      rows.push({ seq: row.seq, json: row.json });
    }
    return rows.reverse();
  }

  // A save collects its row writes and runs them as few statements as it can (flushRows): a
  // command that changes a pod, its runtime, two events and the clocks is one upsert, not five.

  private putPart(part: string, key: string, json: string, ord: number): void {
    this.pending.upserts.push(part, key, ord, json);
  }

  /** Changes a stored row's value, keeping its ord. */
  private updatePart(part: string, key: string, json: string): void {
    this.pending.upserts.push(part, key, KEEP_ORD, json);
  }

  private deletePart(part: string, key: string): void {
    const keys = this.pending.deletes.get(part);
    if (keys) keys.push(key);
    else this.pending.deletes.set(part, [key]);
  }

  private deleteWholePart(part: string): void {
    this.pending.wholeParts.push(part);
  }

  /**
   * Runs the collected writes: whole parts deleted first (a list rewritten from scratch deletes its
   * part, then puts its rows), then single rows, then the upserts. A save never deletes and puts
   * the same row, so no other order matters.
   */
  private flushRows(): void {
    const { wholeParts, deletes, upserts } = this.pending;
    this.pending = { wholeParts: [], deletes: new Map(), upserts: [] };
    for (const part of wholeParts) this.write("DELETE FROM state_object WHERE part = ?", part);
    for (const [part, keys] of deletes) {
      for (let start = 0; start < keys.length; start += MAX_BOUND - 1) {
        const chunk = keys.slice(start, start + MAX_BOUND - 1);
        this.write(`DELETE FROM state_object WHERE part = ? AND key IN (${"?, ".repeat(chunk.length).slice(0, -2)})`, part, ...chunk);
      }
    }
    const perStatement = Math.floor(MAX_BOUND / 4);
    for (let start = 0; start < upserts.length; start += perStatement * 4) {
      const chunk = upserts.slice(start, start + perStatement * 4);
      this.write(
        `INSERT INTO state_object (part, key, ord, json) VALUES ${"(?, ?, ?, ?), ".repeat(chunk.length / 4).slice(0, -2)} ON CONFLICT (part, key) DO UPDATE SET json = excluded.json, ord = CASE WHEN excluded.ord = ${KEEP_ORD} THEN state_object.ord ELSE excluded.ord END`,
        ...chunk,
      );
    }
  }

  /** Runs a statement that writes, counting what it wrote. */
  private write(query: string, ...bindings: Array<string | number | null>): void {
    const cursor = this.sql.exec(query, ...bindings);
    this.written.statements++;
    this.written.rows += cursor.rowsWritten;
    for (const value of bindings) this.written.bytes += typeof value === "string" ? value.length : value === null ? 0 : 8;
  }

  /** Increasing across all maps of this object; read from storage once per wake-up. */
  private newOrd(): number {
    if (this.lastOrd === undefined) {
      this.lastOrd = this.sql.exec<{ ord: number }>("SELECT COALESCE(MAX(ord), 0) AS ord FROM state_object").one().ord;
    }
    return ++this.lastOrd;
  }
}

/** A cluster's fields as the root row keeps them: their order, the scalars, which are maps and lists. */
interface ClusterShape {
  clusterOrder: string[];
  clusterScalars: Record<string, unknown>;
  mapNames: string[];
  /** Absent in roots written before lists had rows of their own (their lists are scalars). */
  listNames?: string[];
}

/**
 * The root row: the state without its cluster maps, and the key order of both objects. Its
 * cluster fields are the first cluster's; a session with several keeps the others' in
 * `otherClusters` (in `contexts.names` order), their rows under `c<index>:`.
 */
interface StoredRoot extends ClusterShape {
  rest: Record<string, unknown>;
  stateOrder: string[];
  otherClusters?: ClusterShape[];
  /** The state's history is in history_line; absent in roots written before (their history is in `rest`). */
  historyRows?: true;
  /** The base of a history without lines, which no row can tell. */
  historyBase?: number;
}

/** Where a session's cluster's rows are: the first's (the only one, mostly) as always, the others' under `c<index>:`. */
function clusterPrefix(index: number): string {
  return index === 0 ? "" : `c${index}:`;
}

/** A row's cluster (by index) and its part within that cluster; undefined for the root's part. */
function clusterPartOf(part: string): { index: number; part: string } | undefined {
  const m = /^c(\d+):/.exec(part);
  if (m) return { index: Number(m[1]), part: part.slice(m[0].length) };
  return part.startsWith(MAP_PREFIX) || part.startsWith(LIST_PREFIX) ? { index: 0, part } : undefined;
}

/** The state's clusters in storage order: `contexts.names`' order, or the one cluster. */
function clustersOf(state: SessionState): Array<Record<string, unknown>> {
  const contexts = state.contexts;
  if (!contexts) return [state.cluster as unknown as Record<string, unknown>];
  return contexts.names.map((name) => (name === contexts.current ? state.cluster : contexts.parked[name]) as unknown as Record<string, unknown>);
}

function shapeOf(cluster: Record<string, unknown>): ClusterShape {
  const mapNames: string[] = [];
  const listNames: string[] = [];
  const clusterScalars: Record<string, unknown> = {};
  for (const name in cluster) {
    const value = cluster[name];
    if (Array.isArray(value)) listNames.push(name);
    else if (isMap(value)) mapNames.push(name);
    else clusterScalars[name] = value;
  }
  return { clusterOrder: Object.keys(cluster), clusterScalars, mapNames, listNames };
}

/** A cluster with its scalars and empty maps and lists, in its stored field order, for the rows to fill. */
function emptyCluster(shape: ClusterShape): Record<string, unknown> {
  const maps = new Set(shape.mapNames);
  const lists = new Set(shape.listNames ?? []);
  const cluster: Record<string, unknown> = {};
  for (const name of shape.clusterOrder) {
    if (maps.has(name)) cluster[name] = {};
    else if (lists.has(name)) cluster[name] = [];
    else if (name in shape.clusterScalars) cluster[name] = shape.clusterScalars[name];
  }
  return cluster;
}

/** An upsert's ord meaning "keep the stored row's" (ords start at 1; the root's is 0). */
const KEEP_ORD = -1;
/** Values one statement may bind: the Durable Objects' SQL API allows 100. */
const MAX_BOUND = 100;

const HISTORY_TABLE = "CREATE TABLE IF NOT EXISTS history_line (num INTEGER PRIMARY KEY, line TEXT NOT NULL)";
/** The transcript's columns after seq and json, which tables made before them lack. */
const TRANSCRIPT_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ["history_num", "INTEGER"],
  ["history", "TEXT"],
  ["bucket", "TEXT"],
];
/** Two values a row. */
const HISTORY_ROWS_PER_STATEMENT = MAX_BOUND / 2;

function emptyHistoryBase(history: History | undefined): number | undefined {
  return history !== undefined && history.lines.length === 0 && (history.base ?? 1) !== 1 ? history.base : undefined;
}

/**
 * How many lines `next` appended to `previous`, when it is previous with its oldest lines dropped
 * (its base moved by as many) and new lines after them, as bash's history grows; otherwise undefined.
 */
function appendedLines(previous: History, next: History): number | undefined {
  const dropped = (next.base ?? 1) - (previous.base ?? 1);
  const kept = previous.lines.length - dropped;
  if (dropped < 0 || kept < 0 || next.lines.length < kept) return undefined;
  for (let i = 0; i < kept; i++) if (next.lines[i] !== previous.lines[i + dropped]) return undefined;
  return next.lines.length - kept;
}

/**
 * True when a value the root row holds differs: a top-level field other than the cluster, a
 * cluster scalar (clocks, config), or the set or order of fields. Values are compared by
 * reference, which is exact for an immutably updated state.
 */
function rootChanged(previous: SessionState, next: SessionState): boolean {
  const a = previous as unknown as Record<string, unknown>;
  const b = next as unknown as Record<string, unknown>;
  // The history has rows of its own; the root keeps only where a history without lines starts.
  if (!sameFields(a, b, (name) => name !== "cluster" && name !== "history")) return true;
  if (emptyHistoryBase(previous.history) !== emptyHistoryBase(next.history)) return true;
  const ca = a.cluster as Record<string, unknown>;
  const cb = b.cluster as Record<string, unknown>;
  return !sameFields(ca, cb, (name) => !isMap(cb[name]) && !Array.isArray(cb[name]));
}

/** Same field names in the same order, and the same values for the fields `compare` selects. */
function sameFields(a: Record<string, unknown>, b: Record<string, unknown>, compare: (name: string) => boolean): boolean {
  const names = Object.keys(b);
  let i = 0;
  for (const name in a) {
    if (names[i++] !== name) return false;
    // A field that changes kind (map, list, scalar) changes the root's name lists.
    if (isMap(a[name]) !== isMap(b[name]) || Array.isArray(a[name]) !== Array.isArray(b[name])) return false;
    if (compare(name) && a[name] !== b[name]) return false;
  }
  return i === names.length;
}

/**
 * How many elements `next` dropped from the front of `previous`: found by locating one of
 * next's first elements in previous (an element may have been replaced, so a few are tried).
 * 0 when nothing lines up; the caller's diff is correct whatever this says.
 */
function frontDropped(previous: unknown[], next: unknown[]): number {
  for (let j = 0; j < Math.min(4, next.length); j++) {
    const at = previous.indexOf(next[j]);
    if (at >= j) return at - j;
  }
  return 0;
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
