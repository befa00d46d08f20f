// A session with several clusters in the page: the map draws the current context's cluster, its
// context picker switches the console (by typing kubectl's command) and the map follows, and
// `kubectl config use-context` typed in the console moves the picker and the map too.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, baseUrl, entries, launch, newPage, RESULTS, typeCommand } from "./browser.ts";

const nodeNames = (page: Page) => page.locator(".map g.node").evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-name")));

describe("several clusters in the page", () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launch();
    page = await newPage(browser);
    const response = await page.request.post(`${baseUrl()}/api/sessions`, { data: { clusters: [{ name: "k8s-c1" }, { name: "k8s-c2" }, { name: "k8s-c3" }] } });
    expect(response.status()).toBe(201);
    const { id, editKey } = (await response.json()) as { id: string; editKey: string };
    await page.goto(`${baseUrl()}/s/${id}#key=${encodeURIComponent(editKey)}`);
    await page.locator(".command-input").waitFor();
  });
  afterAll(async () => browser?.close());

  it("shows the current context above the map and switches with its picker", async () => {
    const picker = page.getByLabel("context");
    await expect.poll(() => picker.inputValue()).toBe("k8s-c1");
    expect(await nodeNames(page)).toEqual(["controlplane", "node01", "node02"]);
    const before = await entries(page).count();
    await picker.selectOption("k8s-c2");
    await expect.poll(() => entries(page).count()).toBe(before + 1);
    expect(await entries(page).last().innerText()).toContain('kubectl config use-context k8s-c2\nSwitched to context "k8s-c2".');
    await expect.poll(() => nodeNames(page)).toEqual(["cluster2-controlplane", "cluster2-node1", "cluster2-node2"]);
    await page.locator(".map").screenshot({ path: `${RESULTS}/contexts-map-k8s-c2.png` });
    expect(await axeViolations(page, ".map-tools")).toEqual([]);
  });

  it("follows a use-context typed in the console", async () => {
    expect(await typeCommand(page, "kubectl config use-context k8s-c3")).toBe('Switched to context "k8s-c3".');
    await expect.poll(() => page.getByLabel("context").inputValue()).toBe("k8s-c3");
    await expect.poll(() => nodeNames(page)).toEqual(["cluster3-controlplane", "cluster3-node1", "cluster3-node2"]);
  });
});
