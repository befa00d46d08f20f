// kubectl replace -f (replace.go: PUT, --force delete then create) and kubectl diff -f (diff.go:
// LIVE-/MERGED- directories under /tmp compared by `diff -u -N`, kubectl exiting with diff's status).
import { describe, expect, it } from "vitest";
import { simConsole } from "../../console.ts";

/** Deployment web (nginx) behind Service web (80 -> 80), and its YAML in svc.yaml. */
function lab() {
  const run = simConsole(5, 2000);
  run("kubectl create deployment web --image=nginx");
  run("kubectl expose deployment web --port=80");
  run("sleep 10");
  run("kubectl get svc web -o yaml > svc.yaml");
  return run;
}

describe("kubectl diff", () => {
  it("prints nothing and exits 0 when the file is what is live", () => {
    const run = lab();
    expect(run("kubectl diff -f svc.yaml")).toEqual(expect.objectContaining({ output: "", exitCode: 0 }));
  });

  it("prints diff -u -N of the LIVE and MERGED directories and exits 1, changing nothing and leaving /tmp clean", () => {
    const run = lab();
    run("sed -i 's/port: 80/port: 8080/' svc.yaml");
    const out = run("kubectl diff -f svc.yaml");
    expect(out.exitCode).toBe(1);
    const [header, minus, plus, ...rest] = out.output.split("\n");
    expect(header).toMatch(/^diff -u -N \/tmp\/LIVE-\d+\/v1\.Service\.default\.web \/tmp\/MERGED-\d+\/v1\.Service\.default\.web$/);
    expect(minus).toMatch(/^--- \/tmp\/LIVE-\d+\/v1\.Service\.default\.web\t2026-01-01 00:00:\d\d\.000000000 \+0000$/);
    expect(plus).toMatch(/^\+\+\+ \/tmp\/MERGED-\d+\/v1\.Service\.default\.web\t/);
    // Only the port changes: a dry run keeps the resourceVersion, the Service keeps its clusterIP.
    expect(rest.filter((l) => /^[-+]/.test(l))).toEqual(["-  - port: 80", "+  - port: 8080"]);
    expect(rest[0]).toMatch(/^@@ -\d+,7 \+\d+,7 @@$/);
    expect(run("kubectl get svc web -o jsonpath='{.spec.ports[0].port}'").output).toBe("80");
    expect(run("ls /tmp").output).toBe("");
  });

  it("shows a new object against an empty file dated the epoch", () => {
    const run = lab();
    run("kubectl create deployment x --image=nginx --dry-run=client -o yaml > x.yaml");
    const out = run("kubectl diff -f x.yaml");
    expect(out.exitCode).toBe(1);
    expect(out.output).toMatch(/^diff -u -N \/tmp\/LIVE-\d+\/apps\.v1\.Deployment\.default\.x \/tmp\/MERGED-\d+\/apps\.v1\.Deployment\.default\.x\n--- \S+\t1970-01-01 00:00:00\.000000000 \+0000\n\+\+\+ \S+\t2026-\S+ \S+ \+0000\n@@ -0,0 \+1,\d+ @@\n\+apiVersion: apps\/v1\n\+kind: Deployment\n/);
    // Defaults the API server fills in are part of the merged version.
    expect(out.output).toContain("+        terminationMessagePolicy: File\n");
    expect(out.output).not.toContain("resourceVersion");
    expect(run("kubectl get deploy x").exitCode).toBe(1);
  });

  it("runs KUBECTL_EXTERNAL_DIFF's diff with its switches (no -N: a new file is 'Only in'), and refuses other programs", () => {
    const run = lab();
    run("kubectl create deployment x --image=nginx --dry-run=client -o yaml > x.yaml");
    expect(run("KUBECTL_EXTERNAL_DIFF='diff -q' kubectl diff -f x.yaml")).toEqual(
      expect.objectContaining({ output: expect.stringMatching(/^Only in \/tmp\/MERGED-\d+: apps\.v1\.Deployment\.default\.x\n$/), exitCode: 1 }),
    );
    run("sed -i 's/port: 80/port: 81/' svc.yaml");
    expect(run("KUBECTL_EXTERNAL_DIFF='diff -q' kubectl diff -f svc.yaml").output).toMatch(/^Files \/tmp\/LIVE-\d+\/v1\.Service\.default\.web and \/tmp\/MERGED-\d+\/v1\.Service\.default\.web differ\n$/);
    expect(run("KUBECTL_EXTERNAL_DIFF=meld kubectl diff -f x.yaml")).toEqual(
      expect.objectContaining({ output: 'error: failed to run "meld": exec: "meld": executable file not found in $PATH\n', exitCode: 2 }),
    );
  });

  it("masks a Secret's values as kubectl does: *** for each, *** (before) and *** (after) for a changed one", () => {
    const run = lab();
    run("kubectl create secret generic s --from-literal=user=admin --from-literal=pass=one");
    run("kubectl create secret generic s --from-literal=user=admin --from-literal=pass=two --from-literal=new=x --dry-run=client -o yaml > s.yaml");
    const out = run("kubectl diff -f s.yaml");
    expect(out.exitCode).toBe(1);
    expect(out.output).not.toMatch(/YWRtaW4|b25l|dHdv|eA==/);
    expect(out.output).toContain("\n-  pass: '*** (before)'\n+  new: '***'\n+  pass: '*** (after)'\n");
    expect(out.output).toContain("\n   user: '***'\n");
  });

  it.each([
    ["kubectl diff svc web -f svc.yaml", "error: Unexpected args: [svc web]\nSee 'kubectl diff -h' for help and examples\n"],
    ["kubectl diff", "error: must specify one of -f and -k\n"],
    ["kubectl diff -f nope.yaml", 'error: the path "nope.yaml" does not exist\n'],
  ])("%s exits 2", (line, output) => {
    const run = lab();
    expect(run(line)).toEqual(expect.objectContaining({ output, exitCode: 2 }));
  });
});

