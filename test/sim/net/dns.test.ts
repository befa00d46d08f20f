// CoreDNS's answers for headless Services: one A record per ready endpoint, publishNotReadyAddresses,
// `<hostname>.<service>` records for pods that name the Service as their subdomain, and none of
// it for Services with a ClusterIP. And a pod's /etc/resolv.conf from its dnsPolicy and dnsConfig.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const headless = (name: string, extra = "") => `kubectl apply -f - <<EOF
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  clusterIP: None
  selector:
    app: web
${extra}EOF`;

function answers(output: string): string[] {
  return [...output.matchAll(/^Address: (\S+)$/gm)].map((m) => m[1]);
}

describe("CoreDNS and headless Services", () => {
  it("answers one A record per ready endpoint, also for a Service without ports", () => {
    const run = simTerminal(21, 2000);
    run("kubectl create deployment web --image=nginx --replicas=3");
    run(headless("web"));
    run("kubectl run bb --image=busybox -- sleep 3600");
    for (let i = 0; i < 5; i++) run("sleep 5");
    const ips = run("kubectl get pods -l app=web -o jsonpath='{.items[*].status.podIP}'").output.split(" ").sort();
    expect(ips).toHaveLength(3);
    // loadbalance shuffles the records: the set is what counts.
    expect(answers(run("kubectl exec bb -- nslookup web.default.svc.cluster.local").output).sort()).toEqual(ips);
    expect(run("kubectl get svc web").output).toMatch(/^web +ClusterIP +None +<none> +<none> /m);
  });

  it("leaves not-ready pods out unless publishNotReadyAddresses is set", () => {
    const run = simTerminal(22, 2000);
    // A readiness probe on a port nothing listens on: Running, never Ready.
    run(`kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: slow
  labels:
    app: web
spec:
  containers:
  - name: web
    image: nginx
    readinessProbe:
      tcpSocket:
        port: 8080
EOF`);
    run(headless("quiet"));
    run(headless("eager", "  publishNotReadyAddresses: true\n"));
    run("kubectl run bb --image=busybox -- sleep 3600");
    for (let i = 0; i < 5; i++) run("sleep 5");
    const ip = run("kubectl get pod slow -o jsonpath='{.status.podIP}'").output;
    expect(run("kubectl get pod slow").output).toMatch(/slow +0\/1 +Running/);
    expect(run("kubectl exec bb -- nslookup quiet.default.svc.cluster.local").output).toContain("** server can't find quiet.default.svc.cluster.local: NXDOMAIN");
    expect(answers(run("kubectl exec bb -- nslookup eager.default.svc.cluster.local").output)).toEqual([ip]);
  });

  it("answers <hostname>.<service> for a pod whose subdomain names the Service, and nothing for a ClusterIP Service", () => {
    const run = simTerminal(23, 2000);
    run(`kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: named
  labels:
    app: web
spec:
  hostname: db-primary
  subdomain: web
  containers:
  - name: web
    image: nginx
EOF`);
    run(headless("web"));
    run("kubectl create service clusterip plain --tcp=80:80");
    run("kubectl run bb --image=busybox -- sleep 3600");
    for (let i = 0; i < 5; i++) run("sleep 5");
    const ip = run("kubectl get pod named -o jsonpath='{.status.podIP}'").output;
    expect(answers(run("kubectl exec bb -- nslookup db-primary.web.default.svc.cluster.local").output)).toEqual([ip]);
    expect(answers(run(`kubectl exec bb -- nslookup ${ip.replace(/\./g, "-")}.web.default.svc.cluster.local`).output)).toEqual([ip]);
    expect(run("kubectl exec bb -- nslookup db-primary.plain.default.svc.cluster.local").output).toContain("NXDOMAIN");
    expect(run("kubectl get endpointslices -l kubernetes.io/service-name=web -o jsonpath='{.items[0].endpoints[0].hostname}'").output).toBe("db-primary");
  });

  it("rejects a hostname that is not a DNS-1123 label", () => {
    const run = simTerminal(24, 2000);
    const out = run("kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  hostname: Bad_Name\n  containers:\n  - name: web\n    image: nginx\nEOF");
    expect(out.exitCode).toBe(1);
    expect(out.output).toContain('spec.hostname: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\'');
  });
});

describe("dnsPolicy and dnsConfig (the kubelet's /etc/resolv.conf)", () => {
  const pod = (name: string, spec: string) => `kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
${spec}
  containers:
  - name: c
    image: busybox
    command: ["sleep", "3600"]
EOF`;

  it("None writes only the pod's own nameservers, searches and options, and names resolve through them", () => {
    const run = simTerminal(51, 2000);
    const created = run(pod("custom", `  dnsPolicy: "None"
  dnsConfig:
    nameservers: ["10.96.0.10"]
    searches: ["svc.cluster.local", "my.dns.search.suffix"]
    options:
    - name: ndots
      value: "2"
    - name: edns0`));
    expect(created.output).toBe("pod/custom created\n");
    for (let i = 0; i < 4; i++) run("sleep 5");
    expect(run("kubectl exec custom -- cat /etc/resolv.conf").output).toBe("search svc.cluster.local my.dns.search.suffix\nnameserver 10.96.0.10\noptions ndots:2 edns0\n");
    // kubernetes.default has fewer dots than ndots:2: the search path is tried first (svc.cluster.local finds it).
    expect(run("kubectl exec custom -- wget -qO- -T 2 http://kubernetes.default:443/").output).not.toContain("bad address");
    expect(run("kubectl exec custom -- wget -qO- -T 2 http://kubernetes:443/").output).toContain("wget: bad address 'kubernetes'");
  });

  it("ClusterFirst appends dnsConfig to the cluster's configuration, the pod's options winning", () => {
    const run = simTerminal(52, 2000);
    run(pod("plain", `  dnsConfig:
    nameservers: ["10.96.0.10", "192.0.2.53"]
    searches: ["example.com", "svc.cluster.local"]
    options:
    - name: ndots
      value: "1"`));
    for (let i = 0; i < 4; i++) run("sleep 5");
    expect(run("kubectl exec plain -- cat /etc/resolv.conf").output).toBe(
      "search default.svc.cluster.local svc.cluster.local cluster.local example.com\nnameserver 10.96.0.10\nnameserver 192.0.2.53\noptions ndots:1\n",
    );
  });

  it("refuses what the API server's validation refuses", () => {
    const run = simTerminal(53, 2000);
    expect(run(pod("a", `  dnsPolicy: "None"`)).output).toBe("The Pod \"a\" is invalid: spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None\n");
    expect(run(pod("b", `  dnsPolicy: "None"\n  dnsConfig:\n    searches: ["a.b"]`)).output).toBe(
      "The Pod \"b\" is invalid: spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None\n",
    );
    expect(run(pod("c", `  dnsPolicy: Clusterfirst\n  dnsConfig:\n    nameservers: ["1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.4"]`)).output).toBe(
      'The Pod "c" is invalid: \n* spec.dnsPolicy: Unsupported value: "Clusterfirst": supported values: "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"\n* spec.dnsConfig.nameservers: Invalid value: []string{"1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.4"}: must not have more than 3 nameservers\n',
    );
  });
});
