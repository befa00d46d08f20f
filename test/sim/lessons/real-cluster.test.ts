// The checks against the real simulator: traces and objects as kubectl, the cluster and the data
// plane produce them, with the explanations a learner would read.
import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";
import { advanceLesson, startLesson, type AdvanceResult } from "../../../worker/sim/lessons/progress.ts";
import { resolvePlaceholders } from "../../../worker/sim/lessons/solution.ts";
import { validateLesson, type Lesson } from "../../../worker/sim/lessons/schema.ts";
import { findBuiltinLesson } from "../../../worker/sim/lessons/builtin.ts";
import { fittingHints } from "../../../worker/sim/lessons/hints.ts";

function lessonOf(check: unknown): Lesson {
  const result = validateLesson({ id: "t", title: "T", summary: "S", steps: [{ id: "only", title: "Only", text: "x", check }], solution: ["true"] });
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.lesson;
}

/** Runs setup commands, starts a one-step lesson, runs the step's commands; returns the last advance. */
function play(check: unknown, setup: string[], commands: string[]): { last: AdvanceResult; outputs: string[]; events: string[] } {
  let now = Date.UTC(2026, 0, 5, 9);
  let state: SessionState = createSession({ seed: 7, now });
  const run = (command: string) => {
    now += 5_000;
    const filled = resolvePlaceholders(command, state.cluster);
    if (!filled.ok) throw new Error(filled.error);
    const result = execute(state, filled.command, { now });
    state = result.state;
    return result;
  };
  for (const command of setup) run(command);
  const lesson = lessonOf(check);
  let last = startLesson(lesson, state);
  const outputs: string[] = [];
  const events: string[] = [];
  for (const command of commands) {
    const result = run(command);
    outputs.push(result.output);
    last = advanceLesson(lesson, last.progress, state, result);
    events.push(...last.events.map((e) => e.type));
  }
  return { last, outputs, events };
}

const nginx = ["kubectl run nginx --image=nginx", "kubectl get pods"];

describe("checks on the simulated cluster", () => {
  it("explain a selector that matches no pod", () => {
    const { last } = play({ endpoints: { service: "nginx" } }, nginx, ["kubectl expose pod nginx --port 80 --selector run=ngnix"]);
    expect(last.status?.explanation).toBe("the service nginx has no endpoints: its selector run=ngnix matches no pod (pod nginx has run=nginx)");
  });

  it("explain a refused NodePort with the data plane's reason", () => {
    const { last, outputs } = play(
      { request: { from: "workstation", to: { kind: "nodePort", service: "nginx" }, verdict: "answered", status: 200 } },
      [...nginx, "kubectl expose pod nginx --port 8080 --target-port 80 --type NodePort", "kubectl label pod nginx run-"],
      ["curl http://{{nodeIP node01}}:{{nodePort nginx}}"],
    );
    expect(outputs[0]).toMatch(/^curl: \(7\) Failed to connect to 192\.168\.56\.11 port \d+/);
    expect(last.status?.explanation).toMatch(/^curl 192\.168\.56\.11:\d+ was refused: .+/);
  });

  it("explain a pod that cannot pull its image", () => {
    const { last } = play({ object: { kind: "Pod", name: "shop", ready: true } }, [], ["kubectl run shop --image=ngnix", "kubectl get pods", "kubectl get pods"]);
    expect(last.status?.explanation).toMatch(/^pod shop: it is not ready: its status is (ErrImagePull|ImagePullBackOff)$/);
  });

  it.each([
    ["client", true],
    ["someone-else", false],
  ])("recognise pod %s calling a Service by name, and the pods that answered", (from, completes) => {
    const { events } = play(
      { request: { from: { kind: "pod", name: from }, to: { kind: "name", service: "nginx" }, verdict: "answered", status: 200, distinctPods: 2 } },
      ["kubectl create deployment nginx --image=nginx --replicas=2", "kubectl expose deployment nginx --port 80", "kubectl run client --image=curlimages/curl -- sleep 3600", "kubectl get pods"],
      Array.from({ length: 12 }, () => "kubectl exec client -- curl -s http://nginx"),
    );
    expect(events.includes("step-completed")).toBe(completes);
  });

  it("see a pod IP time out from outside and answer from a node", () => {
    const check = { allOf: [{ request: { from: "workstation", to: { kind: "podIP", pod: "nginx" }, verdict: "timed-out" } }, { request: { from: { kind: "node", name: "node02" }, to: "podIP", verdict: "answered" } }] };
    const { last } = play(check, nginx, ["curl -m 2 http://{{podIP nginx}}", "ssh node02", "curl http://{{podIP nginx}}"]);
    expect(last.events.map((e) => e.type)).toEqual(["step-completed", "lesson-completed"]);
  });

  it("watch a recreated pod's IP change", () => {
    const { events } = play({ changed: { kind: "Pod", name: "db", field: "status.podIP" } }, ["kubectl run db --image=redis", "kubectl get pods"], [
      "kubectl delete pod db",
      "kubectl run db --image=redis",
      "kubectl get pods -o wide",
    ]);
    expect(events).toEqual(["step-completed", "lesson-completed"]);
  });
});

