// ingress-nginx's cookie session affinity, checked against independent implementations of its
// hashes (Node's crypto and zlib) and against the consistent-hash ring's defining property.

import { createHash } from "node:crypto";
import { crc32 as zlibCrc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32 } from "../../../worker/sim/net/crc32.ts";
import { backendKey, cookieAffinityOf, stickyBalance } from "../../../worker/sim/net/ingress-affinity.ts";
import { md5Hex } from "../../../worker/sim/net/md5.ts";
import { utf8 } from "../../../worker/sim/net/sha256.ts";

const md5 = (text: string) => createHash("md5").update(text).digest("hex");
const A = "nginx.ingress.kubernetes.io/";

describe("the hashes the sticky balancer uses", () => {
  it.each(["", "a", "default-web-80", "10.244.1.5:80", "x".repeat(55), "y".repeat(56), "z".repeat(64), "ü".repeat(100)])("md5 and crc32 of %j match Node's", (text) => {
    expect(md5Hex(text)).toBe(md5(text));
    expect(crc32(utf8(text))).toBe(zlibCrc32(Buffer.from(text, "utf8")));
  });

  it("names a backend ngx.md5(ngx.md5(name) .. name)", () => {
    expect(backendKey("default-web-80")).toBe(md5(md5("default-web-80") + "default-web-80"));
  });
});

describe("cookieAffinityOf", () => {
  it.each([
    { ann: {}, expected: undefined },
    { ann: { affinity: "Cookie" }, expected: undefined },
    { ann: { affinity: "cookie" }, expected: { mode: "balanced", name: "INGRESSCOOKIE", secure: false } },
    { ann: { affinity: "cookie", "affinity-mode": "persistent", "session-cookie-name": "route" }, expected: { mode: "persistent", name: "route", secure: false } },
    { ann: { affinity: "cookie", "session-cookie-name": "bad name;" }, expected: { mode: "balanced", name: "INGRESSCOOKIE", secure: false } },
    { ann: { affinity: "cookie", "session-cookie-max-age": "172800", "session-cookie-expires": "soon" }, expected: { mode: "balanced", name: "INGRESSCOOKIE", secure: false, maxAge: "172800" } },
    { ann: { affinity: "cookie", "session-cookie-samesite": "strict", "session-cookie-secure": "true", "session-cookie-path": "/app" }, expected: { mode: "balanced", name: "INGRESSCOOKIE", secure: true, sameSite: "strict", path: "/app" } },
  ])("$ann", ({ ann, expected }) => {
    const full = Object.fromEntries(Object.entries(ann).map(([k, v]) => [`${A}${k}`, v]));
    expect(cookieAffinityOf(full)).toEqual(expected);
  });
});

describe("stickyBalance", () => {
  const endpoints = ["10.244.1.2:80", "10.244.2.3:80", "10.244.1.4:80", "10.244.2.5:80"];
  const base = { upstream: "default-web-80", locationPath: "/", setsCookie: true, https: false, now: Date.UTC(2026, 0, 1, 12), pick: () => 41 };

  it("balanced: a new key of ngx.now()+1, the worker pid and math.random(999999), with the backend key, on the location's path", () => {
    const out = stickyBalance({ ...base, affinity: { mode: "balanced", name: "INGRESSCOOKIE", secure: false }, endpoints, cookie: undefined });
    expect(out.setCookie).toBe(`INGRESSCOOKIE=${Date.UTC(2026, 0, 1, 12) / 1000 + 1}.29.42|${backendKey("default-web-80")}; Path=/; HttpOnly`);
  });

  it("balanced: a cookie keeps its endpoint; removing another endpoint does not move it, removing its own moves it without a new cookie", () => {
    const affinity = { mode: "balanced" as const, name: "INGRESSCOOKIE", secure: false };
    // Many keys: each keeps its endpoint when an unrelated one goes (the ring's consistency).
    for (let i = 0; i < 200; i++) {
      const cookie = `1767268801.${i}.29.${i * 7919}|x`;
      const first = stickyBalance({ ...base, affinity, endpoints, cookie });
      expect(first.setCookie).toBeUndefined();
      const mine = endpoints[first.index];
      const other = endpoints.find((e) => e !== mine)!;
      const without = endpoints.filter((e) => e !== other);
      expect(without[stickyBalance({ ...base, affinity, endpoints: without, cookie }).index]).toBe(mine);
      const gone = endpoints.filter((e) => e !== mine);
      const moved = stickyBalance({ ...base, affinity, endpoints: gone, cookie });
      expect(moved.setCookie).toBeUndefined();
      expect(gone[moved.index]).not.toBe(mine);
    }
  });

  it("persistent: the key is md5(upstream .. endpoint); a key of a gone endpoint picks again and sets a new cookie", () => {
    const affinity = { mode: "persistent" as const, name: "route", secure: false, maxAge: "3600", sameSite: "Lax" };
    const cookie = `${md5("default-web-8010.244.2.3:80")}|${backendKey("default-web-80")}`;
    const kept = stickyBalance({ ...base, affinity, endpoints, cookie });
    expect(endpoints[kept.index]).toBe("10.244.2.3:80");
    expect(kept.setCookie).toBeUndefined();
    const repick = stickyBalance({ ...base, affinity, endpoints: endpoints.filter((e) => e !== "10.244.2.3:80"), cookie, https: true, pick: () => 0 });
    expect(repick.setCookie).toBe(`route=${md5("default-web-8010.244.1.2:80")}|${backendKey("default-web-80")}; Max-Age=3600; Path=/; Secure; HttpOnly; SameSite=Lax`);
  });

  it("writes Expires as ngx.cookie_time, and drops a SameSite lua-resty-cookie does not spell", () => {
    const affinity = { mode: "persistent" as const, name: "route", secure: false, expires: "86400", sameSite: "strict", domain: "app.example", path: "/shop" };
    const out = stickyBalance({ ...base, affinity, endpoints, cookie: undefined, pick: () => 0 });
    expect(out.setCookie).toBe(`route=${md5("default-web-8010.244.1.2:80")}|${backendKey("default-web-80")}; Expires=Fri, 02-Jan-26 12:00:00 GMT; Domain=app.example; Path=/shop; HttpOnly`);
  });

  it("sets no cookie on a location whose Ingress did not ask for affinity", () => {
    const out = stickyBalance({ ...base, setsCookie: false, affinity: { mode: "balanced", name: "INGRESSCOOKIE", secure: false }, endpoints, cookie: undefined });
    expect(out.setCookie).toBeUndefined();
  });
});
