// The sample apps the kubernetes.io tutorials and courses deploy: each answers on its real port
// with its source's text and writes its source's log lines. A client pod curls each one.

import { describe, expect, it } from "vitest";
import { startupLog } from "../../../../worker/sim/net/apps/startup-log.ts";
import { findImage, pullError } from "../../../../worker/sim/cluster/images.ts";
import { processBehaviour, serverPorts } from "../../../../worker/sim/cluster/process.ts";
import { cluster, inPod, run, withPod, withService, type PodOptions } from "../fixtures.ts";

const DATE_LINE = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /;

function withServer(o: Omit<PodOptions, "ip">) {
  let s = cluster();
  s = withPod(s, { ip: "10.244.1.20", ...o });
  s = withPod(s, { name: "client", node: "node02", ip: "10.244.2.30", image: "curlimages/curl", command: ["sleep", "3600"] });
  return s;
}

function curl(o: Omit<PodOptions, "ip">, path: string, options = "-s") {
  const r = run(withServer(o), inPod("client"), `curl ${options} 'http://10.244.1.20${path}'`);
  return { ...r, logs: r.state.podRuntime[`default/${o.name}`].logs };
}

describe("sample apps answer on their port with their source's text", () => {
  it.each([
    ["registry.k8s.io/serve_hostname", [], ":9376/", "hostnames-abc12"],
    ["k8s.gcr.io/serve_hostname", [], ":9376/any/path", "hostnames-abc12"],
    ["registry.k8s.io/e2e-test-images/agnhost:2.39", ["serve-hostname"], ":9376/", "hostnames-abc12"],
    ["registry.k8s.io/e2e-test-images/agnhost:2.39", ["serve-hostname", "--port=8000"], ":8000/", "hostnames-abc12"],
    ["registry.k8s.io/e2e-test-images/agnhost:2.39", ["netexec", "--http-port=8080"], ":8080/hostname", "hostnames-abc12"],
    ["registry.k8s.io/e2e-test-images/agnhost:2.39", ["netexec", "--http-port", "9000"], ":9000/echo?msg=hello+there%21", "hello there!"],
    ["registry.k8s.io/e2e-test-images/agnhost:2.39", ["netexec"], ":8080/clientip", "10.244.2.30:"],
    ["gcr.io/google-samples/kubernetes-bootcamp:v1", [], ":8080/", "Hello Kubernetes bootcamp! | Running on: hostnames-abc12 | v=1\n"],
    ["docker.io/jocatalin/kubernetes-bootcamp:v2", [], ":8080/", "Hello Kubernetes bootcamp! | Running on: hostnames-abc12 | v=2\n"],
    ["gcr.io/google-samples/node-hello:1.0", [], ":8080/", "Hello Kubernetes!"],
    ["gcr.io/google-samples/hello-app:1.0", [], ":8080/", "Hello, world!\nVersion: 1.0.0\nHostname: hostnames-abc12\n"],
    ["gcr.io/google-samples/hello-app:2.0", [], ":8080/x", "Hello, world!\nVersion: 2.0.0\nHostname: hostnames-abc12\n"],
  ])("%s %j: GET %s", (image, args, path, expected) => {
    const r = curl({ name: "hostnames-abc12", image, args: args.length ? args : undefined }, path);
    expect(r.code).toBe(0);
    if (expected.endsWith(":")) expect(r.out).toMatch(/^10\.244\.2\.30:\d+$/);
    else expect(r.out).toBe(expected);
  });

  it("kicbase/echo-server describes the request as jmalloc/echo-server 0.3 does", () => {
    const r = curl({ name: "hello-minikube", image: "kicbase/echo-server:1.0" }, ":8080/path?x=1");
    expect(r.out).toMatch(/^Request served by hello-minikube\n\nHTTP\/1\.1 GET \/path\?x=1\n\nHost: 10\.244\.1\.20:8080\nAccept: \*\/\*\nUser-Agent: curl\/[\d.]+\n$/);
    expect(r.logs).toEqual([expect.stringMatching(/^10\.244\.2\.30:\d+ \| GET \/path\?x=1$/)]);
  });

  it("agnhost's /echo sets the status from code=, and refuses a code that is not an integer", () => {
    const o = { name: "netexec", image: "registry.k8s.io/e2e-test-images/agnhost:2.39", args: ["netexec"] };
    const teapot = curl(o, ":8080/echo?msg=x&code=418", "-s -o /dev/null -w %{http_code}");
    expect(teapot.out).toBe("418");
    expect(curl(o, ":8080/echo?msg=x&code=abc").out).toBe(`argument 'code' must be an integer or empty, got "abc"\n`);
    expect(curl(o, ":8080/anything").out).toMatch(/^NOW: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC m=\+\d+\.\d{9}$/);
  });

  it("a server listens only on its own port: the old port is refused once agnhost is told another", () => {
    const r = curl({ name: "netexec", image: "registry.k8s.io/e2e-test-images/agnhost:2.39", args: ["netexec", "--http-port=9000"] }, ":8080/hostname");
    expect(r.code).toBe(7);
  });

  it.each([
    [["/http-echo", "-text=v1"], undefined, "v1\n"],
    [["/http-echo"], ["-text=v2"], "v2\n"],
    [["http-echo", "-text=v3", "-listen=:5678"], undefined, "v3\n"],
  ])("a command naming the image's own server program runs it with the rest as flags: %j %j", (command, args, expected) => {
    const r = curl({ name: "echo-abc12", image: "hashicorp/http-echo", command, args }, ":5678/");
    expect(r.code).toBe(0);
    expect(r.output).toBe(expected);
  });

  it("a command that is not the server program (a shell, sleep) replaces the server: nothing listens", () => {
    const r = curl({ name: "echo-abc12", image: "hashicorp/http-echo", command: ["sleep", "3600"] }, ":5678/", "-s -m 2");
    expect(r.code).not.toBe(0);
  });
});