describe("the seed lesson's expose step: each mistake gets a sentence naming it and the hint that fits", () => {
  const seed = findBuiltinLesson("services-nodeport")!;
  const expose = seed.steps.find((s) => s.id === "expose-nodeport")!;
  const nginx = ["kubectl run nginx --image=nginx", "sleep 5"];

  it.each<[string, string, string, string]>([
    ["no --type NodePort", "kubectl expose pod nginx --port 8080 --target-port 80", "service nginx: spec.type is ClusterIP, not NodePort", "spec.type"],
    ["a wrong targetPort", "kubectl expose pod nginx --port 8080 --target-port 8080 --type NodePort", "service nginx: spec.ports[0].targetPort is 8080, not 80", "spec.ports[0].targetPort"],
    ["a wrong port", "kubectl expose pod nginx --port 80 --target-port 80 --type NodePort", "service nginx: spec.ports[0].port is 80, not 8080", "spec.ports[0].port"],
    [
      "the lecture's --name nginx-svc",
      "kubectl expose pod nginx --name nginx-svc --port 8080 --target-port 80 --type NodePort",
      "service nginx-svc is right except its name: this step needs the name nginx (the next steps use it)",
      "name",
    ],
  ])("%s", (_name, command, sentence, mistake) => {
    const { last } = play(expose.check, nginx, [command]);
    expect(last.status).toMatchObject({ passed: false, explanation: sentence, mistakes: [mistake] });
    const hints = fittingHints(expose, last.status);
    expect(hints).toEqual([expose.hintsWhen![mistake]]);
  });

  it("a wrong targetPort gets the targetPort hint, not the --type NodePort one", () => {
    const { last } = play(expose.check, nginx, ["kubectl expose pod nginx --port 8080 --target-port 8080 --type NodePort"]);
    const [hint] = fittingHints(expose, last.status);
    expect(hint).toContain("--target-port 80");
    expect(hint).not.toContain("--type NodePort");
  });

  it("two mistakes at once name both, with both hints", () => {
    const { last } = play(expose.check, nginx, ["kubectl expose pod nginx --port 8080 --target-port 8080"]);
    expect(last.status?.explanation).toBe("service nginx: spec.type is ClusterIP, not NodePort; spec.ports[0].targetPort is 8080, not 80");
    expect(fittingHints(expose, last.status)).toEqual([expose.hintsWhen!["spec.type"], expose.hintsWhen!["spec.ports[0].targetPort"]]);
  });

  it("a curl through a Service with a wrong targetPort names the port nobody listens on", () => {
    const curlStep = seed.steps.find((s) => s.id === "curl-the-nodeport")!;
    const { last } = play(curlStep.check, [...nginx, "kubectl expose pod nginx --port 8080 --target-port 8080 --type NodePort"], ["curl http://{{nodeIP node01}}:{{nodePort nginx}}"]);
    expect(last.status?.explanation).toMatch(/^curl 192\.168\.56\.11:\d+ was refused: no process in pod default\/nginx listens on port 8080 \(it listens on 80\)/);
  });
});

