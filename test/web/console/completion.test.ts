import { describe, expect, it } from "vitest";
import { complete, RESOURCE_TYPES } from "../../../web/src/console/completion.ts";
import { kinds } from "../../../worker/sim/kinds/index.ts";
import { pod, service, view } from "../fixtures.ts";

const cluster = view([pod("nginx"), pod("nginx-2"), pod("coredns-abc", { namespace: "kube-system", system: true })], [service("nginx")]);
const tab = (line: string) => complete(line, line.length, cluster);

describe("Tab completion", () => {
  it.each([
    ["kub", "kubectl "],
    ["kubectl ge", "kubectl get "],
    ["kubectl get po", "kubectl get pods "],
    ["kubectl get svc ng", "kubectl get svc nginx "],
    ["kubectl describe pod/ng", "kubectl describe pod/nginx"],
    ["kubectl get pods -n kube-s", "kubectl get pods -n kube-system "],
    ["kubectl get pods -n kube-system cor", "kubectl get pods -n kube-system coredns-abc "],
    ["kubectl get pods -o w", "kubectl get pods -o wide "],
    ["kubectl get pods --output=y", "kubectl get pods --output=yaml "],
    ["kubectl run web --ima", "kubectl run web --image "],
    ["kubectl run web --image=ngi", "kubectl run web --image=nginx "],
    ["kubectl expose pod nginx --type=Node", "kubectl expose pod nginx --type=NodePort "],
    ["kubectl logs ngi", "kubectl logs nginx"],
    ["kubectl port-f", "kubectl port-forward "],
    ["kubectl port-forward nginx-", "kubectl port-forward nginx-2 "],
    ["fg", "fg "],
    ["kubectl conf", "kubectl config "],
    ["kubectl config set-c", "kubectl config set-context "],
    ["kubectl config set-context --cur", "kubectl config set-context --current "],
    ["ssh node0", "ssh node0"],
    ["ssh contr", "ssh controlplane "],
    ["curl 192.168.56.11:300", "curl 192.168.56.11:30080 "],
    ["curl http://192.168.56.12:3", "curl http://192.168.56.12:30080 "],
  ])("completes %j to %j", (line, expected) => {
    expect(tab(line).line).toBe(expected);
  });

  it("lists every match when they share no longer prefix", () => {
    expect(tab("ssh node0").candidates).toEqual(["node01", "node02"]);
    expect(tab("kubectl get pods ng").candidates).toEqual(["nginx", "nginx-2"]);
  });

  it("offers only names in the namespace asked for", () => {
    expect(tab("kubectl get pods cor").candidates).toEqual([]);
    expect(tab("kubectl get pods -A cor").line).toBe("kubectl get pods -A coredns-abc ");
  });

  it("completes in the middle of a line and keeps what follows", () => {
    // "se" is ambiguous now that secrets and serviceaccounts exist, as in real kubectl's completion.
    const line = "kubectl get depl -o wide";
    const result = complete(line, "kubectl get depl".length, cluster);
    expect(result.line).toBe("kubectl get deployments  -o wide");
    expect(result.cursor).toBe("kubectl get deployments ".length);
  });

  it("offers the kinds and tools this stop added", () => {
    expect(tab("kubectl get se").candidates).toEqual(["secrets", "serviceaccounts", "services"]);
    expect(tab("kubectl get config").candidates).toEqual(["configmaps"]);
    expect(tab("na").candidates).toEqual(["nano"]);
  });

  it("never changes a line it cannot complete", () => {
    for (const line of ["", "kubectl get nothing-", "foo ba", "kubectl frobnicate x"]) {
      const result = tab(line);
      if (result.candidates.length === 0) expect(result.line).toBe(line);
    }
  });

  it("knows the tools of a pod shell", () => {
    const inPod = { ...cluster, shell: { kind: "pod" as const, name: "nginx" } };
    expect(complete("nsl", 3, inPod).line).toBe("nslookup ");
    expect(complete("curl 10.244.1", 13, inPod).candidates).toContain("10.244.1.5:80");
  });

  it("offers every resource type the simulated API server serves, no more", () => {
    expect([...RESOURCE_TYPES].sort()).toEqual(["all", ...kinds.map((k) => k.plural)].sort());
    expect(tab("kubectl get netw").line).toBe("kubectl get networkpolicies ");
    expect(tab("kubectl scale statef").line).toBe("kubectl scale statefulset ");
  });

  it("offers the node's tools for kube-proxy and the runtime", () => {
    const onNode = { ...cluster, shell: { kind: "node" as const, name: "node01" } };
    expect(complete("cri", 3, onNode).line).toBe("crictl ");
    expect(complete("connt", 5, onNode).line).toBe("conntrack ");
    expect(complete("hist", 4, cluster).line).toBe("history ");
  });
});
