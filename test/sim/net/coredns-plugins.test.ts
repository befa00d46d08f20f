// CoreDNS's health and ready servers, kubeadm's probes on them, and the log plugin's query lines.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

function corefile(body: string): string {
  const indented = body.split("\n").map((l) => (l ? `    ${l}` : l)).join("\n");
  return `kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: coredns\n  namespace: kube-system\ndata:\n  Corefile: |\n${indented}\nEOF`;
}

const BLOCK = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    forward . /etc/resolv.conf
    cache 30
    reload
}`;

function cluster(seed: number) {
  const run = simTerminal(seed, 2000);
  run("kubectl run c --image=nginx");
  run("kubectl run bb --image=busybox -- sleep 3600");
  for (let i = 0; i < 4; i++) run("sleep 5");
  const ips = run("kubectl get pods -n kube-system -l k8s-app=kube-dns -o jsonpath={.items[*].status.podIP}").output.split(" ");
  return { run, ip: ips[0] };
}

describe("CoreDNS's health and ready plugins", () => {
  it("answer OK on :8080/health and :8181/ready, and Go's 404 elsewhere", () => {
    const { run, ip } = cluster(61);
    const health = run(`kubectl exec c -- curl -si http://${ip}:8080/health`).output;
    expect(health).toMatch(/^HTTP\/1\.1 200 OK\r?\nDate: .+\r?\nContent-Length: 2\r?\nContent-Type: text\/plain; charset=utf-8\r?\n\r?\nOK$/);
    expect(run(`kubectl exec c -- curl -s http://${ip}:8181/ready`).output).toBe("OK");
    expect(run(`kubectl exec c -- curl -s http://${ip}:8181/health`).output).toBe("404 page not found\n");
    // From the node too (the kubelet probes from there).
    expect(run(`ssh node01 curl -s http://${ip}:8080/health`).output).toBe("OK");
  });

  it("come from kubeadm's Deployment with its probes, which describe shows", () => {
    const { run } = cluster(62);
    const describe = run("kubectl describe pods -n kube-system -l k8s-app=kube-dns").output;
    expect(describe).toContain("    Liveness:     http-get http://:liveness-probe/health delay=60s timeout=5s period=10s #success=1 #failure=5\n");
    expect(describe).toContain("    Readiness:    http-get http://:readiness-probe/ready delay=0s timeout=1s period=10s #success=1 #failure=3\n");
    expect(describe).toContain("/etc/coredns from config-volume (ro)");
  });

  it("leave pods started on a Corefile without ready NotReady, with the kubelet's Unhealthy event, and the rollout stalls", () => {
    const { run } = cluster(63);
    run(corefile(BLOCK.replace("    ready\n", "")));
    run("kubectl -n kube-system rollout restart deployment coredns");
    run("sleep 5");
    const pods = run("kubectl get pods -n kube-system -l k8s-app=kube-dns").output;
    // The new pods never get ready; the old ones serve until their reload plugin loads the new file.
    expect(pods.match(/ 1\/1 +Running/g)?.length).toBeGreaterThanOrEqual(1);
    expect(pods.match(/ 0\/1 +Running/g)?.length).toBeGreaterThanOrEqual(1);
    const notReady = /^(coredns-\S+) +0\/1/m.exec(pods)![1];
    const ip = run(`kubectl get pod -n kube-system ${notReady} -o jsonpath={.status.podIP}`).output;
    expect(run(`kubectl describe pod -n kube-system ${notReady}`).output).toMatch(
      new RegExp(`Warning +Unhealthy +\\S+(?: \\(x\\d+ over \\S+\\))? +kubelet +Readiness probe failed: Get "http://${ip.replace(/\./g, "\\.")}:8181/ready": dial tcp ${ip.replace(/\./g, "\\.")}:8181: connect: connection refused\\n`),
    );
    expect(run("kubectl -n kube-system rollout status deployment coredns --timeout=1s").output).toContain("Waiting for deployment \"coredns\" rollout to finish");
    // Names still resolve: the old pod is the Service's endpoint.
    expect(run("kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local").output).toContain("Address: 10.96.0.1\n");
    // Its reload plugin then restarts it on the new file: the ready server shuts down with the old
    // instance (ready's OnRestart), its readiness probe fails too, and the cluster's DNS is gone.
    for (let i = 0; i < 8; i++) run("sleep 5");
    const later = run("kubectl get pods -n kube-system -l k8s-app=kube-dns").output;
    expect(later.match(/ 1\/1 +Running/g)).toBeNull();
    expect(run("kubectl get endpointslices -n kube-system -l kubernetes.io/service-name=kube-dns -o jsonpath='{.items[0].endpoints[*].conditions.ready}'").output).not.toContain("true");
  });
});

describe("CoreDNS's log plugin", () => {
  it("writes a line per query in CommonLogFormat once the Corefile has log", () => {
    const { run } = cluster(64);
    run(corefile(BLOCK.replace("    errors\n", "    errors\n    log\n")));
    run("sleep 40");
    const bbIP = run("kubectl get pod bb -o jsonpath={.status.podIP}").output;
    run("kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local");
    run("kubectl exec bb -- nslookup nosuch.default.svc.cluster.local");
    run("kubectl exec c -- curl -s -o /dev/null http://example.com");
    const logs = run("kubectl logs -n kube-system -l k8s-app=kube-dns --tail=-1").output;
    const ip = bbIP.replace(/\./g, "\\.");
    // 54 bytes asked (12 + 38 for the name + 4), 106 answered (one A record of 52 bytes: CoreDNS does not compress).
    expect(logs).toMatch(new RegExp(`\\[INFO\\] ${ip}:\\d+ - \\d+ "A IN kubernetes\\.default\\.svc\\.cluster\\.local\\. udp 54 false 512" NOERROR qr,aa,rd 106 0\\.000\\d+s\\n`));
    expect(logs).toMatch(new RegExp(`\\[INFO\\] ${ip}:\\d+ - \\d+ "A IN nosuch\\.default\\.svc\\.cluster\\.local\\. udp 50 false 512" NXDOMAIN qr,aa,rd 143 0\\.000\\d+s\\n`));
    // A forwarded answer: no aa, recursion available, milliseconds spent upstream; curl's search path first.
    expect(logs).toMatch(/\[INFO\] [\d.]+:\d+ - \d+ "A IN example\.com\.default\.svc\.cluster\.local\. udp \d+ false 512" NXDOMAIN qr,aa,rd \d+ [\d.]+s\n/);
    expect(logs).toMatch(/\[INFO\] [\d.]+:\d+ - \d+ "A IN example\.com\. udp 29 false 512" NOERROR qr,rd,ra \d+ 0\.0\d+s\n/);
  });

  it("logs only the classes its block asks for, and nothing without log", () => {
    const { run } = cluster(65);
    run("kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local");
    expect(run("kubectl logs -n kube-system -l k8s-app=kube-dns --tail=-1").output).not.toContain('"A IN');
    run(corefile(BLOCK.replace("    errors\n", "    errors\n    log . {\n       class denial\n    }\n")));
    run("sleep 40");
    run("kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local");
    run("kubectl exec bb -- nslookup nosuch.default.svc.cluster.local");
    const logs = run("kubectl logs -n kube-system -l k8s-app=kube-dns --tail=-1").output;
    expect(logs).toContain('"A IN nosuch.default.svc.cluster.local. udp 50 false 512" NXDOMAIN');
    expect(logs).not.toContain('"A IN kubernetes.default.svc.cluster.local.');
  });
});
