// kubernetes.io, "Connect a Frontend to a Backend Using Services":
// kubernetes/website content/en/docs/tasks/access-application-cluster/connecting-frontend-backend.md
// at commit 02656950b9ac089a34e00bf5902a4317daf04510; its four files under service/access/ are
// applied by URL, as the page does (the playground's catalogue holds them, each with its commit).

import { describe, expect, it } from "vitest";
import { environmentDifference, eraDifference, learner, matches, missingLines } from "./page-replay.ts";

const PAGE = {
  created: `deployment.apps/frontend created
service/frontend created`,
  pending: `NAME       TYPE           CLUSTER-IP      EXTERNAL-IP   PORT(S)  AGE
frontend   LoadBalancer   10.51.252.116   <pending>     80/TCP   10s`,
  hello: `{"message":"Hello"}`,
};

describe("kubernetes.io: Connect a Frontend to a Backend Using Services", () => {
  const k = learner();
  const seen: Record<string, string> = {};

  it("kubectl apply -f https://k8s.io/examples/service/access/backend-deployment.yaml", () => {
    expect(k.type("kubectl apply -f https://k8s.io/examples/service/access/backend-deployment.yaml").output).toBe("deployment.apps/backend created\n");
    k.wait(20);
  });

  eraDifference("kubectl describe deployment backend", "the page prints a 2016 kubectl's describe (revision=1, the image quoted, extensions/v1beta1's rolling-update defaults); the test checks the replica line", () => {
    expect(k.type("kubectl describe deployment backend").output).toContain("3 desired | 3 updated | 3 total | 3 available | 0 unavailable");
  });

  matches("kubectl apply -f .../frontend-deployment.yaml; kubectl apply -f .../frontend-service.yaml", () => {
    expect(k.type("kubectl apply -f https://k8s.io/examples/service/access/backend-service.yaml").output).toBe("service/hello created\n");
    const out =
      k.type("kubectl apply -f https://k8s.io/examples/service/access/frontend-deployment.yaml").output +
      k.type("kubectl apply -f https://k8s.io/examples/service/access/frontend-service.yaml").output;
    expect(missingLines(out, PAGE.created)).toEqual([]);
  });

  environmentDifference(
    "kubectl get service frontend --watch",
    "a cloud's load balancer takes a minute and the page's first row shows <pending>; MetalLB answers within a second, and kubectl has listed a LoadBalancer's NodePort in PORT(S) since 1.7",
    () => {
      k.wait(10);
      const out = k.type("kubectl get service frontend --watch").output;
      expect(missingLines(out, PAGE.pending.split("\n")[0])).toEqual([]);
      const row = /^frontend\s+LoadBalancer\s+[\d.]+\s+([\d.]+)\s+80:3\d{4}\/TCP\s/m.exec(out);
      expect(row).not.toBeNull();
      seen.externalIP = row![1];
    },
  );

  matches("curl http://${EXTERNAL_IP}", () => {
    expect(k.type(`curl http://${seen.externalIP}`).output).toBe(`${PAGE.hello}\n`);
  });

  it("kubectl delete services frontend hello; kubectl delete deployment frontend backend", () => {
    expect(k.type("kubectl delete services frontend hello").output).toBe('service "frontend" deleted from default namespace\nservice "hello" deleted from default namespace\n');
    expect(k.type("kubectl delete deployment frontend backend").output).toBe(
      'deployment.apps "frontend" deleted from default namespace\ndeployment.apps "backend" deleted from default namespace\n',
    );
  });
});
