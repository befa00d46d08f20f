// The embed inside an iframe on a course page of another origin: it announces itself to that
// origin only, reports each command, obeys "run" only when its URL allows it, and keeps the
// visitor's session across a reload, apart from other sites' embeds of the same lesson.
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

/** A course page that records the playground's messages and can send it "run". */
const hostPage = (src: string) => `<!doctype html>
<html><body>
<h1>A course page</h1>
<button id="run">run this</button>
<iframe id="pg" src="${src}" width="900" height="600" title="Kubernetes playground"></iframe>
<script>
  window.messages = [];
  window.origins = [];
  window.addEventListener("message", (e) => {
    if (e.data && e.data.source === "kube-playground") {
      window.messages.push(e.data);
      window.origins.push(e.origin);
    }
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
      res.end(hostPage(`${baseUrl()}/embed?setup=${encodeURIComponent("kubectl run seeded --image=nginx")}&map=1&theme=dark&allowParentCommands=1`));
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
    // From the playground's origin, to this page's.
    expect(await page.evaluate(() => (window as unknown as { origins: string[] }).origins)).toEqual([new URL(baseUrl()).origin]);
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

  it("types a command the course page sends with run (allowParentCommands=1), and reports it", async () => {
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

  it("opens the same session, editable, in the full playground, with the key out of its address bar", async () => {
    const session = (await messages()).find((m) => m.type === "ready")!.session!;
    const [full] = await Promise.all([
      page.context().waitForEvent("page"),
      page.frameLocator("#pg").getByRole("link", { name: /Open in full playground/ }).click(),
    ]);
    await full.waitForURL(`${baseUrl()}/s/${session}`);
    await full.locator(".command-input").waitFor();
    expect(await full.locator(".banner.watch").count()).toBe(0);
    await expect.poll(() => full.locator(".transcript").textContent()).toContain("kubectl get pods");
    await full.close();
  });

  it("hides the map with map=0", async () => {
    const frame = await newPage(browser);
    await frame.goto(`${baseUrl()}/embed?map=0`);
    await frame.locator(".command-input").waitFor();
    expect(await frame.locator(".map").count()).toBe(0);
    await frame.context().close();
  });
});

describe("the embed's edges", () => {
  let browser: Browser;
  const servers: Server[] = [];
  // Two course sites on one machine: 127.0.0.1 on two ports are two origins (and one site, so the
  // browser's own storage partitioning does not separate them: only the embed's keying does).
  const sites: string[] = [];

  /** Pages: /plain (no allowParentCommands) and /allow, each with ?setup= for the embed's setup. */
  const route = (url: URL): string => {
    const setup = url.searchParams.get("setup") ?? "kubectl create namespace edges";
    const embed = `${baseUrl()}/embed?setup=${encodeURIComponent(setup)}&map=0`;
    return hostPage(url.pathname === "/allow" ? `${embed}&allowParentCommands=1` : embed);
  };

  beforeAll(async () => {
    browser = await launch();
    for (let i = 0; i < 2; i++) {
      const server = createServer((req, res) => {
        res.writeHead(200, { "content-type": "text/html" });
        res.end(route(new URL(req.url!, "http://host")));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      servers.push(server);
      sites.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
  });
  afterAll(async () => {
    await browser?.close();
    for (const server of servers) server.close();
  });

  const messages = (page: Page) => page.evaluate(() => (window as unknown as { messages: Message[] }).messages);
  const readySession = async (page: Page) => {
    await expect.poll(async () => (await messages(page)).find((m) => m.type === "ready")?.session, { timeout: 20_000 }).toBeTruthy();
    return (await messages(page)).find((m) => m.type === "ready")!.session!;
  };

  it("ignores run from its parent without allowParentCommands=1", async () => {
    const page = await newPage(browser);
    await page.goto(`${sites[0]}/plain`);
    await readySession(page);
    const frame = page.frameLocator("#pg");
    await frame.locator(".command-input").waitFor();
    await page.click("#run");
    // The same page with allowParentCommands=1 runs it within a second or two (the test above).
    await page.waitForTimeout(3000);
    expect(await frame.locator(".transcript").textContent()).not.toContain("kubectl get nodes");
    expect((await messages(page)).some((m) => m.type === "command" && m.command === "kubectl get nodes")).toBe(false);
    await page.context().close();
  });

  it("keeps a separate session for each site that embeds the same setup", async () => {
    const context = await browser.newContext();
    const first = await context.newPage();
    await first.goto(`${sites[0]}/allow?setup=${encodeURIComponent("kubectl create namespace shared")}`);
    const firstSession = await readySession(first);
    const second = await context.newPage();
    await second.goto(`${sites[1]}/allow?setup=${encodeURIComponent("kubectl create namespace shared")}`);
    const secondSession = await readySession(second);
    expect(secondSession).not.toBe(firstSession);
    // Each site still gets its own visitor's session back.
    await first.reload();
    expect(await readySession(first)).toBe(firstSession);
    await second.reload();
    expect(await readySession(second)).toBe(secondSession);
    await context.close();
  });

  it("posts every message with the course page's origin as targetOrigin, never \"*\"", async () => {
    const context = await browser.newContext();
    // Watches the embed's own postMessage calls: `parent` is [Replaceable], so the embed's frame
    // can be given a parent that records the targetOrigin and passes the message on.
    await context.addInitScript((playground: string) => {
      if (location.origin !== playground || window.parent === window) return;
      const real = window.parent;
      const posted: string[] = [];
      (window as unknown as { posted: string[] }).posted = posted;
      Object.defineProperty(window, "parent", {
        configurable: true,
        value: { postMessage: (message: unknown, targetOrigin: string) => (posted.push(targetOrigin), real.postMessage(message, targetOrigin)) },
      });
    }, new URL(baseUrl()).origin);
    const page = await context.newPage();
    await page.goto(`${sites[1]}/plain?setup=${encodeURIComponent("kubectl create namespace watched")}`);
    await readySession(page);
    const frame = page.frames().find((f) => f.url().startsWith(`${baseUrl()}/embed`))!;
    await frame.locator(".command-input").pressSequentially("kubectl get ns");
    await frame.locator(".command-input").press("Enter");
    await expect.poll(async () => (await messages(page)).some((m) => m.type === "command"), { timeout: 10_000 }).toBe(true);
    const posted = await frame.evaluate(() => (window as unknown as { posted: string[] }).posted);
    expect(posted.length).toBeGreaterThanOrEqual(2);
    expect(new Set(posted)).toEqual(new Set([sites[1]]));
    await context.close();
  });
});
