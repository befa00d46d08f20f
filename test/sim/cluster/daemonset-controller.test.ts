// The DaemonSet controller: one pod per eligible node, made again when it goes, removed with its
// DaemonSet, rolled out when the template changes; and the kubeadm cluster's kube-proxy and
// kube-flannel-ds as real DaemonSets owning the per-node pods.

import { describe, expect, it } from "vitest";
import { createObject, deleteObject, updateObject } from "../../../worker/sim/cluster/api-server.ts";
import { bootstrapCluster } from "../../../worker/sim/cluster/bootstrap.ts";
import { daemonSetHash } from "../../../worker/sim/cluster/daemon-sets.ts";
import { eventsFor } from "../../../worker/sim/cluster/events.ts";
import type { ClusterState, DaemonSet, Node, Pod, SubmittedObject } from "../../../worker/sim/cluster/types.ts";
import { createRandom, type Random } from "../../../worker/sim/random.ts";
import { T0, apply, cluster, create } from "./helpers.ts";

function daemonSet(name: string, spec: Record<string, unknown> = {}, labels: Record<string, string> = { app: name }): SubmittedObject {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: "agent", image: "busybox", command: ["sleep", "infinity"] }], ...spec } },
    },
  };
}

const dsOf = (s: ClusterState, key: string): DaemonSet => s.daemonSets![key];
const podsOf = (s: ClusterState, ds: DaemonSet): Pod[] =>
  Object.values(s.pods)
    .filter((p) => p.metadata.ownerReferences?.some((o) => o.uid === ds.metadata.uid))
    .sort((a, b) => (a.spec.nodeName ?? "").localeCompare(b.spec.nodeName ?? ""));
const nodesOf = (s: ClusterState, ds: DaemonSet): string[] => podsOf(s, ds).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec.nodeName ?? "<none>");

/** A user DaemonSet in `default`, settled for `settle` simulated seconds. */
function withDaemonSet(obj: SubmittedObject, settle = 10): { s: ClusterState; random: Random } {
  const { state, random } = cluster(5);
  let s = apply(state, random, T0, (tx) => create(tx, obj, T0, random));
  s = apply(s, random, T0 + settle * 1000);
  return { s, random };
}

/** Reconciles second by second, as kubectl's waits do, so every step of a rollout is seen. */
function run(s: ClusterState, random: Random, from: number, to: number): ClusterState {
  for (let t = from; t <= to; t += 1000) s = apply(s, random, t);
  return s;
}

function taint(s: ClusterState, random: Random, at: number, node: string, taints: Node["spec"]["taints"]): ClusterState {
  return apply(s, random, at, (tx) => {
    const n = tx.state.nodes[node];
    const r = updateObject(tx, { ...n, spec: { ...n.spec, taints } } as unknown as SubmittedObject, { now: at, random });
    if (!r.ok) throw new Error(r.status.message);
  });
}

