// kubernetes.io, "Hello Minikube": kubernetes/website content/en/docs/tutorials/hello-minikube.md at
// commit 0061388373879e8659cf0e5f4860c3e1491411c7 (the Katacoda version of the page). Its minikube
// commands are for minikube's own VM and addons; its kubectl steps run as typed.

import { describe, expect, it } from "vitest";
import { environment, environmentDifference, learner, matches, missingLines } from "./page-replay.ts";

const PAGE = {
  deployments: `NAME         READY   UP-TO-DATE   AVAILABLE   AGE
hello-node   1/1     1            1           1m`,
  pods: `NAME                          READY     STATUS    RESTARTS   AGE
hello-node-5f76cf6ccf-br9b5   1/1       Running   0          1m`,
  services: `NAME         TYPE           CLUSTER-IP      EXTERNAL-IP   PORT(S)          AGE
hello-node   LoadBalancer   10.108.144.78   <pending>     8080:30369/TCP   21s
kubernetes   ClusterIP      10.96.0.1       <none>        443/TCP          23m`,
};

describe("kubernetes.io: Hello Minikube", () => {
  const k = learner();

  environment("minikube start; minikube dashboard", "minikube's VM and its dashboard addon; the playground's cluster is already up");

  it("kubectl create deployment hello-node --image=k8s.gcr.io/echoserver:1.4", () => {
    expect(k.type("kubectl create deployment hello-node --image=k8s.gcr.io/echoserver:1.4").output).toBe("deployment.apps/hello-node created\n");
    k.wait(60);
  });

  matches("kubectl get deployments", () => {
    expect(missingLines(k.type("kubectl get deployments").output, PAGE.deployments)).toEqual([]);
  });

  matches("kubectl get pods", () => {
    expect(missingLines(k.type("kubectl get pods").output, PAGE.pods)).toEqual([]);
  });

  it("kubectl get events; kubectl config view", () => {
    expect(k.type("kubectl get events").output).toMatch(/Pulling image "k8s\.gcr\.io\/echoserver:1\.4"/);
    expect(k.type("kubectl config view").output).toMatch(/^current-context: \S+$/m);
  });

  it("kubectl expose deployment hello-node --type=LoadBalancer --port=8080", () => {
    expect(k.type("kubectl expose deployment hello-node --type=LoadBalancer --port=8080").output).toBe("service/hello-node exposed\n");
    k.wait(20);
  });

  environmentDifference("kubectl get services", "minikube has no load balancer until `minikube tunnel` runs, so EXTERNAL-IP stays <pending>; this cluster's MetalLB gives an address", () => {
    const out = k.type("kubectl get services").output;
    expect(missingLines(out, PAGE.services, { dropLines: [/^hello-node /] })).toEqual([]);
    expect(out).toMatch(/^hello-node\s+LoadBalancer\s+[\d.]+\s+[\d.]+\s+8080:3\d{4}\/TCP\s/m);
  });

  environment("minikube service hello-node", "opens a browser on minikube's node port");
  environment("minikube addons list; minikube addons enable metrics-server", "minikube's addons");
  environment("kubectl get pod,svc -n kube-system", "lists minikube's addon pods and Services (metrics-server, influxdb-grafana, kube-addon-manager) that only minikube has");
  environment("minikube addons disable metrics-server", "minikube's addons");

  it("kubectl delete service hello-node; kubectl delete deployment hello-node", () => {
    expect(k.type("kubectl delete service hello-node").output).toBe('service "hello-node" deleted from default namespace\n');
    expect(k.type("kubectl delete deployment hello-node").output).toBe('deployment.apps "hello-node" deleted from default namespace\n');
  });

  environment("minikube stop; minikube delete", "minikube's VM");
});