describe("kubectl replace", () => {
  it("replaces the live object with the file; a stale resourceVersion is a Conflict", () => {
    const run = lab();
    run("sed -i 's/port: 80/port: 8080/' svc.yaml");
    expect(run("kubectl replace -f svc.yaml")).toEqual(expect.objectContaining({ output: "service/web replaced\n", exitCode: 0 }));
    expect(run("kubectl get svc web -o jsonpath='{.spec.ports[0].port}'").output).toBe("8080");
    expect(run("kubectl replace -f svc.yaml")).toEqual(
      expect.objectContaining({
        output: 'Error from server (Conflict): error when replacing "svc.yaml": Operation cannot be fulfilled on services "web": the object has been modified; please apply your changes to the latest version and try again\n',
        exitCode: 1,
      }),
    );
  });

  it("recomputes apply's last-applied-configuration from the replaced object, so a later apply merges against it", () => {
    const run = simConsole(5, 2000);
    run("kubectl create deployment web --image=nginx --dry-run=client -o yaml > web.yaml");
    run("kubectl apply -f web.yaml");
    run("kubectl get deploy web -o yaml > live.yaml");
    run("sed -i 's/replicas: 1/replicas: 3/' live.yaml");
    expect(run("kubectl replace -f live.yaml").output).toBe("deployment.apps/web replaced\n");
    const last = JSON.parse(run("kubectl get deploy web -o jsonpath='{.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}'").output) as { spec: { replicas: number }; metadata: { annotations?: Record<string, string> } };
    expect(last.spec.replicas).toBe(3);
    // Not itself nested inside: the deployment controller's revision annotation is all that was there.
    expect(last.metadata.annotations).toEqual({ "deployment.kubernetes.io/revision": "1" });
  });

  it("--force deletes, waits, and creates from the file (its resourceVersion ignored)", () => {
    const run = lab();
    run("kubectl run p --image=nginx");
    run("sleep 20");
    run("kubectl get pod p -o yaml > p.yaml");
    run("sed -i 's/image: nginx/image: nginx:1.27/; s/restartPolicy: Always/restartPolicy: Never/' p.yaml");
    expect(run("kubectl replace -f p.yaml").output).toMatch(/^The Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than/);
    expect(run("kubectl replace --force -f p.yaml")).toEqual(expect.objectContaining({ output: 'pod "p" deleted from default namespace\npod/p replaced\n', exitCode: 0 }));
    expect(run("kubectl get pod p -o jsonpath='{.spec.containers[0].image} {.spec.restartPolicy}'").output).toBe("nginx:1.27 Never");
  });

  it.each([
    ["kubectl replace", "error: Must specify --filename to replace\nSee 'kubectl replace -h' for help and examples\n"],
    ["kubectl replace -f nope.yaml", 'error: the path "nope.yaml" does not exist\n'],
  ])("%s", (line, output) => {
    const run = lab();
    expect(run(line)).toEqual(expect.objectContaining({ output, exitCode: 1 }));
  });

  it("a missing object is NotFound without --force", () => {
    const run = lab();
    run("kubectl create deployment x --image=nginx --dry-run=client -o yaml > x.yaml");
    expect(run("kubectl replace -f x.yaml").output).toBe('Error from server (NotFound): error when replacing "x.yaml": deployments.apps "x" not found\n');
    expect(run("kubectl replace --force -f x.yaml").output).toBe("deployment.apps/x replaced\n");
  });
});
