// Ingress and IngressClass as the API server validates them and kubectl prints them: printers.go
// printIngress / printIngressClass, describe.go describeIngressV1, ValidateIngressCreate.

import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";
import { formatHosts } from "../../../worker/sim/kinds/ingress.ts";

function session(): (command: string) => ReturnType<typeof execute> {
  let now = Date.UTC(2026, 0, 1);
  let state: SessionState = createSession({ seed: 7, now });
  return (command) => {
    now += 5000;
    const result = execute(state, command, { now });
    state = result.state;
    return result;
  };
}

const ingress = (name: string, spec: string, annotations = "") =>
  `kubectl apply -f - <<EOF\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ${name}\n${annotations}spec:\n${spec}\nEOF`;

const RULE = (path: string, pathType: string, backend = "          service:\n            name: web\n            port:\n              number: 80") =>
  `  rules:\n  - host: app.example.com\n    http:\n      paths:\n      - path: ${path}\n        pathType: ${pathType}\n        backend:\n${backend}`;

describe("Ingress validation", () => {
  const cases: Array<[string, string, string]> = [
    ["no rules nor default backend", "  tls: []", 'The Ingress "x" is invalid: spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified\n'],
    ["a relative Prefix path", RULE("app", "Prefix"), 'The Ingress "x" is invalid: spec.rules[0].http.paths[0].path: Invalid value: "app": must be an absolute path\n'],
    ["an unknown pathType", RULE("/", "Regex"), 'The Ingress "x" is invalid: spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"\n'],
    ["a path with //", RULE("/a//b", "Exact"), "The Ingress \"x\" is invalid: spec.rules[0].http.paths[0].path: Invalid value: \"/a//b\": must not contain '//'\n"],
    ["a backend without a port", RULE("/", "Prefix", "          service:\n            name: web"), 'The Ingress "x" is invalid: spec.rules[0].http.paths[0].backend: Required value: port name or number is required\n'],
    ["both port name and number", RULE("/", "Prefix", "          service:\n            name: web\n            port:\n              number: 80\n              name: http"), 'The Ingress "x" is invalid: spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both port name & port number\n'],
  ];
  for (const [what, spec, expected] of cases) {
    it(`refuses ${what}`, () => {
      const r = session()(ingress("x", spec));
      expect(r.output).toBe(expected);
      expect(r.exitCode).toBe(1);
    });
  }

  it("refuses an IP as host and a class annotation that differs from ingressClassName", () => {
    const r = session()(ingress("x", `  ingressClassName: nginx\n${RULE("/", "Prefix").replace("app.example.com", "10.0.0.1")}`, "  annotations:\n    kubernetes.io/ingress.class: traefik\n"));
    expect(r.output).toBe(
      'The Ingress "x" is invalid: \n' +
        '* spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address\n' +
        '* annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` when both are specified\n',
    );
  });
});

describe("kubectl get and describe ingress", () => {
  it("prints NAME CLASS HOSTS ADDRESS PORTS AGE and the rules with each backend's endpoints", () => {
    const run = session();
    run("kubectl create deployment web --image=nginx --replicas=2");
    run("kubectl expose deployment web --port=80");
    expect(run(ingress("web", `  ingressClassName: nginx\n  tls:\n  - hosts: [app.example.com]\n    secretName: app-tls\n${RULE("/", "Prefix")}\n      - path: /api\n        pathType: Exact\n        backend:\n          service:\n            name: api\n            port:\n              name: http`)).output).toBe("ingress.networking.k8s.io/web created\n");
    expect(run("kubectl get ingress").output).toMatch(/^NAME {3}CLASS {3}HOSTS {13}ADDRESS {3}PORTS {5}AGE\nweb {4}nginx {3}app\.example\.com {13}80, 443 {3}\d+s\n$/);
    const text = run("kubectl describe ingress web").output;
    expect(text).toContain("Ingress Class:    nginx\nDefault backend:  <default>\nTLS:\n  app-tls terminates app.example.com\nRules:\n");
    expect(text).toMatch(/app\.example\.com  \n {19}\/ {6}web:80 \(10\.244\.\d+\.\d+:80,10\.244\.\d+\.\d+:80\)\n {19}\/api {3}api:http \(<error: services "api" not found>\)\n/);
  });

  it("formats hosts as printers.go does: three, then + N more...", () => {
    expect(formatHosts(undefined)).toBe("*");
    expect(formatHosts([{}, { host: "a" }])).toBe("a");
    expect(formatHosts([{ host: "a" }, { host: "b" }, { host: "c" }, { host: "d" }, { host: "e" }])).toBe("a,b,c + 2 more...");
  });
});

describe("IngressClass", () => {
  it("is cluster-scoped, prints NAME CONTROLLER PARAMETERS AGE, and wants a domain-prefixed controller", () => {
    const run = session();
    const ic = (name: string, controller: string) => `kubectl apply -f - <<EOF\napiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: ${name}\nspec:\n  controller: ${controller}\nEOF`;
    expect(run(ic("nginx", "k8s.io/ingress-nginx")).output).toBe("ingressclass.networking.k8s.io/nginx created\n");
    expect(run("kubectl get ingressclass").output).toMatch(/^NAME {4}CONTROLLER {13}PARAMETERS {3}AGE\nnginx {3}k8s\.io\/ingress-nginx {3}<none> {7}\d+s\n$/);
    expect(run(ic("bad", "nginx")).output).toBe('The IngressClass "bad" is invalid: spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")\n');
    expect(run(ic("nginx", "example.com/other")).output).toBe('The IngressClass "nginx" is invalid: spec.controller: Invalid value: "example.com/other": field is immutable\n');
  });
});

describe("kubectl create ingress", () => {
  it("builds rules per host in the order given, Prefix for a trailing *, and one TLS entry per secret", () => {
    const run = session();
    const r = run('kubectl create ingress multi --class=nginx --rule="foo.com/path*=svc:8080" --rule="foo.com/=svc:http,tls" --rule="bar.com/admin*=svc2:http,tls" --dry-run=client -o json');
    const ing = JSON.parse(r.output);
    expect(ing.spec).toEqual({
      ingressClassName: "nginx",
      rules: [
        { host: "foo.com", http: { paths: [{ backend: { service: { name: "svc", port: { number: 8080 } } }, path: "/path", pathType: "Prefix" }, { backend: { service: { name: "svc", port: { name: "http" } } }, path: "/", pathType: "Exact" }] } },
        { host: "bar.com", http: { paths: [{ backend: { service: { name: "svc2", port: { name: "http" } } }, path: "/admin", pathType: "Prefix" }] } },
      ],
      tls: [{ hosts: ["foo.com", "bar.com"] }],
    });
    expect(run('kubectl create ingress simple --rule="foo.com/bar=svc1:8080,tls=my-cert"').output).toBe("ingress.networking.k8s.io/simple created\n");
  });

  it("refuses what create_ingress.go's Validate refuses", () => {
    const run = session();
    expect(run('kubectl create ingress bad --rule="foo.com=svc:80"').output).toBe("error: rule foo.com=svc:80 is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]\n");
    expect(run("kubectl create ingress none").output).toMatch(/^error: not enough information provided: every ingress has to either specify a default-backend/);
    expect(run("kubectl create ingress d --default-backend=svc").output).toBe("error: default-backend should be in format servicename:serviceport\n");
    expect(run('kubectl create ingress a --rule="/=svc:80" --annotation=oops').output).toBe("error: annotation oops is invalid and should be in format key=[value]\n");
  });
});
