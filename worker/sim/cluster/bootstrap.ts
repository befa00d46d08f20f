// The cluster a new session starts with (placeholder until the cluster model lands).
import type { Random } from "../random.ts";
import type { ClusterState } from "./types.ts";

export function bootstrapCluster(options: { now: number; random: Random; maxObjects?: number }): ClusterState {
  return {
    config: {
      kubernetesVersion: "v1.34.1",
      podCIDR: "10.244.0.0/16",
      serviceCIDR: "10.96.0.0/12",
      nodePortRange: { min: 30000, max: 32767 },
      clusterDomain: "cluster.local",
      dnsServiceIP: "10.96.0.10",
      maxObjects: options.maxObjects ?? 500,
    },
    now: options.now,
    resourceVersion: 1,
    nodes: {},
    namespaces: {},
    pods: {},
    services: {},
    deployments: {},
    replicaSets: {},
    podRuntime: {},
    releasedPodIPs: {},
  };
}
