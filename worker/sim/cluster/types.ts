// Kubernetes objects as the API server stores them (the subset the playground needs), plus the
// runtime facts a real cluster keeps outside the objects (container state, logs, allocators).
// Everything here is plain JSON: a ClusterState survives JSON.stringify/parse unchanged.
import type { ClusterProfile } from "./profile.ts";

export type Labels = Record<string, string>;

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  /** RFC 3339, second precision, as the API server writes it. */
  creationTimestamp: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Labels;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  /** What must finish before the object goes (kubernetes.io/pvc-protection, ...). */
  finalizers?: string[];
  generateName?: string;
  /** Server-side apply's record of who set which fields (api/managed-fields.ts). */
  managedFields?: ManagedFieldsEntry[];
}

/** One manager's fields (metav1.ManagedFieldsEntry); fieldsV1 is the set as nested `f:`/`k:`/`v:`/`.` elements. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: FieldsV1;
  subresource?: string;
}

/** A node of a fieldsV1 set: children by path element; `{}` is a leaf. */
export type FieldsV1 = { [element: string]: FieldsV1 };

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: "TCP" | "UDP" | "SCTP";
}

export interface EnvVar {
  name: string;
  value?: string;
  /** Where the kubelet reads the value when the container starts (core/v1 EnvVarSource). */
  valueFrom?: EnvVarSource;
}

/** A key of a ConfigMap or Secret in the pod's namespace. */
export interface KeySelector {
  name: string;
  key: string;
  optional?: boolean;
}

export interface EnvVarSource {
  configMapKeyRef?: KeySelector;
  secretKeyRef?: KeySelector;
  fieldRef?: { apiVersion: string; fieldPath: string };
  resourceFieldRef?: { containerName?: string; resource: string; divisor?: string | number };
}

/** core/v1 EnvFromSource: every key of a ConfigMap or Secret, optionally prefixed. */
export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: ContainerPort[];
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  imagePullPolicy?: string;
  resources?: Record<string, unknown>;
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
  /** `kubectl run -i`: the runtime keeps the container's stdin open for an attaching client. */
  stdin?: boolean;
  /** Close stdin after the first attach session ends (`kubectl run -i` sets it). */
  stdinOnce?: boolean;
  tty?: boolean;
  volumeMounts?: VolumeMount[];
  /** Checked by the kubelet: a container that fails it is not ready, so its pod is no endpoint. */
  readinessProbe?: Probe;
  /** Run by the kubelet (probe-workers.ts): failing it failureThreshold times restarts the container. */
  livenessProbe?: Probe;
  /** Run by the kubelet until it passes once per container run; liveness and readiness wait for it. */
  startupProbe?: Probe;
  /** preStop runs when the pod is deleted, before the stop signal (termination.ts); postStart is stored. */
  lifecycle?: Lifecycle;
}

/** core/v1 LifecycleHandler: exactly one of exec, httpGet, tcpSocket (deprecated) or sleep. */
export interface LifecycleHandler {
  exec?: { command: string[] };
  httpGet?: { path: string; port: number | string; scheme: string; host?: string };
  tcpSocket?: { port: number | string; host?: string };
  sleep?: { seconds: number };
}

export interface Lifecycle {
  postStart?: LifecycleHandler;
  preStop?: LifecycleHandler;
}

/** core/v1 Probe with its handler; the numbers carry the API server's defaults. */
export interface Probe {
  httpGet?: { path: string; port: number | string; scheme: string; host?: string; httpHeaders?: Array<{ name: string; value: string }> };
  tcpSocket?: { port: number | string; host?: string };
  exec?: { command: string[] };
  grpc?: { port: number; service?: string };
  initialDelaySeconds?: number;
  /** Overrides the pod's terminationGracePeriodSeconds when a liveness or startup failure kills the container. */
  terminationGracePeriodSeconds?: number;
  timeoutSeconds: number;
  periodSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
}

