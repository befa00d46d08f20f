// HTTP load test of the whole server: starts it on a free loopback port with its own local
// storage, then
//   1. creates sessions and times session-create + first command (goal p50 < 50 ms);
//   2. drives CLIENTS concurrent clients, one session each, for SECONDS, typing as fast as the
//      per-session rate limit allows, and times every command (goal p99 < 25 ms, 0 errors);
//   3. checks that every acknowledged command is in its session's transcript, exactly once, at
//      the seq it was acknowledged with;
//   4. restart test: load again, stop the server in the middle, start it on the same storage and
//      check every acknowledged command again (and that the sessions carry on).
//
// It does all of that twice: against `npm start`'s server (scripts/start.ts: the built Worker on one
// workerd through Miniflare) and against `wrangler dev` (`npm run dev`, with its dev proxy in front),
// so the figures say what our server costs and what the dev tool adds.
//
// Usage: npm run bench:http   (env: BENCH_CLIENTS=50 BENCH_SECONDS=10 BENCH_CREATES=100 BENCH_INTERVAL_MS=200
//                              BENCH_SERVERS=start,wrangler BENCH_STORAGE_DIR=/tmp
//                              BENCH_PROFILE=/tmp/worker.cpuprofile)

import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../scripts/free-port.ts";
import { isMain } from "./is-main.ts";

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CREATES = Number(process.env.BENCH_CREATES ?? 100);
/**
 * Pause between one client's commands (from the start of one to the start of the next). The
 * default, 5 commands/s per client, is a very fast typist; the per-session limit (20/s) allows
 * down to 50 ms, which on two shared cores saturates `wrangler dev` itself (it serves about 500
 * trivial requests/s there), so latency then measures queueing, not the server.
 */
const COMMAND_INTERVAL_MS = Math.max(55, Number(process.env.BENCH_INTERVAL_MS ?? 200));
/** BENCH_PROFILE=<file.cpuprofile>: a V8 CPU profile of the Worker and its Durable Objects during the steady load (open it in Chrome DevTools), and its top functions printed; with two servers, `.<server>` goes before the extension. */
const PROFILE = process.env.BENCH_PROFILE;

/** `start`: `npm start`'s server, the bundle on one workerd, no dev proxy (`workerd` is another name for it). `wrangler`: `wrangler dev`, as `npm run dev` runs it. */
export type ServerKind = "start" | "wrangler";
const SERVER_ALIASES: Record<string, ServerKind> = { start: "start", workerd: "start", wrangler: "wrangler" };
const SERVER_NAMES: Record<ServerKind, string> = { start: "npm start (workerd, no dev proxy)", wrangler: "wrangler dev (npm run dev)" };
const SERVERS = (process.env.BENCH_SERVERS ?? "start,wrangler").split(",").map((s) => s.trim());

interface Ack {
  seq: number;
  command: string;
}

interface Client {
  id: string;
  key: string;
  acks: Ack[];
  /** Commands whose answer never came (the server stopped): they may or may not be stored. */
  unknown: string[];
}

const commandsFor = (n: number, i: number): string => {
  const name = `web-${n}-${Math.floor(i / 6)}`;
  switch (i % 6) {
    case 0:
      return `kubectl run ${name} --image=nginx`;
    case 1:
      return "kubectl get pods -o wide";
    case 2:
      return `kubectl expose pod ${name} --port 80 --type NodePort`;
    case 3:
      return "kubectl get svc";
    case 4:
      return `kubectl delete svc ${name}`;
    default:
      return `kubectl delete pod ${name}`;
  }
};

