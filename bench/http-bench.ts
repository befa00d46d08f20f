// HTTP load test of the whole server: starts it on a free loopback port with its own local
// storage, then
//   1. creates sessions and times session-create + first command (goal p50 < 10 ms);
//   2. drives CLIENTS concurrent clients, one session each, for SECONDS, each working through the
//      mix (CYCLE: a manifest written with a heredoc and applied with `kubectl apply -f`, get,
//      describe, curl to a NodePort, `kubectl edit` and the editor's save, the session's Kubernetes
//      API as a learner's own kubectl uses it: a Table list, a create, a strategic patch; `kubectl
//      delete -f`) as fast as the per-session rate limit allows, with exams started, read and
//      finished (graded) beside them, one every BENCH_EXAM_INTERVAL_MS; times every request, per
//      kind (goal p99 < 25 ms, 0 errors);
//   3. checks that every acknowledged command (and editor save) is in its session's transcript,
//      exactly once, at the seq it was acknowledged with, every acknowledged API write is stored,
//      and every graded exam keeps its report;
//   4. measures what each kind of request costs the server (workerd CPU, disk writes), each kind
//      alone;
//   5. restart test: load again, stop the server in the middle, start it on the same storage and
//      check every acknowledged request again (and that the sessions carry on).
//
// It does all of that twice: against `npm start`'s server (scripts/start.ts: the built Worker on one
// workerd through Miniflare) and against `wrangler dev` (`npm run dev`, with its dev proxy in front),
// so the figures say what our server costs and what the dev tool adds.
//
// Usage: npm run bench:http   (env: BENCH_CLIENTS=50 BENCH_SECONDS=10 BENCH_CREATES=100 BENCH_INTERVAL_MS=200
//                              BENCH_EXAM_INTERVAL_MS=1000 BENCH_SERVERS=start,wrangler BENCH_STORAGE_DIR=/tmp
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

/** What a client's request was, for the per-kind figures: the README's mix, one line each. */
export type RequestKind =
  | "write file (cat <<EOF >)"
  | "kubectl apply -f FILE"
  | "kubectl get"
  | "kubectl describe"
  | "curl NODE:PORT"
  | "kubectl edit (opens editor)"
  | "editor save"
  | "API list (Table)"
  | "API create (POST)"
  | "API patch (strategic)"
  | "kubectl delete -f FILE";

interface Ack {
  seq: number;
  command: string;
}

/** An API write whose answer came: the ConfigMap must exist after a restart, patched if the patch was acknowledged. */
interface ApiWrite {
  name: string;
  patched: boolean;
}

interface Client {
  n: number;
  id: string;
  key: string;
  /** Steps of the cycle done (or tried) so far: the next step is cycle step `step % CYCLE.length`. */
  step: number;
  acks: Ack[];
  apiWrites: Map<string, ApiWrite>;
  /** The token of the editor the last `kubectl edit` opened, until its save. */
  editor?: { token: string; content: string };
  /** Requests whose answer never came (the server stopped): they may or may not be stored. */
  unknown: string[];
}

/** One step of a client's cycle: sends its request and records what the server acknowledged. */
interface Step {
  kind: RequestKind;
  run(base: string, client: Client, cycle: number): Promise<void>;
}

