// Which Corefile a CoreDNS process loads: the file its `-conf` flag names, as the container's
// configMap volumes show it (coremain's confLoader), or ./Corefile in the image's WORKDIR and
// else caddy's default input. kubeadm's pods read the coredns ConfigMap; a CoreDNS a learner runs
// reads its own, so the cluster's CoreDNS can forward a stub zone to it.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";
import { missingLastAppliedWarning } from "../../../worker/sim/kubectl/last-applied.ts";

/** A CoreDNS Deployment of the learner's in namespace corp: its ConfigMap, its args, a Service on a fixed ClusterIP. */
function corpDns(corefile: string, args = `["-conf", "/etc/coredns/Corefile"]`, mountPath = "/etc/coredns"): string {
  const indented = corefile.split("\n").map((l) => (l ? `    ${l}` : l)).join("\n");
  return `kubectl -n corp apply -f - <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: corp-dns
data:
  Corefile: |
${indented}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: corp-dns
spec:
  selector:
    matchLabels:
      app: corp-dns
  template:
    metadata:
      labels:
        app: corp-dns
    spec:
      containers:
      - name: coredns
        image: registry.k8s.io/coredns/coredns:v1.12.1
        args: ${args}
        volumeMounts:
        - name: config
          mountPath: ${mountPath}
      volumes:
      - name: config
        configMap:
          name: corp-dns
---
apiVersion: v1
kind: Service
metadata:
  name: corp-dns
spec:
  clusterIP: 10.96.53.53
  selector:
    app: corp-dns
  ports:
  - name: dns
    port: 53
    protocol: UDP
EOF`;
}

const CORP_ZONE = `corp.internal:53 {
    errors
    log
    hosts {
        10.96.80.80 intranet.corp.internal
    }
}
`;

function cluster(seed: number) {
  const run = simTerminal(seed, 2000);
  run("kubectl create namespace corp");
  run("kubectl run bb --image=busybox -- sleep 3600");
  for (let i = 0; i < 4; i++) run("sleep 5");
  return run;
}

