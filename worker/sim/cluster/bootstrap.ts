// The cluster a new session starts with, as `kubeadm init` + `kubeadm join` x2 + flannel leave
// it: a tainted control-plane node and two workers on one node network, the control-plane
// static pods, kube-proxy and flannel on every node, CoreDNS (a Deployment) and the `kubernetes`
// and `kube-dns` Services. It is built by replaying that history through the API server and the
// controllers, starting CLUSTER_AGE_MS before `now`, so ages, IPs and statuses are real ones.
//
// Node network: 192.168.56.0/24 (VirtualBox's host-only network, which kubeadm lab setups such
// as Vagrant boxes use): controlplane .10, node01 .11, node02 .12, nodeNN .10+NN.
// Pod network: flannel's 10.244.0.0/16 with one /24 per node in join order.
import { parseAllDocuments } from "yaml";
import { lookupCatalogue } from "../catalogue/index.ts";
import { kubeadmCorefile } from "../net/coredns.ts";
import { type Random, createRandom } from "../random.ts";
import { createObject } from "./api-server.ts";
import { reconcile } from "./controllers.ts";
import { kubernetesService } from "./kubernetes-service.ts";
import { KUBE_PROXY_CONFIG_MAP_UID, kubeadmKubeProxyConfig, kubeadmKubeProxyKubeconfig } from "./kube-proxy-config.ts";
import { daemonPodFor } from "./daemon-sets.ts";
import { involvedObject, recordEvent } from "./events.ts";
import { fnv32a, newHex, newUid, randomSuffix, rfc3339 } from "./ids.ts";
import { nextResourceVersion, putObject } from "./store.ts";
import { Tx } from "./tx.ts";
import { type ClusterProfile, DEFAULT_PROFILE } from "./profile.ts";
import { DEFAULT_POOL, METALLB_NAMESPACE, METALLB_VERSION } from "./metallb.ts";
import { CALICO_ADDRESS_ANNOTATION, CALICO_TUNNEL_ANNOTATION, CALICO_VERSION, blockText, claimBlock } from "./calico-ipam.ts";
import { type Cidr, numberToIp } from "./ipv4.ts";
import { APP_LABEL, CONFIG_JSON, HELPER_POD, LOCAL_PATH_NAMESPACE, LOCAL_PATH_PROVISIONER, LOCAL_PATH_VERSION, SETUP, TEARDOWN } from "./local-path.ts";
import { DEFAULT_CLASS_ANNOTATION } from "../kinds/storage-class.ts";
import { LOCAL_PATH_CLASS } from "./store.ts";
import type { ClusterState, DaemonSet, Node, SubmittedObject } from "./types.ts";
import { clusterLayout, type ClusterLayout } from "./layout.ts";

export const CLUSTER_AGE_MS = 25 * 60 * 1000;
export const KUBERNETES_VERSION = "v1.34.1";
const NODE_NETWORK_BASE = [192, 168, 56, 10];

export interface BootstrapOptions {
  now: number;
  random: Random;
  maxObjects?: number;
  /** Worker nodes (node01 ...); 2 by default. Benchmarks use more. */
  workers?: number;
  /** The kubelet's --max-pods (allocatable pods per node); 110 by default, as kubeadm. */
  maxPodsPerNode?: number;
  /** The CNI and add-ons (profile.ts); the default profile when absent. */
  profile?: ClusterProfile;
  /** Which of a session's clusters this is (layout.ts): its node names and ranges; 0 when absent. */
  layout?: number;
}

function nodeAddress(index: number): string {
  const n = NODE_NETWORK_BASE[3] + index;
  return `${NODE_NETWORK_BASE[0]}.${NODE_NETWORK_BASE[1]}.${NODE_NETWORK_BASE[2] + Math.floor(n / 256)}.${n % 256}`;
}