describe("the kubeadm cluster's DaemonSets", () => {
  const { state } = cluster(1);
  it.each([
    ["kube-system/kube-proxy", "k8s-app=kube-proxy", ["controlplane", "node01", "node02"]],
    ["kube-flannel/kube-flannel-ds", "app=flannel", ["controlplane", "node01", "node02"]],
  ])("%s owns one running pod on each node", (key, selector, nodes) => {
    const ds = dsOf(state, key);
    expect(Object.entries(ds.spec.selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(",")).toBe(selector);
    expect(nodesOf(state, ds)).toEqual(nodes);
    for (const p of podsOf(state, ds)) {
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: "apps/v1", kind: "DaemonSet", name: ds.metadata.name, uid: ds.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      expect(p.metadata.labels?.["controller-revision-hash"]).toBe(daemonSetHash(ds.spec.template));
      expect(p.metadata.labels?.["pod-template-generation"]).toBe("1");
      expect(p.status.phase).toBe("Running");
    }
    expect(ds.status).toEqual({
      currentNumberScheduled: 3,
      desiredNumberScheduled: 3,
      numberAvailable: 3,
      numberMisscheduled: 0,
      numberReady: 3,
      observedGeneration: 1,
      updatedNumberScheduled: 3,
    });
    expect(ds.metadata.annotations).toEqual({ "deprecated.daemonset.template.generation": "1" });
  });

  it("keeps the pod names the cluster had before DaemonSets were simulated", () => {
    const names = Object.values(state.pods).map((p) => p.metadata.name).filter((n) => /^kube-(proxy|flannel-ds)-/.test(n)).sort();
    expect(names).toEqual(["kube-flannel-ds-lfvfz", "kube-flannel-ds-mwxms", "kube-flannel-ds-rrlgc", "kube-proxy-9948j", "kube-proxy-j8c6w", "kube-proxy-xh8z7"]);
  });

  it("gives the flannel DaemonSet the manifest's labels and tolerations, and kube-proxy its nodeSelector", () => {
    const flannel = dsOf(state, "kube-flannel/kube-flannel-ds");
    expect(flannel.metadata.labels).toEqual({ app: "flannel", "k8s-app": "flannel", tier: "node" });
    expect(flannel.spec.template.spec.tolerations).toEqual([{ effect: "NoSchedule", operator: "Exists" }]);
    const proxy = dsOf(state, "kube-system/kube-proxy");
    expect(proxy.spec.template.spec.nodeSelector).toEqual({ "kubernetes.io/os": "linux" });
    expect(proxy.spec.template.spec.tolerations).toEqual([{ operator: "Exists" }]);
  });

  it("scales with the number of worker nodes", () => {
    const big = bootstrapCluster({ now: T0, random: createRandom(2), workers: 5 });
    expect(dsOf(big, "kube-system/kube-proxy").status.desiredNumberScheduled).toBe(6);
    expect(nodesOf(big, dsOf(big, "kube-system/kube-proxy"))).toHaveLength(6);
  });
});

describe("the DaemonSet controller", () => {
  it("recreates a deleted kube-proxy pod on the same node, with a new generated name and an event", () => {
    const { state, random } = cluster(1);
    const ds = dsOf(state, "kube-system/kube-proxy");
    const victim = podsOf(state, ds).find((p) => p.spec.nodeName === "node01")!;
    let s = apply(state, random, T0 + 1000, (tx) => {
      const r = deleteObject(tx, "pods", "kube-system", victim.metadata.name, { now: T0 + 1000, random });
      if (!r.ok) throw new Error(r.status.message);
    });
    s = run(s, random, T0 + 2000, T0 + 10_000);
    const after = podsOf(s, ds);
    expect(after.map((p) => p.spec.nodeName)).toEqual(["controlplane", "node01", "node02"]);
    const fresh = after.find((p) => p.spec.nodeName === "node01")!;
    expect(fresh.metadata.name).toMatch(/^kube-proxy-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(fresh.metadata.name).not.toBe(victim.metadata.name);
    expect(fresh.status.phase).toBe("Running");
    expect(fresh.spec.affinity).toEqual({
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["node01"] }] }] } },
    });
    // After the three of the cluster's creation (kubeadm's history), one for the new pod.
    const dsEvents = eventsFor(s, ds).map((e) => [e.reason, e.message, e.source.component]);
    expect(dsEvents).toHaveLength(4);
    expect(dsEvents[3]).toEqual(["SuccessfulCreate", `Created pod: ${fresh.metadata.name}`, "daemonset-controller"]);
    const podEvents = eventsFor(s, fresh).map((e) => `${e.source.component}: ${e.message}`);
    expect(podEvents[0]).toBe(`default-scheduler: Successfully assigned kube-system/${fresh.metadata.name} to node01`);
  });

  it("recreates its pod on a cordoned node, which ordinary pods avoid", () => {
    const { state, random } = cluster(1);
    const ds = dsOf(state, "kube-system/kube-proxy");
    const victim = podsOf(state, ds).find((p) => p.spec.nodeName === "node01")!;
    let s = apply(state, random, T0 + 1000, (tx) => {
      const n = tx.state.nodes.node01;
      const cordon = updateObject(tx, { ...n, spec: { ...n.spec, unschedulable: true } } as unknown as SubmittedObject, { now: T0 + 1000, random });
      if (!cordon.ok) throw new Error(cordon.status.message);
      deleteObject(tx, "pods", "kube-system", victim.metadata.name, { now: T0 + 1000, random });
      create(tx, { apiVersion: "v1", kind: "Pod", metadata: { name: "web" }, spec: { containers: [{ name: "web", image: "nginx" }] } }, T0 + 1000, random);
    });
    s = run(s, random, T0 + 2000, T0 + 10_000);
    expect(nodesOf(s, ds)).toEqual(["controlplane", "node01", "node02"]);
    expect(s.pods["default/web"].spec.nodeName).toBe("node02");
  });

  it.each([
    ["does not place a pod without tolerations on the tainted control plane", {}, ["node01", "node02"], 2],
    ["places a pod tolerating everything on every node", { tolerations: [{ operator: "Exists" }] }, ["controlplane", "node01", "node02"], 3],
    ["places a pod tolerating the control-plane taint on every node", { tolerations: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }] }, ["controlplane", "node01", "node02"], 3],
    ["places pods only on nodes matching the nodeSelector", { nodeSelector: { "kubernetes.io/hostname": "node02" } }, ["node02"], 1],
    ["places no pod when no node matches the nodeSelector", { nodeSelector: { disk: "ssd" } }, [], 0],
  ])("%s", (_, spec, nodes, desired) => {
    const { s } = withDaemonSet(daemonSet("agent", spec));
    const ds = dsOf(s, "default/agent");
    expect(nodesOf(s, ds)).toEqual(nodes);
    expect(ds.status.desiredNumberScheduled).toBe(desired);
    expect(ds.status.numberReady).toBe(desired);
  });

  it("adds the daemon tolerations to its pods, network-unavailable only for host-network ones", () => {
    const keys = (s: ClusterState, key: string) => (podsOf(s, dsOf(s, key))[0].spec.tolerations ?? []).map((t) => `${t.key}:${t.effect}`);
    const plain = withDaemonSet(daemonSet("agent")).s;
    expect(keys(plain, "default/agent")).toEqual([
      "node.kubernetes.io/not-ready:NoExecute",
      "node.kubernetes.io/unreachable:NoExecute",
      "node.kubernetes.io/disk-pressure:NoSchedule",
      "node.kubernetes.io/memory-pressure:NoSchedule",
      "node.kubernetes.io/pid-pressure:NoSchedule",
      "node.kubernetes.io/unschedulable:NoSchedule",
    ]);
    const host = withDaemonSet(daemonSet("agent", { hostNetwork: true })).s;
    expect(keys(host, "default/agent")).toContain("node.kubernetes.io/network-unavailable:NoSchedule");
  });

  it.each([
    ["evicts its pod from a node that gets an untolerated NoExecute taint", "NoExecute", ["node01"], { desired: 1, misscheduled: 0 }],
    ["leaves its pod on a node that gets an untolerated NoSchedule taint, counted as misscheduled", "NoSchedule", ["node01", "node02"], { desired: 1, misscheduled: 1 }],
  ])("%s", (_, effect, nodes, counts) => {
    const { s: settled, random } = withDaemonSet(daemonSet("agent"));
    let s = taint(settled, random, T0 + 20_000, "node02", [{ key: "dedicated", value: "db", effect }]);
    // `sleep infinity` as PID 1 ignores SIGTERM: an evicted pod goes when its 30 s grace period ends.
    s = apply(s, random, T0 + 60_000);
    const ds = dsOf(s, "default/agent");
    expect(nodesOf(s, ds)).toEqual(nodes);
    expect([ds.status.desiredNumberScheduled, ds.status.numberMisscheduled]).toEqual([counts.desired, counts.misscheduled]);
  });

  it("deletes its pods when the DaemonSet is deleted (the garbage collector follows ownerReferences)", () => {
    const { s: settled, random } = withDaemonSet(daemonSet("agent"));
    const ds = dsOf(settled, "default/agent");
    let s = apply(settled, random, T0 + 20_000, (tx) => {
      const r = deleteObject(tx, "daemonsets", "default", "agent", { now: T0 + 20_000, random });
      if (!r.ok) throw new Error(r.status.message);
    });
    s = apply(s, random, T0 + 30_000);
    expect(s.daemonSets?.["default/agent"]).toBeUndefined();
    // The pods are Terminating: `sleep infinity` ignores SIGTERM and is killed when the grace period ends.
    expect(podsOf(s, ds).map((p) => !!p.metadata.deletionTimestamp)).toEqual([true, true]);
    s = apply(s, random, T0 + 60_000);
    expect(podsOf(s, ds)).toEqual([]);
  });

  it("rolls a changed template out one node at a time, up to the new template generation", () => {
    const { s: settled, random } = withDaemonSet(daemonSet("agent"));
    const before = dsOf(settled, "default/agent");
    const next = JSON.parse(JSON.stringify(before)) as DaemonSet;
    next.spec.template.spec.containers[0].image = "busybox:1.36";
    let s = apply(settled, random, T0 + 20_000, (tx) => {
      const r = updateObject(tx, next as unknown as SubmittedObject, { now: T0 + 20_000, random });
      if (!r.ok) throw new Error(r.status.message);
    });
    const ds = dsOf(s, "default/agent");
    expect(ds.metadata.generation).toBe(2);
    expect(ds.metadata.annotations?.["deprecated.daemonset.template.generation"]).toBe("2");
    // Right after the update one pod is on its way out and no new one is ready yet.
    expect(podsOf(s, ds).filter((p) => p.metadata.deletionTimestamp)).toHaveLength(1);
    // Each old pod takes its 30 s grace period to go (`sleep infinity` ignores SIGTERM).
    s = run(s, random, T0 + 21_000, T0 + 120_000);
    const pods = podsOf(s, ds);
    expect(pods.map((p) => [p.spec.nodeName, p.spec.containers[0].image, p.metadata.labels?.["pod-template-generation"]])).toEqual([
      ["node01", "busybox:1.36", "2"],
      ["node02", "busybox:1.36", "2"],
    ]);
    expect(dsOf(s, "default/agent").status.updatedNumberScheduled).toBe(2);
  });

  it("writes nothing once settled, however much time passes", () => {
    const { s, random } = withDaemonSet(daemonSet("agent"), 30);
    const later = apply(s, random, T0 + 3_600_000);
    expect(later.resourceVersion).toBe(s.resourceVersion);
    expect(later.daemonSets).toBe(s.daemonSets);
  });

  it("leaves pods of DaemonSets alone in a session saved before DaemonSets existed", () => {
    const { state, random } = cluster(1);
    const old = { ...state };
    delete old.daemonSets;
    const s = apply(old, random, T0 + 60_000);
    expect(Object.keys(s.pods).filter((k) => k.includes("kube-proxy"))).toHaveLength(3);
  });
});

