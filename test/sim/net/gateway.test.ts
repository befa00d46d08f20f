// Requests through an NGINX Gateway Fabric Gateway's data plane, from the workstation to its
// MetalLB address: HTTPRoute matching with the Gateway API's precedence, filters, weighted
// backends, NGF's 404, and the trace client -> LB/node -> data-plane pod -> Service -> pod.
import { beforeAll, describe, expect, it } from "vitest";
import { createSession, execute, type CommandResult, type SessionState } from "../../../worker/sim/engine.ts";

const GATEWAY_API = "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.1/standard-install.yaml";
const NGF = "https://raw.githubusercontent.com/nginx/nginx-gateway-fabric/v2.6.7/deploy";
const LB = "192.168.56.200";

interface Session {
  run: (command: string) => CommandResult;
  wait: (seconds: number) => void;
  fork: () => Session;
}

function session(state: SessionState, start: number): Session {
  let now = start;
  const run = (command: string) => {
    now += 2000;
    const result = execute(state, command, { now });
    state = result.state;
    return result;
  };
  return {
    run,
    wait: (seconds) => {
      for (let t = 0; t < seconds; t += 5) {
        now += 3000;
        run("true");
      }
    },
    fork: () => session(state, now),
  };
}

const apply = (yaml: string) => `kubectl apply -f - <<'EOF'\n${yaml}EOF`;
const route = (name: string, spec: string) => `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: ${name}\nspec:\n  parentRefs:\n  - name: cafe\n${spec}`;

let cafe: Session;

beforeAll(() => {
  const start = Date.UTC(2026, 0, 1);
  const s = session(createSession({ seed: 5, now: start }), start);
  for (const command of [`kubectl apply -f ${GATEWAY_API}`, `kubectl apply --server-side -f ${NGF}/crds.yaml`, `kubectl apply -f ${NGF}/default/deploy.yaml`]) expect(s.run(command).exitCode).toBe(0);
  s.wait(15);
  s.run(apply("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: cafe\nspec:\n  gatewayClassName: nginx\n  listeners:\n  - name: http\n    port: 80\n    protocol: HTTP\n"));
  for (const v of ["v1", "v2", "exact", "prefix", "longer", "post", "header"]) {
    s.run(apply(`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${v}\nspec:\n  selector:\n    matchLabels: {app: ${v}}\n  template:\n    metadata:\n      labels: {app: ${v}}\n    spec:\n      containers:\n      - name: echo\n        image: hashicorp/http-echo\n        args: ["-text=${v}"]\n`));
    s.run(`kubectl expose deployment ${v} --port=80 --target-port=5678`);
  }
  s.run("kubectl create deployment echo --image=registry.k8s.io/echoserver:1.10");
  s.run("kubectl expose deployment echo --port=80 --target-port=8080");
  s.wait(15);
  expect(s.run("kubectl get gateway cafe -o jsonpath='{.status.addresses[0].value}'").output).toBe(LB);
  cafe = s;
}, 120_000);

