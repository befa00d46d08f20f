// The API server's validation of what a pod takes from ConfigMaps and Secrets (ValidateEnv,
// ValidateEnvFrom, the configMap and secret volume sources), with apimachinery's field errors.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const pod = (container: string, volumes = "") =>
  `kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: bad
spec:
  containers:
  - name: app
    image: busybox
${container}
${volumes}
EOF`;

describe("pod spec validation of env sources and volumes", () => {
  it.each([
    {
      what: "two sources in one valueFrom",
      spec: pod("    env:\n    - name: A\n      valueFrom:\n        secretKeyRef: {name: s, key: k}\n        configMapKeyRef: {name: c, key: k}"),
      error: 'spec.containers[0].env[0].valueFrom: Invalid value: "": may not have more than one field specified at a time',
    },
    {
      what: "a value beside valueFrom",
      spec: pod("    env:\n    - name: A\n      value: x\n      valueFrom:\n        secretKeyRef: {name: s, key: k}"),
      error: 'spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
    },
    {
      what: "an empty valueFrom",
      spec: pod("    env:\n    - name: A\n      valueFrom: {}"),
      error: 'spec.containers[0].env[0].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
    },
    {
      what: "a key selector without a key",
      spec: pod("    env:\n    - name: A\n      valueFrom:\n        secretKeyRef: {name: s}"),
      error: "spec.containers[0].env[0].valueFrom.secretKeyRef.key: Required value",
    },
    {
      what: "a key that is not a config key",
      spec: pod("    env:\n    - name: A\n      valueFrom:\n        configMapKeyRef: {name: c, key: 'a b'}"),
      error: `spec.containers[0].env[0].valueFrom.configMapKeyRef.key: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
    },
    {
      what: "an unknown downward API field",
      spec: pod("    env:\n    - name: A\n      valueFrom:\n        fieldRef: {fieldPath: spec.hostname}"),
      error: 'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.hostname": supported values:',
    },
    {
      what: "an envFrom without a source",
      spec: pod("    envFrom:\n    - prefix: X_"),
      error: 'spec.containers[0].envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`',
    },
    {
      what: "an envFrom with both sources",
      spec: pod("    envFrom:\n    - configMapRef: {name: a}\n      secretRef: {name: b}"),
      error: 'spec.containers[0].envFrom: Invalid value: "": may not have more than one field specified at a time',
    },
    {
      what: "a configMap volume without a name",
      spec: pod("", "  volumes:\n  - name: v\n    configMap: {}"),
      error: "spec.volumes[0].configMap.name: Required value",
    },
    {
      what: "a secret volume with an absolute item path",
      spec: pod("", "  volumes:\n  - name: v\n    secret:\n      secretName: s\n      items:\n      - {key: a, path: /etc/a}"),
      error: 'spec.volumes[0].secret.items[0].path: Invalid value: "/etc/a": must be a relative path',
    },
    {
      what: "a file mode past 0777",
      spec: pod("", "  volumes:\n  - name: v\n    secret:\n      secretName: s\n      defaultMode: 1000"),
      error: "spec.volumes[0].secret.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive",
    },
  ])("rejects $what", ({ spec, error }) => {
    const run = simTerminal(41);
    const result = run(spec);
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('The Pod "bad" is invalid: ');
    expect(result.output).toContain(error);
  });

  it("stores the sources as the API does: fieldRef's apiVersion defaulted, volume modes 420", () => {
    const run = simTerminal(42);
    const ok = run(
      pod(
        "    env:\n    - name: POD_NAME\n      valueFrom:\n        fieldRef: {fieldPath: metadata.name}\n    envFrom:\n    - prefix: P_\n      secretRef: {name: s, optional: true}",
        "  volumes:\n  - name: v\n    configMap: {name: c}",
      ),
    );
    expect(ok).toEqual({ output: "pod/bad created\n", exitCode: 0 });
    expect(run("kubectl get pod bad -o jsonpath='{.spec.containers[0].env[0].valueFrom}'").output).toBe('{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.name"}}');
    expect(run("kubectl get pod bad -o jsonpath='{.spec.containers[0].envFrom}'").output).toBe('[{"prefix":"P_","secretRef":{"name":"s","optional":true}}]');
    expect(run("kubectl get pod bad -o jsonpath='{.spec.volumes[0].configMap.defaultMode}'").output).toBe("420");
  });
});

describe("pod spec validation of hostAliases", () => {
  const aliases = (body: string) => `kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: bad
spec:
  hostAliases:
${body}
  containers:
  - name: app
    image: busybox
EOF`;

  it.each([
    { what: "an IP that is not one", body: '  - ip: "10.1.2"\n    hostnames: ["a.local"]', error: 'spec.hostAliases[0].ip: Invalid value: "10.1.2": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)' },
    { what: "no IP", body: '  - hostnames: ["a.local"]', error: 'spec.hostAliases[0].ip: Invalid value: "": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)' },
    {
      what: "a host name that is not a DNS-1123 subdomain",
      body: '  - ip: "10.1.2.3"\n    hostnames: ["ok.local", "Not_OK"]',
      error:
        "spec.hostAliases[0].hostnames[1]: Invalid value: \"Not_OK\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    },
  ])("refuses $what", ({ body, error }) => {
    const run = simTerminal(21);
    const out = run(aliases(body));
    expect(out.exitCode).toBe(1);
    expect(out.output).toBe(`The Pod "bad" is invalid: ${error}\n`);
    expect(run("kubectl get pod bad").output).toBe('Error from server (NotFound): pods "bad" not found\n');
  });

  it("takes IPv6 addresses and keeps the aliases in the stored spec", () => {
    const run = simTerminal(22);
    expect(run(aliases('  - ip: "fd00::1"\n    hostnames: ["v6.local"]\n  - ip: "10.1.2.3"\n    hostnames: ["foo.remote", "bar.remote"]')).output).toBe("pod/bad created\n");
    expect(run("kubectl get pod bad -o jsonpath='{.spec.hostAliases}'").output).toBe('[{"hostnames":["v6.local"],"ip":"fd00::1"},{"hostnames":["foo.remote","bar.remote"],"ip":"10.1.2.3"}]');
  });
});
