// A command pasted from course notes: kubectl's real error, then the playground's hint apart from
// it, whose button puts the corrected command on the input line for Enter to run.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, entries, launch, newPage, openNewSession, paste, RESULTS, typeCommand } from "./browser.ts";

// The lecture's command as its notes print it: typographic en dashes (U+2013) where `--` was meant.
const LECTURE = "kubectl expose pod web –name web-svc –port 8080 –target-port 80 –type NodePort";
const MEANT = "kubectl expose pod web --name web-svc --port 8080 --target-port 80 --type NodePort";

describe("a command pasted from course notes", () => {
  let browser: Browser;
  let page: Page;
  let sessionUrl: string;
  const input = () => page.locator(".command-input");

  beforeAll(async () => {
    browser = await launch();
    page = await newPage(browser, { colorScheme: "light" });
    const { key } = await openNewSession(page);
    sessionUrl = `${page.url()}#key=${encodeURIComponent(key)}`;
    await typeCommand(page, "kubectl run web --image=nginx");
  });
  afterAll(async () => browser?.close());

  it("shows kubectl's error as output and the hint apart from it", async () => {
    await paste(page, LECTURE + "\n");
    await expect.poll(() => entries(page).count()).toBe(2);
    const entry = entries(page).last();
    expect(await entry.getAttribute("data-exit-code")).toBe("1");
    // The output is exactly kubectl's; the hint is not in it.
    expect(await entry.locator("pre.output").innerText()).toBe("error: couldn't find port via --port flag or introspection");
    const hint = entry.locator(".paste-hint");
    expect(await hint.locator(".paste-hint-message").innerText()).toMatch(/^hint: .*en dash \(U\+2013\)/);
    expect(await hint.locator(".paste-hint-command").innerText()).toBe(MEANT);
    // Styled apart: not the output's colour, and not monospaced program text.
    const colours = await page.evaluate(() => {
      const label = document.querySelector(".paste-hint-label")!;
      const output = document.querySelector(".transcript .entry:last-child pre.output")!;
      return { label: getComputedStyle(label).color, output: getComputedStyle(output).color };
    });
    expect(colours.label).not.toBe(colours.output);
    await page.screenshot({ path: `${RESULTS}/paste-hint-light.png` });
  });

  it("has no accessibility violations in the transcript with a hint", async () => {
    expect(await axeViolations(page)).toEqual([]);
  });

  it("puts the corrected command on the input line from the keyboard, and Enter runs it", async () => {
    // Reached with Tab from the page, as a keyboard user would: focus the button, press Enter.
    const button = entries(page).last().getByRole("button", { name: "Use the corrected command" });
    await button.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => input().inputValue()).toBe(MEANT);
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains("command-input"))).toBe(true);
    await page.keyboard.press("Enter");
    await expect.poll(() => entries(page).count()).toBe(3);
    const entry = entries(page).last();
    expect(await entry.locator("pre.output").innerText()).toBe("service/web-svc exposed");
    expect(await entry.getAttribute("data-exit-code")).toBe("0");
    expect(await entry.locator(".paste-hint").count()).toBe(0);
    const svc = await typeCommand(page, "kubectl get svc web-svc");
    expect(svc).toMatch(/^web-svc\s+NodePort\s+\S+\s+<none>\s+8080:3\d{4}\/TCP/m);
  });

  it("fits a phone, in the dark theme too, without sideways scrolling", async () => {
    for (const theme of ["dark", "light"] as const) {
      const phone = await newPage(browser, { colorScheme: theme, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
      await phone.goto(sessionUrl);
      const hint = phone.locator(".paste-hint").first();
      await hint.waitFor();
      await hint.scrollIntoViewIfNeeded();
      const box = (await hint.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      const widths = await phone.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth }));
      expect(widths.page).toBeLessThanOrEqual(widths.viewport);
      expect(await axeViolations(phone)).toEqual([]);
      await phone.screenshot({ path: `${RESULTS}/paste-hint-phone-${theme}.png` });
      await phone.context().close();
    }
  });
});
