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

describe("kubectl create configmap and secret from files", () => {
  const run = simTerminal(32);
  run("echo 'server { listen 80; }' > app.conf && mkdir conf && echo a > conf/one.txt && echo b > conf/two.txt && echo 'A=1' > env.txt");

  it.each([
    ["kubectl create configmap c1 --from-file=app.conf --from-file=custom=app.conf --dry-run=client -o jsonpath='{.data}'", '{"app.conf":"server { listen 80; }\\n","custom":"server { listen 80; }\\n"}', 0],
    ["kubectl create configmap c2 --from-file=conf --dry-run=client -o jsonpath='{.data}'", '{"one.txt":"a\\n","two.txt":"b\\n"}', 0],
    ["kubectl create configmap c3 --from-file=nope.conf", "error: error reading nope.conf: no such file or directory\n", 1],
    ["kubectl create configmap c4 --from-file=k=conf", "error: cannot give a key name for a directory path\n", 1],
    ["kubectl create configmap c5 --from-env-file=env.txt --dry-run=client -o jsonpath='{.data}'", '{"A":"1"}', 0],
    ["kubectl create configmap c6 --from-env-file=env.txt --from-literal=a=b", "error: from-env-file cannot be combined with from-file or from-literal\n", 1],
    ["kubectl create secret generic s1 --from-file=app.conf --dry-run=client -o jsonpath='{.data}'", '{"app.conf":"c2VydmVyIHsgbGlzdGVuIDgwOyB9Cg=="}', 0],
    ["kubectl create secret tls t --cert=app.conf --key=app.conf", "error: failed to load key pair tls: failed to find any PEM data in certificate input\n", 1],
    ["kubectl create secret tls t --cert=nope --key=app.conf", "error: Cannot read file nope, open nope: no such file or directory\n", 1],
  ])("%s", (line, output, exitCode) => {
    expect(run(line)).toEqual({ output, exitCode });
  });
});