function makeNode(name: string, index: number, created: number, random: Random, maxPods: number, layout: ClusterLayout, calicoBlock?: Cidr): Node {
  const controlPlane = index === 0;
  const labels: Record<string, string> = {
    "beta.kubernetes.io/arch": "amd64",
    "beta.kubernetes.io/os": "linux",
    "kubernetes.io/arch": "amd64",
    "kubernetes.io/hostname": name,
    "kubernetes.io/os": "linux",
  };
  if (controlPlane) {
    labels["node-role.kubernetes.io/control-plane"] = "";
    labels["node.kubernetes.io/exclude-from-external-load-balancers"] = "";
  }
  const ip = nodeAddress(layout.nodeOffset + index);
  const podCIDR = `10.${layout.podOctet}.${index}.0/24`;
  const ts = rfc3339(created);
  const ready = rfc3339(created + 35_000);
  // A VTEP's MAC is unicast and locally administered: the first byte has bit 0 clear, bit 1 set.
  const octets = Array.from({ length: 6 }, () => newHex(random, 2));
  octets[0] = ((parseInt(octets[0], 16) & 0xfc) | 0x02).toString(16).padStart(2, "0");
  const mac = octets.join(":");
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      uid: newUid(random),
      resourceVersion: "",
      creationTimestamp: ts,
      labels,
      annotations: {
        // What the CNI's node agent publishes: flannel its VXLAN endpoint, calico-node its
        // detected address and its tunl0 address (the first of the node's IPAM block).
        ...(calicoBlock
          ? { [CALICO_ADDRESS_ANNOTATION]: `${ip}/24`, [CALICO_TUNNEL_ANNOTATION]: numberToIp(calicoBlock.base) }
          : {
              "flannel.alpha.coreos.com/backend-data": `{"VNI":1,"VtepMAC":"${mac}"}`,
              "flannel.alpha.coreos.com/backend-type": "vxlan",
              "flannel.alpha.coreos.com/kube-subnet-manager": "true",
              "flannel.alpha.coreos.com/public-ip": ip,
            }),
        "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
        "node.alpha.kubernetes.io/ttl": "0",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
      },
    },
    spec: {
      podCIDR,
      podCIDRs: [podCIDR],
      ...(controlPlane ? { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] } : {}),
    },
    status: {
      addresses: [
        { type: "InternalIP", address: ip },
        { type: "Hostname", address: name },
      ],
      conditions: [
        calicoBlock
          ? { type: "NetworkUnavailable", status: "False", reason: "CalicoIsUp", message: "Calico is running on this node", lastHeartbeatTime: ready, lastTransitionTime: ready }
          : { type: "NetworkUnavailable", status: "False", reason: "FlannelIsUp", message: "Flannel is running on this node", lastHeartbeatTime: ready, lastTransitionTime: ready },
        { type: "MemoryPressure", status: "False", reason: "KubeletHasSufficientMemory", message: "kubelet has sufficient memory available", lastHeartbeatTime: ts, lastTransitionTime: ts },
        { type: "DiskPressure", status: "False", reason: "KubeletHasNoDiskPressure", message: "kubelet has no disk pressure", lastHeartbeatTime: ts, lastTransitionTime: ts },
        { type: "PIDPressure", status: "False", reason: "KubeletHasSufficientPID", message: "kubelet has sufficient PID available", lastHeartbeatTime: ts, lastTransitionTime: ts },
        { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: ready, lastTransitionTime: ready },
      ],
      nodeInfo: {
        kubeletVersion: KUBERNETES_VERSION,
        kubeProxyVersion: "",
        osImage: "Ubuntu 24.04.1 LTS",
        kernelVersion: "6.8.0-51-generic",
        containerRuntimeVersion: "containerd://1.7.24",
        operatingSystem: "linux",
        architecture: "amd64",
        machineID: newHex(random, 32),
        systemUUID: newUid(random),
        bootID: newUid(random),
      },
      // Memory as the kubelet reports a VM's: Ki not a whole number of Mi (the API would print a
      // whole one canonically as Mi); allocatable is capacity less the 100Mi eviction threshold.
      capacity: { cpu: "2", "ephemeral-storage": "30297152Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0", memory: "4005892Ki", pods: String(maxPods) },
      allocatable: { cpu: "2", "ephemeral-storage": "27921511440", "hugepages-1Gi": "0", "hugepages-2Mi": "0", memory: "3903492Ki", pods: String(maxPods) },
    },
  };
}

const CONTROL_PLANE_TOLERATIONS = [
  { key: "CriticalAddonsOnly", operator: "Exists" },
  { effect: "NoSchedule", key: "node-role.kubernetes.io/control-plane" },
];

// The requests kubeadm's static pod manifests, CoreDNS' Deployment and flannel's DaemonSet set
// (kube-proxy sets none). Frozen: every pod of a kind shares one object.
const requests = (list: Record<string, string>): Record<string, unknown> => Object.freeze({ requests: Object.freeze(list) });
const SYSTEM_RESOURCES = {
  etcd: requests({ cpu: "100m", memory: "100Mi" }),
  "kube-apiserver": requests({ cpu: "250m" }),
  "kube-controller-manager": requests({ cpu: "200m" }),
  "kube-scheduler": requests({ cpu: "100m" }),
  coredns: Object.freeze({ limits: Object.freeze({ memory: "170Mi" }), requests: Object.freeze({ cpu: "100m", memory: "70Mi" }) }),
  "kube-flannel": requests({ cpu: "100m", memory: "50Mi" }),
} as const;

function staticPod(component: keyof typeof SYSTEM_RESOURCES, image: string, command: string[], node: string): SubmittedObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `${component}-${node}`,
      namespace: "kube-system",
      labels: { component, tier: "control-plane" },
      annotations: { "kubernetes.io/config.source": "file" },
    },
    spec: {
      nodeName: node,
      hostNetwork: true,
      priorityClassName: "system-node-critical",
      tolerations: [{ effect: "NoExecute", operator: "Exists" }],
      containers: [{ name: component, image, command, resources: SYSTEM_RESOURCES[component] }],
    },
  };
}

