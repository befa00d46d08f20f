// The CPU one request costs workerd on `npm start`'s server (one workerd, no dev proxy): the
// workerd process's user + system time (/proc, Linux) around REPS requests of each kind, one after
// another. Unlike wall-clock latency it hardly moves with the machine's load, so it says where the
// shared thread goes under an attack: a bare request (/healthz), a wrong key, a new session and its
// first command (with the bytes written to disk for each), kubectl get svc, the
// attack commands of issue 23 (each in a fresh session) and a refused (429) command.
// Usage: npx tsx bench/request-cpu.ts   (env: REPS=30; /proc's clock ticks are 10 ms, so use enough)
// test/bench/request-cpu.test.ts asserts bounds on the same figures (in `npm test`).

import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { type BuiltServer, startBuiltServer, stopBuiltServer } from "./http-bench.ts";
import { isMain } from "./is-main.ts";

const HEAVY_LOOP = "for i in {1..1000}; do seq 100000 | grep -c 9; done";
export const LINES: Record<string, string> = {
  "kubectl get svc": "kubectl get svc",
  "doubling string": "A=x; for i in {1..40}; do A=$A$A; done",
  "heavy loop": HEAVY_LOOP,
  "three pipelines": "for i in {1..1000}; do seq 100000 | grep -c 9; seq 100000 | grep -c 8; seq 100000 | grep -c 7; done",
  "doubling with spaces, echoed": 'A=x; for i in {1..40}; do A="$A $A"; done; echo $A',
};

interface Session {
  id: string;
  editKey: string;
}

/** The pids under `pid` (the server's process group holds node, and the workerd it started). */
function descendants(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent === pid) out.push(Number(entry), ...descendants(Number(entry)));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/** User + system CPU of these processes so far, in ms (fields 14 and 15 of /proc/PID/stat, in 10 ms ticks). */
function cpuMs(pids: number[]): number {
  return pids.reduce((sum, pid) => {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return sum + (Number(fields[11]) + Number(fields[12])) * 10;
  }, 0);
}

/** Bytes these processes caused to be written to storage so far (write_bytes of /proc/PID/io). */
function writtenBytes(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + Number(/^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, "utf8"))?.[1] ?? 0), 0);
}

/** CPU ms per request of each kind, from one round (see measureRequestCpu). */
export interface RoundFigures {
  healthz: number;
  wrongKey: number;
  /**
   * A new session (POST /api/sessions from an address of its own), then its first command (kubectl
   * get svc): CPU ms each, and KB the server wrote to disk each (the session's SQLite file and
   * its rows, the client limiter's).
   */
  create: { cpu: number; writtenKb: number; firstCommandCpu: number; firstCommandWrittenKb: number };
  /** Per line of LINES: the line in a fresh session, then kubectl get svc in those sessions. */
  lines: Record<string, { line: number; thenGetSvc: number }>;
  /** The heavy loop back to back into a refusal, and how many of `count` were refused. */
  refusedHeavy: { each: number; refused: number; count: number };
}

const load = () => loadavg().map((x) => x.toFixed(1)).join(" ");

/**
 * Starts `npm start`'s server (the Worker as wrangler builds it, on one workerd, storage in a
 * throwaway directory), measures `rounds` rounds of `reps` requests a figure (3x for the cheap
 * ones), reports each round to `log` as it goes, and stops the server.
 */
