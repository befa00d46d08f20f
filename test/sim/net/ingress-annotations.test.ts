// ingress-nginx's annotations as the nginx.conf its controller renders applies them (nginx.tmpl at
// controller-v1.15.1 and the annotation parsers): app-root at the server, client_max_body_size when
// the location is found, CORS and the redirect annotations' `return` in its rewrite phase, the Lua
// ssl redirect after them, the allowlist in the access phase.

import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { resolveProfile } from "../../../worker/sim/cluster/profile.ts";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";

function cluster(seed = 1) {
  let now = Date.UTC(2026, 0, 1);
  let state: SessionState = createSession({ seed, now, profile: resolveProfile({ ingress: "nginx" }) });
  const run = (command: string) => {
    now += 3000;
    const result = execute(state, command, { now });
    state = result.state;
    return result.output;
  };
  const port = /80:(3\d{4})\/TCP/.exec(run("kubectl get svc -n ingress-nginx ingress-nginx-controller"))![1];
  run("kubectl create deployment web --image=traefik/whoami");
  run("kubectl expose deployment web --port=80");
  return { run, port };
}

const A = "nginx.ingress.kubernetes.io";
const md5 = (text: string) => createHash("md5").update(text).digest("hex");
const page = (status: string) => `<head><title>${status}</title></head>`;

describe("ingress-nginx's annotations", () => {
  it("app-root: / answers 302 to the app's path, other paths go to the backend", () => {
    const { run, port } = cluster();
    run(`kubectl create ingress app --class=nginx --rule="app.example/*=web:80" --annotation=${A}/app-root=/dashboard`);
    const root = run(`curl -si -H 'Host: app.example:8080' http://192.168.56.11:${port}/`);
    expect(root).toMatch(/^HTTP\/1\.1 302 Found\n/);
    expect(root).toContain("\nLocation: http://app.example:8080/dashboard\n");
    expect(root).toContain(page("302 Found"));
    expect(run(`curl -s -H 'Host: app.example' http://192.168.56.11:${port}/dashboard`)).toContain("\nGET /dashboard HTTP/1.1\n");
  });

  it("permanent-redirect answers 301 (or its -code), temporal-redirect 302, and wins over it", () => {
    const { run, port } = cluster(2);
    run(`kubectl create ingress old --class=nginx --rule="old.example/*=web:80" --annotation=${A}/permanent-redirect=https://new.example/`);
    const moved = run(`curl -si -H 'Host: old.example' http://192.168.56.11:${port}/a`);
    expect(moved).toMatch(/^HTTP\/1\.1 301 Moved Permanently\n/);
    expect(moved).toContain("\nLocation: https://new.example/\n");
    run(`kubectl annotate ingress old ${A}/permanent-redirect-code=308`);
    expect(run(`curl -si -H 'Host: old.example' http://192.168.56.11:${port}/a`)).toMatch(/^HTTP\/1\.1 308 Permanent Redirect\n/);
    run(`kubectl annotate ingress old ${A}/temporal-redirect=https://maintenance.example/`);
    const temporal = run(`curl -si -H 'Host: old.example' http://192.168.56.11:${port}/a`);
    expect(temporal).toMatch(/^HTTP\/1\.1 302 Found\n/);
    expect(temporal).toContain("\nLocation: https://maintenance.example/\n");
  });

  it("force-ssl-redirect sends plain http to https without a TLS section", () => {
    const { run, port } = cluster(3);
    run(`kubectl create ingress web --class=nginx --rule="app.example/*=web:80" --annotation=${A}/force-ssl-redirect=true`);
    const reply = run(`curl -si -H 'Host: app.example' http://192.168.56.11:${port}/a?b=1`);
    expect(reply).toMatch(/^HTTP\/1\.1 308 Permanent Redirect\n/);
    expect(reply).toContain("\nLocation: https://app.example/a?b=1\n");
  });

  it("allowlist-source-range (and whitelist-source-range) answers 403 to an address outside it: the one nginx sees after kube-proxy's SNAT", () => {
    const { run, port } = cluster(4);
    run(`kubectl create ingress web --class=nginx --rule="app.example/*=web:80" --annotation=${A}/allowlist-source-range=192.168.56.0/24`);
    const denied = run(`curl -si -H 'Host: app.example' http://192.168.56.11:${port}/`);
    expect(denied).toMatch(/^HTTP\/1\.1 403 Forbidden\n/);
    expect(denied).toContain(page("403 Forbidden"));
    // The request reaches the controller from the node's pod-network address (NodePort, externalTrafficPolicy Cluster).
    const seen = /X-Real-Ip: (\S+)/.exec(run(`curl -s -H 'Host: other.example' http://192.168.56.11:${port}/`) + run(`kubectl annotate ingress web ${A}/allowlist-source-range- && curl -s -H 'Host: app.example' http://192.168.56.11:${port}/`))![1];
    run(`kubectl annotate ingress web ${A}/whitelist-source-range=${seen}/32`);
    expect(run(`curl -s -o /dev/null -w '%{http_code}' -H 'Host: app.example' http://192.168.56.11:${port}/`)).toBe("200");
  });

  it("proxy-body-size: a larger body is 413 and the connection closes", () => {
    const { run, port } = cluster(5);
    run(`kubectl create ingress web --class=nginx --rule="app.example/*=web:80" --annotation=${A}/proxy-body-size=8`);
    const reply = run(`curl -si -d 'more than eight bytes' -H 'Host: app.example' http://192.168.56.11:${port}/`);
    expect(reply).toMatch(/^HTTP\/1\.1 413 Request Entity Too Large\n/);
    expect(reply).toContain("\nConnection: close\n");
    expect(run(`curl -s -o /dev/null -w '%{http_code}' -d 'short' -H 'Host: app.example' http://192.168.56.11:${port}/`)).toBe("200");
  });

  it("enable-cors: a preflight OPTIONS is 204 with the default headers; responses carry them too", () => {
    const { run, port } = cluster(6);
    run(`kubectl create ingress api --class=nginx --rule="api.example/*=web:80" --annotation=${A}/enable-cors=true`);
    const preflight = run(`curl -si -X OPTIONS -H 'Origin: https://ui.example' -H 'Host: api.example' http://192.168.56.11:${port}/v1`);
    expect(preflight).toMatch(/^HTTP\/1\.1 204 No Content\n/);
    for (const line of [
      "Access-Control-Allow-Origin: *",
      "Access-Control-Allow-Credentials: true",
      "Access-Control-Allow-Methods: GET, PUT, POST, DELETE, PATCH, OPTIONS",
      "Access-Control-Allow-Headers: DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization",
      "Access-Control-Max-Age: 1728000",
    ]) {
      expect(preflight).toContain(`\n${line}\n`);
    }
    const get = run(`curl -si -H 'Host: api.example' http://192.168.56.11:${port}/v1`);
    expect(get).toMatch(/^HTTP\/1\.1 200 OK\n/);
    expect(get).toContain("\nAccess-Control-Allow-Origin: *\n");
    // A list of origins: only a listed Origin gets the headers, echoed back.
    run(`kubectl annotate ingress api ${A}/cors-allow-origin=https://ui.example`);
    expect(run(`curl -si -H 'Origin: https://ui.example' -H 'Host: api.example' http://192.168.56.11:${port}/v1`)).toContain("\nAccess-Control-Allow-Origin: https://ui.example\n");
    expect(run(`curl -si -H 'Origin: https://evil.example' -H 'Host: api.example' http://192.168.56.11:${port}/v1`)).not.toContain("Access-Control-Allow-Origin");
  });
});