async function main(): Promise<void> {
  for (const name of SERVERS) if (!(name in SERVER_ALIASES)) throw new Error(`BENCH_SERVERS: unknown server ${name} (start, wrangler)`);
  mkdirSync("dist/web", { recursive: true });
  let ok = true;
  const kinds = SERVERS.map((name) => SERVER_ALIASES[name]);
  for (const kind of kinds) ok = (await benchServer(kind, PROFILE && kinds.length > 1 ? PROFILE.replace(/(\.cpuprofile)?$/, `.${kind}$1`) : PROFILE)) && ok;
  console.log(ok ? "http-bench: OK" : "http-bench: FAILED");
  process.exitCode = ok ? 0 : 1;
}

async function benchServer(kind: ServerKind, profileFile: string | undefined): Promise<boolean> {
  // BENCH_STORAGE_DIR=/dev/shm keeps the local Durable Object storage in memory (no disk syncs).
  const root = mkdtempSync(join(process.env.BENCH_STORAGE_DIR ?? tmpdir(), "http-bench-"));
  const storage = join(root, "state");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // The Worker is bundled once and served as built: `wrangler dev` would otherwise reload (and
  // fail requests in flight) whenever a source file changes while the benchmark runs.
  const bundle = join(root, "bundle");
  await runWrangler(["deploy", "--dry-run", "--outdir", bundle]);
  // A private copy of the page, for the same reason (the page may be rebuilt meanwhile).
  const assets = join(root, "assets");
  cpSync("dist/web", assets, { recursive: true });
  const files: ServerFiles = { kind, port, storage, bundle, assets };
  console.log(`\nhttp-bench: ${CLIENTS} clients, one command each every ${COMMAND_INTERVAL_MS} ms, ${SECONDS} s, ${SERVER_NAMES[kind]} on ${base}`);
  const inspectorPort = profileFile ? await freePort() : undefined;
  let server = await startServer(files, inspectorPort);
  try {
    // 1. Session create + first command: one visitor at a time, then CLIENTS at once.
    let createErrors = 0;
    const createAndAnswer = async (latencies: number[]) => {
      const t0 = performance.now();
      try {
        const created = await createSession(base);
        await postCommand(base, created.id, created.editKey, "kubectl get pods");
        latencies.push(performance.now() - t0);
      } catch (error) {
        createErrors++;
        console.error("create:", (error as Error).message);
      }
    };
    const alone: number[] = [];
    await pool(20, 1, () => createAndAnswer(alone));
    console.log(`session create + first command, one at a time: n=${alone.length} p50 ${ms(percentile(alone, 50))} p99 ${ms(percentile(alone, 99))}`);
    const together: number[] = [];
    await pool(CREATES, CLIENTS, () => createAndAnswer(together));
    console.log(`session create + first command, ${CLIENTS} at once: n=${together.length} p50 ${ms(percentile(together, 50))} p99 ${ms(percentile(together, 99))} errors ${createErrors}`);

    // 2. Steady load; first the same pacing against /healthz, the runtime's own floor.
    const clients = await Promise.all(Array.from({ length: CLIENTS }, async () => toClient(await createSession(base))));
    const floorUsageBefore = serverUsage(server);
    const floor = await baseline(base, Math.min(5000, SECONDS * 1000));
    const floorUsage = usageDelta(floorUsageBefore, serverUsage(server));
    const floorCost = floorUsage ? `; workerd CPU ${(floorUsage.workerdCpuMs / floor.length).toFixed(2)} ms per request` : "";
    console.log(`baseline GET /healthz at the same pacing: n=${floor.length} p50 ${ms(percentile(floor, 50))} p99 ${ms(percentile(floor, 99))}${floorCost}`);
    const usageBefore = serverUsage(server);
    const profiler = profileFile ? await startProfiler(inspectorPort) : undefined;
    const load = await drive(base, clients, SECONDS * 1000);
    const usage = usageDelta(usageBefore, serverUsage(server));
    if (profiler) await profiler.stop(profileFile!);
    const rate = load.latencies.length / SECONDS;
    console.log(
      `commands: n=${load.latencies.length} (${rate.toFixed(0)}/s) p50 ${ms(percentile(load.latencies, 50))} p99 ${ms(percentile(load.latencies, 99))} max ${ms(Math.max(...load.latencies))} errors ${load.errors}`,
    );
    // Latency on a shared machine measures the neighbours too; the server's own CPU time and disk
    // writes per command do not.
    if (usage) {
      const n = load.latencies.length;
      console.log(
        `server cost per command: workerd CPU ${(usage.workerdCpuMs / n).toFixed(2)} ms, all server processes ${(usage.cpuMs / n).toFixed(2)} ms, disk writes ${(usage.writeBytes / n / 1024).toFixed(1)} KB`,
      );
    }
    const verified = await verify(base, clients);
    console.log(`transcripts: ${verified.checked} acknowledged commands checked, ${verified.missing} missing or misplaced`);

    // 3. Restart in the middle of the load.
    const stopAfter = Math.min(3000, (SECONDS * 1000) / 2);
    const during = drive(base, clients, SECONDS * 1000, true);
    await sleep(stopAfter);
    await stopServer(server);
    const interrupted = await during;
    console.log(`restart: server stopped after ${stopAfter} ms of load; ${interrupted.latencies.length} commands acknowledged before, ${clients.reduce((n, c) => n + c.unknown.length, 0)} in flight`);
    const t0 = performance.now();
    server = await startServer(files);
    console.log(`restart: server ready again in ${ms(performance.now() - t0)}`);
    const afterRestart = await verify(base, clients);
    console.log(`restart: ${afterRestart.checked} acknowledged commands checked after restart, ${afterRestart.missing} missing or misplaced`);
    let continued = 0;
    for (const client of clients) {
      const reply = await postCommand(base, client.id, client.key, "kubectl get nodes");
      // In-flight commands may or may not have been applied before the stop; nothing else may be missing.
      const last = client.acks[client.acks.length - 1].seq;
      if (reply.seq > last && reply.seq <= last + 1 + client.unknown.length) continued++;
    }
    console.log(`restart: ${continued}/${clients.length} sessions carry on with the next seq`);
    return createErrors === 0 && load.errors === 0 && verified.missing === 0 && afterRestart.missing === 0 && continued === clients.length;
  } finally {
    await stopServer(server);
    rmSync(root, { recursive: true, force: true });
  }
}

