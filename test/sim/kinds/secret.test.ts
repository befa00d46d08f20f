// Secrets: base64 data on the server (stringData folded in), per-type validation, get's NAME
// TYPE DATA AGE, describe's sizes and field selection by type.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const manifest = (body: string) => `kubectl apply -f - <<EOF\n${body}\nEOF`;

describe("Secrets", () => {
  it("stores base64 data, prints NAME TYPE DATA AGE and describes sizes only", () => {
    const run = simTerminal(21);
    expect(run(manifest("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: aHVudGVyMg==\n  user: YWRtaW4="))).toEqual({ output: "secret/db created\n", exitCode: 0 });
    expect(run("kubectl get secret db").output).toMatch(/^NAME +TYPE +DATA +AGE\ndb +Opaque +2 +\d+s\n$/);
    expect(run("kubectl describe secret db").output).toBe(
      "Name:         db\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nType:  Opaque\n\nData\n====\npassword:  7 bytes\nuser:      5 bytes\n",
    );
    expect(run("kubectl get secret db -o jsonpath='{.data.password}'").output).toBe("aHVudGVyMg==");
    expect(run("kubectl get secrets --field-selector type=Opaque -o name").output).toBe("secret/db\n");
  });

  it("folds stringData into data and checks each type's required keys", () => {
    const run = simTerminal(24);
    run(manifest("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  token: abc"));
    expect(run("kubectl get secret s -o jsonpath='{.data}'").output).toBe('{"token":"YWJj"}');
    const tls = run(manifest("apiVersion: v1\nkind: Secret\nmetadata:\n  name: t\ntype: kubernetes.io/tls\ndata:\n  tls.crt: YWJj"));
    expect(tls.output).toContain('The Secret "t" is invalid: data[tls.key]: Required value');
    const basic = run(manifest("apiVersion: v1\nkind: Secret\nmetadata:\n  name: b\ntype: kubernetes.io/basic-auth\nstringData:\n  user: x"));
    expect(basic.output).toContain('The Secret "b" is invalid: \n* data[username]: Required value\n* data[password]: Required value');
    const base64 = run(manifest("apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  a: 'abc!'"));
    expect(base64.output).toContain('Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3');
    const type = run(manifest("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: kubernetes.io/basic-auth\nstringData:\n  token: abc\n  username: u"));
    expect(type.output).toContain('The Secret "s" is invalid: type: Invalid value: "kubernetes.io/basic-auth": field is immutable');
  });
});
