// The seed lesson typed into the console: a pod, a NodePort service, and a request from outside
// that reaches nginx, drawn on the map and stepped through in the route panel.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launch, newPage, openNewSession, typeCommand, typeUntil } from "./browser.ts";

describe("the seed flow in the browser", () => {
  let browser: Browser;
  let page: Page;
  let nodePort: string;
  let nodeIP: string;

  beforeAll(async () => {
    browser = await launch();
    page = await newPage(browser);
    await openNewSession(page);
  });
  afterAll(async () => browser?.close());

  it("runs a pod and the map shows it inside a node, running with an IP", async () => {
    expect(await typeCommand(page, "kubectl run nginx --image=nginx")).toContain("pod/nginx created");
    await typeUntil(page, "kubectl get pods", /nginx\s+1\/1\s+Running/);
    const pod = page.locator('.map .pod[data-name="nginx"]');
    await expect.poll(() => pod.getAttribute("data-status")).toBe("Running");
    expect(await pod.getAttribute("data-ip")).toMatch(/^10\.244\.\d+\.\d+$/);
    // The pod sits inside a worker node's box.
    const podBox = (await pod.boundingBox())!;
    const nodes = await page.locator(".map .node").evaluateAll((els) => els.map((el) => ({ name: el.getAttribute("data-name"), box: el.getBoundingClientRect().toJSON() })));
    const host = nodes.find(({ box }) => podBox.x >= box.x && podBox.x + podBox.width <= box.x + box.width && podBox.y >= box.y && podBox.y + podBox.height <= box.y + box.height);
    expect(host?.name).toMatch(/^node0[12]$/);
  });

  it("exposes it as a NodePort and the map joins the service to its endpoint", async () => {
    const out = await typeCommand(page, "kubectl expose pod nginx --type NodePort --port 8080 --target-port 80");
    expect(out).toContain("service/nginx exposed");
    const svc = await typeCommand(page, "kubectl get svc");
    const row = /^nginx\s+NodePort\s+(\S+)\s+<none>\s+8080:(\d+)\/TCP/m.exec(svc);
    expect(row, svc).not.toBeNull();
    nodePort = row![2];
    const service = page.locator('.map .service[data-name="nginx"]');
    await expect.poll(() => service.getAttribute("data-type")).toBe("NodePort");
    await expect.poll(() => service.textContent()).toContain(`nodePort ${nodePort}`);
    await expect.poll(() => page.locator(".map .endpoint-line").count()).toBeGreaterThan(0);
    nodeIP = (await page.locator('.map .node[data-name="node01"]').getAttribute("data-ip"))!;
    expect(nodeIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it("curls nodeIP:nodePort, shows nginx's page and animates the route node -> service -> pod", async () => {
    const out = await typeCommand(page, `curl http://${nodeIP}:${nodePort}/`);
    expect(out).toContain("Welcome to nginx!");
    const route = page.locator(".map .route");
    await route.waitFor();
    expect(await route.getAttribute("data-verdict")).toBe("answered");
    // The packet moves along the path drawn through the hops.
    expect(await route.locator("animateMotion").count()).toBe(1);
    const d = (await route.locator(".route-path").getAttribute("d"))!;
    expect(d.split("L").length).toBeGreaterThanOrEqual(3);
    // Each hop lights up its object on the map in turn; the panel ends on the pod.
    await expect.poll(() => page.locator(".map .pod.active").count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.locator(".trace .verdict").textContent()).toContain("answered");
    const hops = page.locator(".trace .hops li");
    const count = await hops.count();
    expect(count).toBeGreaterThanOrEqual(3);
    const kinds = await page.locator(".trace .hops button").allTextContents();
    expect(kinds.join(" ")).toMatch(/node01[\s\S]*nginx/);
  });

  it("steps back and forward through the hops, showing NAT before and after", async () => {
    await expect.poll(() => page.locator(".trace .hops li.current").count()).toBe(1);
    const back = page.getByRole("button", { name: "◀ Back" });
    const next = page.getByRole("button", { name: "Next ▶" });
    // Play has finished: we are on the last hop; go back to the first.
    await expect.poll(() => next.isDisabled(), { timeout: 10_000 }).toBe(true);
    while (!(await back.isDisabled())) await back.click();
    expect(await page.locator(".hop-title").textContent()).toMatch(/^1\//);
    let sawNat = false;
    while (!(await next.isDisabled())) {
      await next.click();
      if (await page.locator(".nat tr.changed").count()) sawNat = true;
    }
    expect(sawNat).toBe(true);
    expect(await page.locator(".hop-detail .reason").textContent()).not.toBe("");
  });

  it("links the NodePort address to the proxy, which serves nginx's page in a tab", async () => {
    const link = page.locator(".transcript a", { hasText: `${nodeIP}:${nodePort}` }).first();
    const href = (await link.getAttribute("href"))!;
    expect(href).toMatch(new RegExp(`/api/sessions/[^/]+/proxy/${nodeIP.replace(/\./g, "\\.")}:${nodePort}/`));
    const [tab] = await Promise.all([page.waitForEvent("popup"), link.click()]);
    await tab.waitForLoadState();
    expect(await tab.content()).toContain("<h1>Welcome to nginx!</h1>");
    await tab.close();
    // The session hears of the tab's request live, and the map shows its route.
    await expect.poll(() => page.locator(".trace .trace-request").textContent(), { timeout: 10_000 }).toMatch(/^GET http:\/\/.*\(browser, through the playground's proxy\)$/);
    await expect.poll(() => page.locator(".trace .verdict").textContent()).toContain("answered");
  });

  it("keeps a link whose printed path climbs with .. or %2e%2e inside the session's proxy", async () => {
    const base = `http://${nodeIP}:${nodePort}`;
    await typeCommand(page, `echo ${base}/../../../../s/X#key=K ${base}/%2e%2e/%2E%2e/index.html ${base}/a/%2e%2e%2f..%2fs`);
    const links = page.locator(".transcript .entry").last().locator("pre.output a");
    expect(await links.allTextContents()).toEqual([`${base}/../../../../s/X#key=K`, `${base}/%2e%2e/%2E%2e/index.html`]);
    const session = await page.evaluate(() => location.pathname.split("/")[2]);
    const prefix = `${new URL(page.url()).origin}/api/sessions/${session}/proxy/${nodeIP}:${nodePort}`;
    expect(await links.evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))).toEqual([`${prefix}/s/X#key=K`, `${prefix}/index.html`]);
    // The second one opens nginx's page through the proxy, as the plain address does.
    const [tab] = await Promise.all([page.waitForEvent("popup"), links.nth(1).click()]);
    await tab.waitForLoadState();
    expect(tab.url()).toBe(`${prefix}/index.html`);
    expect(await tab.content()).toContain("<h1>Welcome to nginx!</h1>");
    await tab.close();
  });

  it("shows where a request from outside to a pod IP stops, and why", async () => {
    const podIP = (await page.locator('.map .pod[data-name="nginx"]').getAttribute("data-ip"))!;
    await typeCommand(page, `curl -m 2 http://${podIP}/`);
    await expect.poll(() => page.locator(".map .route, .map .stop").first().count()).toBe(1);
    await expect.poll(() => page.locator(".trace .verdict").textContent()).toMatch(/timed out/);
    await expect.poll(() => page.locator(".map .stop").count()).toBe(1);
  });

  it("runs a loop of requests through a shell variable and animates the last route", async () => {
    await typeCommand(page, `NP=$(kubectl get svc nginx -o jsonpath='{.spec.ports[0].nodePort}')`);
    const out = await typeCommand(page, `for i in 1 2 3; do curl -s -o /dev/null -w '%{http_code} ' http://${nodeIP}:$NP/; done`);
    expect(out).toBe("200 200 200 ");
    await expect.poll(() => page.locator(".map .route").getAttribute("data-verdict")).toBe("answered");
    await expect.poll(() => page.locator(".trace .verdict").textContent()).toContain("answered");
  });
});
