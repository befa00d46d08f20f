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
});
