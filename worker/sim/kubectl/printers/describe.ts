// kubectl describe for the kinds the playground serves, after kubectl pkg/describe/describe.go:
// the same field order, the same PrefixWriter indentation (two spaces per level), and one
// tabwriter(0, 8, 2, ' ') over the whole text, flushed before the Events table (DescribeEvents),
// which so aligns on its own.

import type {
  Container,
  ContainerState,
  DaemonSet,
  Deployment,
  Endpoints,
  Namespace,
  Node,
  Pod,
  PodTemplateSpec,
  ReplicaSet,
  Service,
  Volume,
} from "../../cluster/types.ts";
import type { EndpointSlice, Probe } from "../../cluster/types.ts";
import type { EventObject } from "../../cluster/events.ts";
import type { Lease } from "../../cluster/node-lease.ts";
import { fieldValue } from "../../cluster/downward-api.ts";
import { age } from "./duration.ts";
import { formatLabels, formatLabelSelector } from "./labels.ts";
import { describeWriter, tabwrite } from "./tabwriter.ts";
import { nodeRoles } from "./tables.ts";
import { formatQuantity, parseQuantity, podRequestsAndLimits, type Quantity, quantityValue, ZERO_QUANTITY } from "../../cluster/quantity.ts";

export class PrefixWriter {
  private done = "";
  private text = "";
  write(level: number, line: string): void {
    this.text += "  ".repeat(level) + line;
  }
  /** tabwriter.Flush: what was written so far is aligned on its own. */
  flushPart(): void {
    this.done += tabwrite(this.text, describeWriter);
    this.text = "";
  }
  flush(): string {
    return this.done + tabwrite(this.text, describeWriter);
  }
}

