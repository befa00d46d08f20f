// busybox telnet in a busybox pod: the connect through DNS and kube-proxy's rules, the errors
// worded as networking/telnet.c and libbb's xconnect() word them, and an HTTP request typed on
// standard input answered by the server behind the Service.
import { describe, expect, it } from "vitest";
import { simConsole } from "../../console.ts";

describe("busybox telnet", () => {
  const run = simConsole(7);
  run("kubectl create deployment web --image=nginx --replicas=1");
  run("kubectl expose deployment web --port 80");
  run("kubectl create deployment none --image=nginx --replicas=0");
  run("kubectl expose deployment none --port 80");
  run("kubectl run box --image=busybox --restart=Never -- sleep 3600");
  run("sleep 20");
  const ip = (svc: string) => run(`kubectl get svc ${svc} -o jsonpath='{.spec.clusterIP}'`).output;

  it.each([
    ["a Service without endpoints (REJECT)", "telnet none 80", () => `telnet: can't connect to remote host (${ip("none")}): Connection refused\n`],
    ["a port the Service does not define (dropped)", "telnet web 81", () => `telnet: can't connect to remote host (${ip("web")}): Connection timed out\n`],
    ["the default port 23, which nothing serves", "telnet web", () => `telnet: can't connect to remote host (${ip("web")}): Connection timed out\n`],
    ["an unknown name", "telnet nothing 80", () => "telnet: bad address 'nothing'\n"],
  ])("fails on %s", (_, command, output) => {
    const result = run(`kubectl exec box -- ${command}`);
    expect([result.exitCode, result.output]).toEqual([1, output() + "command terminated with exit code 1\n"]);
  });

  it("prints nothing on connecting, and ends at the end of its input", () => {
    const result = run("kubectl exec box -- telnet web 80");
    expect([result.exitCode, result.output]).toEqual([0, ""]);
    expect(result.traces![0].hops.at(-1)!.note).toContain("accepted the connection from telnet");
  });

  it("sends a typed HTTP/1.0 request, prints nginx's answer and the server's close", () => {
    const result = run(`kubectl exec box -- sh -c 'printf "GET / HTTP/1.0\\r\\n\\r\\n" | telnet web 80'`);
    expect(result.output).toMatch(/^HTTP\/1\.1 200 OK\nServer: nginx\/[\d.]+\n[\s\S]*Connection: close\n[\s\S]*\n\n<!DOCTYPE html>[\s\S]*<\/html>\nConnection closed by foreign host\n/);
    expect(result.exitCode).toBe(1);
  });

  it("keeps an HTTP/1.1 connection open after the answer: the end of input ends telnet with 0", () => {
    const result = run(`kubectl exec box -- sh -c 'printf "HEAD / HTTP/1.1\\r\\nHost: web\\r\\n\\r\\n" | telnet web 80'`);
    expect(result.output).toMatch(/^HTTP\/1\.1 200 OK\n/);
    expect(result.output).not.toContain("Connection closed");
    expect(result.exitCode).toBe(0);
  });

  it("rejects an unknown option with busybox's usage", () => {
    const result = run("kubectl exec box -- telnet -x web 80");
    expect(result.output).toContain("telnet: invalid option -- 'x'\nBusyBox v1.37.0");
    expect(result.output).toContain("Usage: telnet [-a] [-l USER] HOST [PORT]");
  });
});

// netshoot installs Alpine's busybox-extras (its Dockerfile): the same telnet, and /etc/services
// names ports.
describe("busybox telnet in nicolaka/netshoot", () => {
  const run = simConsole(7);
  run("kubectl create deployment web --image=nginx --replicas=1");
  run("kubectl expose deployment web --port 80");
  run("kubectl run ns --image=nicolaka/netshoot --restart=Never -- sleep 3600");
  run("sleep 20");

  it.each([["80"], ["http"]])("connects to web port %s and prints nginx's answer to a typed request", (port) => {
    const result = run(`kubectl exec ns -- bash -c 'printf "GET / HTTP/1.0\\r\\n\\r\\n" | telnet web ${port}'`);
    expect(result.output).toMatch(/^HTTP\/1\.1 200 OK\nServer: nginx\/[\d.]+\n[\s\S]*<\/html>\nConnection closed by foreign host\n/);
  });

  it("fails on an unknown name as busybox does", () => {
    expect(run("kubectl exec ns -- telnet nothing 80").output).toBe("telnet: bad address 'nothing'\ncommand terminated with exit code 1\n");
  });
});