/** A pod volume: its name and one source (kept as the client sent it, projected as admitted). */
export interface Volume {
  name: string;
  projected?: {
    defaultMode?: number;
    sources: Array<{
      serviceAccountToken?: { expirationSeconds?: number; path: string; audience?: string };
      configMap?: { name: string; items?: Array<{ key: string; path: string }>; optional?: boolean };
      secret?: { name: string; items?: Array<{ key: string; path: string }>; optional?: boolean };
      downwardAPI?: { items?: Array<Record<string, unknown>> };
    }>;
  };
  emptyDir?: { medium?: string; sizeLimit?: string };
  configMap?: { name: string; defaultMode?: number; optional?: boolean; items?: Array<{ key: string; path: string; mode?: number }> };
  secret?: { secretName: string; defaultMode?: number; optional?: boolean; items?: Array<{ key: string; path: string; mode?: number }> };
  hostPath?: { path: string; type?: string };
  [source: string]: unknown;
}

export interface PodSpec {
  containers: Container[];
  nodeName?: string;
  /** The pod's own host name and its `<hostname>.<subdomain>` DNS name under a headless Service (StatefulSet pods). */
  hostname?: string;
  subdomain?: string;
  /** Extra /etc/hosts lines the kubelet writes after its own (a name per alias, one line per IP). */
  hostAliases?: Array<{ ip: string; hostnames?: string[] }>;
  restartPolicy?: "Always" | "OnFailure" | "Never";
  dnsPolicy?: string;
  /** Nameservers, search domains and resolver options the kubelet adds to (or, with dnsPolicy None, makes) /etc/resolv.conf. */
  dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: Array<{ name: string; value?: string }> };
  schedulerName?: string;
  serviceAccountName?: string;
  /** Deprecated copy of serviceAccountName the API server still fills in. */
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  volumes?: Volume[];
  terminationGracePeriodSeconds?: number;
  tolerations?: Array<Record<string, unknown>>;
  hostNetwork?: boolean;
  enableServiceLinks?: boolean;
  preemptionPolicy?: string;
  priority?: number;
  securityContext?: Record<string, unknown>;
  nodeSelector?: Record<string, string>;
  /** Kept as sent; the scheduler reads nodeAffinity's required matchFields on metadata.name (what DaemonSet pods carry). */
  affinity?: Record<string, unknown>;
}

export interface PodCondition {
  type: "PodReadyToStartContainers" | "Initialized" | "Ready" | "ContainersReady" | "PodScheduled";
  status: "True" | "False" | "Unknown";
  lastProbeTime: null;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

export interface ContainerState {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  terminated?: { exitCode: number; reason: string; startedAt?: string; finishedAt?: string };
}

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState;
}

export interface PodStatus {
  phase: "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";
  conditions?: PodCondition[];
  hostIP?: string;
  hostIPs?: Array<{ ip: string }>;
  podIP?: string;
  podIPs?: Array<{ ip: string }>;
  startTime?: string;
  qosClass?: string;
  containerStatuses?: ContainerStatus[];
}

export interface Pod {
  apiVersion: "v1";
  kind: "Pod";
  metadata: ObjectMeta;
  spec: PodSpec;
  status: PodStatus;
}

export type ServiceType = "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName";

export interface ServicePort {
  name?: string;
  protocol: "TCP" | "UDP" | "SCTP";
  port: number;
  /** A number, or the name of a container port resolved per pod. */
  targetPort: number | string;
  nodePort?: number;
  appProtocol?: string;
}

export interface ServiceSpec {
  type: ServiceType;
  selector?: Labels;
  ports: ServicePort[];
  clusterIP?: string;
  clusterIPs?: string[];
  externalIPs?: string[];
  externalName?: string;
  sessionAffinity: "None" | "ClientIP";
  sessionAffinityConfig?: { clientIP: { timeoutSeconds: number } };
  externalTrafficPolicy?: "Cluster" | "Local";
  /** The node port kube-proxy answers health checks on (LoadBalancer with externalTrafficPolicy: Local). */
  healthCheckNodePort?: number;
  internalTrafficPolicy?: "Cluster" | "Local";
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  loadBalancerIP?: string;
  allocateLoadBalancerNodePorts?: boolean;
  /** Not-ready pods count as ready endpoints (and get DNS records), as a StatefulSet's peers need. */
  publishNotReadyAddresses?: boolean;
}

