// Exam practice in real Chromium: the warm-up started from the top bar, taken from start to report
// (two tasks solved in the console, the rest left), the score checked, a retake with another seed,
// axe-core on the exam view and the report, and a phone's viewport. Screenshots in test-results/.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, baseUrl, launch, newPage, RESULTS, typeCommand, typeUntil } from "./browser.ts";

const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

interface Task {
  id: string;
  title: string;
  weight: number;
  text: string;
}

/** The names in a task's text, in backticks, in order. */
const names = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

async function startWarmUp(page: Page, minutes: number): Promise<string> {
  await page.goto(baseUrl() + "/?new");
  await page.locator(".command-input").waitFor();
  await page.getByRole("button", { name: "Exam practice" }).click();
  const choice = page.locator('form[data-exam="warm-up"]');
  await expect(choice.innerText()).resolves.toMatch(/6 tasks · 30 minutes · pass mark 66%/);
  await choice.getByLabel("Minutes").fill(String(minutes));
  await choice.getByRole("button", { name: "Start the exam" }).click();
  await page.waitForURL((url) => /^\/exam\/[A-Za-z0-9_-]+$/.test(url.pathname) && url.hash === "");
  await page.locator(".command-input").waitFor();
  return new URL(page.url()).pathname.split("/")[2];
}

async function examTasks(page: Page, id: string): Promise<Task[]> {
  const response = await page.request.get(`${baseUrl()}/api/sessions/${id}/exam`);
  return (await response.json()).tasks;
}

