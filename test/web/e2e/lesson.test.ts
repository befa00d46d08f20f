// A lesson embedded in a course page: the panel beside the console, a step completed by running
// its command, and the course page hearing about it. Also: starting a lesson from the top bar.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, FrameLocator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, launch, newPage, openNewSession, RESULTS } from "./browser.ts";

interface Message {
  source: string;
  version: number;
  type: string;
  session?: string;
  lessonId?: string;
  stepId?: string;
  command?: string;
}

const LESSON = "services-nodeport";

const hostPage = (src: string) => `<!doctype html>
<html><body style="margin:0;font-family:sans-serif">
<h1 style="font-size:18px;margin:8px">Lesson 3: Services</h1>
<iframe id="pg" src="${src}" width="1200" height="760" style="border:1px solid #ccc" title="Kubernetes playground"></iframe>
<script>
  window.messages = [];
  window.addEventListener("message", (e) => {
    if (e.data && e.data.source === "kube-playground") window.messages.push(e.data);
  });
</script>
</body></html>`;

async function typeIn(frame: FrameLocator, command: string) {
  const input = frame.locator(".command-input");
  await input.click();
  await input.pressSequentially(command, { delay: 2 });
  await input.press("Enter");
  await frame.locator(".command-input").waitFor();
}

describe("a lesson embedded in a course page", () => {
  let browser: Browser;
  let host: Server;
  let page: Page;

  beforeAll(async () => {
    browser = await launch();
    host = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(hostPage(`${baseUrl()}/embed?lesson=${LESSON}&theme=light`));
    });
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    page = await newPage(browser, { viewport: { width: 1240, height: 860 } });
    await page.goto(`http://127.0.0.1:${(host.address() as AddressInfo).port}/`);
  });
  afterAll(async () => {
    await browser?.close();
    host?.close();
  });

  const messages = () => page.evaluate(() => (window as unknown as { messages: Message[] }).messages);
  const frame = () => page.frameLocator("#pg");

  it("starts the lesson beside the console and tells the course page", async () => {
    await expect.poll(async () => (await messages()).map((m) => m.type), { timeout: 20_000 }).toEqual(["ready", "lesson-started"]);
    const [ready, started] = await messages();
    expect(started).toEqual({ source: "kube-playground", version: 1, type: "lesson-started", lessonId: LESSON, session: ready.session });
    const panel = frame().locator(`.lesson[data-lesson="${LESSON}"]`);
    await panel.waitFor();
    expect(await panel.locator("h2").textContent()).toBe("Services and NodePort");
    expect(await panel.locator(".lesson-steps li.current").getAttribute("data-step")).toBe("run-a-pod");
    // Beside the console, not above it.
    const lessonBox = (await panel.boundingBox())!;
    const consoleBox = (await frame().locator(".console").boundingBox())!;
    expect(lessonBox.x + lessonBox.width).toBeLessThanOrEqual(consoleBox.x + 1);
  });

  it("keeps hints behind a button", async () => {
    const panel = frame().locator(".lesson");
    expect(await panel.locator(".hint-box").count()).toBe(0);
    await panel.getByRole("button", { name: "Show hint" }).click();
    expect(await panel.locator(".hint-box").textContent()).toContain("ContainerCreating");
  });

  it("completes the first step from its run button and posts step-completed", async () => {
    await frame().locator(".lesson .run-code").first().click();
    await expect.poll(() => frame().locator(".transcript").textContent(), { timeout: 10_000 }).toContain("kubectl run nginx --image=nginx");
    // The pod takes a moment to become ready; the step completes on a later command or tick.
    for (let i = 0; i < 20 && !(await messages()).some((m) => m.type === "step-completed"); i++) {
      await page.waitForTimeout(500);
      if (!(await messages()).some((m) => m.type === "step-completed")) await typeIn(frame(), "kubectl get pods");
    }
    const session = (await messages())[0].session;
    const completed = (await messages()).filter((m) => m.type === "step-completed");
    expect(completed).toEqual([{ source: "kube-playground", version: 1, type: "step-completed", lessonId: LESSON, stepId: "run-a-pod", session }]);
    const panel = frame().locator(".lesson");
    await expect.poll(() => panel.getAttribute("data-step")).toBe("pod-ip-from-outside");
    expect(await panel.locator(".lesson-steps li.done").count()).toBe(1);
    expect(await panel.locator(".lesson-done-note").textContent()).toContain("Run a pod and find its IP");
    // The command messages came first, for every command that was run.
    const types = (await messages()).map((m) => m.type);
    expect(types.indexOf("command")).toBeLessThan(types.indexOf("step-completed"));
  });

  it("explains the check after the next command", async () => {
    await typeIn(frame(), "kubectl get pods -o wide");
    const check = frame().locator(".lesson .lesson-check.not-yet");
    await check.waitFor({ timeout: 10_000 });
    expect(await check.textContent()).toMatch(/^Not yet: .+/);
    await page.waitForTimeout(1500); // Let the map settle.
    await page.screenshot({ path: `${RESULTS}/embed-lesson.png` });
    expect(JSON.stringify(await messages())).not.toMatch(/editKey|#key=/);
  });
});

