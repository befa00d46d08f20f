// kubectl create configmap and create secret generic|docker-registry|tls: the objects kubectl
// builds (checked against the real client's --dry-run=client -o yaml) and its errors.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../../console.ts";

describe("kubectl create configmap / secret", () => {
  it("creates a generic Secret from literals as kubectl 1.34 prints it with --dry-run=client -o yaml", () => {
    const run = simTerminal(21);
    expect(run("kubectl create secret generic s --from-literal=password=hunter2 --from-literal=user=admin --dry-run=client -o yaml").output).toBe(
      "apiVersion: v1\ndata:\n  password: aHVudGVyMg==\n  user: YWRtaW4=\nkind: Secret\nmetadata:\n  name: s\n",
    );
    expect(run("kubectl create secret generic db --from-literal=password=hunter2")).toEqual({ output: "secret/db created\n", exitCode: 0 });
    expect(run("kubectl create configmap app --from-literal=mode=prod")).toEqual({ output: "configmap/app created\n", exitCode: 0 });
    expect(run("kubectl get cm app -o jsonpath='{.data.mode}'").output).toBe("prod");
  });

  it("answers bad sources with kubectl's errors", () => {
    const run = simTerminal(22);
    expect(run("kubectl create secret generic s --from-literal=a=1 --from-literal=a=2")).toEqual({ output: "error: cannot add key a, another key by that name already exists\n", exitCode: 1 });
    expect(run("kubectl create secret generic s --from-literal=foo").output).toBe("error: invalid literal source foo, expected key=value\n");
    expect(run("kubectl create secret docker-registry d").output).toBe(
      "error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required\n",
    );
    expect(run("kubectl create secret tls t").output).toBe("error: key and cert must be specified\n");
    expect(run("kubectl create configmap c --from-literal=a=1 --from-literal=a=2").output).toBe(
      'error: cannot add key "a", another key by that name already exists in Data for ConfigMap "c"\n',
    );
  });

  it("builds a docker-registry Secret's .dockerconfigjson as kubectl does", () => {
    const run = simTerminal(23);
    expect(run("kubectl create secret docker-registry d --docker-username=u --docker-password=p --dry-run=client -o yaml").output).toBe(
      "apiVersion: v1\ndata:\n  .dockerconfigjson: eyJhdXRocyI6eyJodHRwczovL2luZGV4LmRvY2tlci5pby92MS8iOnsidXNlcm5hbWUiOiJ1IiwicGFzc3dvcmQiOiJwIiwiYXV0aCI6ImRUcHcifX19\nkind: Secret\nmetadata:\n  name: d\ntype: kubernetes.io/dockerconfigjson\n",
    );
  });

});