/** kubeadm's kube-proxy addon and flannel's kube-flannel-ds, as their manifests have them. */
function daemonSetManifest(name: string, namespace: string, labels: Record<string, string>, selector: Record<string, string>, spec: Record<string, unknown>): SubmittedObject {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace, labels },
    spec: {
      selector: { matchLabels: selector },
      template: { metadata: { labels }, spec: { hostNetwork: true, priorityClassName: "system-node-critical", ...spec } },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
    },
  };
}

/**
 * A DaemonSet's pod on a node, as its controller made it back then: the pod the controller
 * submits, with the name the API server generated and bound to the node (the history replay
 * keeps the scheduler out of it).
 */
function daemonPod(random: Random, ds: DaemonSet, node: string): SubmittedObject {
  const pod = daemonPodFor(ds, node);
  const { generateName: _, ...metadata } = pod.metadata!;
  return { ...pod, metadata: { ...metadata, name: `${ds.metadata.name}-${randomSuffix(random)}` }, spec: { ...(pod.spec as object), nodeName: node } };
}

export function bootstrapCluster(options: BootstrapOptions): ClusterState {
  const { random } = options;
  const start = options.now - CLUSTER_AGE_MS;
  const workers = Math.max(0, Math.min(options.workers ?? 2, 200));
  const maxPods = options.maxPodsPerNode ?? 110;
  const layout = clusterLayout(options.layout ?? 0);
  const podNetwork = `10.${layout.podOctet}.0.0/16`;
  const controlPlaneIP = nodeAddress(layout.nodeOffset);
  const empty: ClusterState = {
    config: {
      kubernetesVersion: KUBERNETES_VERSION,
      podCIDR: podNetwork,
      serviceCIDR: layout.serviceCIDR,
      nodePortRange: { min: 30000, max: 32767 },
      clusterDomain: "cluster.local",
      dnsServiceIP: layout.dnsServiceIP,
      maxObjects: options.maxObjects ?? 500,
      profile: { ...(options.profile ?? DEFAULT_PROFILE) },
      ...(layout.index > 0 ? { layout: layout.index } : {}),
    },
    now: start,
    resourceVersion: 0,
    nodes: {},
    namespaces: {},
    pods: {},
    services: {},
    deployments: {},
    replicaSets: {},
    podRuntime: {},
    releasedPodIPs: {},
    events: [],
  };
  const tx = new Tx(empty);
  const create = (obj: SubmittedObject, at: number): void => {
    const result = createObject(tx, obj, { now: at, random });
    if (!result.ok) throw new Error(`bootstrap: ${result.status.message}`);
  };
  const ns = (name: string, at: number, labels?: Record<string, string>): void => create({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } }, at);
  // The add-ons' service accounts (kubeadm's coredns and kube-proxy, flannel's manifest), drawn
  // from their own random streams so that every other name and address stays what it was.
  const serviceAccount = (name: string, namespace: string, at: number): void => {
    const own = createRandom(fnv32a(`serviceaccount/${namespace}/${name}`));
    const result = createObject(tx, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace } }, { now: at, random: own }, newUid(own));
    if (!result.ok) throw new Error(`bootstrap: ${result.status.message}`);
  };
  const profile = options.profile ?? DEFAULT_PROFILE;
  const calico = profile.cni === "calico";
  const claimed = new Set<string>();
  const addNode = (name: string, index: number, at: number): void => {
    // calico-node claims the node's IPAM block as it starts (here: as the node joins).
    const block = calico ? claimBlock(empty.config.podCIDR, name, claimed) : undefined;
    if (block) claimed.add(blockText(block));
    const node = makeNode(name, index, at, random, maxPods, layout, block);
    node.metadata.resourceVersion = nextResourceVersion(tx);
    putObject(tx, "nodes", name, node);
  };
  // The uids come first, and two discarded draws where the revision hashes were once drawn, so
  // every later name and address stays what it was in sessions made before DaemonSets existed.
  const kubeProxyUid = newUid(random);
  safeHash(random);
  const flannelUid = newUid(random);
  safeHash(random);
  const kubeProxyManifest = daemonSetManifest("kube-proxy", "kube-system", { "k8s-app": "kube-proxy" }, { "k8s-app": "kube-proxy" }, {
    nodeSelector: { "kubernetes.io/os": "linux" },
    tolerations: [{ operator: "Exists" }],
    containers: [
      {
        name: "kube-proxy",
        image: `registry.k8s.io/kube-proxy:${KUBERNETES_VERSION}`,
        command: ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"],
        // kubeadm's manifest gives $(NODE_NAME) from the downward API, so each node's kube-proxy has its own name.
        env: [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
      },
    ],
  });
  const flannelManifest = daemonSetManifest("kube-flannel-ds", "kube-flannel", { app: "flannel", "k8s-app": "flannel", tier: "node" }, { app: "flannel" }, {
    tolerations: [{ effect: "NoSchedule", operator: "Exists" }],
    containers: [
      {
        name: "kube-flannel",
        image: "ghcr.io/flannel-io/flannel:v0.27.3",
        command: ["/opt/bin/flanneld"],
        args: ["--ip-masq", "--kube-subnet-mgr"],
        resources: SYSTEM_RESOURCES["kube-flannel"],
      },
    ],
  });
  const calicoManifest = daemonSetManifest("calico-node", "kube-system", { "k8s-app": "calico-node" }, { "k8s-app": "calico-node" }, calicoNodeSpec(podNetwork));
  const cniManifest = calico ? calicoManifest : flannelManifest;
  const daemonSetsAt = start + 9000;
  // The DaemonSets as the API server stored them; they join the store once every node has its
  // pods, so their controller meets a finished history instead of racing the replay.
  const stored = (manifest: SubmittedObject, uid: string): DaemonSet => {
    const result = createObject(new Tx(tx.state), manifest, { now: daemonSetsAt, random }, uid);
    if (!result.ok) throw new Error(`bootstrap: ${result.status.message}`);
    return result.value as DaemonSet;
  };
  let kubeProxy: DaemonSet | undefined;
  let flannel: DaemonSet | undefined;
  const nodePods = (node: string, at: number): void => {
    kubeProxy ??= stored(kubeProxyManifest, kubeProxyUid);
    flannel ??= stored(cniManifest, flannelUid);
    daemonPodCreated(kubeProxy, node, at);
    daemonPodCreated(flannel, node, at + 20_000);
  };
  // What the DaemonSet controller and the scheduler recorded for each of those pods.
  const daemonPodCreated = (ds: DaemonSet, node: string, at: number): void => {
    const result = createObject(tx, daemonPod(random, ds, node), { now: at, random });
    if (!result.ok) throw new Error(`bootstrap: ${result.status.message}`);
    const pod = result.value;
    recordEvent(tx, involvedObject(ds), "Normal", "SuccessfulCreate", `Created pod: ${pod.metadata.name}`, { component: "daemonset-controller" }, at);
    recordEvent(tx, involvedObject(pod), "Normal", "Scheduled", `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`, { component: "default-scheduler" }, at);
  };

  // kubeadm init
  ns("default", start);
  ns("kube-node-lease", start);
  ns("kube-public", start);
  ns("kube-system", start);
  const cp = layout.controlPlane;
  addNode(cp, 0, start);
  create(kubernetesService(layout.serviceCIDR), start + 1000);
  create(staticPod("etcd", "registry.k8s.io/etcd:3.6.4-0", ["etcd", `--advertise-client-urls=https://${controlPlaneIP}:2379`, "--data-dir=/var/lib/etcd"], cp), start + 4000);
  create(staticPod("kube-apiserver", `registry.k8s.io/kube-apiserver:${KUBERNETES_VERSION}`, ["kube-apiserver", `--advertise-address=${controlPlaneIP}`, "--secure-port=6443", `--service-cluster-ip-range=${layout.serviceCIDR}`], cp), start + 4000);
  create(staticPod("kube-controller-manager", `registry.k8s.io/kube-controller-manager:${KUBERNETES_VERSION}`, ["kube-controller-manager", "--allocate-node-cidrs=true", `--cluster-cidr=${podNetwork}`], cp), start + 4000);
  create(staticPod("kube-scheduler", `registry.k8s.io/kube-scheduler:${KUBERNETES_VERSION}`, ["kube-scheduler", "--kubeconfig=/etc/kubernetes/scheduler.conf"], cp), start + 4000);
  create(
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name: "kube-dns",
        namespace: "kube-system",
        labels: { "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" },
        annotations: { "prometheus.io/port": "9153", "prometheus.io/scrape": "true" },
      },
      spec: {
        clusterIP: layout.dnsServiceIP,
        selector: { "k8s-app": "kube-dns" },
        ports: [
          { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
          { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
          { name: "metrics", port: 9153, protocol: "TCP", targetPort: 9153 },
        ],
      },
    },
    start + 9000,
  );
  serviceAccount("coredns", "kube-system", start + 9000);
  // kubeadm's CoreDNS ConfigMap, from a random stream of its own like the service accounts.
  {
    const own = createRandom(fnv32a("configmap/kube-system/coredns"));
    const result = createObject(tx, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "coredns", namespace: "kube-system" }, data: { Corefile: kubeadmCorefile(empty.config.clusterDomain) } } as SubmittedObject, { now: start + 9000, random: own }, newUid(own));
    if (!result.ok) throw new Error(`bootstrap: ${result.status.message}`);
  }
  serviceAccount("kube-proxy", "kube-system", start + 9000);
  // kubeadm's kube-proxy ConfigMap (mode blank: iptables), from a random stream of its own too.
  {
    const own = createRandom(fnv32a("configmap/kube-system/kube-proxy"));
    const data = { "config.conf": kubeadmKubeProxyConfig(podNetwork), "kubeconfig.conf": kubeadmKubeProxyKubeconfig(`https://${controlPlaneIP}:6443`) };
    const result = createObject(tx, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kube-proxy", namespace: "kube-system", labels: { app: "kube-proxy" } }, data } as SubmittedObject, { now: start + 9000, random: own }, KUBE_PROXY_CONFIG_MAP_UID);
    if (!result.ok) throw new Error(`bootstrap: ${result.status.message}`);
  }
  create(
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "coredns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { "k8s-app": "kube-dns" } },
        strategy: { rollingUpdate: { maxSurge: "25%", maxUnavailable: 1 }, type: "RollingUpdate" },
        template: {
          metadata: { labels: { "k8s-app": "kube-dns" } },
          spec: {
            containers: [
              {
                name: "coredns",
                image: "registry.k8s.io/coredns/coredns:v1.12.1",
                args: ["-conf", "/etc/coredns/Corefile"],
                imagePullPolicy: "IfNotPresent",
                volumeMounts: [{ name: "config-volume", mountPath: "/etc/coredns", readOnly: true }],
                ports: [
                  { containerPort: 53, name: "dns", protocol: "UDP" },
                  { containerPort: 53, name: "dns-tcp", protocol: "TCP" },
                  { containerPort: 9153, name: "metrics", protocol: "TCP" },
                  { containerPort: 8080, name: "liveness-probe", protocol: "TCP" },
                  { containerPort: 8181, name: "readiness-probe", protocol: "TCP" },
                ],
                livenessProbe: { httpGet: { path: "/health", port: "liveness-probe", scheme: "HTTP" }, initialDelaySeconds: 60, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 5 },
                readinessProbe: { httpGet: { path: "/ready", port: "readiness-probe", scheme: "HTTP" } },
                securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] }, readOnlyRootFilesystem: true },
                resources: SYSTEM_RESOURCES.coredns,
              },
            ],
            affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchExpressions: [{ key: "k8s-app", operator: "In", values: ["kube-dns"] }] }, topologyKey: "kubernetes.io/hostname" } }] } },
            nodeSelector: { "kubernetes.io/os": "linux" },
            dnsPolicy: "Default",
            volumes: [{ name: "config-volume", configMap: { name: "coredns", items: [{ key: "Corefile", path: "Corefile" }] } }],
            priorityClassName: "system-cluster-critical",
            serviceAccountName: "coredns",
            tolerations: CONTROL_PLANE_TOLERATIONS,
          },
        },
      },
    },
    start + 9000,
  );
  // The CNI is applied; then CoreDNS (tolerating the control-plane taint) lands on the only node.
  if (calico) installCalico(tx, start + 9000, serviceAccount);
  else {
    ns("kube-flannel", start + 9000, { "k8s-app": "flannel", "pod-security.kubernetes.io/enforce": "privileged" });
    serviceAccount("flannel", "kube-flannel", start + 9000);
  }
  nodePods(cp, start + 9000);
  reconcile(tx, start + 30_000, random);
  reconcile(tx, start + 45_000, random);
  // kubeadm join, one worker after the other.
  for (let i = 1; i <= workers; i++) {
    const at = start + 60_000 + i * 15_000;
    addNode(layout.worker(i), i, at);
    reconcile(tx, at, random);
    nodePods(layout.worker(i), at + 2000);
    reconcile(tx, at + 2000, random);
  }
  for (const [manifest, uid] of [[kubeProxyManifest, kubeProxyUid], [cniManifest, flannelUid]] as const) {
    const result = createObject(tx, manifest, { now: daemonSetsAt, random }, uid);
    if (!result.ok) throw new Error(`bootstrap: ${result.status.message}`);
  }
  if (profile.loadBalancer === "metallb") {
    // The joined cluster settles first (with the session's random stream, as without MetalLB).
    reconcile(tx, start + METALLB_INSTALLED_AFTER_MS, random);
    installMetalLB(tx, start + METALLB_INSTALLED_AFTER_MS, layout.metallbAddresses);
  }
  // The local-path provisioner and its default StorageClass, applied after MetalLB (as kind ships them).
  reconcile(tx, start + LOCAL_PATH_INSTALLED_AFTER_MS, random);
  installLocalPath(tx, start + LOCAL_PATH_INSTALLED_AFTER_MS);
  if (profile.ingress === "nginx") {
    reconcile(tx, start + INGRESS_NGINX_INSTALLED_AFTER_MS, random);
    installIngressNginx(tx, start + INGRESS_NGINX_INSTALLED_AFTER_MS);
    // The Jobs' pods, the certificates, then the controller once its Secret mounts (passes as `kubectl wait` would see them).
    for (const after of [1000, 5000, 15_000, 30_000, 60_000]) reconcile(tx, start + INGRESS_NGINX_INSTALLED_AFTER_MS + after, random);
  }
  reconcile(tx, options.now, random);
  return tx.commit();
}

