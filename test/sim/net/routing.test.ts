// Packet-flow tests in the style of kube-proxy's proxier tests: for each source, destination and
// situation, the verdict and the hops the request took.

import { describe, expect, it } from "vitest";
import type { ClusterState } from "../../../worker/sim/cluster/types.ts";
import { netIndex } from "../../../worker/sim/net/index.ts";
import { route } from "../../../worker/sim/net/router.ts";
import type { Place } from "../../../worker/sim/net/places.ts";
import { createRandom } from "../../../worker/sim/random.ts";
import type { ShellFrame } from "../../../worker/sim/shell/types.ts";
import { IPS, WORKSTATION, cluster, inPod, lectureCluster, onNode, run, withPod, withService } from "./fixtures.ts";

type Source = [name: string, where: ShellFrame[]];

const workstation: Source = ["the workstation", [WORKSTATION]];
const nodes: Source[] = [
  ["controlplane", onNode("controlplane")],
  ["node01", onNode("node01")],
  ["node02", onNode("node02")],
];
const pods: Source[] = [
  ["a pod on node02", inPod("far")],
  ["a pod on node01", inPod("near")],
];

function lecture(): ClusterState {
  return withPod(lectureCluster(), { name: "near", node: "node01", ip: "10.244.1.11", image: "curlimages/curl", command: ["sleep", "3600"] });
}

function curlVerdict(state: ClusterState, where: ShellFrame[], url: string) {
  const r = run(state, where, `curl -s -m 5 ${url}`);
  expect(r.traces).toHaveLength(1);
  return { verdict: r.traces[0].verdict, hops: r.traces[0].hops.map((h) => h.kind).join(" > "), trace: r.traces[0], result: r };
}

describe("routing with ready endpoints", () => {
  const state = lecture();
  const table: Array<[Source, string, string, string]> = [
    [workstation, `${IPS.controlplane}:30080`, "answered", "client > node > service > endpoint > pod > process"],
    [workstation, `${IPS.node01}:30080`, "answered", "client > node > service > endpoint > pod > process"],
    [workstation, `${IPS.node02}:30080`, "answered", "client > node > service > endpoint > pod > process"],
    [workstation, "10.96.100.10:8080", "timed-out", "client"],
    [workstation, "10.244.1.5:80", "timed-out", "client"],
    [workstation, `${IPS.node01}:31999`, "refused", "client > node > process"],
    [workstation, "web:8080", "not-resolved", "dns"],
    ...nodes.flatMap((n): Array<[Source, string, string, string]> => [
      [n, `${IPS.node02}:30080`, "answered", "client > node > service > endpoint > pod > process"],
      [n, "10.96.100.10:8080", "answered", "client > service > endpoint > pod > process"],
      [n, "10.96.100.10:80", "timed-out", "client > service"],
      [n, "10.244.2.7:80", "answered", "client > pod > process"],
      [n, "10.244.2.7:8080", "refused", "client > pod > process"],
      [n, "web:8080", "not-resolved", "dns"],
    ]),
    ...pods.flatMap((p): Array<[Source, string, string, string]> => [
      [p, `${IPS.node01}:30080`, "answered", "client > node > service > endpoint > pod > process"],
      [p, "10.96.100.10:8080", "answered", "client > service > endpoint > pod > process"],
      [p, "10.96.100.10:80", "timed-out", "client > service"],
      [p, "10.244.1.5:80", "answered", "client > pod > process"],
      [p, "web:8080", "answered", "dns > client > service > endpoint > pod > process"],
      [p, "web.default:8080", "answered", "dns > client > service > endpoint > pod > process"],
      [p, "web.default.svc:8080", "answered", "dns > client > service > endpoint > pod > process"],
      [p, "web.default.svc.cluster.local:8080", "answered", "dns > client > service > endpoint > pod > process"],
      [p, "web.other:8080", "not-resolved", "dns"],
      [p, "nosuch:8080", "not-resolved", "dns"],
    ]),
  ];
  const rows = table.map(([[from, where], url, verdict, hops]) => ({ from, where, url, verdict, hops }));
  it.each(rows)("from $from to $url: $verdict", ({ where, url, verdict, hops }) => {
    const got = curlVerdict(state, where, url);
    expect(got.verdict).toBe(verdict);
    expect(got.hops).toBe(hops);
  });

  it("SNATs NodePort traffic to the node (externalTrafficPolicy Cluster), so the pod sees a node address", () => {
    const { trace } = curlVerdict(state, [WORKSTATION], `${IPS.node01}:30080`);
    const ep = trace.hops.find((h) => h.kind === "endpoint")!;
    expect(ep.before!.src.ip).toBe("192.168.56.1");
    expect(["10.244.1.1", "10.244.1.0"]).toContain(ep.after!.src.ip);
    expect(ep.rule).toMatch(/^-A KUBE-SEP-[A-Z2-7]{16} -p tcp -m comment --comment "default\/web" -m tcp -j DNAT --to-destination 10\.244\.[12]\.[57]:80$/);
  });

  it("keeps the pod's address for ClusterIP traffic from a pod (no masquerade)", () => {
    const { trace } = curlVerdict(state, inPod("near"), "10.96.100.10:8080");
    const ep = trace.hops.find((h) => h.kind === "endpoint")!;
    expect(ep.after!.src.ip).toBe("10.244.1.11");
  });

  it("names chains as kube-proxy does (the kubernetes Service is KUBE-SVC-NPX46M4PTMTKRN6Y)", () => {
    const { trace } = curlVerdict(state, onNode("node01"), "https://10.96.0.1:443");
    const svc = trace.hops.find((h) => h.kind === "service")!;
    expect(svc.rules![0]).toBe('-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y');
  });
});

