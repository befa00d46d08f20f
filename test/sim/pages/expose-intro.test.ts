// kubernetes.io, "Using a Service to Expose Your App" (Kubernetes Basics, module 4):
// kubernetes/website content/en/docs/tutorials/kubernetes-basics/expose/expose-intro.md at commit
// 29454349177fcd16bfd748aedde4c20c1abd9767. The page continues from "Using kubectl to create a
// Deployment", whose kubernetes-bootcamp Deployment it needs; it prints no output of its own
// except minikube's, so its steps check what the learner is told to look for.

import { describe, expect, it } from "vitest";
import { environment, learner } from "./page-replay.ts";

describe("kubernetes.io: Using a Service to Expose Your App", () => {
  const k = learner();
  const seen: Record<string, string> = {};

  it("kubectl get pods: the previous module's Deployment runs one Pod", () => {
    // The previous module (deploy-intro) creates it so.
    k.type("kubectl create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1");
    k.wait(10);
    expect(k.type("kubectl get pods").output).toMatch(/^kubernetes-bootcamp-\S+\s+1\/1\s+Running\s/m);
  });

  it("kubectl get services; kubectl expose deployment/kubernetes-bootcamp --type=\"NodePort\" --port 8080", () => {
    expect(k.type("kubectl get services").output).toMatch(/^kubernetes\s+ClusterIP\s/m);
    expect(k.type('kubectl expose deployment/kubernetes-bootcamp --type="NodePort" --port 8080').output).toBe("service/kubernetes-bootcamp exposed\n");
  });

  it("kubectl describe services/kubernetes-bootcamp shows the NodePort", () => {
    expect(k.type("kubectl describe services/kubernetes-bootcamp").output).toMatch(/^NodePort:\s+<unset>\s+\d+\/TCP$/m);
  });

  it("export NODE_PORT=... -o go-template='{{(index .spec.ports 0).nodePort}}'; echo", () => {
    k.type(`export NODE_PORT="$(kubectl get services/kubernetes-bootcamp -o go-template='{{(index .spec.ports 0).nodePort}}')"`);
    const out = k.type('echo "NODE_PORT=$NODE_PORT"').output;
    expect(out).toMatch(/^NODE_PORT=3\d{4}\n$/);
    seen.nodePort = out.slice("NODE_PORT=".length).trim();
  });

  environment('curl http://"$(minikube ip):$NODE_PORT"', "minikube ip prints the minikube node's address; on this cluster the learner reads a node's INTERNAL-IP off kubectl get nodes -o wide, as the next test does");
  environment("minikube service kubernetes-bootcamp --url", "a tunnel from Docker Desktop to minikube");

  it('curl http://"NODE_IP:$NODE_PORT": the app answers', () => {
    seen.nodeIP = /^node01\s+Ready\s+\S+\s+\S+\s+\S+\s+([\d.]+)/m.exec(k.type("kubectl get nodes -o wide").output)![1];
    expect(k.type(`curl http://"${seen.nodeIP}:$NODE_PORT"`).output).toMatch(/^Hello Kubernetes bootcamp! \| Running on: kubernetes-bootcamp-\S+ \| v=1\n$/);
  });

  it("kubectl describe deployment shows the label app=kubernetes-bootcamp; -l lists the Pod and the Service", () => {
    expect(k.type("kubectl describe deployment").output).toMatch(/^Labels:\s+app=kubernetes-bootcamp$/m);
    expect(k.type("kubectl get pods -l app=kubernetes-bootcamp").output).toMatch(/^kubernetes-bootcamp-\S+\s+1\/1\s+Running\s/m);
    expect(k.type("kubectl get services -l app=kubernetes-bootcamp").output).toMatch(/^kubernetes-bootcamp\s+NodePort\s/m);
  });

  it("export POD_NAME=... -o go-template --template '{{range .items}}...'; kubectl label; describe; get -l version=v1", () => {
    k.type(`export POD_NAME="$(kubectl get pods -o go-template --template '{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}')"`);
    const out = k.type('echo "Name of the Pod: $POD_NAME"').output;
    expect(out).toMatch(/^Name of the Pod: kubernetes-bootcamp-\S+\n$/);
    const pod = out.slice("Name of the Pod: ".length).trim();
    expect(k.type('kubectl label pods "$POD_NAME" version=v1').output).toBe(`pod/${pod} labeled\n`);
    expect(k.type('kubectl describe pods "$POD_NAME"').output).toMatch(/^ {18}version=v1$/m);
    expect(k.type("kubectl get pods -l version=v1").output).toMatch(new RegExp(`^${pod}\\s+1/1\\s+Running\\s`, "m"));
  });

  it("kubectl delete service -l app=kubernetes-bootcamp: the NodePort no longer answers, the app still does inside its pod", () => {
    expect(k.type("kubectl delete service -l app=kubernetes-bootcamp").output).toBe('service "kubernetes-bootcamp" deleted from default namespace\n');
    expect(k.type("kubectl get services").output).not.toContain("kubernetes-bootcamp");
    const curl = k.type(`curl http://"${seen.nodeIP}:$NODE_PORT"`);
    expect(curl).toEqual({ output: `curl: (7) Failed to connect to ${seen.nodeIP} port ${seen.nodePort} after 0 ms: Couldn't connect to server\n`, exitCode: 7 });
    expect(k.type("kubectl exec -ti $POD_NAME -- curl http://localhost:8080").output).toMatch(/^Hello Kubernetes bootcamp! \| Running on: kubernetes-bootcamp-\S+ \| v=1\n$/);
  });
});
