import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { advanceClock, createSession, errorOf, jsonOf, ORIGIN, postJson, read, request, run } from "../helpers.ts";

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

describe("each cluster's own Kubernetes API (/api/sessions/:id/clusters/:name/k8s)", () => {
  it("downloads a kubeconfig with a cluster, user and context per cluster, named as the console names them", async () => {
    const session = await createSession({ clusters: THREE, setup: ["kubectl config use-context k8s-c2"] });
    const config = parse(await (await request(`/api/sessions/${session.id}/kubeconfig`, { headers: { Authorization: `Bearer ${session.editKey}` } })).text());
    expect(config).toEqual({
      apiVersion: "v1",
      kind: "Config",
      clusters: ["k8s-c1", "k8s-c2", "k8s-c3"].map((name) => ({ name, cluster: { server: `${ORIGIN}/api/sessions/${session.id}/clusters/${name}/k8s` } })),
      users: ["k8s-c1", "k8s-c2", "k8s-c3"].map((name) => ({ name: `${name}-admin`, user: { token: session.editKey } })),
      contexts: ["k8s-c1", "k8s-c2", "k8s-c3"].map((name) => ({ name, context: { cluster: name, user: `${name}-admin`, namespace: "default" } })),
      "current-context": "k8s-c2",
      preferences: {},
    });
    const readOnly = parse(await (await request(`/api/sessions/${session.id}/kubeconfig`)).text());
    expect(readOnly.users.map((u: { user: unknown }) => u.user)).toEqual([{}, {}, {}]);
  });

  it("serves each cluster at its own path whatever the current context; /k8s stays the current context's", async () => {
    const session = await createSession({ clusters: THREE });
    const names = async (path: string) => ((await (await request(path)).json()) as { items: Array<{ metadata: { name: string } }> }).items.map((n) => n.metadata.name);
    expect(await names(`/api/sessions/${session.id}/clusters/k8s-c2/k8s/api/v1/nodes`)).toEqual(["cluster2-controlplane", "cluster2-node1", "cluster2-node2"]);
    expect(await names(`/api/sessions/${session.id}/clusters/k8s-c1/k8s/api/v1/nodes`)).toEqual(["controlplane", "node01", "node02"]);
    expect(await names(`/api/sessions/${session.id}/k8s/api/v1/nodes`)).toEqual(["controlplane", "node01", "node02"]);
    await run(session.id, session.editKey, "kubectl config use-context k8s-c3");
    expect(await names(`/api/sessions/${session.id}/k8s/api/v1/nodes`)).toEqual(["cluster3-controlplane", "cluster3-node1", "cluster3-node2"]);
    const missing = await request(`/api/sessions/${session.id}/clusters/k8s-c9/k8s/api/v1/nodes`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ kind: "Status", reason: "NotFound", message: 'the session has no cluster "k8s-c9"', code: 404 });
  });

  it("writes into the named cluster and leaves the console's context and workstation files where they were", async () => {
    const session = await createSession({ clusters: THREE, setup: ["echo kept > /tmp/note"] });
    const created = await request(`/api/sessions/${session.id}/clusters/k8s-c2/k8s/api/v1/namespaces/default/configmaps`, {
      method: "POST",
      headers: { Authorization: `Bearer ${session.editKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "from-api" }, data: { a: "1" } }),
    });
    expect(created.status).toBe(201);
    expect((await run(session.id, session.editKey, "kubectl --context k8s-c2 get cm from-api -o jsonpath='{.data.a}'")).output).toBe("1");
    expect((await run(session.id, session.editKey, "kubectl get cm from-api")).output).toBe('Error from server (NotFound): configmaps "from-api" not found\n');
    expect((await run(session.id, session.editKey, "kubectl config current-context")).output).toBe("k8s-c1\n");
    expect((await run(session.id, session.editKey, "cat /tmp/note")).output).toBe("kept\n");
    expect((await contextsOf(session.id)).contexts?.current).toBe("k8s-c1");
  });
});

describe("the browser's proxy in a session with several clusters", () => {
  it("reaches another cluster's NodePort on its node's address, as the workstation does", async () => {
    const session = await createSession({ clusters: THREE, setup: ["kubectl --context k8s-c2 run web --image=nginx", "kubectl --context k8s-c2 create service nodeport web --tcp=80:80 --node-port=30080", "kubectl --context k8s-c2 label pod web app=web"] });
    await advanceClock(session.id, 60_000);
    const response = await request(`/api/sessions/${session.id}/proxy/192.168.56.21:30080/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Welcome to nginx!");
    // The first cluster's node has no such NodePort.
    expect((await request(`/api/sessions/${session.id}/proxy/192.168.56.11:30080/`)).status).not.toBe(200);
    expect((await run(session.id, session.editKey, "kubectl config current-context")).output).toBe("k8s-c1\n");
  });
});
