// The lesson panel's Check again, Skip and Back with the keyboard alone: a learner follows the
// seed lesson by Tab and Enter, and axe-core finds no serious or critical violation in the panel.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, baseUrl, launch, newPage, RESULTS } from "./browser.ts";

/** Presses Tab (or Shift+Tab) until the focused element's text or label is `name`; fails after 80 presses. */
async function tabTo(page: Page, name: string | RegExp, backwards = false): Promise<void> {
  for (let i = 0; i < 80; i++) {
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el ? (el.getAttribute("aria-label") ?? el.textContent ?? "").trim() : "";
    });
    if (typeof name === "string" ? focused === name : name.test(focused)) return;
    await page.keyboard.press(backwards ? "Shift+Tab" : "Tab");
  }
  throw new Error(`no Tab stop named ${name}`);
}

const currentStep = (page: Page) => page.locator("aside.lesson").getAttribute("data-step");

describe("lesson controls with the keyboard", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  it("follows the seed lesson with Check again, Skip and Back, and the panel passes axe", async () => {
    const page = await newPage(browser, { viewport: { width: 1280, height: 800 } });
    const created = await page.request.post(`${baseUrl()}/api/sessions`, { data: { lesson: "services-nodeport" } });
    const session = (await created.json()) as { id: string; editKey: string };
    await page.goto(`${baseUrl()}/s/${session.id}#key=${encodeURIComponent(session.editKey)}`);
    await page.locator(".lesson").waitFor();
    expect(await currentStep(page)).toBe("run-a-pod");
    // The first step's command, typed: the input has the focus on load.
    await page.locator(".command-input:focus").waitFor();
    await page.keyboard.type("kubectl run nginx --image=nginx");
    await page.keyboard.press("Enter");
    await page.locator(".transcript .entry:not(.local)").first().waitFor();

    // Check again (Enter on it) until the pod is ready and the step completes.
    await tabTo(page, "Check again", true);
    for (let i = 0; i < 30 && (await currentStep(page)) === "run-a-pod"; i++) {
      await page.keyboard.press("Enter");
      await page.waitForTimeout(500);
    }
    expect(await currentStep(page)).toBe("pod-ip-from-outside");
    await expect.poll(() => page.locator(".lesson-done-note").innerText()).toBe("✓ Done: Run a pod and find its IP");

    // Skip the pod-IP step: it is marked skipped, and the next one begins.
    await tabTo(page, "Skip this step →");
    await page.keyboard.press("Enter");
    await expect.poll(() => currentStep(page)).toBe("expose-nodeport");
    expect(await page.locator('.lesson-steps li[data-step="pod-ip-from-outside"]').getAttribute("class")).toBe("skipped");
    expect(await page.locator('.lesson-steps li[data-step="pod-ip-from-outside"]').innerText()).toContain("(skipped)");
    expect(await axeViolations(page, ".lesson", ["serious", "critical"])).toEqual([]);
    await page.screenshot({ path: `${RESULTS}/lesson-controls-skipped.png` });

    // Check again before anything is exposed: the verdict names what is missing.
    await tabTo(page, "Check again", true);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator(".lesson-check").innerText()).toBe("Not yet: there is no service nginx in namespace default");

    // Back: step 2 begins again, no longer skipped.
    await tabTo(page, "← Back to step 2", true);
    await page.keyboard.press("Enter");
    await expect.poll(() => currentStep(page)).toBe("pod-ip-from-outside");
    expect(await page.locator('.lesson-steps li[data-step="pod-ip-from-outside"]').getAttribute("class")).toBe("current");
    expect(await axeViolations(page, ".lesson", ["serious", "critical"])).toEqual([]);
    await page.screenshot({ path: `${RESULTS}/lesson-controls-back.png` });

    // The moves were stored: a reload shows the same step.
    await page.reload();
    await page.locator(".lesson").waitFor();
    expect(await currentStep(page)).toBe("pod-ip-from-outside");
    await page.context().close();
  }, 180_000);
});
