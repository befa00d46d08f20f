// A full class on `npm start`'s server: creates a class, opens its board's live socket as the
// teacher, joins STUDENTS students (all at once, as a room does when the teacher shows the link),
// then has every student run COMMANDS commands at once (some failing), and measures how long after
// a student's command is answered the board hears of it: the board's update delay, p50/p99/max.
// Also prints how long joining and the commands took, and any update the board never got.
//
// Usage: npm run bench:class                  (builds, then starts its own server on a free port
//                                              with throwaway storage)
//        tsx --experimental-websocket scripts/bench-class.ts --url http://127.0.0.1:8787
//                                             (a server already running, e.g. `npm start`)
//        env: BENCH_STUDENTS=300 BENCH_COMMANDS=5 BENCH_LESSON=services-nodeport

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "./free-port.ts";

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 300);
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 5);
const LESSON = process.env.BENCH_LESSON ?? "services-nodeport";
/** How long to wait for the board's last updates after the last command answered. */
const SETTLE_MS = 10_000;

const { values: args } = parseArgs({ options: { url: { type: "string" } }, strict: true });

/** The commands a student types: mostly ones that work, one that fails (as a typo does). */
const commandFor = (i: number): string => ["kubectl get pods", "kubectl get svc", "kubectl get pod nginx-typo", "kubectl run nginx --image=nginx", "kubectl get pods -o wide"][i % 5];

async function startServer(): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const httpsPort = await freePort();
  const storage = mkdtempSync(join(tmpdir(), "bench-class-"));
  const child: ChildProcess = spawn(process.execPath, ["--no-warnings", "--import", "tsx", "scripts/start.ts", "--port", String(port), "--https-port", String(httpsPort), "--persist-to", storage], {
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
    env: { ...process.env, NODE_ENV: "production", WRANGLER_SEND_METRICS: "false" },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error("the server did not come up within 120 s");
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    stop() {
      // Its own process group: workerd goes with it.
      if (child.pid) process.kill(-child.pid, "SIGTERM");
      rmSync(storage, { recursive: true, force: true });
    },
  };
}

/**
 * A POST on a connection of its own. fetch's pooled keep-alive connections race the server's
 * closing of idle ones ("other side closed"), and a command cannot be sent again blindly (it
 * may have run), so no connection is reused.
 */
function postOnce(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; retryAfter: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", agent: false, headers: { ...headers, "content-length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers["retry-after"] ?? 1), text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function post<T>(url: string, body: unknown, key?: string): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key) headers.authorization = `Bearer ${key}`;
  for (;;) {
    const response = await postOnce(url, JSON.stringify(body), headers);
    if (response.status === 429) {
      await new Promise((r) => setTimeout(r, 1000 * response.retryAfter));
      continue;
    }
    if (response.status >= 300) throw new Error(`POST ${url}: ${response.status} ${response.text}`);
    return JSON.parse(response.text) as T;
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted[sorted.length - 1] ?? NaN)} (n=${sorted.length})`;
};

async function main(): Promise<void> {
  const server = args.url ? { url: args.url.replace(/\/$/, ""), stop() {} } : await startServer();
  try {
    const created = await post<{ id: string; teacherKey: string }>(`${server.url}/api/classes`, { name: "bench class", lesson: LESSON });
    console.log(`class ${created.id} on ${server.url}: ${STUDENTS} students, ${COMMANDS} commands each`);

    // The board: when it first heard of each (student, command count).
    const heard = new Map<string, number>();
    let boardReady!: () => void;
    const ready = new Promise<void>((resolve) => (boardReady = resolve));
    const socket = new WebSocket(`${server.url.replace(/^http/, "ws")}/api/classes/${created.id}/live`);
    socket.onopen = () => socket.send(JSON.stringify({ type: "auth", key: created.teacherKey }));
    socket.onmessage = (event) => {
      const at = performance.now();
      const message = JSON.parse(String(event.data)) as { type: string; student?: { sessionId: string; commands: number } };
      if (message.type === "board") boardReady();
      if (message.type === "student" && message.student) {
        const key = `${message.student.sessionId} ${message.student.commands}`;
        if (!heard.has(key)) heard.set(key, at);
      }
      if (message.type === "error") console.error("board:", event.data);
    };
    await ready;

    // Everyone joins at once.
    const joinStarted = performance.now();
    const joinTimes: number[] = [];
    const students = await Promise.all(
      Array.from({ length: STUDENTS }, async (_, i) => {
        const t = performance.now();
        const joined = await post<{ sessionId: string; editKey: string }>(`${server.url}/api/classes/${created.id}/students`, { name: `Student ${i + 1}` });
        joinTimes.push(performance.now() - t);
        return joined;
      }),
    );
    console.log(`joined ${students.length} in ${ms(performance.now() - joinStarted)}; each join ${summary(joinTimes)}`);

    // Everyone types at once, one command after the other; each answer's time against the board's.
    const answered: Array<{ key: string; sent: number; at: number }> = [];
    const commandTimes: number[] = [];
    const failures = new Map<string, number>();
    const commandsStarted = performance.now();
    await Promise.all(
      students.map(async (student, s) => {
        for (let c = 0; c < COMMANDS; c++) {
          const t = performance.now();
          try {
            await post(`${server.url}/api/sessions/${student.sessionId}/commands`, { command: commandFor(s + c) }, student.editKey);
          } catch (error) {
            // Counted, not retried (the command may have run); the student's later counts on the board stop matching, so stop.
            failures.set(String((error as Error).message), (failures.get(String((error as Error).message)) ?? 0) + 1);
            return;
          }
          const at = performance.now();
          commandTimes.push(at - t);
          answered.push({ key: `${student.sessionId} ${c + 1}`, sent: t, at });
        }
      }),
    );
    for (const [message, n] of failures) console.log(`commands that failed: ${n} x ${message}`);
    console.log(`${answered.length} commands in ${ms(performance.now() - commandsStarted)}; each command ${summary(commandTimes)}`);

    const settleUntil = performance.now() + SETTLE_MS;
    while (answered.some((a) => !heard.has(a.key)) && performance.now() < settleUntil) await new Promise((r) => setTimeout(r, 100));
    // A board update can arrive before the command's answer does (the report goes out right after the commit): a delay of 0.
    const delays = answered.filter((a) => heard.has(a.key)).map((a) => Math.max(0, heard.get(a.key)! - a.at));
    const sinceSent = answered.filter((a) => heard.has(a.key)).map((a) => heard.get(a.key)! - a.sent);
    const missed = answered.length - delays.length;
    console.log(`board update after the command's answer: ${summary(delays)}`);
    console.log(`board update after the command was sent: ${summary(sinceSent)}`);
    console.log(`board updates never received: ${missed} of ${answered.length}`);
    socket.close();
    if (missed > 0 || failures.size > 0) process.exitCode = 1;
  } finally {
    server.stop();
  }
}

await main();