describe("canary Ingresses", () => {
  it("send a request to the canary's Service by header, by cookie and by weight, and log its upstream as the alternative", () => {
    const { run, port } = cluster(7);
    run("kubectl create deployment web-v2 --image=traefik/whoami");
    run("kubectl expose deployment web-v2 --port=80");
    run('kubectl create ingress web --class=nginx --rule="app.example/*=web:80"');
    run(`kubectl create ingress web-canary --class=nginx --rule="app.example/*=web-v2:80" --annotation=${A}/canary=true --annotation=${A}/canary-by-header=X-Canary --annotation=${A}/canary-by-cookie=canary`);
    const who = (extra: string) => /Hostname: (web(?:-v2)?)-/.exec(run(`curl -s ${extra} -H 'Host: app.example' http://192.168.56.11:${port}/`))![1];
    expect(who("")).toBe("web");
    expect(who("-H 'X-Canary: always'")).toBe("web-v2");
    expect(who("-H 'X-Canary: never' -H 'Cookie: canary=always'")).toBe("web");
    expect(who("-H 'Cookie: canary=always'")).toBe("web-v2");
    expect(run("kubectl logs -n ingress-nginx deploy/ingress-nginx-controller --tail=1")).toMatch(/ \[default-web-80\] \[default-web-v2-80\] 10\.244\.\d+\.\d+:80 /);
    // canary-weight: 100 sends everything to the canary, unless a header says never.
    run(`kubectl annotate ingress web-canary ${A}/canary-weight=100`);
    expect(who("")).toBe("web-v2");
    expect(who("-H 'X-Canary: never'")).toBe("web");
  });

  it("with a weight share the requests between both", () => {
    const { run, port } = cluster(8);
    run("kubectl create deployment web-v2 --image=traefik/whoami");
    run("kubectl expose deployment web-v2 --port=80");
    run('kubectl create ingress web --class=nginx --rule="app.example/*=web:80"');
    run(`kubectl create ingress web-canary --class=nginx --rule="app.example/*=web-v2:80" --annotation=${A}/canary=true --annotation=${A}/canary-weight=50`);
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) seen.add(/Hostname: (web(?:-v2)?)-/.exec(run(`curl -s -H 'Host: app.example' http://192.168.56.11:${port}/`))![1]);
    expect([...seen].sort()).toEqual(["web", "web-v2"]);
  });

  // balancer.lua route_to_alternative_balancer: the header first (its value, else its pattern, else
  // always/never), then the cookie's always/never, then the weight.
  it.each([
    { name: "a header value that matches the pattern", annotations: ["canary-by-header-pattern=^(beta|qa)-[0-9]+$"], curl: "-H 'X-Canary: qa-7'", expected: "web-v2" },
    { name: "a header value the pattern does not match", annotations: ["canary-by-header-pattern=^(beta|qa)-[0-9]+$"], curl: "-H 'X-Canary: prod-7'", expected: "web" },
    { name: "always, with a pattern set (the pattern replaces always/never)", annotations: ["canary-by-header-pattern=^beta$"], curl: "-H 'X-Canary: always'", expected: "web" },
    { name: "the pattern is unanchored unless it says so", annotations: ["canary-by-header-pattern=beta"], curl: "-H 'X-Canary: is-beta-user'", expected: "web-v2" },
    { name: "canary-by-header-value wins over the pattern", annotations: ["canary-by-header-value=yes", "canary-by-header-pattern=.*"], curl: "-H 'X-Canary: no'", expected: "web" },
    { name: "a pattern miss falls through to the cookie", annotations: ["canary-by-header-pattern=^beta$", "canary-by-cookie=canary"], curl: "-H 'X-Canary: other' -H 'Cookie: canary=always'", expected: "web-v2" },
    { name: "a header never beats the cookie's always", annotations: ["canary-by-cookie=canary"], curl: "-H 'X-Canary: never' -H 'Cookie: canary=always'", expected: "web" },
    { name: "the cookie's never beats the weight", annotations: ["canary-by-cookie=canary", "canary-weight=100"], curl: "-H 'Cookie: canary=never'", expected: "web" },
    { name: "a pattern that does not compile never matches and ends the choice", annotations: ["canary-by-header-pattern=(beta", "canary-weight=100"], curl: "-H 'X-Canary: beta'", expected: "web" },
    { name: "a pattern the validator rejects is dropped (always works again)", annotations: ["canary-by-header-pattern=beta;"], curl: "-H 'X-Canary: always'", expected: "web-v2" },
  ])("canary precedence: $name", ({ annotations, curl, expected }) => {
    const { run, port } = cluster(9);
    run("kubectl create deployment web-v2 --image=traefik/whoami");
    run("kubectl expose deployment web-v2 --port=80");
    run('kubectl create ingress web --class=nginx --rule="app.example/*=web:80"');
    const extra = annotations.map((a) => ` '--annotation=${A}/${a}'`).join("");
    run(`kubectl create ingress web-canary --class=nginx --rule="app.example/*=web-v2:80" --annotation=${A}/canary=true --annotation=${A}/canary-by-header=X-Canary${extra}`);
    const reply = run(`curl -s ${curl} -H 'Host: app.example' http://192.168.56.11:${port}/`);
    expect(/Hostname: (web(?:-v2)?)-/.exec(reply)?.[1]).toBe(expected);
  });
});