/** describe.go DescribeEvents; `events` sorted by lastTimestamp (events.ts eventsFor). */
export function describeEvents(w: PrefixWriter, events: readonly EventObject[], now: number): void {
  if (events.length === 0) {
    w.write(0, "Events:\t<none>\n");
    return;
  }
  w.flushPart();
  w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
  w.write(1, "----\t------\t----\t----\t-------\n");
  for (const e of events) {
    const first = age(e.firstTimestamp, now);
    const interval = e.count > 1 ? `${age(e.lastTimestamp, now)} (x${e.count} over ${first})` : first;
    w.write(1, `${e.type}\t${e.reason}\t${interval}\t${e.source.component}\t${e.message.trim()}\n`);
  }
}

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** Go's RFC1123Z: "Thu, 01 Jan 2026 00:00:00 +0000". */
export function rfc1123z(timestamp: string | number | undefined): string {
  if (timestamp === undefined) return "<unset>";
  const d = new Date(typeof timestamp === "number" ? timestamp : Date.parse(timestamp));
  if (Number.isNaN(d.getTime())) return "<unset>";
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export function writeMultiline(w: PrefixWriter, level: number, title: string, entries: string[]): void {
  if (entries.length === 0) {
    w.write(level, `${title}:\t<none>\n`);
    return;
  }
  w.write(level, `${title}:\t${entries[0]}\n`);
  for (const entry of entries.slice(1)) w.write(level, `\t${entry}\n`);
}

/** The Name, Namespace, Labels and Annotations lines most describers start with. */
export function writeNamespacedHeader(w: PrefixWriter, meta: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }): void {
  w.write(0, `Name:\t${meta.name}\n`);
  w.write(0, `Namespace:\t${meta.namespace}\n`);
  writeMultiline(w, 0, "Labels", labelLines(meta.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(meta.annotations));
}

export function labelLines(labels: Record<string, string> | undefined): string[] {
  return Object.keys(labels ?? {})
    .sort()
    .map((k) => `${k}=${labels![k]}`);
}

export function annotationLines(annotations: Record<string, string> | undefined): string[] {
  return Object.keys(annotations ?? {})
    .filter((k) => k !== LAST_APPLIED)
    .sort()
    .map((k) => `${k}: ${annotations![k]}`);
}

export function describePod(pod: Pod, now: number, events: readonly EventObject[] = []): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${pod.metadata.name}\n`);
  w.write(0, `Namespace:\t${pod.metadata.namespace}\n`);
  w.write(0, `Priority:\t${pod.spec.priority ?? 0}\n`);
  w.write(0, `Service Account:\t${pod.spec.serviceAccountName ?? "default"}\n`);
  w.write(0, `Node:\t${pod.spec.nodeName ? `${pod.spec.nodeName}/${pod.status.hostIP ?? ""}` : "<none>"}\n`);
  if (pod.status.startTime) w.write(0, `Start Time:\t${rfc1123z(pod.status.startTime)}\n`);
  writeMultiline(w, 0, "Labels", labelLines(pod.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(pod.metadata.annotations));
  if (pod.metadata.deletionTimestamp) {
    w.write(0, `Status:\tTerminating (lasts ${age(pod.metadata.deletionTimestamp, now)})\n`);
    w.write(0, `Termination Grace Period:\t${pod.metadata.deletionGracePeriodSeconds ?? 30}s\n`);
  } else {
    w.write(0, `Status:\t${pod.status.phase}\n`);
  }
  w.write(0, `IP:\t${pod.status.podIP ?? ""}\n`);
  const ips = pod.status.podIPs ?? [];
  if (ips.length === 0) w.write(0, "IPs:\t<none>\n");
  else {
    w.write(0, "IPs:\n");
    for (const ip of ips) w.write(1, `IP:\t${ip.ip}\n`);
  }
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
  if (owner) w.write(0, `Controlled By:\t${owner.kind}/${owner.name}\n`);
  describeContainers(w, "Containers", pod.spec.containers, pod, "");
  const conditions = pod.status.conditions ?? [];
  if (conditions.length > 0) {
    w.write(0, "Conditions:\n");
    w.write(1, "Type\tStatus\n");
    for (const c of conditions) w.write(1, `${c.type} \t${c.status} \n`);
  }
  describeVolumes(w, pod.spec.volumes, "");
  w.write(0, `QoS Class:\t${pod.status.qosClass ?? "BestEffort"}\n`);
  writeMultiline(w, 0, "Node-Selectors", labelLines(pod.spec.nodeSelector));
  writeMultiline(w, 0, "Tolerations", tolerationLines(pod.spec.tolerations));
  describeEvents(w, events, now);
  return w.flush();
}

/** printTolerationsMultilineWithIndent: sorted by key. */
function tolerationLines(tolerations: Array<Record<string, unknown>> | undefined): string[] {
  const byKey = [...(tolerations ?? [])].sort((a, b) => (String(a.key ?? "") < String(b.key ?? "") ? -1 : String(a.key ?? "") > String(b.key ?? "") ? 1 : 0));
  return byKey.map((t) => {
    let s = String(t.key ?? "");
    if (t.value) s += `=${t.value}`;
    if (t.effect) s += `:${t.effect}`;
    // A bare `operator: Exists` (tolerates everything) prints without the separating space.
    if (t.operator === "Exists" && !t.value) s += t.key || t.effect ? " op=Exists" : "op=Exists";
    if (t.tolerationSeconds !== undefined) s += ` for ${t.tolerationSeconds}s`;
    return s;
  });
}

function portLines(container: Container): { ports: string; hostPorts: string; plural: boolean } {
  const ports = container.ports ?? [];
  if (ports.length === 0) return { ports: "<none>", hostPorts: "<none>", plural: false };
  return {
    ports: ports.map((p) => `${p.containerPort}/${p.protocol ?? "TCP"}${p.name ? ` (${p.name})` : ""}`).join(", "),
    hostPorts: ports.map((p) => `0/${p.protocol ?? "TCP"}`).join(", "),
    plural: ports.length > 1,
  };
}

/** describe.go describeContainerResource: limits, then requests, each sorted by name, canonical. */
function describeContainerResources(w: PrefixWriter, container: Container): void {
  for (const [title, key] of [["Limits", "limits"], ["Requests", "requests"]] as const) {
    const list = container.resources?.[key];
    if (list === null || typeof list !== "object") continue;
    const names = Object.keys(list).sort();
    if (names.length === 0) continue;
    w.write(2, `${title}:\n`);
    for (const name of names) {
      const value = (list as Record<string, unknown>)[name];
      const q = parseQuantity(value);
      w.write(3, `${name}:\t${q ? formatQuantity(q) : String(value)}\n`);
    }
  }
}

/** describe.go DescribeProbe: the handler as a URL or command, then the timings. */
function describeProbe(probe: Probe): string {
  const attrs = `delay=${probe.initialDelaySeconds ?? 0}s timeout=${probe.timeoutSeconds}s period=${probe.periodSeconds}s #success=${probe.successThreshold} #failure=${probe.failureThreshold}`;
  if (probe.exec) return `exec [${probe.exec.command.join(" ")}] ${attrs}`;
  if (probe.httpGet) return `http-get ${probe.httpGet.scheme.toLowerCase()}://${probe.httpGet.host ?? ""}:${probe.httpGet.port}${probe.httpGet.path} ${attrs}`;
  if (probe.tcpSocket) return `tcp-socket ${probe.tcpSocket.host ?? ""}:${probe.tcpSocket.port} ${attrs}`;
  return `unknown ${attrs}`;
}

