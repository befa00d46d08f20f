// The kubelet's environment for a container: ConfigMaps and Secrets read when it starts, the
// kubelet's CreateContainerConfigError and Failed event for what is missing, a retry that starts
// the container once the object appears, and what `env` / `printenv` show inside.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const manifest = (body: string) => `kubectl apply -f - <<EOF\n${body}\nEOF`;

const pod = (env: string) =>
  manifest(`apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: ["sleep", "infinity"]
${env}`);

const waitingMessage = "kubectl get pod app -o jsonpath='{.status.containerStatuses[0].state.waiting.message}'";

describe("a container's environment from ConfigMaps and Secrets", () => {
  it.each([
    {
      what: "a missing Secret",
      env: "    env:\n    - name: P\n      valueFrom:\n        secretKeyRef: {name: db, key: password}",
      message: 'secret "db" not found',
    },
    {
      what: "a missing key of a Secret",
      setup: "kubectl create secret generic db --from-literal=user=admin",
      env: "    env:\n    - name: P\n      valueFrom:\n        secretKeyRef: {name: db, key: password}",
      message: "couldn't find key password in Secret default/db",
    },
    {
      what: "a missing ConfigMap",
      env: "    env:\n    - name: M\n      valueFrom:\n        configMapKeyRef: {name: settings, key: mode}",
      message: 'configmap "settings" not found',
    },
    {
      what: "a missing key of a ConfigMap",
      setup: "kubectl create configmap settings --from-literal=color=blue",
      env: "    env:\n    - name: M\n      valueFrom:\n        configMapKeyRef: {name: settings, key: mode}",
      message: "couldn't find key mode in ConfigMap default/settings",
    },
    {
      what: "a missing envFrom Secret",
      env: "    envFrom:\n    - secretRef: {name: creds}",
      message: 'secret "creds" not found',
    },
  ])("$what: CreateContainerConfigError with the kubelet's message and Failed event", ({ setup, env, message }) => {
    const run = simTerminal(31);
    if (setup) expect(run(setup).exitCode).toBe(0);
    expect(run(pod(env)).output).toBe("pod/app created\n");
    run("sleep 5");
    expect(run("kubectl get pods").output).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE\napp +0\/1 +CreateContainerConfigError +0 +\d+s\n$/);
    expect(run(waitingMessage).output).toBe(message);
    expect(run("kubectl get pod app -o jsonpath='{.status.phase}'").output).toBe("Pending");
    expect(run("kubectl get events --field-selector reason=Failed -o jsonpath='{.items[*].message}'").output).toBe(`Error: ${message}`);
  });

  it("starts the container once the Secret appears, and keeps the value it started with", () => {
    const run = simTerminal(32);
    run(pod("    env:\n    - name: PASSWORD\n      valueFrom:\n        secretKeyRef: {name: db, key: password}"));
    run("sleep 5");
    expect(run(waitingMessage).output).toBe('secret "db" not found');
    run("kubectl create secret generic db --from-literal=password=s3cret");
    // The pod worker syncs again after its back-off (10 to 15 s).
    run("sleep 16");
    expect(run("kubectl get pod app -o jsonpath='{.status.phase}'").output).toBe("Running");
    expect(run("kubectl exec app -- printenv PASSWORD")).toEqual({ output: "s3cret\n", exitCode: 0 });
    // A running container's environment does not follow the Secret.
    run("kubectl delete secret db");
    expect(run("kubectl exec app -- printenv PASSWORD").output).toBe("s3cret\n");
  });

  it("applies envFrom first with its prefix, then env in order (a later name wins), skipping optional misses", () => {
    const run = simTerminal(33);
    run("kubectl create configmap settings --from-literal=color=blue --from-literal=MODE=fast");
    run("kubectl create secret generic db --from-literal=password=s3cret");
    run(
      pod(`    envFrom:
    - configMapRef: {name: settings}
      prefix: CFG_
    - secretRef: {name: absent, optional: true}
    env:
    - name: CFG_color
      value: red
    - name: PASSWORD
      valueFrom:
        secretKeyRef: {name: db, key: password}
    - name: EXTRA
      valueFrom:
        configMapKeyRef: {name: settings, key: nope, optional: true}
    - name: POD_NAME
      valueFrom:
        fieldRef: {fieldPath: metadata.name}`),
    );
    run("sleep 5");
    const env = run("kubectl exec app -- env").output.split("\n");
    const ours = env.filter((line) => /^(CFG_|PASSWORD|EXTRA|POD_NAME)/.test(line));
    expect(ours).toEqual(["CFG_MODE=fast", "CFG_color=red", "PASSWORD=s3cret", "POD_NAME=app"]);
    expect(run("kubectl exec app -- printenv EXTRA")).toEqual({ output: "command terminated with exit code 1\n", exitCode: 1 });
  });
});
