// ingress-nginx as a course installs it (its deploy.yaml by URL) or as a cluster profile has it
// from the start: the admission Jobs make and wire the webhook certificate, the controller starts.

import { describe, expect, it } from "vitest";
import { resolveProfile, type ClusterProfileRequest } from "../../../worker/sim/cluster/profile.ts";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";

function terminal(seed: number, profile?: ClusterProfileRequest, stepMs = 3000): (command: string) => { output: string; exitCode: number } {
  let now = Date.UTC(2026, 0, 1);
  let state: SessionState = createSession({ seed, now, profile: resolveProfile(profile) });
  return (command) => {
    now += stepMs;
    const result = execute(state, command, { now });
    state = result.state;
    return { output: result.output, exitCode: result.exitCode };
  };
}

const URL = (provider: string, version = "v1.15.1") => `https://raw.githubusercontent.com/kubernetes/ingress-nginx/controller-${version}/deploy/static/provider/${provider}/deploy.yaml`;

describe("installing ingress-nginx", () => {
  it("runs the admission Jobs to completion, then the controller with its start-up log", () => {
    const run = terminal(2);
    expect(run(`kubectl apply -f ${URL("baremetal")}`).exitCode).toBe(0);
    const wait = run("kubectl wait --namespace ingress-nginx --for=condition=ready pod --selector=app.kubernetes.io/component=controller --timeout=120s");
    expect(wait.output).toMatch(/^pod\/ingress-nginx-controller-[a-z0-9]+-[a-z0-9]{5} condition met\n$/);
    // ttlSecondsAfterFinished: 0 — the finished Jobs (and their pods) are deleted at once.
    expect(run("kubectl get jobs -n ingress-nginx").output).toBe("No resources found in ingress-nginx namespace.\n");
    expect(run("kubectl get pods -n ingress-nginx").output).toMatch(/\ningress-nginx-controller-\S+ +1\/1 +Running +0 +/);
    expect(run("kubectl get secret -n ingress-nginx ingress-nginx-admission").output).toMatch(/\ningress-nginx-admission +Opaque +3 +/);
    expect(run("kubectl get ingressclass").output).toMatch(/^NAME +CONTROLLER +PARAMETERS +AGE\nnginx +k8s\.io\/ingress-nginx +<none> +\d+s\n$/);
    const ca = run("kubectl get secret -n ingress-nginx ingress-nginx-admission -o jsonpath={.data.ca}").output;
    expect(run("kubectl get validatingwebhookconfiguration ingress-nginx-admission -o jsonpath={.webhooks[0].clientConfig.caBundle}").output).toBe(ca);
    const logs = run("kubectl logs -n ingress-nginx deploy/ingress-nginx-controller").output.split("\n");
    expect(logs.slice(0, 9)).toEqual([
      "-------------------------------------------------------------------------------",
      "NGINX Ingress controller",
      "  Release:       v1.15.1",
      "  Build:         git-0a5901f3c",
      "  Repository:    https://github.com/kubernetes/ingress-nginx",
      "  nginx version: nginx/1.27.1",
      "",
      "-------------------------------------------------------------------------------",
      "",
    ]);
    expect(logs[10]).toMatch(/^I0101 00:00:\d\d\.\d{6} {7}7 main\.go:205\] "Creating API client" host="https:\/\/10\.96\.0\.1:443"$/);
    expect(logs).toContainEqual(expect.stringMatching(/ controller\.go:231\] "Backend successfully reloaded"$/));
    // The probes' target answers on the health port.
    expect(run("kubectl describe pod -n ingress-nginx -l app.kubernetes.io/component=controller").output).toMatch(/Image ID: +registry\.k8s\.io\/ingress-nginx\/controller@sha256:594ceea76b01c592858f803f9ff4d2cb40542cae2060410b2c95f75907d659e1\n/);
  });

  it("prints the release of the manifest's image (v1.14.5)", () => {
    const run = terminal(3);
    run(`kubectl apply -f ${URL("cloud", "v1.14.5")}`);
    run("kubectl wait --namespace ingress-nginx --for=condition=ready pod --selector=app.kubernetes.io/component=controller --timeout=120s");
    expect(run("kubectl logs -n ingress-nginx deploy/ingress-nginx-controller").output).toContain("  Release:       v1.14.5\n  Build:         git-0a6fadc01\n");
    expect(run("kubectl get svc -n ingress-nginx ingress-nginx-controller").output).toMatch(/LoadBalancer +10\.\S+ +192\.168\.\d+\.\d+ +80:3\d{4}\/TCP,443:3\d{4}\/TCP/);
  });

  it("is there from the start with the profile's ingress: nginx", () => {
    const run = terminal(1, { ingress: "nginx" });
    expect(run("kubectl get pods -n ingress-nginx").output).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE\ningress-nginx-controller-\S+ +1\/1 +Running +0 +\d+m\n$/);
    expect(run("kubectl get ingressclass nginx -o jsonpath={.spec.controller}").output).toBe("k8s.io/ingress-nginx");
    expect(run("kubectl get svc -n ingress-nginx ingress-nginx-controller").output).toMatch(/NodePort +10\.\S+ +<none> +80:3\d{4}\/TCP,443:3\d{4}\/TCP/);
  });
});