/** The Deployment and NodePort Service a client writes to a file and applies, one pair per cycle. */
function manifest(name: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    app: ${name}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: nginx
        image: nginx
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  type: NodePort
  selector:
    app: ${name}
  ports:
  - port: 80
    nodePort: 30080
`;
}

const webName = (client: Client, cycle: number) => `web-${client.n}-${cycle}`;
const apiName = (client: Client, cycle: number) => `api-${client.n}-${cycle}`;

/** A console command whose answer is acknowledged with its seq (checked against the transcript later). */
const consoleStep = (kind: RequestKind, line: (client: Client, cycle: number) => string): Step => ({
  kind,
  async run(base, client, cycle) {
    const command = line(client, cycle);
    const reply = await postCommand(base, client.id, client.key, command);
    client.acks.push({ seq: reply.seq, command });
  },
});

/**
 * What one learner does, over and over: writes a manifest with a heredoc and applies it, looks at
 * it from the console and through the session's Kubernetes API (as their own kubectl would), edits
 * the Deployment in the console's editor, creates and patches a ConfigMap through the API, reaches
 * the app through its NodePort, and deletes what the file made. Exams come beside it (examLoop).
 */
export const CYCLE: Step[] = [
  consoleStep("write file (cat <<EOF >)", (client, cycle) => `cat <<EOF > web.yaml\n${manifest(webName(client, cycle))}EOF`),
  consoleStep("kubectl apply -f FILE", () => "kubectl apply -f web.yaml"),
  consoleStep("kubectl get", () => "kubectl get pods -o wide"),
  {
    kind: "API list (Table)",
    async run(base, client) {
      // What `kubectl get pods` sends (get.go's transformRequests asks for a Table, v1 then v1beta1).
      await kubeApi(base, client, "GET", "/api/v1/namespaces/default/pods?limit=500", { Accept: TABLE_ACCEPT }, undefined, 200);
    },
  },
  consoleStep("kubectl describe", (client, cycle) => `kubectl describe svc ${webName(client, cycle)}`),
  consoleStep("curl NODE:PORT", () => "curl -s -o /dev/null -w '%{http_code}\\n' node01:30080"),
  {
    kind: "kubectl edit (opens editor)",
    async run(base, client, cycle) {
      const command = `kubectl edit deploy ${webName(client, cycle)}`;
      const reply = await postCommand(base, client.id, client.key, command);
      client.acks.push({ seq: reply.seq, command });
      if (!reply.edit) throw new Error(`${command}: no editor opened (exit ${reply.exitCode}: ${reply.output})`);
      client.editor = reply.edit;
    },
  },
  {
    kind: "editor save",
    async run(base, client, cycle) {
      const open = client.editor;
      if (!open) throw new Error("editor save: no editor open");
      // The page's editor sends the whole text back; one more replica, as a learner would type it.
      const content = open.content.replace(/^  replicas: 1$/m, "  replicas: 2");
      if (content === open.content) throw new Error("editor save: the Deployment's text has no 'replicas: 1' line");
      const reply = await postJson<CommandReply>(base, `/api/sessions/${client.id}/commands`, { editor: { token: open.token, content } }, client.key);
      client.editor = undefined;
      client.acks.push({ seq: reply.seq, command: `kubectl edit deploy ${webName(client, cycle)}` });
      if (reply.edit) throw new Error(`editor save: the editor reopened: ${reply.edit.message ?? reply.output}`);
    },
  },
  {
    kind: "API create (POST)",
    async run(base, client, cycle) {
      const name = apiName(client, cycle);
      // As `kubectl create -f cm.json` (1.27-1.31, JSON) sends it.
      const body = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default" }, data: { step: "created" } });
      await kubeApi(base, client, "POST", "/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create&fieldValidation=Strict", { "Content-Type": "application/json" }, body, 201);
      client.apiWrites.set(name, { name, patched: false });
    },
  },
  {
    kind: "API patch (strategic)",
    async run(base, client, cycle) {
      const name = apiName(client, cycle);
      // As `kubectl patch cm NAME -p '{"data":{"step":"patched"}}'` sends it (strategic merge is its default).
      const path = `/api/v1/namespaces/default/configmaps/${name}?fieldManager=kubectl-patch`;
      await kubeApi(base, client, "PATCH", path, { "Content-Type": "application/strategic-merge-patch+json" }, JSON.stringify({ data: { step: "patched" } }), 200);
      const write = client.apiWrites.get(name);
      if (write) write.patched = true;
    },
  },
  consoleStep("kubectl get", () => "kubectl get deploy,svc"),
  consoleStep("kubectl delete -f FILE", () => "kubectl delete -f web.yaml"),
];

const TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
const USER_AGENT = "kubectl/v1.33.0 (linux/amd64) kubernetes/8adc0f0";

/** The exam every examinee starts (exams/warm-up.yaml). */
const EXAM = "warm-up";
/** Exams started a second across all clients: grading is rarer than typing. */
const EXAM_INTERVAL_MS = Number(process.env.BENCH_EXAM_INTERVAL_MS ?? 1000);

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
  console.log(`\nhttp-bench: ${CLIENTS} clients, one request each every ${COMMAND_INTERVAL_MS} ms (a cycle of ${CYCLE.length}), an exam started every ${EXAM_INTERVAL_MS} ms, ${SECONDS} s, ${SERVER_NAMES[kind]} on ${base}`);
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
    let clients: Client[];
    try {
      clients = await Promise.all(Array.from({ length: CLIENTS }, async (_, n) => toClient(n, await createSession(base))));
    } catch (error) {
      // Seen on a saturated machine: the server closes connections while sessions are created.
      console.error(`creating the load's ${CLIENTS} sessions failed: ${(error as Error).message}`);
      return false;
    }
    const floorUsageBefore = serverUsage(server);
    const floor = await baseline(base, Math.min(5000, SECONDS * 1000));
    const floorUsage = usageDelta(floorUsageBefore, serverUsage(server));
    const floorCost = floorUsage ? `; workerd CPU ${(floorUsage.workerdCpuMs / floor.length).toFixed(2)} ms per request` : "";
    console.log(`baseline GET /healthz at the same pacing: n=${floor.length} p50 ${ms(percentile(floor, 50))} p99 ${ms(percentile(floor, 99))}${floorCost}`);
    const usageBefore = serverUsage(server);
    const profiler = profileFile ? await startProfiler(inspectorPort) : undefined;
    const exams: Examinee[] = [];
    const [load, examLoad] = await Promise.all([drive(base, clients, SECONDS * 1000), examLoop(base, exams, SECONDS * 1000)]);
    const usage = usageDelta(usageBefore, serverUsage(server));
    if (profiler) await profiler.stop(profileFile!);
    const all = load.all();
    const rate = all.length / SECONDS;
    console.log(`requests of the mix: n=${all.length} (${rate.toFixed(0)}/s) p50 ${ms(percentile(all, 50))} p99 ${ms(percentile(all, 99))} max ${ms(Math.max(...all))} errors ${load.errors + examLoad.errors}`);
    for (const [name, latencies] of [...load.byKind, ...examLoad.byKind]) {
      console.log(`  ${name.padEnd(28)} n=${String(latencies.length).padStart(5)} p50 ${ms(percentile(latencies, 50)).padStart(9)} p99 ${ms(percentile(latencies, 99)).padStart(9)}`);
    }
    // Latency on a shared machine measures the neighbours too; the server's own CPU time and disk
    // writes per request do not. (Exams run beside the mix and are counted in it here; their own
    // cost is in the per-kind figures below.)
    if (usage) {
      const n = all.length + examLoad.requests;
      console.log(
        `server cost per request (mix and exams): workerd CPU ${(usage.workerdCpuMs / n).toFixed(2)} ms, all server processes ${(usage.cpuMs / n).toFixed(2)} ms, disk writes ${(usage.writeBytes / n / 1024).toFixed(1)} KB`,
      );
    }
    const verified = await verify(base, clients, exams);
    console.log(`transcripts: ${verified.checked} acknowledged commands, API writes and exam reports checked, ${verified.missing} missing or misplaced`);

    // 3. What each kind of request costs the server: every client does the same step of its cycle
    // at once (no other load), so the CPU and disk writes between two steps are that kind's.
    const { costs, errors: costErrors } = await costPerKind(base, server, clients, exams);
    console.log("server cost per request of each kind, with nothing else running (each client the same step at once):");
    for (const [name, cost] of costs) {
      console.log(`  ${name.padEnd(28)} n=${String(cost.n).padStart(5)} workerd CPU ${(cost.cpuMs / cost.n).toFixed(2).padStart(6)} ms, disk writes ${(cost.writtenKb / cost.n).toFixed(1).padStart(7)} KB`);
    }
    // The mix's own figure (the goal's "CPU per command on the bench mix"): its kinds as often as the cycle has them.
    const mix = CYCLE.reduce((sum, step) => { const cost = costs.get(step.kind); return cost ? { cpuMs: sum.cpuMs + cost.cpuMs / cost.n, writtenKb: sum.writtenKb + cost.writtenKb / cost.n } : sum; }, { cpuMs: 0, writtenKb: 0 });
    console.log(`  the mix, per request (its cycle of ${CYCLE.length}) workerd CPU ${(mix.cpuMs / CYCLE.length).toFixed(2)} ms, disk writes ${(mix.writtenKb / CYCLE.length).toFixed(1)} KB`);

    // 4. Restart in the middle of the load.
    const stopAfter = Math.min(3000, (SECONDS * 1000) / 2);
    const during = Promise.all([drive(base, clients, SECONDS * 1000, true), examLoop(base, exams, SECONDS * 1000, true)]);
    await sleep(stopAfter);
    await stopServer(server);
    const [interrupted] = await during;
    console.log(`restart: server stopped after ${stopAfter} ms of load; ${interrupted.all().length} requests acknowledged before, ${clients.reduce((n, c) => n + c.unknown.length, 0)} in flight`);
    const t0 = performance.now();
    server = await startServer(files);
    console.log(`restart: server ready again in ${ms(performance.now() - t0)}`);
    const afterRestart = await verify(base, clients, exams);
    console.log(`restart: ${afterRestart.checked} acknowledged commands, API writes and exam reports checked after restart, ${afterRestart.missing} missing or misplaced`);
    let continued = 0;
    for (const client of clients) {
      // A stop between `kubectl edit` and its save leaves the editor open: the learner cancels it first.
      const cancelled = await cancelOpenEditor(base, client);
      const reply = await postCommand(base, client.id, client.key, "kubectl get nodes");
      // In-flight requests may or may not have been applied before the stop; nothing else may be missing.
      const last = client.acks[client.acks.length - 1].seq;
      if (reply.seq > last && reply.seq <= last + 1 + client.unknown.length + cancelled) continued++;
      else console.error(`restart: session ${client.n} answered seq ${reply.seq} after its last acknowledged ${last}, with ${client.unknown.length} request(s) in flight (${client.unknown.join(", ")}) and ${cancelled} editor cancelled`);
    }
    console.log(`restart: ${continued}/${clients.length} sessions carry on with the next seq`);
    return createErrors === 0 && load.errors === 0 && costErrors === 0 && examLoad.errors === 0 && verified.missing === 0 && afterRestart.missing === 0 && continued === clients.length;
  } finally {
    await stopServer(server);
    rmSync(root, { recursive: true, force: true });
  }
}