export async function measureRequestCpu(reps: number, rounds: number, log: (line: string) => void = console.log): Promise<RoundFigures[]> {
  const figures: RoundFigures[] = [];
  let built: BuiltServer | undefined;
  try {
    built = await startBuiltServer("request-cpu");
    const { base, child: server } = built;
    const workerd = descendants(server.pid!).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("workerd"));
    if (workerd.length === 0) throw new Error("no workerd process under the server");
    let addresses = 0;
    /** Each request from an address of its own, so no client limit is shared between them. */
    const api = (path: string, init: RequestInit = {}) =>
      fetch(base + path, { ...init, headers: { ...(init.headers as Record<string, string>), "CF-Connecting-IP": `2001:db8:${(++addresses).toString(16)}::1`, "Content-Type": "application/json" } });
    const create = async (): Promise<Session> => {
      const response = await api("/api/sessions", { method: "POST", body: "{}" });
      if (response.status !== 201) throw new Error(`create: HTTP ${response.status} ${await response.text()}`);
      return (await response.json()) as Session;
    };
    const command = async (s: Session, line: string): Promise<number> => {
      const response = await api(`/api/sessions/${s.id}/commands`, { method: "POST", headers: { Authorization: `Bearer ${s.editKey}` }, body: JSON.stringify({ command: line }) });
      await response.arrayBuffer();
      return response.status;
    };
    /** CPU ms per call of `each` over `count` calls. */
    const perCall = async (count: number, each: (i: number) => Promise<unknown>): Promise<number> => {
      const before = cpuMs(workerd);
      for (let i = 0; i < count; i++) await each(i);
      return (cpuMs(workerd) - before) / count;
    };
    /** A command that must be answered `status`. */
    const expectStatus = async (s: Session, line: string, status: number) => {
      const got = await command(s, line);
      if (got !== status) throw new Error(`${line}: HTTP ${got}, expected ${status}`);
    };

    log(`workerd CPU per request, ${reps} requests a figure (3x for the cheap ones), load average ${load()}`);
    for (let round = 1; round <= rounds; round++) {
      log(`round ${round}:`);
      const healthz = await perCall(reps * 3, async () => void (await (await fetch(`${base}/healthz`)).arrayBuffer()));
      log(`  /healthz: ${healthz.toFixed(2)} ms`);
      const someone = await create();
      const wrongKey = await perCall(reps * 3, () => expectStatus({ id: someone.id, editKey: "x".repeat(43) }, "kubectl get svc", 403));
      log(`  a command with a wrong key (403): ${wrongKey.toFixed(2)} ms`);
      const created: Session[] = [];
      let written = writtenBytes(workerd);
      const createCpu = await perCall(reps, async () => void created.push(await create()));
      const createKb = (writtenBytes(workerd) - written) / reps / 1024;
      written = writtenBytes(workerd);
      const firstCpu = await perCall(reps, (i) => expectStatus(created[i], "kubectl get svc", 200));
      const firstKb = (writtenBytes(workerd) - written) / reps / 1024;
      const createFigures = { cpu: createCpu, writtenKb: createKb, firstCommandCpu: firstCpu, firstCommandWrittenKb: firstKb };
      log(`  a new session: ${createCpu.toFixed(2)} ms, ${createKb.toFixed(0)} KB written; its first kubectl get svc ${firstCpu.toFixed(2)} ms, ${firstKb.toFixed(0)} KB written`);
      const lines: RoundFigures["lines"] = {};
      for (const [name, line] of Object.entries(LINES)) {
        const sessions: Session[] = [];
        for (let i = 0; i < reps; i++) {
          const s = await create();
          await expectStatus(s, "kubectl get svc", 200);
          sessions.push(s);
        }
        const first = await perCall(reps, (i) => expectStatus(sessions[i], line, 200));
        const then = await perCall(reps, (i) => expectStatus(sessions[i], "kubectl get svc", 200));
        lines[name] = { line: first, thenGetSvc: then };
        log(`  ${name}: ${first.toFixed(2)} ms, then kubectl get svc in those sessions ${then.toFixed(2)} ms`);
      }
      // A session whose bucket heavy commands have emptied; what runs when a token comes back is counted too.
      const heavy = await create();
      while ((await command(heavy, HEAVY_LOOP)) !== 429);
      let refused = 0;
      const count = reps * 3;
      const each = await perCall(count, async () => void ((await command(heavy, HEAVY_LOOP)) === 429 && refused++));
      log(`  the heavy loop, back to back into a refusal: ${each.toFixed(2)} ms (${refused} of ${count} refused, the rest ran); load average ${load()}`);
      figures.push({ healthz, wrongKey, create: createFigures, lines, refusedHeavy: { each, refused, count } });
    }
  } finally {
    if (built) await stopBuiltServer(built);
  }
  return figures;
}

if (isMain(import.meta.url)) await measureRequestCpu(Number(process.env.REPS ?? 30), 2);
