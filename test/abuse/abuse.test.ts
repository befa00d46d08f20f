// Issue 23's attacks, each run against `npm start`'s server (the built Worker on one workerd) over
// HTTP while a second session keeps typing: the limit holds (the attack is stopped, refused or
// answered as a real server would), and the second session's `kubectl get svc` stays fast, p99
// under 50 ms, since every session shares the one thread. The attackers and the victim are clients
// in this Node process, each from an address of its own, as they would be on the Internet; the
// server runs in a process of its own. Its own vitest project, run after the others
// (vitest.config.ts), so no other test file shares the CPU with these wall-clock figures.
//
// Not here because they are the page's or tested where they live: the embed's and console links'
// edges (test/web), text/plain and foreign-Origin writes (test/worker/http/write-guard.test.ts).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, client, type Created, errorOf, type Entry, newAddress, type Server, startAbuseServer } from "./server.ts";

let server: Server;
/** Clients at addresses of their own: the victims', and one per attack. */
const someone = () => client(server, newAddress());

beforeAll(async () => {
  server = await startAbuseServer();
});

afterAll(async () => {
  await server?.stop();
});

/**
 * Samples per figure. Of 100, the p99 is the second slowest, so one pause of the machine's own
 * (a GC, another process) and one more fail it; of 200 it is the third slowest.
 */
const SAMPLES = 200;
/** Commands the victim sends before measuring, unmeasured: its object, the Worker's code paths and workerd's JIT are warm. */
const WARM_UP = 10;
/** The victim types at most this often: faster than a person, within its own 20 commands a second. */
const SAMPLE_INTERVAL_MS = 60;
/** The bound: a second session's p99 while an attack runs, on a machine not busy with other work. */
const P99_LIMIT_MS = 50;
/**
 * A baseline p99 (no attack) above this says the machine is busy with other work: on a quiet
 * 2-core machine it is 11-13 ms, at load average 10-20 it is 100-350 ms.
 */
const BUSY_BASELINE_P99_MS = 25;
/**
 * On a busy machine the bound is this many times the baseline's p99. At load 12-25 (2026-12-07,
 * 5 runs) the p99 under attack was 0.9-4.1 times the baseline's, 100 parallel creates the highest
 * (2.5-4.1; 4.3 on a quiet machine too: each burst's 100 requests queue ahead of the victim).
 */
const BUSY_FACTOR = 5;
/**
 * Whatever the machine: an attack that holds the thread (the loop held it 11.8 s a command)
 * fails. Above this even the baseline says nothing: the run fails as too busy to measure.
 */
const HOLD_LIMIT_MS = 1000;
/** No single victim command may wait this long, whatever the load (at load 20 the slowest seen was 1.7 s). */
const MAX_LIMIT_MS = 5000;
/** Attack steps that must finish while the victim samples: the attack overlaps the figures, not only their start. */
const MIN_STEPS_DURING = 2;

interface Latencies {
  p50: number;
  p99: number;
  max: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The q-quantile of sorted values (nearest rank). */
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

/** The victim's `kubectl get svc`, SAMPLES times one after another, while `going()` holds. */
async function sampleVictim(victim: Victim, going: () => boolean): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < SAMPLES && going(); i++) {
    const started = performance.now();
    const response = await victim.client.command(victim.session, "kubectl get svc");
    const took = performance.now() - started;
    expect(response.status).toBe(200);
    const entry = (await response.json()) as Entry;
    expect(entry.output).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP/);
    times.push(took);
    await sleep(Math.max(0, started + SAMPLE_INTERVAL_MS - performance.now()));
  }
  return times;
}

function latencies(times: number[]): Latencies {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted[sorted.length - 1] };
}

const shown = (f: Latencies) => `p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, max ${f.max.toFixed(1)} ms`;

/** The victim's figures with no attack, measured first in this run: what the machine itself allows. */
let baseline: Latencies | undefined;

/**
 * The bound on the victim's p99 under attack: the 50 ms, unless this run's baseline says
 * the machine is busy, then BUSY_FACTOR times the baseline's p99, never past HOLD_LIMIT_MS.
 */
function p99Bound(): { limit: number; why: string } {
  if (!baseline || baseline.p99 <= BUSY_BASELINE_P99_MS) return { limit: P99_LIMIT_MS, why: `the issue's ${P99_LIMIT_MS} ms` };
  const limit = Math.min(HOLD_LIMIT_MS, Math.max(P99_LIMIT_MS, BUSY_FACTOR * baseline.p99));
  return { limit, why: `the machine is busy (baseline p99 ${baseline.p99.toFixed(1)} ms > ${BUSY_BASELINE_P99_MS} ms): ${BUSY_FACTOR}x the baseline's, at most ${HOLD_LIMIT_MS} ms` };
}

