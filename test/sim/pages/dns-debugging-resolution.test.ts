// kubernetes.io, "Debugging DNS Resolution": kubernetes/website
// content/en/docs/tasks/administer-cluster/dns-debugging-resolution.md at commit
// 8be25924fa58a7ca47d8ef2cee52538c5e948b7f, with its example file
// content/en/examples/admin/dns/dnsutils.yaml (applied by URL, from the catalogue). Each command is
// typed as the page gives it; the page edits the coredns ConfigMap in an editor, which the replay
// does with `kubectl apply -f -` of the same text.

import { describe, expect, it } from "vitest";
import { environmentDifference, eraDifference, learner, matches, missingLines } from "./page-replay.ts";

const PAGE = {
  getPod: `NAME      READY     STATUS    RESTARTS   AGE
dnsutils   1/1       Running   0          <some-time>`,
  nslookup: `Server:    10.0.0.10
Address 1: 10.0.0.10

Name:      kubernetes.default
Address 1: 10.0.0.1`,
  resolvConf: `search default.svc.cluster.local svc.cluster.local cluster.local google.internal c.gce_project_id.internal
nameserver 10.0.0.10
options ndots:5`,
  corednsPods: `NAME                       READY     STATUS    RESTARTS   AGE
...
coredns-7b96bf9f76-5hsxb   1/1       Running   0           1h
coredns-7b96bf9f76-mvmmt   1/1       Running   0           1h
...`,
  services: `NAME         TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)             AGE
...
kube-dns     ClusterIP   10.0.0.10      <none>        53/UDP,53/TCP        1h
...`,
  endpoints: `NAME       ENDPOINTS                       AGE
kube-dns   10.180.3.17:53,10.180.3.17:53    1h`,
  // The page's ConfigMap: a CoreDNS 1.2-era Corefile (the kubernetes plugin's `upstream` option).
  configMap: `apiVersion: v1
kind: ConfigMap
metadata:
  name: coredns
  namespace: kube-system
data:
  Corefile: |
    .:53 {
        log
        errors
        health
        kubernetes cluster.local in-addr.arpa ip6.arpa {
          pods insecure
          upstream
          fallthrough in-addr.arpa ip6.arpa
        }
        prometheus :9153
        forward . /etc/resolv.conf
        cache 30
        loop
        reload
        loadbalance
    }
`,
};

const dots = [/^\.\.\.$/];