function toClient(created: { id: string; editKey: string }): Client {
  return { id: created.id, key: created.editKey, acks: [], unknown: [] };
}

/** Every client types commands back to back (paced to the rate limit) until the time is up. */
async function drive(base: string, clients: Client[], durationMs: number, tolerateStop = false): Promise<{ latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  let stopped = false;
  const end = performance.now() + durationMs;
  await Promise.all(
    clients.map(async (client, n) => {
      let i = client.acks.length + client.unknown.length;
      // Visitors do not type in step: each starts at a random point of the interval.
      await sleep(Math.random() * COMMAND_INTERVAL_MS);
      while (performance.now() < end && !stopped) {
        const command = commandsFor(n, i++);
        const t0 = performance.now();
        try {
          const reply = await postCommand(base, client.id, client.key, command);
          latencies.push(performance.now() - t0);
          client.acks.push({ seq: reply.seq, command });
        } catch (error) {
          if (tolerateStop) {
            client.unknown.push(command);
            stopped = true;
            return;
          }
          errors++;
          if (errors <= 5) console.error("command:", (error as Error).message);
        }
        const wait = COMMAND_INTERVAL_MS - (performance.now() - t0);
        if (wait > 0) await sleep(wait);
      }
    }),
  );
  return { latencies, errors };
}

/** The same clients and pacing against /healthz: what the server costs before any session work. */
async function baseline(base: string, durationMs: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      await sleep(Math.random() * COMMAND_INTERVAL_MS);
      while (performance.now() < end) {
        const t0 = performance.now();
        const response = await fetch(`${base}/healthz`);
        await response.arrayBuffer();
        latencies.push(performance.now() - t0);
        const wait = COMMAND_INTERVAL_MS - (performance.now() - t0);
        if (wait > 0) await sleep(wait);
      }
    }),
  );
  return latencies;
}

