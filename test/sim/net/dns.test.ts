// CoreDNS's answers for headless Services: one A record per ready endpoint, publishNotReadyAddresses,
// `<hostname>.<service>` records for pods that name the Service as their subdomain, and none of
// it for Services with a ClusterIP.
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
    expect(answers(run("kubectl exec bb -- nslookup web.default.svc.cluster.local").output)).toEqual(ips);
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
