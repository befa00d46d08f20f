// The one place that knows the session API's URLs and shapes; a shape change is one edit here.
import {
  ApiError,
  type ClusterView,
  type CommandResult,
  type CreateSessionBody,
  type CreatedSession,
  type EditorRequest,
  type ExamReport,
  type ExamState,
  type ExamSummary,
  type LessonState,
  type LessonSummary,
  type LessonUpdate,
  type LiveEvent,
  type RouteTrace,
  type SessionDoc,
  type SnapshotDoc,
  type TranscriptEntry,
} from "./types.ts";

async function call<T>(method: string, path: string, body?: unknown, key?: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    throw new ApiError(response.status, "bad_response", `The server answered ${response.status} with something that is not JSON.`);
  }
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string } }).error;
    const retryAfter = Number(response.headers.get("retry-after") ?? NaN);
    throw new ApiError(response.status, error?.code ?? "http_" + response.status, error?.message ?? `HTTP ${response.status}`, Number.isFinite(retryAfter) ? retryAfter : undefined);
  }
  return data as T;
}

const enc = encodeURIComponent;

export function createSession(body: CreateSessionBody = {}): Promise<CreatedSession> {
  return call("POST", "/api/sessions", body);
}

export async function getSession(id: string, key?: string): Promise<SessionDoc> {
  const doc = await call<SessionDoc>("GET", `/api/sessions/${enc(id)}`, undefined, key);
  const history = stringList(doc.history);
  const { history: _raw, ...rest } = doc;
  return { ...rest, id: doc.id ?? id, transcript: (doc.transcript ?? []).map(normaliseEntry), lesson: lessonState(doc.lesson), ...(history ? { history } : {}) };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls again while the server says "too many commands" (429), after the wait it asks for: a
 * pasted script of 60 lines runs to its end at the session's pace instead of stopping at the
 * burst limit. Gives up after `tries` attempts.
 */
export async function paced<T>(attempt: () => Promise<T>, wait: (ms: number) => Promise<void> = sleep, tries = 20): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 429 || i >= tries) throw error;
      await wait(Math.max(250, (error.retryAfter ?? 1) * 1000));
    }
  }
}

/** The response is the transcript entry, with the lesson's progress beside it when there is a lesson. */
export async function runCommand(id: string, key: string, command: string): Promise<CommandResult> {
  return commandResult(await paced(() => call<CommandReply>("POST", `/api/sessions/${enc(id)}/commands`, { command }, key)), command);
}

/** The editor's answer: the saved text, or leaving without saving. Ends the command that opened it (or reopens the editor). */
export async function answerEditor(id: string, key: string, editor: { token: string; content: string } | { token: string; cancel: true }): Promise<CommandResult> {
  return commandResult(await paced(() => call<CommandReply>("POST", `/api/sessions/${enc(id)}/commands`, { editor }, key)), "");
}

/** Ctrl+C: stops the command that holds the console in the foreground (kubectl port-forward). */
export async function interruptCommand(id: string, key: string): Promise<CommandResult> {
  return commandResult(await paced(() => call<CommandReply>("POST", `/api/sessions/${enc(id)}/commands`, { interrupt: true }, key)), "");
}

/** The lesson panel's Check again, Skip and Back: the session moves its lesson and answers the new progress. */
export async function moveLesson(id: string, key: string, action: LessonAction): Promise<LessonUpdate> {
  const update = lessonUpdate(await paced(() => call<unknown>("POST", `/api/sessions/${enc(id)}/lesson`, { action }, key)));
  if (!update) throw new Error("The session answered the lesson move without the lesson's progress.");
  return update;
}

export type LessonAction = "check" | "skip" | "back";

type CommandReply = TranscriptEntry & { lesson?: unknown; edit?: EditorRequest; history?: unknown };

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : undefined;
}

function commandResult(raw: CommandReply, command: string): CommandResult {
  const entry = normaliseEntry({ ...raw, command: raw.command ?? command });
  const result: CommandResult = { entry };
  const lesson = lessonUpdate(raw.lesson);
  if (lesson) result.lesson = lesson;
  if (raw.edit && typeof raw.edit.token === "string" && typeof raw.edit.content === "string") result.edit = raw.edit;
  const history = stringList(raw.history);
  if (history) result.history = history;
  return result;
}

export async function listLessons(): Promise<LessonSummary[]> {
  const { lessons } = await call<{ lessons?: LessonSummary[] }>("GET", "/api/lessons");
  return lessons ?? [];
}

export async function listExams(): Promise<ExamSummary[]> {
  const { exams } = await call<{ exams?: ExamSummary[] }>("GET", "/api/exams");
  return exams ?? [];
}

/** The running exam, or once it is over, with its report; null when the session has no exam. */
export async function getExam(id: string): Promise<ExamState | null> {
  try {
    return await call<ExamState>("GET", `/api/sessions/${enc(id)}/exam`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404 && error.code === "no_exam") return null;
    throw error;
  }
}

/** Ends the exam now (the edit key's holder only) and answers its final report. */
export function finishExam(id: string, key: string): Promise<ExamReport> {
  return call("POST", `/api/sessions/${enc(id)}/exam/finish`, {}, key);
}

export async function createSnapshot(id: string, key?: string): Promise<string> {
  const { snapshotId } = await call<{ snapshotId: string }>("POST", `/api/sessions/${enc(id)}/snapshots`, {}, key);
  return snapshotId;
}

