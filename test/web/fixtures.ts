// Small ClusterView values for the page's pure modules: three kubeadm-like nodes and what a
// test adds to them.
import type { ClusterView } from "../../worker/sim/view.ts";

type Pod = ClusterView["pods"][number];
type Service = ClusterView["services"][number];

export function pod(name: string, extra: Partial<Pod> = {}): Pod {
  return {
    namespace: "default", name, node: "node01", ip: "10.244.1.5", status: "Running", ready: true,
    labels: { run: name }, image: "nginx", listening: [80], system: false, ...extra,
  };
}

export function service(name: string, extra: Partial<Service> = {}): Service {
  return {
    namespace: "default", name, type: "NodePort", clusterIP: "10.96.0.50", selector: { run: name },
    ports: [{ port: 8080, targetPort: 80, nodePort: 30080, protocol: "TCP" }], endpoints: [], system: false, ...extra,
  };
}

export function view(pods: Pod[] = [], services: Service[] = []): ClusterView {
  return {
    now: 0,
    profile: { cni: "flannel", loadBalancer: "metallb", ingress: "none" },
    workstation: { name: "workstation", ip: "192.168.56.1" },
    nodes: [
      { name: "controlplane", ip: "192.168.56.10", roles: ["control-plane"], ready: true, podCIDR: "10.244.0.0/24" },
      { name: "node01", ip: "192.168.56.11", roles: [], ready: true, podCIDR: "10.244.1.0/24" },
      { name: "node02", ip: "192.168.56.12", roles: [], ready: true, podCIDR: "10.244.2.0/24" },
    ],
    pods,
    services,
    deployments: [],
    shell: { kind: "workstation", name: "workstation" },
  };
}
