// A newcomer's first minutes in Chromium: the orientation and its runnable path, the next-step
// suggestion, help and history with bash's numbering and `!!`, a paste run line by line (the last
// line too), Up recalling a heredoc as it was typed, and `/` offering the playground back.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, entries, lastOutput, launch, newPage, openNewSession, paste, RESULTS, typeCommand } from "./browser.ts";

describe("the first minutes", () => {
  let browser: Browser;
  let page: Page;
  let session: { id: string; key: string };
  const input = () => page.locator(".command-input");

  beforeAll(async () => {
    browser = await launch();
    page = await newPage(browser);
    session = await openNewSession(page);
  });
  afterAll(async () => browser?.close());

  it("orients a first visitor: where the console is, the lecture's path to click, the lessons; dismissed for good", async () => {
    const orientation = page.locator(".orientation");
    await orientation.waitFor();
    expect(await orientation.textContent()).toContain("workstation outside the cluster");
    expect(await orientation.textContent()).toContain("Start a lesson");
    await page.screenshot({ path: `${RESULTS}/first-minutes-orientation.png` });
    await orientation.getByRole("button", { name: "kubectl run nginx --image=nginx" }).click();
    await expect.poll(() => entries(page).count()).toBe(1);
    expect(await lastOutput(page)).toBe("pod/nginx created");
    // The next step follows what was done.
    await expect.poll(() => page.locator(".console .hint-command").textContent(), { timeout: 15_000 }).toBe("kubectl expose pod nginx --port 80 --type NodePort");
    await page.locator(".console .hint-command").click();
    expect(await input().inputValue()).toBe("kubectl expose pod nginx --port 80 --type NodePort");
    await input().press("Enter");
    await expect.poll(() => page.locator(".console .hint-command").textContent()).toBe("kubectl get svc");
    // With the Service there, the orientation's curl has its real NodePort.
    await expect.poll(() => orientation.getByRole("button", { name: /^curl http:\/\/192\.168\.56\.11:3\d{4}$/ }).count()).toBe(1);
    await page.screenshot({ path: `${RESULTS}/first-minutes-next-step.png` });
    await orientation.getByRole("button", { name: "Got it" }).click();
    expect(await page.locator(".orientation").count()).toBe(0);
    await page.reload();
    await input().waitFor();
    expect(await page.locator(".orientation").count()).toBe(0);
  });

  it("answers help and man, and keeps bash's history: numbers, !!, event not found", async () => {
    expect(await typeCommand(page, "help")).toContain("workstation outside the cluster");
    expect(await typeCommand(page, "man kubectl")).toBe("No manual entry for kubectl");
    expect(await typeCommand(page, "echo one")).toBe("one");
    expect(await typeCommand(page, "!!")).toBe("echo one\none");
    expect(await typeCommand(page, "!999")).toBe("-bash: !999: event not found");
    const listed = await typeCommand(page, "history 3");
    expect(listed).toMatch(/^ {3,4}\d+ {2}man kubectl\n {3,4}\d+ {2}echo one\n {3,4}\d+ {2}history 3$/);
    // Up walks the session's history: `!!` entered it as `echo one`, a repeat not kept twice.
    await input().press("ArrowUp");
    expect(await input().inputValue()).toBe("history 3");
    await input().press("ArrowUp");
    expect(await input().inputValue()).toBe("echo one");
    await input().fill("");
  });

  it("runs every pasted line, the last one too, and recalls a heredoc with Up as it was typed", async () => {
    const before = await entries(page).count();
    await paste(page, "echo first\necho last");
    await expect.poll(() => entries(page).count(), { timeout: 10_000 }).toBe(before + 2);
    expect(await lastOutput(page)).toBe("last");
    expect(await input().inputValue()).toBe("");
    await paste(page, "cat <<EOF\nline one\nEOF\n");
    await expect.poll(() => lastOutput(page), { timeout: 10_000 }).toBe("line one");
    await input().press("ArrowUp");
    // The first lines come back on their prompts, the delimiter on the input line.
    const typed = page.locator(".console-scroll > .line .typed");
    expect(await typed.allTextContents()).toEqual(["cat <<EOF", "line one"]);
    expect(await input().inputValue()).toBe("EOF");
    await page.screenshot({ path: `${RESULTS}/first-minutes-heredoc-recall.png` });
    const count = await entries(page).count();
    await input().press("Enter");
    await expect.poll(() => entries(page).count()).toBe(count + 1);
    expect(await lastOutput(page)).toBe("line one");
  });

  it("offers the playground back on /, and starts a new one on request", async () => {
    await page.goto(baseUrl() + "/");
    const resume = page.getByRole("button", { name: "Resume my last playground" });
    await resume.waitFor();
    await page.screenshot({ path: `${RESULTS}/first-minutes-resume.png` });
    await resume.click();
    await page.waitForURL((url) => url.pathname === `/s/${session.id}`);
    await input().waitFor();
    expect(await page.locator(".transcript").textContent()).toContain("pod/nginx created");
    await page.goto(baseUrl() + "/");
    await page.getByRole("button", { name: "Start a new cluster" }).click();
    await page.waitForURL((url) => /^\/s\/[A-Za-z0-9_-]+$/.test(url.pathname) && url.pathname !== `/s/${session.id}`);
    await input().waitFor();
    // Once the new one has work too, the old one is listed under it.
    await typeCommand(page, "kubectl get pods");
    await page.goto(baseUrl() + "/");
    await expect.poll(() => page.locator(".recent-list a").allTextContents()).toEqual([`/s/${session.id}`]);
  });
});