function toClient(n: number, created: { id: string; editKey: string }): Client {
  return { n, id: created.id, key: created.editKey, step: 0, acks: [], apiWrites: new Map(), unknown: [] };
}

class Latencies {
  readonly byKind = new Map<string, number[]>();
  errors = 0;
  add(kind: string, latency: number): void {
    const list = this.byKind.get(kind);
    if (list) list.push(latency);
    else this.byKind.set(kind, [latency]);
  }
  all(): number[] {
    return [...this.byKind.values()].flat();
  }
}

/** Every client works through its cycle (paced to the rate limit) until the time is up. */
async function drive(base: string, clients: Client[], durationMs: number, tolerateStop = false): Promise<Latencies> {
  const latencies = new Latencies();
  let stopped = false;
  const end = performance.now() + durationMs;
  await Promise.all(
    clients.map(async (client) => {
      // Visitors do not type in step: each starts at a random point of the interval.
      await sleep(Math.random() * COMMAND_INTERVAL_MS);
      while (performance.now() < end && !stopped) {
        const cycle = Math.floor(client.step / CYCLE.length);
        const step = CYCLE[client.step++ % CYCLE.length];
        const t0 = performance.now();
        try {
          await step.run(base, client, cycle);
          latencies.add(step.kind, performance.now() - t0);
        } catch (error) {
          if (tolerateStop && error instanceof NoAnswer) {
            client.unknown.push(step.kind);
            stopped = true;
            return;
          }
          latencies.errors++;
          if (latencies.errors <= 5) console.error(`${step.kind}:`, (error as Error).message);
        }
        const wait = COMMAND_INTERVAL_MS - (performance.now() - t0);
        if (wait > 0) await sleep(wait);
      }
    }),
  );
  return latencies;
}

