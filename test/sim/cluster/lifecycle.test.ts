import { describe, expect, it } from "vitest";
import { deleteObject, getObject, listObjects, updateObject } from "../../../worker/sim/cluster/api-server.ts";
import { nextTransitionAt } from "../../../worker/sim/cluster/controllers.ts";
import { serviceEnvOf } from "../../../worker/sim/cluster/service-env.ts";
import type { Deployment, Pod, SubmittedObject } from "../../../worker/sim/cluster/types.ts";
import { T0, apply, cluster, create, deployment, pod, statusOf } from "./helpers.ts";

/** STATUS and RESTARTS of one pod at each listed second after its creation. */
function timeline(obj: SubmittedObject, seconds: number[]): string[] {
  const { state, random } = cluster(3);
  let s = apply(state, random, T0, (tx) => create(tx, obj, T0, random));
  const name = obj.metadata!.name!;
  return seconds.map((t) => {
    s = apply(s, random, T0 + t * 1000);
    const p = getObject(s, "pods", "default", name);
    if (!p.ok) return "gone";
    const pd = p.value as Pod;
    return `${statusOf(pd)} ${pd.status.containerStatuses?.[0]?.restartCount ?? 0}`;
  });
}

describe("pod lifecycle over simulated time", () => {
  it.each([
    ["a server image", pod("web", "nginx"), [0, 3, 600], ["ContainerCreating 0", "Running 0", "Running 0"]],
    ["sleep 3600", pod("b", "busybox", { args: ["sleep", "3600"] }), [0, 3, 3000, 3604], ["ContainerCreating 0", "Running 0", "Running 0", "Running 1"]],
    ["sleep infinity", pod("b", "alpine", { command: ["sleep", "infinity"] }), [3, 86400], ["Running 0", "Running 0"]],
    ["tail -f /dev/null", pod("b", "ubuntu", { command: ["tail", "-f", "/dev/null"] }), [3, 86400], ["Running 0", "Running 0"]],
    ["busybox without a command", pod("bb", "busybox"), [0, 2.5, 4, 8, 20, 60], ["ContainerCreating 0", "Completed 1", "CrashLoopBackOff 1", "CrashLoopBackOff 1", "CrashLoopBackOff 2", "CrashLoopBackOff 3"]],
    ["a command that exits, restartPolicy Never", pod("once", "busybox", { command: ["sh", "-c", "echo hi"] }, { restartPolicy: "Never" }), [3, 600], ["Completed 0", "Completed 0"]],
    ["a failing command, restartPolicy OnFailure", pod("f", "busybox", { command: ["sh", "-c", "exit 3"] }, { restartPolicy: "OnFailure" }), [3, 20], ["Error 1", "CrashLoopBackOff 2"]],
    ["an unknown image", pod("bad", "nginxx"), [0, 2.5, 6, 12, 20], ["ContainerCreating 0", "ErrImagePull 0", "ImagePullBackOff 0", "ErrImagePull 0", "ImagePullBackOff 0"]],
  ] as Array<[string, SubmittedObject, number[], string[]]>)("%s", (_what, obj, seconds, expected) => {
    expect(timeline(obj, seconds)).toEqual(expected);
  });

  it("backs off 10s, 20s, 40s ... and caps at 5 minutes", () => {
    const { state, random } = cluster(3);
    let s = apply(state, random, T0, (tx) => create(tx, pod("bb", "busybox"), T0, random));
    const restarts: number[] = [];
    for (let t = 0; t <= 1800; t += 1) {
      s = apply(s, random, T0 + t * 1000);
      const p = s.pods["default/bb"];
      const n = p.status.containerStatuses?.[0]?.restartCount ?? 0;
      if (n !== restarts.length) restarts.push(t);
    }
    const gaps = restarts.slice(1).map((t, i) => t - restarts[i]);
    // The first restart is immediate; then the back-off doubles from 10s, counted from the exit.
    expect(gaps.slice(0, 6)).toEqual([10, 20, 40, 80, 160, 300]);
    expect(gaps.at(-1)).toBe(300);
  });

  it("shows Terminating for a couple of seconds, then the pod is gone", () => {
    const { state, random } = cluster(3);
    let s = apply(state, random, T0, (tx) => create(tx, pod("web", "nginx"), T0, random));
    s = apply(s, random, T0 + 5000, (tx) => {
      const r = deleteObject(tx, "pods", "default", "web", { now: T0 + 5000, random });
      expect(r.ok && (r.value as Pod).metadata.deletionTimestamp).toBe("2026-01-01T12:00:35Z");
    });
    expect(statusOf(s.pods["default/web"])).toBe("Terminating");
    s = apply(s, random, T0 + 8100);
    expect(s.pods["default/web"]).toBeUndefined();
    expect(s.podRuntime["default/web"]).toBeUndefined();
  });

  it("replaces a Deployment's deleted pod with a new name and a new IP", () => {
    const { state, random } = cluster(4);
    let s = apply(state, random, T0, (tx) => create(tx, deployment("web", 2), T0, random));
    s = apply(s, random, T0 + 5000);
    const before = listObjects(s, "pods", "default") as Pod[];
    expect(before.map((p) => p.metadata.name)).toEqual(before.map((p) => expect.stringMatching(/^web-[bcdfghjklmnpqrstvwxz2456789]{1,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/)));
    expect(new Set(before.map((p) => p.spec.nodeName))).toEqual(new Set(["node01", "node02"]));
    const victim = before[0];
    s = apply(s, random, T0 + 6000, (tx) => void deleteObject(tx, "pods", "default", victim.metadata.name, { now: T0 + 6000, random }));
    s = apply(s, random, T0 + 20_000);
    const after = listObjects(s, "pods", "default") as Pod[];
    expect(after).toHaveLength(2);
    const fresh = after.find((p) => p.metadata.name !== before[1].metadata.name)!;
    expect(fresh.metadata.name).not.toBe(victim.metadata.name);
    expect(fresh.status.podIP).not.toBe(victim.status.podIP);
    expect(statusOf(fresh)).toBe("Running");
    const d = s.deployments["default/web"];
    expect(d.status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 });
  });

  it("rolls out a restart with a new ReplicaSet and scales the old one down", () => {
    const { state, random } = cluster(5);
    let s = apply(state, random, T0, (tx) => create(tx, deployment("web", 2), T0, random));
    s = apply(s, random, T0 + 5000);
    const oldRs = Object.keys(s.replicaSets).find((k) => k.startsWith("default/web-"))!;
    s = apply(s, random, T0 + 6000, (tx) => {
      const d = tx.state.deployments["default/web"] as Deployment;
      const template = { ...d.spec.template, metadata: { ...d.spec.template.metadata, annotations: { "kubectl.kubernetes.io/restartedAt": "2026-01-01T12:00:06Z" } } };
      expect(updateObject(tx, { ...d, spec: { ...d.spec, template } }, { now: T0 + 6000, random }).ok).toBe(true);
    });
    // maxSurge 25% of 2 (rounded up) is 1 and maxUnavailable (rounded down) 0, so at most 3 pods
    // at a time: one new pod, then an old one goes once it is available, twice.
    let most = 0;
    for (let t = T0 + 7000; t <= T0 + 40_000; t += 1000) {
      s = apply(s, random, t);
      const counts = Object.values(s.replicaSets).filter((r) => r.metadata.namespace === "default").reduce((n, r) => n + r.spec.replicas, 0);
      most = Math.max(most, counts);
    }
    expect(most).toBe(3);
    const rss = Object.values(s.replicaSets).filter((r) => r.metadata.namespace === "default");
    expect(rss).toHaveLength(2);
    expect(s.replicaSets[oldRs].spec.replicas).toBe(0);
    const current = rss.find((r) => r.spec.replicas === 2)!;
    expect(current.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("2");
    expect((listObjects(s, "pods", "default") as Pod[]).every((p) => p.metadata.labels?.["pod-template-hash"] === current.metadata.labels?.["pod-template-hash"])).toBe(true);
  });

  it("records the Services that existed when a pod started as environment variables", () => {
    const { state, random } = cluster(6);
    let s = apply(state, random, T0, (tx) => {
      create(tx, { apiVersion: "v1", kind: "Service", metadata: { name: "my-db" }, spec: { ports: [{ name: "sql", port: 5432 }] } }, T0, random);
      create(tx, pod("app", "nginx"), T0, random);
    });
    s = apply(s, random, T0 + 3000);
    const ip = s.services["default/my-db"].spec.clusterIP;
    expect(serviceEnvOf(s, s.podRuntime["default/app"])).toMatchObject({
      MY_DB_SERVICE_HOST: ip,
      MY_DB_SERVICE_PORT: "5432",
      MY_DB_SERVICE_PORT_SQL: "5432",
      MY_DB_PORT: `tcp://${ip}:5432`,
      MY_DB_PORT_5432_TCP: `tcp://${ip}:5432`,
      MY_DB_PORT_5432_TCP_PROTO: "tcp",
      MY_DB_PORT_5432_TCP_PORT: "5432",
      MY_DB_PORT_5432_TCP_ADDR: ip,
      KUBERNETES_SERVICE_HOST: "10.96.0.1",
      KUBERNETES_SERVICE_PORT: "443",
    });
  });

  it("tells when the next status change is due, and then only the probe workers' ticks", () => {
    const { state, random } = cluster(7);
    let s = apply(state, random, T0, (tx) => create(tx, pod("web", "nginx"), T0, random));
    const due = nextTransitionAt(s)!;
    expect(due).toBeGreaterThanOrEqual(T0 + 1000);
    expect(due).toBeLessThan(T0 + 2000);
    s = apply(s, random, due);
    expect(statusOf(s.pods["default/web"])).toBe("Running");
    // A pod without probes has nothing more to do; CoreDNS's liveness and readiness workers tick on.
    expect(s.podRuntime["default/web"].nextAt).toBeUndefined();
    const next = nextTransitionAt(s)!;
    const ticking = Object.entries(s.podRuntime).filter(([, r]) => r.nextAt === next).map(([key]) => key);
    expect(ticking.length).toBeGreaterThan(0);
    expect(ticking.every((key) => key.startsWith("kube-system/coredns-"))).toBe(true);
  });
});
