// The header limits nginx and httpd enforce by default, with the pages and log lines they give.

import { describe, expect, it } from "vitest";
import { httpd } from "../../../../worker/sim/net/apps/httpd.ts";
import { nginx } from "../../../../worker/sim/net/apps/nginx.ts";
import type { App, AppResult } from "../../../../worker/sim/net/apps/types.ts";
import type { HttpResponse } from "../../../../worker/sim/net/http.ts";

const NOW = Date.UTC(2026, 0, 1, 0, 0, 5);

function ask(app: App, target: string, extra: Array<[string, string]> = []): AppResult & { reply: HttpResponse } {
  const result = app({
    request: { method: "GET", target, headers: [["Host", "10.0.0.11:30080"], ["User-Agent", "curl/8.5.0"], ["Accept", "*/*"], ...extra] },
    client: { ip: "10.244.1.0", port: 41000 },
    local: { ip: "10.244.1.7", port: 80 },
    hostname: "web",
    now: NOW,
  });
  if (result.reply.kind !== "http") throw new Error("not HTTP");
  return result as AppResult & { reply: HttpResponse };
}

const NGINX_494 =
  "<html>\r\n<head><title>400 Request Header Or Cookie Too Large</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n" +
  "<center>Request Header Or Cookie Too Large</center>\r\n<hr><center>nginx/1.29.3</center>\r\n</body>\r\n</html>\r\n";
const NGINX_414 = "<html>\r\n<head><title>414 Request-URI Too Large</title></head>\r\n<body>\r\n<center><h1>414 Request-URI Too Large</h1></center>\r\n<hr><center>nginx/1.29.3</center>\r\n</body>\r\n</html>\r\n";

describe("nginx's large_client_header_buffers 4 8k", () => {
  it("serves a request whose head fits, even past the 1k buffer", () => {
    expect(ask(nginx, "/", [["Cookie", "a".repeat(8000)]]).reply.status).toBe(200);
    expect(ask(nginx, `/?q=${"a".repeat(8000)}`).reply.status).toBe(200);
  });
  it("answers a field line longer than 8k with 400 Request Header Or Cookie Too Large and closes", () => {
    const { reply, log } = ask(nginx, "/", [["Cookie", "a".repeat(8200)]]);
    expect([reply.status, reply.reason]).toEqual([400, "Bad Request"]);
    expect(reply.body).toBe(NGINX_494);
    expect(reply.headers).toContainEqual(["Connection", "close"]);
    expect(reply.headers).toContainEqual(["Content-Length", String(NGINX_494.length)]);
    // The access log has the request line and the fields read before the one that overflowed.
    expect(log).toEqual([`10.244.1.0 - - [01/Jan/2026:00:00:05 +0000] "GET / HTTP/1.1" 400 ${NGINX_494.length} "-" "curl/8.5.0" "-"`]);
  });
  it("does not log a field it could not read", () => {
    const { reply, log } = ask(nginx, "/", []);
    expect(reply.status).toBe(200);
    const big = nginx({
      request: { method: "GET", target: "/", headers: [["Host", "h"], ["User-Agent", "x".repeat(100_000)]] },
      client: { ip: "10.244.1.0", port: 41000 },
      local: { ip: "10.244.1.7", port: 80 },
      hostname: "web",
      now: NOW,
    });
    expect(big.log?.[0]).toContain('"GET / HTTP/1.1" 400 ');
    expect(big.log?.[0].endsWith('"-" "-" "-"')).toBe(true);
    expect(log?.[0].length).toBeLessThan(200);
  });
  it("answers headers that need a fifth 8k buffer with 400, though each line fits", () => {
    const fields: Array<[string, string]> = Array.from({ length: 5 }, (_, i) => [`X-F${i}`, "b".repeat(7000)]);
    expect(ask(nginx, "/", fields.slice(0, 4)).reply.status).toBe(200);
    expect(ask(nginx, "/", fields).reply.body).toBe(NGINX_494);
  });
  it("answers a request line longer than 8k with 414 Request-URI Too Large, logging what it read", () => {
    const target = `/${"c".repeat(9000)}`;
    const { reply, log } = ask(nginx, target);
    expect([reply.status, reply.reason, reply.body]).toEqual([414, "Request-URI Too Large", NGINX_414]);
    expect(log?.[0]).toContain(`"GET /${"c".repeat(8192 - 5)}" 414 `);
  });
});

describe("httpd's LimitRequestLine, LimitRequestFieldSize (8190) and LimitRequestFields (100)", () => {
  const page = (status: number, reason: string, text: string) =>
    `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>${status} ${reason}</title>\n</head><body>\n<h1>${reason}</h1>\n${text}</body></html>\n`;
  it.each([
    ["a field of 8190 bytes", "/", [["X-A", "a".repeat(8185)]], 200, ""],
    ["a field of 8191 bytes", "/", [["X-A", "a".repeat(8186)]], 400, "Size of a request header field exceeds server limit."],
    ["101 fields", "/", Array.from({ length: 98 }, (_, i) => [`X-${i}`, "v"]), 400, "The number of request header fields exceeds this server's limit."],
    ["100 fields", "/", Array.from({ length: 97 }, (_, i) => [`X-${i}`, "v"]), 200, ""],
  ] as Array<[string, string, Array<[string, string]>, number, string]>)("%s", (_, target, fields, status, note) => {
    const { reply } = ask(httpd, target, fields);
    expect(reply.status).toBe(status);
    if (status === 400) {
      expect(reply.body).toBe(page(400, "Bad Request", `<p>Your browser sent a request that this server could not understand.<br />\n${note}</p>\n`));
      expect(reply.headers).toContainEqual(["Connection", "close"]);
    }
  });
  it("answers a request line past 8190 bytes with 414", () => {
    const { reply } = ask(httpd, `/${"d".repeat(8190)}`);
    expect([reply.status, reply.reason]).toEqual([414, "Request-URI Too Long"]);
    expect(reply.body).toBe(page(414, "Request-URI Too Long", "<p>The requested URL's length exceeds the capacity\nlimit for this server.<br />\n</p>\n"));
    expect(ask(httpd, `/${"d".repeat(8190 - 15)}`).reply.status).toBe(404);
  });
});
