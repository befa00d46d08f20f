// Ingress and IngressClass (networking.k8s.io/v1): pkg/registry/networking/{ingress,ingressclass}
// with ValidateIngressCreate/ValidateIngressClass (pkg/apis/networking/validation), printers.go
// printIngress (NAME CLASS HOSTS ADDRESS PORTS AGE) and printIngressClass (NAME CONTROLLER
// PARAMETERS AGE), describe.go describeIngressV1 (rules with their backends' endpoints) and
// describeIngressClassV1. Routing is the ingress controller's business, not the API server's.
import { invalid, type StatusCause } from "../cluster/api-status.ts";
import type { EventObject } from "../cluster/events.ts";
import { fieldInvalid, fieldNotSupported, fieldRequired, isDNS1123Subdomain, isValidPortName, isValidPortNum } from "../cluster/field-errors.ts";
import type { ClusterState, GenericObject, ObjectMeta } from "../cluster/types.ts";
import { slicesOfService } from "../kubectl/derived.ts";
import { PrefixWriter, describeEvents, formatEndpointSlicesList, writeMultiline, annotationLines, labelLines } from "../kubectl/printers/describe.ts";
import { age } from "../kubectl/printers/duration.ts";
import { isRecord } from "./templates.ts";
import type { KindDefinition } from "./types.ts";

export type PathType = "Exact" | "Prefix" | "ImplementationSpecific";

export interface IngressServiceBackend {
  name: string;
  port: { number?: number; name?: string };
}

export interface IngressBackend {
  service?: IngressServiceBackend;
  resource?: { apiGroup?: string; kind: string; name: string };
}

export interface HTTPIngressPath {
  path?: string;
  pathType: PathType;
  backend: IngressBackend;
}

export interface IngressRule {
  host?: string;
  http?: { paths: HTTPIngressPath[] };
}

export interface IngressTLS {
  hosts?: string[];
  secretName?: string;
}

export interface Ingress extends GenericObject {
  apiVersion: "networking.k8s.io/v1";
  kind: "Ingress";
  metadata: ObjectMeta;
  spec: { ingressClassName?: string; defaultBackend?: IngressBackend; tls?: IngressTLS[]; rules?: IngressRule[] };
  status: { loadBalancer: { ingress?: Array<{ ip?: string; hostname?: string; ports?: unknown[] }> } };
}

export interface IngressClass extends GenericObject {
  apiVersion: "networking.k8s.io/v1";
  kind: "IngressClass";
  metadata: ObjectMeta;
  spec: { controller?: string; parameters?: { apiGroup?: string; kind: string; name: string; scope?: string; namespace?: string } };
}

/** The annotation older Ingresses name their class with (annotationIngressClass). */
const ANNOTATION_INGRESS_CLASS = "kubernetes.io/ingress.class";
const SUPPORTED_PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"];
const INVALID_PATH_SEQUENCES = ["//", "/./", "/../", "%2f", "%2F"];
const INVALID_PATH_SUFFIXES = ["/..", "/."];

const WILDCARD_DNS1123_SUBDOMAIN = /^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** validation.IsWildcardDNS1123Subdomain. */
function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push("must be no more than 253 characters");
  if (!WILDCARD_DNS1123_SUBDOMAIN.test(value)) {
    errs.push(
      "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    );
  }
  return errs;
}

const isIPv4 = (value: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(value) && value.split(".").every((o) => Number(o) <= 255);

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);

function readBackend(raw: unknown): IngressBackend {
  const backend: IngressBackend = {};
  if (!isRecord(raw)) return backend;
  if (isRecord(raw.service)) {
    const port = isRecord(raw.service.port) ? raw.service.port : {};
    const p: IngressServiceBackend["port"] = {};
    if (num(port.number) !== undefined) p.number = num(port.number);
    if (str(port.name) !== undefined) p.name = str(port.name);
    backend.service = { name: str(raw.service.name) ?? "", port: p };
  }
  if (isRecord(raw.resource)) {
    const r = raw.resource;
    backend.resource = { kind: str(r.kind) ?? "", name: str(r.name) ?? "", ...(str(r.apiGroup) !== undefined ? { apiGroup: str(r.apiGroup) } : {}) };
  }
  return backend;
}

