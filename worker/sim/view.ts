// The cluster as the page draws it: a small, documented shape derived from the session state.
// GET /api/sessions/:id returns it as `cluster`; the live WebSocket sends it after each change.

export interface ClusterView {
  /** Simulated time the view was taken at (ms since the epoch). */
  now: number;
  workstation: { name: string; ip: string };
  nodes: Array<{
    name: string;
    ip: string;
    roles: string[];
    ready: boolean;
    podCIDR: string;
  }>;
  pods: Array<{
    namespace: string;
    name: string;
    node?: string;
    ip?: string;
    /** What `kubectl get pods` prints in STATUS (Running, ContainerCreating, CrashLoopBackOff, ...). */
    status: string;
    ready: boolean;
    labels: Record<string, string>;
    image: string;
    /** Ports its process really listens on. */
    listening: number[];
    /** Deployment that owns it through a ReplicaSet, if any. */
    owner?: string;
    system: boolean;
  }>;
  services: Array<{
    namespace: string;
    name: string;
    type: string;
    clusterIP: string;
    selector: Record<string, string>;
    ports: Array<{ name?: string; port: number; targetPort: number | string; nodePort?: number; protocol: string }>;
    /** Ready endpoints, with the pod they belong to. */
    endpoints: Array<{ ip: string; port: number; pod: string; node?: string }>;
    externalTrafficPolicy?: string;
    system: boolean;
  }>;
  deployments: Array<{ namespace: string; name: string; replicas: number; ready: number; selector: Record<string, string> }>;
  /** Where the console is now: workstation, a node, or a pod shell. */
  shell: { kind: "workstation" | "node" | "pod"; name: string };
}
