// kubectl config: the kubeconfig kubeadm gives (one cluster, one user, one context), read as real
// kubectl prints it, and the context's namespace deciding where kubectl works without -n.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const console_ = () => simTerminal(21, 2000);

const VIEW = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: DATA+OMITTED
    server: https://192.168.56.10:6443
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: kubernetes-admin
  name: kubernetes-admin@kubernetes
current-context: kubernetes-admin@kubernetes
kind: Config
preferences: {}
users:
- name: kubernetes-admin
  user:
    client-certificate-data: DATA+OMITTED
    client-key-data: DATA+OMITTED
`;

describe("kubectl config", () => {
  it("shows kubeadm's admin kubeconfig, certificates redacted", () => {
    const run = console_();
    expect(run("kubectl config view")).toEqual({ output: VIEW, exitCode: 0 });
    expect(run("kubectl config current-context").output).toBe("kubernetes-admin@kubernetes\n");
    expect(run("kubectl config get-contexts").output).toBe(
      "CURRENT   NAME                          CLUSTER      AUTHINFO           NAMESPACE\n" +
        "*         kubernetes-admin@kubernetes   kubernetes   kubernetes-admin   \n",
    );
    expect(run("kubectl config get-contexts --no-headers").output).toBe("*     kubernetes-admin@kubernetes   kubernetes   kubernetes-admin   \n");
    expect(run("kubectl config get-clusters").output).toBe("NAME\nkubernetes\n");
    expect(run("kubectl config view -o jsonpath='{.clusters[0].cluster.server}'").output).toBe("https://192.168.56.10:6443");
  });

  it("works in the namespace of the current context once set-context gives it one", () => {
    const run = console_();
    run("kubectl create namespace dev");
    expect(run("kubectl config set-context --current --namespace=dev").output).toBe('Context "kubernetes-admin@kubernetes" modified.\n');
    expect(run("kubectl run web --image=nginx").output).toBe("pod/web created\n");
    expect(run("kubectl get pods -n dev -o name").output).toBe("pod/web\n");
    expect(run("kubectl get pods -n default").output).toBe("No resources found in default namespace.\n");
    expect(run("kubectl config view --minify -o jsonpath='{..namespace}'").output).toBe("dev");
    run("kubectl config set-context --current --namespace=");
    expect(run("kubectl get pods").output).toBe("No resources found in default namespace.\n");
  });

  it("switches contexts, and one without a cluster cannot reach the API server", () => {
    const run = console_();
    expect(run("kubectl config set-context lab --namespace=lab").output).toBe('Context "lab" created.\n');
    expect(run("kubectl config use-context lab").output).toBe('Switched to context "lab".\n');
    const refused = run("kubectl get pods");
    expect(refused.exitCode).toBe(1);
    expect(refused.output.split("\n").slice(0, 5).every((line) => /^E0101 00:00:\d\d\.\d{6} {3}\d+ memcache\.go:265\] "Unhandled Error" err="couldn't get current server API group list: Get \\"http:\/\/localhost:8080\/api\?timeout=32s\\": dial tcp 127\.0\.0\.1:8080: connect: connection refused"$/.test(line))).toBe(true);
    expect(refused.output).toMatch(/\nThe connection to the server localhost:8080 was refused - did you specify the right host or port\?\n$/);
    expect(run("kubectl config use-context kubernetes-admin@kubernetes").output).toBe('Switched to context "kubernetes-admin@kubernetes".\n');
    expect(run("kubectl get pods --context=nope")).toEqual({ output: "Error in configuration: context was not found for specified context: nope\n", exitCode: 1 });
  });

  it("answers mistakes as kubectl does", () => {
    const run = console_();
    expect(run("kubectl config use-context nope")).toEqual({ output: 'error: no context exists with the name: "nope"\n', exitCode: 1 });
    expect(run("kubectl config set-context")).toEqual({ output: "error: you must specify a non-empty context name or --current\n", exitCode: 1 });
    expect(run("kubectl config get-contexts nope")).toEqual({
      output: "CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE\nerror: context nope not found\n",
      exitCode: 1,
    });
    expect(run("kubectl config get-contexts -o yaml")).toEqual({
      output: "error: --output yaml is not available in kubectl config get-contexts; resetting to default output format\n",
      exitCode: 1,
    });
  });

  it("keeps the workstation's kubeconfig apart from the controlplane's", () => {
    const run = console_();
    run("kubectl config set-context --current --namespace=kube-system");
    run("ssh controlplane");
    expect(run("kubectl config view --minify -o jsonpath='{..namespace}'").output).toBe("");
    run("exit");
    expect(run("kubectl config view --minify -o jsonpath='{..namespace}'").output).toBe("kube-system");
  });
});
