// What the page remembers in localStorage: edit keys, per-session command history, embed
// sessions, the chosen theme. Storage may be unavailable (private mode, sandboxed frames): every
// read falls back and every write is best effort.

const PREFIX = "kube-playground:";
const HISTORY_LIMIT = 500;
/** Playgrounds the start page lists. */
const RECENT_LIMIT = 8;

/** A playground this browser holds the edit key of, as the start page lists it. */
export interface RecentPlayground {
  id: string;
  /** Commands typed in it (a lesson's setup not counted). */
  commands: number;
  /** When it was last opened or used here, ms since the epoch. */
  at: number;
}

function read(name: string): string | null {
  try {
    return localStorage.getItem(PREFIX + name);
  } catch {
    return null;
  }
}

/** True when the value is stored (reading it back gives it). */
function write(name: string, value: string | null): boolean {
  try {
    if (value === null) localStorage.removeItem(PREFIX + name);
    else localStorage.setItem(PREFIX + name, value);
    return localStorage.getItem(PREFIX + name) === value;
  } catch {
    // Remembering is a convenience; the page works without it.
    return false;
  }
}

function readJson<T>(name: string, fallback: T): T {
  const raw = read(name);
  if (raw === null) return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return fallback;
  }
}

export const storage = {
  editKey: (sessionId: string) => read(`key:${sessionId}`),
  /** False when this browser would not keep it. */
  setEditKey: (sessionId: string, key: string): boolean => write(`key:${sessionId}`, key),

  history: (sessionId: string) => readJson<string[]>(`history:${sessionId}`, []),
  pushHistory(sessionId: string, command: string): string[] {
    const list = storage.history(sessionId);
    if (list[list.length - 1] !== command) list.push(command);
    const trimmed = list.slice(-HISTORY_LIMIT);
    write(`history:${sessionId}`, JSON.stringify(trimmed));
    return trimmed;
  },

  embedSession: (embedId: string) => readJson<{ id: string; key: string } | null>(`embed:${embedId}`, null),
  setEmbedSession: (embedId: string, session: { id: string; key: string } | null) =>
    void write(`embed:${embedId}`, session ? JSON.stringify(session) : null),

  /** The session this browser joined a class with: the student link brings it back. */
  classSession: (classId: string) => readJson<{ sessionId: string; name: string } | null>(`class:${classId}`, null),
  setClassSession: (classId: string, joined: { sessionId: string; name: string } | null) => void write(`class:${classId}`, joined ? JSON.stringify(joined) : null),
  /** A class's teacher key, kept here rather than in the board's address. */
  teacherKey: (classId: string) => read(`teacher:${classId}`),
  setTeacherKey: (classId: string, key: string): boolean => write(`teacher:${classId}`, key),

  /** This browser's playgrounds, most recently used first. */
  recent: () => readJson<RecentPlayground[]>("recent", []).filter((r) => r && typeof r.id === "string" && typeof r.commands === "number" && typeof r.at === "number"),
  rememberRecent(playground: RecentPlayground): void {
    const others = storage.recent().filter((r) => r.id !== playground.id);
    write("recent", JSON.stringify([playground, ...others].slice(0, RECENT_LIMIT)));
  },

  /** The tasks of an exam session flagged for review. */
  examFlags(sessionId: string): string[] {
    const flags = readJson<unknown>(`exam-flags:${sessionId}`, []);
    return Array.isArray(flags) ? flags.filter((f): f is string => typeof f === "string") : [];
  },
  setExamFlags: (sessionId: string, taskIds: string[]) => void write(`exam-flags:${sessionId}`, taskIds.length ? JSON.stringify(taskIds) : null),

  /** The first-visit orientation was dismissed. */
  oriented: () => read("oriented") === "1",
  setOriented: () => void write("oriented", "1"),


  theme: () => read("theme") as "light" | "dark" | null,
  setTheme: (theme: "light" | "dark" | null) => void write("theme", theme),
};