/** A learner taking the exam: started, graded (finish), and the report the server answered. */
interface Examinee {
  id: string;
  key: string;
  /** The finish's report, once acknowledged: a restart must keep it. */
  score?: number;
}

/**
 * Exams beside the mix: every EXAM_INTERVAL_MS a learner starts the exam (a new session, its setup
 * run), reads it, types one command and finishes it, which grades it; the report must survive.
 */
async function examLoop(base: string, exams: Examinee[], durationMs: number, tolerateStop = false): Promise<Latencies & { requests: number }> {
  const latencies = Object.assign(new Latencies(), { requests: 0 });
  const end = performance.now() + durationMs;
  const running: Array<Promise<void>> = [];
  let stopped = false;
  const timed = async <T>(kind: string, request: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    latencies.requests++;
    const value = await request();
    latencies.add(kind, performance.now() - t0);
    return value;
  };
  const take = async () => {
    try {
      const started = await timed("exam: start (new session)", () => createSession(base, { exam: EXAM }));
      const examinee: Examinee = { id: started.id, key: started.editKey };
      exams.push(examinee);
      await timed("exam: read", () => getJson(base, `/api/sessions/${started.id}/exam`));
      await timed("exam: command", () => postCommand(base, started.id, started.editKey, "kubectl get pods -A"));
      const report = await timed("exam: finish (grades)", () => postJson<{ score: number }>(base, `/api/sessions/${started.id}/exam/finish`, {}, started.editKey));
      examinee.score = report.score;
    } catch (error) {
      if (tolerateStop && error instanceof NoAnswer) {
        stopped = true;
        return;
      }
      latencies.errors++;
      if (latencies.errors <= 5) console.error("exam:", (error as Error).message);
    }
  };
  await sleep(Math.random() * EXAM_INTERVAL_MS);
  while (performance.now() < end && !stopped) {
    running.push(take());
    await sleep(EXAM_INTERVAL_MS);
  }
  await Promise.all(running);
  return latencies;
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

/**
 * Every acknowledged request is stored: each command (and editor save) in its session's transcript
 * at its seq, exactly once; each ConfigMap the API created, with the patch when that was
 * acknowledged; each graded exam's report, with its score.
 */
async function verify(base: string, clients: Client[], exams: Examinee[]): Promise<{ checked: number; missing: number }> {
  let checked = 0;
  let missing = 0;
  await pool(clients.length, 10, async (i) => {
    const client = clients[i];
    const view = await getJson<{ transcript: Array<{ seq: number; command: string }> }>(base, `/api/sessions/${client.id}`);
    const bySeq = new Map(view.transcript.map((e) => [e.seq, e.command]));
    const seqs = view.transcript.map((e) => e.seq);
    if (seqs.some((seq, k) => k > 0 && seq !== seqs[k - 1] + 1)) missing++;
    for (const ack of client.acks) {
      checked++;
      if (bySeq.get(ack.seq) !== ack.command) missing++;
    }
    if (client.apiWrites.size === 0) return;
    const list = await kubeApi(base, client, "GET", "/api/v1/namespaces/default/configmaps", { Accept: "application/json" }, undefined, 200);
    const stored = new Map((JSON.parse(list) as { items: Array<{ metadata: { name: string }; data?: Record<string, string> }> }).items.map((cm) => [cm.metadata.name, cm.data?.step]));
    for (const write of client.apiWrites.values()) {
      checked++;
      const step = stored.get(write.name);
      if (step === undefined || (write.patched && step !== "patched")) missing++;
    }
  });
  await pool(exams.length, 10, async (i) => {
    const examinee = exams[i];
    if (examinee.score === undefined) return;
    checked++;
    const view = await getJson<{ finished: boolean; report?: { score: number } }>(base, `/api/sessions/${examinee.id}/exam`);
    if (!view.finished || view.report?.score !== examinee.score) missing++;
  });
  return { checked, missing };
}

interface Cost {
  n: number;
  cpuMs: number;
  writtenKb: number;
}

/**
 * CPU and disk writes per request of each kind, with nothing else running: all clients take the
 * next step of their cycle together (each kind is one or two steps of the cycle), for at least two
 * whole cycles (about 100 requests a kind), then a few exams are started and finished one after
 * another. /proc's clock ticks are 10 ms, so the figures are sums over many requests.
 */
async function costPerKind(base: string, server: ChildProcess, clients: Client[], exams: Examinee[]): Promise<{ costs: Map<string, Cost>; errors: number }> {
  const costs = new Map<string, Cost>();
  const add = (kind: string, n: number, before: Usage | undefined, after: Usage | undefined) => {
    const delta = usageDelta(before, after);
    if (!delta) return;
    const cost = costs.get(kind) ?? { n: 0, cpuMs: 0, writtenKb: 0 };
    cost.n += n;
    cost.cpuMs += delta.workerdCpuMs;
    cost.writtenKb += delta.writeBytes / 1024;
    costs.set(kind, cost);
  };
  let errors = 0;
  const runStep = async (client: Client) => {
    const step = CYCLE[client.step % CYCLE.length];
    const cycle = Math.floor(client.step++ / CYCLE.length);
    try {
      await step.run(base, client, cycle);
    } catch (error) {
      if (++errors <= 5) console.error(`${step.kind}:`, (error as Error).message);
    }
  };
  // Each client finishes the cycle under way (not counted), so that all are at its first step.
  await pool(clients.length, clients.length, async (i) => {
    while (clients[i].step % CYCLE.length !== 0) await runStep(clients[i]);
  });
  // At least two cycles, and about 100 requests of each kind: a tick of /proc's clock is 10 ms.
  const cycles = Math.max(2, Math.ceil(100 / clients.length));
  for (let k = 0; k < cycles * CYCLE.length; k++) {
    const before = serverUsage(server);
    await pool(clients.length, clients.length, (i) => runStep(clients[i]));
    add(CYCLE[k % CYCLE.length].kind, clients.length, before, serverUsage(server));
  }
  for (let i = 0; i < 5; i++) {
    let before = serverUsage(server);
    const started = await createSession(base, { exam: EXAM });
    add("exam: start (new session)", 1, before, serverUsage(server));
    const examinee: Examinee = { id: started.id, key: started.editKey };
    exams.push(examinee);
    before = serverUsage(server);
    examinee.score = (await postJson<{ score: number }>(base, `/api/sessions/${started.id}/exam/finish`, {}, started.editKey)).score;
    add("exam: finish (grades)", 1, before, serverUsage(server));
  }
  return { costs, errors };
}

/** Cancels the editor a client's `kubectl edit` left open (its token from the session's read); 1 when it did. */
async function cancelOpenEditor(base: string, client: Client): Promise<number> {
  const view = await getJson<{ edit?: { token: string } }>(base, `/api/sessions/${client.id}`, client.key);
  if (!view.edit) return 0;
  await postJson(base, `/api/sessions/${client.id}/commands`, { editor: { token: view.edit.token, cancel: true } }, client.key);
  client.editor = undefined;
  return 1;
}

// The bench plays many learners, each from an address of their own: new sessions are limited per client
// address (60 a minute), which one process creating hundreds would otherwise exhaust. Locally the Worker reads
// the address from CF-Connecting-IP when a client sends it (on Cloudflare the edge sets it); these are
// documentation-prefix IPv6 addresses, one /64 each, only ever written in a header.
let learners = 0;

/** The server did not answer (it stopped): the request may or may not have been applied. */
class NoAnswer extends Error {}

/** fetch, with a failure to get any answer told apart from an answer the bench did not expect. */
async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw new NoAnswer((error as Error).message);
  }
}

