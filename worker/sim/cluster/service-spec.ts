// Validation, defaulting and allocation of a Service spec, as the API server's service REST
// storage does it (ValidateService, SetDefaults_Service, the ClusterIP and NodePort allocators,
// patchAllocatedValues and dropTypeDependentFields on update).
import type { Random } from "../random.ts";
import { allocateClusterIP, allocateNodePort } from "./allocators.ts";
import { withProps } from "./compact.ts";
import type { StatusCause } from "./api-status.ts";
import { fieldDuplicate, fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired, isDNS1123Label, isValidPortName, isValidPortNum, validateLabels } from "./field-errors.ts";
import { cidrContains, ipToNumber, parseCidr } from "./ipv4.ts";
import type { ClusterConfig, Service, ServicePort, ServiceSpec, ServiceType } from "./types.ts";

const TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"] as const;
const PROTOCOLS = ["SCTP", "TCP", "UDP"] as const;
/** Every Service's ipFamilies (single-stack IPv4): one frozen list, never edited in place. */
const IPV4_ONLY = Object.freeze(["IPv4"]) as string[];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export interface ServiceAllocation {
  config: ClusterConfig;
  usedClusterIPs: ReadonlySet<string>;
  usedNodePorts: ReadonlySet<number>;
  random: Random;
  /** The stored Service on update. */
  old?: Service;
}

export type SpecResult = { ok: true; spec: ServiceSpec } | { ok: false; causes: StatusCause[]; internal?: string };

const needsNodePorts = (type: string): boolean => type === "NodePort" || type === "LoadBalancer";

/** apiservice.NeedsHealthCheck: kube-proxy serves a health check node port for this Service. */
export const needsHealthCheck = (spec: ServiceSpec): boolean => spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local";