describe("the seed lesson's request steps: a failed request's cause picks the hint", () => {
  const seed = findBuiltinLesson("services-nodeport")!;
  const step = (id: string) => seed.steps.find((s) => s.id === id)!;
  const exposed = ["kubectl run nginx --image=nginx", "sleep 5", "kubectl expose pod nginx --port 8080 --target-port 80 --type NodePort"];

  it.each<[string, string[], string, RegExp, string]>([
    ["a wrong targetPort", ["kubectl run nginx --image=nginx", "sleep 5", "kubectl expose pod nginx --port 8080 --target-port 8080 --type NodePort"], "curl http://{{nodeIP node01}}:{{nodePort nginx}}", /^curl 192\.168\.56\.11:\d+ was refused: no process in pod default\/nginx listens on port 8080/, "port-closed"],
    ["a Service without endpoints", [...exposed, "kubectl label pod nginx run-"], "curl http://{{nodeIP node01}}:{{nodePort nginx}}", /^curl 192\.168\.56\.11:\d+ was refused: /, "no-endpoints"],
    [
      "the Service port on a node's IP",
      exposed,
      "curl http://{{nodeIP node01}}:8080",
      /^no request from the workstation \(outside the cluster\) to a node's IP at the NodePort of service nginx so far in this lesson; the last request near it, curl 192\.168\.56\.11:8080 was refused: nothing on node01 listens on port 8080, so its kernel answers with a TCP reset\.$/,
      "node-port-closed",
    ],
  ])("%s", (_name, setup, command, sentence, cause) => {
    const curl = step("curl-the-nodeport");
    const { last } = play(curl.check, setup, [command]);
    expect(last.status).toMatchObject({ passed: false, mistakes: [cause] });
    expect(last.status?.explanation).toMatch(sentence);
    expect(fittingHints(curl, last.status)).toEqual([curl.hintsWhen![cause]]);
  });

  it("the NodePort on a ClusterIP from a node gets the ClusterIP hint", () => {
    const inside = step("clusterip-from-inside");
    const { last } = play(inside.check, exposed, ["curl -m 2 http://{{clusterIP nginx}}:8080", "ssh node01", "curl -m 2 http://{{clusterIP nginx}}:{{nodePort nginx}}"]);
    expect(last.status?.mistakes).toEqual(["no-service-port"]);
    expect(fittingHints(inside, last.status)).toEqual([inside.hintsWhen!["no-service-port"]]);
  });

  it("a request that answered as the step wants completes it; a near miss before it does not stay in the way", () => {
    const curl = step("curl-the-nodeport");
    const { events } = play(curl.check, exposed, ["curl http://{{nodeIP node01}}:8080", "curl http://{{nodeIP node01}}:{{nodePort nginx}}"]);
    expect(events).toContain("step-completed");
  });
});

