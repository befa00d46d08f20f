// kubectl describe node: the Lease section describe.go prints between Unschedulable and Conditions.

import { describe, expect, it } from "vitest";
import { bootstrapCluster } from "../../../worker/sim/cluster/bootstrap.ts";
import { nodeLease } from "../../../worker/sim/cluster/node-lease.ts";
import { describeNode, nodeAsOf } from "../../../worker/sim/kinds/node.ts";
import { createRandom } from "../../../worker/sim/random.ts";

const start = Date.UTC(2026, 0, 1, 0, 0, 0);
const state = bootstrapCluster({ now: start, random: createRandom(3) });
const node = state.nodes.node01;
const created = Date.parse(node.metadata.creationTimestamp);

describe("describeNode", () => {
  it.each([
    ["just renewed", created + 60_000, created + 60_000],
    ["4.5 s after a renewal", created + 64_500, created + 60_000],
    ["9.9 s after a renewal", created + 69_900, created + 60_000],
    ["at the next renewal", created + 70_000, created + 70_000],
  ])("shows the kubelet's lease held under the node name, renewed every 10 s (%s)", (_, now, renewed) => {
    const text = describeNode(node, [], now, [], nodeLease(node, now));
    const stamp = new Date(renewed).toUTCString().replace("GMT", "+0000");
    expect(text).toContain(`Unschedulable:      false\nLease:\n  HolderIdentity:  node01\n  AcquireTime:     <unset>\n  RenewTime:       ${stamp}\nConditions:\n`);
  });

  it.each([
    ["at the report", 0, 0],
    ["4 minutes later", 240_000, 0],
    ["5 minutes later", 300_000, 300_000],
    ["an hour and a minute later", 3_660_000, 3_600_000],
  ])("shows the kubelet's status heartbeat every 5 minutes, and flannel's condition as flannel set it (%s)", (_, after, reported) => {
    const ready = node.status.conditions.find((c) => c.type === "Ready")!;
    const network = node.status.conditions.find((c) => c.type === "NetworkUnavailable")!;
    const at = Date.parse(ready.lastHeartbeatTime);
    // A read at that time (every GET and LIST) finds the node with that heartbeat.
    const text = describeNode(nodeAsOf(node, at + after), [], at + after);
    const stamp = (ms: number) => new Date(ms).toUTCString().replace("GMT", "+0000");
    const row = (type: string) => text.split("\n").find((l) => l.trimStart().startsWith(type + " "))!;
    expect(row("Ready")).toContain(`${stamp(at + reported)}   ${stamp(Date.parse(ready.lastTransitionTime))}`);
    expect(row("NetworkUnavailable")).toContain(`${stamp(Date.parse(network.lastHeartbeatTime))}   ${stamp(Date.parse(network.lastTransitionTime))}`);
  });
});

describe("nodeAsOf", () => {
  it("keeps the last heartbeat of a kubelet that stopped posting (Ready Unknown)", () => {
    const node = state.nodes.node01;
    const stopped = { ...node, status: { ...node.status, conditions: node.status.conditions.map((c) => (c.type === "Ready" ? { ...c, status: "Unknown" as const } : c)) } };
    expect(nodeAsOf(stopped, Date.parse(node.metadata.creationTimestamp) + 3_600_000)).toBe(stopped);
    expect(nodeAsOf(node, Date.parse(node.metadata.creationTimestamp) + 3_600_000)).not.toBe(node);
  });
});

describe("describeNode resource accounting", () => {
  const now = start;
  const control = state.nodes.controlplane;
  const onControlPlane = Object.values(state.pods)
    .filter((p) => p.spec.nodeName === "controlplane")
    .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  const text = describeNode(control, onControlPlane, now);
  const rows = text.split("\n");
  const row = (name: string) => rows.find((l) => l.includes(` ${name} `) || l.trimStart().startsWith(`${name} `))!.trim().split(/ {2,}/);

  it.each([
    ["etcd-controlplane", ["100m (5%)", "0 (0%)", "100Mi (2%)", "0 (0%)"]],
    ["kube-apiserver-controlplane", ["250m (12%)", "0 (0%)", "0 (0%)", "0 (0%)"]],
    ["kube-controller-manager-controlplane", ["200m (10%)", "0 (0%)", "0 (0%)", "0 (0%)"]],
    ["kube-scheduler-controlplane", ["100m (5%)", "0 (0%)", "0 (0%)", "0 (0%)"]],
  ])("prints %s's requests and limits as shares of allocatable", (name, cells) => {
    expect(row(name).slice(2, 6)).toEqual(cells);
  });

  it("prints CoreDNS's memory limit, flannel's requests and kube-proxy's none", () => {
    const named = (prefix: string) => rows.filter((l) => l.trimStart().split(/\s+/)[1]?.startsWith(prefix)).map((l) => l.trim().split(/ {2,}/).slice(2, 6));
    expect(named("coredns-")).toEqual([
      ["100m (5%)", "0 (0%)", "70Mi (1%)", "170Mi (4%)"],
      ["100m (5%)", "0 (0%)", "70Mi (1%)", "170Mi (4%)"],
    ]);
    expect(named("kube-flannel-ds-")).toEqual([["100m (5%)", "0 (0%)", "50Mi (1%)", "0 (0%)"]]);
    expect(named("kube-proxy-")).toEqual([["0 (0%)", "0 (0%)", "0 (0%)", "0 (0%)"]]);
  });

  it("totals the node's pods in kubectl's Allocated resources table, hugepages included", () => {
    expect(text.slice(text.indexOf("Allocated resources:"))).toBe(
      [
        "Allocated resources:",
        "  (Total limits may be over 100 percent, i.e., overcommitted.)",
        "  Resource           Requests    Limits",
        "  --------           --------    ------",
        "  cpu                950m (47%)  0 (0%)",
        "  memory             290Mi (7%)  340Mi (8%)",
        "  ephemeral-storage  0 (0%)      0 (0%)",
        "  hugepages-1Gi      0 (0%)      0 (0%)",
        "  hugepages-2Mi      0 (0%)      0 (0%)",
        "Events:              <none>",
        "",
      ].join("\n"),
    );
  });

  it("leaves an empty column after Name, as describe.go's double tab does", () => {
    const header = rows.find((l) => l.includes("CPU Requests"))!;
    const longest = Math.max(...onControlPlane.map((p) => p.metadata.name.length));
    expect(header.indexOf("CPU Requests") - (header.indexOf(" Name ") + 1)).toBe(longest + 4);
    expect(text).toContain(`Non-terminated Pods:          (${onControlPlane.length} in total)\n`);
  });
});
