// kubectl and DaemonSets, in v1.34's formats: get (columns, -o wide, -A, get all's section
// order), describe's DaemonSetDescriber layout, apply/create with the API server's errors,
// delete, rollout, and scale, which a DaemonSet has no subresource for.

import { describe, expect, it } from "vitest";
import { createSession, execute } from "../../../worker/sim/engine.ts";

const START = Date.UTC(2026, 0, 1);

function session(seed = 1): (line: string) => { output: string; exitCode: number } {
  let state = createSession({ seed, now: START });
  let now = START;
  return (line) => {
    now = Math.max(now + 4000, state.cluster.now);
    const result = execute(state, line, { now });
    state = result.state;
    return { output: result.output, exitCode: result.exitCode };
  };
}

const manifest = (spec: string) => `cat <<'EOF' | kubectl apply -f -
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
${spec}
EOF`;

const TEMPLATE = `  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: agent
        image: busybox
        command: ["sleep", "infinity"]`;

describe("kubectl get daemonsets", () => {
  it("lists kube-proxy, kube-flannel-ds and MetalLB's speaker with the real columns, NAMESPACE first under -A", () => {
    const run = session();
    expect(run("kubectl get ds -A").output).toBe(
      [
        "NAMESPACE        NAME              DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE",
        "kube-flannel     kube-flannel-ds   3         3         3       3            3           <none>                   24m",
        "kube-system      kube-proxy        3         3         3       3            3           kubernetes.io/os=linux   24m",
        "metallb-system   speaker           3         3         3       3            3           kubernetes.io/os=linux   21m",
        "",
      ].join("\n"),
    );
  });

  it.each([
    ["daemonsets", "kubectl get daemonsets -n kube-system"],
    ["daemonset", "kubectl get daemonset -n kube-system"],
    ["ds", "kubectl get ds -n kube-system"],
    ["daemonsets.apps", "kubectl get daemonsets.apps -n kube-system"],
    ["ds.v1.apps", "kubectl get ds.v1.apps -n kube-system"],
  ])("knows the resource by the name %s", (_, line) => {
    const { output, exitCode } = session()(line);
    expect(exitCode).toBe(0);
    expect(output.split("\n")[1]).toMatch(/^kube-proxy\s+3\s+3\s+3\s+3\s+3\s+kubernetes\.io\/os=linux\s+24m$/);
  });

  it("adds CONTAINERS, IMAGES and SELECTOR with -o wide", () => {
    const lines = session()("kubectl get ds -n kube-system -o wide").output.split("\n");
    expect(lines[0].split(/\s{2,}/)).toEqual(["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]);
    expect(lines[1].split(/\s{2,}/).slice(-3)).toEqual(["kube-proxy", "registry.k8s.io/kube-proxy:v1.34.1", "k8s-app=kube-proxy"]);
  });

  it("get all -A lists the daemonsets between services and deployments", () => {
    const sections = session()("kubectl get all -A")
      .output.split("\n\n")
      .map((s) => s.split("\n")[1]?.split(/\s+/)[1]?.split("/")[0]);
    expect(sections).toEqual(["pod", "service", "daemonset.apps", "deployment.apps", "replicaset.apps"]);
  });

  it.each([
    ["-o name", "kubectl get ds -n kube-system -o name", "daemonset.apps/kube-proxy\n"],
    ["-o jsonpath", "kubectl get ds kube-proxy -n kube-system -o jsonpath='{.status.numberReady}/{.status.desiredNumberScheduled}'", "3/3"],
    ["-o jsonpath on the template", "kubectl get ds kube-flannel-ds -n kube-flannel -o jsonpath='{.spec.template.spec.tolerations}'", '[{"effect":"NoSchedule","operator":"Exists"}]'],
  ])("prints %s", (_, line, expected) => {
    expect(session()(line).output).toBe(expected);
  });

  it("prints the stored object with -o yaml: defaults, template generation annotation and status", () => {
    const yaml = session()("kubectl get ds kube-proxy -n kube-system -o yaml").output;
    for (const line of [
      "apiVersion: apps/v1",
      "kind: DaemonSet",
      '    deprecated.daemonset.template.generation: "1"',
      "  revisionHistoryLimit: 10",
      "      maxUnavailable: 1",
      "    type: RollingUpdate",
      "  desiredNumberScheduled: 3",
      "  numberMisscheduled: 0",
      "  updatedNumberScheduled: 3",
    ]) {
      expect(yaml).toContain(`${line}\n`);
    }
  });

  it("lists daemonsets in api-resources", () => {
    expect(session()("kubectl api-resources").output).toMatch(/^daemonsets +ds +apps\/v1 +true +DaemonSet$/m);
  });
});

describe("kubectl describe daemonset", () => {
  it("prints the DaemonSetDescriber layout", () => {
    expect(session()("kubectl describe ds kube-proxy -n kube-system").output).toBe(
      [
        "Name:           kube-proxy",
        "Namespace:      kube-system",
        "Selector:       k8s-app=kube-proxy",
        "Node-Selector:  kubernetes.io/os=linux",
        "Labels:         k8s-app=kube-proxy",
        "Annotations:    deprecated.daemonset.template.generation: 1",
        "Desired Number of Nodes Scheduled: 3",
        "Current Number of Nodes Scheduled: 3",
        "Number of Nodes Scheduled with Up-to-date Pods: 3",
        "Number of Nodes Scheduled with Available Pods: 3",
        "Number of Nodes Misscheduled: 0",
        "Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed",
        "Pod Template:",
        "  Labels:  k8s-app=kube-proxy",
        "  Containers:",
        "   kube-proxy:",
        "    Image:      registry.k8s.io/kube-proxy:v1.34.1",
        "    Port:       <none>",
        "    Host Port:  <none>",
        "    Command:",
        "      /usr/local/bin/kube-proxy",
        "      --config=/var/lib/kube-proxy/config.conf",
        "      --hostname-override=$(NODE_NAME)",
        "    Environment:",
        "      NODE_NAME:    (v1:spec.nodeName)",
        "    Mounts:        <none>",
        "  Volumes:         <none>",
        "  Node-Selectors:  kubernetes.io/os=linux",
        "  Tolerations:     op=Exists",
        "Events:",
        "  Type    Reason            Age   From                  Message",
        "  ----    ------            ----  ----                  -------",
        "  Normal  SuccessfulCreate  24m   daemonset-controller  Created pod: kube-proxy-8c2l2",
        "  Normal  SuccessfulCreate  23m   daemonset-controller  Created pod: kube-proxy-f8qdl",
        "  Normal  SuccessfulCreate  23m   daemonset-controller  Created pod: kube-proxy-wgb8b",
        "",
      ].join("\n"),
    );
  });

  it("lists the controller's events after a pod is recreated", () => {
    const run = session();
    run("kubectl delete pod -n kube-system kube-proxy-f8qdl");
    const out = run("kubectl describe ds kube-proxy -n kube-system").output;
    expect(out).toMatch(/Created pod: kube-proxy-wgb8b\n  Normal  SuccessfulCreate  \d+s +daemonset-controller  Created pod: kube-proxy-[a-z0-9]{5}\n$/);
  });
});

describe("kubectl apply and create of a DaemonSet", () => {
  it.each([
    ["without a selector", TEMPLATE, 'The DaemonSet "agent" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"agent"}: `selector` does not match template `labels`\n'],
    [
      "with a selector that does not match the template",
      `  selector:\n    matchLabels:\n      app: other\n${TEMPLATE}`,
      'The DaemonSet "agent" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"agent"}: `selector` does not match template `labels`\n',
    ],
    [
      "with an empty selector",
      `  selector: {}\n${TEMPLATE}`,
      'The DaemonSet "agent" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for daemonset\n',
    ],
  ])("refuses a DaemonSet %s with the API server's message", (_, spec, message) => {
    const result = session()(manifest(spec));
    expect(result.output).toBe(message);
    expect(result.exitCode).toBe(1);
  });

  it("creates a valid DaemonSet whose pods land on the worker nodes only", () => {
    const run = session();
    expect(run(manifest(`  selector:\n    matchLabels:\n      app: agent\n${TEMPLATE}`)).output).toBe("daemonset.apps/agent created\n");
    run("kubectl get pods");
    const lines = run("kubectl get pods -o wide").output.trim().split("\n").slice(1);
    expect(lines.map((l) => l.split(/\s+/).slice(1, 3).concat(l.split(/\s+/)[6]))).toEqual([
      ["1/1", "Running", "node01"],
      ["1/1", "Running", "node02"],
    ]);
    expect(run("kubectl get ds agent").output.split("\n")[1]).toMatch(/^agent\s+2\s+2\s+2\s+2\s+2\s+<none>\s+\d+s$/);
  });

  it("deletes a DaemonSet and, with it, its pods", () => {
    const run = session();
    run(manifest(`  selector:\n    matchLabels:\n      app: agent\n${TEMPLATE}`));
    run("kubectl get pods");
    expect(run("kubectl delete ds agent").output).toBe('daemonset.apps "agent" deleted from default namespace\n');
    // kubectl waits for the DaemonSet only; its pods run `sleep infinity`, which ignores SIGTERM, so
    // they stay Terminating until the kubelet kills them at the end of their 30 s grace period.
    expect(run("kubectl get pods").output).toMatch(/^NAME .*\nagent-\w{5}\s+1\/1\s+Terminating\s+0\s+\S+\nagent-\w{5}\s+1\/1\s+Terminating\s+0\s+\S+\n$/);
    run("sleep 30");
    expect(run("kubectl get ds,pods").output).toBe("No resources found in default namespace.\n");
  });
});

describe("kubectl scale and rollout on a DaemonSet", () => {
  it("scale fails: a DaemonSet has no scale subresource", () => {
    const result = session()("kubectl scale ds kube-proxy -n kube-system --replicas=2");
    expect(result.output).toBe("Error from server (NotFound): the server could not find the requested resource\n");
    expect(result.exitCode).toBe(1);
  });

  it("rollout restart replaces the pods node by node and rollout status follows it", () => {
    const run = session();
    expect(run("kubectl rollout restart ds/kube-proxy -n kube-system").output).toBe("daemonset.apps/kube-proxy restarted\n");
    const status = run("kubectl rollout status ds/kube-proxy -n kube-system");
    expect(status.output).toMatch(/^(Waiting for daemon set "kube-proxy" rollout to finish: .*\n)+daemon set "kube-proxy" successfully rolled out\n$/);
    expect(status.output).toContain('Waiting for daemon set "kube-proxy" rollout to finish: 1 out of 3 new pods have been updated...\n');
    const pods = run("kubectl get pods -n kube-system -l k8s-app=kube-proxy --no-headers").output;
    expect(pods).not.toMatch(/kube-proxy-(9948j|j8c6w|xh8z7)/);
  });
});
