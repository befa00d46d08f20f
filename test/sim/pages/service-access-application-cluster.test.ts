// kubernetes.io, "Use a Service to Access an Application in a Cluster":
// kubernetes/website content/en/docs/tasks/access-application-cluster/service-access-application-cluster.md
// at commit 0189ae0f6bf2a79ff2e4bfd5f9ec0da98d64c5d2; its file service/access/hello-application.yaml
// is applied by URL, as the page does (the playground's catalogue holds it at commit
// 7a090ad7363dc8f01a2304c43a0fa3d27b25b540). The node address and NodePort are read off the outputs
// as the page tells the learner to.

import { describe, expect, it } from "vitest";
import { environment, eraDifference, learner, matches, missingLines } from "./page-replay.ts";

const PAGE = {
  describeService: `Name:                   example-service
Namespace:              default
Labels:                 run=load-balancer-example
Annotations:            <none>
Selector:               run=load-balancer-example
Type:                   NodePort
IP:                     10.32.0.16
Port:                   <unset> 8080/TCP
TargetPort:             8080/TCP
NodePort:               <unset> 31496/TCP
Endpoints:              10.200.1.4:8080,10.200.2.5:8080
Session Affinity:       None
Events:                 <none>`,
  podsWide: `NAME                           READY   STATUS    ...  IP           NODE
hello-world-2895499144-bsbk5   1/1     Running   ...  10.200.1.4   worker1
hello-world-2895499144-m1pwt   1/1     Running   ...  10.200.2.5   worker2`,
  hello: "Hello Kubernetes!",
};

describe("kubernetes.io: Use a Service to Access an Application in a Cluster", () => {
  const k = learner();
  const seen: Record<string, string> = {};

  it("kubectl apply -f https://k8s.io/examples/service/access/hello-application.yaml", () => {
    expect(k.type("kubectl apply -f https://k8s.io/examples/service/access/hello-application.yaml").output).toBe("deployment.apps/hello-world created\n");
  });

  it("kubectl get deployments hello-world; kubectl describe deployments hello-world", () => {
    k.wait(10);
    expect(k.type("kubectl get deployments hello-world").output).toMatch(/^hello-world\s+2\/2\s+2\s+2\s/m);
    expect(k.type("kubectl describe deployments hello-world").output).toContain("Image:         us-docker.pkg.dev/google-samples/containers/gke/hello-app:2.0\n");
  });

  it("kubectl get replicasets; kubectl describe replicasets", () => {
    expect(k.type("kubectl get replicasets").output).toMatch(/^hello-world-\w+\s+2\s+2\s+2\s/m);
    expect(k.type("kubectl describe replicasets").output).toContain("Controlled By:  Deployment/hello-world\n");
  });

  it("kubectl expose deployment hello-world --type=NodePort --name=example-service", () => {
    expect(k.type("kubectl expose deployment hello-world --type=NodePort --name=example-service").output).toBe("service/example-service exposed\n");
  });

  eraDifference(
    "kubectl describe services example-service",
    "expose copies the Deployment's labels: an extensions/v1beta1 Deployment took them from its template, an apps/v1 one has none",
    () => {
      const out = k.type("kubectl describe services example-service").output;
      expect(missingLines(out, PAGE.describeService, { dropLines: [/^Labels:/] })).toEqual([]);
      expect(out).toMatch(/^Labels:\s+<none>$/m);
      seen.nodePort = /^NodePort:\s+<unset>\s+(\d+)\/TCP$/m.exec(out)![1];
    },
  );

  matches('kubectl get pods --selector="run=load-balancer-example" --output=wide', () => {
    // The page leaves columns out ("...") and its own version of the table ends at NODE.
    const out = k.type('kubectl get pods --selector="run=load-balancer-example" --output=wide').output;
    expect(missingLines(out, PAGE.podsWide, { rowsInAnyOrder: true, olderColumns: true, pageNodes: /\bworker\d\b/g })).toEqual([]);
    seen.node = /^hello-world-\S+\s.*\s(node\d\d)\s/m.exec(out)![1];
  });

  environment("gcloud compute instances list; a firewall rule for the node port", "a cloud's VMs; a kubeadm cluster's nodes are reached on their InternalIP with no firewall in between");

  eraDifference("curl http://<public-node-ip>:<node-port>", "the page's answer is the node-hello image's; hello-app 2.0, which the file now runs, answers with its version and host name", () => {
    const nodes = k.type("kubectl get nodes -o wide").output;
    const ip = new RegExp(`^${seen.node}\\s+Ready\\s+\\S+\\s+\\S+\\s+\\S+\\s+([\\d.]+)`, "m").exec(nodes)![1];
    const out = k.type(`curl http://${ip}:${seen.nodePort}`).output;
    expect(out).toMatch(/^Hello, world!\nVersion: 2\.0\.0\nHostname: hello-world-\S+\n$/);
    expect(out).not.toContain(PAGE.hello);
  });

  it("kubectl delete services example-service; kubectl delete deployment hello-world", () => {
    expect(k.type("kubectl delete services example-service").output).toBe('service "example-service" deleted from default namespace\n');
    expect(k.type("kubectl delete deployment hello-world").output).toBe('deployment.apps "hello-world" deleted from default namespace\n');
  });
});
