import { describe, expect, it } from "vitest";
import { listObjects } from "../../../worker/sim/cluster/api-server.ts";
import { CLUSTER_AGE_MS } from "../../../worker/sim/cluster/bootstrap.ts";
import { endpointSlicesFor, endpointsFor } from "../../../worker/sim/cluster/endpoints.ts";
import type { Node, Pod } from "../../../worker/sim/cluster/types.ts";
import { T0, cluster, statusOf } from "./helpers.ts";

describe("the bootstrapped cluster", () => {
  const { state } = cluster();

  it("has a tainted control plane and two Ready workers on one node network", () => {
    const nodes = listObjects(state, "nodes") as Node[];
    expect(nodes.map((n) => [n.metadata.name, n.status.addresses[0].address, n.spec.podCIDR])).toEqual([
      ["controlplane", "192.168.56.10", "10.244.0.0/24"],
      ["node01", "192.168.56.11", "10.244.1.0/24"],
      ["node02", "192.168.56.12", "10.244.2.0/24"],
    ]);
    expect(nodes[0].spec.taints).toEqual([{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }]);
    for (const n of nodes) {
      expect(n.status.conditions.find((c) => c.type === "Ready")?.status).toBe("True");
      expect(n.status.nodeInfo).toMatchObject({ kubeletVersion: "v1.34.1", osImage: "Ubuntu 24.04.1 LTS", containerRuntimeVersion: "containerd://1.7.24" });
    }
  });

  it("has the kubeadm namespaces and the kubernetes and kube-dns Services", () => {
    expect(Object.keys(state.namespaces).sort()).toEqual(["default", "kube-flannel", "kube-node-lease", "kube-public", "kube-system", "local-path-storage", "metallb-system"]);
    const k = state.services["default/kubernetes"];
    expect(k.spec).toMatchObject({ clusterIP: "10.96.0.1", ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }] });
    expect(k.spec.selector).toBeUndefined();
    expect(endpointsFor(state, "default/kubernetes")?.subsets).toEqual([{ addresses: [{ ip: "192.168.56.10" }], ports: [{ name: "https", port: 6443, protocol: "TCP" }] }]);
    const dns = state.services["kube-system/kube-dns"];
    expect(dns.spec.clusterIP).toBe("10.96.0.10");
    expect(dns.spec.ports.map((p) => `${p.name} ${p.port}/${p.protocol}`)).toEqual(["dns 53/UDP", "dns-tcp 53/TCP", "metrics 9153/TCP"]);
    expect(endpointSlicesFor(state, dns)[0].endpoints.map((e) => e.addresses[0])).toEqual(["10.244.0.2", "10.244.0.3"]);
  });

  it("runs the system pods kubectl get pods -A shows on kubeadm with flannel and MetalLB, all Running", () => {
    const pods = listObjects(state, "pods") as Pod[];
    const names = pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`.replace(/-[a-z0-9]{5}$/, "-xxxxx").replace(/coredns-[a-z0-9]+-/, "coredns-hash-"));
    expect(names).toEqual([
      "kube-flannel/kube-flannel-ds-xxxxx",
      "kube-flannel/kube-flannel-ds-xxxxx",
      "kube-flannel/kube-flannel-ds-xxxxx",
      "kube-system/coredns-hash-xxxxx",
      "kube-system/coredns-hash-xxxxx",
      "kube-system/etcd-controlplane",
      "kube-system/kube-apiserver-controlplane",
      "kube-system/kube-controller-manager-controlplane",
      "kube-system/kube-proxy-xxxxx",
      "kube-system/kube-proxy-xxxxx",
      "kube-system/kube-proxy-xxxxx",
      "kube-system/kube-scheduler-controlplane",
      // The local-path provisioner behind the default StorageClass.
      "local-path-storage/local-path-provisioner-86f7b57669-xxxxx",
      // MetalLB (the default profile's load balancer): its controller and a speaker per node.
      "metallb-system/controller-7fd767b459-xxxxx",
      "metallb-system/speaker-xxxxx",
      "metallb-system/speaker-xxxxx",
      "metallb-system/speaker-xxxxx",
    ]);
    for (const p of pods) {
      expect(statusOf(p)).toBe("Running");
      if (p.spec.hostNetwork) expect(p.status.podIP).toBe(state.nodes[p.spec.nodeName!].status.addresses[0].address);
    }
    expect(pods.filter((p) => p.metadata.name.startsWith("kube-proxy")).map((p) => p.metadata.ownerReferences?.[0].kind)).toEqual(["DaemonSet", "DaemonSet", "DaemonSet"]);
  });

  it("was created some minutes before now, so ages look real", () => {
    expect(state.nodes.controlplane.metadata.creationTimestamp).toBe(new Date(T0 - CLUSTER_AGE_MS).toISOString().replace(".000Z", "Z"));
    expect(state.now).toBe(T0);
  });

  it("is plain JSON and deterministic for a seed", () => {
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(cluster().state).toEqual(state);
    expect(cluster(2).state).not.toEqual(state);
  });
});
