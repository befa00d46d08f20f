// vi and kubectl edit in the browser console: the editor panel takes the terminal's place, vim's
// keys save and quit, and the command ends with what real kubectl prints.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entries, lastOutput, launch, newPage, openNewSession, RESULTS, typeCommand } from "./browser.ts";
import { missingLastAppliedWarning } from "../../../worker/sim/kubectl/last-applied.ts";

describe("the editor", () => {
  let browser: Browser;
  let page: Page;
  const panel = () => page.locator(".editor-panel");
  const text = () => page.locator(".editor-panel .cm-content");

  /** Types a command that opens the editor, and waits for it. */
  async function open(command: string): Promise<void> {
    const input = page.locator(".command-input");
    await input.click();
    await input.pressSequentially(command, { delay: 2 });
    await input.press("Enter");
    await text().waitFor();
  }

  /** Leaves the editor and waits for the console and the command's last entry. */
  async function leaveWith(keys: () => Promise<void>): Promise<string> {
    const before = await entries(page).count();
    await keys();
    await page.waitForFunction((n) => document.querySelectorAll(".transcript .entry:not(.local)").length > n, before);
    await page.locator(".command-input").waitFor();
    return lastOutput(page);
  }

  beforeAll(async () => {
    browser = await launch();
    page = await newPage(browser);
    await openNewSession(page);
    await typeCommand(page, "kubectl create deployment web --image=nginx");
    await typeCommand(page, "kubectl expose deployment web --port=80");
  });
  afterAll(async () => browser?.close());

  it("edits a file in vi: :wq writes it, and kubectl apply -f takes the change", async () => {
    await typeCommand(page, "kubectl get svc web -o yaml > svc.yaml");
    await open("vi svc.yaml");
    // The editor takes the terminal's place, as a full-screen editor does.
    expect(await page.locator(".command-input").isVisible()).toBe(false);
    expect(await page.locator(".editor-title").innerText()).toBe("vi svc.yaml");
    expect(await text().innerText()).toContain("- port: 80");
    // Highlighted as YAML: keys and values are in different token styles.
    expect(await page.locator(".editor-panel .cm-line span[class]").count()).toBeGreaterThan(3);
    await text().click();
    await page.keyboard.press("Escape");
    await page.keyboard.type(":%s/- port: 80/- port: 8080/", { delay: 5 });
    await page.keyboard.press("Enter");
    await expect.poll(() => text().innerText()).toContain("- port: 8080");
    await page.screenshot({ path: `${RESULTS}/editor-vi.png` });
    const output = await leaveWith(async () => {
      await page.keyboard.type(":wq", { delay: 5 });
      await page.keyboard.press("Enter");
    });
    expect(output).toBe("");
    expect(await panel().count()).toBe(0);
    expect(await typeCommand(page, "grep 'port: 8080' svc.yaml")).toBe("  - port: 8080");
    // expose made the Service without apply, so kubectl warns before patching the annotation in.
    expect(await typeCommand(page, "kubectl apply -f svc.yaml")).toBe(`${missingLastAppliedWarning("services/web")}service/web configured`);
  });

  it("says vim's E37 on :q with changes, and :q! leaves the file as it was", async () => {
    await open("vim svc.yaml");
    await text().click();
    await page.keyboard.press("Escape");
    await page.keyboard.type("dd:q", { delay: 5 });
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator(".editor-status").innerText()).toBe("E37: No write since last change (add ! to override)");
    await leaveWith(async () => {
      await page.keyboard.type(":q!", { delay: 5 });
      await page.keyboard.press("Enter");
    });
    expect(await typeCommand(page, "head -1 svc.yaml")).toBe("apiVersion: v1");
  });

  it("runs kubectl edit: the object under kubectl's header, Save applies it", async () => {
    await open("kubectl edit svc web");
    expect(await text().innerText()).toMatch(/^# Please edit the object below\. Lines beginning with a '#' will be ignored,/);
    await text().click();
    await page.keyboard.press("Escape");
    await page.keyboard.type(":%s/- port: 8080/- port: 9090/", { delay: 5 });
    await page.keyboard.press("Enter");
    await expect.poll(() => text().innerText()).toContain("- port: 9090");
    await page.screenshot({ path: `${RESULTS}/editor-kubectl-edit.png` });
    const output = await leaveWith(() => page.locator(".editor-save").click());
    expect(output).toBe("service/web edited");
    await page.screenshot({ path: `${RESULTS}/editor-after.png` });
    expect(await typeCommand(page, "kubectl get svc web -o jsonpath='{.spec.ports[0].port}'")).toBe("9090");
  });

  it("uses nano's keys when KUBE_EDITOR names nano; Cancel changes nothing", async () => {
    await open("KUBE_EDITOR=nano kubectl edit svc web");
    expect(await page.locator(".editor-help").innerText()).toContain("^X Exit");
    await page.screenshot({ path: `${RESULTS}/editor-nano.png` });
    expect(await leaveWith(() => page.locator(".editor-cancel").click())).toBe("Edit cancelled, no changes made.");
  });

  it("comes back after a reload while it is open", async () => {
    await open("nano notes.txt");
    expect(await page.locator(".editor-status").innerText()).toBe("[ New File ]");
    await page.reload();
    await text().waitFor();
    expect(await page.locator(".editor-title").innerText()).toBe("GNU nano notes.txt");
    expect(await leaveWith(() => page.locator(".editor-cancel").click())).toBe("");
    expect(await typeCommand(page, "ls notes.txt")).toBe("ls: cannot access 'notes.txt': No such file or directory");
  });
});