export interface Service {
  apiVersion: "v1";
  kind: "Service";
  metadata: ObjectMeta;
  spec: ServiceSpec;
  status: { loadBalancer: { ingress?: Array<{ ip?: string; hostname?: string; ipMode?: "VIP" | "Proxy" }> } };
}

export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export interface PodTemplateSpec {
  metadata: { labels?: Labels; annotations?: Record<string, string>; creationTimestamp?: null };
  spec: PodSpec;
}

export interface Deployment {
  apiVersion: "apps/v1";
  kind: "Deployment";
  metadata: ObjectMeta;
  spec: {
    replicas: number;
    selector: LabelSelector;
    template: PodTemplateSpec;
    strategy?: Record<string, unknown>;
    revisionHistoryLimit?: number;
    progressDeadlineSeconds?: number;
  };
  status: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    conditions?: Array<Record<string, unknown>>;
  };
}

export interface ReplicaSet {
  apiVersion: "apps/v1";
  kind: "ReplicaSet";
  metadata: ObjectMeta;
  spec: { replicas: number; selector: LabelSelector; template: PodTemplateSpec };
  status: {
    replicas: number;
    fullyLabeledReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    observedGeneration?: number;
  };
}

export interface DaemonSet {
  apiVersion: "apps/v1";
  kind: "DaemonSet";
  metadata: ObjectMeta;
  spec: {
    selector: LabelSelector;
    template: PodTemplateSpec;
    updateStrategy: { type: string; rollingUpdate?: { maxSurge: number | string; maxUnavailable: number | string } };
    revisionHistoryLimit: number;
  };
  status: {
    currentNumberScheduled: number;
    desiredNumberScheduled: number;
    numberAvailable?: number;
    numberMisscheduled: number;
    numberReady: number;
    numberUnavailable?: number;
    observedGeneration?: number;
    updatedNumberScheduled?: number;
  };
}

export interface NodeAddress {
  type: "InternalIP" | "ExternalIP" | "Hostname";
  address: string;
}

export interface Node {
  apiVersion: "v1";
  kind: "Node";
  metadata: ObjectMeta;
  spec: { podCIDR: string; podCIDRs: string[]; taints?: Array<{ key: string; effect: string; value?: string }>; unschedulable?: boolean };
  status: {
    addresses: NodeAddress[];
    conditions: Array<{ type: string; status: string; reason: string; message: string; lastHeartbeatTime: string; lastTransitionTime: string }>;
    nodeInfo: {
      kubeletVersion: string;
      kubeProxyVersion: string;
      osImage: string;
      kernelVersion: string;
      containerRuntimeVersion: string;
      operatingSystem: string;
      architecture: string;
      machineID: string;
      systemUUID: string;
      bootID: string;
    };
    capacity: Record<string, string>;
    allocatable: Record<string, string>;
  };
}

export interface Namespace {
  apiVersion: "v1";
  kind: "Namespace";
  metadata: ObjectMeta;
  spec: { finalizers: string[] };
  status: { phase: "Active" | "Terminating" };
}

/**
 * An object of a kind kept in the generic store (ClusterState.objects): ConfigMap, Secret and the
 * kinds after them. Its own fields (data, type, spec...) are typed by its kind's module.
 */
export interface GenericObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export type KubeObject = Pod | Service | Deployment | ReplicaSet | DaemonSet | Node | Namespace | GenericObject;

/** IPVS's counters of one virtual or real server, and its rate estimator (ip_vs_est.c). */
export interface IpvsCounters {
  conns: number;
  inPkts: number;
  outPkts: number;
  inBytes: number;
  outBytes: number;
  /** The estimator's last 2-second tick (simulated ms), the counters then, and its smoothed rates per second. */
  estAt: number;
  last: [number, number, number, number, number];
  rates: [number, number, number, number, number];
}

