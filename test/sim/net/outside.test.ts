// The simulated outside world: example.com and httpbin.org reached from pods (through the node's
// masquerade) and nodes, their names resolved by CoreDNS's forward to the node's resolver;
// ExternalName Services followed by curl; the workstation stays offline.
import { describe, expect, it } from "vitest";
import { EXAMPLE_DOMAIN_PAGE } from "../../../worker/sim/net/outside/example-domain-page.ts";
import { byteLength } from "../../../worker/sim/net/http.ts";
import { simConsole } from "../console.ts";

function ready(seed = 7) {
  const run = simConsole(seed, 2000);
  run("kubectl run cu --image=curlimages/curl -- sleep 3600");
  run("kubectl run bb --image=busybox -- sleep 3600");
  for (let i = 0; i < 4; i++) run("sleep 5");
  return run;
}

describe("the outside world", () => {
  it("example.com serves the Example Domain page (1270 bytes, Edgecast's headers) to a pod, whose address the node masquerades", () => {
    const run = ready();
    expect(byteLength(EXAMPLE_DOMAIN_PAGE)).toBe(1270);
    const page = run("kubectl exec cu -- curl -s http://example.com/");
    expect(page.output).toBe(EXAMPLE_DOMAIN_PAGE);
    const head = run("kubectl exec cu -- curl -sI http://www.example.com/");
    expect(head.output).toMatch(/^HTTP\/1\.1 200 OK\r?\nAccept-Ranges: bytes\r?\nCache-Control: max-age=604800\r?\nContent-Type: text\/html\r?\nDate: .*\r?\nEtag: "359670651"\r?\nExpires: .*\r?\nLast-Modified: Fri, 09 Aug 2013 23:54:35 GMT\r?\nServer: ECS \(sjc\/4FCE\)\r?\nX-Cache: HIT\r?\nx-ec-custom-error: 1\r?\nContent-Length: 1270\r?\n/);
    const trace = run("kubectl exec cu -- curl -s -o /dev/null http://example.com/").traces[0];
    expect(trace.verdict).toBe("answered");
    const nat = trace.hops.find((h) => h.kind === "node")!;
    expect(nat.rule).toBe('-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully');
    expect(nat.before?.src.ip).toMatch(/^10\.244\./);
    expect(nat.after?.src.ip).toMatch(/^192\.168\.56\./);
    expect(trace.hops.map((h) => h.kind)).toEqual(["dns", "client", "node", "outside", "process"]);
  });

  it("httpbin.org echoes the request as Python's json.dumps prints it, and sees the node's address as the origin", () => {
    const run = ready();
    const nodeIP = run("kubectl get pod cu -o jsonpath={.status.hostIP}").output;
    const got = run("kubectl exec cu -- curl -s http://httpbin.org/get?a=1").output;
    expect(got).toMatch(
      new RegExp(
        `^\\{\\n  "args": \\{\\n    "a": "1"\\n  \\}, \\n  "headers": \\{\\n    "Accept": "\\*/\\*", \\n    "Host": "httpbin.org", \\n    "User-Agent": "curl/[0-9.]+", \\n    "X-Amzn-Trace-Id": "Root=1-[0-9a-f]{8}-[0-9a-f]{24}"\\n  \\}, \\n  "origin": "${nodeIP.replace(/\./g, "\\.")}", \\n  "url": "http://httpbin.org/get\\?a=1"\\n\\}\\n$`,
      ),
    );
    expect(run("ssh node01 curl -s http://httpbin.org/ip").output).toMatch(/^\{\n  "origin": "192\.168\.56\.\d+"\n\}\n$/);
    expect(run("kubectl exec cu -- curl -s -o /dev/null -w %{http_code} http://httpbin.org/nothing").output).toBe("404");
  });

  it("resolves outside names in pods through CoreDNS's forward and on nodes through their resolver; an unregistered name is NXDOMAIN", () => {
    const run = ready();
    expect(run("kubectl exec bb -- nslookup example.com").output).toContain("Non-authoritative answer:\nName:\texample.com\nAddress: 93.184.216.34\n");
    expect(run("kubectl exec bb -- nslookup httpbin.org 8.8.8.8").output).toContain("Server:\t\t8.8.8.8\nAddress:\t8.8.8.8:53\n\nNon-authoritative answer:\nName:\thttpbin.org\n");
    expect(run("ssh node01 nslookup example.com").output).toBe("Server:\t\t127.0.0.53\nAddress:\t127.0.0.53#53\n\nNon-authoritative answer:\nName:\texample.com\nAddress: 93.184.216.34\n\n");
    const missing = run("kubectl exec cu -- curl -sS http://no-such-host.example.org/");
    expect(missing.output).toBe("curl: (6) Could not resolve host: no-such-host.example.org\ncommand terminated with exit code 6\n");
    expect(run("kubectl exec bb -- nslookup no-such-host.example.org").output).toContain("** server can't find no-such-host.example.org: NXDOMAIN");
  });

  it("stays unreachable from the workstation, which has no internet", () => {
    const run = ready();
    const byName = run("curl -sS http://example.com/");
    expect(byName.output).toBe("curl: (6) Could not resolve host: example.com\n");
    expect(byName.traces[0].reason).toContain("no internet connection");
    const byIP = run("curl -sS -m 2 http://93.184.216.34/");
    expect(byIP.output).toMatch(/^curl: \(28\) Connection timed out after 200\d milliseconds\n$/);
    expect(byIP.traces[0].reason).toContain("no internet connection");
  });

  it("answers only the ports its hosts serve: HTTPS to the outside times out", () => {
    const run = ready();
    const https = run("kubectl exec cu -- curl -sS -m 2 https://example.com/");
    expect(https.output).toMatch(/^curl: \(28\) Connection timed out after 200\d milliseconds\n/);
    expect(https.traces[0].reason).toContain("serves only plain HTTP on TCP port 80");
  });
});

describe("ExternalName Services to the outside world", () => {
  it("nslookup shows the CNAME and the target's address; curl follows it and keeps the Service's name as Host, which example.com answers with its 404", () => {
    const run = ready();
    run("kubectl create service externalname ex --external-name example.com");
    const ns = run("kubectl exec bb -- nslookup ex.default.svc.cluster.local").output;
    expect(ns).toContain("ex.default.svc.cluster.local\tcanonical name = example.com\nName:\texample.com\nAddress: 93.184.216.34\n");
    const verbose = run("kubectl exec cu -- curl -sv http://ex/").output;
    expect(verbose).toContain("* IPv4: 93.184.216.34\n");
    expect(verbose).toContain("> Host: ex\n");
    expect(verbose).toContain("< HTTP/1.1 404 Not Found");
    expect(verbose).toContain("<title>Example Domain</title>");
    // Asking with the name example.com knows gets its page.
    expect(run("kubectl exec cu -- curl -s -H 'Host: example.com' http://ex/").output).toBe(EXAMPLE_DOMAIN_PAGE);
    const trace = run("kubectl exec cu -- curl -s -o /dev/null http://ex/").traces[0];
    expect(trace.hops[0].note).toContain("CNAME example.com -> 93.184.216.34");
  });

  it("an ExternalName to an unregistered name fails as DNS does: curl (6)", () => {
    const run = ready();
    run("kubectl create service externalname gone --external-name no-such-host.example.org");
    expect(run("kubectl exec cu -- curl -sS http://gone/").output).toBe("curl: (6) Could not resolve host: gone\ncommand terminated with exit code 6\n");
  });
});