function describeContainers(w: PrefixWriter, title: string, containers: Container[], pod: Pod | undefined, space: string): void {
  w.write(pod ? 0 : 1, `${title}:\n`);
  for (const container of containers) {
    const status = pod?.status.containerStatuses?.find((s) => s.name === container.name);
    w.write(1, `${space}${container.name}:\n`);
    // describeContainerBasicInfo: a container with a status shows both IDs, empty until the runtime
    // has made the container (ContainerCreating, image pull failing); one without a status shows neither.
    if (status) w.write(2, `Container ID:\t${status.containerID ?? ""}\n`);
    w.write(2, `Image:\t${container.image}\n`);
    if (status) w.write(2, `Image ID:\t${status.imageID ?? ""}\n`);
    const ports = portLines(container);
    w.write(2, `${ports.plural ? "Ports" : "Port"}:\t${ports.ports}\n`);
    w.write(2, `${ports.plural ? "Host Ports" : "Host Port"}:\t${ports.hostPorts}\n`);
    if (container.command?.length) {
      w.write(2, "Command:\n");
      for (const c of container.command) for (const line of c.split("\n")) w.write(3, `${line}\n`);
    }
    if (container.args?.length) {
      w.write(2, "Args:\n");
      for (const a of container.args) for (const line of a.split("\n")) w.write(3, `${line}\n`);
    }
    if (status) {
      describeState(w, "State", status.state);
      if (status.lastState.terminated || status.lastState.waiting || status.lastState.running) {
        describeState(w, "Last State", status.lastState);
      }
      w.write(2, `Ready:\t${status.ready ? "True" : "False"}\n`);
      w.write(2, `Restart Count:\t${status.restartCount}\n`);
    }
    describeContainerResources(w, container);
    if (container.livenessProbe) w.write(2, `Liveness:\t${describeProbe(container.livenessProbe)}\n`);
    if (container.readinessProbe) w.write(2, `Readiness:\t${describeProbe(container.readinessProbe)}\n`);
    if (container.envFrom?.length) describeContainerEnvFrom(w, container);
    describeContainerEnvVars(w, container, pod);
    const mounts = [...(container.volumeMounts ?? [])].sort((a, b) => (a.mountPath < b.mountPath ? -1 : a.mountPath > b.mountPath ? 1 : 0));
    w.write(2, mounts.length === 0 ? "Mounts:\t<none>\n" : "Mounts:\n");
    for (const m of mounts) {
      const flags = [m.readOnly ? "ro" : "rw"];
      if (m.subPath) flags.push(`path=${JSON.stringify(m.subPath)}`);
      w.write(3, `${m.mountPath} from ${m.name} (${flags.join(",")})\n`);
    }
  }
}

/** describeContainerEnvVars: literal values line by line, references by where they point. */
function describeContainerEnvVars(w: PrefixWriter, container: Container, pod: Pod | undefined): void {
  const env = container.env ?? [];
  w.write(2, env.length === 0 ? "Environment:\t<none>\n" : "Environment:\n");
  for (const e of env) {
    const from = e.valueFrom;
    if (!from) {
      (e.value ?? "").split("\n").forEach((line, i) => w.write(3, i === 0 ? `${e.name}:\t${line}\n` : `\t${line}\n`));
    } else if (from.fieldRef) {
      // EnvValueRetriever: fieldpath.ExtractFieldPathAsString knows the metadata fields only.
      const value = pod && from.fieldRef.fieldPath.startsWith("metadata.") ? fieldValue(pod, from.fieldRef.fieldPath) : "";
      w.write(3, `${e.name}:\t${value} (${from.fieldRef.apiVersion}:${from.fieldRef.fieldPath})\n`);
    } else if (from.resourceFieldRef) {
      w.write(3, `${e.name}:\t (${from.resourceFieldRef.resource})\n`);
    } else if (from.secretKeyRef) {
      w.write(3, `${e.name}:\t<set to the key '${from.secretKeyRef.key}' in secret '${from.secretKeyRef.name}'>\tOptional: ${from.secretKeyRef.optional === true}\n`);
    } else if (from.configMapKeyRef) {
      w.write(3, `${e.name}:\t<set to the key '${from.configMapKeyRef.key}' of config map '${from.configMapKeyRef.name}'>\tOptional: ${from.configMapKeyRef.optional === true}\n`);
    }
  }
}

/** describeContainerEnvFrom: each ConfigMap or Secret a container takes every key of. */
function describeContainerEnvFrom(w: PrefixWriter, container: Container): void {
  w.write(2, "Environment Variables from:\n");
  for (const e of container.envFrom ?? []) {
    const [from, ref] = e.configMapRef ? ["ConfigMap", e.configMapRef] : e.secretRef ? ["Secret", e.secretRef] : ["", undefined];
    const optional = ref?.optional === true;
    if (!e.prefix) w.write(3, `${ref?.name ?? ""}\t${from}\tOptional: ${optional}\n`);
    else w.write(3, `${ref?.name ?? ""}\t${from} with prefix '${e.prefix}'\tOptional: ${optional}\n`);
  }
}

