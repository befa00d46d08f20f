// kubectl describe node: the Lease section describe.go prints between Unschedulable and Conditions.

import { describe, expect, it } from "vitest";
import { bootstrapCluster } from "../../../../worker/sim/cluster/bootstrap.ts";
import { describeNode } from "../../../../worker/sim/kubectl/printers/describe.ts";
import { createRandom } from "../../../../worker/sim/random.ts";

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
    const text = describeNode(node, [], now);
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
    const text = describeNode(node, [], at + after);
    const stamp = (ms: number) => new Date(ms).toUTCString().replace("GMT", "+0000");
    const row = (type: string) => text.split("\n").find((l) => l.trimStart().startsWith(type + " "))!;
    expect(row("Ready")).toContain(`${stamp(at + reported)}   ${stamp(Date.parse(ready.lastTransitionTime))}`);
    expect(row("NetworkUnavailable")).toContain(`${stamp(Date.parse(network.lastHeartbeatTime))}   ${stamp(Date.parse(network.lastTransitionTime))}`);
  });
});
