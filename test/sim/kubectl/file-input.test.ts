// kubectl reading and writing the workstation's files: `-o yaml > f` then `apply -f f`, a
// directory, several -f, and kubectl's own errors for what is not there.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

describe("kubectl -f FILE", () => {
  const run = simTerminal(31);

  it.each([
    ["kubectl create deployment web --image=nginx --dry-run=client -o yaml > web.yaml && kubectl apply -f web.yaml", "deployment.apps/web created\n", 0],
    ["kubectl apply -f web.yaml", "deployment.apps/web unchanged\n", 0],
    ["kubectl create -f web.yaml", 'Error from server (AlreadyExists): error when creating "web.yaml": deployments.apps "web" already exists\n', 1],
    ["kubectl apply -f nope.yaml", 'error: the path "nope.yaml" does not exist\n', 1],
    ["kubectl delete -f nope.yaml", 'error: the path "nope.yaml" does not exist\n', 1],
    ["mkdir empty && kubectl apply -f empty", "error: error reading [empty]: recognized file extensions are [.json .yaml .yml]\n", 1],
    ["mkdir m && kubectl create service clusterip web --tcp=80 --dry-run=client -o yaml > m/svc.yaml && echo notes > m/notes.txt && cp web.yaml m/ && kubectl apply -f m", "service/web created\ndeployment.apps/web unchanged\n", 0],
    ["kubectl get svc web -o yaml > live.yaml && kubectl apply -f live.yaml -f m/", "service/web configured\nservice/web configured\ndeployment.apps/web unchanged\n", 0],
    ["kubectl delete -f m", 'service "web" deleted from default namespace\ndeployment.apps "web" deleted from default namespace\n', 0],
    ["kubectl delete -f m/svc.yaml", 'Error from server (NotFound): error when deleting "m/svc.yaml": services "web" not found\n', 1],
    ["cat web.yaml | kubectl apply -f - && kubectl get deploy web -o name", "deployment.apps/web created\ndeployment.apps/web\n", 0],
  ])("%s", (line, output, exitCode) => {
    expect(run(line)).toEqual({ output, exitCode });
  });
});