async function createSession(base: string, body: Record<string, unknown> = {}): Promise<{ id: string; editKey: string }> {
  const address = `2001:db8:${(++learners).toString(16)}::1`;
  const response = await send(`${base}/api/sessions`, { method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": address }, body: JSON.stringify(body) });
  if (response.status !== 201) throw new Error(`create: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; editKey: string };
}

interface CommandReply {
  seq: number;
  output: string;
  exitCode: number;
  edit?: { token: string; content: string; message?: string };
}

async function postJson<T>(base: string, path: string, body: unknown, key?: string): Promise<T> {
  const response = await send(base + path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(key === undefined ? {} : { Authorization: `Bearer ${key}` }) },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`POST ${path.replace(/\/sessions\/[^/]+/, "/sessions/ID")}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function getJson<T>(base: string, path: string, key?: string): Promise<T> {
  const response = await send(base + path, { headers: key === undefined ? {} : { Authorization: `Bearer ${key}` } });
  if (response.status !== 200) throw new Error(`GET ${path.replace(/\/sessions\/[^/]+/, "/sessions/ID")}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

function postCommand(base: string, id: string, key: string, command: string): Promise<CommandReply> {
  return postJson<CommandReply>(base, `/api/sessions/${id}/commands`, { command }, key);
}

/** A request to the session's Kubernetes API with the edit key as token, as the editor's kubeconfig makes kubectl send it; its body text. */
async function kubeApi(base: string, client: Client, method: string, path: string, headers: Record<string, string>, body: string | undefined, status: number): Promise<string> {
  const response = await send(`${base}/api/sessions/${client.id}/k8s${path}`, {
    method,
    headers: { Authorization: `Bearer ${client.key}`, "User-Agent": USER_AGENT, ...headers },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  if (response.status !== status) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return text;
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

/** A server as `npm start` runs it, started by startBuiltServer: its process, its address, and its files' directory. */
export interface BuiltServer {
  child: ChildProcess;
  port: number;
  base: string;
  /** The throwaway directory holding the bundle, the page's copy and the storage. */
  root: string;
}

/**
 * Builds the Worker as wrangler deploys it and starts it as `npm start` does, in a throwaway
 * directory named after `name` (under BENCH_STORAGE_DIR when set): the bundle and a private copy
 * of the page, so neither a source change nor a rebuild of dist/web touches it while it runs.
 */
export async function startBuiltServer(name: string, inspectorPort?: number): Promise<BuiltServer> {
  const root = mkdtempSync(join(process.env.BENCH_STORAGE_DIR ?? tmpdir(), `${name}-`));
  try {
    // The page need not be built: the server only needs the directory.
    mkdirSync("dist/web", { recursive: true });
    const bundle = join(root, "bundle");
    await runWrangler(["deploy", "--dry-run", "--outdir", bundle]);
    const assets = join(root, "assets");
    cpSync("dist/web", assets, { recursive: true });
    const port = await freePort();
    const child = await startServer({ kind: "start", port, storage: join(root, "state"), bundle, assets }, inspectorPort);
    return { child, port, base: `http://127.0.0.1:${port}`, root };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

/** Stops a server startBuiltServer started and removes its directory. */
export async function stopBuiltServer(server: BuiltServer): Promise<void> {
  await stopServer(server.child);
  rmSync(server.root, { recursive: true, force: true });
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
export async function startProfiler(port: number | undefined): Promise<{ stop(file: string): Promise<void> }> {
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