/** One connection in a node's conntrack table: the original and the reply direction's addresses. */
export interface ConntrackEntry {
  node: string;
  protocol: "tcp" | "udp";
  orig: { src: string; dst: string; sport: number; dport: number };
  reply: { src: string; dst: string; sport: number; dport: number };
  /** Simulated ms of the connection's last packet (its close, for TCP). */
  at: number;
}

/** What the kubelet and container runtime know about a pod, kept beside the Pod object. */
export interface PodRuntime {
  /** Simulated ms when each lifecycle step happens; the reconciler turns them into status. */
  createdAt: number;
  scheduledAt?: number;
  /**
   * The Services that existed when the pod started (their `<NAME>_SERVICE_HOST` ... variables):
   * an id in ClusterState.serviceLinkSets (service-env.ts). Absent when it saw none.
   */
  serviceLinks?: string;
  /** The variables themselves, as sessions saved before serviceLinks kept them (read only). */
  serviceEnv?: Record<string, string>;
  /** Lines of the current log file (nginx access log, ...), newest last; see container-log.ts. */
  logs: string[];
  /** When each line of `logs` was written (ms), for timestamps and since; absent in older sessions. */
  logTimes?: number[];
  /** Bytes of `logs` as written to the file (a line and its newline each); absent in older sessions. */
  logBytes?: number;
  /** When the log file was last rotated: `kubectl logs` shows nothing written before it. */
  logRotatedAt?: number;
  /** What database processes hold in memory, by container name (net/apps/server-data.ts). */
  serverData?: Record<string, ServerData>;
  /** For crashing containers: when the current back-off ends. */
  nextRestartAt?: number;
  lastTerminatedAt?: number;
  /** One entry per container, in spec order (the kubelet's view of each container). */
  containers?: ContainerRuntime[];
  /** When the pod sandbox got its network (the pod IP shows from then on). */
  sandboxAt?: number;
  /** Failed set-ups of its configMap/secret volumes so far (volume-mount.ts); absent once mounted. */
  mountFailures?: number;
  /** Simulated ms of the next status change of this pod; undefined when it is stable. */
  nextAt?: number;
  /** For a deleted pod: when the kubelet has killed it and the object disappears. */
  goneAt?: number;
  /** A CoreDNS container's process: the Corefile it runs and its reload plugin's ticker (cluster/coredns-process.ts). */
  coredns?: CorednsRun;
  /** A kube-proxy container's process: the proxier it chose from its config file when it started (cluster/kube-proxy-process.ts). */
  kubeProxy?: KubeProxyRun;
}

/** One run of a kube-proxy container: the mode and IPVS scheduler it read from config.conf as it started. */
export interface KubeProxyRun {
  containerID: string;
  mode: "iptables" | "ipvs";
  /** The IPVS scheduler (rr when the config leaves it blank); meaningful in ipvs mode. */
  scheduler: string;
  /** The config left the mode blank (kube-proxy logs that it defaults to iptables). */
  defaulted?: boolean;
  /** Why this run refused its config and exited; mode and scheduler are then the last good run's. */
  error?: string;
}

/** One run of a CoreDNS container, as its process sees its configuration. */
export interface CorednsRun {
  /** The container run it belongs to: a restarted container loads the Corefile afresh. */
  containerID: string;
  /** The Corefile text it serves from. */
  corefile: string;
  /** When it loaded it (start or last reload): the reload plugin's ticker starts then. */
  loadedAt: number;
  /** The tick of the reload plugin that will find the changed Corefile; undefined when nothing is pending. */
  reloadAt?: number;
  /** The SHA512 of the last changed Corefile a reload failed to start: the ticker does not retry it. */
  failedSha?: string;
  /** The metrics plugin's counters of this process, by series (`name{labels}`): net/coredns-metrics.ts. */
  metrics?: { [series: string]: number };
}