function goServicePort(port: number, protocol: string): string {
  return `core.ServicePort{Name:"", Protocol:"${protocol}", AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}

export function prepareServiceSpec(input: unknown, alloc: ServiceAllocation): SpecResult {
  const spec = isRecord(input) ? input : {};
  const errs: StatusCause[] = [];
  const old = alloc.old;
  const type = (spec.type ?? "ClusterIP") as ServiceType;
  if (!TYPES.includes(type)) errs.push(fieldNotSupported("spec.type", spec.type, TYPES));

  let clusterIP = typeof spec.clusterIP === "string" ? spec.clusterIP : undefined;
  if (clusterIP === undefined && Array.isArray(spec.clusterIPs) && typeof spec.clusterIPs[0] === "string") clusterIP = spec.clusterIPs[0];
  if (clusterIP === "") clusterIP = undefined;
  // On update an omitted clusterIP keeps the allocated one (patchAllocatedValues).
  if (old && clusterIP === undefined && type !== "ExternalName" && old.spec.clusterIP) clusterIP = old.spec.clusterIP;
  const headless = clusterIP === "None";

  const rawPorts = spec.ports;
  const ports: ServicePort[] = [];
  if (rawPorts !== undefined && !Array.isArray(rawPorts)) errs.push(fieldInvalid("spec.ports", rawPorts, "must be a list"));
  const portList = Array.isArray(rawPorts) ? rawPorts : [];
  if (portList.length === 0 && !headless && type !== "ExternalName") errs.push(fieldRequired("spec.ports"));
  const names = new Set<string>();
  const keys = new Set<string>();
  const requestedNodePorts = new Set<number>();
  portList.forEach((raw, i) => {
    const path = `spec.ports[${i}]`;
    const p = isRecord(raw) ? raw : {};
    const name = typeof p.name === "string" ? p.name : "";
    if (portList.length > 1 && name === "") errs.push(fieldRequired(`${path}.name`));
    if (name !== "") {
      for (const e of isDNS1123Label(name)) errs.push(fieldInvalid(`${path}.name`, name, e));
      if (names.has(name)) errs.push(fieldDuplicate(`${path}.name`, name));
      names.add(name);
    }
    const port = typeof p.port === "number" ? p.port : 0;
    if (typeof p.port !== "number" && p.port !== undefined) errs.push(fieldInvalid(`${path}.port`, p.port, "must be an integer"));
    else for (const e of isValidPortNum(port)) errs.push(fieldInvalid(`${path}.port`, port, e));
    const protocol = (p.protocol ?? "TCP") as ServicePort["protocol"];
    if (!PROTOCOLS.includes(protocol)) errs.push(fieldNotSupported(`${path}.protocol`, p.protocol, PROTOCOLS));
    const key = `${port}/${protocol}`;
    if (keys.has(key)) errs.push({ field: path, message: `Duplicate value: ${goServicePort(port, protocol)}` });
    keys.add(key);
    let targetPort: number | string = port;
    if (typeof p.targetPort === "number" && p.targetPort !== 0) {
      targetPort = p.targetPort;
      for (const e of isValidPortNum(p.targetPort)) errs.push(fieldInvalid(`${path}.targetPort`, p.targetPort, e));
    } else if (typeof p.targetPort === "string" && p.targetPort !== "") {
      // intstr: a string of digits is still a number for the API server's JSON decoding of kubectl's output.
      targetPort = /^\d+$/.test(p.targetPort) ? Number(p.targetPort) : p.targetPort;
      if (typeof targetPort === "number") for (const e of isValidPortNum(targetPort)) errs.push(fieldInvalid(`${path}.targetPort`, targetPort, e));
      else for (const e of isValidPortName(targetPort)) errs.push(fieldInvalid(`${path}.targetPort`, targetPort, e));
    }
    const out: ServicePort = name ? { name, protocol, port, targetPort } : { protocol, port, targetPort };
    if (typeof p.appProtocol === "string") out.appProtocol = p.appProtocol;
    if (p.nodePort !== undefined && p.nodePort !== 0 && p.nodePort !== null) {
      if (typeof p.nodePort !== "number" || !Number.isInteger(p.nodePort)) errs.push(fieldInvalid(`${path}.nodePort`, p.nodePort, "must be an integer"));
      else if (type === "ClusterIP") {
        const oldPort = old?.spec.ports.find((o) => o.name === out.name || (!o.name && !out.name));
        // dropTypeDependentFields: a NodePort left over from before a change to ClusterIP is cleared.
        if (!(old && needsNodePorts(old.spec.type) && oldPort?.nodePort === p.nodePort)) {
          errs.push(fieldForbidden(`${path}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
        }
      } else if (needsNodePorts(type)) {
        if (requestedNodePorts.has(p.nodePort)) errs.push(fieldDuplicate(`${path}.nodePort`, p.nodePort));
        requestedNodePorts.add(p.nodePort);
        out.nodePort = p.nodePort;
      }
    }
    ports.push(out);
  });

  if (spec.selector !== undefined && spec.selector !== null) errs.push(...validateLabels(spec.selector, "spec.selector"));
  const sessionAffinity = (spec.sessionAffinity ?? "None") as ServiceSpec["sessionAffinity"];
  if (!["ClientIP", "None"].includes(sessionAffinity)) errs.push(fieldNotSupported("spec.sessionAffinity", spec.sessionAffinity, ["ClientIP", "None"]));
  const etp = spec.externalTrafficPolicy as string | undefined;
  if (etp !== undefined && etp !== "") {
    if (!["Cluster", "Local"].includes(etp)) errs.push(fieldNotSupported("spec.externalTrafficPolicy", etp, ["Cluster", "Local"]));
    else if (!needsNodePorts(type) && !(old && needsNodePorts(old.spec.type) && old.spec.externalTrafficPolicy === etp)) {
      errs.push(fieldInvalid("spec.externalTrafficPolicy", etp, "may only be set for externally-accessible services"));
    }
  }
  // healthCheckNodePort (ValidateService, validateServiceExternalTrafficFieldsUpdate and
  // dropTypeDependentFields): only a LoadBalancer with externalTrafficPolicy: Local has one.
  const hcnp = typeof spec.healthCheckNodePort === "number" ? spec.healthCheckNodePort : 0;
  const needsHC = type === "LoadBalancer" && etp === "Local";
  const oldHC = old && needsHealthCheck(old.spec) ? old.spec.healthCheckNodePort : undefined;
  let keepHC = false;
  if (spec.healthCheckNodePort !== undefined && spec.healthCheckNodePort !== null && typeof spec.healthCheckNodePort !== "number") {
    errs.push(fieldInvalid("spec.healthCheckNodePort", spec.healthCheckNodePort, "must be an integer"));
  } else if (hcnp !== 0 && !needsHC) {
    // A port left over from before the change of type or policy is cleared, not refused.
    if (oldHC !== hcnp) errs.push(fieldInvalid("spec.healthCheckNodePort", hcnp, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (hcnp !== 0) {
    for (const e of isValidPortNum(hcnp)) errs.push(fieldInvalid("spec.healthCheckNodePort", hcnp, e));
    if (oldHC !== undefined && oldHC !== hcnp) errs.push(fieldForbidden("spec.healthCheckNodePort", "field is immutable"));
    keepHC = oldHC === hcnp;
  }
  const itp = spec.internalTrafficPolicy as string | undefined;
  if (itp !== undefined && !["Cluster", "Local"].includes(itp)) errs.push(fieldNotSupported("spec.internalTrafficPolicy", itp, ["Cluster", "Local"]));
  if (type === "ExternalName" && (typeof spec.externalName !== "string" || spec.externalName === "")) errs.push(fieldRequired("spec.externalName"));
  if (clusterIP !== undefined && !headless && ipToNumber(clusterIP) === undefined) {
    errs.push(fieldInvalid("spec.clusterIPs[0]", clusterIP, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
  }
  if (old && old.spec.type !== "ExternalName" && type !== "ExternalName" && old.spec.clusterIP && clusterIP !== old.spec.clusterIP) {
    errs.push(fieldInvalid("spec.clusterIP", clusterIP ?? "", "field is immutable"));
  }
  if (errs.length > 0) return { ok: false, causes: errs };

  // Allocation, after validation, as the REST storage does it.
  // An exact-size copy of the pushed-to list (a pushed-to array keeps spare room); the port
  // objects are the same, so the allocation below still reaches them.
  const result: ServiceSpec = { type, ports: ports.slice(), sessionAffinity };
  if (spec.publishNotReadyAddresses === true) result.publishNotReadyAddresses = true;
  if (isRecord(spec.selector) && Object.keys(spec.selector).length > 0) result.selector = { ...(spec.selector as Record<string, string>) };
  if (type === "ExternalName") {
    result.externalName = spec.externalName as string;
  } else {
    const ownIP = old?.spec.clusterIP;
    if (clusterIP === undefined) {
      const ip = allocateClusterIP(alloc.config.serviceCIDR, alloc.usedClusterIPs, alloc.random);
      if (!ip) return { ok: false, causes: [], internal: "failed to allocate a serviceIP: range is full" };
      clusterIP = ip;
    } else if (!headless && clusterIP !== ownIP) {
      const cidr = parseCidr(alloc.config.serviceCIDR)!;
      const failed = `failed to allocate IP ${clusterIP}: `;
      if (!cidrContains(cidr, clusterIP)) {
        return { ok: false, causes: [fieldInvalid("spec.clusterIPs", [clusterIP], `${failed}the provided IP (${clusterIP}) is not in the valid range. The range of valid IPs is ${alloc.config.serviceCIDR}`)] };
      }
      if (alloc.usedClusterIPs.has(clusterIP)) return { ok: false, causes: [fieldInvalid("spec.clusterIPs", [clusterIP], `${failed}provided IP is already allocated`)] };
    }
    result.clusterIP = clusterIP;
    result.clusterIPs = [clusterIP];
    result.ipFamilies = IPV4_ONLY;
    result.ipFamilyPolicy = "SingleStack";
    result.internalTrafficPolicy = (itp as ServiceSpec["internalTrafficPolicy"]) ?? "Cluster";
  }
  if (sessionAffinity === "ClientIP") {
    const cfg = isRecord(spec.sessionAffinityConfig) && isRecord(spec.sessionAffinityConfig.clientIP) ? spec.sessionAffinityConfig.clientIP.timeoutSeconds : undefined;
    result.sessionAffinityConfig = { clientIP: { timeoutSeconds: typeof cfg === "number" ? cfg : 10800 } };
  }
  if (Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0) result.externalIPs = (spec.externalIPs as unknown[]).map(String);
  if (needsNodePorts(type)) {
    result.externalTrafficPolicy = (etp as ServiceSpec["externalTrafficPolicy"]) || "Cluster";
    if (type === "LoadBalancer") {
      result.allocateLoadBalancerNodePorts = spec.allocateLoadBalancerNodePorts !== false;
      if (typeof spec.loadBalancerIP === "string") result.loadBalancerIP = spec.loadBalancerIP;
    }
    const ownPorts = new Set<number>(old ? old.spec.ports.flatMap((p) => (p.nodePort ? [p.nodePort] : [])) : []);
    if (old?.spec.healthCheckNodePort) ownPorts.add(old.spec.healthCheckNodePort);
    const used = new Set(alloc.usedNodePorts);
    for (const p of ownPorts) used.delete(p);
    // patchAllocatedValues: a port sent without nodePort keeps the one it had, matched by name.
    if (old && needsNodePorts(old.spec.type)) {
      const inNew = new Set(ports.flatMap((p) => (p.nodePort ? [p.nodePort] : [])));
      for (const p of ports) {
        if (p.nodePort) continue;
        const before = old.spec.ports.find((o) => (o.name ?? "") === (p.name ?? ""))?.nodePort;
        if (before && !inNew.has(before)) p.nodePort = before;
      }
    }
    const { min, max } = alloc.config.nodePortRange;
    const causes: StatusCause[] = [];
    ports.forEach((p, i) => {
      if (!p.nodePort) return;
      if (p.nodePort < min || p.nodePort > max) {
        causes.push(fieldInvalid(`spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${min}-${max}`));
      } else if (used.has(p.nodePort) && !ownPorts.has(p.nodePort)) {
        causes.push(fieldInvalid(`spec.ports[${i}].nodePort`, p.nodePort, "provided port is already allocated"));
      }
      used.add(p.nodePort);
    });
    if (causes.length > 0) return { ok: false, causes };
    if (type === "NodePort" || result.allocateLoadBalancerNodePorts) {
      for (const p of ports) {
        if (p.nodePort) continue;
        const port = allocateNodePort(alloc.config.nodePortRange, used, alloc.random);
        if (port === undefined) return { ok: false, causes: [], internal: "failed to allocate a nodePort: range is full" };
        p.nodePort = port;
        used.add(port);
      }
    }
    // allocHealthCheckNodePort: after the node ports, from the same range (even when
    // allocateLoadBalancerNodePorts is false); an update keeps the port it had.
    if (needsHC) {
      let port = hcnp || oldHC || 0;
      if (port && !keepHC && !(port === oldHC && hcnp === 0)) {
        if (port < min || port > max) return { ok: false, causes: [], internal: `failed to allocate requested HealthCheck NodePort ${port}: provided port is not in the valid range. The range of valid ports is ${min}-${max}` };
        if (used.has(port)) return { ok: false, causes: [], internal: `failed to allocate requested HealthCheck NodePort ${port}: provided port is already allocated` };
      }
      if (!port) {
        const next = allocateNodePort(alloc.config.nodePortRange, used, alloc.random);
        if (next === undefined) return { ok: false, causes: [], internal: "failed to allocate a HealthCheck NodePort 0: range is full" };
        port = next;
      }
      result.healthCheckNodePort = port;
    }
  } else {
    for (const p of ports) delete p.nodePort;
  }
  // Keys were added one by one: a compact copy drops the property array (~40 B a Service).
  return { ok: true, spec: withProps(result, {}) };
}
