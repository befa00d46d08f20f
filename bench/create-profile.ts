// A V8 CPU profile of session creation on `npm start`'s server: N creations one after another
// (each from its own address), each followed by its first `kubectl get svc`, and the top functions.
// Usage: npx tsx bench/create-profile.ts   (env: N=200, PROFILE=/tmp/create.cpuprofile, FIRST=0 to skip the command)
import { freePort } from "../scripts/free-port.ts";
import { startBuiltServer, startProfiler, stopBuiltServer } from "./http-bench.ts";

const N = Number(process.env.N ?? 200);
const inspector = await freePort();
const built = await startBuiltServer("create-profile", inspector);
const { base } = built;
try {
  let n = 0;
  const create = async () => {
    const response = await fetch(`${base}/api/sessions`, { method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": `2001:db8:${(++n).toString(16)}::1` }, body: "{}" });
    const created = (await response.json()) as { id: string; editKey: string };
    if (process.env.FIRST !== "0") {
      const r = await fetch(`${base}/api/sessions/${created.id}/commands`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${created.editKey}` }, body: JSON.stringify({ command: "kubectl get svc" }) });
      await r.text();
    }
  };
  for (let i = 0; i < 20; i++) await create();
  const profiler = await startProfiler(inspector);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await create();
  console.log(`${N} creations: ${((performance.now() - t0) / N).toFixed(2)} ms each (wall)`);
  await profiler.stop(process.env.PROFILE ?? "/tmp/create.cpuprofile");
} finally {
  await stopBuiltServer(built);
}