describe("routing when endpoints are missing or wrong", () => {
  const base = cluster();
  const noPods = withService(base, { name: "web", type: "NodePort", clusterIP: "10.96.100.10", selector: { app: "web" }, ports: [{ port: 8080, targetPort: 80, nodePort: 30080 }] });
  const notReady = withPod(noPods, { name: "web-1", ip: "10.244.1.5", labels: { app: "web" }, ready: false, running: false });
  const wrongTarget = withPod(
    withService(base, { name: "web", type: "NodePort", clusterIP: "10.96.100.10", selector: { app: "web" }, ports: [{ port: 8080, targetPort: 8080, nodePort: 30080 }] }),
    { name: "web-1", ip: "10.244.1.5", labels: { app: "web" } },
  );
  const withClient = (s: ClusterState) => withPod(s, { name: "near", node: "node01", ip: "10.244.1.11", image: "curlimages/curl", command: ["sleep", "3600"] });

  const table: Array<[string, ClusterState, ShellFrame[], string, string, RegExp]> = [
    ["no endpoints, NodePort from outside", noPods, [WORKSTATION], `${IPS.node01}:30080`, "refused", /^-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "default\/web has no endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 30080 -j REJECT --reject-with icmp-port-unreachable$/],
    ["no endpoints, ClusterIP from a node", noPods, onNode("node01"), "10.96.100.10:8080", "refused", /^-A KUBE-SERVICES -d 10\.96\.100\.10\/32 -p tcp -m comment --comment "default\/web has no endpoints" -m tcp --dport 8080 -j REJECT --reject-with icmp-port-unreachable$/],
    ["not-ready pod, NodePort", notReady, [WORKSTATION], `${IPS.node02}:30080`, "refused", /REJECT/],
    ["not-ready pod, ClusterIP from a pod", withClient(notReady), inPod("near"), "web:8080", "refused", /REJECT/],
    ["wrong targetPort, NodePort", wrongTarget, [WORKSTATION], `${IPS.node01}:30080`, "refused", /DNAT --to-destination 10\.244\.1\.5:8080/],
    ["wrong targetPort, from a pod", withClient(wrongTarget), inPod("near"), "web:8080", "refused", /DNAT --to-destination 10\.244\.1\.5:8080/],
  ];
  const rows = table.map(([name, state, where, url, verdict, rule]) => ({ name, state, where, url, verdict, rule }));
  it.each(rows)("$name: $verdict", ({ state, where, url, verdict, rule }) => {
    const got = curlVerdict(state, where, url);
    expect(got.verdict).toBe(verdict);
    const rules = got.trace.hops.flatMap((h) => h.rules ?? (h.rule ? [h.rule] : []));
    expect(rules.some((r) => rule.test(r))).toBe(true);
  });

  it("explains a wrong targetPort at the process hop", () => {
    const got = curlVerdict(withClient(wrongTarget), inPod("near"), "web:8080");
    expect(got.trace.hops.at(-1)!.note).toContain("listens on 80");
    expect(got.result.code).toBe(7);
  });
});

describe("externalTrafficPolicy and internalTrafficPolicy Local", () => {
  let local = cluster();
  local = withPod(local, { name: "web-1", node: "node01", ip: "10.244.1.5", labels: { app: "web" }, image: "traefik/whoami" });
  local = withPod(local, { name: "near", node: "node02", ip: "10.244.2.11", image: "curlimages/curl", command: ["sleep", "3600"] });
  local = withService(local, { name: "web", type: "NodePort", clusterIP: "10.96.100.10", selector: { app: "web" }, ports: [{ port: 80, nodePort: 30080 }], externalTrafficPolicy: "Local", internalTrafficPolicy: "Local" });

  it("keeps the client's address on a node with a local endpoint", () => {
    const got = curlVerdict(local, [WORKSTATION], `${IPS.node01}:30080`);
    expect(got.verdict).toBe("answered");
    expect(got.result.out).toMatch(/^RemoteAddr: 192\.168\.56\.1:\d+$/m);
  });

  it("drops traffic on a node without a local endpoint, so the client times out", () => {
    const got = curlVerdict(local, [WORKSTATION], `${IPS.node02}:30080`);
    expect(got.verdict).toBe("timed-out");
    expect(got.trace.hops.at(-1)!.rule).toBe('-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "default/web has no local endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 30080 -j DROP');
    expect(got.result.err).toBe("");
    expect(got.result.code).toBe(28);
  });

  it("drops ClusterIP traffic from a node without a local endpoint (internalTrafficPolicy Local)", () => {
    expect(curlVerdict(local, inPod("near"), "web").verdict).toBe("timed-out");
    expect(curlVerdict(local, onNode("node01"), "10.96.100.10").verdict).toBe("answered");
  });
});

describe("sessionAffinity ClientIP", () => {
  let s = cluster();
  for (let i = 0; i < 4; i++) s = withPod(s, { name: `who-${i}`, node: i % 2 ? "node02" : "node01", ip: `10.244.${1 + (i % 2)}.${20 + i}`, labels: { app: "who" }, image: "traefik/whoami" });
  const sticky = withService(s, { name: "who", type: "NodePort", clusterIP: "10.96.100.20", selector: { app: "who" }, ports: [{ port: 80, nodePort: 30090 }], sessionAffinity: "ClientIP", affinityTimeout: 60 });

  it("sends one client to the same pod on every request, and remembers it in the cluster state", () => {
    let state = sticky;
    const hosts = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      const r = run(state, [WORKSTATION], `curl -s ${IPS.node01}:30090`, seed);
      hosts.add(/^Hostname: (.*)$/m.exec(r.out)![1]);
      state = r.state;
    }
    expect(hosts.size).toBe(1);
    expect(Object.keys(state.affinity ?? {})).toEqual(["default/who/TCP|192.168.56.1"]);
    const again = run(state, [WORKSTATION], `curl -s ${IPS.node01}:30090`, 99);
    expect(again.traces[0].hops.find((h) => h.kind === "service")!.rule).toMatch(/-m recent --rcheck --seconds 60 --reap --name KUBE-SEP-[A-Z2-7]{16} --mask 255\.255\.255\.255 --rsource -j KUBE-SEP-/);
  });

  it("spreads requests without affinity", () => {
    const spread = withService(s, { name: "who", type: "NodePort", clusterIP: "10.96.100.20", selector: { app: "who" }, ports: [{ port: 80, nodePort: 30090 }] });
    const hosts = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) hosts.add(/^Hostname: (.*)$/m.exec(run(spread, [WORKSTATION], `curl -s ${IPS.node01}:30090`, seed).out)![1]);
    expect(hosts.size).toBe(4);
  });
});