/** The Ingress as the API server stores it from what the client sent (v1 has no defaults). */
function readIngress(raw: Record<string, unknown>, meta: ObjectMeta): Ingress {
  const spec = isRecord(raw.spec) ? raw.spec : {};
  const out: Ingress["spec"] = {};
  if (str(spec.ingressClassName) !== undefined) out.ingressClassName = str(spec.ingressClassName);
  if (isRecord(spec.defaultBackend)) out.defaultBackend = readBackend(spec.defaultBackend);
  if (Array.isArray(spec.tls) && spec.tls.length > 0) {
    out.tls = spec.tls.map((t) => {
      const tls: IngressTLS = {};
      if (isRecord(t) && Array.isArray(t.hosts)) tls.hosts = t.hosts.map(String);
      if (isRecord(t) && str(t.secretName) !== undefined) tls.secretName = str(t.secretName);
      return tls;
    });
  }
  if (Array.isArray(spec.rules) && spec.rules.length > 0) {
    out.rules = spec.rules.map((r) => {
      const rule: IngressRule = {};
      if (!isRecord(r)) return rule;
      if (str(r.host) !== undefined && r.host !== "") rule.host = str(r.host);
      if (isRecord(r.http)) {
        const paths = Array.isArray(r.http.paths) ? r.http.paths : [];
        rule.http = {
          paths: paths.map((p) => {
            const path = isRecord(p) ? p : {};
            const out: HTTPIngressPath = { pathType: str(path.pathType) as PathType, backend: readBackend(path.backend) };
            if (str(path.path) !== undefined) out.path = str(path.path);
            return out;
          }),
        };
      }
      return rule;
    });
  }
  return { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: meta, spec: out, status: { loadBalancer: {} } };
}

function validateBackend(backend: IngressBackend, at: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (backend.resource && backend.service) return [fieldInvalid(at, "", "cannot set both resource and service backends")];
  if (backend.resource) {
    const r = backend.resource;
    if (r.apiGroup !== undefined) for (const msg of isDNS1123Subdomain(r.apiGroup)) causes.push(fieldInvalid(`${at}.resource.apiGroup`, r.apiGroup, msg));
    if (r.kind === "") causes.push(fieldRequired(`${at}.resource.kind`, "kind is required"));
    if (r.name === "") causes.push(fieldRequired(`${at}.resource.name`, "name is required"));
    return causes;
  }
  if (!backend.service) return [fieldInvalid(at, "", "resource or service backend is required")];
  const svc = backend.service;
  if (svc.name === "") causes.push(fieldRequired(`${at}.service.name`));
  else for (const msg of isDNS1035Label(svc.name)) causes.push(fieldInvalid(`${at}.service.name`, svc.name, msg));
  const hasName = (svc.port.name ?? "").length > 0;
  const hasNumber = (svc.port.number ?? 0) !== 0;
  if (hasName && hasNumber) causes.push(fieldInvalid(at, "", "cannot set both port name & port number"));
  else if (hasName) for (const msg of isValidPortName(svc.port.name!)) causes.push(fieldInvalid(`${at}.service.port.name`, svc.port.name, msg));
  else if (hasNumber) for (const msg of isValidPortNum(svc.port.number!)) causes.push(fieldInvalid(`${at}.service.port.number`, svc.port.number, msg));
  else causes.push(fieldRequired(at, "port name or number is required"));
  return causes;
}

/** ValidateServiceName: a Service's name is a DNS-1035 label. */
function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push("must be no more than 63 characters");
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
    errs.push(
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    );
  }
  return errs;
}

function validateHostName(host: string, at: string, causes: StatusCause[]): void {
  if (host.includes("*")) for (const msg of isWildcardDNS1123Subdomain(host)) causes.push(fieldInvalid(at, host, msg));
  else for (const msg of isDNS1123Subdomain(host)) causes.push(fieldInvalid(at, host, msg));
}