describe("exam practice", () => {
  let browser: Browser;
  let page: Page;
  let id: string;
  let tasks: Task[];

  beforeAll(async () => {
    browser = await launch();
    page = await newPage(browser, { viewport: { width: 1366, height: 860 } });
    id = await startWarmUp(page, 20);
    tasks = await examTasks(page, id);
  });
  afterAll(async () => browser?.close());

  it("shows the countdown, the tasks with their weights, the task text and the console, and hides the map", async () => {
    const clock = page.locator(".exam-clock");
    expect(await clock.getAttribute("role")).toBe("timer");
    // 20 minutes chosen: the clock counts down from there.
    expect(await clock.innerText()).toMatch(/^(20:00|19:[0-5]\d)$/);
    expect(await clock.getAttribute("aria-label")).toMatch(/^(20|19) minutes left$/);
    const items = page.locator(".exam-task-item");
    expect(await items.count()).toBe(6);
    expect(await items.first().innerText()).toContain(`${tasks[0].weight}%`);
    expect(await page.locator("#exam-task-title").innerText()).toContain(`Task 1: ${tasks[0].title}`);
    // Every name of the text has its copy button.
    for (const name of names(tasks[0].text)) expect(await page.getByRole("button", { name: `Copy ${name}`, exact: true }).count()).toBeGreaterThan(0);
    expect(await page.locator(".map").count()).toBe(0);
    const docs = page.getByRole("link", { name: /kubernetes\.io\/docs/ });
    expect(await docs.getAttribute("href")).toBe("https://kubernetes.io/docs/");
    expect(await docs.getAttribute("target")).toBe("_blank");
    await page.screenshot({ path: `${RESULTS}/exam-view.png` });
  });

  it("keeps a task flagged for review across a reload", async () => {
    await page.locator(".exam-task-item").nth(3).click();
    const flag = page.getByRole("button", { name: "Flag for review" });
    await flag.click();
    expect(await flag.getAttribute("aria-pressed")).toBe("true");
    expect(await page.locator(".exam-task-item").nth(3).innerText()).toContain("flagged for review");
    await page.reload();
    await page.locator(".command-input").waitFor();
    expect(await page.locator(".exam-task-item").nth(3).innerText()).toContain("flagged for review");
    expect(await page.locator(".exam-task-item").nth(0).innerText()).not.toContain("flagged");
  });

  it("has no serious accessibility barrier in the exam view", async () => {
    expect(await axeViolations(page, undefined, ["serious", "critical"])).toEqual([]);
  });

  it("takes the warm-up to its report: two tasks solved in the console, the rest left", async () => {
    const [ns, web, image] = names(tasks[0].text);
    const replicas = /and\s+(\d+)\s+replicas/.exec(tasks[0].text)![1];
    const port = /on\s+port\s+(\d+)/.exec(tasks[0].text)![1];
    await typeCommand(page, `kubectl -n ${ns} create deployment ${web} --image=${image} --replicas=${replicas}`);
    await typeCommand(page, `kubectl -n ${ns} expose deployment ${web} --port=${port} --target-port=80`);
    const [shop] = names(tasks[1].text);
    const nodePort = /on\s+port\s+(\d+)\s+of\s+every\s+node/.exec(tasks[1].text)![1];
    await typeCommand(page, `kubectl create service nodeport ${shop} --tcp=80:80 --node-port=${nodePort}`);
    await typeUntil(page, `kubectl -n ${ns} get deployment ${web}`, new RegExp(`${web}\\s+${replicas}/${replicas}`));

    await page.getByRole("button", { name: "Finish", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Finish the exam now?" });
    await dialog.waitFor();
    // "Keep working" is the safe default: it closes the question and the exam goes on.
    await dialog.getByRole("button", { name: "Keep working" }).click();
    expect(await dialog.isVisible()).toBe(false);
    await page.getByRole("button", { name: "Finish", exact: true }).click();
    await dialog.getByRole("button", { name: "Finish and see the report" }).click();

    const score = page.locator(".exam-score");
    await score.waitFor();
    const solvedPoints = tasks[0].weight + tasks[1].weight;
    expect(await score.innerText()).toContain(`${solvedPoints} / 100`);
    expect(await score.innerText()).toMatch(/not passed: the pass mark is 66%/);
    const rows = page.locator(".exam-scores tbody tr");
    expect(await rows.count()).toBe(6);
    expect(await rows.nth(0).innerText()).toContain(`${tasks[0].weight} / ${tasks[0].weight}`);
    expect(await rows.nth(2).innerText()).toContain(`0 / ${tasks[2].weight}`);
    // A failed check says what was expected and what was found; the reference solution says why.
    const unsolved = page.locator(`#task-${tasks[2].id}`);
    expect(await unsolved.locator(".exam-found").first().innerText()).toMatch(/Expected[\s\S]+Found/);
    expect(await unsolved.locator(".exam-solution pre").innerText()).toMatch(/kubectl/);
    // The map is back in the report, and the console takes nothing more.
    await page.locator(".map").waitFor();
    await page.locator(".transcript").waitFor();
    expect(await page.locator(".command-input").count()).toBe(0);
    await page.screenshot({ path: `${RESULTS}/exam-report.png`, fullPage: true });
  });

  it("draws a failed route check's route on the map", async () => {
    const show = page.getByRole("button", { name: "Show the route on the map" }).first();
    await show.click();
    await page.locator(".trace").first().waitFor();
    await page.screenshot({ path: `${RESULTS}/exam-report-route.png` });
  });

  it("has no serious accessibility barrier in the report", async () => {
    expect(await axeViolations(page, undefined, ["serious", "critical"])).toEqual([]);
  });

  it("shows the report on the session's watch link, read-only, in another browser", async () => {
    const other = await newPage(browser);
    await other.goto(`${baseUrl()}/s/${id}`);
    await other.waitForURL((url) => url.pathname === `/exam/${id}`);
    await other.locator(".exam-score").waitFor();
    expect(await other.locator(".exam-score").innerText()).toContain(`${tasks[0].weight + tasks[1].weight} / 100`);
    await other.context().close();
  });

  it("retakes with a new seed in one click: a new exam with other names", async () => {
    await page.getByRole("button", { name: "Retake with a new seed" }).click();
    await page.waitForURL((url) => /^\/exam\/[A-Za-z0-9_-]+$/.test(url.pathname) && !url.pathname.endsWith(id));
    await page.locator(".command-input").waitFor();
    const retakeId = new URL(page.url()).pathname.split("/")[2];
    const retake = await (await page.request.get(`${baseUrl()}/api/sessions/${retakeId}/exam`)).json();
    const before = await (await page.request.get(`${baseUrl()}/api/sessions/${id}/exam`)).json();
    expect(retake.seed).not.toBe(before.seed);
    // The same duration as the attempt it retakes.
    expect(Date.parse(retake.deadline) - Date.parse(retake.startedAt)).toBe(20 * 60_000);
    const drawn = (exam: { tasks: Task[] }) => exam.tasks.map((t) => names(t.text).join(" ")).join(" | ");
    expect(drawn(retake)).not.toBe(drawn(before));
  });

  it("ends by itself when time is up: the screen reader hears it, and the report replaces the exam", async () => {
    const short = await newPage(browser);
    await startWarmUp(short, 1);
    expect(await short.locator(".exam-clock").innerText()).toMatch(/^0:[0-5]\d$|^1:00$/);
    // The live status stays quiet until the end: no announcement every second.
    expect(await short.locator('.exam-bar [role="status"]').innerText()).toBe("");
    await short.waitForFunction(() => document.querySelector('.exam-bar [role="status"]')?.textContent === "Time is up", undefined, { timeout: 90_000 });
    await short.locator(".exam-score").waitFor({ timeout: 30_000 });
    expect(await short.locator(".exam-score").innerText()).toMatch(/^0 \/ 100/);
    await short.context().close();
  }, 150_000);

  it("fits a phone: the exam view without a sideways scroll and without barriers", async () => {
    const phone = await newPage(browser, PHONE);
    const phoneId = await startWarmUp(phone, 30);
    expect(phoneId).not.toBe(id);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(await axeViolations(phone, undefined, ["serious", "critical"])).toEqual([]);
    await phone.screenshot({ path: `${RESULTS}/exam-phone.png` });
    await phone.context().close();
  });
});

describe("an exam embedded in a course page", () => {
  let browser: Browser;
  let host: Server;
  let page: Page;

  beforeAll(async () => {
    browser = await launch();
    host = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<!doctype html><html lang="en"><body><h1>Mock exam</h1>
<iframe src="${baseUrl()}/embed?exam=warm-up&seed=7" width="1200" height="760" title="Kubernetes exam"></iframe>
<script>window.messages = []; addEventListener("message", (e) => { if (e.data && e.data.source === "kube-playground") window.messages.push(e.data); });</script>
</body></html>`);
    });
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    page = await newPage(browser, { viewport: { width: 1240, height: 860 } });
    await page.goto(`http://127.0.0.1:${(host.address() as AddressInfo).port}/`);
  });
  afterAll(async () => {
    await browser?.close();
    host?.close();
  });

  const messages = (type: string) => page.evaluate((t) => (window as unknown as { messages: { type: string }[] }).messages.filter((m) => m.type === t), type);

  it("posts the exam's progress as commands run, and its result on Finish, to the embedding page", async () => {
    const frame = page.frameLocator("iframe");
    const input = frame.locator(".command-input");
    await input.waitFor();
    await input.click();
    await input.pressSequentially("kubectl get ns", { delay: 2 });
    await input.press("Enter");
    await page.waitForFunction(() => (window as unknown as { messages: { type: string; commands?: number }[] }).messages.some((m) => m.type === "exam-progress" && m.commands === 1));
    const progress = (await messages("exam-progress")).at(-1) as unknown as { examId: string; secondsLeft: number; session: string };
    expect(progress.examId).toBe("warm-up");
    expect(progress.secondsLeft).toBeGreaterThan(25 * 60);

    await frame.getByRole("button", { name: "Finish", exact: true }).click();
    await frame.getByRole("button", { name: "Finish and see the report" }).click();
    await page.waitForFunction(() => (window as unknown as { messages: { type: string }[] }).messages.some((m) => m.type === "exam-result"));
    const [result] = (await messages("exam-result")) as unknown as { session: string; seed: number; score: number; max: number; passed: boolean; tasks: unknown[] }[];
    expect(result).toMatchObject({ session: progress.session, seed: 7, score: 0, max: 100, passed: false });
    expect(result.tasks).toHaveLength(6);
    await frame.locator(".exam-score").waitFor();
    await page.screenshot({ path: `${RESULTS}/exam-embed-report.png` });
  });
});
