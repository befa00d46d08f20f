// The embed inside an iframe on a course page of another origin: it announces itself, reports
// each command, obeys "run", and keeps the visitor's session across a reload.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, launch, newPage, RESULTS } from "./browser.ts";

interface Message {
  source: string;
  type: string;
  session?: string;
  command?: string;
  output?: string;
}

const hostPage = (src: string) => `<!doctype html>
<html><body>
<h1>A course page</h1>
<button id="run">run this</button>
<iframe id="pg" src="${src}" width="900" height="600" title="Kubernetes playground"></iframe>
<script>
  window.messages = [];
  window.addEventListener("message", (e) => {
    if (e.data && e.data.source === "kube-playground") window.messages.push(e.data);
  });
  document.getElementById("run").onclick = () =>
    document.getElementById("pg").contentWindow.postMessage({ type: "run", command: "kubectl get nodes" }, "*");
</script>
</body></html>`;

describe("the embed in a course page", () => {
  let browser: Browser;
  let host: Server;
  let hostUrl: string;
  let page: Page;

  beforeAll(async () => {
    browser = await launch();
    host = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(hostPage(`${baseUrl()}/embed?setup=${encodeURIComponent("kubectl run seeded --image=nginx")}&map=1&theme=dark`));
    });
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}/`;
    page = await newPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    host?.close();
  });

  const messages = () => page.evaluate(() => (window as unknown as { messages: Message[] }).messages);

  it("posts ready once its private session is loaded", async () => {
    await page.goto(hostUrl);
    await expect.poll(async () => (await messages()).filter((m) => m.type === "ready").length, { timeout: 20_000 }).toBe(1);
    const frame = page.frameLocator("#pg");
    await frame.locator(".command-input").waitFor();
    // The setup ran: the transcript shows it, and the theme came from the URL.
    await expect.poll(() => frame.locator(".transcript").textContent()).toContain("kubectl run seeded --image=nginx");
    // Folded: there to look at, not in the way (a debugging lesson's setup would give its faults away).
    const prepared = frame.locator(".setup-entries");
    expect(await prepared.getAttribute("open")).toBeNull();
    expect(await prepared.locator("summary").textContent()).toBe("Prepared for you: 1 command ran before you started");
    expect(await frame.locator(".transcript .entry:not(.local)").first().isVisible()).toBe(false);
    expect(await frame.locator("html").getAttribute("data-theme")).toBe("dark");
    const link = frame.getByRole("link", { name: /Open in full playground/ });
    expect(await link.getAttribute("href")).toMatch(/^\/s\/[A-Za-z0-9_-]+#key=/);
    expect(await link.getAttribute("target")).toBe("_blank");
  });

  it("types a command the course page sends with run, and reports it", async () => {
    await page.click("#run");
    const frame = page.frameLocator("#pg");
    await expect.poll(() => frame.locator(".transcript").textContent(), { timeout: 10_000 }).toContain("kubectl get nodes");
    await expect.poll(async () => (await messages()).find((m) => m.type === "command" && m.command === "kubectl get nodes"), { timeout: 10_000 }).toBeTruthy();
    const report = (await messages()).find((m) => m.command === "kubectl get nodes")!;
    await page.screenshot({ path: `${RESULTS}/embed.png` });
    expect(typeof report.output).toBe("string");
    expect(JSON.stringify(await messages())).not.toMatch(/editKey|#key=/);
  });

  it("reports commands typed by the learner too", async () => {
    const frame = page.frameLocator("#pg");
    const input = frame.locator(".command-input");
    await input.click();
    await input.pressSequentially("kubectl get pods");
    await input.press("Enter");
    await expect.poll(async () => (await messages()).some((m) => m.type === "command" && m.command === "kubectl get pods"), { timeout: 10_000 }).toBe(true);
  });

  it("keeps the visitor's session across a reload of the course page", async () => {
    const first = (await messages()).find((m) => m.type === "ready")!.session;
    await page.reload();
    await expect.poll(async () => (await messages()).find((m) => m.type === "ready")?.session, { timeout: 20_000 }).toBe(first);
    await expect.poll(() => page.frameLocator("#pg").locator(".transcript").textContent()).toContain("kubectl get pods");
  });

  it("hides the map with map=0", async () => {
    const frame = await newPage(browser);
    await frame.goto(`${baseUrl()}/embed?map=0`);
    await frame.locator(".command-input").waitFor();
    expect(await frame.locator(".map").count()).toBe(0);
    await frame.context().close();
  });
});