describe("routing through ingress-nginx", () => {
  const NODE_PORT = /80:(3\d{4})\/TCP/;

  function cluster(seed = 1) {
    const run = terminal(seed, { ingress: "nginx" });
    const port = NODE_PORT.exec(run("kubectl get svc -n ingress-nginx ingress-nginx-controller").output)![1];
    return { run, port };
  }

  it("proxies a matched host and path to the backend's pods, with the forwarded headers, and logs the request", () => {
    const { run, port } = cluster();
    run("kubectl create deployment web --image=traefik/whoami");
    run("kubectl expose deployment web --port=80");
    run('kubectl create ingress demo --class=nginx --rule="app.example/*=web:80"');
    const res = run(`curl -s -H 'Host: app.example' http://192.168.56.11:${port}/hello?x=1`);
    expect(res.exitCode).toBe(0);
    expect(res.output).toMatch(/^Hostname: web-[a-z0-9]+-[a-z0-9]{5}\n/);
    expect(res.output).toContain("GET /hello?x=1 HTTP/1.1\nHost: app.example\n");
    expect(res.output).toMatch(/\nX-Forwarded-Port: 80\nX-Forwarded-Proto: http\n/);
    expect(res.output).toMatch(/\nX-Request-Id: [0-9a-f]{32}\n/);
    const log = run("kubectl logs -n ingress-nginx deploy/ingress-nginx-controller --tail=1").output;
    expect(log).toMatch(/^10\.244\.\d+\.\d+ - - \[01\/Jan\/2026:00:00:\d\d \+0000\] "GET \/hello\?x=1 HTTP\/1\.1" 200 \d+ "-" "curl\/8\.5\.0" 83 0\.000 \[default-web-80\] \[\] 10\.244\.\d+\.\d+:80 \d+ 0\.000 200 [0-9a-f]{32}\n$/);
    // --resolve sends the request to the address given, with the URL's host in Host.
    expect(run(`curl -s --resolve app.example:${port}:192.168.56.12 http://app.example:${port}/`).output).toContain(`Host: app.example:${port}\n`);
  });

  it("answers the default backend's 404 when no rule matches", () => {
    const { run, port } = cluster();
    run("kubectl create deployment web --image=traefik/whoami");
    run("kubectl expose deployment web --port=80");
    run('kubectl create ingress demo --class=nginx --rule="app.example/web=web:80"');
    const res = run(`curl -si -H 'Host: other.example' http://192.168.56.11:${port}/web`);
    expect(res.output.replace(/^Date: .*\n/m, "")).toBe(
      "HTTP/1.1 404 Not Found\nContent-Type: text/html\nContent-Length: 146\nConnection: keep-alive\n\n<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
    );
    // Exact: only /web itself, not /web/x.
    expect(run(`curl -s -o /dev/null -w '%{http_code}' -H 'Host: app.example' http://192.168.56.11:${port}/web`).output).toBe("200");
    expect(run(`curl -s -o /dev/null -w '%{http_code}' -H 'Host: app.example' http://192.168.56.11:${port}/web/x`).output).toBe("404");
    expect(run("kubectl logs -n ingress-nginx deploy/ingress-nginx-controller --tail=1").output).toMatch(/ 404 146 "-" "curl\/8\.5\.0" \d+ 0\.000 \[upstream-default-backend\] \[\] 127\.0\.0\.1:8181 146 0\.000 404 [0-9a-f]{32}\n$/);
  });

  it("answers 503 for a Service without ready endpoints", () => {
    const { run, port } = cluster();
    run("kubectl create service clusterip nothing --tcp=80:80");
    run('kubectl create ingress demo --class=nginx --rule="/*=nothing:80"');
    const res = run(`curl -s -w ' %{http_code}' http://192.168.56.11:${port}/`);
    expect(res.output).toBe("<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n 503");
    expect(run("kubectl logs -n ingress-nginx deploy/ingress-nginx-controller --tail=1").output).toMatch(/ 503 190 "-" "curl\/8\.5\.0" \d+ 0\.000 \[default-nothing-80\] \[\] - - - - [0-9a-f]{32}\n$/);
  });

  it("rewrites with rewrite-target's capture groups, and redirects a TLS host's plain http with 308", () => {
    const { run, port } = cluster();
    run("kubectl create deployment web --image=traefik/whoami");
    run("kubectl expose deployment web --port=80");
    // A regex path is not a valid Exact or Prefix path for the admission webhook (strict-validate-path-type).
    expect(run(`kubectl create ingress rw --class=nginx --rule="app.example/something(/|$)(.*)=web:80" --annotation='nginx.ingress.kubernetes.io/rewrite-target=/$2'`)).toEqual({
      output: `error: failed to create ingress: admission webhook "validate.nginx.ingress.kubernetes.io" denied the request: ingress contains invalid paths: path /something(/|$)(.*) cannot be used with pathType Exact\n`,
      exitCode: 1,
    });
    run(`kubectl apply -f - <<'EOF'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: rw
  annotations:
    nginx.ingress.kubernetes.io/rewrite-target: /$2
spec:
  ingressClassName: nginx
  rules:
  - host: app.example
    http:
      paths:
      - path: /something(/|$)(.*)
        pathType: ImplementationSpecific
        backend:
          service:
            name: web
            port:
              number: 80
EOF`);
    expect(run(`curl -s -H 'Host: app.example' http://192.168.56.11:${port}/something/new?q=1`).output).toContain("\nGET /new?q=1 HTTP/1.1\n");
    // The location is a case-insensitive regex (~*), as ingress-nginx renders it with rewrite-target.
    expect(run(`curl -s -H 'Host: app.example' http://192.168.56.11:${port}/SOMETHING`).output).toContain("\nGET / HTTP/1.1\n");
    run('kubectl create ingress tls --class=nginx --rule="secure.example/*=web:80,tls=cert"');
    const redirect = run(`curl -si -H 'Host: secure.example' http://192.168.56.11:${port}/a`).output;
    expect(redirect).toMatch(/^HTTP\/1\.1 308 Permanent Redirect\n/);
    expect(redirect).toContain("\nLocation: https://secure.example/a\n");
    run(`kubectl annotate ingress tls nginx.ingress.kubernetes.io/ssl-redirect=false`);
    expect(run(`curl -s -o /dev/null -w '%{http_code}' -H 'Host: secure.example' http://192.168.56.11:${port}/a`).output).toBe("200");
  });

  it("ends a loop through itself (a rule whose backend is the controller's own Service) with 502", () => {
    const { run, port } = cluster();
    run('kubectl create ingress loop -n ingress-nginx --class=nginx --rule="/*=ingress-nginx-controller:80"');
    expect(run(`curl -s -o /dev/null -w '%{http_code}' http://192.168.56.11:${port}/`).output).toBe("502");
  });

  it("fills ADDRESS at the controller's next status sync, with the node it runs on", () => {
    const { run } = cluster();
    run('kubectl create ingress demo --class=nginx --rule="app.example/*=web:80"');
    const node = run("kubectl get pods -n ingress-nginx -o jsonpath={.items[0].spec.nodeName}").output;
    const ip = run(`kubectl get node ${node} -o jsonpath={.status.addresses[0].address}`).output;
    run("sleep 60");
    expect(run("kubectl get ingress demo").output).toMatch(new RegExp(`\\ndemo +nginx +app\\.example +${ip.replace(/\./g, "\\.")} +80 +\\d+s\\n$`));
    expect(run("kubectl describe ingress demo").output).toMatch(/Normal +Sync +\d+s \(x2 over \d+s\) +nginx-ingress-controller +Scheduled for sync\n/);
  });

  it("with the cloud manifest: reached at MetalLB's address, the client's own address kept (externalTrafficPolicy Local), ADDRESS the load balancer's", () => {
    const run = terminal(4);
    run(`kubectl apply -f ${URL("cloud")}`);
    run("kubectl wait --namespace ingress-nginx --for=condition=ready pod --selector=app.kubernetes.io/component=controller --timeout=120s");
    run("kubectl create deployment web --image=traefik/whoami");
    run("kubectl expose deployment web --port=80");
    run('kubectl create ingress demo --class=nginx --rule="app.example/*=web:80"');
    const lb = /LoadBalancer +\S+ +(192\.168\.\d+\.\d+) /.exec(run("kubectl get svc -n ingress-nginx ingress-nginx-controller").output)![1];
    expect(run(`curl -s -H 'Host: app.example' http://${lb}/`).output).toContain("\nX-Real-Ip: 192.168.56.1\n");
    run("sleep 60");
    expect(run("kubectl get ingress demo -o jsonpath={.status.loadBalancer.ingress[0].ip}").output).toBe(lb);
  });

  it("traces client -> node:nodePort -> controller pod (the rule) -> backend Service -> pod", () => {
    let now = Date.UTC(2026, 0, 1);
    let state: SessionState = createSession({ seed: 1, now, profile: resolveProfile({ ingress: "nginx" }) });
    const exec = (command: string) => {
      const result = execute(state, command, { now: (now += 3000) });
      state = result.state;
      return result;
    };
    exec("kubectl create deployment web --image=nginx");
    exec("kubectl expose deployment web --port=80");
    exec('kubectl create ingress demo --class=nginx --rule="app.example/*=web:80"');
    const port = NODE_PORT.exec(exec("kubectl get svc -n ingress-nginx ingress-nginx-controller").output)![1];
    const result = exec(`curl -s -H 'Host: app.example' http://192.168.56.11:${port}/`);
    const trace = result.traces![0];
    expect(trace.verdict).toBe("answered");
    expect(trace.status).toBe(200);
    const kinds = trace.hops.map((h) => h.kind);
    expect(kinds[0]).toBe("client");
    expect(kinds).toContain("node");
    const controller = trace.hops.find((h) => h.kind === "process" && h.label.startsWith("ingress-nginx"))!;
    expect(controller.note).toMatch(/^Rule default\/demo: app\.example\/ \(Prefix, location \/\) matched: proxied to 10\.244\.\d+\.\d+:80\./);
    const after = trace.hops.slice(trace.hops.indexOf(controller) + 1);
    expect(after[0]).toMatchObject({ kind: "service", label: "service default/web" });
    expect(after.at(-1)).toMatchObject({ kind: "process" });
    expect(after.at(-1)!.label).toMatch(/^nginx in container nginx of pod default\/web-/);
    expect(after.some((h) => h.kind === "pod" && h.label.includes("default/web-"))).toBe(true);
  });
});