/** describeVolumes: each volume by its source, as describe.go prints the common ones. */
function describeVolumes(w: PrefixWriter, volumes: Volume[] | undefined, space: string): void {
  if (!volumes || volumes.length === 0) {
    w.write(0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(0, `${space}Volumes:\n`);
  for (const v of volumes) {
    w.write(1, `${space ? " " : ""}${v.name}:\n`);
    if (v.projected) {
      w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n");
      for (const source of v.projected.sources ?? []) {
        if (source.secret) w.write(2, `SecretName:\t${source.secret.name}\n    Optional:\t${source.secret.optional === true}\n`);
        else if (source.downwardAPI) w.write(2, "DownwardAPI:\ttrue\n");
        else if (source.configMap) w.write(2, `ConfigMapName:\t${source.configMap.name}\n    Optional:\t${source.configMap.optional === true}\n`);
        else if (source.serviceAccountToken) w.write(2, `TokenExpirationSeconds:\t${source.serviceAccountToken.expirationSeconds ?? 3600}\n`);
      }
    } else if (v.emptyDir) {
      const limit = v.emptyDir.sizeLimit && v.emptyDir.sizeLimit !== "0" ? v.emptyDir.sizeLimit : "<unset>";
      w.write(2, `Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t${v.emptyDir.medium ?? ""}\n    SizeLimit:\t${limit}\n`);
    } else if (v.hostPath) {
      w.write(2, `Type:\tHostPath (bare host directory volume)\n    Path:\t${v.hostPath.path}\n    HostPathType:\t${v.hostPath.type ?? ""}\n`);
    } else if (v.secret) {
      w.write(2, `Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t${v.secret.secretName}\n    Optional:\t${v.secret.optional === true}\n`);
    } else if (v.configMap) {
      w.write(2, `Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t${v.configMap.name}\n    Optional:\t${v.configMap.optional === true}\n`);
    } else {
      w.write(1, "<unknown>\n");
    }
  }
}

function describeState(w: PrefixWriter, title: string, state: ContainerState): void {
  if (state.running) {
    w.write(2, `${title}:\tRunning\n`);
    w.write(3, `Started:\t${rfc1123z(state.running.startedAt)}\n`);
  } else if (state.waiting) {
    w.write(2, `${title}:\tWaiting\n`);
    w.write(3, `Reason:\t${state.waiting.reason}\n`);
  } else if (state.terminated) {
    w.write(2, `${title}:\tTerminated\n`);
    w.write(3, `Reason:\t${state.terminated.reason}\n`);
    w.write(3, `Exit Code:\t${state.terminated.exitCode}\n`);
    w.write(3, `Started:\t${rfc1123z(state.terminated.startedAt)}\n`);
    w.write(3, `Finished:\t${rfc1123z(state.terminated.finishedAt)}\n`);
  } else {
    w.write(2, `${title}:\tWaiting\n`);
  }
}

/** describeService; `slices` are the Service's EndpointSlices (ready endpoints are listed). */
export function describeService(service: Service, slices: EndpointSlice[] | undefined, events: readonly EventObject[] = [], now = 0): string {
  const w = new PrefixWriter();
  const spec = service.spec;
  w.write(0, `Name:\t${service.metadata.name}\n`);
  w.write(0, `Namespace:\t${service.metadata.namespace}\n`);
  writeMultiline(w, 0, "Labels", labelLines(service.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(service.metadata.annotations));
  w.write(0, `Selector:\t${formatLabels(spec.selector)}\n`);
  w.write(0, `Type:\t${spec.type}\n`);
  if (spec.ipFamilyPolicy) w.write(0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
  w.write(0, `IP Families:\t${spec.ipFamilies?.length ? spec.ipFamilies.join(",") : "<none>"}\n`);
  w.write(0, `IP:\t${spec.clusterIP ?? ""}\n`);
  w.write(0, `IPs:\t${spec.clusterIPs?.length ? spec.clusterIPs.join(",") : "<none>"}\n`);
  if (spec.externalIPs?.length) w.write(0, `External IPs:\t${spec.externalIPs.join(",")}\n`);
  if (spec.loadBalancerIP) w.write(0, `Desired LoadBalancer IP:\t${spec.loadBalancerIP}\n`);
  if (spec.externalName) w.write(0, `External Name:\t${spec.externalName}\n`);
  const ingress = service.status.loadBalancer.ingress ?? [];
  if (ingress.length > 0) w.write(0, `LoadBalancer Ingress:\t${ingress.map((i) => i.ip || i.hostname).join(", ")}\n`);
  for (const port of spec.ports) {
    const name = port.name || "<unset>";
    w.write(0, `Port:\t${name}\t${port.port}/${port.protocol}\n`);
    w.write(0, `TargetPort:\t${port.targetPort}/${port.protocol}\n`);
    if (port.appProtocol) w.write(0, `AppProtocol:\t${port.appProtocol}\n`);
    if (port.nodePort) w.write(0, `NodePort:\t${name}\t${port.nodePort}/${port.protocol}\n`);
    w.write(0, `Endpoints:\t${formatSliceEndpoints(slices, port.name ?? "")}\n`);
  }
  w.write(0, `Session Affinity:\t${spec.sessionAffinity}\n`);
  if (spec.externalTrafficPolicy) w.write(0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
  if (spec.internalTrafficPolicy) w.write(0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
  describeEvents(w, events, now);
  return w.flush();
}

/** describe.go formatEndpointSlices: ready endpoints of the named port, 3 then " + N more...". */
function formatEndpointSlicesList(slices: EndpointSlice[] | undefined, portName: string): string {
  if (!slices || slices.length === 0) return "<none>";
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const slice of slices) {
    const port = slice.ports.find((p) => p.name === portName);
    if (slice.ports.length > 0 && !port) continue;
    for (const endpoint of slice.endpoints) {
      if (!endpoint.conditions.ready) continue;
      for (const address of endpoint.addresses) {
        count++;
        if (list.length === max) {
          more = true;
          continue;
        }
        list.push(port ? `${address}:${port.port}` : address);
      }
    }
  }
  const joined = list.join(",");
  return more ? `${joined} + ${count - max} more...` : joined;
}
const formatSliceEndpoints = formatEndpointSlicesList;

export function describeEndpoints(endpoints: Endpoints): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${endpoints.metadata.name}\n`);
  w.write(0, `Namespace:\t${endpoints.metadata.namespace}\n`);
  writeMultiline(w, 0, "Labels", labelLines(endpoints.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(endpoints.metadata.annotations));
  w.write(0, "Subsets:\n");
  for (const subset of endpoints.subsets ?? []) {
    const ready = (subset.addresses ?? []).map((a) => a.ip);
    const notReady = (subset.notReadyAddresses ?? []).map((a) => a.ip);
    w.write(1, `Addresses:\t${ready.length ? ready.join(",") : "<none>"}\n`);
    w.write(1, `NotReadyAddresses:\t${notReady.length ? notReady.join(",") : "<none>"}\n`);
    const ports = subset.ports ?? [];
    if (ports.length === 0) w.write(1, "Ports:\t<none>\n");
    else {
      w.write(1, "Ports:\n");
      w.write(2, "Name\tPort\tProtocol\n");
      w.write(2, "----\t----\t--------\n");
      for (const p of ports) w.write(2, `${p.name || "<unset>"}\t${p.port}\t${p.protocol}\n`);
    }
    w.write(0, "\n");
  }
  w.write(0, "Events:\t<none>\n");
  return w.flush();
}

/** Whole percent of `part` in `whole`, truncated as Go's int64(float64) conversion does. */
function percent(part: number, whole: number): number {
  return Math.trunc((part / whole) * 100);
}

/** describe.go describeNodeResource: each pod's cpu/memory and the node's totals, against allocatable. */
function describeNodeResource(w: PrefixWriter, pods: Pod[], node: Node, now: number): void {
  const allocatable = Object.keys(node.status.allocatable).length > 0 ? node.status.allocatable : node.status.capacity;
  const allocated = (name: string) => parseQuantity(allocatable[name]) ?? ZERO_QUANTITY;
  const cpu = allocated("cpu").milli;
  const memory = quantityValue(allocated("memory"));
  const cell = (q: Quantity | undefined, cpuColumn: boolean) => {
    const value = q ?? ZERO_QUANTITY;
    return `${formatQuantity(value)} (${percent(cpuColumn ? value.milli : quantityValue(value), cpuColumn ? cpu : memory)}%)`;
  };
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n");
  w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n");
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  const sum = (total: Map<string, Quantity>, own: Map<string, Quantity>) => {
    for (const [name, q] of own) {
      const before = total.get(name);
      total.set(name, before ? { milli: before.milli + q.milli, binary: before.binary } : q);
    }
  };
  for (const p of pods) {
    const own = podRequestsAndLimits(p.spec);
    sum(requests, own.requests);
    sum(limits, own.limits);
    const row = [cell(own.requests.get("cpu"), true), cell(own.limits.get("cpu"), true), cell(own.requests.get("memory"), false), cell(own.limits.get("memory"), false)];
    w.write(1, `${p.metadata.namespace}\t${p.metadata.name}\t\t${row.join("\t")}\t${age(p.metadata.creationTimestamp, now)}\n`);
  }
  w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n");
  w.write(1, "Resource\tRequests\tLimits\n");
  w.write(1, "--------\t--------\t------\n");
  // The totals' percentages are 0 where nothing is allocatable (unlike the per-pod rows).
  const total = (name: string) => {
    const whole = name === "cpu" ? cpu : quantityValue(allocated(name));
    const share = (q: Quantity | undefined) => {
      const value = q ?? ZERO_QUANTITY;
      return `${formatQuantity(value)} (${whole === 0 ? 0 : percent(name === "cpu" ? value.milli : quantityValue(value), whole)}%)`;
    };
    w.write(1, `${name}\t${share(requests.get(name))}\t${share(limits.get(name))}\n`);
  };
  total("cpu");
  total("memory");
  total("ephemeral-storage");
  const names = Object.keys(allocatable).sort();
  for (const name of names) if (name.startsWith("hugepages-")) total(name);
  // Extended resources (anything but the standard container resources and pods) print without percentages.
  for (const name of names) {
    if (["cpu", "memory", "ephemeral-storage", "pods"].includes(name) || name.startsWith("hugepages-")) continue;
    w.write(1, `${name}\t${formatQuantity(requests.get(name) ?? ZERO_QUANTITY)}\t${formatQuantity(limits.get(name) ?? ZERO_QUANTITY)}\n`);
  }
}

export function describeNode(node: Node, pods: Pod[], now: number, events: readonly EventObject[] = [], lease?: Lease): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${node.metadata.name}\n`);
  w.write(0, `Roles:\t${nodeRoles(node)}\n`);
  writeMultiline(w, 0, "Labels", labelLines(node.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(node.metadata.annotations));
  w.write(0, `CreationTimestamp:\t${rfc1123z(node.metadata.creationTimestamp)}\n`);
  const taints = (node.spec.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`);
  writeMultiline(w, 0, "Taints", taints);
  w.write(0, `Unschedulable:\t${node.spec.unschedulable ? "true" : "false"}\n`);
  // describe.go describeNodeLease: the node's Lease from kube-node-lease (<unset> without one).
  const micro = (t: string | undefined) => (t === undefined ? "<unset>" : rfc1123z(t));
  w.write(0, "Lease:\n");
  w.write(1, `HolderIdentity:\t${lease?.spec.holderIdentity ?? "<unset>"}\n`);
  w.write(1, `AcquireTime:\t${micro(lease?.spec.acquireTime)}\n`);
  w.write(1, `RenewTime:\t${micro(lease?.spec.renewTime)}\n`);
  w.write(0, "Conditions:\n");
  w.write(1, "Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n");
  w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n");
  for (const c of node.status.conditions) {
    // The kubelet reports node status every 5 minutes (nodeStatusReportFrequency) when nothing
    // changes: the heartbeat is the last report before now, derived from the clock.
    // NetworkUnavailable is the CNI's (flannel sets it once), not the kubelet's.
    // One report carries every kubelet condition: they share the heartbeat (Ready's phase).
    const since = Date.parse(c.lastHeartbeatTime);
    const phase = Date.parse(node.status.conditions.find((x) => x.type === "Ready")?.lastHeartbeatTime ?? c.lastHeartbeatTime);
    const beat = c.type !== "NetworkUnavailable" && now > phase ? now - ((now - phase) % 300_000) : since;
    w.write(1, `${c.type} \t${c.status} \t${rfc1123z(beat - (beat % 1000))} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason} \t${c.message}\n`);
  }
  w.write(0, "Addresses:\n");
  for (const a of node.status.addresses) w.write(1, `${a.type}:\t${a.address}\n`);
  for (const [title, list] of [["Capacity", node.status.capacity], ["Allocatable", node.status.allocatable]] as const) {
    w.write(0, `${title}:\n`);
    for (const key of Object.keys(list).sort()) w.write(1, `${key}:\t${list[key]}\n`);
  }
  const info = node.status.nodeInfo;
  w.write(0, "System Info:\n");
  w.write(1, `Machine ID:\t${info.machineID}\n`);
  w.write(1, `System UUID:\t${info.systemUUID}\n`);
  w.write(1, `Boot ID:\t${info.bootID}\n`);
  w.write(1, `Kernel Version:\t${info.kernelVersion}\n`);
  w.write(1, `OS Image:\t${info.osImage}\n`);
  w.write(1, `Operating System:\t${info.operatingSystem}\n`);
  w.write(1, `Architecture:\t${info.architecture}\n`);
  w.write(1, `Container Runtime Version:\t${info.containerRuntimeVersion}\n`);
  w.write(1, `Kubelet Version:\t${info.kubeletVersion}\n`);
  w.write(1, `Kube-Proxy Version:\t${info.kubeProxyVersion}\n`);
  w.write(0, `PodCIDR:\t${node.spec.podCIDR}\n`);
  w.write(0, `PodCIDRs:\t${node.spec.podCIDRs.join(",")}\n`);
  describeNodeResource(w, pods.filter((p) => p.status.phase !== "Succeeded" && p.status.phase !== "Failed"), node, now);
  describeEvents(w, events, now);
  return w.flush();
}

export function describeDeployment(deployment: Deployment, replicaSets: ReplicaSet[], events: readonly EventObject[] = [], now = 0): string {
  const w = new PrefixWriter();
  const d = deployment;
  w.write(0, `Name:\t${d.metadata.name}\n`);
  w.write(0, `Namespace:\t${d.metadata.namespace}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(d.metadata.creationTimestamp)}\n`);
  writeMultiline(w, 0, "Labels", labelLines(d.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(d.metadata.annotations));
  w.write(0, `Selector:\t${formatLabelSelector(d.spec.selector)}\n`);
  const s = d.status;
  w.write(
    0,
    `Replicas:\t${d.spec.replicas} desired | ${s.updatedReplicas ?? 0} updated | ${s.replicas ?? 0} total | ${s.availableReplicas ?? 0} available | ${s.unavailableReplicas ?? 0} unavailable\n`,
  );
  const strategy = (d.spec.strategy?.type as string | undefined) ?? "RollingUpdate";
  w.write(0, `StrategyType:\t${strategy}\n`);
  w.write(0, "MinReadySeconds:\t0\n");
  if (strategy === "RollingUpdate") {
    const ru = (d.spec.strategy?.rollingUpdate ?? {}) as { maxUnavailable?: string | number; maxSurge?: string | number };
    w.write(0, `RollingUpdateStrategy:\t${ru.maxUnavailable ?? "25%"} max unavailable, ${ru.maxSurge ?? "25%"} max surge\n`);
  }
  w.write(0, "Pod Template:\n");
  writeMultiline(w, 1, "Labels", labelLines(d.spec.template.metadata.labels));
  if (d.spec.template.metadata.annotations && Object.keys(d.spec.template.metadata.annotations).length > 0) {
    writeMultiline(w, 1, "Annotations", annotationLines(d.spec.template.metadata.annotations));
  }
  describeContainers(w, "Containers", d.spec.template.spec.containers, undefined, " ");
  describeVolumes(w, d.spec.template.spec.volumes, "  ");
  w.write(1, "Node-Selectors:\t<none>\n");
  w.write(1, "Tolerations:\t<none>\n");
  const conditions = (s.conditions ?? []) as Array<{ type: string; status: string; reason?: string }>;
  if (conditions.length > 0) {
    w.write(0, "Conditions:\n");
    w.write(1, "Type\tStatus\tReason\n");
    w.write(1, "----\t------\t------\n");
    for (const c of conditions) w.write(1, `${c.type} \t${c.status}\t${c.reason ?? ""}\n`);
  }
  const owned = replicaSets.filter((rs) => rs.metadata.ownerReferences?.some((o) => o.uid === d.metadata.uid));
  const revision = (rs: ReplicaSet) => Number(rs.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? "0");
  owned.sort((a, b) => revision(b) - revision(a));
  const [newest, ...old] = owned;
  const describeRs = (rs: ReplicaSet) => `${rs.metadata.name} (${rs.status.replicas ?? 0}/${rs.spec.replicas} replicas created)`;
  const oldActive = old.filter((rs) => rs.spec.replicas > 0 || (rs.status.replicas ?? 0) > 0);
  w.write(0, `OldReplicaSets:\t${oldActive.length ? oldActive.map(describeRs).join(", ") : "<none>"}\n`);
  w.write(0, `NewReplicaSet:\t${newest ? describeRs(newest) : "<none>"}\n`);
  describeEvents(w, events, now);
  return w.flush();
}

export function describeReplicaSet(rs: ReplicaSet, pods: Pod[], events: readonly EventObject[] = [], now = 0): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${rs.metadata.name}\n`);
  w.write(0, `Namespace:\t${rs.metadata.namespace}\n`);
  w.write(0, `Selector:\t${formatLabelSelector(rs.spec.selector)}\n`);
  writeMultiline(w, 0, "Labels", labelLines(rs.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(rs.metadata.annotations));
  const owner = rs.metadata.ownerReferences?.find((o) => o.controller);
  if (owner) w.write(0, `Controlled By:\t${owner.kind}/${owner.name}\n`);
  w.write(0, `Replicas:\t${rs.status.replicas ?? 0} current / ${rs.spec.replicas} desired\n`);
  const count = (phase: string) => pods.filter((p) => p.status.phase === phase).length;
  w.write(0, `Pods Status:\t${count("Running")} Running / ${count("Pending")} Waiting / ${count("Succeeded")} Succeeded / ${count("Failed")} Failed\n`);
  w.write(0, "Pod Template:\n");
  writeMultiline(w, 1, "Labels", labelLines(rs.spec.template.metadata.labels));
  describeContainers(w, "Containers", rs.spec.template.spec.containers, undefined, " ");
  describeVolumes(w, rs.spec.template.spec.volumes, "  ");
  w.write(1, "Node-Selectors:\t<none>\n");
  w.write(1, "Tolerations:\t<none>\n");
  describeEvents(w, events, now);
  return w.flush();
}

/**
 * describe.go describeDaemonSet. Pods Status counts the pods the selector matches that the
 * DaemonSet controls (getPodStatusForController); Waiting is Pending.
 */
export function describeDaemonSet(ds: DaemonSet, pods: Pod[], events: readonly EventObject[] = [], now = 0): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${ds.metadata.name}\n`);
  w.write(0, `Namespace:\t${ds.metadata.namespace}\n`);
  w.write(0, `Selector:\t${formatLabelSelector(ds.spec.selector)}\n`);
  w.write(0, `Node-Selector:\t${formatLabels(ds.spec.template.spec.nodeSelector)}\n`);
  writeMultiline(w, 0, "Labels", labelLines(ds.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(ds.metadata.annotations));
  const s = ds.status;
  w.write(0, `Desired Number of Nodes Scheduled: ${s.desiredNumberScheduled ?? 0}\n`);
  w.write(0, `Current Number of Nodes Scheduled: ${s.currentNumberScheduled ?? 0}\n`);
  w.write(0, `Number of Nodes Scheduled with Up-to-date Pods: ${s.updatedNumberScheduled ?? 0}\n`);
  w.write(0, `Number of Nodes Scheduled with Available Pods: ${s.numberAvailable ?? 0}\n`);
  w.write(0, `Number of Nodes Misscheduled: ${s.numberMisscheduled ?? 0}\n`);
  const count = (phase: string) => pods.filter((p) => p.status.phase === phase).length;
  w.write(0, `Pods Status:\t${count("Running")} Running / ${count("Pending")} Waiting / ${count("Succeeded")} Succeeded / ${count("Failed")} Failed\n`);
  describePodTemplate(w, ds.spec.template);
  describeEvents(w, events, now);
  return w.flush();
}

/** `kubectl rollout history --revision=N`: one revision's pod template, as DescribePodTemplate prints it. */
export function describeRevisionTemplate(template: PodTemplateSpec): string {
  const w = new PrefixWriter();
  describePodTemplate(w, template);
  return w.flush();
}

/** describe.go DescribePodTemplate. */
function describePodTemplate(w: PrefixWriter, template: PodTemplateSpec): void {
  w.write(0, "Pod Template:\n");
  writeMultiline(w, 1, "Labels", labelLines(template.metadata.labels));
  if (template.metadata.annotations && Object.keys(template.metadata.annotations).length > 0) {
    writeMultiline(w, 1, "Annotations", annotationLines(template.metadata.annotations));
  }
  if (template.spec.serviceAccountName) w.write(1, `Service Account:\t${template.spec.serviceAccountName}\n`);
  describeContainers(w, "Containers", template.spec.containers, undefined, " ");
  describeVolumes(w, template.spec.volumes, "  ");
  writeMultiline(w, 1, "Node-Selectors", labelLines(template.spec.nodeSelector));
  writeMultiline(w, 1, "Tolerations", tolerationLines(template.spec.tolerations));
}

/**
 * An Event has no describer of its own: kubectl's generic describer prints its fields in key
 * order, keys split into words (`firstTimestamp` -> `First Timestamp`), maps indented below.
 */
export function describeEvent(e: EventObject): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${e.metadata.name}\n`);
  w.write(0, `Namespace:\t${e.metadata.namespace}\n`);
  w.write(0, "Labels:\t<none>\n");
  w.write(0, "Annotations:\t<none>\n");
  w.write(0, "API Version:\tv1\n");
  w.write(0, `Count:\t${e.count}\n`);
  w.write(0, "Event Time:\t<nil>\n");
  w.write(0, `First Timestamp:\t${e.firstTimestamp}\n`);
  w.write(0, "Involved Object:\n");
  w.write(1, `API Version:\t${e.involvedObject.apiVersion}\n`);
  if (e.involvedObject.fieldPath) w.write(1, `Field Path:\t${e.involvedObject.fieldPath}\n`);
  w.write(1, `Kind:\t${e.involvedObject.kind}\n`);
  w.write(1, `Name:\t${e.involvedObject.name}\n`);
  if (e.involvedObject.namespace) w.write(1, `Namespace:\t${e.involvedObject.namespace}\n`);
  w.write(1, `UID:\t${e.involvedObject.uid}\n`);
  w.write(0, "Kind:\tEvent\n");
  w.write(0, `Last Timestamp:\t${e.lastTimestamp}\n`);
  w.write(0, `Message:\t${e.message}\n`);
  w.write(0, "Metadata:\n");
  w.write(1, `Creation Timestamp:\t${e.metadata.creationTimestamp}\n`);
  w.write(1, `Resource Version:\t${e.metadata.resourceVersion}\n`);
  w.write(1, `UID:\t${e.metadata.uid}\n`);
  w.write(0, `Reason:\t${e.reason}\n`);
  w.write(0, `Reporting Component:\t${e.reportingComponent}\n`);
  w.write(0, `Reporting Instance:\t${e.reportingInstance}\n`);
  w.write(0, "Source:\n");
  w.write(1, `Component:\t${e.source.component}\n`);
  if (e.source.host) w.write(1, `Host:\t${e.source.host}\n`);
  w.write(0, `Type:\t${e.type}\n`);
  w.write(0, "Events:\t<none>\n");
  return w.flush();
}
