// The kubelet's set-up of configMap and secret volumes: a missing object or item key holds the pod
// in ContainerCreating with FailedMount events carrying the kubelet's message; the pod starts at a
// retry once the object exists; optional sources never block.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const pod = (volumes: string) => `kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
  - name: app
    image: nginx
    volumeMounts:
    - name: data
      mountPath: /etc/data
  volumes:
  - name: data
${volumes}
EOF`;

const failedMounts = "kubectl get events --field-selector reason=FailedMount -o jsonpath='{.items[*].message}'";

describe("configMap and secret volumes", () => {
  it.each([
    { what: "a missing ConfigMap", volume: "    configMap: {name: settings}", message: 'configmap "settings" not found' },
    { what: "a missing Secret", volume: "    secret: {secretName: creds}", message: 'secret "creds" not found' },
    {
      what: "an item key the ConfigMap lacks",
      setup: "kubectl create configmap settings --from-literal=color=blue",
      volume: "    configMap:\n      name: settings\n      items: [{key: mode, path: mode.txt}]",
      message: "configmap references non-existent config key: mode",
    },
    {
      what: "an item key the Secret lacks",
      setup: "kubectl create secret generic creds --from-literal=user=admin",
      volume: "    secret:\n      secretName: creds\n      items: [{key: password, path: pw}]",
      message: "references non-existent secret key: password",
    },
    {
      what: "a projected source that is missing",
      volume: "    projected:\n      sources:\n      - configMap: {name: settings}",
      message: 'configmap "settings" not found',
    },
  ])("$what: ContainerCreating and FailedMount with the kubelet's message", ({ setup, volume, message }) => {
    const run = simTerminal(41);
    if (setup) expect(run(setup).exitCode).toBe(0);
    expect(run(pod(volume)).output).toBe("pod/app created\n");
    run("sleep 10");
    expect(run("kubectl get pods").output).toMatch(/\napp +0\/1 +ContainerCreating +0 +\d+s\n$/);
    expect(run(failedMounts).output).toBe(`MountVolume.SetUp failed for volume "data" : ${message}`);
    const events = run("kubectl describe pod app").output;
    expect(events).toMatch(/Warning +FailedMount +\d+s \(x\d+ over \d+s\) +kubelet +MountVolume\.SetUp failed for volume "data" : /);
    expect(events).not.toContain("Started");
  });

  it("starts the pod at a retry once the ConfigMap exists, with its files mounted", () => {
    const run = simTerminal(42);
    run(pod("    configMap: {name: settings}"));
    run("sleep 30");
    run("kubectl create configmap settings --from-literal=color=blue");
    // The retries back off to about 16 s by now.
    run("sleep 40");
    expect(run("kubectl get pod app -o jsonpath='{.status.phase}'").output).toBe("Running");
    expect(run("kubectl exec app -- cat /etc/data/color")).toEqual({ output: "blue", exitCode: 0 });
  });

  it("never blocks on an optional source", () => {
    const run = simTerminal(43);
    run(pod("    configMap: {name: settings, optional: true}"));
    run("sleep 10");
    expect(run("kubectl get pod app -o jsonpath='{.status.phase}'").output).toBe("Running");
    expect(run(failedMounts).output).toBe("");
  });
});
