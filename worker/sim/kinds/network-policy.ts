// NetworkPolicy (networking.k8s.io/v1): pkg/registry/networking/networkpolicy/strategy.go with
// the v1 defaulting (SetDefaults_NetworkPolicy: policyTypes; SetDefaults_NetworkPolicyPort:
// protocol TCP), ValidateNetworkPolicy (pkg/apis/networking/validation), printers.go
// printNetworkPolicy (NAME POD-SELECTOR AGE) and describe.go describeNetworkPolicy. Whether a
// policy is enforced is the network plugin's business (net/policy.ts), not the API server's.
import { badRequest, invalid, type StatusCause } from "../cluster/api-status.ts";
import { fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPortName, isValidPortNum, validateLabels } from "../cluster/field-errors.ts";
import { canonicalJson } from "../cluster/ids.ts";
import type { GenericObject, LabelSelector, ObjectMeta } from "../cluster/types.ts";
import { PrefixWriter, annotationLines, labelLines, writeMultiline } from "../kubectl/printers/describe.ts";
import { age } from "../kubectl/printers/duration.ts";
import { formatLabelSelector } from "../kubectl/printers/labels.ts";
import { parseCidrText } from "../net/cidr-text.ts";
import { isRecord, selectorOf } from "./templates.ts";
import type { KindDefinition } from "./types.ts";

export type PolicyProtocol = "TCP" | "UDP" | "SCTP";
export type PolicyType = "Ingress" | "Egress";

export interface NetworkPolicyPort {
  protocol: PolicyProtocol;
  /** A number, or the name of a container port of the selected pods (intstr). */
  port?: number | string;
  endPort?: number;
}

export interface IPBlock {
  cidr: string;
  except?: string[];
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: IPBlock;
}

export interface NetworkPolicyIngressRule {
  ports?: NetworkPolicyPort[];
  from?: NetworkPolicyPeer[];
}

export interface NetworkPolicyEgressRule {
  ports?: NetworkPolicyPort[];
  to?: NetworkPolicyPeer[];
}

export interface NetworkPolicySpec {
  podSelector: LabelSelector;
  ingress?: NetworkPolicyIngressRule[];
  egress?: NetworkPolicyEgressRule[];
  policyTypes: PolicyType[];
}

export interface NetworkPolicy extends GenericObject {
  apiVersion: "networking.k8s.io/v1";
  kind: "NetworkPolicy";
  metadata: ObjectMeta;
  spec: NetworkPolicySpec;
}

const PROTOCOLS = ["TCP", "UDP", "SCTP"];

/** Why the JSON decoder refuses a value (json.Unmarshal into the typed struct). */
class DecodeError extends Error {}

const jsonType = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : typeof value === "object" ? "object" : typeof value === "boolean" ? "bool" : typeof value;

function decodeSelector(value: unknown, field: string): LabelSelector | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new DecodeError(`json: cannot unmarshal ${jsonType(value)} into Go struct field ${field} of type v1.LabelSelector`);
  return selectorOf(value);
}

function decodePort(value: unknown, field: string): NetworkPolicyPort {
  if (!isRecord(value)) throw new DecodeError(`json: cannot unmarshal ${jsonType(value)} into Go struct field ${field} of type v1.NetworkPolicyPort`);
  // SetDefaults_NetworkPolicyPort: an undefined protocol is TCP.
  const port: NetworkPolicyPort = { protocol: (value.protocol === undefined || value.protocol === null ? "TCP" : String(value.protocol)) as PolicyProtocol };
  if (typeof value.port === "number" || typeof value.port === "string") port.port = value.port;
  else if (value.port !== undefined && value.port !== null) throw new DecodeError(`json: cannot unmarshal ${jsonType(value.port)} into Go struct field ${field}.port of type intstr.IntOrString`);
  if (typeof value.endPort === "number") port.endPort = value.endPort;
  else if (value.endPort !== undefined && value.endPort !== null) throw new DecodeError(`json: cannot unmarshal ${jsonType(value.endPort)} into Go struct field ${field}.endPort of type int32`);
  return port;
}

function decodePeer(value: unknown, field: string): NetworkPolicyPeer {
  if (!isRecord(value)) throw new DecodeError(`json: cannot unmarshal ${jsonType(value)} into Go struct field ${field} of type v1.NetworkPolicyPeer`);
  const peer: NetworkPolicyPeer = {};
  const pods = decodeSelector(value.podSelector, `${field}.podSelector`);
  if (pods) peer.podSelector = pods;
  const namespaces = decodeSelector(value.namespaceSelector, `${field}.namespaceSelector`);
  if (namespaces) peer.namespaceSelector = namespaces;
  if (isRecord(value.ipBlock)) {
    const block: IPBlock = { cidr: typeof value.ipBlock.cidr === "string" ? value.ipBlock.cidr : "" };
    if (Array.isArray(value.ipBlock.except) && value.ipBlock.except.length > 0) block.except = value.ipBlock.except.map(String);
    peer.ipBlock = block;
  }
  return peer;
}

