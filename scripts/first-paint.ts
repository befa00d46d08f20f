// Measures how fast /s/<id> appears on a running server: first contentful paint and the moment
// the console takes input, over a few cold loads in Chromium. Usage:
//   npx tsx scripts/first-paint.ts [http://127.0.0.1:8787] [runs]
import { chromium } from "playwright-core";

const base = process.argv[2] ?? "http://127.0.0.1:8787";
const runs = Number(process.argv[3] ?? 5);

const created = await fetch(`${base}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
if (!created.ok) throw new Error(`POST /api/sessions answered ${created.status}: is the server running at ${base}?`);
const { id, editKey } = (await created.json()) as { id: string; editKey: string };
const url = `${base}/s/${id}#key=${editKey}`;

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
const fcp: number[] = [];
const ready: number[] = [];
for (let i = 0; i < runs; i++) {
  // A new context each time: nothing cached, as for a first visit.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.locator(".command-input").waitFor();
  const t = await page.evaluate(() => ({
    fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
    ready: performance.now(),
  }));
  fcp.push(t.fcp);
  ready.push(t.ready);
  await context.close();
}
await browser.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`/s/<id> over ${runs} cold loads: first contentful paint median ${median(fcp).toFixed(0)} ms (max ${Math.max(...fcp).toFixed(0)}), console ready median ${median(ready).toFixed(0)} ms (max ${Math.max(...ready).toFixed(0)})`);
