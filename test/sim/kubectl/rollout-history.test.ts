// kubectl rollout history and undo on a Deployment: revisions are its ReplicaSets; undo brings an
// older template back as the newest revision; change-cause comes from the Deployment's annotation.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const console_ = () => simTerminal(19, 2000);

describe("kubectl rollout history and undo", () => {
  const run = console_();
  run("kubectl create deployment web --image=nginx --replicas=2");

  it("lists one revision per template the Deployment had", () => {
    expect(run("kubectl rollout history deployment/web").output).toBe("deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n\n");
    run("kubectl set image deployment/web nginx=nginx:1.29");
    run("kubectl annotate deployment web kubernetes.io/change-cause='image 1.29'");
    run("kubectl rollout status deployment web");
    expect(run("kubectl rollout history deployment web").output).toBe("deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         image 1.29\n\n");
  });

  it("shows one revision's pod template", () => {
    const out = run("kubectl rollout history deployment web --revision=2").output;
    expect(out.startsWith("deployment.apps/web with revision #2\nPod Template:\n  Labels:  app=web\n")).toBe(true);
    expect(out).toContain("    Image:         nginx:1.29\n");
    expect(run("kubectl rollout history deployment web --revision=7")).toEqual({ output: "error: unable to find the specified revision\n", exitCode: 1 });
  });

  it("rolls back to the previous template, which becomes the newest revision", () => {
    expect(run("kubectl rollout undo deployment web").output).toBe("deployment.apps/web rolled back\n");
    run("kubectl rollout status deployment web");
    expect(run("kubectl get deployment web -o jsonpath='{.spec.template.spec.containers[0].image}'").output).toBe("nginx");
    expect(run("kubectl rollout history deployment web").output).toBe("deployment.apps/web \nREVISION  CHANGE-CAUSE\n2         image 1.29\n3         image 1.29\n\n");
    expect(run("kubectl get rs -o jsonpath='{range .items[*]}{.spec.replicas}{\" \"}{end}'").output.trim().split(" ").sort()).toEqual(["0", "2"]);
  });

  it("answers as kubectl does for a revision it does not have or already runs", () => {
    expect(run("kubectl rollout undo deployment web --to-revision=9")).toEqual({ output: "error: unable to find specified revision 9 in history\n", exitCode: 1 });
    expect(run("kubectl rollout undo deployment web --to-revision=3").output).toBe("deployment.apps/web skipped rollback (current template already matches revision 3)\n");
    expect(run("kubectl rollout undo deployment/nope")).toEqual({ output: 'Error from server (NotFound): deployments.apps "nope" not found\n', exitCode: 1 });
  });
});