/** ValidateIngressCreate (and, without the annotation check, the update). */
export function validateIngress(ing: Ingress, create: boolean, rulesSent = false): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = ing.spec;
  // field.Error prints the Go value with %#v: the decoded rules, nil when the field was absent.
  if (!spec.rules?.length && !spec.defaultBackend) causes.push({ field: "spec", message: `Invalid value: []networking.IngressRule${rulesSent ? "{}" : "(nil)"}: either \`defaultBackend\` or \`rules\` must be specified` });
  if (spec.defaultBackend) causes.push(...validateBackend(spec.defaultBackend, "spec.defaultBackend"));
  (spec.rules ?? []).forEach((rule, i) => {
    if (rule.host) {
      if (isIPv4(rule.host)) causes.push(fieldInvalid(`spec.rules[${i}].host`, rule.host, "must be a DNS name, not an IP address"));
      validateHostName(rule.host, `spec.rules[${i}].host`, causes);
    }
    if (!rule.http) return;
    if (rule.http.paths.length === 0) causes.push(fieldRequired(`spec.rules[${i}].http.paths`));
    rule.http.paths.forEach((path, j) => {
      const at = `spec.rules[${i}].http.paths[${j}]`;
      const p = path.path ?? "";
      if (path.pathType === undefined) {
        causes.push(fieldRequired(`${at}.pathType`, "pathType must be specified"));
        return;
      }
      if (path.pathType === "Exact" || path.pathType === "Prefix") {
        if (!p.startsWith("/")) causes.push(fieldInvalid(`${at}.path`, p, "must be an absolute path"));
        if (p.length > 0) {
          for (const seq of INVALID_PATH_SEQUENCES) if (p.includes(seq)) causes.push(fieldInvalid(`${at}.path`, p, `must not contain '${seq}'`));
          for (const suffix of INVALID_PATH_SUFFIXES) if (p.endsWith(suffix)) causes.push(fieldInvalid(`${at}.path`, p, `cannot end with '${suffix}'`));
        }
      } else if (path.pathType === "ImplementationSpecific") {
        if (p.length > 0 && !p.startsWith("/")) causes.push(fieldInvalid(`${at}.path`, p, "must be an absolute path"));
      } else {
        causes.push(fieldNotSupported(`${at}.pathType`, path.pathType, SUPPORTED_PATH_TYPES));
      }
      causes.push(...validateBackend(path.backend, `${at}.backend`));
    });
  });
  (spec.tls ?? []).forEach((tls, i) => {
    (tls.hosts ?? []).forEach((host, j) => validateHostName(host, `spec.tls[${i}].hosts[${j}]`, causes));
    if (tls.secretName) for (const msg of isDNS1123Subdomain(tls.secretName)) causes.push(fieldInvalid(`spec.tls[${i}].secretName`, tls.secretName, msg));
  });
  if (spec.ingressClassName !== undefined) for (const msg of isDNS1123Subdomain(spec.ingressClassName)) causes.push(fieldInvalid("spec.ingressClassName", spec.ingressClassName, msg));
  const annotation = ing.metadata.annotations?.[ANNOTATION_INGRESS_CLASS];
  if (create && annotation !== undefined && spec.ingressClassName !== undefined && annotation !== spec.ingressClassName) {
    causes.push(fieldInvalid(`annotations.${ANNOTATION_INGRESS_CLASS}`, annotation, "must match `ingressClassName` when both are specified"));
  }
  return causes;
}

/** printers.go formatHosts: up to three hosts, then " + N more..."; `*` when none has a host. */
export function formatHosts(rules: readonly IngressRule[] | undefined): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  for (const rule of rules ?? []) {
    if (list.length === max) more = true;
    if (!more && rule.host) list.push(rule.host);
  }
  if (list.length === 0) return "*";
  const joined = list.join(",");
  return more ? `${joined} + ${(rules?.length ?? 0) - max} more...` : joined;
}

/** printers.go loadBalancerWidth: ADDRESS is clipped to 16 bytes unless -o wide. */
const LOAD_BALANCER_WIDTH = 16;

/** ingressLoadBalancerStatusStringer: the sorted, unique IPs (or hostnames). */
export function ingressAddress(ing: Ingress, wide: boolean): string {
  const set = new Set<string>();
  for (const entry of ing.status?.loadBalancer?.ingress ?? []) {
    if (entry.ip) set.add(entry.ip);
    else if (entry.hostname) set.add(entry.hostname);
  }
  const joined = [...set].sort().join(",");
  return !wide && joined.length > LOAD_BALANCER_WIDTH ? `${joined.slice(0, LOAD_BALANCER_WIDTH - 3)}...` : joined;
}

