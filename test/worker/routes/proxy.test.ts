import { describe, expect, it } from "vitest";
import { createSession, errorOf, request } from "../helpers.ts";

describe("ANY /api/sessions/:id/proxy/<host>:<port>/<path>", () => {
  it.each([
    ["no port", "192.168.56.11/"],
    ["a port out of range", "192.168.56.11:70000/"],
    ["a port of zero", "192.168.56.11:0/"],
    ["a host with a slash-free junk character", "bad_host!:80/"],
    ["nothing", "/"],
  ])("answers 400 for a target with %s", async (_name, target) => {
    const session = await createSession();
    expect(await errorOf(await request(`/api/sessions/${session.id}/proxy/${target}`))).toMatchObject({ status: 400, code: "bad_request" });
  });

  it("answers 404 for an unknown or malformed session", async () => {
    for (const id of ["AAAAAAAAAAAAAAAAAAAAAA", "x"]) {
      expect(await errorOf(await request(`/api/sessions/${id}/proxy/192.168.56.11:30080/`))).toMatchObject({ status: 404, code: "session_not_found" });
    }
  });

  it("redirects a target without a path to its root, so the app's relative links resolve", async () => {
    const session = await createSession();
    const response = await request(`/api/sessions/${session.id}/proxy/192.168.56.11:30080?x=1`, { redirect: "manual" });
    expect(response.status).toBe(308);
    expect(response.headers.get("Location")).toBe(`/api/sessions/${session.id}/proxy/192.168.56.11:30080/?x=1`);
  });

  it("sandboxes every answer, never sets a cookie and carries the route trace", async () => {
    const session = await createSession();
    const response = await request(`/api/sessions/${session.id}/proxy/10.244.1.5:80/index.html`, { headers: { Cookie: "a=b" } });
    expect(response.headers.get("Content-Security-Policy")).toBe("sandbox");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Set-Cookie")).toBe(null);
    const trace = JSON.parse(response.headers.get("X-Route-Trace")!);
    expect(trace.to).toMatchObject({ host: "10.244.1.5", port: 80 });
    expect(trace.from.kind).toBe("workstation");
  });

  it("refuses a request body over 16 KB", async () => {
    const session = await createSession();
    const response = await request(`/api/sessions/${session.id}/proxy/192.168.56.11:30080/`, { method: "POST", body: "x".repeat(17 * 1024) });
    expect(await errorOf(response)).toMatchObject({ status: 413 });
  });
});