async function verify(base: string, clients: Client[]): Promise<{ checked: number; missing: number }> {
  let checked = 0;
  let missing = 0;
  await pool(clients.length, 10, async (i) => {
    const client = clients[i];
    const response = await fetch(`${base}/api/sessions/${client.id}`);
    const view = (await response.json()) as { transcript: Array<{ seq: number; command: string }> };
    const bySeq = new Map(view.transcript.map((e) => [e.seq, e.command]));
    const seqs = view.transcript.map((e) => e.seq);
    if (seqs.some((seq, k) => k > 0 && seq !== seqs[k - 1] + 1)) missing++;
    for (const ack of client.acks) {
      checked++;
      if (bySeq.get(ack.seq) !== ack.command) missing++;
    }
  });
  return { checked, missing };
}

// The bench plays many learners, each from an address of their own: new sessions are limited per client
// address (60 a minute), which one process creating hundreds would otherwise exhaust. Locally the Worker reads
// the address from CF-Connecting-IP when a client sends it (on Cloudflare the edge sets it); these are
// documentation-prefix IPv6 addresses, one /64 each, only ever written in a header.
let learners = 0;

async function createSession(base: string): Promise<{ id: string; editKey: string }> {
  const address = `2001:db8:${(++learners).toString(16)}::1`;
  const response = await fetch(`${base}/api/sessions`, { method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": address }, body: "{}" });
  if (response.status !== 201) throw new Error(`create: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; editKey: string };
}

async function postCommand(base: string, id: string, key: string, command: string): Promise<{ seq: number }> {
  const response = await fetch(`${base}/api/sessions/${id}/commands`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${key}` },
    body: JSON.stringify({ command }),
  });
  if (response.status !== 200) throw new Error(`command: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as { seq: number };
}

const WRANGLER = ["--no-warnings", "--experimental-vm-modules", "node_modules/wrangler/wrangler-dist/cli.js"];
const WRANGLER_ENV = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };

export function runWrangler(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...WRANGLER, ...args], { env: WRANGLER_ENV, stdio: ["ignore", "ignore", "inherit"] });
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`wrangler ${args[0]} exited with ${code}`))));
  });
}

export interface ServerFiles {
  kind: ServerKind;
  port: number;
  /** Local Durable Object storage, kept across a restart. */
  storage: string;
  /** The Worker as `wrangler deploy --dry-run` built it. */
  bundle: string;
  assets: string;
}

function serverArgs({ kind, port, storage, bundle, assets }: ServerFiles, inspectorPort?: number): string[] {
  const inspector = inspectorPort === undefined ? [] : ["--inspector-port", String(inspectorPort)];
  if (kind === "start") return ["--no-warnings", "--import", "tsx", "scripts/start.ts", "--port", String(port), "--persist-to", storage, "--bundle", bundle, "--assets", assets, ...inspector];
  const script = join(bundle, "index.js");
  return [...WRANGLER, "dev", script, "--config", "wrangler.toml", "--assets", assets, "--no-bundle", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", storage, "--log-level", process.env.BENCH_LOG_LEVEL ?? "warn", ...inspector];
}

export async function startServer(files: ServerFiles, inspectorPort?: number): Promise<ChildProcess> {
  const { kind, port } = files;
  const child = spawn(process.execPath, serverArgs(files, inspectorPort), {
    env: WRANGLER_ENV,
    stdio: ["ignore", process.env.BENCH_LOG_LEVEL ? "inherit" : "ignore", "inherit"],
    detached: true,
  });
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${SERVER_NAMES[kind]} exited with ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return child;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`${SERVER_NAMES[kind]} did not become ready within 60 s`);
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // The group holds wrangler and the workerd it started; nothing else.
  process.kill(-child.pid, "SIGTERM");
  const timeout = sleep(10_000).then(() => {
    if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  });
  await Promise.race([exited, timeout]);
  await exited;
}

/** Connects to the server's inspector and starts V8's sampling profiler in the Worker's isolate. */
async function startProfiler(port: number | undefined): Promise<{ stop(file: string): Promise<void> }> {
  // `ws` comes with wrangler's dependencies (Node 20 has no WebSocket client); it has no types here.
  const wsModule: string = "ws";
  const { default: WebSocket } = (await import(wsModule)) as { default: new (url: string) => InspectorSocket };
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as Array<{ webSocketDebuggerUrl: string; title?: string }>;
  const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  let nextId = 0;
  const call = (method: string, params: object = {}) =>
    new Promise<{ result?: unknown }>((resolve) => {
      const id = ++nextId;
      const onMessage = (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
        if (message.id !== id) return;
        socket.off("message", onMessage);
        resolve(message);
      };
      socket.on("message", onMessage);
      socket.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 200 });
  await call("Profiler.start");
  return {
    async stop(file: string) {
      const { result } = await call("Profiler.stop");
      const profile = (result as { profile: CpuProfile }).profile;
      writeFileSync(file, JSON.stringify(profile));
      socket.close();
      printProfile(profile, file);
    },
  };
}

interface InspectorSocket {
  once(event: "open" | "error", listener: (value: unknown) => void): InspectorSocket;
  on(event: "message", listener: (data: Buffer) => void): void;
  off(event: "message", listener: (data: Buffer) => void): void;
  send(text: string): void;
  close(): void;
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function and total time per function (inclusive), top entries. */
function printProfile(profile: CpuProfile, file: string): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  const label = (id: number) => {
    const frame = byId.get(id)!.callFrame;
    return `${frame.functionName || "(anonymous)"} ${frame.url.split("/").pop()}:${frame.lineNumber + 1}`;
  };
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    all += us;
    self.set(label(id), (self.get(label(id)) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = label(at);
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + us);
    }
  });
  const top = (map: Map<string, number>, n: number) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, us]) => `  ${((100 * us) / all).toFixed(1).padStart(5)}%  ${name}`).join("\n");
  console.log(`profile: ${file} (${(all / 1000).toFixed(0)} ms sampled)\nself time:\n${top(self, 25)}\ninclusive time:\n${top(total, 40)}`);
}

interface Usage {
  cpuMs: number;
  workerdCpuMs: number;
  writeBytes: number;
}

/** CPU time and bytes written to disk by the server's process group (Linux /proc; undefined elsewhere). */
function serverUsage(child: ChildProcess): Usage | undefined {
  if (child.pid === undefined || !existsSync("/proc/self/stat")) return undefined;
  const tick = 10; // ms per clock tick (USER_HZ is 100 on Linux)
  const usage: Usage = { cpuMs: 0, workerdCpuMs: 0, writeBytes: 0 };
  for (const entry of readdirSync("/proc")) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name, which is in parentheses and may contain spaces.
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== child.pid) continue; // process group
      const cpu = (Number(fields[11]) + Number(fields[12])) * tick;
      usage.cpuMs += cpu;
      if (name.startsWith("workerd")) usage.workerdCpuMs += cpu;
      const io = /^write_bytes: ([0-9]+)$/m.exec(readFileSync(`/proc/${entry}/io`, "utf8"));
      if (io) usage.writeBytes += Number(io[1]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return usage;
}

function usageDelta(before: Usage | undefined, after: Usage | undefined): Usage | undefined {
  if (!before || !after) return undefined;
  return { cpuMs: after.cpuMs - before.cpuMs, workerdCpuMs: after.workerdCpuMs - before.workerdCpuMs, writeBytes: after.writeBytes - before.writeBytes };
}

async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

function sleep(msToWait: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, msToWait));
}

if (isMain(import.meta.url)) await main();
