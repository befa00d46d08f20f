// Where a session's clusters sit (issue 18: up to 3 clusters in one session, as on the CKA's
// exam, each with its own nodes, names and CIDRs). The first cluster is the lab as it always was:
// controlplane, node01, node02 at 192.168.56.10-12, pods in 10.244.0.0/16, Services in
// 10.96.0.0/12. A further cluster gets its own node names (cluster2-controlplane,
// cluster2-node1, ...), its own ten addresses on the same host-only network (so the workstation,
// the exam's jump host, reaches every cluster's nodes), its own pod and Service ranges (kubeadm's
// --pod-network-cidr and --service-cidr), and its own slice of MetalLB's pool.

export const MAX_CLUSTERS = 3;

export interface ClusterLayout {
  /** 0 for the first cluster. */
  index: number;
  controlPlane: string;
  /** The n-th worker's name (n from 1). */
  worker(n: number): string;
  /** The node network's address of the node joined n-th (0: the control plane). */
  nodeOffset: number;
  /** Second octet-pair of the pod network: 10.<podOctet>.0.0/16. */
  podOctet: number;
  serviceCIDR: string;
  /** The Service range's first address (the `kubernetes` Service) and its tenth (kube-dns), as kubeadm takes them. */
  apiServiceIP: string;
  dnsServiceIP: string;
  metallbAddresses: string;
}

export function clusterLayout(index: number): ClusterLayout {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_CLUSTERS) throw new Error(`clusterLayout: no cluster ${index}`);
  const prefix = index === 0 ? "" : `cluster${index + 1}-`;
  // 10.96.0.0/12, 10.112.0.0/12, 10.128.0.0/12: /12 ranges side by side.
  const serviceOctet = 96 + 16 * index;
  return {
    index,
    controlPlane: `${prefix}controlplane`,
    worker: (n) => (index === 0 ? `node${String(n).padStart(2, "0")}` : `${prefix}node${n}`),
    nodeOffset: 10 * index,
    podOctet: 244 + index,
    serviceCIDR: `10.${serviceOctet}.0.0/12`,
    apiServiceIP: `10.${serviceOctet}.0.1`,
    dnsServiceIP: `10.${serviceOctet}.0.10`,
    // The first cluster keeps MetalLB's 200-250; the others take 20 addresses each below it.
    metallbAddresses: index === 0 ? "192.168.56.200-192.168.56.250" : `192.168.56.${120 + 20 * index}-192.168.56.${139 + 20 * index}`,
  };
}

/** The first address of a range (`10.96.0.0/12` -> `10.96.0.1`): the `kubernetes` Service's. */
export function firstServiceIP(serviceCIDR: string): string {
  const [a, b, c, d] = serviceCIDR.split("/")[0].split(".").map(Number);
  return `${a}.${b}.${c}.${d + 1}`;
}