/** A database process's in-memory data (no volume): it belongs to one run of the container. */
export interface ServerData {
  /** The run it belongs to: a restarted container starts empty. */
  containerID: string;
  /** redis's keyspace (string values). */
  keys?: Record<string, string>;
  /** Before tables were kept per database: the entrypoint's database's tables (read as such). */
  tables?: Record<string, SqlTable>;
  /** SQL databases by name, each its tables by name (sql-server.ts). */
  databases?: Record<string, Record<string, SqlTable>>;
}

/** A SQL table: its columns ("name type", the type as written in lower case) and rows of values (null as null). */
export interface SqlTable {
  columns: string[];
  rows: Array<Array<string | null>>;
  /** Column defaults by column name ("\u0000now" / "\u0000current_timestamp": the time of the insert). */
  defaults?: Record<string, string | null>;
  notNull?: string[];
  primaryKey?: string[];
  /** serial / AUTO_INCREMENT columns: the last value given out. */
  auto?: Record<string, number>;
}

/**
 * What the kubelet knows about one container. `phase` is the step of the lifecycle:
 * creating (ContainerCreating), pull-error (ErrImagePull), pull-backoff (ImagePullBackOff),
 * running, exited (terminated: Completed/Error), crash-backoff (CrashLoopBackOff).
 */
export interface ContainerRuntime {
  name: string;
  phase: "creating" | "pull-error" | "pull-backoff" | "config-error" | "running" | "exited" | "crash-backoff";
  /** When this phase began. */
  since: number;
  /** When this phase ends on its own (a process exits, a back-off expires); undefined = never. */
  until?: number;
  restartCount: number;
  pullAttempts: number;
  containerID?: string;
  startedAt?: number;
  exitCode?: number;
  lastTerminated?: { exitCode: number; startedAt: number; finishedAt: number; containerID: string };
  /** The readiness probe's verdict since this run started; undefined when there is no probe. */
  probeReady?: boolean;
  /** The startup probe passed in this run (containerStatuses[].started); undefined until then. */
  probeStarted?: boolean;
  /** When a probe last changed this run's ready or started verdict (the Ready condition's transition). */
  verdictAt?: number;
  /** A liveness or startup failure is killing this run: it restarts whatever its exit code. */
  probeKilled?: boolean;
  /** The kubelet's probe workers of this container (probe-workers.ts), kept across its runs as the kubelet keeps them. */
  probes?: ProbeWorkers;
  /** The next statements of its `sh -c` script that run after a sleep (container-script.ts), and when. */
  script?: { at: number; next: number };
  /** config-error: why the kubelet could not make the container's config (`secret "db" not found`). */
  configError?: string;
  /**
   * The environment resolved from ConfigMaps, Secrets and the pod's fields when this run started
   * (container-env.ts); only for containers that have such references, as literals need no copy.
   */
  env?: Record<string, string>;
}

export type ProbeKind = "liveness" | "readiness" | "startup";

/** prober/worker.go's state for one probe of one container: its ticker and its run of equal results. */
export interface ProbeWorker {
  /** The ticker's next tick (ms). */
  nextAt: number;
  /** The last result and how many times in a row it came (lastResult, resultRun). */
  last?: boolean;
  run: number;
  /** The container run it last saw; a new one resets the results manager and lifts the hold. */
  containerID?: string;
  /** After a liveness or startup failure: no probing until the container is new. */
  onHold?: boolean;
  /** A run the status manager asked for (manualTriggerCh): readiness once its container has started. */
  manualAt?: number;
}

export type ProbeWorkers = Partial<Record<ProbeKind, ProbeWorker>>;