/**
 * calico-node's pod template in projectcalico/calico manifests/calico.yaml (v3.32.1): the
 * defaults kubeadm tutorials keep (IPIP Always, VXLAN Never) with CALICO_IPV4POOL_CIDR set to the
 * kubeadm --pod-network-cidr. Left out: the init containers (upgrade-ipam, install-cni,
 * ebpf-bootstrap; the simulator runs none), the host-path volumes and the exec probes.
 */
function calicoNodeSpec(podNetwork: string): Record<string, unknown> {
  const fromConfig = (key: string) => ({ valueFrom: { configMapKeyRef: { name: "calico-config", key } } });
  return {
    nodeSelector: { "kubernetes.io/os": "linux" },
    tolerations: [
      { effect: "NoSchedule", operator: "Exists" },
      { key: "CriticalAddonsOnly", operator: "Exists" },
      { effect: "NoExecute", operator: "Exists" },
    ],
    serviceAccountName: "calico-node",
    terminationGracePeriodSeconds: 0,
    containers: [
      {
        name: "calico-node",
        image: `quay.io/calico/node:${CALICO_VERSION}`,
        env: [
          { name: "DATASTORE_TYPE", value: "kubernetes" },
          { name: "WAIT_FOR_DATASTORE", value: "true" },
          { name: "NODENAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
          { name: "CALICO_NETWORKING_BACKEND", ...fromConfig("calico_backend") },
          { name: "CLUSTER_TYPE", value: "k8s,bgp" },
          { name: "IP", value: "autodetect" },
          { name: "CALICO_IPV4POOL_IPIP", value: "Always" },
          { name: "CALICO_IPV4POOL_VXLAN", value: "Never" },
          { name: "CALICO_IPV6POOL_VXLAN", value: "Never" },
          { name: "FELIX_IPINIPMTU", ...fromConfig("veth_mtu") },
          { name: "FELIX_VXLANMTU", ...fromConfig("veth_mtu") },
          { name: "FELIX_WIREGUARDMTU", ...fromConfig("veth_mtu") },
          { name: "CALICO_IPV4POOL_CIDR", value: podNetwork },
          { name: "CALICO_DISABLE_FILE_LOGGING", value: "true" },
          { name: "FELIX_DEFAULTENDPOINTTOHOSTACTION", value: "ACCEPT" },
          { name: "FELIX_IPV6SUPPORT", value: "false" },
          { name: "FELIX_HEALTHENABLED", value: "true" },
        ],
        securityContext: { privileged: true },
        resources: { requests: { cpu: "250m" } },
      },
    ],
  };
}

/**
 * The rest of `kubectl apply -f calico.yaml` (v3.32.1): its service accounts, calico-config and
 * the calico-kube-controllers Deployment (its pod lands on the control plane, tolerating the
 * taint). The CRDs, RBAC objects and the PodDisruptionBudget are not objects here. The service
 * accounts draw from their own random streams, as the other add-ons' do.
 */
function installCalico(tx: Tx, at: number, serviceAccount: (name: string, namespace: string, at: number) => void): void {
  const random = createRandom(fnv32a("calico.yaml"));
  const create = (obj: SubmittedObject): void => {
    const result = createObject(tx, obj, { now: at, random });
    if (!result.ok) throw new Error(`bootstrap: ${result.status.message}`);
  };
  serviceAccount("calico-kube-controllers", "kube-system", at);
  serviceAccount("calico-node", "kube-system", at);
  serviceAccount("calico-cni-plugin", "kube-system", at);
  create({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "calico-config", namespace: "kube-system" },
    data: { typha_service_name: "none", calico_backend: "bird", veth_mtu: "0", cni_network_config: CALICO_CNI_NETWORK_CONFIG },
  } as SubmittedObject);
  const labels = { "k8s-app": "calico-kube-controllers" };
  create({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "calico-kube-controllers", namespace: "kube-system", labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      strategy: { type: "Recreate" },
      template: {
        metadata: { name: "calico-kube-controllers", namespace: "kube-system", labels },
        spec: {
          nodeSelector: { "kubernetes.io/os": "linux" },
          tolerations: [
            { key: "CriticalAddonsOnly", operator: "Exists" },
            { key: "node-role.kubernetes.io/master", effect: "NoSchedule" },
            { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
          ],
          serviceAccountName: "calico-kube-controllers",
          priorityClassName: "system-cluster-critical",
          containers: [
            {
              name: "calico-kube-controllers",
              image: `quay.io/calico/kube-controllers:${CALICO_VERSION}`,
              env: [
                { name: "ENABLED_CONTROLLERS", value: "node,loadbalancer" },
                { name: "DATASTORE_TYPE", value: "kubernetes" },
              ],
              securityContext: { runAsNonRoot: true },
            },
          ],
        },
      },
    },
  });
}

