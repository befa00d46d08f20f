// kubernetes.io, "Exposing an External IP Address to Access an Application in a Cluster":
// kubernetes/website content/en/docs/tutorials/stateless-application/expose-external-ip-address.md at
// commit 0189ae0f6bf2a79ff2e4bfd5f9ec0da98d64c5d2; its file service/load-balancer-example.yaml is
// applied by URL, as the page does (the playground's catalogue holds it at commit
// 3842a2847339fe9ad1013653ef81c9aa0f77b639). The page needs a cloud's load balancer; this cluster's
// is MetalLB.

import { describe, expect, it } from "vitest";
import { eraDifference, learner, matches, missingLines } from "./page-replay.ts";

const PAGE = {
  getService: `NAME         TYPE           CLUSTER-IP     EXTERNAL-IP      PORT(S)    AGE
my-service   LoadBalancer   10.3.245.137   104.198.205.71   8080/TCP   54s`,
  describeService: `Name:           my-service
Namespace:      default
Labels:         app.kubernetes.io/name=load-balancer-example
Annotations:    <none>
Selector:       app.kubernetes.io/name=load-balancer-example
Type:           LoadBalancer
IP:             10.3.245.137
LoadBalancer Ingress:   104.198.205.71
Port:           <unset> 8080/TCP
NodePort:       <unset> 32377/TCP
Endpoints:      10.0.0.6:8080,10.0.1.6:8080,10.0.1.7:8080 + 2 more...
Session Affinity:   None
Events:         <none>`,
  podsWide: `NAME                         ...  IP         NODE
hello-world-2895499144-1jaz9 ...  10.0.1.6   gke-cluster-1-default-pool-e0b8d269-1afc
hello-world-2895499144-2e5uh ...  10.0.1.8   gke-cluster-1-default-pool-e0b8d269-1afc
hello-world-2895499144-9m4h1 ...  10.0.0.6   gke-cluster-1-default-pool-e0b8d269-5v7a
hello-world-2895499144-o4z13 ...  10.0.1.7   gke-cluster-1-default-pool-e0b8d269-1afc
hello-world-2895499144-segjf ...  10.0.2.5   gke-cluster-1-default-pool-e0b8d269-cpuc`,
  hello: "Hello Kubernetes!",
};

describe("kubernetes.io: Exposing an External IP Address to Access an Application in a Cluster", () => {
  const k = learner();
  const seen: Record<string, string> = {};

  it("kubectl apply -f https://k8s.io/examples/service/load-balancer-example.yaml", () => {
    expect(k.type("kubectl apply -f https://k8s.io/examples/service/load-balancer-example.yaml").output).toBe("deployment.apps/hello-world created\n");
    k.wait(20);
  });

  it("kubectl get deployments hello-world; describe; kubectl get replicasets; describe", () => {
    expect(k.type("kubectl get deployments hello-world").output).toMatch(/^hello-world\s+5\/5\s+5\s+5\s/m);
    expect(k.type("kubectl describe deployments hello-world").output).toContain("5 desired | 5 updated | 5 total | 5 available | 0 unavailable");
    expect(k.type("kubectl get replicasets").output).toMatch(/^hello-world-\w+\s+5\s+5\s+5\s/m);
    expect(k.type("kubectl describe replicasets").output).toContain("Pods Status:    5 Running / 0 Waiting / 0 Succeeded / 0 Failed\n");
  });

  it("kubectl expose deployment hello-world --type=LoadBalancer --name=my-service", () => {
    expect(k.type("kubectl expose deployment hello-world --type=LoadBalancer --name=my-service").output).toBe("service/my-service exposed\n");
    k.wait(50);
  });

  eraDifference("kubectl get services my-service", "kubectl has listed a LoadBalancer's NodePort in PORT(S) (8080:3XXXX/TCP) since 1.7; the page's row has only the port", () => {
    const out = k.type("kubectl get services my-service").output;
    expect(missingLines(out, PAGE.getService.replace("8080/TCP", "8080:30000/TCP"))).toEqual([]);
    seen.externalIP = /^my-service\s+LoadBalancer\s+\S+\s+([\d.]+)\s/m.exec(out)![1];
  });

  eraDifference(
    "kubectl describe services my-service",
    "MetalLB annotates the Service with the pool it allocated from (metallb.io/ip-allocated-from-pool) and records its IPAllocated and nodeAssigned events, and kubectl 1.23 added (VIP) after LoadBalancer Ingress",
    () => {
      const out = k.type("kubectl describe services my-service").output;
      expect(missingLines(out, PAGE.describeService, { dropLines: [/^Annotations:/, /^LoadBalancer Ingress:/, /^Events:/] })).toEqual([]);
      expect(out).toMatch(/^Annotations:\s+metallb\.io\/ip-allocated-from-pool: \S+$/m);
      expect(out).toContain(`LoadBalancer Ingress:     ${seen.externalIP} (VIP)\n`);
      expect(out).toMatch(/^  Normal  IPAllocated /m);
      seen.port = /^Port:\s+<unset>\s+(\d+)\/TCP$/m.exec(out)![1];
    },
  );

  matches("kubectl get pods --output=wide", () => {
    const out = k.type("kubectl get pods --output=wide").output;
    expect(missingLines(out, PAGE.podsWide, { rowsInAnyOrder: true, olderColumns: true, pageNodes: /\bgke-cluster-1-default-pool-\w+-\w+\b/g })).toEqual([]);
  });

  eraDifference("curl http://<external-ip>:<port>", "the page's answer is the node-hello image's; hello-app 2.0, which the file now runs, answers with its version and host name", () => {
    const out = k.type(`curl http://${seen.externalIP}:${seen.port}`).output;
    expect(out).toMatch(/^Hello, world!\nVersion: 2\.0\.0\nHostname: hello-world-\S+\n$/);
    expect(out).not.toContain(PAGE.hello);
  });

  it("kubectl delete services my-service; kubectl delete deployment hello-world", () => {
    expect(k.type("kubectl delete services my-service").output).toBe('service "my-service" deleted from default namespace\n');
    expect(k.type("kubectl delete deployment hello-world").output).toBe('deployment.apps "hello-world" deleted from default namespace\n');
  });
});