describe("the LoadBalancer and ExternalName lesson: each likely mistake gets the hint that fits", () => {
  const lesson = findBuiltinLesson("loadbalancer-externalname")!;
  const step = (id: string) => lesson.steps.find((s) => s.id === id)!;
  const web = ["kubectl create deployment web --image=nginx", "sleep 5"];
  const exposed = [...web, "kubectl expose deployment web --port 80 --type LoadBalancer", "sleep 5"];

  it.each<[string, string, string[], string[], string[], RegExp]>([
    ["a ClusterIP Service instead of a LoadBalancer", "expose-loadbalancer", web, ["kubectl expose deployment web --port 80"], ["spec.type", "status.loadBalancer.ingress[0].ip"], /^service web: spec\.type is ClusterIP, not LoadBalancer/],
    ["no MetalLB, so EXTERNAL-IP stays <pending>", "expose-loadbalancer", ["kubectl delete ns metallb-system", ...web], ["kubectl expose deployment web --port 80 --type LoadBalancer", "sleep 5"], ["status.loadBalancer.ingress[0].ip"], /status\.loadBalancer\.ingress\[0\]\.ip/],
    ["the EXTERNAL-IP with no pod behind it", "curl-external-ip", [...exposed, "kubectl scale deployment web --replicas 0", "sleep 5"], ["curl -m 2 http://{{externalIP web}}"], ["not-announced"], /^curl 192\.168\.56\.200:80 timed out: /],
    ["the EXTERNAL-IP at the NodePort", "curl-external-ip", exposed, ["curl -m 2 http://{{externalIP web}}:{{nodePort web}}"], ["no-service-port"], /^curl 192\.168\.56\.200:\d+ /],
    [
      "Local, and a node without the pod",
      "keep-client-ip",
      [...exposed, `kubectl patch svc web -p '{"spec":{"externalTrafficPolicy":"Local"}}'`],
      ["for ip in 192.168.56.10 192.168.56.11 192.168.56.12; do curl -m 2 -s -o /dev/null http://$ip:{{nodePort web}}; done"],
      ["traffic-policy-local"],
      /the last request near it, curl 192\.168\.56\.1[0-2]:\d+ timed out: default\/web has externalTrafficPolicy: Local and none of its ready pods runs on/,
    ],
    ["an ExternalName to another host", "externalname", [], ["kubectl create service externalname example --external-name example.org"], ["spec.externalName"], /^service example: spec\.externalName is example\.org, not example\.com$/],
    [
      "the ExternalName's name as the Host header",
      "curl-externalname",
      ["kubectl create service externalname example --external-name example.com"],
      ["kubectl run -it --rm curl --image=curlimages/curl --restart=Never -- curl -s http://example"],
      ["status"],
      /^curl example:80 was answered with status 404$/,
    ],
    [
      "a misspelt Service name",
      "curl-externalname",
      ["kubectl create service externalname example --external-name example.com"],
      ["kubectl run -it --rm curl --image=curlimages/curl --restart=Never -- curl -s -H 'Host: example.com' http://exmaple"],
      ["not-resolved"],
      /could not resolve its host/,
    ],
  ])("%s", (_name, stepId, setup, commands, mistakes, sentence) => {
    const s = step(stepId);
    const { last } = play(s.check, setup, commands);
    expect(last.status).toMatchObject({ passed: false, mistakes });
    expect(last.status?.explanation).toMatch(sentence);
    expect(fittingHints(s, last.status)).toEqual(mistakes.map((m) => s.hintsWhen![m]));
  });
});

describe("the Headless Services and StatefulSets lesson: each likely mistake gets the hint that fits", () => {
  const lesson = findBuiltinLesson("headless-statefulsets")!;
  const step = (id: string) => lesson.steps.find((s) => s.id === id)!;
  const manifest = lesson.solution.find((c) => c.includes("kind: StatefulSet"))!;

  it.each<[string, string, string[], string[], string[], RegExp]>([
    ["a Service with a ClusterIP", "headless-service", ["kubectl create deployment hello --image=nginx --replicas=3", "sleep 5"], ["kubectl expose deployment hello --port 80"], ["spec.clusterIP"], /^service hello: spec\.clusterIP is 10\.\d+\.\d+\.\d+, not None$/],
    [
      "a headless Service with no ready pod yet",
      "headless-dns",
      ["kubectl create service clusterip hello --clusterip=None --tcp=80:80"],
      ["kubectl run -it --rm curl --image=curlimages/curl --restart=Never -- curl -s http://hello"],
      ["not-resolved"],
      /could not resolve its host/,
    ],
    ["a pod's name without its Service", "stable-names", [manifest, "sleep 30"], ["kubectl run -it --rm curl --image=curlimages/curl --restart=Never -- curl -s http://web-0"], ["not-resolved"], /could not resolve its host/],
    ["web-0's own nginx before its volume has a page", "volume-per-pod", [manifest, "sleep 30"], ["kubectl exec web-0 -- curl -s http://localhost"], ["status"], /curl localhost:80 was answered with status 403/],
    ["web-0 before its volume has a page", "stable-names", [manifest, "sleep 30"], ["kubectl run -it --rm curl --image=curlimages/curl --restart=Never -- curl -s http://web-0.nginx"], ["status"], /curl web-0\.nginx:80 was answered with status 403/],
  ])("%s", (_name, stepId, setup, commands, mistakes, sentence) => {
    const s = step(stepId);
    const { last } = play(s.check, setup, commands);
    expect(last.status).toMatchObject({ passed: false, mistakes });
    expect(last.status?.explanation).toMatch(sentence);
    expect(fittingHints(s, last.status)).toEqual(mistakes.map((m) => s.hintsWhen![m]));
  });
});

