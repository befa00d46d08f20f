// The abuse suite's server and its clients: `npm start`'s server (the Worker as wrangler builds it,
// on one workerd, storage in a throwaway directory), and the session API over HTTP from this Node
// process, as a learner's browser or an attacker's script reaches it. Each client says which
// address it comes from (CF-Connecting-IP, which the local server takes from the request when it
// is there), so every client's per-address limits are its own.

import { type BuiltServer, startBuiltServer, stopBuiltServer } from "../../bench/http-bench.ts";

export interface Server {
  base: string;
  stop(): Promise<void>;
}

/** Builds the Worker and starts it on a port of its own. */
export async function startAbuseServer(): Promise<Server> {
  const server: BuiltServer = await startBuiltServer("abuse");
  return { base: server.base, stop: () => stopBuiltServer(server) };
}

let lastAddress = 0;
/** A documentation-prefix IPv6 /64 of its own. */
export const newAddress = () => `2001:db8:${(++lastAddress).toString(16)}::1`;

export interface Created {
  id: string;
  editKey: string;
}

export interface Entry {
  seq: number;
  command: string;
  output: string;
  exitCode: number;
  setup?: true;
}

/** The session API of `server`, for a client at `address`. */
export function client(server: Server, address = newAddress()) {
  const request = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has("CF-Connecting-IP")) headers.set("CF-Connecting-IP", address);
    if (init.body !== undefined && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
    return fetch(server.base + path, { ...init, headers });
  };
  const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) => request(path, { method: "POST", headers, body: JSON.stringify(body) });
  const command = (session: Created, line: string) => postJson(`/api/sessions/${session.id}/commands`, { command: line }, { Authorization: `Bearer ${session.editKey}` });
  return {
    address,
    request,
    postJson,
    command,
    async createSession(body: unknown = {}): Promise<Created> {
      return jsonOf<Created>(await postJson("/api/sessions", body), 201, "create");
    },
    async run(session: Created, line: string): Promise<Entry> {
      return jsonOf<Entry>(await command(session, line), 200, `command ${line}`);
    },
    async read(id: string): Promise<{ transcript: Entry[]; cluster: unknown }> {
      return jsonOf(await request(`/api/sessions/${id}`), 200, "read");
    },
  };
}

export type Client = ReturnType<typeof client>;

async function jsonOf<T>(response: Response, status: number, what: string): Promise<T> {
  if (response.status !== status) throw new Error(`${what} failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, code: body.error.code, message: body.error.message };
}
