// The route a request took, as data a person can read and the page can animate.

export type Verdict =
  | "answered" // a process replied (HTTP status in `status`)
  | "refused" // TCP RST / ICMP port unreachable: kube-proxy REJECT, or nothing listening
  | "timed-out" // dropped: unroutable from here, DROP rule, or a port nobody answers
  | "not-resolved" // DNS failure
  | "empty-reply" // connected, the process speaks another protocol and closed
  | "tls-failed"; // connected, the client's TLS handshake failed or it refused the certificate

/**
 * Why a request failed, as a code a lesson can pick a hint by (the sentence in `reason` says it to
 * a person): the learner's mistake behind each way a connection fails.
 */
export type TraceCause =
  | "not-resolved" // the name has no address (a Service name misspelt, another namespace)
  | "unreachable" // no host has the address from here (a pod IP from outside, a made-up IP)
  | "no-service-port" // the ClusterIP or load-balancer address has no such port
  | "node-port-closed" // a node's port that is no NodePort and where nothing listens
  | "not-announced" // a load-balancer address nobody announces
  | "no-endpoints" // the Service selects no ready pod
  | "traffic-policy-local" // a Local traffic policy and no ready pod on that node
  | "endpoint-gone" // the endpoint chosen no longer exists
  | "policy-dropped" // a NetworkPolicy dropped it
  | "pod-not-running" // the pod (or its server's container) does not run
  | "port-closed"; // it reached the pod (or node), but nothing listens on that port: a wrong targetPort

export interface Endpoint {
  ip: string;
  port: number;
}

export type HopKind =
  | "client" // where the request starts (workstation, node, pod)
  | "dns" // a name was resolved (or not)
  | "node" // arrived at a node's IP (nodePort)
  | "service" // matched a Service's ClusterIP:port (KUBE-SVC chain)
  | "endpoint" // kube-proxy chose an endpoint (KUBE-SEP, DNAT)
  | "pod" // arrived at a pod IP
  | "outside" // left the cluster for a host on the (simulated) internet
  | "process"; // the process inside the pod that answered (or did not)

export interface Hop {
  kind: HopKind;
  /** What this hop is, e.g. "node01", "service default/nginx", "pod default/nginx". */
  label: string;
  /** Object the hop belongs to, so the page can highlight it on the map. */
  ref?: { kind: "Node" | "Service" | "Pod" | "Workstation"; namespace?: string; name: string };
  /** Destination and source before this hop's rules applied. */
  before?: { src: Endpoint; dst: Endpoint };
  /** Destination and source after NAT (DNAT to the endpoint, SNAT/MASQUERADE to the node). */
  after?: { src: Endpoint; dst: Endpoint };
  /** The iptables chain/rule that matched, as kube-proxy writes it. */
  rule?: string;
  /**
   * Every rule the packet matched at this hop, in order (`rule` is the one that decided): e.g. the
   * KUBE-MARK-MASQ before a jump, or the statistic rule before the DNAT.
   */
  rules?: string[];
  /** Plain-language explanation of what happened here. */
  note: string;
  /**
   * The NetworkPolicy that decided at this hop (Calico clusters): `ns/name`, the direction, the
   * 1-based rule that allowed the packet (none when dropped: no rule of any selecting policy did).
   */
  policy?: { names: string[]; direction: "ingress" | "egress"; rule?: number; verdict: "allowed" | "dropped" };
}

export interface RouteTrace {
  /** The request as typed: e.g. "curl http://192.168.56.11:30080/". */
  request: string;
  from: { kind: "workstation" | "node" | "pod"; name: string; ip: string };
  to: { host: string; port: number; path?: string };
  /**
   * In a session with several clusters: the one whose hops these are (the cluster the command ran
   * against, or the one whose node network address the workstation reached). Absent with one cluster.
   */
  cluster?: string;
  hops: Hop[];
  verdict: Verdict;
  /** HTTP status when answered over HTTP. */
  status?: number;
  /** Why it ended that way, in one sentence. */
  reason: string;
  /** When it failed: the cause, as a code. */
  cause?: TraceCause;
}