describe("the CoreDNS lesson: each likely mistake gets the hint that fits", () => {
  const lesson = findBuiltinLesson("coredns")!;
  const step = (id: string) => lesson.steps.find((s) => s.id === id)!;
  const dnsutils = [...lesson.setup!, "kubectl run dnsutils --image=registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3 --command -- sleep infinity", "kubectl wait --for=condition=Ready pod/dnsutils"];
  const hostsEdit = lesson.solution.find((c) => c.includes("legacy.example.internal") && !c.includes("rewrite"))!;
  const rewriteEdit = lesson.solution.find((c) => c.includes("rewrite name"))!;
  const stubEdit = lesson.solution.find((c) => c.includes("forward . 10.96.53.53"))!;

  it.each<[string, string, string[], string[], string[], RegExp]>([
    ["a Service of another namespace by its short name", "other-namespace", dnsutils, ["kubectl exec dnsutils -- curl -sS http://api", "kubectl exec dnsutils -- curl -s http://api.default"], ["not-resolved"], /could not resolve its host/],
    // The reload plugin has not ticked yet: the new name is still NXDOMAIN.
    ["the hosts entry before CoreDNS reloaded", "hosts-entry", dnsutils, [hostsEdit, "kubectl exec dnsutils -- curl -s http://legacy.example.internal/get"], ["not-resolved"], /could not resolve its host/],
    // A stub zone inside the .:53 block is a directive CoreDNS does not know: the reload is refused.
    ["a stub zone written inside the .:53 block", "stub-zone", [...dnsutils, hostsEdit, "sleep 40"], [stubEdit.replace("    }\n    corp.internal:53 {", "    corp.internal:53 {").replace(/(forward \. 10\.96\.53\.53\n\s*)\}\n/, "$1}\n    }\n"), "sleep 40", "kubectl exec dnsutils -- curl -s http://intranet.corp.internal"], ["not-resolved"], /could not resolve its host/],
    ["a rewrite that CoreDNS never loaded", "rewrite", [...dnsutils, hostsEdit, "sleep 40"], [rewriteEdit.replace("www.shop.internal", "shop.internal"), "sleep 40", "kubectl exec dnsutils -- curl -s http://www.shop.internal"], ["not-resolved"], /could not resolve its host/],
  ])("%s", (_name, stepId, setup, commands, mistakes, sentence) => {
    const s = step(stepId);
    const { last } = play(s.check, setup, commands);
    expect(last.status).toMatchObject({ passed: false, mistakes });
    expect(last.status?.explanation).toMatch(sentence);
    expect(fittingHints(s, last.status)).toEqual(mistakes.map((m) => s.hintsWhen![m]));
  });

  it("the hosts entry answers once the reload plugin has ticked, and CoreDNS logs the reload", () => {
    const s = step("hosts-entry");
    const { events, outputs } = play(s.check, dnsutils, [hostsEdit, "sleep 40", "kubectl -n kube-system logs -l k8s-app=kube-dns --tail=3", "kubectl exec dnsutils -- curl -s http://legacy.example.internal/get"]);
    expect(outputs[2], outputs[2]).toMatch(/^\[INFO\] Reloading\n\[INFO\] plugin\/reload: Running configuration SHA512 = [0-9a-f]{128}\n\[INFO\] Reloading complete\n/);
    expect(events).toEqual(["step-completed", "lesson-completed"]);
  });

  it("a repaired Corefile is not enough while the CoreDNS pods still crash: the Deployment must be ready again", () => {
    const s = step("fix-corefile");
    const broken = ["kubectl -n kube-system get configmap coredns -o jsonpath='{.data.Corefile}' > Corefile", "sed -i 's/^    forward /    forwrd /' Corefile", "kubectl -n kube-system create configmap coredns --from-file=Corefile --dry-run=client -o yaml | kubectl apply -f -", "kubectl -n kube-system delete pod -l k8s-app=kube-dns"];
    const { last } = play(s.check, [...dnsutils, ...broken], ["kubectl -n kube-system get pods -l k8s-app=kube-dns", "kubectl exec dnsutils -- curl -s http://web.default.svc.cluster.local"]);
    expect(last.status).toMatchObject({ passed: false });
    expect(last.status?.mistakes).toEqual(expect.arrayContaining(["ready", "not-resolved"]));
  });
});