export interface ClusterConfig {
  kubernetesVersion: string;
  podCIDR: string;
  serviceCIDR: string;
  nodePortRange: { min: number; max: number };
  clusterDomain: string;
  dnsServiceIP: string;
  /** Cap on stored objects (pods, services, deployments, replicasets, daemonsets, namespaces). */
  maxObjects: number;
  /** The CNI and add-ons the cluster was built with (profile.ts); absent in clusters saved before. */
  profile?: ClusterProfile;
  /** Which of a session's clusters this is (cluster/layout.ts); absent: the first. */
  layout?: number;
}

export interface ClusterState {
  config: ClusterConfig;
  /** Simulated time of the last reconcile, ms since the epoch. */
  now: number;
  /** Last resourceVersion handed out. */
  resourceVersion: number;
  /** Objects keyed by name (cluster-scoped) or `namespace/name` (namespaced). */
  nodes: Record<string, Node>;
  namespaces: Record<string, Namespace>;
  pods: Record<string, Pod>;
  services: Record<string, Service>;
  deployments: Record<string, Deployment>;
  replicaSets: Record<string, ReplicaSet>;
  /** Keyed like pods. Optional: sessions saved before DaemonSets were simulated have none. */
  daemonSets?: Record<string, DaemonSet>;
  /**
   * The generic store: resource name (`configmaps`) -> objects keyed like pods. Kinds added since
   * the registry live here. Optional: absent until such an object exists.
   */
  objects?: Record<string, Record<string, GenericObject>>;
  /** Keyed like pods. */
  podRuntime: Record<string, PodRuntime>;
  /** Pod IPs released recently, with the time they become reusable, so a recreated pod gets a new IP. */
  releasedPodIPs: Record<string, number>;
  /**
   * kube-proxy's `-m recent` memory for sessionAffinity: ClientIP, written by the data plane
   * (worker/sim/net): key `servicePortName/protocol|clientIP` -> endpoint `ip:port` and the time of
   * the last packet. Optional: absent until a request meets a ClientIP-affinity Service.
   */
  affinity?: Record<string, { endpoint: string; at: number }>;
  /**
   * IPVS's round-robin position per virtual server on nodes whose kube-proxy runs in ipvs mode:
   * key `node|PROTO|ip:port` -> the real server (`ip:port`) the last connection went to. Written by
   * the data plane; absent until a connection goes through IPVS.
   */
  ipvsRoundRobin?: Record<string, string>;
  /**
   * IPVS's traffic counters (net/ipvs-stats.ts) per virtual server (`node|PROTO|ip:port`) and per
   * real server (`node|PROTO|ip:port|rs:port`), with the rate estimator's state, as
   * `ipvsadm -Ln --stats` and `--rate` show them. Written by the data plane; absent until a
   * connection goes through IPVS.
   */
  ipvsStats?: Record<string, IpvsCounters>;
  /**
   * The nodes' connection tracking of recent connections through Services (written by the data
   * plane, net/conntrack.ts): key `node|proto|src:sport|dst:dport`. Optional: absent until one.
   */
  conntrack?: Record<string, ConntrackEntry>;
  /**
   * Recorded Events (events.ts), oldest first, about MAX_EVENTS of them. Optional: sessions
   * created before events existed have none.
   */
  events?: ClusterEvent[];
  /**
   * Services as starting pods saw them, shared by every pod that saw the same (service-env.ts):
   * snapshot id -> ServiceLink, and set id -> the snapshot ids one pod got, in order. Optional:
   * absent until a pod starts.
   */
  serviceLinks?: Record<string, ServiceLink>;
  serviceLinkSets?: Record<string, string[]>;
  /**
   * What learners wrote to the machines' file systems (files/store.ts): `machine|path` -> the
   * entry. Only writes are stored; the files an image or the system generates are computed.
   * Optional: absent until something is written.
   */
  files?: Record<string, StoredEntry>;
  /**
   * The node whose MetalLB speaker announces each LoadBalancer Service's address, as last
   * reported in a `nodeAssigned` event (cluster/metallb.ts): Service key -> node and the Service's
   * uid. Optional: absent until a load-balancer address is announced.
   */
  loadBalancerAnnouncements?: Record<string, { node: string; uid: string }>;
}