/** The checks every figure under attack gets: p99 within its bound, and no command held for seconds. */
function expectFast(figures: Latencies): void {
  const { limit } = p99Bound();
  expect(figures.p99).toBeLessThan(limit);
  expect(figures.max).toBeLessThan(MAX_LIMIT_MS);
}

/** A session that types, and the client it types from. */
interface Victim {
  client: Client;
  session: Created;
}

/** The victim's unmeasured commands (WARM_UP of them) before its samples. */
async function warmUp(victim: Victim): Promise<void> {
  for (let i = 0; i < WARM_UP; i++) await victim.client.run(victim.session, "kubectl get svc");
}

/** A new session, warm: its object is loaded and its commands' paths compiled before measuring. */
async function warmSession(): Promise<Victim> {
  const victimClient = someone();
  const victim = { client: victimClient, session: await victimClient.createSession() };
  await warmUp(victim);
  return victim;
}

/**
 * Runs `attackers` copies of `attackStep` back to back (each as soon as its previous one answered)
 * while the victim sends SAMPLES `kubectl get svc` one after another, and returns the victim's
 * latencies. The attack's first requests are in flight before the first sample (its first step need
 * not have answered: 100 parallel creates are measured from their first burst), and every attacker
 * keeps going until the last sample has answered.
 */
async function underAttack(attackStep: () => Promise<void>, attackers: number, victim?: Victim): Promise<Latencies> {
  const session = victim ?? (await warmSession());
  if (victim) await warmUp(session);
  let attacking = true;
  let steps = 0;
  let sent = 0;
  const loops = Array.from({ length: attackers }, async () => {
    try {
      while (attacking) {
        const step = attackStep();
        sent++;
        await step;
        steps++;
      }
    } finally {
      // An attack step that failed its checks ends the whole attack; the failure is reported below.
      attacking = false;
    }
  });
  // Let the attack's first requests reach the Worker before the first sample.
  while (sent === 0 && attacking) await sleep(1);
  await sleep(10);
  let times: number[] = [];
  const stepsBefore = steps;
  let stepsDuring = 0;
  try {
    times = await sampleVictim(session, () => attacking);
    stepsDuring = steps - stepsBefore;
  } finally {
    attacking = false;
    await Promise.all(loops);
  }
  expect(times).toHaveLength(SAMPLES);
  const figures = latencies(times);
  console.log(
    `victim under attack (${steps} attack steps, ${stepsDuring} of them finished while sampling): ${shown(figures)}; bound on the p99: ${p99Bound().why}; ` +
      `without attack earlier in this run: ${baseline ? shown(baseline) : "not measured"}`,
  );
  expect(stepsDuring).toBeGreaterThanOrEqual(MIN_STEPS_DURING);
  return figures;
}