/** calico-config's cni_network_config, as the manifest has it (install-cni fills the placeholders). */
const CALICO_CNI_NETWORK_CONFIG = `{
  "name": "k8s-pod-network",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "calico",
      "log_level": "info",
      "log_file_path": "/var/log/calico/cni/cni.log",
      "datastore_type": "kubernetes",
      "nodename": "__KUBERNETES_NODE_NAME__",
      "mtu": __CNI_MTU__,
      "ipam": {
          "type": "calico-ipam"
      },
      "policy": {
          "type": "k8s"
      },
      "kubernetes": {
          "kubeconfig": "__KUBECONFIG_FILEPATH__"
      }
    },
    {
      "type": "portmap",
      "snat": true,
      "capabilities": {"portMappings": true}
    }
  ]
}`;
/** When the cluster's admin applied the local-path provisioner's manifest. */
const LOCAL_PATH_INSTALLED_AFTER_MS = 6 * 60 * 1000;

/** When the cluster's admin applied ingress-nginx's manifest: after the storage provisioner. */
const INGRESS_NGINX_INSTALLED_AFTER_MS = 7 * 60 * 1000;

/** The manifest a cluster with ingress-nginx from the start was given (the bare-metal one: NodePort). */
export const INGRESS_NGINX_MANIFEST_URL = "https://raw.githubusercontent.com/kubernetes/ingress-nginx/controller-v1.15.1/deploy/static/provider/baremetal/deploy.yaml";