export async function getSnapshot(snapshotId: string): Promise<SnapshotDoc> {
  const doc = await call<SnapshotDoc>("GET", `/api/snapshots/${enc(snapshotId)}`);
  return { ...doc, snapshotId, transcript: (doc.transcript ?? []).map(normaliseEntry), lesson: lessonState(doc.lesson) };
}

function isProgress(value: unknown): value is LessonUpdate["progress"] {
  const p = value as LessonUpdate["progress"] | null | undefined;
  return typeof p === "object" && p !== null && typeof p.lessonId === "string" && typeof p.currentStep === "number" && Array.isArray(p.completed);
}

/** A session's lesson, or null when it has none (or the server predates lessons). */
export function lessonState(value: unknown): LessonState | null {
  const l = value as Partial<LessonState> | null | undefined;
  if (!l || typeof l !== "object" || !l.lesson || !Array.isArray(l.lesson.steps) || !isProgress(l.progress)) return null;
  return { lesson: l.lesson, progress: l.progress, status: l.status ?? null };
}

export function lessonUpdate(value: unknown): LessonUpdate | undefined {
  const u = value as Partial<LessonUpdate> | null | undefined;
  if (!u || typeof u !== "object" || !isProgress(u.progress)) return undefined;
  return { progress: u.progress, events: Array.isArray(u.events) ? u.events : [], status: u.status ?? null };
}

/** Where a browser tab opens host:port/path through the simulated cluster. */
export function proxyUrl(sessionId: string, host: string, port: number, path = "/"): string {
  return `/api/sessions/${enc(sessionId)}/proxy/${host}:${port}${path.startsWith("/") ? path : "/" + path}`;
}

/** The route traces of older servers came as a single `trace`; the page always sees a list. */
function normaliseEntry(raw: TranscriptEntry & { trace?: TranscriptEntry["traces"][number] }): TranscriptEntry {
  const traces = raw.traces ?? (raw.trace ? [raw.trace] : []);
  const entry: TranscriptEntry = {
    seq: raw.seq,
    command: raw.command,
    output: raw.output ?? "",
    exitCode: raw.exitCode ?? 0,
    prompt: raw.prompt,
    traces,
  };
  if (raw.setup) entry.setup = true;
  if (raw.editing) entry.editing = raw.editing;
  if (raw.resumed) entry.resumed = raw.resumed;
  if (raw.running) entry.running = true;
  // A paste hint is beside the output, never in it (worker/sim/shell/paste-hints.ts).
  if (raw.hint && typeof raw.hint.message === "string" && typeof raw.hint.corrected === "string") entry.hint = raw.hint;
  if (Array.isArray(raw.notes) && raw.notes.every((n) => typeof n === "string")) entry.notes = raw.notes;
  return entry;
}

/**
 * Reads one message of the live socket (worker/session/live.ts): `hello` (the cluster on
 * connect), `command` (an entry, in seq order, with the lesson's progress when there is a lesson),
 * `cluster` (the view after a change), `lesson` (a step completed as the clock moved), `expired`.
 */
export function parseLiveMessage(data: unknown): LiveEvent[] {
  if (typeof data !== "object" || data === null) return [];
  const m = data as Record<string, unknown>;
  switch (m.type) {
    case "hello":
    case "cluster":
      return isView(m.cluster) ? [{ kind: "cluster", cluster: m.cluster, prompt: typeof m.prompt === "string" ? m.prompt : undefined }] : [];
    case "command": {
      const entry = m.entry as (TranscriptEntry & { lesson?: unknown }) | undefined;
      if (!entry || typeof entry.seq !== "number") return [];
      const lesson = lessonUpdate(m.lesson ?? entry.lesson);
      return [lesson ? { kind: "command", entry: normaliseEntry(entry), lesson } : { kind: "command", entry: normaliseEntry(entry) }];
    }
    case "lesson": {
      const update = lessonUpdate(m);
      return update ? [{ kind: "lesson", update }] : [];
    }
    case "request": {
      const trace = m.trace as RouteTrace | undefined;
      if (!trace || typeof trace !== "object" || !Array.isArray(trace.hops)) return [];
      return [{ kind: "request", trace, status: typeof m.status === "number" ? m.status : undefined }];
    }
    case "expired":
      return [{ kind: "expired" }];
    default:
      return [];
  }
}

function isView(value: unknown): value is ClusterView {
  return typeof value === "object" && value !== null && Array.isArray((value as ClusterView).nodes);
}

export interface LiveConnection {
  close(): void;
  /** Sends a command over the socket; false when it is not open. */
  readonly open: boolean;
}

/**
 * Follows a session over its WebSocket, reconnecting with `?since=<last seq>` so nothing is
 * missed; `lastSeq()` is asked at each (re)connect.
 */
export function followSession(
  id: string,
  lastSeq: () => number,
  onEvent: (event: LiveEvent) => void,
  onState?: (connected: boolean) => void,
): LiveConnection {
  let socket: WebSocket | undefined;
  let closed = false;
  let retry = 500;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    if (closed) return;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}/api/sessions/${enc(id)}/live?since=${lastSeq()}`);
    socket = ws;
    ws.onopen = () => {
      retry = 500;
      onState?.(true);
    };
    ws.onmessage = (message) => {
      let data: unknown;
      try {
        data = JSON.parse(String(message.data));
      } catch {
        return;
      }
      for (const event of parseLiveMessage(data)) onEvent(event);
    };
    ws.onclose = () => {
      onState?.(false);
      if (closed) return;
      timer = setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10_000);
    };
  };
  connect();
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      socket?.close();
    },
    get open() {
      return socket?.readyState === WebSocket.OPEN;
    },
  };
}