describe("HTTPRoute matching on NGF's data plane", () => {
  it("answers NGF's 404 when no route takes the request", () => {
    const s = cafe.fork();
    const r = s.run(`curl -si http://${LB}/`);
    expect(r.output).toMatch(/^HTTP\/1\.1 404 Not Found\r?\nServer: nginx\r?\n/);
    expect(r.output).toContain("<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>");
  });

  it("prefers an Exact path, then the longest PathPrefix (whole segments), then a method, then more headers", () => {
    const s = cafe.fork();
    s.run(apply(route("paths", `  rules:
  - matches:
    - path: {type: PathPrefix, value: /coffee}
    backendRefs: [{name: prefix, port: 80}]
  - matches:
    - path: {type: PathPrefix, value: /coffee/latte}
    backendRefs: [{name: longer, port: 80}]
  - matches:
    - path: {type: Exact, value: /coffee/latte}
    backendRefs: [{name: exact, port: 80}]
  - matches:
    - path: {type: PathPrefix, value: /tea}
      method: POST
    backendRefs: [{name: post, port: 80}]
  - matches:
    - path: {type: PathPrefix, value: /tea}
      method: POST
      headers: [{name: x-canary, value: "yes"}]
    backendRefs: [{name: header, port: 80}]
  - matches:
    - path: {type: PathPrefix, value: /tea}
    backendRefs: [{name: v1, port: 80}]
`)));
    s.wait(5);
    const get = (args: string) => s.run(`curl -s ${args}`).output;
    expect(get(`http://${LB}/coffee/latte`)).toBe("exact\n");
    expect(get(`http://${LB}/coffee/latte/big`)).toBe("longer\n");
    expect(get(`http://${LB}/coffee/mocha`)).toBe("prefix\n");
    expect(get(`http://${LB}/coffee`)).toBe("prefix\n");
    expect(get(`http://${LB}/coffeebeans`)).toContain("404 Not Found");
    expect(get(`-X POST http://${LB}/tea`)).toBe("post\n");
    expect(get(`-X POST -H 'x-canary: yes' http://${LB}/tea`)).toBe("header\n");
    expect(get(`http://${LB}/tea`)).toBe("v1\n");
  });

  it("matches query parameters, and serves a route's hostnames only for those hosts", () => {
    const s = cafe.fork();
    s.run(apply(route("hosts", `  hostnames: [cafe.example.com]
  rules:
  - matches:
    - queryParams: [{name: version, value: "2"}]
    backendRefs: [{name: v2, port: 80}]
  - backendRefs: [{name: v1, port: 80}]
`)));
    s.wait(5);
    expect(s.run(`curl -s -H 'Host: cafe.example.com' http://${LB}/menu`).output).toBe("v1\n");
    expect(s.run(`curl -s -H 'Host: cafe.example.com' 'http://${LB}/menu?version=2'`).output).toBe("v2\n");
    expect(s.run(`curl -s -H 'Host: other.example.com' http://${LB}/menu`).output).toContain("404 Not Found");
  });

  it("splits by backendRef weights: a 3:1 canary in a curl loop, the same on a replay", () => {
    const loop = (s: Session) => s.run(`for i in $(seq 1 40); do curl -s http://${LB}/; done`).output.trim().split("\n");
    const s = cafe.fork();
    s.run(apply(route("canary", "  rules:\n  - backendRefs:\n    - {name: v1, port: 80, weight: 75}\n    - {name: v2, port: 80, weight: 25}\n")));
    s.wait(5);
    const again = s.fork();
    const answers = loop(s);
    const v2 = answers.filter((a) => a === "v2").length;
    expect(answers.filter((a) => a === "v1").length + v2).toBe(40);
    expect(v2).toBeGreaterThan(3);
    expect(v2).toBeLessThan(20);
    expect(loop(again)).toEqual(answers);
  });

  it("applies RequestRedirect, RequestHeaderModifier, URLRewrite and ResponseHeaderModifier", () => {
    const s = cafe.fork();
    s.run(apply(route("filters", `  rules:
  - matches:
    - path: {type: PathPrefix, value: /old}
    filters:
    - type: RequestRedirect
      requestRedirect: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}, statusCode: 301}
  - matches:
    - path: {type: PathPrefix, value: /api}
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier: {set: [{name: x-env, value: prod}], remove: [x-debug]}
    - type: URLRewrite
      urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v2}}
    - type: ResponseHeaderModifier
      responseHeaderModifier: {add: [{name: x-served-by, value: ngf}]}
    backendRefs: [{name: echo, port: 80}]
`)));
    s.wait(5);
    const redirect = s.run(`curl -si http://${LB}/old/menu?x=1`).output;
    expect(redirect).toMatch(/^HTTP\/1\.1 301 Moved Permanently\r?\n/);
    expect(redirect).toContain(`Location: http://${LB}/new/menu?x=1`);
    const echoed = s.run(`curl -si -H 'x-debug: 1' http://${LB}/api/orders`).output;
    expect(echoed).toMatch(/x-served-by: ngf/i);
    expect(echoed).toContain("request_uri=http://");
    expect(echoed).toContain("/v2/orders");
    expect(echoed).toMatch(/x-env=prod/);
    expect(echoed).not.toMatch(/x-debug=/);
  });

  it("mirrors with RequestMirror: the mirror's access log has the copy, the client gets the primary's answer", () => {
    const s = cafe.fork();
    s.run("kubectl create deployment shadow --image=nginx");
    s.run("kubectl expose deployment shadow --port=80");
    s.run(apply(route("mirrored", `  rules:
  - matches:
    - path: {type: PathPrefix, value: /}
    filters:
    - type: RequestMirror
      requestMirror:
        backendRef: {name: shadow, port: 80}
    backendRefs: [{name: v1, port: 80}]
`)));
    s.wait(10);
    const r = s.run(`curl -s -A probe http://${LB}/checkout?id=7`);
    expect(r.output).toBe("v1\n");
    expect(s.run("kubectl logs deploy/shadow").output).toMatch(/"GET \/checkout\?id=7 HTTP\/1\.1" 404 \d+ "-" "probe"/);
    const note = r.traces![0].hops.find((h) => h.note?.includes("HTTPRoute default/mirrored"))?.note ?? "";
    expect(note).toMatch(/RequestMirror: a copy went to [\d.]+:80 of default\/shadow \(it answered 404, discarded\)\./);
    // The data plane logs the main request only (log_subrequest off).
    expect(s.run("kubectl logs deploy/cafe-nginx").output.match(/checkout/g)).toHaveLength(1);
  });

  it("mirrors only the RequestMirror percent of requests", () => {
    const s = cafe.fork();
    s.run("kubectl create deployment shadow --image=nginx");
    s.run("kubectl expose deployment shadow --port=80");
    s.run(apply(route("sampled", `  rules:
  - filters:
    - type: RequestMirror
      requestMirror:
        backendRef: {name: shadow, port: 80}
        percent: 25
    backendRefs: [{name: v1, port: 80}]
`)));
    s.wait(10);
    s.run(`for i in $(seq 1 40); do curl -s http://${LB}/sample; done`);
    const copies = (s.run("kubectl logs deploy/shadow").output.match(/GET \/sample/g) ?? []).length;
    expect(copies).toBeGreaterThan(3);
    expect(copies).toBeLessThan(20);
  });

  it("traces client -> LB -> the data-plane pod (rule, listener) -> Service -> pod, and logs the request", () => {
    const s = cafe.fork();
    s.run(apply(route("traced", "  rules:\n  - backendRefs: [{name: v1, port: 80}]\n")));
    s.wait(5);
    const r = s.run(`curl -s http://${LB}/`);
    expect(r.output).toBe("v1\n");
    const hops = r.traces?.[0]?.hops.map((h) => h.label) ?? [];
    const proxy = hops.findIndex((h) => h.startsWith("nginx (NGINX Gateway Fabric data plane) in container nginx of pod default/cafe-nginx-"));
    expect(proxy).toBeGreaterThan(0);
    expect(hops.slice(proxy)).toContain("service default/v1");
    const note = r.traces![0].hops.find((h) => h.note?.includes("HTTPRoute default/traced"))?.note ?? "";
    expect(note).toContain("HTTPRoute default/traced rule 0 match 0 (PathPrefix /) via listener http");
    expect(s.run("kubectl logs deploy/cafe-nginx").output).toMatch(/"GET \/ HTTP\/1\.1" 200 3 "-" "curl\/[0-9.]+"\n$/);
  });
});