describe("cookie session affinity", () => {
  const who = (reply: string) => /Hostname: (\S+)/.exec(reply)?.[1];
  const cookieOf = (reply: string) => /\nSet-Cookie: ([^;\n]+)/.exec(reply)?.[1];

  it("sets INGRESSCOOKIE on the first answer; the cookie then keeps every request on one pod, and a gone pod's cookie lands on another", () => {
    const { run, port } = cluster(10);
    run("kubectl scale deployment web --replicas=3");
    run(`kubectl create ingress web --class=nginx --rule="app.example/*=web:80" --annotation=${A}/affinity=cookie`);
    const first = run(`curl -si -H 'Host: app.example' http://192.168.56.11:${port}/`);
    expect(first).toMatch(/\nConnection: keep-alive\nSet-Cookie: INGRESSCOOKIE=\d+(\.\d+)?\.29\.\d+\|[0-9a-f]{32}; Path=\/; HttpOnly\n/);
    const cookie = cookieOf(first)!;
    const pods = new Set<string | undefined>();
    for (let i = 0; i < 8; i++) {
      const reply = run(`curl -si -H 'Cookie: ${cookie}' -H 'Host: app.example' http://192.168.56.11:${port}/`);
      expect(reply).not.toContain("Set-Cookie");
      pods.add(who(reply));
    }
    expect(pods).toEqual(new Set([who(first)]));
    // Without the cookie the balancer picks anew each time (and sets a cookie each time).
    expect(run(`curl -si -H 'Host: app.example' http://192.168.56.11:${port}/`)).toContain("\nSet-Cookie: INGRESSCOOKIE=");
    // balanced mode: the key hashes onto the remaining pods, no new cookie.
    run(`kubectl delete pod ${who(first)} --wait=false`);
    run("sleep 40");
    const after = run(`curl -si -H 'Cookie: ${cookie}' -H 'Host: app.example' http://192.168.56.11:${port}/`);
    expect(who(after)).toBeDefined();
    expect(who(after)).not.toBe(who(first));
    expect(after).not.toContain("Set-Cookie");
  });

  it("persistent mode names the pod in the cookie and sets a new one when that pod is gone; the cookie's attributes follow the annotations", () => {
    const { run, port } = cluster(11);
    run("kubectl scale deployment web --replicas=2");
    run(
      `kubectl create ingress web --class=nginx --rule="app.example/shop*=web:80" --annotation=${A}/affinity=cookie --annotation=${A}/affinity-mode=persistent --annotation=${A}/session-cookie-name=route --annotation=${A}/session-cookie-max-age=172800 --annotation=${A}/session-cookie-samesite=Strict`,
    );
    const first = run(`curl -si -H 'Host: app.example' http://192.168.56.11:${port}/shop`);
    const ip = /\nIP: (10\.244\.\d+\.\d+)\n/.exec(first)![1];
    expect(first).toMatch(new RegExp(`\\nSet-Cookie: route=${md5(`default-web-80${ip}:80`)}\\|${md5(md5("default-web-80") + "default-web-80")}; Max-Age=172800; Path=/shop; HttpOnly; SameSite=Strict\\n`));
    const cookie = cookieOf(first)!;
    expect(who(run(`curl -s -H 'Cookie: ${cookie}' -H 'Host: app.example' http://192.168.56.11:${port}/shop/cart`))).toBe(who(first));
    run(`kubectl delete pod ${who(first)} --wait=false`);
    run("sleep 40");
    const after = run(`curl -si -H 'Cookie: ${cookie}' -H 'Host: app.example' http://192.168.56.11:${port}/shop`);
    expect(who(after)).not.toBe(who(first));
    expect(cookieOf(after)).toMatch(/^route=[0-9a-f]{32}\|[0-9a-f]{32}$/);
    expect(cookieOf(after)).not.toBe(cookie);
  });

  it("a cookie that names the main backend keeps the request off the canary, even with the canary header", () => {
    const { run, port } = cluster(12);
    run("kubectl create deployment web-v2 --image=traefik/whoami");
    run("kubectl expose deployment web-v2 --port=80");
    run(`kubectl create ingress web --class=nginx --rule="app.example/*=web:80" --annotation=${A}/affinity=cookie`);
    run(`kubectl create ingress web-canary --class=nginx --rule="app.example/*=web-v2:80" --annotation=${A}/canary=true --annotation=${A}/canary-by-header=X-Canary`);
    const cookie = cookieOf(run(`curl -si -H 'Host: app.example' http://192.168.56.11:${port}/`))!;
    expect(who(run(`curl -s -H 'X-Canary: always' -H 'Host: app.example' http://192.168.56.11:${port}/`))).toMatch(/^web-v2-/);
    expect(who(run(`curl -s -H 'Cookie: ${cookie}' -H 'X-Canary: always' -H 'Host: app.example' http://192.168.56.11:${port}/`))).toMatch(/^web-(?!v2)/);
  });
});

describe("a denied location", () => {
  it.each(["10.0.0.0/8,", "10.0.0.0/33", "office-network"])("allowlist-source-range %j is no list of addresses and CIDRs: the location answers 503 and proxies nothing", (value) => {
    const { run, port } = cluster(13);
    run(`kubectl create ingress web --class=nginx --rule="app.example/*=web:80" '--annotation=${A}/allowlist-source-range=${value}'`);
    const reply = run(`curl -si -H 'Host: app.example' http://192.168.56.11:${port}/`);
    expect(reply).toMatch(/^HTTP\/1\.1 503 Service Temporarily Unavailable\n/);
    expect(reply).toContain(page("503 Service Temporarily Unavailable"));
  });
});
