import { describe, expect, it } from "vitest";
import { request } from "../helpers.ts";

describe("GET /healthz", () => {
  it("answers 200 with status ok and the security headers", async () => {
    const response = await request("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'self'");
  });
});
