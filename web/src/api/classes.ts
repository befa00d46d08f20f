// The class API (worker/routes/classes.ts) as the page uses it: create, join, read, and the
// teacher's board (JSON, CSV, messages, close, live socket). The teacher key goes only in an
// Authorization header or the socket's first message, never in a URL the server sees.
import { ApiError } from "./types.ts";

export interface ClassInfo {
  id: string;
  name: string;
  lesson: { id: string; title: string; steps: number } | null;
  from: string | null;
  /** The exam every student takes (classes made before exams came to classes lack it). */
  exam?: ClassExamInfo | null;
  open: boolean;
  message: { text: string; at: number } | null;
  createdAt: number;
  students: number;
}

export interface ClassExamInfo {
  id: string;
  title: string;
  tasks: number;
  durationMinutes: number;
  passPercent: number;
  seedPerStudent: boolean;
}

/** A student's exam on the board: the clock from the start, the score once it ended. */
export interface StudentExam {
  examId: string;
  seed: number;
  tasks: number;
  deadline: number | null;
  secondsLeft: number | null;
  finishedAt: number | null;
  score: number | null;
  max: number;
  passed: boolean | null;
}

export interface BoardCommand {
  command: string;
  exitCode: number;
  at: number;
}

export interface StudentRow {
  name: string;
  sessionId: string;
  step: number | null;
  steps: number;
  stepTitle: string | null;
  finished: boolean;
  stepSince: number;
  stuck: boolean;
  stuckReason: "step" | "failing" | null;
  commands: number;
  lastCommands: BoardCommand[];
  failingStreak: number;
  joinedAt: number;
  firstActivity: number | null;
  lastActivity: number | null;
  exam?: StudentExam | null;
}

export interface CreatedClass {
  id: string;
  teacherKey: string;
  studentUrl: string;
  boardUrl: string;
}

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

export type CreateClassBody = { name: string; lesson: string } | { name: string; from: string } | { name: string; exam: string; seedPerStudent?: boolean; durationMinutes?: number };

export function createClass(body: CreateClassBody): Promise<CreatedClass> {
  return call("POST", "/api/classes", body);
}

export function getClass(id: string): Promise<ClassInfo> {
  return call("GET", `/api/classes/${enc(id)}`);
}

export function joinClass(id: string, name: string): Promise<{ sessionId: string; editKey: string }> {
  return call("POST", `/api/classes/${enc(id)}/students`, { name });
}

export function getBoard(id: string, key: string): Promise<{ class: ClassInfo; students: StudentRow[]; now: number }> {
  return call("GET", `/api/classes/${enc(id)}/board`, undefined, key);
}

export function postClassMessage(id: string, key: string, text: string): Promise<ClassInfo> {
  return call("POST", `/api/classes/${enc(id)}/messages`, { text }, key);
}

export function closeClass(id: string, key: string): Promise<ClassInfo> {
  return call("POST", `/api/classes/${enc(id)}/close`, {}, key);
}

/** The board as CSV text (the download needs the key in a header, so the page fetches it and saves a Blob). */
export async function boardCsv(id: string, key: string): Promise<string> {
  const response = await fetch(`/api/classes/${enc(id)}/board.csv`, { headers: { authorization: `Bearer ${key}` } });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw new ApiError(response.status, body.error?.code ?? `http_${response.status}`, body.error?.message ?? `HTTP ${response.status}`);
  }
  return response.text();
}

export type BoardEvent =
  | { kind: "board"; class: ClassInfo; students: StudentRow[]; now: number }
  | { kind: "student"; student: StudentRow; now: number }
  | { kind: "class"; class: ClassInfo }
  | { kind: "error"; message: string }
  | { kind: "expired" };

/** Reads one message of the board socket (worker/classroom/live.ts). */
export function parseBoardMessage(data: unknown): BoardEvent | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const m = data as Record<string, unknown>;
  switch (m.type) {
    case "board":
      return Array.isArray(m.students) && typeof m.class === "object" ? { kind: "board", class: m.class as ClassInfo, students: m.students as StudentRow[], now: Number(m.now) } : undefined;
    case "student":
      return typeof m.student === "object" && m.student !== null ? { kind: "student", student: m.student as StudentRow, now: Number(m.now) } : undefined;
    case "class":
      return typeof m.class === "object" && m.class !== null ? { kind: "class", class: m.class as ClassInfo } : undefined;
    case "error":
      return { kind: "error", message: typeof m.message === "string" ? m.message : "The board refused the connection." };
    case "expired":
      return { kind: "expired" };
    default:
      return undefined;
  }
}

/** Follows a class's board: sends the key first, reconnects (and gets the whole board again) after a drop. */
export function followBoard(id: string, key: string, onEvent: (event: BoardEvent) => void, onState?: (connected: boolean) => void): { close(): void } {
  let socket: WebSocket | undefined;
  let closed = false;
  let retry = 500;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const connect = () => {
    if (closed) return;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}/api/classes/${enc(id)}/live`);
    socket = ws;
    ws.onopen = () => {
      retry = 500;
      ws.send(JSON.stringify({ type: "auth", key }));
      onState?.(true);
    };
    ws.onmessage = (message) => {
      let data: unknown;
      try {
        data = JSON.parse(String(message.data));
      } catch {
        return;
      }
      const event = parseBoardMessage(data);
      if (event) onEvent(event);
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
  };
}