describe("sample apps' logs", () => {
  it.each([
    ["registry.k8s.io/serve_hostname", undefined, "/", /^HTTP request from 10\.244\.2\.30:\d+$/],
    ["registry.k8s.io/e2e-test-images/agnhost:2.39", ["netexec"], "/hostname", /^GET \/hostname$/],
    ["registry.k8s.io/e2e-test-images/agnhost:2.39", ["netexec"], "/echo?msg=hi", /^GET \/echo\?msg=hi&code=$/],
    ["gcr.io/google-samples/hello-app:1.0", undefined, "/a/b", /^Serving request: \/a\/b$/],
  ])("%s logs each request with Go's log prefix", (image, args, path, line) => {
    const port = serverPorts({ name: "c", image, args })[0].port;
    const r = curl({ name: "app", image, args }, `:${port}${path}`);
    expect(r.logs).toHaveLength(1);
    expect(r.logs[0]).toMatch(DATE_LINE);
    expect(r.logs[0].replace(DATE_LINE, "")).toMatch(line);
  });

  it("the bootcamp counts its requests and prints its uptime and the log time", () => {
    const r = curl({ name: "kubernetes-bootcamp-1", image: "gcr.io/google-samples/kubernetes-bootcamp:v1" }, ":8080/");
    // The fixture's container started at 09:59:00, the request is at 10:00:00.
    expect(r.logs).toEqual(["Running On: kubernetes-bootcamp-1 | Total Requests: 1 | App Uptime: 60 seconds | Log Time: 2025-11-26T10:00:00.000Z"]);
  });

  it.each([
    ["serve-hostname", {}, ["2026/01/01 00:00:05 Serving on port 9376."]],
    ["agnhost", { args: ["netexec", "--http-port=8080"], ports: [{ port: 8080, protocol: "TCP" as const }, { port: 8081, protocol: "UDP" as const }] }, ["2026/01/01 00:00:05 Started HTTP server on port 8080", "2026/01/01 00:00:05 Started UDP server on port  8081"]],
    ["agnhost", { args: ["serve-hostname"], ports: [{ port: 9376, protocol: "TCP" as const }] }, ["2026/01/01 00:00:05 Serving on port 9376."]],
    ["kubernetes-bootcamp", { hostname: "kubernetes-bootcamp-1" }, ["Kubernetes Bootcamp App Started At: 2026-01-01T00:00:05.000Z | Running On:  kubernetes-bootcamp-1 ", ""]],
    ["hello-app", {}, ["2026/01/01 00:00:05 Server listening on port 8080"]],
    ["echo-server", {}, ["Echo server listening on port 8080."]],
    ["node-hello", {}, []],
  ] as const)("%s prints its start-up lines", (kind, extra, expected) => {
    expect(startupLog(kind, { startedAt: Date.UTC(2026, 0, 1, 0, 0, 5), kernelVersion: "6.8.0-51-generic", cpus: 2, ...extra })).toEqual(expected);
  });
});