function decodeList<T>(value: unknown, field: string, item: (v: unknown, field: string) => T): T[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new DecodeError(`json: cannot unmarshal ${jsonType(value)} into Go struct field ${field} of type []`);
  return value.length ? value.map((v) => item(v, field)) : undefined;
}

function decodeSpec(raw: unknown): NetworkPolicySpec {
  const spec = isRecord(raw) ? raw : {};
  const out: NetworkPolicySpec = { podSelector: decodeSelector(spec.podSelector, "NetworkPolicy.spec.podSelector") ?? {}, policyTypes: [] };
  const rule = (kind: "ingress" | "egress") => (v: unknown, field: string) => {
    if (!isRecord(v)) throw new DecodeError(`json: cannot unmarshal ${jsonType(v)} into Go struct field ${field} of type v1.NetworkPolicy${kind === "ingress" ? "Ingress" : "Egress"}Rule`);
    const r: NetworkPolicyIngressRule & NetworkPolicyEgressRule = {};
    const ports = decodeList(v.ports, `${field}.ports`, decodePort);
    if (ports) r.ports = ports;
    const peersKey = kind === "ingress" ? "from" : "to";
    const peers = decodeList(v[peersKey], `${field}.${peersKey}`, decodePeer);
    if (peers) r[peersKey] = peers;
    return r;
  };
  const ingress = decodeList(spec.ingress, "NetworkPolicy.spec.ingress", rule("ingress"));
  if (ingress) out.ingress = ingress;
  // An empty egress list is kept apart from an absent one only until defaulting: both mean "no rules".
  const egress = decodeList(spec.egress, "NetworkPolicy.spec.egress", rule("egress"));
  if (egress) out.egress = egress;
  if (Array.isArray(spec.policyTypes)) out.policyTypes = spec.policyTypes.map(String) as PolicyType[];
  // SetDefaults_NetworkPolicy: without policyTypes a policy is about ingress, and egress too when it has egress rules.
  if (out.policyTypes.length === 0) out.policyTypes = out.egress ? ["Ingress", "Egress"] : ["Ingress"];
  return out;
}

