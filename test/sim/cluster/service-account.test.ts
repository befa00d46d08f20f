import { describe, expect, it } from "vitest";
import { createObject, updateObject } from "../../../worker/sim/cluster/api-server.ts";
import { SERVICE_ACCOUNT_MOUNT_PATH } from "../../../worker/sim/cluster/service-account.ts";
import { Tx } from "../../../worker/sim/cluster/tx.ts";
import type { Pod, SubmittedObject } from "../../../worker/sim/cluster/types.ts";
import { T0, apply, cluster, create, deployment, pod } from "./helpers.ts";

function created(obj: SubmittedObject, seed = 1): Pod {
  const { state, random } = cluster(seed);
  const tx = new Tx(state);
  return create(tx, obj, T0, random) as Pod;
}

describe("the ServiceAccount admission plugin", () => {
  it("names the service account twice and mounts a projected token volume read-only in every container", () => {
    const p = created({ apiVersion: "v1", kind: "Pod", metadata: { name: "two" }, spec: { containers: [{ name: "a", image: "nginx" }, { name: "b", image: "redis" }] } });
    expect(p.spec.serviceAccount).toBe("default");
    expect(p.spec.serviceAccountName).toBe("default");
    const volume = p.spec.volumes![0];
    expect(volume.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(volume.projected).toEqual({
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
        { configMap: { items: [{ key: "ca.crt", path: "ca.crt" }], name: "kube-root-ca.crt" } },
        { downwardAPI: { items: [{ fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" }, path: "namespace" }] } },
      ],
    });
    for (const c of p.spec.containers) expect(c.volumeMounts).toEqual([{ mountPath: SERVICE_ACCOUNT_MOUNT_PATH, name: volume.name, readOnly: true }]);
  });

  it("gives pods of their own different volume names and the pods of one ReplicaSet one", () => {
    const { state, random } = cluster(2);
    const s = apply(state, random, T0, (tx) => {
      create(tx, pod("a", "nginx"), T0, random);
      create(tx, pod("b", "nginx"), T0, random);
      create(tx, deployment("web", 3), T0, random);
    });
    const nameOf = (p: Pod) => p.spec.volumes![0].name;
    expect(nameOf(s.pods["default/a"])).not.toBe(nameOf(s.pods["default/b"]));
    const replicas = Object.values(s.pods).filter((p) => p.metadata.labels?.app === "web");
    expect(replicas).toHaveLength(3);
    expect(new Set(replicas.map(nameOf)).size).toBe(1);
    // Templates are not admitted: only pods get the volume.
    expect(s.deployments["default/web"].spec.template.spec.volumes).toBeUndefined();
  });

  it.each([
    ["automountServiceAccountToken: false", { automountServiceAccountToken: false }, undefined],
    ["a named service account", { serviceAccountName: "robot" }, "robot"],
  ])("honours %s", (_what, extra, account) => {
    const p = created(pod("p", "nginx", {}, extra));
    expect(p.spec.serviceAccountName).toBe(account ?? "default");
    expect(p.spec.volumes === undefined).toBe(account === undefined);
  });

  it("leaves static (mirror) pods alone", () => {
    const { state } = cluster(1);
    const etcd = state.pods["kube-system/etcd-controlplane"];
    expect(etcd.spec.volumes).toBeUndefined();
    expect(etcd.spec.containers[0].volumeMounts).toBeUndefined();
    expect(state.pods[Object.keys(state.pods).find((k) => k.startsWith("kube-system/coredns-"))!].spec.volumes?.map((v) => v.name)).toEqual(["config-volume", expect.stringMatching(/^kube-api-access-/)]);
  });

  it("adds no second mount where a container already mounts the token path", () => {
    const p = created(
      pod("own", "nginx", { volumeMounts: [{ name: "kube-api-access-abcde", mountPath: SERVICE_ACCOUNT_MOUNT_PATH }] }, { volumes: [{ name: "kube-api-access-abcde", emptyDir: {} }] }),
    );
    expect(p.spec.volumes!.map((v) => v.name)).toEqual(["kube-api-access-abcde"]);
    expect(p.spec.containers[0].volumeMounts).toEqual([{ mountPath: SERVICE_ACCOUNT_MOUNT_PATH, name: "kube-api-access-abcde" }]);
  });

  it("keeps the token volume when an update leaves it out (a re-applied manifest)", () => {
    const { state, random } = cluster(3);
    const tx = new Tx(state);
    const p = create(tx, pod("web", "nginx"), T0, random) as Pod;
    const result = updateObject(tx, { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "default", labels: { run: "web", tier: "front" } }, spec: { containers: [{ name: "web", image: "nginx" }] } }, { now: T0, random });
    expect(result.ok).toBe(true);
    const after = (result as { value: Pod }).value;
    expect(after.spec.volumes).toEqual(p.spec.volumes);
    expect(after.metadata.labels?.tier).toBe("front");
    expect(after.spec.containers[0].volumeMounts).toEqual(p.spec.containers[0].volumeMounts);
  });

  it.each([
    [{ volumeMounts: [{ name: "data", mountPath: "/data" }] }, {}, 'spec.containers[0].volumeMounts[0].name: Not found: "data"'],
    [{ volumeMounts: [{ name: "data" }] }, { volumes: [{ name: "data", emptyDir: {} }] }, "spec.containers[0].volumeMounts[0].mountPath: Required value"],
    [{}, { volumes: [{ name: "data" }] }, "spec.volumes[0]: Required value: must specify a volume type"],
  ])("rejects bad volumes: %j %j", (container, spec, message) => {
    const { state, random } = cluster(4);
    const r = createObject(new Tx(state), pod("v", "nginx", container, spec), { now: T0, random });
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.status.message).toContain(message);
  });
});
