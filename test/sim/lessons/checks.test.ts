import { describe, expect, it } from "vitest";
import type { ClusterState } from "../../../worker/sim/cluster/types.ts";
import type { RouteTrace } from "../../../worker/sim/net/trace.ts";
import { advanceLesson, startLesson } from "../../../worker/sim/lessons/progress.ts";
import { validateLesson, type Check, type Lesson } from "../../../worker/sim/lessons/schema.ts";
import { createSession, execute, tick } from "../../../worker/sim/engine.ts";
import { cluster, pod, service, trace } from "./fixtures.ts";

function lessonOf(check: unknown): Lesson {
  const result = validateLesson({ id: "t", title: "T", summary: "S", steps: [{ id: "only", title: "Only", text: "x", check }], solution: ["true"] });
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.lesson;
}

/** Starts the one-step lesson on `before`, then runs commands that each leave a state and traces. */
function evaluate(check: unknown, after: ClusterState, commands: RouteTrace[][] = [[]], before: ClusterState = after) {
  const lesson = lessonOf(check);
  let { progress } = startLesson(lesson, { cluster: before });
  let last;
  for (const traces of commands) {
    last = advanceLesson(lesson, progress, { cluster: after }, { traces });
    progress = last.progress;
  }
  return { passed: last!.events.some((e) => e.type === "step-completed"), explanation: last!.status?.explanation ?? "", events: last!.events };
}

const nginxPod = pod("nginx", { ip: "10.244.1.5" });
const nodePortSvc = service("nginx", { type: "NodePort", clusterIP: "10.96.20.30", ports: [{ port: 8080, targetPort: 80, nodePort: 30080 }] });
const seeded = cluster({ pods: [nginxPod], services: [nodePortSvc] });
const nodePortCheck: Check = { object: { kind: "Service", name: "nginx", fields: { "spec.type": "NodePort", "spec.selector": { run: "nginx" }, "spec.ports[0].targetPort": 80 } } };

describe("object checks", () => {
  it.each<[string, unknown, ClusterState, boolean, string | RegExp]>([
    ["passes when the service has the fields", nodePortCheck, seeded, true, ""],
    ["explains a missing object", nodePortCheck, cluster(), false, "there is no service nginx in namespace default"],
    [
      "explains a field that differs",
      nodePortCheck,
      cluster({ services: [service("nginx", { ports: [{ port: 8080, targetPort: 8080 }] })] }),
      false,
      "service nginx: spec.type is ClusterIP, not NodePort; spec.ports[0].targetPort is 8080, not 80",
    ],
    ["matches a selector map as a subset", { object: { kind: "Service", name: "nginx", fields: { "spec.selector": { run: "ngnix" } } } }, seeded, false, "service nginx: spec.selector is run=nginx, not run=ngnix"],
    ["explains a pod that is not ready", { object: { kind: "Pod", name: "web", ready: true } }, cluster({ pods: [pod("web", { ready: false, waiting: "ImagePullBackOff" })] }), false, "pod web: it is not ready: its status is ImagePullBackOff"],
    ["passes a ready pod found by labels", { object: { kind: "Pod", selector: { run: "nginx" }, ready: true } }, seeded, true, ""],
    ["explains no pod with the labels", { object: { kind: "Pod", selector: { app: "web" } } }, seeded, false, "there are no pods with labels app=web"],
    [
      "counts exactly",
      { object: { kind: "Pod", selector: { app: "web" }, count: 3 } },
      cluster({ pods: [pod("a", { labels: { app: "web" } }), pod("b", { labels: { app: "web" } })] }),
      false,
      "there are 2 pods with labels app=web, expected 3",
    ],
    ["treats a pod being deleted as gone", { object: { kind: "Pod", name: "x" } }, cluster({ pods: [pod("x", { deleting: true })] }), false, "pod x is being deleted"],
    ["uses operators", { object: { kind: "Service", name: "nginx", fields: { "spec.ports[0].nodePort": { $gte: 30000, $lte: 32767 } } } }, seeded, true, ""],
    ["matches any element with [*]", { object: { kind: "Service", name: "nginx", fields: { "spec.ports[*].port": 8080 } } }, seeded, true, ""],
  ])("%s", (_name, check, state, passed, explanation) => {
    const result = evaluate(check, state);
    expect(result.passed).toBe(passed);
    if (!passed) expect(result.explanation).toMatch(explanation);
  });
});

