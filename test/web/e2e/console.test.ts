// The console behaves like a terminal: history, Tab completion, Ctrl+C, Ctrl+L, pastes of
// several commands and of heredocs, spacing kept exactly, copy buttons, the first-visit hint.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entries, launch, newPage, openNewSession, paste, typeCommand } from "./browser.ts";

describe("the console", () => {
  let browser: Browser;
  let page: Page;
  const input = () => page.locator(".command-input");

  beforeAll(async () => {
    browser = await launch();
    page = await newPage(browser, { permissions: ["clipboard-read", "clipboard-write"] });
    await openNewSession(page);
  });
  afterAll(async () => browser?.close());

  it("greets a first visitor with a hint that types itself in when clicked", async () => {
    const hint = page.locator(".console .hint-command");
    expect(await hint.textContent()).toBe("kubectl run nginx --image=nginx");
    await hint.click();
    expect(await input().inputValue()).toBe("kubectl run nginx --image=nginx");
    await input().press("Enter");
    await expect.poll(() => entries(page).count()).toBe(1);
    // Then the lecture's next step, read off the cluster (the pod starting, then its Service).
    await expect.poll(() => hint.textContent()).not.toBe("kubectl run nginx --image=nginx");
  });

  it("shows the prompt from the session and keeps output spacing exactly", async () => {
    expect(await page.locator(".input-line .prompt").textContent()).toBe("student@workstation:~$ ");
    const out = await typeCommand(page, "kubectl get pods");
    expect(out).toMatch(/^NAME {2,}READY {2,}STATUS {2,}RESTARTS {2,}AGE/);
    const whiteSpace = await entries(page).last().locator("pre.output").evaluate((el) => getComputedStyle(el).whiteSpace);
    expect(whiteSpace).toBe("pre");
    const font = await entries(page).last().locator("pre.output").evaluate((el) => getComputedStyle(el).fontFamily);
    expect(font).toMatch(/mono/i);
  });

  it("recalls earlier commands with Up and Down, and keeps them per session across a reload", async () => {
    await typeCommand(page, "kubectl get svc");
    await input().press("ArrowUp");
    expect(await input().inputValue()).toBe("kubectl get svc");
    await input().press("ArrowUp");
    expect(await input().inputValue()).toBe("kubectl get pods");
    await input().press("ArrowDown");
    expect(await input().inputValue()).toBe("kubectl get svc");
    await input().press("ArrowDown");
    expect(await input().inputValue()).toBe("");
    await page.reload();
    await input().waitFor();
    await input().press("ArrowUp");
    expect(await input().inputValue()).toBe("kubectl get svc");
    await input().fill("");
  });

  it("completes commands, resource types, names from the cluster and flags with Tab", async () => {
    const tab = async (typed: string) => {
      await input().fill(typed);
      await input().press("Tab");
      return input().inputValue();
    };
    expect(await tab("kub")).toBe("kubectl ");
    expect(await tab("kubectl desc")).toBe("kubectl describe ");
    expect(await tab("kubectl get depl")).toBe("kubectl get deployments ");
    // services and serviceaccounts share "service": Tab completes the common part, as bash does.
    expect(await tab("kubectl get serv")).toBe("kubectl get service");
    expect(await tab("kubectl describe pod ngi")).toBe("kubectl describe pod nginx ");
    expect(await tab("kubectl expose pod nginx --target-p")).toBe("kubectl expose pod nginx --target-port ");
    expect(await tab("kubectl expose pod nginx --type Node")).toBe("kubectl expose pod nginx --type NodePort ");
    // Two Tabs with several matches list them, as bash does.
    await input().fill("kubectl get -");
    await input().press("Tab");
    await input().press("Tab");
    await expect.poll(() => page.locator(".entry.local pre.output").last().textContent()).toContain("--show-labels");
    await input().fill("");
  });

  it("drops the line with Ctrl+C and clears the screen with Ctrl+L", async () => {
    await input().fill("kubectl delete pod nginx");
    await input().press("Control+c");
    expect(await input().inputValue()).toBe("");
    await expect.poll(() => page.locator(".entry.local .typed").last().textContent()).toBe("kubectl delete pod nginx^C");
    expect(await page.locator(".transcript").textContent()).not.toContain("pod \"nginx\" deleted");
    await input().press("Control+l");
    expect(await entries(page).count()).toBe(0);
    // The session keeps its transcript; only the screen was cleared.
    await typeCommand(page, "kubectl get pods");
    expect(await entries(page).count()).toBe(1);
  });

  it("sends Ctrl+C to a kubectl port-forward that holds the console: it stops, and $? is 130", async () => {
    await typeCommand(page, "kubectl run pf --image=nginx");
    await typeCommand(page, "sleep 20");
    expect(await typeCommand(page, "kubectl port-forward pod/pf 8080:80")).toBe("Forwarding from 127.0.0.1:8080 -> 80\nForwarding from [::1]:8080 -> 80");
    const before = await entries(page).count();
    await input().press("Control+c");
    await expect.poll(() => entries(page).count()).toBe(before + 1);
    expect(await entries(page).last().locator("pre.output").textContent()).toBe("^C");
    expect(await typeCommand(page, "echo $?")).toBe("130");
  });

  it("runs a paste of several commands one after another", async () => {
    await paste(page, "kubectl run a --image=nginx\nkubectl run b --image=nginx\n");
    await expect.poll(() => page.locator(".transcript").textContent(), { timeout: 10_000 }).toContain("pod/b created");
    const text = (await page.locator(".transcript").textContent())!;
    expect(text.indexOf("pod/a created")).toBeLessThan(text.indexOf("pod/b created"));
  });

  it("runs a pasted heredoc as one command", async () => {
    await paste(
      page,
      [
        "kubectl apply -f - <<EOF",
        "apiVersion: v1",
        "kind: Service",
        "metadata:",
        "  name: pasted",
        "spec:",
        "  selector:",
        "    run: a",
        "  ports:",
        "  - port: 80",
        "EOF",
        "",
      ].join("\n"),
    );
    await expect.poll(() => page.locator(".transcript").textContent(), { timeout: 10_000 }).toContain("service/pasted created");
    const last = entries(page).last();
    expect(await last.locator(".line .prompt").nth(1).textContent()).toBe("> ");
  });

  it("continues a typed heredoc with > until its delimiter", async () => {
    await input().fill("cat <<END");
    await input().press("Enter");
    expect(await page.locator(".input-line .prompt").textContent()).toBe("> ");
    await input().fill("END");
    await input().press("Enter");
    await expect.poll(() => page.locator(".input-line .prompt").textContent()).toBe("student@workstation:~$ ");
    expect(await entries(page).last().locator(".typed").first().textContent()).toBe("cat <<END");
  });

  it("continues an open quote with >, and keeps what it read in a shell variable for the next command", async () => {
    await input().fill('MSG="pod IP:');
    await input().press("Enter");
    expect(await page.locator(".input-line .prompt").textContent()).toBe("> ");
    await input().fill(`$(kubectl get pod nginx -o jsonpath='{.status.podIP}')"`);
    await input().press("Enter");
    await expect.poll(() => page.locator(".input-line .prompt").textContent()).toBe("student@workstation:~$ ");
    expect(await typeCommand(page, 'echo "$MSG"')).toMatch(/^pod IP:\n10\.244\.\d+\.\d+$/);
  });

  it("copies an output with its copy button", async () => {
    await typeCommand(page, "kubectl get pods");
    const last = entries(page).last();
    await last.hover();
    await last.getByRole("button", { name: "Copy output" }).click();
    await expect.poll(() => last.getByRole("button", { name: "Copy output" }).textContent()).toBe("copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/^NAME\s+READY/);
  });

  it("lets the keyboard leave the console with Escape then Tab", async () => {
    await input().focus();
    await input().press("Escape");
    await input().press("Tab");
    expect(await page.evaluate(() => document.activeElement?.classList.contains("command-input"))).toBe(false);
  });

  it("announces a summary of each command to screen readers, not the transcript itself", async () => {
    await typeCommand(page, "kubectl get nodes");
    // role=log would be a live region too: the whole of a curl's page would be read aloud.
    expect(await page.locator(".transcript").getAttribute("aria-live")).toBeNull();
    expect(await page.locator(".transcript").getAttribute("role")).toBeNull();
    expect(await page.locator('.console [role="status"].announce').textContent()).toMatch(/^kubectl get nodes: 4 lines of output, exit code 0\. NAME\s+STATUS/);
  });
});