describe("a CoreDNS the learner runs", () => {
  it("serves the Corefile of its own ConfigMap, not the cluster's: it answers its zone and logs the query", () => {
    const run = cluster(5);
    expect(run(corpDns(CORP_ZONE)).exitCode).toBe(0);
    run("kubectl -n corp rollout status deployment corp-dns");
    expect(run("kubectl -n corp logs deploy/corp-dns").output).toBe("maxprocs: Leaving GOMAXPROCS=2: CPU quota undefined\ncorp.internal.:53\nCoreDNS-1.12.1\nlinux/amd64, go1.24.1, 707c7c1\n");
    expect(run("kubectl exec bb -- nslookup intranet.corp.internal 10.96.53.53").output).toMatch(/Name:\tintranet\.corp\.internal\nAddress: 10\.96\.80\.80\n/);
    // Its Corefile has no kubernetes plugin and no zone for the cluster: REFUSED, as a server block that does not match.
    expect(run("kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local 10.96.53.53").output).toContain("** server can't find kubernetes.default.svc.cluster.local: REFUSED");
    // busybox asks for A, then AAAA (a name hosts knows without an IPv6 address: NOERROR, no answer).
    expect(run("kubectl -n corp logs deploy/corp-dns --tail=2").output).toMatch(/^\[INFO\] 10\.244\.\d+\.\d+:\d+ - \d+ "A IN intranet\.corp\.internal\. udp \d+ false \d+" NOERROR qr,aa,rd \d+ [\d.]+s\n\[INFO\] .*"AAAA IN intranet\.corp\.internal\. udp \d+ false \d+" NOERROR qr,aa,rd \d+ [\d.]+s\n$/);
    // The cluster's CoreDNS still serves kubeadm's Corefile, which knows no corp.internal.
    expect(run("kubectl exec bb -- nslookup intranet.corp.internal").output).toContain("** server can't find intranet.corp.internal: NXDOMAIN");
  });

  it("is where a stub zone in the cluster's Corefile forwards: pods resolve its names through kube-dns", () => {
    const run = cluster(6);
    run(corpDns(CORP_ZONE));
    run("kubectl -n corp rollout status deployment corp-dns");
    run("kubectl -n kube-system get configmap coredns -o jsonpath='{.data.Corefile}' > Corefile");
    run("printf 'corp.internal:53 {\\n    errors\\n    cache 30\\n    forward . 10.96.53.53\\n}\\n' >> Corefile");
    expect(run("kubectl -n kube-system create configmap coredns --from-file=Corefile --dry-run=client -o yaml | kubectl apply -f -").output).toBe(`${missingLastAppliedWarning("configmaps/coredns")}configmap/coredns configured\n`);
    run("sleep 40");
    const answer = run("kubectl exec bb -- nslookup intranet.corp.internal").output;
    // A forwarded answer: CoreDNS does not set AA on it.
    expect(answer).toMatch(/Address:\t10\.96\.0\.10:53\n\nNon-authoritative answer:\nName:\tintranet\.corp\.internal\nAddress: 10\.96\.80\.80\n/);
    // The corp server saw the question from a cluster CoreDNS pod, not from the client pod.
    const coredns = run("kubectl -n kube-system get pods -l k8s-app=kube-dns -o jsonpath='{.items[*].status.podIP}'").output.split(" ");
    const client = run("kubectl -n corp logs deploy/corp-dns --tail=1").output.match(/^\[INFO\] ([\d.]+):/)![1];
    expect(coredns).toContain(client);
  });

  it("reloads its own ConfigMap's edits, naming its own file in a parse error", () => {
    const run = cluster(7);
    run(corpDns(`${CORP_ZONE.replace("    log\n", "    log\n    reload 2s\n")}`, `["-conf=/config/Corefile"]`, "/config"));
    run("kubectl -n corp rollout status deployment corp-dns");
    run(`kubectl -n corp patch configmap corp-dns --type=merge -p '{"data":{"Corefile":"corp.internal:53 {\\n    errors\\n    reload 2s\\n    hots\\n}\\n"}}'`);
    run("sleep 10");
    expect(run("kubectl -n corp logs deploy/corp-dns --tail=3").output).toBe(
      "[INFO] Reloading\n[ERROR] Restart failed: /config/Corefile:4 - Error during parsing: Unknown directive 'hots'\n[ERROR] plugin/reload: Corefile changed but reload failed: starting with listener file descriptors: /config/Corefile:4 - Error during parsing: Unknown directive 'hots'\n",
    );
    // The kube-system pods never saw that ConfigMap.
    expect(run("kubectl -n kube-system logs -l k8s-app=kube-dns --tail=1").output).toBe("linux/amd64, go1.24.1, 707c7c1\nlinux/amd64, go1.24.1, 707c7c1\n");
  });

  it("exits when -conf names a file no volume provides, and falls back to caddy's default input without -conf", () => {
    const run = cluster(8);
    run(corpDns(CORP_ZONE, `["-conf", "/etc/coredns/Corefile.missing"]`));
    run("sleep 10");
    expect(run("kubectl -n corp logs deploy/corp-dns").output).toBe("maxprocs: Leaving GOMAXPROCS=2: CPU quota undefined\nopen /etc/coredns/Corefile.missing: no such file or directory\n");
    expect(run("kubectl -n corp get pods -l app=corp-dns").output).toMatch(/0\/1 {5}(Error|CrashLoopBackOff)/);
    // No -conf: the default loader finds no ./Corefile in / and serves `.:53 { whoami log }`.
    run(corpDns(CORP_ZONE, `[]`));
    run("kubectl -n corp rollout status deployment corp-dns");
    expect(run("kubectl -n corp logs deploy/corp-dns").output).toBe("maxprocs: Leaving GOMAXPROCS=2: CPU quota undefined\n.:53\nCoreDNS-1.12.1\nlinux/amd64, go1.24.1, 707c7c1\n");
  });
});
