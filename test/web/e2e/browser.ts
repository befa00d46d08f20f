// Chromium (Debian's, via playwright-core) and the few things every page test does with it.
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core";
import { inject } from "vitest";

export const baseUrl = () => inject("baseUrl");
export const RESULTS = "test-results";

export async function launch(): Promise<Browser> {
  mkdirSync(RESULTS, { recursive: true });
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

export async function newPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
  return page;
}

/** Opens `/`, which creates a session, and waits for the console. Returns the session id and key. */
export async function openNewSession(page: Page): Promise<{ id: string; key: string }> {
  // `/?new`: a new cluster even when this browser has one to resume (`/` would offer that first).
  await page.goto(baseUrl() + "/?new");
  // The page shows /s/<id> and keeps the key in localStorage, out of the address bar.
  await page.waitForURL((url) => /^\/s\/[A-Za-z0-9_-]+$/.test(url.pathname) && url.hash === "");
  await page.locator(".command-input").waitFor();
  const id = new URL(page.url()).pathname.split("/")[2];
  return { id, key: (await storedKey(page, id))! };
}

/** The edit key this browser remembers for a session. */
export function storedKey(page: Page, id: string): Promise<string | null> {
  return page.evaluate((name) => localStorage.getItem(name), `kube-playground:key:${id}`);
}

export const entries = (page: Page) => page.locator(".transcript .entry:not(.local)");

/** Types a command as a person would and waits for its output to appear. Returns the output text. */
export async function typeCommand(page: Page, command: string): Promise<string> {
  const before = await entries(page).count();
  const input = page.locator(".command-input");
  await input.click();
  await input.pressSequentially(command, { delay: 2 });
  await input.press("Enter");
  await page.waitForFunction((n) => document.querySelectorAll(".transcript .entry:not(.local)").length > n, before);
  await input.waitFor();
  return lastOutput(page);
}

export async function lastOutput(page: Page): Promise<string> {
  const last = entries(page).last();
  return (await last.locator("pre.output").count()) ? last.locator("pre.output").innerText() : "";
}

/** Runs a command until its output matches (pods take a moment to start). */
export async function typeUntil(page: Page, command: string, pattern: RegExp, tries = 20): Promise<string> {
  let output = "";
  for (let i = 0; i < tries; i++) {
    output = await typeCommand(page, command);
    if (pattern.test(output)) return output;
    await page.waitForTimeout(500);
  }
  throw new Error(`"${command}" never printed ${pattern}; last output:\n${output}`);
}

/** Pastes text into the console as the clipboard would. */
export async function paste(page: Page, text: string): Promise<void> {
  await page.locator(".command-input").evaluate((input, value) => {
    const data = new DataTransfer();
    data.setData("text/plain", value);
    input.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

let axeSource: string | undefined;

/**
 * axe-core's violations on the page (or inside `selector`), as "rule: target, ..." lines; only
 * those of the given impacts when `impacts` is given.
 */
export async function axeViolations(page: Page, selector?: string, impacts?: string[]): Promise<string[]> {
  // Evaluated rather than added as a <script>: the page's Content-Security-Policy (rightly) refuses inline scripts.
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(axeSource);
  return page.evaluate(async ({ context, only }) => {
    const axe = (window as unknown as { axe: { run(context: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(context ?? document);
    return result.violations
      .filter((v) => !only || only.includes(v.impact))
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }, { context: selector ?? null, only: impacts ?? null });
}
