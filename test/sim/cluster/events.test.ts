// Events as the scheduler, kubelet and controllers record them (v1.34 texts), deduplicated with
// a count, bounded, expired after the API server's one-hour TTL, and kept plain JSON.
import { describe, expect, it } from "vitest";
import { deleteObject, updateObject } from "../../../worker/sim/cluster/api-server.ts";
import { EVENT_TTL_MS, MAX_EVENTS, eventsFor, listEvents, recordEvent } from "../../../worker/sim/cluster/events.ts";
import { goDuration } from "../../../worker/sim/cluster/kubelet-events.ts";
import { Tx } from "../../../worker/sim/cluster/tx.ts";
import type { ClusterState, Deployment, KubeObject, SubmittedObject } from "../../../worker/sim/cluster/types.ts";
import { T0, apply, cluster, create, deployment, pod } from "./helpers.ts";

/** `reason: message` of the events about `name`, oldest first, after `seconds` of simulated time. */
function eventsAbout(obj: SubmittedObject, seconds: number): { state: ClusterState; lines: string[]; object: KubeObject } {
  const { state, random } = cluster(5);
  let created: KubeObject | undefined;
  let s = apply(state, random, T0, (tx) => void (created = create(tx, obj, T0, random)));
  for (let t = 1; t <= seconds; t++) s = apply(s, random, T0 + t * 1000);
  const lines = eventsFor(s, created!).map((e) => `${e.type} ${e.reason}${e.count > 1 ? ` x${e.count}` : ""}: ${e.message}`);
  return { state: s, lines, object: created! };
}

