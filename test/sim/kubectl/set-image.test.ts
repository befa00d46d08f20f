// kubectl set image: a Deployment rolls to the new image through a new ReplicaSet; a pod's
// container restarts with it; kubectl's words for no change, a wrong container and a Service.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const console_ = () => simTerminal(13, 3000);

describe("kubectl set image", () => {
  const run = console_();
  run("kubectl create deployment web --image=nginx --replicas=2");
  run("kubectl get pods");

  it("rolls a Deployment to the new image through a new ReplicaSet", () => {
    expect(run("kubectl set image deployment/web nginx=nginx:1.29")).toEqual({ output: "deployment.apps/web image updated\n", exitCode: 0 });
    // A rolling update within maxSurge 1 / maxUnavailable 0: the old pods are still going when kubectl starts to wait.
    expect(run("kubectl rollout status deployment web").output).toMatch(/^(Waiting for deployment "web" rollout to finish: [^\n]+\.\.\.\n)+deployment "web" successfully rolled out\n$/);
    const replicaSets = run("kubectl get rs -o jsonpath='{range .items[*]}{.spec.replicas} {.spec.template.spec.containers[0].image}{\"\\n\"}{end}'").output;
    expect(replicaSets.trim().split("\n").sort()).toEqual(["0 nginx", "2 nginx:1.29"]);
    expect(run("kubectl get pods -o jsonpath='{.items[*].spec.containers[0].image}'").output).toMatch(/^nginx:1\.29( nginx:1\.29)*$/);
  });

  it.each([
    ["kubectl set image deployment/web nginx=nginx:1.29", "", 0],
    ["kubectl set image deployment/web nginxx=nginx:1.29", 'error: unable to find container named "nginxx"\n', 1],
    ["kubectl set image deployment web", "error: at least one image update is required\n", 1],
    ["kubectl set image deployment/web *=nginx a=b", "error: all containers are already specified by *, but saw more than one container_name=container_image pairs\n", 1],
    ["kubectl set image svc/kubernetes a=b", "error: services/kubernetes the object is not a pod or does not have a pod template: *v1.Service\n", 1],
    ["kubectl set image deployment/nope nginx=nginx", 'Error from server (NotFound): deployments.apps "nope" not found\n', 1],
    ["kubectl set env deployment/web A=1", 'error: "kubectl set env" is not available in this playground\n', 1],
  ])("%s", (command, output, exitCode) => {
    expect(run(command)).toEqual({ output, exitCode });
  });

  it("restarts a pod's container with the new image", () => {
    run("kubectl run p --image=nginx");
    run("kubectl get pods");
    expect(run("kubectl set image pod/p p=httpd").output).toBe("pod/p image updated\n");
    run("kubectl get pods");
    expect(run("kubectl get pod p -o jsonpath='{.spec.containers[0].image} {.status.containerStatuses[0].restartCount}'").output).toBe("httpd 1");
  });
});
