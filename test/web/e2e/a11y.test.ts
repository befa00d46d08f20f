// Accessibility on every page and state: axe-core finds no serious or critical violation in the
// playground (with a request's route), the share menu, a lesson, a snapshot, the watch view and an
// embed, in both themes and on a phone; and the keyboard alone reaches and runs everything.
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, baseUrl, entries, launch, newPage, openNewSession, RESULTS, typeCommand, typeUntil } from "./browser.ts";

const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const THEMES = ["light", "dark"] as const;

/** Only what axe calls serious or critical: minor and moderate findings are advice, not barriers. */
async function barriers(page: Page): Promise<string[]> {
  return (await axeViolations(page, undefined, ["serious", "critical"])).sort();
}

describe("accessibility", () => {
  let browser: Browser;
  let session: { id: string; key: string };
  let editUrl: string;
  let snapshotUrl: string;

  beforeAll(async () => {
    browser = await launch();
    const page = await newPage(browser);
    session = await openNewSession(page);
    editUrl = `${baseUrl()}/s/${session.id}#key=${encodeURIComponent(session.key)}`;
    await typeCommand(page, "kubectl run nginx --image=nginx");
    await typeCommand(page, "kubectl expose pod nginx --type NodePort --port 80");
    await typeUntil(page, "kubectl get pods -o wide", /nginx\s+1\/1\s+Running/);
    const nodePort = /80:(\d+)\/TCP/.exec(await typeCommand(page, "kubectl get svc nginx"))![1];
    const nodeIP = await page.locator('.map .node[data-name="node01"]').getAttribute("data-ip");
    await typeCommand(page, `curl http://${nodeIP}:${nodePort}/`);
    const response = await page.request.post(`${baseUrl()}/api/sessions/${session.id}/snapshots`, {
      headers: { authorization: `Bearer ${session.key}` },
      data: {},
    });
    snapshotUrl = `${baseUrl()}/p/${(await response.json()).snapshotId}`;
    await page.context().close();
  });
  afterAll(async () => browser?.close());

  for (const theme of THEMES) {
    for (const [size, options] of [["laptop", {}], ["phone", PHONE]] as const) {
      it(`the playground, its share menu and its lesson picker (${theme}, ${size})`, async () => {
        const page = await newPage(browser, { colorScheme: theme, ...options });
        await page.goto(editUrl);
        await page.locator(".trace").waitFor();
        expect(await barriers(page)).toEqual([]);
        await page.screenshot({ path: `${RESULTS}/a11y-playground-${theme}-${size}.png` });
        await page.getByRole("button", { name: "Share" }).click();
        await page.locator(".share-menu").waitFor();
        expect(await barriers(page)).toEqual([]);
        await page.keyboard.press("Escape");
        await page.getByRole("button", { name: "Start a lesson" }).click();
        await page.locator(".picker-item").first().waitFor();
        expect(await barriers(page)).toEqual([]);
        await page.screenshot({ path: `${RESULTS}/a11y-picker-${theme}-${size}.png` });
        await page.context().close();
      });

      it(`a lesson, the snapshot and the watch view (${theme}, ${size})`, async () => {
        const page = await newPage(browser, { colorScheme: theme, ...options });
        const created = await page.request.post(`${baseUrl()}/api/sessions`, { data: { lesson: "services-nodeport" } });
        const lesson = (await created.json()) as { id: string; editKey: string };
        await page.goto(`${baseUrl()}/s/${lesson.id}#key=${encodeURIComponent(lesson.editKey)}`);
        await page.locator(".lesson").waitFor();
        await page.locator(".command-input").waitFor();
        expect(await barriers(page)).toEqual([]);
        await page.screenshot({ path: `${RESULTS}/a11y-lesson-${theme}-${size}.png` });

        await page.goto(snapshotUrl);
        await page.locator(".banner.snapshot").waitFor();
        await page.locator(".transcript .entry").first().waitFor();
        expect(await barriers(page)).toEqual([]);

        const watcher = await newPage(browser, { colorScheme: theme, ...options });
        await watcher.goto(`${baseUrl()}/s/${session.id}`);
        await watcher.locator(".readonly-note").waitFor();
        expect(await barriers(watcher)).toEqual([]);
        await watcher.screenshot({ path: `${RESULTS}/a11y-watch-${theme}-${size}.png` });
        await page.context().close();
        await watcher.context().close();
      });
    }

    it(`an embed with its map (${theme})`, async () => {
      const page = await newPage(browser, { viewport: { width: 880, height: 600 } });
      await page.goto(`${baseUrl()}/embed?map=1&theme=${theme}&setup=${encodeURIComponent("kubectl run seeded --image=nginx")}`);
      await page.locator(".command-input").waitFor();
      await page.locator('.map .pod[data-name="seeded"]').waitFor();
      expect(await barriers(page)).toEqual([]);
      await page.screenshot({ path: `${RESULTS}/a11y-embed-${theme}.png` });
      await page.context().close();
    });
  }

  it("the keyboard alone: the input has focus on load, a command runs, the share menu returns focus, the map's pods have names", async () => {
    const page = await newPage(browser);
    await page.goto(editUrl);
    await page.locator(".command-input").waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains("command-input"))).toBe(true);
    const before = await entries(page).count();
    await page.keyboard.type("kubectl get svc nginx");
    await page.keyboard.press("Enter");
    await expect.poll(() => entries(page).count()).toBe(before + 1);

    // The skip link is the first Tab stop and leads to the command line.
    // From the start of the document, as after a page load that put the focus nowhere.
    // The console gives the focus back to the command line once a command's answer is drawn; on a
    // loaded machine that can come after this, so the focus is moved to the body until it stays there.
    await expect
      .poll(async () => {
        await page.evaluate(() => {
          document.body.tabIndex = -1;
          document.body.focus();
          document.body.removeAttribute("tabindex");
        });
        await page.waitForTimeout(200);
        return page.evaluate(() => document.activeElement === document.body);
      })
      .toBe(true);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toMatch(/Skip to the command line/);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains("command-input"))).toBe(true);

    // Share: opened with Enter, focus goes into the dialog; Escape closes it and gives focus back to the button.
    const share = page.getByRole("button", { name: "Share" });
    await share.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest(".share-menu"))).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.locator(".share-menu").count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.classList.contains("share-button"))).toBe(true);
    // Choosing an item keeps the focus in the dialog, on the link it made.
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest(".share-menu"))).toBe(true);
    await page.keyboard.press("Enter");
    await page.locator(".share-url").waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains("share-url"))).toBe(true);
    await page.keyboard.press("Escape");
    expect(await page.evaluate(() => document.activeElement?.classList.contains("share-button"))).toBe(true);

    // A pod on the map takes focus and says what it is; its details are in the text a screen reader reads.
    const pod = page.locator('.map .pod[data-name="nginx"]');
    await pod.focus();
    const name = await pod.getAttribute("aria-label");
    expect(name).toMatch(/^pod nginx, Running \(ready\), 10\.\d+\.\d+\.\d+ on node\d+, image nginx/);
    const service = page.locator('.map .service[data-name="nginx"]');
    expect(await service.getAttribute("aria-label")).toMatch(/^service nginx, NodePort, ClusterIP [\d.]+, port 80:3\d{4}\/TCP/);
    // Outside any role=img, which would hide them from assistive technology.
    expect(await pod.evaluate((el) => !!el.parentElement!.closest('[role="img"]'))).toBe(false);
    await page.context().close();
  });

  it("with reduced motion, the packet does not move and the route does not advance by itself", async () => {
    const page = await newPage(browser, { reducedMotion: "reduce" });
    await page.goto(editUrl);
    await page.locator(".trace").waitFor();
    const nodeIP = await page.locator('.map .node[data-name="node01"]').getAttribute("data-ip");
    const nodePort = /80:(\d+)\/TCP/.exec(await typeCommand(page, "kubectl get svc nginx"))![1];
    await typeCommand(page, `curl -s -o /dev/null -w '%{http_code}' http://${nodeIP}:${nodePort}/`);
    // The whole route at once, on its last hop, with no moving packet.
    const hops = Number(await page.locator(".map .route").getAttribute("data-hops"));
    await expect.poll(() => page.locator(".map .step-marker").getAttribute("data-hop")).toBe(String(hops - 1));
    expect(await page.locator(".map .packet").count()).toBe(0);
    await page.context().close();
  });

  it("announces a summary of a command's output, not the whole page a curl fetched", async () => {
    const page = await newPage(browser);
    await page.goto(editUrl);
    await page.locator(".command-input").waitFor();
    const nodeIP = await page.locator('.map .node[data-name="node01"]').getAttribute("data-ip");
    const nodePort = /80:(\d+)\/TCP/.exec(await typeCommand(page, "kubectl get svc nginx"))![1];
    await typeCommand(page, `curl http://${nodeIP}:${nodePort}/`);
    // The transcript is not a live region (it would read the whole page); a status line says what happened.
    expect(await page.locator(".transcript[aria-live]").count()).toBe(0);
    const announced = await page.locator(".console .announce").textContent();
    expect(announced).toMatch(/^curl .*: \d+ lines of output, exit code 0\b/);
    expect(announced!.length).toBeLessThan(200);
    await page.context().close();
  });
});