/** serviceBackendStringer: `name:port`. */
function serviceBackendString(svc: IngressServiceBackend): string {
  return `${svc.name}:${svc.port.number ? svc.port.number : (svc.port.name ?? "")}`;
}

/** describeBackendV1: the Service's ready endpoints on the backend's port, or the lookup's error. */
function describeBackend(state: ClusterState, namespace: string, backend: IngressBackend | undefined): string {
  if (backend?.service) {
    const sb = serviceBackendString(backend.service);
    const key = `${namespace}/${backend.service.name}`;
    const service = Object.hasOwn(state.services, key) ? state.services[key] : undefined;
    if (!service) return `${sb} (<error: services "${backend.service.name}" not found>)`;
    let portName = "";
    for (const sp of service.spec.ports ?? []) {
      if (backend.service.port.number && backend.service.port.number === sp.port) portName = sp.name ?? "";
      else if (backend.service.port.name && backend.service.port.name === sp.name) portName = sp.name ?? "";
    }
    return `${sb} (${formatEndpointSlicesList(slicesOfService(state, service), portName)})`;
  }
  if (backend?.resource) {
    const r = backend.resource;
    return `APIGroup: ${r.apiGroup ?? "<none>"}, Kind: ${r.kind}, Name: ${r.name}`;
  }
  return "";
}

function describeIngress(state: ClusterState, ing: Ingress, events: readonly EventObject[]): string {
  const w = new PrefixWriter();
  const ns = ing.metadata.namespace ?? "default";
  w.write(0, `Name:\t${ing.metadata.name}\n`);
  writeMultiline(w, 0, "Labels", labelLines(ing.metadata.labels));
  w.write(0, `Namespace:\t${ns}\n`);
  w.write(0, `Address:\t${ingressAddress(ing, true)}\n`);
  w.write(0, `Ingress Class:\t${ing.spec.ingressClassName ?? "<none>"}\n`);
  const defaultBackend = ing.spec.defaultBackend ? describeBackend(state, ns, ing.spec.defaultBackend) : "<default>";
  w.write(0, `Default backend:\t${defaultBackend}\n`);
  if (ing.spec.tls?.length) {
    w.write(0, "TLS:\n");
    for (const t of ing.spec.tls) {
      const hosts = (t.hosts ?? []).join(",");
      w.write(1, t.secretName ? `${t.secretName} terminates ${hosts}\n` : `SNI routes ${hosts}\n`);
    }
  }
  w.write(0, "Rules:\n  Host\tPath\tBackends\n");
  w.write(1, "----\t----\t--------\n");
  let count = 0;
  for (const rule of ing.spec.rules ?? []) {
    if (!rule.http) continue;
    count++;
    w.write(1, `${rule.host || "*"}\t\n`);
    for (const path of rule.http.paths) w.write(2, `\t${path.path ?? ""} \t${describeBackend(state, ns, path.backend)}\n`);
  }
  if (count === 0) w.write(1, `*\t*\t${defaultBackend}\n`);
  writeMultiline(w, 0, "Annotations", annotationLines(ing.metadata.annotations));
  describeEvents(w, events, state.now);
  return w.flush();
}

export const ingressKind: KindDefinition = {
  kind: "Ingress",
  group: "networking.k8s.io",
  version: "v1",
  plural: "ingresses",
  singular: "ingress",
  shortNames: ["ing"],
  categories: [],
  namespaced: true,
  storage: { resource: "ingresses" },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta, _ctx, old) => {
      const ing = readIngress(sub as unknown as Record<string, unknown>, meta);
      // The status belongs to the ingress controller: an update keeps what it wrote.
      if (old) ing.status = (old as unknown as Ingress).status;
      const rawSpec = (sub as unknown as Record<string, unknown>).spec;
      const causes = validateIngress(ing, !old, isRecord(rawSpec) && Array.isArray(rawSpec.rules));
      return causes.length ? { ok: false, status: invalid("Ingress", "networking.k8s.io", meta.name, causes) } : { ok: true, obj: ing };
    },
  },
  table: {
    columns: ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"],
    narrow: 6,
    row: (o, now) => {
      const ing = o as unknown as Ingress;
      return [ing.metadata.name, ing.spec.ingressClassName ?? "<none>", formatHosts(ing.spec.rules), ingressAddress(ing, false), ing.spec.tls?.length ? "80, 443" : "80", age(ing.metadata.creationTimestamp, now)];
    },
  },
  describe: (state, object, events) => describeIngress(state, object as unknown as Ingress, events),
};

