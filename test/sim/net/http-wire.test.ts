import { describe, expect, it } from "vitest";
import { keepsAlive, parseRequests, responseBytes } from "../../../worker/sim/net/http-wire.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe("HTTP/1.1 on the wire", () => {
  it("reads pipelined requests and keeps an unfinished one for later", () => {
    const parsed = parseRequests(bytes("GET / HTTP/1.1\r\nHost: localhost:18080\r\nUser-Agent: curl/8.5.0\r\n\r\nPOST /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloGET /next HTTP/1.1\r\nHo"));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.requests).toEqual([
      { method: "GET", target: "/", headers: [["Host", "localhost:18080"], ["User-Agent", "curl/8.5.0"]] },
      { method: "POST", target: "/a?x=1", headers: [["Host", "h"], ["Content-Length", "5"]], body: "hello" },
    ]);
    expect(text(parsed.rest)).toBe("GET /next HTTP/1.1\r\nHo");
  });

  it("waits for the rest of a body", () => {
    const parsed = parseRequests(bytes("PUT / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"));
    expect(parsed.ok && parsed.requests.length === 0 && text(parsed.rest)).toBe("PUT / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
  });

  it.each([
    ["a request line that is not HTTP/1.x", "HELLO\r\n\r\n", "malformed request line \"HELLO\""],
    ["a header without a colon", "GET / HTTP/1.1\r\nbad\r\n\r\n", "malformed header line \"bad\""],
    ["a Content-Length that is not a number", "GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n", "invalid Content-Length \"x\""],
  ])("refuses %s", (_, wire, error) => {
    expect(parseRequests(bytes(wire))).toEqual({ ok: false, requests: [], error });
  });

  it("writes a response as the server does, without a body for HEAD", () => {
    const response = { kind: "http" as const, version: "HTTP/1.1", status: 200, reason: "OK", headers: [["Content-Length", "3"]] as Array<[string, string]>, body: "hi\n" };
    expect(text(responseBytes(response, "GET"))).toBe("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nhi\n");
    expect(text(responseBytes(response, "HEAD"))).toBe("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n");
    expect(keepsAlive({ method: "GET", target: "/", headers: [] }, response)).toBe(true);
    expect(keepsAlive({ method: "GET", target: "/", headers: [["Connection", "close"]] }, response)).toBe(false);
    expect(keepsAlive({ method: "GET", target: "/", headers: [] }, { ...response, headers: [["Connection", "close"]] })).toBe(false);
  });
});
