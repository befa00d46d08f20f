import { describe, expect, it } from "vitest";
import { createSession, postJson, request } from "../helpers.ts";

function expectCommonHeaders(response: Response): void {
  expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
  expect(response.headers.get("Content-Security-Policy")).toBeTruthy();
}

describe("security headers", () => {
  it.each([
    ["a health check", () => request("/healthz")],
    ["a created session", () => postJson("/api/sessions", {})],
    ["an error", () => request("/api/sessions/nope")],
    ["an unknown API path", () => request("/api/what")],
    ["a 413", () => postJson("/api/sessions", "x".repeat(20_000))],
  ])("are on %s, with frame-ancestors 'self' and no caching", async (_name, send) => {
    const response = await send();
    expectCommonHeaders(response);
    expect(response.headers.get("Content-Security-Policy")).toBe("default-src 'none'; frame-ancestors 'self'");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });

  it.each(["/", "/s/AAAAAAAAAAAAAAAAAAAAAA", "/p/AAAAAAAAAAAAAAAAAAAAAA"])("let the page at %s be framed only by this origin", async (path) => {
    const response = await request(path);
    expectCommonHeaders(response);
    const csp = response.headers.get("Content-Security-Policy")!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(response.headers.get("X-Frame-Options")).toBe("SAMEORIGIN");
  });

  it.each(["/embed", "/embed?lesson=services-101&map=1"])("let %s be framed from anywhere", async (path) => {
    const response = await request(path);
    expectCommonHeaders(response);
    expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors *");
    expect(response.headers.get("X-Frame-Options")).toBe(null);
  });

  it("leave the WebSocket handshake intact", async () => {
    const session = await createSession();
    const response = await request(`/api/sessions/${session.id}/live`, { headers: { Upgrade: "websocket" } });
    expect(response.status).toBe(101);
    expect(response.webSocket).toBeTruthy();
    response.webSocket!.accept();
    response.webSocket!.close();
  });
});
