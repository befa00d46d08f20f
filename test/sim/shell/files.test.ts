// The files a learner reads at each place: a pod's /etc/hosts as the kubelet writes it
// (kubelet_pods.go managedHostsFileContent and hostsEntriesFromHostAliases), its host name, and
// getaddrinfo reading /etc/hosts before DNS.

import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const podWith = (name: string, extra: string, image = "busybox:1.36") =>
  `kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
${extra}
  containers:
  - name: c
    image: ${image}
    command: ["sleep", "3600"]
EOF`;

const HEADER = "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n";

function podIP(run: ReturnType<typeof simTerminal>, name: string): string {
  return run(`kubectl get pod ${name} -o jsonpath='{.status.podIP}'`).output;
}

describe("a pod's /etc/hosts", () => {
  it("is the kubelet's file: localhost, the IPv6 names, the pod's address and name", () => {
    const run = simTerminal(11);
    run(podWith("plain", ""));
    run("sleep 10");
    expect(run("kubectl exec plain -- cat /etc/hosts").output).toBe(`${HEADER}${podIP(run, "plain")}\tplain\n`);
  });

  it("ends with the hostAliases, one line per IP, names tab-separated, after a blank line", () => {
    const run = simTerminal(12);
    run(podWith("aliased", '  hostAliases:\n  - ip: "127.0.0.1"\n    hostnames: ["foo.local", "bar.local"]\n  - ip: "10.1.2.3"\n    hostnames: ["foo.remote"]'));
    run("sleep 10");
    expect(run("kubectl exec aliased -- cat /etc/hosts").output).toBe(
      `${HEADER}${podIP(run, "aliased")}\taliased\n\n# Entries added by HostAliases.\n127.0.0.1\tfoo.local\tbar.local\n10.1.2.3\tfoo.remote\n`,
    );
  });

  it("names spec.hostname, led by its FQDN under spec.subdomain, and the host name is spec.hostname", () => {
    const run = simTerminal(13);
    run(podWith("web", "  hostname: web-0\n  subdomain: nginx"));
    run("sleep 10");
    expect(run("kubectl exec web -- cat /etc/hosts").output).toBe(`${HEADER}${podIP(run, "web")}\tweb-0.nginx.default.svc.cluster.local\tweb-0\n`);
    expect(run("kubectl exec web -- hostname").output).toBe("web-0\n");
    expect(run("kubectl exec web -- cat /etc/hostname").output).toBe("web-0\n");
    expect(run("kubectl exec web -- printenv HOSTNAME").output).toBe("web-0\n");
  });

  it("on the host network is the node's file with the aliases added", () => {
    const run = simTerminal(14);
    run(podWith("hostnet", '  hostNetwork: true\n  hostAliases:\n  - ip: "10.1.2.3"\n    hostnames: ["foo.remote"]'));
    run("sleep 10");
    const hosts = run("kubectl exec hostnet -- cat /etc/hosts").output;
    expect(hosts).not.toMatch(/Kubernetes-managed/);
    expect(hosts).toMatch(/^127\.0\.0\.1\tlocalhost\n/);
    expect(hosts.endsWith("\n# Entries added by HostAliases.\n10.1.2.3\tfoo.remote\n")).toBe(true);
  });
});

describe("name resolution reads /etc/hosts first", () => {
  it("an alias wins over the cluster's DNS, and an unknown name still goes to CoreDNS", () => {
    const run = simTerminal(15);
    run("kubectl create deployment web --image=nginx");
    run("kubectl expose deployment web --port=80");
    run(podWith("client", '  hostAliases:\n  - ip: "10.1.2.3"\n    hostnames: ["web", "foo.remote"]'));
    run("sleep 20");
    // ping names the address getaddrinfo found: the alias's, not the Service's ClusterIP.
    expect(run("kubectl exec client -- ping -c1 -W1 web").output).toMatch(/^PING web \(10\.1\.2\.3\): 56 data bytes$/m);
    expect(run("kubectl exec client -- ping -c1 -W1 foo.remote").output).toMatch(/^PING foo\.remote \(10\.1\.2\.3\)/m);
    const svc = run("kubectl get svc web -o jsonpath='{.spec.clusterIP}'").output;
    expect(run("kubectl exec client -- wget -qO- -T2 http://web.default.svc.cluster.local/").output).toMatch(/Welcome to nginx!/);
    expect(run("kubectl exec client -- nslookup web").output).toContain(svc);
  });
});
