import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createSession, errorOf, jsonOf, postJson, read, request, run } from "../helpers.ts";

const THREE = [{ name: "k8s-c1" }, { name: "k8s-c2", profile: { cni: "calico" } }, { name: "k8s-c3" }];

interface ContextsView {
  cluster: { nodes: Array<{ name: string }>; profile: Record<string, string>; contexts?: { current: string; cluster: string; names: string[] } };
}

async function contextsOf(id: string): Promise<ContextsView["cluster"]> {
  return ((await read(id)) as unknown as ContextsView).cluster;
}

describe("sessions with several clusters (POST /api/sessions clusters)", () => {
  it("makes three clusters, switches between them, and keeps them when the session wakes up again", async () => {
    const session = await createSession({ clusters: THREE });
    const first = await contextsOf(session.id);
    expect(first.contexts).toEqual({ current: "k8s-c1", cluster: "k8s-c1", names: ["k8s-c1", "k8s-c2", "k8s-c3"] });
    expect(first.nodes.map((n) => n.name)).toEqual(["controlplane", "node01", "node02"]);
    expect((await run(session.id, session.editKey, "kubectl config use-context k8s-c2")).output).toBe('Switched to context "k8s-c2".\n');
    expect((await run(session.id, session.editKey, "kubectl create namespace only-c2")).output).toBe("namespace/only-c2 created\n");
    const second = await contextsOf(session.id);
    expect(second.contexts?.current).toBe("k8s-c2");
    expect(second.profile.cni).toBe("calico");
    expect(second.nodes.map((n) => n.name)).toEqual(["cluster2-controlplane", "cluster2-node1", "cluster2-node2"]);
    await evictDurableObject(env.SESSIONS.get(env.SESSIONS.idFromName(session.id)));
    expect((await run(session.id, session.editKey, "kubectl get ns only-c2 -o name")).output).toBe("namespace/only-c2\n");
    expect((await run(session.id, session.editKey, "kubectl --context k8s-c3 get ns only-c2")).output).toBe('Error from server (NotFound): namespaces "only-c2" not found\n');
  });

  it("carries every cluster into a snapshot and its fork", async () => {
    const session = await createSession({ clusters: THREE, setup: ["kubectl --context k8s-c3 create namespace only-c3", "kubectl config use-context k8s-c2"] });
    const snapshot = await jsonOf<{ snapshotId: string }>(await postJson(`/api/sessions/${session.id}/snapshots`, {}, { Authorization: `Bearer ${session.editKey}` }), 201, "snapshot");
    const frozen = await jsonOf<ContextsView>(await request(`/api/snapshots/${snapshot.snapshotId}`), 200, "read snapshot");
    expect(frozen.cluster.contexts?.current).toBe("k8s-c2");
    const fork = await createSession({ from: snapshot.snapshotId });
    expect((await contextsOf(fork.id)).contexts?.current).toBe("k8s-c2");
    expect((await run(fork.id, fork.editKey, "kubectl --context k8s-c3 get ns only-c3 -o name")).output).toBe("namespace/only-c3\n");
    expect((await run(fork.id, fork.editKey, "kubectl config get-contexts -o name")).output).toBe("k8s-c1\nk8s-c2\nk8s-c3\n");
  });

  it("refuses more than 3 clusters, repeated names, names that are not DNS labels, and clusters with from", async () => {
    const four = [...THREE, { name: "k8s-c4" }];
    expect((await errorOf(await postJson("/api/sessions", { clusters: four }))).message).toContain("a session has at most 3 clusters");
    expect((await errorOf(await postJson("/api/sessions", { clusters: [{ name: "a" }, { name: "a" }] }))).message).toContain("each cluster needs a name of its own");
    expect((await errorOf(await postJson("/api/sessions", { clusters: [{ name: "K8s_C1" }] }))).message).toContain("a cluster's name must be lower-case letters");
    expect((await errorOf(await postJson("/api/sessions", { clusters: [] }))).message).toContain("clusters needs at least one cluster");
    expect((await errorOf(await postJson("/api/sessions", { from: "AAAAAAAAAAAAAAAAAAAAAA", clusters: THREE }))).message).toContain("Give either from");
  });
});