describe("endpoints checks", () => {
  it.each<[string, unknown, ClusterState, boolean, string]>([
    ["passes with a ready selected pod", { endpoints: { service: "nginx" } }, seeded, true, ""],
    [
      "explains a selector that matches nothing",
      { endpoints: { service: "nginx" } },
      cluster({ pods: [nginxPod], services: [service("nginx", { selector: { run: "ngnix" } })] }),
      false,
      "the service nginx has no endpoints: its selector run=ngnix matches no pod (pod nginx has run=nginx)",
    ],
    [
      "explains a selected pod that is not ready",
      { endpoints: { service: "web" } },
      cluster({ pods: [pod("web", { ready: false, waiting: "ImagePullBackOff", ip: "10.244.1.9" })], services: [service("web")] }),
      false,
      "the service web has no endpoints: its selector run=web matches 1 pod: pod web is not ready (ImagePullBackOff)",
    ],
    [
      "explains a named targetPort the pod does not have",
      { endpoints: { service: "web" } },
      cluster({ pods: [pod("web", { ip: "10.244.1.9" })], services: [service("web", { ports: [{ port: 80, targetPort: "http" }] })] }),
      false,
      "pod web has no container port named http",
    ],
    ["explains a missing service", { endpoints: { service: "db" } }, seeded, false, "there is no service db in namespace default"],
    [
      "wants a minimum",
      { endpoints: { service: "web", min: 3 } },
      cluster({ pods: [pod("a", { labels: { app: "web" }, ip: "10.244.1.2" }), pod("b", { labels: { app: "web" }, ip: "10.244.2.2" })], services: [service("web", { selector: { app: "web" } })] }),
      false,
      "the service web has 2 endpoints: 10.244.1.2:80, 10.244.2.2:80; expected at least 3 (its selector app=web matches 2 pods, all of them ready)",
    ],
    [
      "names the pods that are not ready yet when there are too few endpoints",
      { endpoints: { service: "web", min: 2 } },
      cluster({ pods: [pod("a", { labels: { app: "web" }, ip: "10.244.1.2" }), pod("b", { labels: { app: "web" }, ready: false, waiting: "ContainerCreating", ip: "10.244.2.2" })], services: [service("web", { selector: { app: "web" } })] }),
      false,
      "the service web has 1 endpoint: 10.244.1.2:80; expected at least 2 (its selector app=web matches 2 pods: pod b is not ready (ContainerCreating))",
    ],
  ])("%s", (_name, check, state, passed, explanation) => {
    const result = evaluate(check, state);
    expect(result.passed).toBe(passed);
    if (!passed) expect(result.explanation).toContain(explanation);
  });
});

describe("object checks on PersistentVolumeClaims", () => {
  // The claims a StatefulSet's volumeClaimTemplates make, bound by local-path once their pod is
  // scheduled; a claim no pod uses waits (WaitForFirstConsumer).
  it("passes a bound claim and names the phase of one that waits", () => {
    let now = Date.UTC(2026, 0, 5, 9, 0, 0);
    let state = createSession({ seed: 1, now });
    const claim = (name: string) => `{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"${name}"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}`;
    for (const command of [
      `echo '${claim("data")}' | kubectl apply -f -`,
      `echo '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"user"},"spec":{"containers":[{"name":"c","image":"nginx","volumeMounts":[{"name":"d","mountPath":"/data"}]}],"volumes":[{"name":"d","persistentVolumeClaim":{"claimName":"data"}}]}}' | kubectl apply -f -`,
      `echo '${claim("unused")}' | kubectl apply -f -`,
    ]) {
      now += 1_000;
      state = execute(state, command, { now }).state;
    }
    now += 20_000;
    state = tick(state, now);
    expect(evaluate({ object: { kind: "PersistentVolumeClaim", name: "data", fields: { "status.phase": "Bound" } } }, state.cluster).passed).toBe(true);
    const waiting = evaluate({ object: { kind: "PersistentVolumeClaim", name: "unused", fields: { "status.phase": "Bound" } } }, state.cluster);
    expect(waiting).toMatchObject({ passed: false, explanation: "persistentvolumeclaim unused: status.phase is Pending, not Bound" });
  });
});

