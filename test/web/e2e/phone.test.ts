// On a phone (390x844): a curl's route is on screen without scrolling (a compact route under its
// output; the map and route panel are far below), wide tables scroll with a visible edge or wrap
// on request, and the output's buttons never cover its text.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entries, launch, newPage, openNewSession, RESULTS, typeCommand, typeUntil } from "./browser.ts";

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe("on a phone", () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launch();
    page = await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    // A returning visitor: the first visit's orientation was dismissed before.
    await page.addInitScript(() => localStorage.setItem("kube-playground:oriented", "1"));
    await openNewSession(page);
    await typeCommand(page, "kubectl run nginx --image=nginx");
    await typeCommand(page, "kubectl expose pod nginx --type NodePort --port 80");
    await typeUntil(page, "kubectl get pods", /nginx\s+1\/1\s+Running/);
  });
  afterAll(async () => browser?.close());

  it("shows a curl's route under its output, on screen, without scrolling the page", async () => {
    const nodePort = /80:(\d+)\/TCP/.exec(await typeCommand(page, "kubectl get svc nginx"))![1];
    const nodeIP = await page.locator('.map .node[data-name="node01"]').getAttribute("data-ip");
    await typeCommand(page, `curl -s -o /dev/null -w '%{http_code}\\n' http://${nodeIP}:${nodePort}/`);
    expect(await page.evaluate(() => scrollY)).toBe(0);
    const route = entries(page).last().locator(".route-compact");
    expect(await route.innerText()).toMatch(/^route: workstation → node01 → service default\/nginx → .* answered 200$/);
    const box = (await route.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(844);
    // And the prompt is still on screen under it.
    const prompt = (await page.locator(".command-input").boundingBox())!;
    expect(prompt.y + prompt.height).toBeLessThanOrEqual(844);
    await page.screenshot({ path: `${RESULTS}/phone-route.png` });
  });

  it("lets a table wider than the screen scroll, focusable, or wrap at a button's press", async () => {
    await typeCommand(page, "kubectl get svc");
    const entry = entries(page).last();
    const pre = entry.locator("pre.output");
    expect(await pre.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await pre.getAttribute("class")).toContain("wide");
    expect(await pre.getAttribute("tabindex")).toBe("0");
    await entry.getByRole("button", { name: "wrap" }).click();
    await expect.poll(() => pre.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    expect(await entry.getByRole("button", { name: "wrap" }).getAttribute("aria-pressed")).toBe("true");
    // PORT(S) is on screen now.
    expect(await pre.innerText()).toMatch(/80:3\d{4}\/TCP/);
    await page.screenshot({ path: `${RESULTS}/phone-wrapped.png` });
  });

  it("never puts a button over output text", async () => {
    const count = await entries(page).count();
    for (let i = 0; i < count; i++) {
      const entry = entries(page).nth(i);
      if (!(await entry.locator("pre.output").count())) continue;
      const pre = (await entry.locator("pre.output").boundingBox())!;
      for (const tool of await entry.locator(".tool").all()) {
        const box = (await tool.boundingBox())!;
        expect(overlaps(box, pre), `entry ${i}: a tool over the output`).toBe(false);
        // 24x24 CSS px targets (WCAG 2.2).
        expect(box.width).toBeGreaterThanOrEqual(24);
        expect(box.height).toBeGreaterThanOrEqual(24);
      }
    }
  });
});
