// CoreDNS's prometheus plugin (:9153/metrics, the counters of plugin/metrics/vars in the text
// exposition format), its errors plugin's lines for a forward that fails, and the ready plugin's
// 503 while the kubernetes plugin cannot sync.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

function cluster(seed: number) {
  const run = simTerminal(seed, 2000);
  run("kubectl run c --image=nginx");
  for (let i = 0; i < 3; i++) run("sleep 5");
  const pods = run("kubectl get pods -n kube-system -l k8s-app=kube-dns -o jsonpath={.items[*].metadata.name}").output.split(" ");
  const ips = run("kubectl get pods -n kube-system -l k8s-app=kube-dns -o jsonpath={.items[*].status.podIP}").output.split(" ");
  return { run, pods, ips };
}

describe("CoreDNS's metrics", () => {
  it("count each query by type and each response by rcode, with the build info, per process", () => {
    const { run, ips } = cluster(71);
    const total = (text: string, line: RegExp) => text.split("\n").filter((l) => line.test(l)).reduce((n, l) => n + Number(l.split(" ").pop()), 0);
    const scrape = () => ips.map((ip) => run(`kubectl exec c -- curl -s http://${ip}:9153/metrics`).output).join("\n");
    const before = scrape();
    expect(before).toContain(
      '# HELP coredns_build_info A metric with a constant \'1\' value labeled by version, revision, and goversion from which CoreDNS was built.\n# TYPE coredns_build_info gauge\ncoredns_build_info{goversion="go1.24.1",revision="707c7c1",version="1.12.1"} 1\n',
    );
    expect(before).toContain('coredns_plugin_enabled{name="kubernetes",server="dns://:53",view="",zone="."} 1\n');
    const a = /^coredns_dns_requests_total\{family="1",proto="udp",server="dns:\/\/:53",type="A",view="",zone="\."\} /;
    const nx = /^coredns_dns_responses_total\{plugin="loadbalance",rcode="NXDOMAIN",server="dns:\/\/:53",view="",zone="\."\} /;
    const [a0, nx0] = [total(before, a), total(before, nx)];
    run("kubectl exec c -- curl -s -m 1 http://kubernetes.default.svc.cluster.local");
    run("kubectl exec c -- curl -s -m 1 http://nothing-here");
    const after = scrape();
    expect(total(after, a)).toBeGreaterThan(a0);
    expect(total(after, nx)).toBeGreaterThan(nx0);
    expect(after).toContain("# TYPE coredns_dns_requests_total counter\n");
    // Go's 404 elsewhere, as promhttp's mux serves only /metrics.
    expect(run(`kubectl exec c -- curl -s http://${ips[0]}:9153/`).output).toBe("404 page not found\n");
  });
});

describe("CoreDNS's errors plugin", () => {
  it("logs the upstream's error for a query forward could not answer", () => {
    const { run, pods } = cluster(72);
    const corefile = run("kubectl -n kube-system get cm coredns -o jsonpath='{.data.Corefile}'").output;
    const stub = `${corefile.trimEnd()}\nexample.local:53 {\n    errors\n    forward . 10.99.99.99\n}\n`;
    const indented = stub.split("\n").map((l) => (l ? `    ${l}` : l)).join("\n");
    run(`kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: coredns\n  namespace: kube-system\ndata:\n  Corefile: |\n${indented}\nEOF`);
    run(`kubectl -n kube-system rollout restart deployment coredns`);
    for (let i = 0; i < 20; i++) run("sleep 3");
    expect(run("kubectl exec c -- curl -s -m 5 http://db.example.local").output).toBe("command terminated with exit code 6\n");
    const logs = run(`kubectl -n kube-system logs -l k8s-app=kube-dns --tail=50`).output;
    expect(logs).toMatch(/\[ERROR\] plugin\/errors: 2 db\.example\.local\. A: read udp 10\.244\.\d+\.\d+:\d+->10\.99\.99\.99:53: i\/o timeout\n/);
    expect(pods.length).toBe(2);
  });
});