describe("the registry and the processes", () => {
  it.each([
    ["gcr.io/google-samples/kubernetes-bootcamp:v1", undefined],
    ["gcr.io/google-samples/kubernetes-bootcamp:v10", "no-tag"],
    ["gcr.io/google-samples/hello-app:2.0", undefined],
    ["gcr.io/google-samples/hello-app:3.0", "no-tag"],
    ["k8s.gcr.io/serve_hostname", undefined],
    ["k8s.gcr.io/e2e-test-images/agnhost:2.39", undefined],
    ["gcr.io/google-samples/no-such-app:1.0", "no-repository"],
  ])("pulls %s: %s", (image, error) => {
    expect(pullError(image)).toBe(error);
  });

  it("k8s.gcr.io names the same images as registry.k8s.io", () => {
    expect(findImage("k8s.gcr.io/serve_hostname:1.1")).toBe(findImage("registry.k8s.io/serve_hostname"));
  });

  it.each([
    [{ args: ["netexec"] }, "forever"],
    [{ command: ["/agnhost", "netexec", "--http-port=8080"] }, "forever"],
    [{ args: ["serve-hostname"] }, "forever"],
    // No args: the image's CMD, ["pause"] (test/images/agnhost/Dockerfile), which waits for a signal.
    [{}, "forever"],
    [{ args: ["pause"] }, "forever"],
    [{ args: ["help"] }, "exits"],
  ])("agnhost %j runs until stopped only for a serving subcommand or pause", (spec, kind) => {
    expect(processBehaviour({ name: "a", image: "registry.k8s.io/e2e-test-images/agnhost:2.39", ...spec }).kind).toBe(kind);
  });

  it("agnhost given its command in full listens where its flags say", () => {
    expect(serverPorts({ name: "a", image: "registry.k8s.io/e2e-test-images/agnhost:2.39", command: ["/agnhost", "netexec", "--http-port=8080", "--udp-port=-1"] })).toEqual([{ port: 8080, protocol: "TCP" }]);
  });
});

describe("connecting-frontend-backend's pair: hello-go-gke behind hello-frontend's nginx", () => {
  const frontend = () => {
    let s = cluster();
    s = withPod(s, { name: "frontend", ip: "10.244.1.40", image: "gcr.io/google-samples/hello-frontend:1.0" });
    s = withPod(s, { name: "client", node: "node02", ip: "10.244.2.30", image: "curlimages/curl", command: ["sleep", "3600"] });
    return s;
  };

  it("hello-go-gke answers every path with json.Encoder's line and logs it as LoggingHandler does", () => {
    const r = curl({ name: "hello-abc12", image: "gcr.io/google-samples/hello-go-gke:1.0" }, "/any", "-si");
    expect(r.out).toMatch(/^HTTP\/1\.1 200 OK\nDate: .+\nContent-Length: 20\nContent-Type: text\/plain; charset=utf-8\n\n\{"message":"Hello"\}\n$/);
    expect(r.logs.at(-1)).toMatch(/^10\.244\.2\.30:\d+ - - \[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC m=\+\d+\.\d{9}\] "GET \/any HTTP\/1\.1" curl\/[\d.]+$/);
    expect(curl({ name: "hello-abc12", image: "gcr.io/google-samples/hello-go-gke:1.0" }, "/version").out).toBe('{"version":"1.0.0"}\n');
    expect(curl({ name: "hello-abc12", image: "gcr.io/google-samples/hello-go-gke:1.0" }, ":81/healthz", "-s -o /dev/null -w %{http_code}").out).toBe("200");
  });

  it("hello-frontend proxies to the hello Service by name, with nginx's Server and the backend's body", () => {
    let s = frontend();
    s = withPod(s, { name: "hello-abc12", node: "node02", ip: "10.244.2.41", labels: { app: "hello" }, image: "gcr.io/google-samples/hello-go-gke:1.0" });
    s = withService(s, { name: "hello", clusterIP: "10.96.50.50", selector: { app: "hello" }, ports: [{ port: 80 }] });
    const r = run(s, inPod("client"), "curl -si http://10.244.1.40/");
    expect(r.out).toMatch(/^HTTP\/1\.1 200 OK\nServer: nginx\/[\d.]+\nDate: .+\nContent-Length: 20\nContent-Type: text\/plain; charset=utf-8\nConnection: keep-alive\n\n\{"message":"Hello"\}\n$/);
    // The backend saw nginx's upstream request: Host is the upstream block's name.
    const trace = r.traces.at(-1)!;
    expect(trace.verdict).toBe("answered");
    expect(trace.hops.some((h) => h.kind === "dns" && h.label === "DNS hello")).toBe(true);
  });

  it("a hello Service without endpoints: kube-proxy rejects, the frontend answers nginx's 502 and logs why", () => {
    const s = withService(frontend(), { name: "hello", clusterIP: "10.96.50.50", selector: { app: "hello" }, ports: [{ port: 80 }] });
    const r = run(s, inPod("client"), "curl -s http://10.244.1.40/");
    expect(r.out).toContain("<center><h1>502 Bad Gateway</h1></center>");
    const logs = r.state.podRuntime["default/frontend"].logs;
    expect(logs.at(-2)).toMatch(/\[error\] \d+#\d+: \*\d+ connect\(\) failed \(111: Connection refused\) while connecting to upstream, client: 10\.244\.2\.30, server: , request: "GET \/ HTTP\/1\.1", upstream: "http:\/\/10\.96\.50\.50:80\/", host: "10\.244\.1\.40"$/);
    expect(logs.at(-1)).toMatch(/^10\.244\.2\.30 - - \[.+\] "GET \/ HTTP\/1\.1" 502 \d+ "-" "curl\/[\d.]+" "-"$/);
  });
});