/**
 * `kubectl apply -f` of ingress-nginx's bare-metal deploy.yaml, every document as published, with a
 * random stream of its own for the objects' names (the controllers that then run draw from the
 * session's, as after any apply).
 */
function installIngressNginx(tx: Tx, at: number): void {
  const file = lookupCatalogue(INGRESS_NGINX_MANIFEST_URL)?.file;
  if (!file) throw new Error("bootstrap: ingress-nginx manifest missing from the catalogue");
  const random = createRandom(fnv32a("ingress-nginx-baremetal"));
  for (const doc of parseAllDocuments(file.text)) {
    const obj = doc.toJS() as SubmittedObject | null;
    if (!obj) continue;
    const result = createObject(tx, obj, { now: at, random });
    if (!result.ok) throw new Error(`bootstrap: ${result.status.message}`);
  }
}

/** When the cluster's admin applied MetalLB's manifest and pool: a few minutes after the last join. */
const METALLB_INSTALLED_AFTER_MS = 4 * 60 * 1000;

/**
 * `kubectl apply -f metallb-native.yaml` (v0.15.2) and then the address pool and its
 * L2Advertisement, as MetalLB's installation guide has them. Everything draws from a random stream
 * of its own, so the rest of the cluster (names, addresses) is what it is without MetalLB.
 * Differences from the manifest: the CRDs, RBAC and the webhook configuration are not objects
 * here, and the pods have no probes (nothing in the playground scrapes /metrics).
 */
