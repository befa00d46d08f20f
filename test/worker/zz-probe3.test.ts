import { it } from "vitest";
import { command, createSession, run } from "./helpers.ts";
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
for (const line of ["A=x; for i in {1..40}; do A=$A$A; done", "A=x; for i in {1..40}; do A=$A$A; done"]) it("probe3 " + line, async () => {
  const victim = await createSession();
  for (let i = 0; i < 10; i++) await run(victim.id, victim.editKey, "kubectl get svc");
  const attacker = await createSession();
  let going = true;
  const t0 = performance.now();
  const events: string[] = [];
  const loops = Array.from({ length: 4 }, async () => {
    while (going) {
      const s = performance.now();
      const r = await command(attacker.id, attacker.editKey, line);
      await r.text();
      events.push(`${r.status === 200 ? "K" : "r"}${(s - t0).toFixed(0)}+${(performance.now() - s).toFixed(0)}`);
    }
  });
  await sleep(10);
  const slow: string[] = [];
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const s = performance.now();
    const r = await command(victim.id, victim.editKey, "kubectl get svc");
    await r.text();
    const took = performance.now() - s;
    times.push(took);
    if (took > 25) slow.push(`${took.toFixed(0)}ms at ${(s - t0).toFixed(0)}`);
    await sleep(Math.max(0, s + 60 - performance.now()));
  }
  going = false;
  await Promise.all(loops);
  times.sort((a, b) => a - b);
  console.log(`${line}: p50 ${times[99]} p99 ${times[197]} max ${times[199]}\nslow: ${slow.join(", ")}\nevents: ${events.slice(0, 80).join(" ")}`);
}, 120000);