/** metav1 validation.ValidateLabelSelector (invalid label values in expressions refused). */
function validateSelector(selector: LabelSelector, field: string): StatusCause[] {
  const causes = validateLabels(selector.matchLabels, `${field}.matchLabels`);
  (selector.matchExpressions ?? []).forEach((e, i) => {
    const path = `${field}.matchExpressions[${i}]`;
    const values = e.values ?? [];
    if (e.operator === "In" || e.operator === "NotIn") {
      if (values.length === 0) causes.push(fieldRequired(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (e.operator === "Exists" || e.operator === "DoesNotExist") {
      if (values.length > 0) causes.push(fieldForbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else causes.push(fieldInvalid(`${path}.operator`, e.operator, "not a valid selector operator"));
    for (const msg of isQualifiedName(e.key)) causes.push(fieldInvalid(`${path}.key`, e.key, msg));
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(v)) causes.push(fieldInvalid(`${path}.values[${j}]`, v, msg));
    });
  });
  return causes;
}

/** ValidateNetworkPolicyPort. */
function validatePort(port: NetworkPolicyPort, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!PROTOCOLS.includes(port.protocol)) causes.push(fieldNotSupported(`${path}.protocol`, port.protocol, PROTOCOLS));
  if (port.port !== undefined) {
    if (typeof port.port === "number") {
      for (const msg of isValidPortNum(port.port)) causes.push(fieldInvalid(`${path}.port`, port.port, msg));
      if (port.endPort !== undefined) {
        if (port.endPort < port.port) causes.push(fieldInvalid(`${path}.endPort`, port.endPort, "must be greater than or equal to `port`"));
        for (const msg of isValidPortNum(port.endPort)) causes.push(fieldInvalid(`${path}.endPort`, port.endPort, msg));
      }
    } else {
      if (port.endPort !== undefined) causes.push(fieldInvalid(`${path}.endPort`, port.endPort, "may not be specified when `port` is non-numeric"));
      for (const msg of isValidPortName(port.port)) causes.push(fieldInvalid(`${path}.port`, port.port, msg));
    }
  } else if (port.endPort !== undefined) {
    causes.push(fieldInvalid(`${path}.endPort`, port.endPort, "may not be specified when `port` is not specified"));
  }
  return causes;
}

const CIDR_MESSAGE = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

/** ValidateIPBlock (IsValidCIDRForLegacyField without the StrictIPCIDRValidation gate, which is off by default). */
function validateIPBlock(block: IPBlock, path: string): StatusCause[] {
  if (block.cidr === "") return [fieldRequired(`${path}.cidr`)];
  const cidr = parseCidrText(block.cidr);
  if (!cidr) return [fieldInvalid(`${path}.cidr`, block.cidr, CIDR_MESSAGE)];
  const causes: StatusCause[] = [];
  (block.except ?? []).forEach((text, i) => {
    const except = parseCidrText(text);
    if (!except) {
      causes.push(fieldInvalid(`${path}.except[${i}]`, text, CIDR_MESSAGE));
      return;
    }
    const contains = except.family === cidr.family && except.prefix >= cidr.prefix && cidr.contains(except.network);
    if (!contains || cidr.prefix >= except.prefix) causes.push(fieldInvalid(`${path}.except[${i}]`, text, "must be a strict subset of `cidr`"));
  });
  return causes;
}

/** ValidateNetworkPolicyPeer. */
function validatePeer(peer: NetworkPolicyPeer, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  let peers = 0;
  if (peer.podSelector) {
    peers++;
    causes.push(...validateSelector(peer.podSelector, `${path}.podSelector`));
  }
  if (peer.namespaceSelector) {
    peers++;
    causes.push(...validateSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  }
  if (peer.ipBlock) {
    peers++;
    causes.push(...validateIPBlock(peer.ipBlock, `${path}.ipBlock`));
  }
  if (peers === 0) causes.push(fieldRequired(path, "must specify a peer"));
  else if (peers > 1 && peer.ipBlock) causes.push(fieldForbidden(path, "may not specify both ipBlock and another peer"));
  return causes;
}

/** ValidateNetworkPolicySpec, in its order. */
export function validateNetworkPolicySpec(spec: NetworkPolicySpec): StatusCause[] {
  const causes = validateSelector(spec.podSelector, "spec.podSelector");
  (spec.ingress ?? []).forEach((rule, i) => {
    (rule.ports ?? []).forEach((p, j) => causes.push(...validatePort(p, `spec.ingress[${i}].ports[${j}]`)));
    (rule.from ?? []).forEach((p, j) => causes.push(...validatePeer(p, `spec.ingress[${i}].from[${j}]`)));
  });
  (spec.egress ?? []).forEach((rule, i) => {
    (rule.ports ?? []).forEach((p, j) => causes.push(...validatePort(p, `spec.egress[${i}].ports[${j}]`)));
    (rule.to ?? []).forEach((p, j) => causes.push(...validatePeer(p, `spec.egress[${i}].to[${j}]`)));
  });
  if (spec.policyTypes.length > 2) {
    // field.Invalid of &spec.PolicyTypes: the error dereferences the pointer and prints the slice with %#v.
    const value = `[]networking.PolicyType{${spec.policyTypes.map((t) => JSON.stringify(t)).join(", ")}}`;
    causes.push({ field: "spec.policyTypes", message: `Invalid value: ${value}: may not specify more than two policyTypes` });
    return causes;
  }
  spec.policyTypes.forEach((t, i) => {
    if (t !== "Ingress" && t !== "Egress") causes.push(fieldNotSupported(`spec.policyTypes[${i}]`, t, ["Ingress", "Egress"]));
  });
  return causes;
}

/** Go's time.Time String() of a metav1.Time, as describe's "Created on" prints it (UTC here). */
export function goTimeString(timestamp: string): string {
  const d = new Date(timestamp);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000 UTC`;
}

/** `%s` of a *intstr.IntOrString: the number, the name, or `<nil>` when absent. */
const portText = (port: number | string | undefined) => (port === undefined ? "<nil>" : String(port));

function writePorts(w: PrefixWriter, indent: string, ports: readonly NetworkPolicyPort[] | undefined): void {
  if (!ports || ports.length === 0) {
    w.write(0, `${indent}To Port: <any> (traffic allowed to all ports)\n`);
    return;
  }
  for (const p of ports) {
    if (p.endPort === undefined) w.write(0, `${indent}To Port: ${portText(p.port)}/${p.protocol}\n`);
    else w.write(0, `${indent}To Port Range: ${portText(p.port)}-${p.endPort}/${p.protocol}\n`);
  }
}

function writePeers(w: PrefixWriter, indent: string, title: "From" | "To", peers: readonly NetworkPolicyPeer[] | undefined): void {
  if (!peers || peers.length === 0) {
    w.write(0, `${indent}${title}: <any> (traffic not restricted by ${title === "From" ? "source" : "destination"})\n`);
    return;
  }
  for (const peer of peers) {
    w.write(0, `${indent}${title}:\n`);
    if (peer.podSelector && peer.namespaceSelector) {
      w.write(1, `${indent}NamespaceSelector: ${formatLabelSelector(peer.namespaceSelector)}\n`);
      w.write(1, `${indent}PodSelector: ${formatLabelSelector(peer.podSelector)}\n`);
    } else if (peer.podSelector) w.write(1, `${indent}PodSelector: ${formatLabelSelector(peer.podSelector)}\n`);
    else if (peer.namespaceSelector) w.write(1, `${indent}NamespaceSelector: ${formatLabelSelector(peer.namespaceSelector)}\n`);
    else if (peer.ipBlock) {
      w.write(1, `${indent}IPBlock:\n`);
      w.write(2, `${indent}CIDR: ${peer.ipBlock.cidr}\n`);
      w.write(2, `${indent}Except: ${(peer.ipBlock.except ?? []).join(", ")}\n`);
    }
  }
}

function writeRules(w: PrefixWriter, direction: "ingress" | "egress", rules: ReadonlyArray<NetworkPolicyIngressRule & NetworkPolicyEgressRule> | undefined): void {
  const indent = "    ";
  if (!rules || rules.length === 0) {
    w.write(0, `${indent}<none> (Selected pods are isolated for ${direction} connectivity)\n`);
    return;
  }
  rules.forEach((rule, i) => {
    writePorts(w, indent, rule.ports);
    if (direction === "ingress") writePeers(w, indent, "From", rule.from);
    else writePeers(w, indent, "To", rule.to);
    if (i !== rules.length - 1) w.write(0, `${indent}----------\n`);
  });
}

const isEmptySelector = (s: LabelSelector) => Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;

/** describe.go describeNetworkPolicy (no events: the describer does not look them up). */
export function describeNetworkPolicy(np: NetworkPolicy): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${np.metadata.name}\n`);
  w.write(0, `Namespace:\t${np.metadata.namespace}\n`);
  w.write(0, `Created on:\t${goTimeString(np.metadata.creationTimestamp)}\n`);
  writeMultiline(w, 0, "Labels", labelLines(np.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(np.metadata.annotations));
  const spec = np.spec;
  w.write(0, "Spec:\n");
  w.write(1, "PodSelector: ");
  if (isEmptySelector(spec.podSelector)) w.write(2, "<none> (Allowing the specific traffic to all pods in this namespace)\n");
  else w.write(2, `${formatLabelSelector(spec.podSelector)}\n`);
  const types = spec.policyTypes;
  if (types.includes("Ingress")) {
    w.write(1, "Allowing ingress traffic:\n");
    writeRules(w, "ingress", spec.ingress);
  } else w.write(1, "Not affecting ingress traffic\n");
  if (types.includes("Egress")) {
    w.write(1, "Allowing egress traffic:\n");
    writeRules(w, "egress", spec.egress);
  } else w.write(1, "Not affecting egress traffic\n");
  w.write(1, `Policy Types: ${types.length ? types.join(", ") : "<none>"}\n`);
  return w.flush();
}

export const networkPolicyKind: KindDefinition = {
  kind: "NetworkPolicy",
  group: "networking.k8s.io",
  version: "v1",
  plural: "networkpolicies",
  singular: "networkpolicy",
  shortNames: ["netpol"],
  categories: [],
  namespaced: true,
  storage: { resource: "networkpolicies" },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta, _ctx, old) => {
      const raw = sub as unknown as Record<string, unknown>;
      let spec: NetworkPolicySpec;
      try {
        spec = decodeSpec(raw.spec);
      } catch (e) {
        if (e instanceof DecodeError) return { ok: false, status: badRequest(`NetworkPolicy in version "v1" cannot be handled as a NetworkPolicy: ${e.message}`) };
        throw e;
      }
      const causes = validateNetworkPolicySpec(spec);
      if (causes.length) return { ok: false, status: invalid("NetworkPolicy", "networking.k8s.io", meta.name, causes) };
      // strategy.go: the generation starts at 1 and moves when the spec changes.
      const previous = old as NetworkPolicy | undefined;
      meta.generation = previous ? (previous.metadata.generation ?? 1) + (canonicalJson(previous.spec) !== canonicalJson(spec) ? 1 : 0) : 1;
      const np: NetworkPolicy = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: meta, spec };
      return { ok: true, obj: np };
    },
  },
  table: {
    columns: ["NAME", "POD-SELECTOR", "AGE"],
    narrow: 3,
    row: (o, now) => {
      const np = o as unknown as NetworkPolicy;
      return [np.metadata.name, formatLabelSelector(np.spec.podSelector), age(np.metadata.creationTimestamp, now)];
    },
  },
  describe: (_state, object) => describeNetworkPolicy(object as unknown as NetworkPolicy),
};