function installMetalLB(tx: Tx, at: number, addresses: string): void {
  const random = createRandom(fnv32a("metallb-native"));
  const create = (obj: SubmittedObject, when = at): void => {
    const result = createObject(tx, obj, { now: when, random });
    if (!result.ok) throw new Error(`bootstrap: ${result.status.message}`);
  };
  const labels = { app: "metallb" };
  const ns = METALLB_NAMESPACE;
  create({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: { "pod-security.kubernetes.io/audit": "privileged", "pod-security.kubernetes.io/enforce": "privileged", "pod-security.kubernetes.io/warn": "privileged" } } });
  create({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "controller", namespace: ns, labels } });
  create({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "speaker", namespace: ns, labels } });
  create({ apiVersion: "v1", kind: "Secret", metadata: { name: "webhook-server-cert", namespace: ns } } as SubmittedObject);
  create({ apiVersion: "v1", kind: "Service", metadata: { name: "metallb-webhook-service", namespace: ns }, spec: { ports: [{ port: 443, targetPort: 9443 }], selector: { component: "controller" } } });
  const controllerLabels = { app: "metallb", component: "controller" };
  create({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "controller", namespace: ns, labels: controllerLabels },
    spec: {
      revisionHistoryLimit: 3,
      selector: { matchLabels: controllerLabels },
      template: {
        metadata: { annotations: { "prometheus.io/port": "7472", "prometheus.io/scrape": "true" }, labels: controllerLabels },
        spec: {
          containers: [
            {
              name: "controller",
              image: `quay.io/metallb/controller:${METALLB_VERSION}`,
              args: ["--port=7472", "--log-level=info", "--tls-min-version=VersionTLS12"],
              env: [
                { name: "METALLB_ML_SECRET_NAME", value: "metallb-memberlist" },
                { name: "METALLB_DEPLOYMENT", value: "controller" },
              ],
              ports: [
                { containerPort: 7472, name: "monitoring" },
                { containerPort: 9443, name: "webhook-server", protocol: "TCP" },
              ],
            },
          ],
          nodeSelector: { "kubernetes.io/os": "linux" },
          serviceAccountName: "controller",
          terminationGracePeriodSeconds: 0,
        },
      },
    },
  });
  const speakerLabels = { app: "metallb", component: "speaker" };
  create({
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "speaker", namespace: ns, labels: speakerLabels },
    spec: {
      selector: { matchLabels: speakerLabels },
      template: {
        metadata: { annotations: { "prometheus.io/port": "7472", "prometheus.io/scrape": "true" }, labels: speakerLabels },
        spec: {
          containers: [
            {
              name: "speaker",
              image: `quay.io/metallb/speaker:${METALLB_VERSION}`,
              args: ["--port=7472", "--log-level=info"],
              env: [
                { name: "METALLB_NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
                { name: "METALLB_HOST", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
                { name: "METALLB_ML_BIND_ADDR", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
                { name: "METALLB_ML_LABELS", value: "app=metallb,component=speaker" },
              ],
              ports: [
                { containerPort: 7472, name: "monitoring" },
                { containerPort: 7946, name: "memberlist-tcp" },
                { containerPort: 7946, name: "memberlist-udp", protocol: "UDP" },
              ],
            },
          ],
          hostNetwork: true,
          nodeSelector: { "kubernetes.io/os": "linux" },
          serviceAccountName: "speaker",
          terminationGracePeriodSeconds: 2,
          tolerations: [
            { effect: "NoSchedule", key: "node-role.kubernetes.io/master", operator: "Exists" },
            { effect: "NoSchedule", key: "node-role.kubernetes.io/control-plane", operator: "Exists" },
          ],
        },
      },
    },
  });
  reconcile(tx, at, random);
  reconcile(tx, at + 30_000, random);
  reconcile(tx, at + 60_000, random);
  // The pool and its advertisement, applied once the webhook answers.
  create({ apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata: { name: DEFAULT_POOL.name, namespace: ns }, spec: { addresses: [addresses] } } as SubmittedObject, at + 90_000);
  create({ apiVersion: "metallb.io/v1beta1", kind: "L2Advertisement", metadata: { name: "default-l2", namespace: ns }, spec: { ipAddressPools: [DEFAULT_POOL.name] } } as SubmittedObject, at + 90_000);
  reconcile(tx, at + 90_000, random);
}

/** `kubectl apply -f local-path-storage.yaml` (RBAC objects are not simulated), with the class marked as the default as kind does. */
function installLocalPath(tx: Tx, at: number): void {
  const random = createRandom(fnv32a("local-path-storage"));
  const create = (obj: SubmittedObject): void => {
    const result = createObject(tx, obj, { now: at, random });
    if (!result.ok) throw new Error(`bootstrap: ${result.status.message}`);
  };
  const ns = LOCAL_PATH_NAMESPACE;
  create({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
  create({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "local-path-provisioner-service-account", namespace: ns } });
  create({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "local-path-provisioner", namespace: ns },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: APP_LABEL } },
      template: {
        metadata: { labels: { app: APP_LABEL } },
        spec: {
          serviceAccountName: "local-path-provisioner-service-account",
          containers: [
            {
              name: "local-path-provisioner",
              image: `docker.io/rancher/local-path-provisioner:${LOCAL_PATH_VERSION}`,
              imagePullPolicy: "IfNotPresent",
              command: ["local-path-provisioner", "--debug", "start", "--config", "/etc/config/config.json"],
              ports: [{ name: "health", containerPort: 8080, protocol: "TCP" }],
              volumeMounts: [{ name: "config-volume", mountPath: "/etc/config/" }],
              env: [
                { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                { name: "CONFIG_MOUNT_PATH", value: "/etc/config/" },
                { name: "HEALTH_PORT", value: "8080" },
              ],
            },
          ],
          volumes: [{ name: "config-volume", configMap: { name: "local-path-config" } }],
        },
      },
    },
  } as SubmittedObject);
  create({
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: LOCAL_PATH_CLASS, annotations: { [DEFAULT_CLASS_ANNOTATION]: "true" } },
    provisioner: LOCAL_PATH_PROVISIONER,
    volumeBindingMode: "WaitForFirstConsumer",
    reclaimPolicy: "Delete",
  } as SubmittedObject);
  create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "local-path-config", namespace: ns }, data: { "config.json": CONFIG_JSON, setup: SETUP, teardown: TEARDOWN, "helperPod.yaml": HELPER_POD } } as SubmittedObject);
  reconcile(tx, at, random);
  reconcile(tx, at + 30_000, random);
}

/** controller-revision-hash of a DaemonSet: 8-10 characters of the name alphabet. */
function safeHash(random: Random): string {
  return randomSuffix(random, 8 + random.int(3));
}