describe("DaemonSet validation", () => {
  const submit = (spec: Record<string, unknown>) => {
    const { state, random } = cluster(1);
    return apply(state, random, T0, (tx) => {
      const r = createObject(tx, { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "x" }, spec }, { now: T0, random });
      if (!r.ok) throw new Error(r.status.message);
    });
  };
  const template = (labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({ metadata: { labels }, spec: { containers: [{ name: "c", image: "nginx" }], ...extra } });
  it.each([
    ["a missing selector (it matches nothing)", { template: template({ app: "x" }) }, 'DaemonSet.apps "x" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`'],
    [
      "a selector that does not match the template's labels",
      { selector: { matchLabels: { app: "y" } }, template: template({ app: "x" }) },
      'DaemonSet.apps "x" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`',
    ],
    [
      "an empty selector",
      { selector: {}, template: template({ app: "x" }) },
      'DaemonSet.apps "x" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for daemonset',
    ],
    [
      "a restartPolicy other than Always",
      { selector: { matchLabels: { app: "x" } }, template: template({ app: "x" }, { restartPolicy: "Never" }) },
      'DaemonSet.apps "x" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ],
  ])("rejects %s", (_, spec, message) => {
    expect(() => submit(spec)).toThrow(message);
  });

  it("defaults the update strategy and history limit", () => {
    const s = submit({ selector: { matchLabels: { app: "x" } }, template: template({ app: "x" }) });
    const ds = dsOf(s, "default/x");
    expect(ds.spec.updateStrategy).toEqual({ rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: "RollingUpdate" });
    expect(ds.spec.revisionHistoryLimit).toBe(10);
  });

  it("keeps the template generation when only labels change, and refuses a new selector", () => {
    const s = submit({ selector: { matchLabels: { app: "x" } }, template: template({ app: "x" }) });
    const random = createRandom(9);
    const ds = dsOf(s, "default/x");
    apply(s, random, T0 + 1000, (tx) => {
      const relabelled = updateObject(tx, { ...ds, metadata: { ...ds.metadata, labels: { team: "a" } } } as unknown as SubmittedObject, { now: T0 + 1000, random });
      expect(relabelled.ok && relabelled.value.metadata.annotations).toEqual({ "deprecated.daemonset.template.generation": "1" });
      const moved = updateObject(tx, { ...ds, metadata: { ...ds.metadata, resourceVersion: undefined }, spec: { ...ds.spec, selector: { matchLabels: { app: "z" } }, template: { ...ds.spec.template, metadata: { labels: { app: "z" } } } } } as unknown as SubmittedObject, {
        now: T0 + 1000,
        random,
      });
      expect(moved.ok ? "" : moved.status.message).toContain("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"z\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable");
    });
  });
});
