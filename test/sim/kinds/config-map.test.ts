// ConfigMaps: stored through the generic registry, validated with the API server's messages,
// printed and described as kubectl does, and kube-root-ca.crt published in every namespace.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const manifest = (body: string) => `kubectl apply -f - <<EOF\n${body}\nEOF`;

describe("ConfigMaps", () => {
  it("every namespace has kube-root-ca.crt, also a new one, and it comes back when deleted", () => {
    const run = simTerminal(11);
    expect(run("kubectl get configmaps -n kube-system").output).toMatch(/^NAME +DATA +AGE\ncoredns +1 +\d+m\nkube-proxy +2 +\d+m\nkube-root-ca\.crt +1 +\d+m\n$/);
    run("kubectl create namespace team");
    expect(run("kubectl get cm -n team -o name").output).toBe("configmap/kube-root-ca.crt\n");
    expect(run("kubectl get cm kube-root-ca.crt -o jsonpath='{.data.ca\\.crt}'").output).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/);
    expect(run("kubectl delete configmap kube-root-ca.crt").output).toBe('configmap "kube-root-ca.crt" deleted from default namespace\n');
    expect(run("kubectl get cm").output).toMatch(/^kube-root-ca\.crt +1 +\d+s$/m);
  });

  it("stores data, prints NAME DATA AGE and describes each key", () => {
    const run = simTerminal(12);
    expect(run(manifest("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  mode: prod\n  greeting: hello"))).toEqual({ output: "configmap/app created\n", exitCode: 0 });
    expect(run("kubectl get cm app").output).toMatch(/^NAME +DATA +AGE\napp +2 +\d+s\n$/);
    expect(run("kubectl get cm app -o jsonpath='{.data.mode}'").output).toBe("prod");
    expect(run("kubectl describe cm app").output).toBe(
      "Name:         app\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nData\n====\ngreeting:\n----\nhello\n\nmode:\n----\nprod\n\n\nBinaryData\n====\n\nEvents:  <none>\n",
    );
  });

  it("rejects bad keys and changes to an immutable ConfigMap with the API server's causes", () => {
    const run = simTerminal(13);
    const bad = run(manifest("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  'a b': x"));
    expect(bad.exitCode).toBe(1);
    expect(bad.output).toContain(
      `The ConfigMap "bad" is invalid: data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    );
    run(manifest("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fixed\nimmutable: true\ndata:\n  a: '1'"));
    const changed = run(manifest("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fixed\nimmutable: true\ndata:\n  a: '2'"));
    expect(changed.output).toContain('The ConfigMap "fixed" is invalid: data: Forbidden: field is immutable when `immutable` is set');
  });

  it("goes with its namespace", () => {
    const run = simTerminal(14);
    run("kubectl create namespace gone");
    run(manifest("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: gone\ndata:\n  a: b"));
    run("kubectl delete namespace gone");
    run("sleep 10");
    expect(run("kubectl get cm -A").output).not.toMatch(/^gone /m);
  });
});