describe("recorded events", () => {
  it.each([
    [
      "a pod that starts",
      pod("web", "nginx"),
      5,
      [
        /^Normal Scheduled: Successfully assigned default\/web to node0[12]$/,
        /^Normal Pulling: Pulling image "nginx"$/,
        /^Normal Pulled: Successfully pulled image "nginx" in \d+(\.\d+)?m?s \(\d+(\.\d+)?m?s including waiting\)\. Image size: 72223946 bytes\.$/,
        /^Normal Created: Created container: web$/,
        /^Normal Started: Started container web$/,
      ],
    ],
    [
      "an image that does not exist",
      pod("bad", "nginxx"),
      5,
      [
        /^Normal Scheduled: /,
        /^Normal Pulling: Pulling image "nginxx"$/,
        /^Warning Failed: Failed to pull image "nginxx": failed to pull and unpack image "docker.io\/library\/nginxx:latest": failed to resolve reference "docker.io\/library\/nginxx:latest": pull access denied/,
        /^Warning Failed: Error: ErrImagePull$/,
        /^Normal BackOff: Back-off pulling image "nginxx"$/,
        /^Warning Failed: Error: ImagePullBackOff$/,
      ],
    ],
    [
      "a container that keeps exiting (re-pulled each start: imagePullPolicy Always)",
      pod("bb", "busybox"),
      25,
      [
        /^Normal Scheduled: /,
        /^Normal Pulled: Successfully pulled image "busybox" in /,
        /^Normal Pulled: Successfully pulled image "busybox" in /,
        /^Normal Pulling x3: Pulling image "busybox"$/,
        /^Normal Pulled: Successfully pulled image "busybox" in /,
        /^Normal Created x3: Created container: bb$/,
        /^Normal Started x3: Started container bb$/,
        /^Warning BackOff x2: Back-off restarting failed container bb in pod bb_default\([0-9a-f-]{36}\)$/,
      ],
    ],
    [
      "an image already on the node (IfNotPresent)",
      pod("pinned", "busybox:1.36", { command: ["sleep", "5"] }),
      9,
      [/^Normal Scheduled: /, /^Normal Pulling: /, /^Normal Pulled: Successfully pulled image "busybox:1.36"/, /^Normal Pulled: Container image "busybox:1.36" already present on machine$/, /^Normal Created x2: /, /^Normal Started x2: /],
    ],
  ] as Array<[string, SubmittedObject, number, RegExp[]]>)("%s", (_what, obj, seconds, expected) => {
    const { lines } = eventsAbout(obj, seconds);
    expect(lines.length, lines.join("\n")).toBe(expected.length);
    lines.forEach((line, i) => expect(line).toMatch(expected[i]));
  });

  it("records the deployment and replicaset controllers' scaling", () => {
    const { state, random } = cluster(5);
    let d: KubeObject | undefined;
    let s = apply(state, random, T0, (tx) => void (d = create(tx, deployment("web", 3), T0, random)));
    s = apply(s, random, T0 + 5000, (tx) => {
      const current = tx.state.deployments["default/web"] as Deployment;
      const r = updateObject(tx, { ...current, spec: { ...current.spec, replicas: 1 } } as SubmittedObject, { now: T0 + 5000, random });
      expect(r.ok).toBe(true);
    });
    const rs = Object.values(s.replicaSets).find((r) => r.metadata.name.startsWith("web-"))!;
    expect(eventsFor(s, d!).map((e) => e.message)).toEqual([`Scaled up replica set ${rs.metadata.name} from 0 to 3`, `Scaled down replica set ${rs.metadata.name} from 3 to 1`]);
    const rsEvents = eventsFor(s, rs).map((e) => `${e.reason} ${e.source.component}`);
    expect(rsEvents.filter((r) => r === "SuccessfulCreate replicaset-controller")).toHaveLength(3);
    expect(rsEvents.filter((r) => r === "SuccessfulDelete replicaset-controller")).toHaveLength(2);
  });

  it("records Killing when a running pod is deleted", () => {
    const { state, random } = cluster(5);
    let s = apply(state, random, T0, (tx) => void create(tx, pod("web", "nginx"), T0, random));
    s = apply(s, random, T0 + 5000, (tx) => void deleteObject(tx, "pods", "default", "web", { now: T0 + 5000, random }));
    const killing = listEvents(s, "default").filter((e) => e.reason === "Killing");
    expect(killing.map((e) => [e.message, e.involvedObject.fieldPath, e.source.host?.startsWith("node0")])).toEqual([["Stopping container web", "spec.containers{web}", true]]);
  });

  it("keeps about MAX_EVENTS, dropping the oldest, and counts repeats", () => {
    const { state } = cluster(5);
    const tx = new Tx(state);
    const ref = { kind: "Pod", apiVersion: "v1", namespace: "default", name: "p", uid: "u" };
    for (let i = 0; i < MAX_EVENTS + 300; i++) recordEvent(tx, ref, "Normal", "Test", `message ${i}`, { component: "test" }, T0 + i);
    recordEvent(tx, ref, "Normal", "Test", "message 1200", { component: "test" }, T0 + 5000);
    const s = { ...tx.commit(), now: T0 + 6000 };
    const events = s.events!;
    expect(events.length).toBeGreaterThanOrEqual(MAX_EVENTS);
    expect(events.length).toBeLessThanOrEqual(MAX_EVENTS * 1.25);
    expect(events.some((e) => e.message === "message 0")).toBe(false);
    expect(events.at(-1)?.message).toBe(`message ${MAX_EVENTS + 299}`);
    expect(events.find((e) => e.message === "message 1200")).toMatchObject({ count: 2, first: T0 + 1200, last: T0 + 5000 });
    expect(new Set(events.map((e) => e.eventName)).size).toBe(events.length);
    expect(JSON.parse(JSON.stringify(s.events))).toEqual(s.events);
    expect(state.events).not.toBe(s.events);
  });

  it("lists nothing older than the one-hour event TTL", () => {
    const { state, lines } = eventsAbout(pod("web", "nginx"), 3);
    expect(lines.length).toBeGreaterThan(0);
    const later = { ...state, now: state.now + EVENT_TTL_MS + 5000 };
    expect(listEvents(later, "default")).toEqual([]);
  });

  it.each([
    [843, "843ms"],
    [1000, "1s"],
    [1234, "1.234s"],
    [1500, "1.5s"],
    [61_200, "1m1.2s"],
  ])("formats %d ms as Go does: %s", (ms, text) => {
    expect(goDuration(ms)).toBe(text);
  });
});
