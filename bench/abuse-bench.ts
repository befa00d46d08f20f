// Issue 23's attacks against the built Worker on one workerd (`npm start`'s server, no dev
// proxy), over HTTP: for each, a second session types `kubectl get svc` one command after another
// while the attack runs, and its latency is printed (p50, p99, max). First the simulator's worst
// CPU per command (bench/work-bench.ts). The same attacks, asserted, are test/abuse/abuse.test.ts (in `npm test`).
//
// Usage: npx tsx bench/abuse-bench.ts   (env: BENCH_SAMPLES=100 BENCH_STORAGE_DIR=/tmp)

import { percentile, startBuiltServer, stopBuiltServer } from "./http-bench.ts";
import { shortCommand, workReport } from "./work-bench.ts";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 100);
/** The victim types at most this often (its own limit is 20 a second). */
const SAMPLE_INTERVAL_MS = 60;
const HEAVY_LOOP = "for i in {1..1000}; do seq 100000 | grep -c 9; done";

interface Session {
  id: string;
  editKey: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
let addressCounter = 0;
/** A documentation-prefix IPv6 /64 of its own, so each attacker and victim has its own allowances. */
const newAddress = () => `2001:db8:${(++addressCounter).toString(16)}::1`;

async function main(): Promise<void> {
  const work = workReport();
  console.log(`worst CPU per command (simulator, bench/work-bench.ts): ${work.costliest.cpuMs.toFixed(1)} ms, ${shortCommand(work.costliest.command)}`);

  const built = await startBuiltServer("abuse-bench");
  const { base } = built;
  try {
    console.log(`victim: ${SAMPLES} x kubectl get svc, one every ${SAMPLE_INTERVAL_MS} ms at most, workerd alone on ${base}`);
    const api = (path: string, init: RequestInit = {}, address?: string) => {
      const headers = new Headers(init.headers);
      if (address) headers.set("CF-Connecting-IP", address);
      if (init.body !== undefined) headers.set("Content-Type", "application/json");
      return fetch(base + path, { ...init, headers });
    };
    const create = async (body: unknown = {}, address = newAddress()): Promise<Session> => {
      const response = await api("/api/sessions", { method: "POST", body: JSON.stringify(body) }, address);
      if (response.status !== 201) throw new Error(`create: ${response.status} ${await response.text()}`);
      return (await response.json()) as Session;
    };
    const command = (s: Session, line: string) => api(`/api/sessions/${s.id}/commands`, { method: "POST", headers: { Authorization: `Bearer ${s.editKey}` }, body: JSON.stringify({ command: line }) });
    const drain = async (response: Response) => void (await response.arrayBuffer());

    /** Runs `attackers` loops of `step` while the victim samples; the victim's latencies. */
    const underAttack = async (name: string, step: () => Promise<void>, attackers: number, victim?: Session) => {
      const session = victim ?? (await create());
      await drain(await command(session, "kubectl get svc"));
      let attacking = true;
      let steps = 0;
      let failed: unknown;
      const loops = Array.from({ length: attackers }, async () => {
        try {
          while (attacking) {
            await step();
            steps++;
          }
        } catch (error) {
          failed = error;
          attacking = false;
        }
      });
      while (steps === 0 && failed === undefined) await sleep(5);
      if (failed !== undefined) throw failed;
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const started = performance.now();
        const response = await command(session, "kubectl get svc");
        await drain(response);
        if (response.status !== 200) throw new Error(`victim: ${response.status}`);
        times.push(performance.now() - started);
        await sleep(Math.max(0, started + SAMPLE_INTERVAL_MS - performance.now()));
      }
      attacking = false;
      await Promise.all(loops);
      const max = Math.max(...times);
      console.log(`${name.padEnd(44)} victim p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms, max ${max.toFixed(1)} ms (${steps} attack requests)`);
    };

    await underAttack("no attack", () => sleep(50), 1);
    for (const [name, line] of [
      ["the heavy loop, 4 at once", HEAVY_LOOP],
      ["the three-pipeline variant, 4 at once", "for i in {1..1000}; do seq 100000 | grep -c 9; seq 100000 | grep -c 8; seq 100000 | grep -c 7; done"],
      ["the doubling string, 4 at once", "A=x; for i in {1..40}; do A=$A$A; done"],
      ["echo {1..100000000}, 4 at once", "echo {1..100000000}"],
    ]) {
      const attacker = await create();
      await underAttack(name, async () => drain(await command(attacker, line)), 4);
    }
    const setupAddress = newAddress();
    await underAttack("creates with 50 heavy setup lines, 4 at once", async () => drain(await api("/api/sessions", { method: "POST", body: JSON.stringify({ setup: Array(50).fill(HEAVY_LOOP) }) }, setupAddress)), 4);
    const burstAddress = newAddress();
    await underAttack(
      "100 parallel creates a second, one address",
      async () => {
        await Promise.all(Array.from({ length: 100 }, async () => drain(await api("/api/sessions", { method: "POST", body: "{}" }, burstAddress))));
        await sleep(1000);
      },
      1,
    );
    const editor = await create();
    await underAttack(
      "25 snapshots a second (victim: the editor)",
      async () => {
        await drain(await api(`/api/sessions/${editor.id}/snapshots`, { method: "POST", body: "{}" }));
        await sleep(40);
      },
      1,
      editor,
    );
    const web = await create({ setup: ["kubectl run nginx --image=nginx", "kubectl expose pod nginx --port 80 --type NodePort", "sleep 60"] });
    const view = (await (await api(`/api/sessions/${web.id}`)).json()) as { cluster: { nodes: Array<{ ip: string }>; services: Array<{ name: string; ports: Array<{ nodePort?: number }> }> } };
    const target = `${view.cluster.nodes[1].ip}:${view.cluster.services.find((s) => s.name === "nginx")!.ports[0].nodePort}`;
    const userAgent = "A".repeat(100 * 1024);
    await underAttack("100 KB User-Agent through the proxy, 4 at once", async () => drain(await api(`/api/sessions/${web.id}/proxy/${target}/`, { headers: { "User-Agent": userAgent } })), 4);
  } finally {
    await stopBuiltServer(built);
  }
}

await main();