/** validation.IsDomainPrefixedPath, as validateIngressClassSpec checks spec.controller. */
function validateController(controller: string | undefined): StatusCause[] {
  const at = "spec.controller";
  if (!controller) return [fieldRequired(at)];
  const causes: StatusCause[] = [];
  if (controller.length > 250) causes.push({ field: at, message: "Too long: may not be more than 250 bytes" });
  const slash = controller.indexOf("/");
  if (slash <= 0 || slash === controller.length - 1) return [...causes, fieldInvalid(at, controller, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const host = controller.slice(0, slash);
  for (const msg of isDNS1123Subdomain(host)) causes.push(fieldInvalid(at, host, msg));
  return causes;
}

function describeIngressClass(ic: IngressClass, events: readonly EventObject[], now: number): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${ic.metadata.name}\n`);
  writeMultiline(w, 0, "Labels", labelLines(ic.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(ic.metadata.annotations));
  w.write(0, `Controller:\t${ic.spec.controller ?? ""}\n`);
  const p = ic.spec.parameters;
  if (p) {
    w.write(0, "Parameters:\n");
    if (p.apiGroup !== undefined) w.write(1, `APIGroup:\t${p.apiGroup}\n`);
    w.write(1, `Kind:\t${p.kind}\n`);
    w.write(1, `Name:\t${p.name}\n`);
  }
  describeEvents(w, events, now);
  return w.flush();
}

export const ingressClassKind: KindDefinition = {
  kind: "IngressClass",
  group: "networking.k8s.io",
  version: "v1",
  plural: "ingressclasses",
  singular: "ingressclass",
  shortNames: [],
  categories: [],
  namespaced: false,
  storage: { resource: "ingressclasses" },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta, _ctx, old) => {
      const raw = sub as unknown as Record<string, unknown>;
      const spec = isRecord(raw.spec) ? raw.spec : {};
      const ic: IngressClass = { apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: meta, spec: {} };
      if (str(spec.controller) !== undefined) ic.spec.controller = str(spec.controller);
      if (isRecord(spec.parameters)) {
        const p = spec.parameters;
        ic.spec.parameters = { kind: str(p.kind) ?? "", name: str(p.name) ?? "", scope: str(p.scope) ?? "Cluster" };
        if (str(p.apiGroup) !== undefined) ic.spec.parameters.apiGroup = str(p.apiGroup);
        if (str(p.namespace) !== undefined) ic.spec.parameters.namespace = str(p.namespace);
      }
      const causes = validateController(ic.spec.controller);
      const before = (old as unknown as IngressClass | undefined)?.spec.controller;
      if (old && before !== ic.spec.controller) causes.unshift(fieldInvalid("spec.controller", ic.spec.controller ?? "", "field is immutable"));
      return causes.length ? { ok: false, status: invalid("IngressClass", "networking.k8s.io", meta.name, causes) } : { ok: true, obj: ic };
    },
  },
  table: {
    columns: ["NAME", "CONTROLLER", "PARAMETERS", "AGE"],
    narrow: 4,
    row: (o, now) => {
      const ic = o as unknown as IngressClass;
      const p = ic.spec.parameters;
      const parameters = p ? `${p.kind}${p.apiGroup !== undefined ? `.${p.apiGroup}` : ""}/${p.name}` : "<none>";
      return [ic.metadata.name, ic.spec.controller ?? "", parameters, age(ic.metadata.creationTimestamp, now)];
    },
  },
  describe: (state, object, events) => describeIngressClass(object as unknown as IngressClass, events, state.now),
};
