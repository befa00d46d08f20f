// kubernetes.io, "Adding entries to Pod /etc/hosts with HostAliases": kubernetes/website
// content/en/docs/tasks/network/customize-hosts-file-for-pods.md at commit
// 115950ea756c97c5a2209a9bd0706eb9e3a83cf3, with its example file
// content/en/examples/service/networking/hostaliases-pod.yaml (applied by URL, from the catalogue).

import { describe, expect, it } from "vitest";
import { eraDifference, learner, matches, missingLines } from "./page-replay.ts";

const PAGE = {
  nginxWide: `NAME     READY     STATUS    RESTARTS   AGE    IP           NODE
nginx    1/1       Running   0          13s    10.200.0.4   worker0`,
  nginxHosts: `# Kubernetes-managed hosts file.
127.0.0.1\tlocalhost
::1\tlocalhost ip6-localhost ip6-loopback
fe00::0\tip6-localnet
fe00::0\tip6-mcastprefix
fe00::1\tip6-allnodes
fe00::2\tip6-allrouters
10.200.0.4\tnginx`,
  aliasesWide: `NAME                           READY     STATUS      RESTARTS   AGE       IP              NODE
hostaliases-pod                0/1       Completed   0          6s        10.200.0.5      worker0`,
  aliasesHosts: `# Kubernetes-managed hosts file.
127.0.0.1\tlocalhost
::1\tlocalhost ip6-localhost ip6-loopback
fe00::0\tip6-localnet
fe00::0\tip6-mcastprefix
fe00::1\tip6-allnodes
fe00::2\tip6-allrouters
10.200.0.5\thostaliases-pod

# Entries added by HostAliases.
127.0.0.1\tfoo.local\tbar.local
10.1.2.3\tfoo.remote\tbar.remote`,
};

describe("kubernetes.io: Adding entries to Pod /etc/hosts with HostAliases", () => {
  const k = learner(4);
  const pageNodes = /\bworker0\b/g;

  it("kubectl run nginx --image nginx", () => {
    expect(k.type("kubectl run nginx --image nginx").output).toBe("pod/nginx created\n");
    k.wait(20);
  });

  eraDifference("kubectl get pods --output=wide", "the page's kubectl printed fewer columns (no NOMINATED NODE, READINESS GATES)", () => {
    expect(missingLines(k.type("kubectl get pods --output=wide").output, PAGE.nginxWide, { pageNodes, olderColumns: true })).toEqual([]);
  });

  matches("kubectl exec nginx -- cat /etc/hosts", () => {
    const out = k.type("kubectl exec nginx -- cat /etc/hosts").output;
    expect(missingLines(out, PAGE.nginxHosts)).toEqual([]);
    // The kubelet's file, tabs and all: only the pod's address differs.
    expect(out.replace(/^10\.\d+\.\d+\.\d+\t/m, "10.200.0.4\t")).toBe(`${PAGE.nginxHosts}\n`);
  });

  it("kubectl apply -f https://k8s.io/examples/service/networking/hostaliases-pod.yaml", () => {
    expect(k.type("kubectl apply -f https://k8s.io/examples/service/networking/hostaliases-pod.yaml").output).toBe("pod/hostaliases-pod created\n");
    k.wait(6);
  });

  eraDifference("kubectl get pod --output=wide", "the page's kubectl printed fewer columns (no NOMINATED NODE, READINESS GATES)", () => {
    expect(missingLines(k.type("kubectl get pod --output=wide").output, PAGE.aliasesWide, { pageNodes, olderColumns: true, rowsInAnyOrder: true })).toEqual([]);
  });

  matches("kubectl logs hostaliases-pod", () => {
    const out = k.type("kubectl logs hostaliases-pod").output;
    expect(missingLines(out, PAGE.aliasesHosts)).toEqual([]);
    expect(out.replace(/^10\.\d+\.\d+\.\d+\thostaliases-pod$/m, "10.200.0.5\thostaliases-pod")).toBe(`${PAGE.aliasesHosts}\n`);
  });
});