describe("request checks", () => {
  const outside = { kind: "workstation" as const, name: "workstation", ip: "192.168.56.1" };
  const fromPod = { kind: "pod" as const, name: "default/app", ip: "10.244.2.7" };
  const answered = trace({ host: "192.168.56.12", port: 30080, pod: "nginx" });
  const refused = trace({ host: "192.168.56.11", port: 30080, verdict: "refused", reason: "Service default/nginx has no endpoints: kube-proxy REJECTs the connection." });
  const podFromOutside = trace({ host: "10.244.1.5", port: 80, verdict: "timed-out", reason: "Pod IPs are not routable outside the cluster." });

  it.each<[string, unknown, RouteTrace[][], boolean, string]>([
    ["passes a NodePort answered on any node", { request: { from: "workstation", to: { kind: "nodePort", service: "nginx" }, verdict: "answered", status: 200 } }, [[answered]], true, ""],
    ["explains that no such request was made", { request: { from: "workstation", to: "nodePort", verdict: "answered" } }, [[]], false, "no request from the workstation (outside the cluster) to a node's IP at the NodePort so far in this lesson"],
    [
      "explains the last request's verdict",
      { request: { from: "workstation", to: "nodePort", verdict: "answered", status: 200 } },
      [[refused]],
      false,
      "curl 192.168.56.11:30080 was refused: service default/nginx has no endpoints",
    ],
    ["passes a pod IP timing out from outside", { request: { from: "workstation", to: "podIP", verdict: "timed-out" } }, [[podFromOutside]], true, ""],
    ["does not count a request of another shape", { request: { from: "pod", to: "podIP", verdict: "timed-out" } }, [[podFromOutside]], false, "no request from a pod to a pod IP"],
    [
      "matches a service by its DNS name from a named pod",
      { request: { from: { kind: "pod", name: "app" }, to: { kind: "name", service: "nginx" }, verdict: "answered" } },
      [[trace({ from: fromPod, host: "nginx.default.svc.cluster.local", port: 8080, pod: "nginx" })]],
      true,
      "",
    ],
    ["matches a ClusterIP", { request: { from: "pod", to: { kind: "clusterIP", service: "nginx", port: 8080 } } }, [[trace({ from: fromPod, host: "10.96.20.30", port: 8080, pod: "nginx" })]], true, ""],
    ["explains a wrong status", { request: { to: { kind: "service", service: "nginx" }, status: 200 } }, [[trace({ host: "192.168.56.11", port: 30080, status: 404, pod: "nginx" })]], false, "was answered with status 404"],
    ["counts requests", { request: { to: "nodePort", verdict: "answered", count: 3 } }, [[answered], [answered]], false, "2 of 3 requests answered so far"],
    [
      "wants requests spread over pods",
      { request: { to: "nodePort", verdict: "answered", distinctPods: 2 } },
      [[answered, answered]],
      false,
      "2 answered requests reached only pod nginx; expected at least 2 different pods",
    ],
    [
      "passes when requests reached two pods",
      { request: { to: "nodePort", verdict: "answered", distinctPods: 2 } },
      [[answered, trace({ host: "192.168.56.11", port: 30080, pod: "nginx-2" })]],
      true,
      "",
    ],
    [
      "wants the last requests on one pod",
      { request: { to: "nodePort", verdict: "answered", samePod: true, count: 2 } },
      [[answered, trace({ host: "192.168.56.11", port: 30080, pod: "nginx-2" })]],
      false,
      "the last 2 answered requests reached 2 different pods (nginx, nginx-2)",
    ],
    ["passes sticky requests", { request: { to: "nodePort", verdict: "answered", samePod: true, count: 3 } }, [[answered], [answered, answered]], true, ""],
  ])("%s", (_name, check, commands, passed, explanation) => {
    const result = evaluate(check, seeded, commands);
    expect(result.passed).toBe(passed);
    if (!passed) expect(result.explanation).toContain(explanation);
  });

  describe("to a load-balancer address", () => {
    const lb = service("web", { type: "LoadBalancer", clusterIP: "10.96.30.40", ports: [{ port: 80, targetPort: 80, nodePort: 31000 }] });
    lb.status = { loadBalancer: { ingress: [{ ip: "192.168.56.200", ipMode: "VIP" }] } };
    const withLB = cluster({ pods: [pod("web", { ip: "10.244.1.9" })], services: [nodePortSvc, lb] });
    const viaLB = trace({ host: "192.168.56.200", port: 80, pod: "web" });
    const unannounced = trace({ host: "192.168.56.200", port: 80, verdict: "timed-out", reason: "No node answers ARP for 192.168.56.200.", cause: "not-announced" });

    it.each<[string, unknown, RouteTrace[][], boolean, string]>([
      ["matches the Service's EXTERNAL-IP", { request: { from: "workstation", to: { kind: "loadBalancer", service: "web" }, verdict: "answered" } }, [[viaLB]], true, ""],
      ["matches any load-balancer address", { request: { to: "loadBalancer", verdict: "answered" } }, [[viaLB]], true, ""],
      ["counts it as a request to the Service", { request: { to: { kind: "service", service: "web" }, verdict: "answered" } }, [[viaLB]], true, ""],
      ["does not take another Service's address", { request: { to: { kind: "loadBalancer", service: "nginx" } } }, [[viaLB]], false, "no request to the load-balancer IP (EXTERNAL-IP) of service nginx so far"],
      ["does not take the NodePort of the same Service", { request: { to: { kind: "loadBalancer", service: "web" }, verdict: "answered" } }, [[trace({ host: "192.168.56.11", port: 31000, pod: "web" })]], false, "no request to the load-balancer IP (EXTERNAL-IP) of service web so far in this lesson"],
      ["names why the address did not answer", { request: { to: { kind: "loadBalancer", service: "web" }, verdict: "answered" } }, [[unannounced]], false, "curl 192.168.56.200:80 timed out: no node answers ARP"],
    ])("%s", (_name, check, commands, passed, explanation) => {
      const result = evaluate(check, withLB, commands);
      expect(result.passed).toBe(passed);
      if (!passed) expect(result.explanation).toContain(explanation);
    });

    it("reports not-announced as the mistake", () => {
      const lesson = lessonOf({ request: { to: { kind: "loadBalancer", service: "web" }, verdict: "answered" } });
      const { progress } = startLesson(lesson, { cluster: withLB });
      expect(advanceLesson(lesson, progress, { cluster: withLB }, { traces: [unannounced] }).status?.mistakes).toEqual(["not-announced"]);
    });
  });

  it("remembers a request from an earlier command of the same step", () => {
    const lesson = lessonOf({ allOf: [{ request: { to: "nodePort", verdict: "answered" } }, { object: { kind: "Pod", name: "db" } }] });
    let { progress } = startLesson(lesson, { cluster: seeded });
    const first = advanceLesson(lesson, progress, { cluster: seeded }, { traces: [answered] });
    expect(first.events).toEqual([]);
    expect(first.status?.explanation).toBe("there is no pod db in namespace default");
    progress = first.progress;
    const withDb = cluster({ pods: [nginxPod, pod("db", { ip: "10.244.2.3" })], services: [nodePortSvc] });
    const second = advanceLesson(lesson, progress, { cluster: withDb }, { traces: [refused] });
    expect(second.events.map((e) => e.type)).toEqual(["step-completed", "lesson-completed"]);
  });

  it("uses the trace's source kind", () => {
    const fromNode = trace({ from: { kind: "node", name: "node01", ip: "192.168.56.11" }, host: "10.96.20.30", port: 8080, pod: "nginx" });
    expect(evaluate({ request: { from: { kind: "node", name: "node01" }, to: "clusterIP", verdict: "answered" } }, seeded, [[fromNode]]).passed).toBe(true);
    expect(evaluate({ request: { from: { kind: "node", name: "node02" }, to: "clusterIP" } }, seeded, [[fromNode]]).passed).toBe(false);
    expect(outside.kind).toBe("workstation");
  });
});

