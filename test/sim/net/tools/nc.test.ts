// busybox nc -z in a busybox pod: a port check through DNS and kube-proxy's rules, worded as
// networking/nc_bloaty.c words it.
import { describe, expect, it } from "vitest";
import { simConsole } from "../../console.ts";

describe("busybox nc -z", () => {
  const run = simConsole(7);
  run("kubectl create deployment web --image=nginx --replicas=1");
  run("kubectl expose deployment web --port 80");
  run("kubectl create deployment none --image=nginx --replicas=0");
  run("kubectl expose deployment none --port 80");
  run("kubectl run box --image=busybox --restart=Never -- sleep 3600");
  run("sleep 20");
  const ip = (svc: string) => run(`kubectl get svc ${svc} -o jsonpath='{.spec.clusterIP}'`).output;

  it.each([
    ["an open port, with -v", "nc -zv web 80", 0, () => `web (${ip("web")}:80) open\n`],
    ["an open port, quiet", "nc -z web 80", 0, () => ""],
    ["a Service without endpoints (REJECT), one -v", "nc -zv none 80", 1, () => ""],
    ["a Service without endpoints, -vv", "nc -zvv none 80", 1, () => `nc: none (${ip("none")}:80): Connection refused\n`],
    ["a port the Service does not define (dropped)", "nc -zv -w 2 web 81", 1, () => `nc: web (${ip("web")}:81): Connection timed out\n`],
    ["an unknown name", "nc -zv nothing 80", 1, () => "nc: bad address 'nothing'\n"],
  ])("checks %s", (_, command, code, output) => {
    const result = run(`kubectl exec box -- ${command}`);
    // kubectl exec reports the command's non-zero status after its output.
    expect([result.exitCode, result.output]).toEqual([code, output() + (code ? "command terminated with exit code 1\n" : "")]);
  });

  it("traces the connection through the Service", () => {
    const hops = run("kubectl exec box -- nc -z web 80").traces![0].hops;
    expect(hops.map((h) => h.kind)).toContain("endpoint");
    expect(hops.at(-1)!.note).toContain("nc -z closed it at once");
  });
});