describe("starting a lesson from the top bar", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  it("lists the built-in lessons and opens a session that follows the chosen one", async () => {
    const page = await newPage(browser, { viewport: { width: 1440, height: 900 }, colorScheme: "dark" });
    await openNewSession(page);
    const before = page.url();
    await page.getByRole("button", { name: "Start a lesson" }).click();
    const items = page.locator(".picker-item");
    await items.first().waitFor();
    expect(await items.evaluateAll((els) => els.map((e) => e.getAttribute("data-lesson")))).toEqual(expect.arrayContaining([LESSON, "deployments-load-balancing", "debugging-services"]));
    await page.locator(`.picker-item[data-lesson="${LESSON}"]`).click();
    await page.waitForURL((url) => url.href !== before && /^\/s\/[A-Za-z0-9_-]+$/.test(url.pathname) && url.hash === "");
    await page.locator(`.lesson[data-lesson="${LESSON}"]`).waitFor();
    await page.locator(".command-input").waitFor();
    await page.screenshot({ path: `${RESULTS}/lesson-dark.png` });
    // On a phone: one column, the lesson's current step above the console, no sideways scroll.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const lesson = (await page.locator(".lesson").boundingBox())!;
    const terminal = (await page.locator(".console").boundingBox())!;
    expect(terminal.y).toBeGreaterThanOrEqual(lesson.y + lesson.height - 1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${RESULTS}/lesson-phone.png`, fullPage: true });
    await page.context().close();
  });
});

describe("a course author's own lesson", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  const yaml = `id: long-commands
title: Long commands
summary: A lesson whose command is longer than the panel is wide.
steps:
  - id: expose
    title: Expose it
    text: |
      \`\`\`sh
      kubectl create deployment web --image=nginx --replicas=2 && kubectl expose deployment web --port 8080 --target-port 80 --type NodePort
      \`\`\`
    check:
      object: { kind: Service, name: web }
solution:
  - kubectl create deployment web --image=nginx --replicas=2
  - kubectl expose deployment web --port 8080 --target-port 80 --type NodePort
`;

  it("is uploaded, embeds, and wraps a long command clear of its run button", async () => {
    const response = await fetch(`${baseUrl()}/api/lessons`, { method: "POST", headers: { "content-type": "application/yaml" }, body: yaml });
    expect(response.ok).toBe(true);
    const { id } = (await response.json()) as { id: string };
    const page = await newPage(browser, { viewport: { width: 390, height: 844 } });
    await page.goto(`${baseUrl()}/embed?lesson=${encodeURIComponent(id)}&map=0`);
    const block = page.locator(".lesson .code-block.runnable").first();
    await block.waitFor();
    const fits = await block.evaluate((el) => {
      const pre = el.querySelector("pre")!;
      const code = el.querySelector("code")!.getBoundingClientRect();
      const button = el.querySelector("button")!.getBoundingClientRect();
      return { hidden: pre.scrollWidth - pre.clientWidth, clear: button.left - code.right };
    });
    expect(fits.hidden).toBeLessThanOrEqual(0);
    expect(fits.clear).toBeGreaterThanOrEqual(0);
    await page.context().close();
  });
});
