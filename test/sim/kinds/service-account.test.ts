// ServiceAccounts: `default` in every namespace from the service account controller, the add-ons'
// accounts in their namespaces, kubectl create serviceaccount, get's NAME SECRETS AGE and
// describe's layout (kubectl >= 1.28: image pull secrets only).
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const manifest = (body: string) => `kubectl apply -f - <<EOF\n${body}\nEOF`;

describe("ServiceAccounts", () => {
  it("every namespace has default, also a new one, and it comes back when deleted", () => {
    const run = simTerminal(21);
    expect(run("kubectl get sa -n kube-system").output).toMatch(/^NAME +SECRETS +AGE\ncoredns +0 +\d+m\ndefault +0 +\d+m\nkube-proxy +0 +\d+m\n$/);
    expect(run("kubectl get serviceaccounts -n kube-flannel -o name").output).toBe("serviceaccount/default\nserviceaccount/flannel\n");
    run("kubectl create namespace team");
    expect(run("kubectl get sa -n team -o name").output).toBe("serviceaccount/default\n");
    expect(run("kubectl delete sa default").output).toBe('serviceaccount "default" deleted from default namespace\n');
    expect(run("kubectl get sa").output).toMatch(/^NAME +SECRETS +AGE\ndefault +0 +\d+s\n$/);
  });

  it("kubectl create serviceaccount makes one, with kubectl's errors", () => {
    const run = simTerminal(22);
    expect(run("kubectl create serviceaccount robot")).toEqual({ output: "serviceaccount/robot created\n", exitCode: 0 });
    // create_serviceaccount.go wraps the server's error: "failed to create serviceaccount: %v".
    expect(run("kubectl create sa robot")).toEqual({ output: 'error: failed to create serviceaccount: serviceaccounts "robot" already exists\n', exitCode: 1 });
    expect(run("kubectl create sa").output).toBe("error: exactly one NAME is required, got 0\nSee 'kubectl create serviceaccount -h' for help and examples\n");
    expect(run("kubectl create sa Robot").output).toContain('error: failed to create serviceaccount: ServiceAccount "Robot" is invalid: metadata.name: Invalid value: "Robot": a lowercase RFC 1123 subdomain');
    expect(run("kubectl create sa x --dry-run=client -o yaml").output).toBe("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: x\n");
    expect(run("kubectl get sa robot -o jsonpath='{.kind} {.metadata.namespace}'").output).toBe("ServiceAccount default");
  });

  it("describes as kubectl does and counts its secrets", () => {
    const run = simTerminal(23);
    run(manifest("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: builder\n  labels:\n    team: ci\nsecrets:\n- name: old-token\nimagePullSecrets:\n- name: regcred\n- name: mirror"));
    expect(run("kubectl get sa builder").output).toMatch(/^NAME +SECRETS +AGE\nbuilder +1 +\d+s\n$/);
    expect(run("kubectl describe sa builder").output).toBe(
      // Real kubectl 1.28-1.33 against the session's API print the same.
      "Name:                builder\nNamespace:           default\nLabels:              team=ci\nAnnotations:         <none>\nImage pull secrets:  regcred (not found)\n                     mirror (not found)\nMountable secrets:   old-token (not found)\nTokens:              <none>\nEvents:              <none>\n",
    );
    expect(run("kubectl describe sa default").output).toContain("Image pull secrets:  <none>\nMountable secrets:   <none>\nTokens:              <none>\nEvents:              <none>\n");
  });
});