describe("changed checks", () => {
  const check = { changed: { kind: "Pod", name: "db", field: "status.podIP" } };
  const before = cluster({ pods: [pod("db", { ip: "10.244.1.5" })] });

  it("passes when the value differs from the step's start", () => {
    const result = evaluate(check, cluster({ pods: [pod("db", { ip: "10.244.2.8" })] }), [[]], before);
    expect(result.passed).toBe(true);
  });
  it.each<[string, ClusterState, string]>([
    ["the value is the same", before, "pod db still has status.podIP 10.244.1.5, as when this step started"],
    ["the object is gone", cluster(), "there is no pod db now"],
    ["the new object has no value yet", cluster({ pods: [pod("db", { ready: false })] }), "pod db has no status.podIP yet"],
  ])("fails when %s", (_name, after, explanation) => {
    const result = evaluate(check, after, [[]], before);
    expect(result.passed).toBe(false);
    expect(result.explanation).toBe(explanation);
  });
});

describe("combinators", () => {
  const yes = { object: { kind: "Pod", name: "nginx" } };
  const no = { object: { kind: "Pod", name: "db" } };
  it.each<[string, unknown, boolean, string]>([
    ["allOf passes when all pass", { allOf: [yes, yes] }, true, ""],
    ["allOf lists what fails", { allOf: [yes, no, { endpoints: { service: "db" } }] }, false, "there is no pod db in namespace default; and there is no service db in namespace default"],
    ["anyOf passes when one passes", { anyOf: [no, yes] }, true, ""],
    ["anyOf explains every alternative", { anyOf: [no, { object: { kind: "Service", name: "db" } }] }, false, "none of these holds yet: there is no pod db in namespace default; or there is no service db in namespace default"],
    ["allOf says a shared reason once", { allOf: [{ object: { kind: "Service", name: "db" } }, { endpoints: { service: "db" } }] }, false, "there is no service db in namespace default"],
    ["anyOf says a shared reason once, without 'none of these'", { anyOf: [no, no] }, false, "there is no pod db in namespace default"],
    ["not passes when the inner fails", { not: no }, true, ""],
    ["not says what should not be so", { not: yes }, false, "this should not be so, but pod nginx exists"],
  ])("%s", (_name, check, passed, explanation) => {
    const result = evaluate(check, seeded);
    expect(result.passed).toBe(passed);
    if (!passed) expect(result.explanation).toBe(explanation);
  });
});
