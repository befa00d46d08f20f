import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSession, request } from "../helpers.ts";

describe("client input never causes a 5xx", () => {
  it("for arbitrary paths, methods, headers and bodies under /api (property)", async () => {
    const session = await createSession();
    const segment = fc.oneof(
      fc.constantFrom("api", "sessions", "snapshots", "commands", "live", "proxy", session.id, "AAAAAAAAAAAAAAAAAAAAAA", "%ZZ", "%E0%A4%A", "..", "", "192.168.56.11:30080", "x:99999", "%2F"),
      fc.string({ maxLength: 12 }).map(encodeURIComponent),
    );
    const path = fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => `/api/${parts.join("/")}`);
    const method = fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
    const body = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 64 }),
      fc.json({ maxDepth: 3 }),
      fc.constantFrom("{}", '{"command":"kubectl get pods"}', '{"setup":["x"]}', '{"from":"AAAAAAAAAAAAAAAAAAAAAA"}', "\uFEFF{}", "{\"command\":1}"),
    );
    const auth = fc.constantFrom(undefined, "Bearer", "Bearer ", `Bearer ${session.editKey}`, "Bearer x y", "Basic Zm9v");
    await fc.assert(
      fc.asyncProperty(path, method, body, auth, fc.constantFrom(undefined, "websocket"), async (p, m, b, a, upgrade) => {
        const headers: Record<string, string> = {};
        if (a !== undefined) headers.Authorization = a;
        if (upgrade) headers.Upgrade = upgrade;
        const response = await request(p, { method: m, headers, body: m === "GET" || m === "HEAD" ? undefined : b });
        if (response.webSocket) {
          response.webSocket.accept();
          response.webSocket.close();
        } else {
          await response.arrayBuffer();
        }
        expect(response.status, `${m} ${p}`).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    "/api/sessions/%ZZ",
    "/api/sessions/%E0%A4%A/commands",
    "/api/snapshots/%",
  ])("answers 404, not 500, for the malformed escape in %s", async (path) => {
    expect((await request(path)).status).toBe(404);
  });

  it("answers 400, not 500, for a malformed escape in a proxy target", async () => {
    const session = await createSession();
    expect((await request(`/api/sessions/${session.id}/proxy/%ZZ:80/`)).status).toBe(400);
  });
});