/**
 * A file system entry as written: a file with its text, a directory, or `gone` (an image's or
 * the system's file that was removed). `mtime` is simulated ms; `mode` the permission bits.
 */
/** A written file or directory; `owner` when another machine's user wrote it (a container's root, through a volume). */
export type StoredEntry = { type: "file"; data: string; mode: number; mtime: number; owner?: string } | { type: "dir"; mode: number; mtime: number; owner?: string } | { type: "gone" };

/** One port of a ServiceLink: port, protocol, and the port's name if it has one. */
export type ServiceLinkPort = [port: number, protocol: string, name?: string];

/** A Service as a starting pod saw it: name, clusterIP, then its ports (at least one). */
export type ServiceLink = [name: string, clusterIP: string, ...ports: ServiceLinkPort[]];

/** A core/v1 Event's involvedObject. */
export interface InvolvedObject {
  kind: string;
  apiVersion: string;
  namespace?: string;
  name: string;
  uid: string;
  fieldPath?: string;
}

/** A core/v1 Event's source. */
export interface EventSource {
  component: string;
  host?: string;
}

/**
 * A core/v1 Event in the compact form the store keeps (events.ts expands it for readers): the
 * involvedObject's and the source's fields flattened into the entry.
 */
export interface ClusterEvent extends InvolvedObject, EventSource {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  /** firstTimestamp / lastTimestamp, simulated ms. */
  first: number;
  last: number;
  count: number;
  /** metadata.name (its namespace is the object's, `default` for cluster-scoped ones). */
  eventName: string;
}

/** discovery.k8s.io/v1 EndpointSlice, derived from Services and Pods by the endpoints controller. */
export interface EndpointSlice {
  apiVersion: "discovery.k8s.io/v1";
  kind: "EndpointSlice";
  metadata: ObjectMeta;
  addressType: "IPv4";
  endpoints: Array<{
    addresses: string[];
    conditions: { ready: boolean; serving: boolean; terminating: boolean };
    nodeName?: string;
    /** The pod's spec.hostname when its spec.subdomain names this Service (CoreDNS's `<hostname>.<service>` record). */
    hostname?: string;
    /** Absent for manual endpoints (the `kubernetes` Service's API server address). */
    targetRef?: { kind: "Pod"; name: string; namespace: string; uid: string };
  }>;
  /** Empty for the placeholder slice of a Service that selects no pods (the API shows null). */
  ports: Array<{ name: string; port: number; protocol: "TCP" | "UDP" | "SCTP" }>;
}

/** core/v1 Endpoints, derived the same way (kubectl get endpoints still prints it). */
export interface Endpoints {
  apiVersion: "v1";
  kind: "Endpoints";
  metadata: ObjectMeta;
  subsets?: Array<{
    addresses?: Array<{ ip: string; hostname?: string; nodeName?: string; targetRef?: { kind: "Pod"; name: string; namespace: string; uid: string } }>;
    notReadyAddresses?: Array<{ ip: string; hostname?: string; nodeName?: string; targetRef?: { kind: "Pod"; name: string; namespace: string; uid: string } }>;
    ports?: Array<{ name?: string; port: number; protocol: "TCP" | "UDP" | "SCTP" }>;
  }>;
}

/**
 * What a client sends to the API server (kubectl run/create/apply/expose build these). Only the
 * fields a client may set; the server fills in uid, resourceVersion, timestamps and defaults.
 * `spec` is read defensively: it comes from user YAML after schema checks on the client side.
 */
export interface SubmittedObject {
  apiVersion?: string;
  kind: string;
  metadata?: {
    name?: string;
    generateName?: string;
    namespace?: string;
    labels?: Labels;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReference[];
    /** When set on update, must equal the stored one (optimistic concurrency). */
    resourceVersion?: string;
    uid?: string;
    creationTimestamp?: string | null;
    managedFields?: ManagedFieldsEntry[];
  };
  spec?: object;
  status?: unknown;
}