describe("endpoint choice", () => {
  it("spreads evenly across replicas with kube-proxy's cascading probabilities (chi-square, fixed seed)", () => {
    let s = cluster();
    const n = 5;
    for (let i = 0; i < n; i++) s = withPod(s, { name: `r-${i}`, node: i % 2 ? "node02" : "node01", ip: `10.244.${1 + (i % 2)}.${40 + i}`, labels: { app: "r" } });
    s = withService(s, { name: "r", type: "NodePort", clusterIP: "10.96.100.30", selector: { app: "r" }, ports: [{ port: 80, nodePort: 30100 }] });
    const index = netIndex(s);
    const random = createRandom(12345);
    const from: Place = { kind: "workstation", name: "workstation", ip: "192.168.56.1" };
    const counts = new Map<string, number>();
    const total = 20000;
    for (let i = 0; i < total; i++) {
      const out = route(index, { from, srcPort: 40000, dstIP: IPS.node02, dstPort: 30100, protocol: "TCP" }, { random, now: 0 });
      if (out.result !== "delivered") throw new Error("not delivered");
      counts.set(out.delivery.dst.ip, (counts.get(out.delivery.dst.ip) ?? 0) + 1);
    }
    expect(counts.size).toBe(n);
    const expected = total / n;
    const chi2 = [...counts.values()].reduce((a, c) => a + (c - expected) ** 2 / expected, 0);
    // 4 degrees of freedom: p = 0.001 at 18.47.
    expect(chi2).toBeLessThan(18.47);
  });
});
