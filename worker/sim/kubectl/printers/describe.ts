// kubectl describe's shared machinery, after kubectl pkg/describe/describe.go, and the pod
// describer with the pod-template parts the workload kinds reuse (each kind's own describer lives
// in its module under worker/sim/kinds/): the same field order, the same PrefixWriter indentation (two spaces per level), and one
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

/** describe.go maxAnnotationLen: longer annotations (key, ": " and value) go on lines of their own. */
const MAX_ANNOTATION_LEN = 140;

/**
 * printAnnotationsMultiline's entries: `key: value`, or, for a value too long or of several
 * lines, `key:` and then each line indented by two and cut at 138 characters with "...".
 */
export function annotationLines(annotations: Record<string, string> | undefined): string[] {
  const lines: string[] = [];
  for (const key of Object.keys(annotations ?? {}).filter((k) => k !== LAST_APPLIED).sort()) {
    const value = annotations![key].replace(/\n$/, "");
    if (value.length + key.length + 2 > MAX_ANNOTATION_LEN || value.includes("\n")) {
      lines.push(`${key}:`);
      for (const line of value.split("\n")) lines.push(`  ${line.length > MAX_ANNOTATION_LEN - 2 ? `${line.slice(0, MAX_ANNOTATION_LEN - 2)}...` : line}`);
    } else {
      lines.push(`${key}: ${value}`);
    }
  }
  return lines;
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
  // The service is printed as is: the empty default leaves two spaces.
  if (probe.grpc) return `grpc <pod>:${probe.grpc.port} ${probe.grpc.service ?? ""} ${attrs}`;
  return `unknown ${attrs}`;
}

export function describeContainers(w: PrefixWriter, title: string, containers: Container[], pod: Pod | undefined, space: string): void {
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
    if (container.startupProbe) w.write(2, `Startup:\t${describeProbe(container.startupProbe)}\n`);
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
export function describeVolumes(w: PrefixWriter, volumes: Volume[] | undefined, space: string): void {
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
    } else if (v.persistentVolumeClaim) {
      const claim = v.persistentVolumeClaim as { claimName?: string; readOnly?: boolean };
      w.write(2, `Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t${claim.claimName ?? ""}\n    ReadOnly:\t${claim.readOnly === true}\n`);
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
  // buildIngressString: the IP (else the hostname) and, when set, the ipMode in parentheses.
  if (ingress.length > 0) w.write(0, `LoadBalancer Ingress:\t${ingress.map((i) => (i.ip || i.hostname) + (i.ipMode ? ` (${i.ipMode})` : "")).join(", ")}\n`);
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
  if (spec.healthCheckNodePort) w.write(0, `HealthCheck NodePort:\t${spec.healthCheckNodePort}\n`);
  describeEvents(w, events, now);
  return w.flush();
}

/** describe.go formatEndpointSlices: ready endpoints of the named port, 3 then " + N more...". */
export function formatEndpointSlicesList(slices: EndpointSlice[] | undefined, portName: string): string {
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








/** `kubectl rollout history --revision=N`: one revision's pod template, as DescribePodTemplate prints it. */
export function describeRevisionTemplate(template: PodTemplateSpec): string {
  const w = new PrefixWriter();
  describePodTemplate(w, template);
  return w.flush();
}

/** describe.go DescribePodTemplate. */
export function describePodTemplate(w: PrefixWriter, template: PodTemplateSpec): void {
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

