// Helpers for the workerd tests: requests to the Worker as a browser or client would send them,
// and WebSocket watchers that collect what the session broadcasts.

import { exports } from "cloudflare:workers";

export const ORIGIN = "https://playground.test";

/**
 * A request to the Worker. A new session comes from a client address of its own unless the test
 * names one (CF-Connecting-IP), so that tests do not share one address's creation allowance.
 */
export function request(path: string, init?: RequestInit): Promise<Response> {
  const built = new Request(ORIGIN + path, init);
  const limited = (built.method === "POST" && path === "/api/sessions") || /^\/api\/sessions\/[^/]+\/live(\?|$)/.test(path);
  if (limited && !built.headers.has("CF-Connecting-IP")) built.headers.set("CF-Connecting-IP", randomClientIp());
  return exports.default.fetch(built);
}

/** An address in 10.0.0.0/8, random enough that two tests never share one. */
export function randomClientIp(): string {
  const [a, b, c] = crypto.getRandomValues(new Uint8Array(3));
  return `10.${a}.${b}.${c}`;
}

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return request(path, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
}

export interface Created {
  id: string;
  editKey: string;
  seq: number;
  prompt: string;
  from?: string;
}

export async function createSession(body: unknown = {}): Promise<Created> {
  return jsonOf<Created>(await postJson("/api/sessions", body), 201, "create");
}

export interface Entry {
  seq: number;
  command: string;
  output: string;
  exitCode: number;
  prompt: string;
  traces: unknown[];
  at: number;
  hint?: { message: string; corrected: string; found: string[] };
  setup?: true;
}

export function command(id: string, key: string | undefined, text: string): Promise<Response> {
  return postJson(`/api/sessions/${id}/commands`, { command: text }, key === undefined ? {} : { Authorization: `Bearer ${key}` });
}

export async function run(id: string, key: string, text: string): Promise<Entry> {
  return jsonOf<Entry>(await command(id, key, text), 200, "command");
}

/**
 * Runs `text` until its output matches `pattern` (half a second apart, `tries` at most), as a learner
 * checks before moving on; how many times it ran (each is a command of the session).
 */
export async function runUntil(id: string, key: string, text: string, pattern: RegExp, tries = 60): Promise<number> {
  for (let i = 1; ; i++) {
    const entry = await run(id, key, text);
    if (pattern.test(entry.output)) return i;
    if (i >= tries) throw new Error(`"${text}" never printed ${pattern}; last output:\n${entry.output}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export interface View {
  id: string;
  seq: number;
  prompt: string;
  transcriptStart: number;
  cluster: { pods: Array<{ name: string; status: string }>; services: unknown[]; nodes: unknown[]; profile: Record<string, string> };
  transcript: Entry[];
}

export async function read(id: string): Promise<View> {
  return jsonOf<View>(await request(`/api/sessions/${id}`), 200, "read");
}

/** The body of a response that must have `status`; anything else fails the test with the body. */
export async function jsonOf<T>(response: Response, status: number, what: string): Promise<T> {
  if (response.status !== status) throw new Error(`${what} failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, code: body.error.code, message: body.error.message };
}

export type Message = { type: string; [field: string]: unknown };

/** A client of /live that keeps every message and can wait for the next one that matches. */
export class Watcher {
  readonly messages: Message[] = [];
  private waiters: Array<{ test: (m: Message) => boolean; resolve: (m: Message) => void; from: number }> = [];

  private constructor(readonly socket: WebSocket) {
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data as string) as Message;
      this.messages.push(message);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(message)) return true;
        w.resolve(message);
        return false;
      });
    });
  }

  static async open(id: string, query = ""): Promise<Watcher> {
    const response = await request(`/api/sessions/${id}/live${query}`, { headers: { Upgrade: "websocket" } });
    if (response.status !== 101 || !response.webSocket) throw new Error(`upgrade failed: ${response.status} ${await response.text()}`);
    response.webSocket.accept();
    return new Watcher(response.webSocket);
  }

  send(message: unknown): void {
    this.socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** The first message (already received or still to come) that matches and was not taken before. */
  next(test: (m: Message) => boolean, timeoutMs = 3000): Promise<Message> {
    const seen = this.messages.find(test);
    if (seen) {
      this.messages.splice(this.messages.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.map((m) => m.type))}`)), timeoutMs);
      this.waiters.push({
        test,
        from: this.messages.length,
        resolve: (m) => {
          clearTimeout(timer);
          this.messages.splice(this.messages.indexOf(m), 1);
          resolve(m);
        },
      });
    });
  }

  close(): void {
    this.socket.close(1000, "done");
  }
}

export const isType = (type: string) => (m: Message) => m.type === type;
export const isCommand = (seq: number) => (m: Message) => m.type === "command" && (m.entry as Entry).seq === seq;

/** Moves a session's simulated clock forward (pods finish starting) as if `ms` had passed. */
export async function advanceClock(id: string, ms: number): Promise<void> {
  const { runInDurableObject } = await import("cloudflare:test");
  const { env } = await import("cloudflare:workers");
  const { tick } = await import("../../worker/sim/engine.ts");
  await runInDurableObject(env.SESSIONS.get(env.SESSIONS.idFromName(id)), (instance) => {
    const session = instance as unknown as { state: Parameters<typeof tick>[0]; persist(state: unknown, entries: unknown[]): void };
    session.persist(tick(session.state, Date.now() + ms), []);
  });
}