/** Runs `line` in the attacker's session: stopped at the work budget (200, Killed, 137) or refused (429). */
function heavyCommand(attacker: Client, session: Created, line: string, seen: { killed: number; refused: number }) {
  return async () => {
    const response = await attacker.command(session, line);
    if (response.status === 429) {
      expect(Number(response.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
      await response.body?.cancel();
      seen.refused++;
      return;
    }
    expect(response.status).toBe(200);
    const entry = (await response.json()) as Entry;
    expect(entry.exitCode).toBe(137);
    expect(entry.output).toMatch(/(^|\n)Killed\nThe playground stopped this command: it reached the work limit of 500,000 units a command may use\.\n$/);
    seen.killed++;
  };
}

describe("under attack, a second session's commands stay fast", () => {
  // First, the same samples with no attack: if these are slow, the machine is busy with other work
  // and the figures under attack below say nothing about the code.
  it("without an attack: the baseline", async () => {
    const session = await warmSession();
    const times = await sampleVictim(session, () => true);
    expect(times).toHaveLength(SAMPLES);
    baseline = latencies(times);
    console.log(`victim without attack: ${shown(baseline)}; bound on the p99 under attack: ${p99Bound().why}`);
    // A machine this busy measures nothing: say so rather than pass every attack.
    expect(baseline.p99).toBeLessThan(HOLD_LIMIT_MS);
  });

  it.each([
    ["the heavy loop", "for i in {1..1000}; do seq 100000 | grep -c 9; done"],
    ["the three-pipeline variant", "for i in {1..1000}; do seq 100000 | grep -c 9; seq 100000 | grep -c 8; seq 100000 | grep -c 7; done"],
    ["the doubling string", "A=x; for i in {1..40}; do A=$A$A; done"],
  ])("%s: stopped at the work budget, then refused (429) as its session's bucket is charged for the work", async (_name, line) => {
    const attacker = someone();
    const session = await attacker.createSession();
    const seen = { killed: 0, refused: 0 };
    // Four requests in flight at all times, as a script hammering the API would keep.
    const figures = await underAttack(heavyCommand(attacker, session, line, seen), 4);
    expect(seen.killed).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
    expectFast(figures);
  });

  it("setup with the loop: one work budget for the whole list, and creations from one address are rate-limited", async () => {
    const attacker = someone();
    const loop = "for i in {1..1000}; do seq 100000 | grep -c 9; done";
    const statuses: number[] = [];
    let first: Created | undefined;
    let afterSetup: number | undefined;
    /** From sending the creation that made `first` to the answer to its first command, in ms. */
    let sinceAsked = 0;
    const figures = await underAttack(async () => {
      const asked = performance.now();
      const response = await attacker.postJson("/api/sessions", { setup: Array.from({ length: 50 }, () => loop) });
      statuses.push(response.status);
      if (response.status !== 201) return void (await response.body?.cancel());
      const created = (await response.json()) as Created;
      if (first) return;
      first = created;
      // At once: the list's 50 commands and its work were charged to the new session's bucket.
      const next = await attacker.command(first, "echo after");
      afterSetup = next.status;
      sinceAsked = performance.now() - asked;
      await next.body?.cancel();
    }, 4);
    expect(statuses.filter((s) => s !== 201 && s !== 429)).toEqual([]);
    expect(statuses).toContain(201);
    expectFast(figures);
    // The first line used the list's budget up; every line after it was stopped at once.
    const transcript = (await attacker.read(first!.id)).transcript;
    const setup = transcript.filter((e) => e.setup);
    expect(setup).toHaveLength(50);
    expect(setup.every((e) => e.exitCode === 137)).toBe(true);
    // The list's 50 tokens and its work (19 more: one budget's worth) were charged to the new
    // session's bucket (burst 40, 20 a second): 40 - 69 = -29, so its next token comes 1.5 s after
    // the charge. So the command sent at once is refused, unless a busy machine took that long to
    // create the session and answer it.
    console.log(`the first command after setup: ${afterSetup}, ${sinceAsked.toFixed(0)} ms after the creation was sent`);
    if (afterSetup !== 429) {
      expect(afterSetup).toBe(200);
      expect(sinceAsked).toBeGreaterThanOrEqual(1500);
      expect(transcript).toHaveLength(51);
    } else expect(transcript).toHaveLength(50);
  });

  it("100 parallel creates from one address, then creates back to back: a burst of 60 is created, the rest are refused (429)", async () => {
    const attacker = someone();
    const statuses: number[] = [];
    const started = performance.now();
    const create = async (count: number) => {
      const responses = await Promise.all(Array.from({ length: count }, () => attacker.request("/api/sessions", { method: "POST" })));
      for (const r of responses) {
        statuses.push(r.status);
        await r.body?.cancel();
      }
    };
    // The 100 at once, then a script that keeps asking, four requests in flight at all
    // times (as the other attacks here); repeated bursts of 100 are the next test.
    let first = true;
    const figures = await underAttack(async () => {
      if (first) {
        first = false;
        return create(100);
      }
      await create(1);
    }, 4);
    expect(statuses.filter((s) => s !== 201 && s !== 429)).toEqual([]);
    const created = statuses.filter((s) => s === 201).length;
    console.log(`100 parallel creates, then back to back: ${created} of ${statuses.length} created`);
    expect(created).toBeGreaterThanOrEqual(60);
    // The burst, plus one a second (60 a minute) while the attack ran.
    const seconds = (performance.now() - started) / 1000;
    expect(created).toBeLessThanOrEqual(60 + Math.ceil(seconds));
    expectFast(figures);
  });

  it("100 parallel creates from one address, every second: within what 100 requests at once cost workerd itself", async () => {
    // A burst of 100 requests takes the thread for as long as workerd needs to answer 100 requests,
    // whatever they ask: measured here as 100 /healthz at once. A victim's command that arrives with
    // a burst waits behind it, so its bound is that floor plus the 50 ms.
    const attacker = someone();
    const floors: number[] = [];
    for (let i = 0; i < 5; i++) {
      const at = performance.now();
      await Promise.all(Array.from({ length: 100 }, () => attacker.request("/healthz").then((r) => r.body?.cancel())));
      floors.push(performance.now() - at);
    }
    const floor = floors.sort((a, b) => a - b)[2];
    const statuses: number[] = [];
    const figures = await underAttack(async () => {
      const responses = await Promise.all(Array.from({ length: 100 }, () => attacker.request("/api/sessions", { method: "POST" })));
      for (const r of responses) {
        statuses.push(r.status);
        await r.body?.cancel();
      }
      await sleep(1000);
    }, 1);
    expect(statuses.filter((s) => s !== 201 && s !== 429)).toEqual([]);
    console.log(`100 parallel creates every second: ${statuses.filter((s) => s === 201).length} of ${statuses.length} created; 100 /healthz at once took ${floor.toFixed(0)} ms (median of 5)`);
    const { limit } = p99Bound();
    expect(figures.p99).toBeLessThan(floor + limit);
    expect(figures.max).toBeLessThan(MAX_LIMIT_MS);
  });

  it("a class of 50 behind one school address, joining at once, all get in", async () => {
    const school = someone();
    const started = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const response = await school.postJson("/api/sessions", {});
        await response.body?.cancel();
        return response.status;
      }),
    );
    expect(statuses).toEqual(statuses.map(() => 201));
    console.log(`50 creates from one address, one at a time: ${(performance.now() - started).toFixed(0)} ms in all`);
  });

  it("25 snapshots a second from a watcher while the editor types: the editor is never refused", async () => {
    const editorClient = someone();
    const editor: Victim = { client: editorClient, session: await editorClient.createSession() };
    const watcher = someone();
    const statuses: number[] = [];
    // The victim is the editor itself: each of its commands changes the session, so each snapshot is a new copy.
    const figures = await underAttack(async () => {
      const response = await watcher.postJson(`/api/sessions/${editor.session.id}/snapshots`, {});
      statuses.push(response.status);
      await response.body?.cancel();
      await sleep(40);
    }, 1, editor);
    expect(statuses.filter((s) => ![200, 201, 409, 429].includes(s))).toEqual([]);
    expect(statuses).toContain(201);
    expectFast(figures);
  });

  it("a 100 KB User-Agent through the proxy: nginx answers 400, and its stored log does not grow with it", async () => {
    const attacker = someone();
    // `sleep 60` moves the simulated clock: nginx is running by then.
    const session = await attacker.createSession({ setup: ["kubectl run nginx --image=nginx", "kubectl expose pod nginx --port 80 --type NodePort", "sleep 60"] });
    const cluster = (await attacker.read(session.id)).cluster as unknown as { nodes: Array<{ ip: string }>; services: Array<{ name: string; ports: Array<{ nodePort?: number }> }> };
    const target = `${cluster.nodes[1].ip}:${cluster.services.find((s) => s.name === "nginx")!.ports[0].nodePort}`;
    const userAgent = "A".repeat(100 * 1024);
    const statuses: number[] = [];
    let page = "";
    const figures = await underAttack(async () => {
      const response = await attacker.request(`/api/sessions/${session.id}/proxy/${target}/`, { headers: { "User-Agent": userAgent } });
      statuses.push(response.status);
      if (response.status === 400) page ||= await response.text();
      else await response.body?.cancel();
    }, 4);
    expect(statuses.filter((s) => s !== 400 && s !== 429)).toEqual([]);
    expect(page).toContain("<title>400 Request Header Or Cookie Too Large</title>");
    expectFast(figures);
    // What nginx logged for all of them: far less than one User-Agent.
    const logs = await attacker.run(session, "kubectl logs nginx | wc -c");
    expect(Number(logs.output.trim())).toBeLessThan(userAgent.length);
  });
});

describe("the command bucket is charged for work", () => {
  it("answers 429 after a handful of heavy commands back to back, while 40 ordinary commands in a row all run", async () => {
    const attacker = someone();
    const heavy = await attacker.createSession();
    let accepted = 0;
    let refused: Response | undefined;
    while (!refused && accepted < 40) {
      const response = await attacker.command(heavy, "for i in {1..1000}; do seq 100000 | grep -c 9; done");
      if (response.status === 429) refused = response;
      else {
        await response.body?.cancel();
        accepted++;
      }
    }
    // 40 tokens, 20 a heavy command (its token and 19 for its work), plus the refill while they
    // ran: two or three, against the 40 plain ones below.
    expect(accepted).toBeGreaterThanOrEqual(2);
    expect(accepted).toBeLessThan(5);
    expect(await errorOf(refused!)).toMatchObject({ status: 429, code: "rate_limited" });
    const learner = someone();
    const plain = await learner.createSession();
    const statuses = await Promise.all(Array.from({ length: 40 }, () => learner.command(plain, "kubectl get svc").then((r) => r.status)));
    expect(statuses).toEqual(statuses.map(() => 200));
  });
});