describe("kubernetes.io: Debugging DNS Resolution", () => {
  const k = learner(5);

  it("kubectl apply -f https://k8s.io/examples/admin/dns/dnsutils.yaml", () => {
    expect(k.type("kubectl apply -f https://k8s.io/examples/admin/dns/dnsutils.yaml").output).toBe("pod/dnsutils created\n");
    k.wait(30);
  });

  it("the pod runs agnhost's default subcommand, pause", () => {
    // No args: the image's CMD ["pause"], which prints one word and waits (agnhost/pause/pause.go).
    expect(k.type("kubectl logs dnsutils").output).toBe("Paused\n");
  });

  matches("kubectl get pods dnsutils", () => {
    // <some-time> is the page's placeholder for the age.
    const out = k.type("kubectl get pods dnsutils").output;
    expect(missingLines(out, PAGE.getPod.replace("<some-time>", "31s"))).toEqual([]);
  });

  eraDifference("kubectl exec -i -t dnsutils -- nslookup kubernetes.default", "the page prints busybox 1.28's nslookup; the file's image today is agnhost 2.39, whose nslookup is bind's (Alpine's bind-tools)", () => {
    const out = k.type("kubectl exec -i -t dnsutils -- nslookup kubernetes.default").output;
    expect(out).toBe("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n");
  });

  environmentDifference("kubectl exec -ti dnsutils -- cat /etc/resolv.conf", "the page's cluster ran on GCE (its search path adds google.internal) with 10.0.0.10 as the DNS Service; kubeadm's is 10.96.0.10", () => {
    const out = k.type("kubectl exec -ti dnsutils -- cat /etc/resolv.conf").output;
    expect(missingLines(out, PAGE.resolvConf, { dropLines: [/^search /] })).toEqual([]);
    expect(out).toBe("search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n");
  });

  matches("kubectl get pods --namespace=kube-system -l k8s-app=kube-dns", () => {
    expect(missingLines(k.type("kubectl get pods --namespace=kube-system -l k8s-app=kube-dns").output, PAGE.corednsPods, { dropLines: dots, rowsInAnyOrder: true })).toEqual([]);
  });

  eraDifference("kubectl logs --namespace=kube-system -l k8s-app=kube-dns", "the page's log is CoreDNS 1.2.2's (2018), with dates and the configuration's MD5; today's CoreDNS prints its SHA512 and no dates", () => {
    const out = k.type("kubectl logs --namespace=kube-system -l k8s-app=kube-dns").output;
    expect(out).toMatch(/^\.:53$/m);
    expect(out).toMatch(/^\[INFO\] plugin\/reload: Running configuration SHA512 = [0-9a-f]{128}$/m);
    expect(out).toMatch(/^CoreDNS-1\.12\.1$/m);
  });

  eraDifference("kubectl get svc --namespace=kube-system", "kubeadm's kube-dns Service has carried CoreDNS's metrics port 9153 since CoreDNS became its default", () => {
    const out = k.type("kubectl get svc --namespace=kube-system").output;
    expect(missingLines(out, PAGE.services, { dropLines: [...dots, /^kube-dns /] })).toEqual([]);
    expect(out).toMatch(/^kube-dns\s+ClusterIP\s+10\.96\.0\.10\s+<none>\s+53\/UDP,53\/TCP,9153\/TCP\s/m);
  });

  environmentDifference("kubectl get endpoints kube-dns --namespace=kube-system", "the page's cluster ran one DNS pod; kubeadm runs two, each with the metrics port, and kubectl 1.33+ warns that v1 Endpoints is deprecated", () => {
    const out = k.type("kubectl get endpoints kube-dns --namespace=kube-system").output;
    expect(out).toMatch(/^Warning: v1 Endpoints is deprecated in v1\.33\+; use discovery\.k8s\.io\/v1 EndpointSlice$/m);
    expect(missingLines(out, PAGE.endpoints, { dropLines: [/^kube-dns /] })).toEqual([]);
    expect(out).toMatch(/^kube-dns\s+10\.244\.\d+\.\d+:53,10\.244\.\d+\.\d+:53,10\.244\.\d+\.\d+:53 \+ 3 more\.\.\.\s+\d+m$/m);
  });

  eraDifference("kubectl -n kube-system edit configmap coredns (the page's Corefile)", "the page's Corefile is CoreDNS 1.2's: today's kubernetes plugin has no `upstream` option, so the reload fails, CoreDNS says why and keeps serving its running configuration", () => {
    expect(k.type(`kubectl apply -f - <<'EOF'\n${PAGE.configMap}EOF`).output).toMatch(/^(Warning: .*\n)?configmap\/coredns configured\n$/);
    // The reload plugin checks every 30 s (jittered), and the kubelet syncs the mounted ConfigMap within a minute.
    k.wait(120);
    const logs = k.type("kubectl logs --namespace=kube-system -l k8s-app=kube-dns").output;
    expect(logs).toMatch(/^\[ERROR\] Restart failed: plugin\/kubernetes: \/etc\/coredns\/Corefile:7 - Error during parsing: unknown property 'upstream'$/m);
    // Still answering, from the configuration it was running.
    expect(k.type("kubectl exec -i -t dnsutils -- nslookup kubernetes.default").output).toMatch(/^Address: 10\.96\.0\.1$/m);
  });

  it("the same step on today's Corefile: `log` added, queries appear in CoreDNS's log", () => {
    const apply = k.type("kubectl -n kube-system get configmap coredns -o yaml | sed '/^ *upstream$/d' | kubectl apply -f -");
    expect(apply.exitCode).toBe(0);
    k.wait(120);
    expect(k.type("kubectl exec -i -t dnsutils -- nslookup kubernetes.default").exitCode).toBe(0);
    const logs = k.type("kubectl logs --namespace=kube-system -l k8s-app=kube-dns").output;
    expect(logs).toMatch(/^\[INFO\] Reloading complete$/m);
    expect(logs).toMatch(/^\[INFO\] 10\.244\.\d+\.\d+:\d+ - \d+ "A IN kubernetes\.default\.svc\.cluster\.local\. udp \d+ false 512" NOERROR qr,aa,rd \d+ \d+\.\d+s$/m);
  });

  it("kubectl exec -i -t dnsutils -- nslookup <service-name> and <service-name>.<namespace>", () => {
    // Without the namespace the query is limited to the pod's own.
    expect(k.type("kubectl exec -i -t dnsutils -- nslookup kube-dns").output).toMatch(/\*\* server can't find kube-dns: NXDOMAIN/);
    expect(k.type("kubectl exec -i -t dnsutils -- nslookup kube-dns.kube-system").output).toMatch(/^Name:\tkube-dns\.kube-system\.svc\.cluster\.local\nAddress: 10\.96\.0\.10$/m);
  });
});
