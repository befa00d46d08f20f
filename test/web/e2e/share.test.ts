// The three share links: a snapshot that each visitor forks on their first command, the live
// edit link, and the read-only watch link that follows the session as it changes. The edit key
// lives in the browser's storage, not in the address bar.
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, entries, launch, newPage, openNewSession, RESULTS, storedKey, typeCommand } from "./browser.ts";

async function shareLink(page: Page, kind: "snapshot" | "live" | "watch"): Promise<string> {
  await page.getByRole("button", { name: "Share" }).click();
  await page.locator(`.share-item[data-share="${kind}"]`).click();
  const url = page.locator(`.share-url[data-kind="${kind}"]`);
  await url.waitFor();
  await expect.poll(() => page.locator(".share .copied").textContent()).toMatch(/Copied|copy/);
  const value = await url.inputValue();
  await page.keyboard.press("Escape");
  return value;
}

describe("sharing", () => {
  let browser: Browser;
  let owner: Page;
  let session: { id: string; key: string };

  beforeAll(async () => {
    browser = await launch();
    owner = await newPage(browser, { permissions: ["clipboard-read", "clipboard-write"] });
    session = await openNewSession(owner);
    await typeCommand(owner, "kubectl run web --image=nginx");
  });
  afterAll(async () => browser?.close());

  it("says Copied and puts the link on the clipboard", async () => {
    const link = await shareLink(owner, "watch");
    expect(link).toBe(`${new URL(owner.url()).origin}/s/${session.id}`);
    const clipboard = await owner.evaluate(() => navigator.clipboard.readText());
    expect(clipboard).toBe(link);
  });

  it("a snapshot link opened elsewhere forks on the first command; the original stays as it was", async () => {
    const link = await shareLink(owner, "snapshot");
    expect(link).toMatch(/\/p\/[A-Za-z0-9_-]+$/);
    const ownerEntries = await entries(owner).count();

    const visitor = await newPage(browser);
    await visitor.goto(link);
    await visitor.locator(".banner.snapshot").waitFor();
    // The snapshot shows what was done so far.
    await expect.poll(() => entries(visitor).count()).toBe(ownerEntries);
    await typeCommand(visitor, "kubectl run mine --image=nginx");
    await visitor.waitForURL((url) => /^\/s\/[A-Za-z0-9_-]+$/.test(url.pathname) && url.hash === "");
    const forkId = new URL(visitor.url()).pathname.split("/")[2];
    expect(forkId).not.toBe(session.id);
    await expect.poll(() => visitor.locator('.map .pod[data-name="mine"]').count()).toBe(1);

    // The original session did not get the visitor's pod or command.
    await owner.waitForTimeout(500);
    expect(await entries(owner).count()).toBe(ownerEntries);
    expect(await owner.locator('.map .pod[data-name="mine"]').count()).toBe(0);
    await visitor.context().close();
  });

  it("a watch link follows the session live, cannot type, and can make its own copy", async () => {
    const link = await shareLink(owner, "watch");
    const watcher = await newPage(browser);
    await watcher.goto(link);
    await watcher.locator(".banner.watch").waitFor();
    await expect.poll(() => watcher.locator(".conn.on").count()).toBe(1);
    expect(await watcher.locator(".command-input").count()).toBe(0);
    expect(await watcher.locator(".readonly-note").count()).toBe(1);

    await typeCommand(owner, "kubectl run live --image=nginx");
    await expect.poll(() => watcher.locator(".transcript").textContent(), { timeout: 10_000 }).toContain("kubectl run live --image=nginx");
    await expect.poll(() => watcher.locator('.map .pod[data-name="live"]').count(), { timeout: 10_000 }).toBe(1);

    // The API refuses a watcher's command too (no key).
    const refused = await watcher.request.post(`${baseUrl()}/api/sessions/${session.id}/commands`, { data: { command: "kubectl get pods" } });
    expect(refused.status()).toBe(403);

    await watcher.getByRole("button", { name: "Make my own copy" }).click();
    await watcher.waitForURL((url) => url.pathname !== `/s/${session.id}` && url.hash === "");
    expect(new URL(watcher.url()).pathname).toMatch(/^\/s\/[A-Za-z0-9_-]+$/);
    await watcher.locator(".command-input").waitFor();
    await watcher.context().close();
  });

  it("a live link lets someone else type into the same session", async () => {
    const link = await shareLink(owner, "live");
    expect(link).toBe(`${new URL(owner.url()).origin}/s/${session.id}#key=${session.key}`);
    const guest = await newPage(browser);
    await guest.goto(link);
    await guest.waitForURL(`${baseUrl()}/s/${session.id}`);
    await typeCommand(guest, "kubectl get pods");
    await expect.poll(() => owner.locator(".transcript").textContent(), { timeout: 10_000 }).toContain("kubectl get pods");
    await guest.context().close();
  });

  it("offers the edit link marked as such, apart from the other two", async () => {
    await owner.getByRole("button", { name: "Share" }).click();
    const edit = owner.locator('.share-item[data-share="live"]');
    expect(await edit.innerText()).toBe("Edit link\nanyone with it can change this cluster");
    await edit.click();
    await owner.locator('.share-url[data-kind="live"]').waitFor();
    expect(await owner.locator(".share-warning").innerText()).toMatch(/holds the edit key/);
    await owner.screenshot({ path: `${RESULTS}/share-menu-edit.png`, clip: { x: 780, y: 0, width: 500, height: 320 } });
    await owner.locator('.share-item[data-share="watch"]').click();
    await owner.locator('.share-url[data-kind="watch"]').waitFor();
    expect(await owner.locator(".share-warning").count()).toBe(0);
    await owner.keyboard.press("Escape");
  });

  it("takes the key out of the address bar and the tab's history; a reload stays editable", async () => {
    expect(owner.url()).toBe(`${baseUrl()}/s/${session.id}`);
    const page = await newPage(browser);
    await page.goto(`${baseUrl()}/s/${session.id}#key=${encodeURIComponent(session.key)}`);
    await page.waitForURL(`${baseUrl()}/s/${session.id}`);
    expect(await storedKey(page, session.id)).toBe(session.key);
    // The entry with the key was replaced, not kept: back leaves the site, forward shows /s/<id>.
    await page.goBack();
    expect(page.url()).toBe("about:blank");
    await page.goForward();
    expect(page.url()).toBe(`${baseUrl()}/s/${session.id}`);
    await page.reload();
    await page.locator(".command-input").waitFor();
    expect(await page.locator(".banner.watch").count()).toBe(0);
    expect(await typeCommand(page, "kubectl get pods -o name")).toMatch(/pod\/web/);
    // Another browser (no stored key) opening the bare address only watches.
    const stranger = await newPage(browser);
    await stranger.goto(`${baseUrl()}/s/${session.id}`);
    await stranger.locator(".banner.watch").waitFor();
    await page.context().close();
    await stranger.context().close();
  });

  it("downloads the read-only and the editor's kubeconfig, with the kubectl hint", async () => {
    await owner.getByRole("button", { name: "Share" }).click();
    await expect.poll(() => owner.locator(".share-hint").textContent()).toBe("kubectl --kubeconfig playground.kubeconfig get pods");
    const readOnly = owner.waitForEvent("download");
    await owner.locator('[data-kubeconfig="read-only"]').click();
    const plain = await readOnly;
    expect(plain.suggestedFilename()).toBe("playground.kubeconfig");
    const plainText = readFileSync((await plain.path())!, "utf8");
    expect(plainText).toContain(`server: ${new URL(owner.url()).origin}/api/sessions/${session.id}/k8s`);
    expect(plainText).not.toContain("token:");
    const edit = owner.waitForEvent("download");
    await owner.locator('[data-kubeconfig="edit"]').click();
    const editText = readFileSync((await (await edit).path())!, "utf8");
    expect(editText).toContain(`token: ${session.key}`);
    // Served over plain http here (npm start's first address): the note says where a writing one comes from.
    await owner.locator(".share-note").waitFor();
    await owner.keyboard.press("Escape");
  });
});
