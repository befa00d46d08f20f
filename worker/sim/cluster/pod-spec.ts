// Validation and defaulting of a pod spec (core/v1 ValidatePodSpec and SetDefaults_PodSpec /
// SetDefaults_Container), for Pods and for the templates of Deployments and ReplicaSets.
import type { StatusCause } from "./api-status.ts";
import { fieldDuplicate, fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired, isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isValidPortName, isValidPortNum } from "./field-errors.ts";
import { parseImage } from "./images.ts";
import { parseAddress } from "../net/cidr-text.ts";
import { withProps } from "./compact.ts";
import { isSharedSpec, markSharedSpec } from "./service-account.ts";
import type { Container, ContainerPort, EnvFromSource, EnvVar, EnvVarSource, KeySelector, Lifecycle, LifecycleHandler, PodSpec, Probe, Volume, VolumeMount } from "./types.ts";

// Defaults shared by every pod that does not set them: objects are never edited in place, and
// one copy for thirty thousand pods keeps the heap small.
const EMPTY: Record<string, unknown> = {};
const DEFAULT_TOLERATIONS: Array<Record<string, unknown>> = [
  { effect: "NoExecute", key: "node.kubernetes.io/not-ready", operator: "Exists", tolerationSeconds: 300 },
  { effect: "NoExecute", key: "node.kubernetes.io/unreachable", operator: "Exists", tolerationSeconds: 300 },
];

const RESTART_POLICIES = ["Always", "Never", "OnFailure"] as const;
const PROTOCOLS = ["SCTP", "TCP", "UDP"] as const;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const stringList = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined);

/** validateConfigMapKeySelector / validateSecretKeySelector: a valid object name and key. */
function validateKeySelector(s: unknown, path: string, errs: StatusCause[]): void {
  if (!isRecord(s)) return void errs.push(fieldRequired(`${path}.key`));
  const name = typeof s.name === "string" ? s.name : "";
  // ValidateNameFunc(ValidateSecretName) with prefix=false: an empty name is checked too.
  for (const msg of isDNS1123Subdomain(name)) errs.push(fieldInvalid(`${path}.name`, name, msg));
  if (typeof s.key !== "string" || s.key === "") errs.push(fieldRequired(`${path}.key`));
  else for (const msg of isConfigMapKey(s.key)) errs.push(fieldInvalid(`${path}.key`, s.key, msg));
}

const DOWNWARD_ENV_FIELDS = ["metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"];

/** validateEnvVarValueFrom: exactly one source, and none beside a non-empty value. */
function validateEnvVarValueFrom(e: Record<string, unknown>, path: string, errs: StatusCause[]): void {
  const from = e.valueFrom;
  if (from === undefined || from === null) return;
  if (!isRecord(from)) return void errs.push(fieldInvalid(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
  let sources = 0;
  if (from.fieldRef !== undefined && from.fieldRef !== null) {
    sources++;
    const ref = isRecord(from.fieldRef) ? from.fieldRef : {};
    const fieldPath = typeof ref.fieldPath === "string" ? ref.fieldPath : "";
    if (fieldPath === "") errs.push(fieldRequired(`${path}.fieldRef.fieldPath`));
    else if (!/^metadata\.(labels|annotations)\['.+'\]$/.test(fieldPath) && !DOWNWARD_ENV_FIELDS.includes(fieldPath)) {
      errs.push(fieldNotSupported(`${path}.fieldRef.fieldPath`, fieldPath, DOWNWARD_ENV_FIELDS));
    }
  }
  if (from.resourceFieldRef !== undefined && from.resourceFieldRef !== null) {
    sources++;
    const ref = isRecord(from.resourceFieldRef) ? from.resourceFieldRef : {};
    if (typeof ref.resource !== "string" || ref.resource === "") errs.push(fieldRequired(`${path}.resourceFieldRef.resource`));
  }
  if (from.configMapKeyRef !== undefined && from.configMapKeyRef !== null) {
    sources++;
    validateKeySelector(from.configMapKeyRef, `${path}.configMapKeyRef`, errs);
  }
  if (from.secretKeyRef !== undefined && from.secretKeyRef !== null) {
    sources++;
    validateKeySelector(from.secretKeyRef, `${path}.secretKeyRef`, errs);
  }
  if (sources === 0) errs.push(fieldInvalid(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
  else if (typeof e.value === "string" && e.value !== "") errs.push(fieldInvalid(path, "", "may not be specified when `value` is not empty"));
  else if (sources > 1) errs.push(fieldInvalid(path, "", "may not have more than one field specified at a time"));
}

/** ValidateEnvFrom: one of configMapRef or secretRef, with a valid name. */
function validateEnvFrom(list: unknown, path: string, errs: StatusCause[]): void {
  if (!Array.isArray(list)) return void errs.push(fieldInvalid(path, list, "must be a list"));
  list.forEach((ev, i) => {
    const ip = `${path}[${i}]`;
    const source = isRecord(ev) ? ev : {};
    let sources = 0;
    for (const kind of ["configMapRef", "secretRef"] as const) {
      const ref = source[kind];
      if (ref === undefined || ref === null) continue;
      sources++;
      const name = isRecord(ref) && typeof ref.name === "string" ? ref.name : "";
      if (name === "") errs.push(fieldRequired(`${ip}.${kind}.name`));
      else for (const msg of isDNS1123Subdomain(name)) errs.push(fieldInvalid(`${ip}.${kind}.name`, name, msg));
    }
    // Both messages name the list, not the entry, as ValidateEnvFrom does.
    if (sources === 0) errs.push(fieldInvalid(path, "", "must specify one of: `configMapRef` or `secretRef`"));
    else if (sources > 1) errs.push(fieldInvalid(path, "", "may not have more than one field specified at a time"));
  });
}

/** validateConfigMapVolumeSource / validateSecretVolumeSource: a name, file modes, items' keys and paths. */
function validateKeyToPathVolume(source: Record<string, unknown>, nameField: string, path: string, errs: StatusCause[]): void {
  const name = source[nameField];
  if (typeof name !== "string" || name === "") errs.push(fieldRequired(`${path}.${nameField}`));
  const mode = source.defaultMode;
  if (mode !== undefined && (typeof mode !== "number" || !Number.isInteger(mode) || mode < 0 || mode > 0o777)) {
    errs.push(fieldInvalid(`${path}.defaultMode`, mode, "must be a number between 0 and 0777 (octal), both inclusive"));
  }
  if (source.items === undefined) return;
  if (!Array.isArray(source.items)) return void errs.push(fieldInvalid(`${path}.items`, source.items, "must be a list"));
  source.items.forEach((item, i) => {
    const ip = `${path}.items[${i}]`;
    const it = isRecord(item) ? item : {};
    if (typeof it.key !== "string" || it.key === "") errs.push(fieldRequired(`${ip}.key`));
    if (typeof it.path !== "string" || it.path === "") errs.push(fieldRequired(`${ip}.path`));
    else if (it.path.startsWith("/")) errs.push(fieldInvalid(`${ip}.path`, it.path, "must be a relative path"));
    else if (it.path.split("/").includes("..")) errs.push(fieldInvalid(`${ip}.path`, it.path, "must not contain '..'"));
  });
}

/** Volume names of a spec (validateVolumes); an entry per volume, valid or not. */
function validateVolumes(volumes: unknown, path: string, errs: StatusCause[]): Set<string> {
  const names = new Set<string>();
  if (volumes === undefined || volumes === null) return names;
  if (!Array.isArray(volumes)) {
    errs.push(fieldInvalid(`${path}.volumes`, volumes, "must be a list"));
    return names;
  }
  volumes.forEach((v, i) => {
    const vp = `${path}.volumes[${i}]`;
    if (!isRecord(v) || typeof v.name !== "string" || v.name === "") return void errs.push(fieldRequired(`${vp}.name`));
    for (const e of isDNS1123Label(v.name)) errs.push(fieldInvalid(`${vp}.name`, v.name, e));
    if (names.has(v.name)) errs.push(fieldDuplicate(`${vp}.name`, v.name));
    names.add(v.name);
    const sources = Object.keys(v).filter((k) => k !== "name" && isRecord(v[k]));
    if (sources.length === 0) errs.push(fieldRequired(vp, "must specify a volume type"));
    else if (sources.length > 1) errs.push(fieldForbidden(`${vp}.${sources[1]}`, "may not specify more than 1 volume type"));
    if (isRecord(v.configMap)) validateKeyToPathVolume(v.configMap, "name", `${vp}.configMap`, errs);
    if (isRecord(v.secret)) validateKeyToPathVolume(v.secret, "secretName", `${vp}.secret`, errs);
  });
  return names;
}

function validateVolumeMounts(mounts: unknown, path: string, volumes: ReadonlySet<string>, errs: StatusCause[]): void {
  if (mounts === undefined || mounts === null) return;
  if (!Array.isArray(mounts)) return void errs.push(fieldInvalid(path, mounts, "must be a list"));
  const paths = new Set<string>();
  mounts.forEach((m, j) => {
    const mp = `${path}[${j}]`;
    if (!isRecord(m)) return void errs.push(fieldRequired(`${mp}.name`));
    if (typeof m.name !== "string" || m.name === "") errs.push(fieldRequired(`${mp}.name`));
    else if (!volumes.has(m.name)) errs.push({ field: `${mp}.name`, message: `Not found: ${JSON.stringify(m.name)}` });
    if (typeof m.mountPath !== "string" || m.mountPath === "") errs.push(fieldRequired(`${mp}.mountPath`));
    else {
      if (paths.has(m.mountPath)) errs.push(fieldInvalid(`${mp}.mountPath`, m.mountPath, "must be unique"));
      paths.add(m.mountPath);
    }
  });
}

export function validatePodSpec(spec: unknown, path: string, allowedRestart: readonly string[] = RESTART_POLICIES): StatusCause[] {
  const errs: StatusCause[] = [];
  if (!isRecord(spec)) return [fieldRequired(path)];
  const volumeNames = validateVolumes(spec.volumes, path, errs);
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    errs.push(fieldRequired(`${path}.containers`));
  } else {
    const names = new Set<string>();
    containers.forEach((c, i) => {
      const cp = `${path}.containers[${i}]`;
      if (!isRecord(c)) {
        errs.push(fieldRequired(`${cp}.name`), fieldRequired(`${cp}.image`));
        return;
      }
      if (typeof c.name !== "string" || c.name === "") errs.push(fieldRequired(`${cp}.name`));
      else {
        for (const e of isDNS1123Label(c.name)) errs.push(fieldInvalid(`${cp}.name`, c.name, e));
        if (names.has(c.name)) errs.push(fieldDuplicate(`${cp}.name`, c.name));
        names.add(c.name);
      }
      if (typeof c.image !== "string" || c.image.trim() === "") errs.push(fieldRequired(`${cp}.image`));
      if (c.command !== undefined && !stringList(c.command)) errs.push(fieldInvalid(`${cp}.command`, c.command, "must be a list of strings"));
      if (c.args !== undefined && !stringList(c.args)) errs.push(fieldInvalid(`${cp}.args`, c.args, "must be a list of strings"));
      if (c.ports !== undefined) {
        if (!Array.isArray(c.ports)) errs.push(fieldInvalid(`${cp}.ports`, c.ports, "must be a list"));
        else {
          const portNames = new Set<string>();
          c.ports.forEach((p, j) => {
            const pp = `${cp}.ports[${j}]`;
            if (!isRecord(p)) return void errs.push(fieldRequired(`${pp}.containerPort`));
            if (p.name !== undefined && p.name !== "") {
              if (typeof p.name !== "string") errs.push(fieldInvalid(`${pp}.name`, p.name, "must be a string"));
              else {
                for (const e of isValidPortName(p.name)) errs.push(fieldInvalid(`${pp}.name`, p.name, e));
                if (portNames.has(p.name)) errs.push(fieldDuplicate(`${pp}.name`, p.name));
                portNames.add(p.name);
              }
            }
            if (p.containerPort === undefined || p.containerPort === 0) errs.push(fieldRequired(`${pp}.containerPort`));
            else if (typeof p.containerPort !== "number") errs.push(fieldInvalid(`${pp}.containerPort`, p.containerPort, "must be an integer"));
            else for (const e of isValidPortNum(p.containerPort)) errs.push(fieldInvalid(`${pp}.containerPort`, p.containerPort, e));
            if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol as "TCP")) errs.push(fieldNotSupported(`${pp}.protocol`, p.protocol, PROTOCOLS));
          });
        }
      }
      if (c.env !== undefined) {
        if (!Array.isArray(c.env)) errs.push(fieldInvalid(`${cp}.env`, c.env, "must be a list"));
        else
          c.env.forEach((e, j) => {
            if (!isRecord(e) || typeof e.name !== "string" || e.name === "") errs.push(fieldRequired(`${cp}.env[${j}].name`));
            if (isRecord(e)) validateEnvVarValueFrom(e, `${cp}.env[${j}].valueFrom`, errs);
          });
      }
      if (c.envFrom !== undefined) validateEnvFrom(c.envFrom, `${cp}.envFrom`, errs);
      validateVolumeMounts(c.volumeMounts, `${cp}.volumeMounts`, volumeNames, errs);
      for (const kind of ["livenessProbe", "readinessProbe", "startupProbe"] as const) {
        if (c[kind] !== undefined) errs.push(...probeErrors(c[kind], `${cp}.${kind}`, kind));
      }
      if (c.lifecycle !== undefined) errs.push(...lifecycleErrors(c.lifecycle, `${cp}.lifecycle`));
      if (c.imagePullPolicy !== undefined && !["Always", "IfNotPresent", "Never"].includes(c.imagePullPolicy as string)) {
        errs.push(fieldNotSupported(`${cp}.imagePullPolicy`, c.imagePullPolicy, ["Always", "IfNotPresent", "Never"]));
      }
    });
  }
  if (spec.restartPolicy !== undefined && !allowedRestart.includes(spec.restartPolicy as string)) {
    errs.push(fieldNotSupported(`${path}.restartPolicy`, spec.restartPolicy, allowedRestart));
  }
  validateDNS(spec, path, errs);
  if (spec.nodeName !== undefined && typeof spec.nodeName !== "string") errs.push(fieldInvalid(`${path}.nodeName`, spec.nodeName, "must be a string"));
  if (spec.terminationGracePeriodSeconds !== undefined && (typeof spec.terminationGracePeriodSeconds !== "number" || spec.terminationGracePeriodSeconds < 0)) {
    errs.push(fieldInvalid(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds, "must be greater than or equal to 0"));
  }
  validateHostAliases(spec.hostAliases, `${path}.hostAliases`, errs);
  // ValidatePodSpec: hostname and subdomain are DNS-1123 labels when set.
  for (const f of ["hostname", "subdomain"]) {
    const v = spec[f];
    if (typeof v === "string" && v !== "") for (const e of isDNS1123Label(v)) errs.push(fieldInvalid(`${path}.${f}`, v, e));
  }
  return errs;
}

/** imagePullPolicy: Always for `:latest` or no tag, IfNotPresent otherwise (SetDefaults_Container). */
export function defaultPullPolicy(image: string): string {
  const at = image.includes("@");
  const { tag } = parseImage(image);
  return !at && (tag === "" || tag === "latest") ? "Always" : "IfNotPresent";
}

/**
 * SetDefaults_Pod (pods only, not templates): a limit without a request of the same resource also
 * becomes its request. The given object is kept (and stays shared) when nothing is missing.
 */
function defaultRequests(resources: Record<string, unknown>): Record<string, unknown> {
  const limits = resources.limits;
  if (!isRecord(limits)) return resources;
  const requests = isRecord(resources.requests) ? resources.requests : {};
  const missing = Object.keys(limits).filter((name) => !(name in requests));
  if (missing.length === 0) return resources;
  const filled: Record<string, unknown> = { ...requests };
  for (const name of missing) filled[name] = limits[name];
  return { ...resources, requests: filled };
}

function defaultContainer(c: Record<string, unknown>, forTemplate: boolean): Container {
  const out: Container = { name: c.name as string, image: (c.image as string).trim() };
  const command = stringList(c.command);
  const args = stringList(c.args);
  if (command) out.command = [...command];
  if (args) out.args = [...args];
  if (Array.isArray(c.ports) && c.ports.length > 0) {
    out.ports = (c.ports as Array<Record<string, unknown>>).map((p): ContainerPort => {
      const port: ContainerPort = { containerPort: p.containerPort as number, protocol: (p.protocol as ContainerPort["protocol"]) ?? "TCP" };
      return typeof p.name === "string" && p.name !== "" ? { name: p.name, ...port } : port;
    });
  }
  if (Array.isArray(c.env) && c.env.length > 0) {
    out.env = (c.env as Array<Record<string, unknown>>).map((e): EnvVar => {
      const v: EnvVar = e.value === undefined ? { name: e.name as string } : { name: e.name as string, value: String(e.value) };
      if (isRecord(e.valueFrom)) v.valueFrom = defaultEnvVarSource(e.valueFrom);
      return v;
    });
  }
  if (Array.isArray(c.envFrom) && c.envFrom.length > 0) {
    out.envFrom = (c.envFrom as Array<Record<string, unknown>>).map((e): EnvFromSource => {
      const from: EnvFromSource = {};
      if (typeof e.prefix === "string" && e.prefix !== "") from.prefix = e.prefix;
      if (isRecord(e.configMapRef)) from.configMapRef = namedRef(e.configMapRef);
      if (isRecord(e.secretRef)) from.secretRef = namedRef(e.secretRef);
      return from;
    });
  }
  out.imagePullPolicy = (c.imagePullPolicy as string) ?? defaultPullPolicy(out.image);
  out.resources = isRecord(c.resources) && Object.keys(c.resources).length > 0 ? (forTemplate ? c.resources : defaultRequests(c.resources)) : EMPTY;
  out.terminationMessagePath = typeof c.terminationMessagePath === "string" ? c.terminationMessagePath : "/dev/termination-log";
  out.terminationMessagePolicy = typeof c.terminationMessagePolicy === "string" ? c.terminationMessagePolicy : "File";
  // false is the zero value the API server omits; only true is stored.
  if (c.stdin === true) out.stdin = true;
  if (c.stdinOnce === true) out.stdinOnce = true;
  if (c.tty === true) out.tty = true;
  if (isRecord(c.readinessProbe)) out.readinessProbe = defaultProbe(c.readinessProbe);
  if (isRecord(c.livenessProbe)) out.livenessProbe = defaultProbe(c.livenessProbe);
  if (isRecord(c.startupProbe)) out.startupProbe = defaultProbe(c.startupProbe);
  if (isRecord(c.lifecycle)) {
    const lifecycle: Lifecycle = {};
    if (isRecord(c.lifecycle.postStart)) lifecycle.postStart = defaultHandler(c.lifecycle.postStart);
    if (isRecord(c.lifecycle.preStop)) lifecycle.preStop = defaultHandler(c.lifecycle.preStop);
    if (lifecycle.postStart || lifecycle.preStop) out.lifecycle = lifecycle;
  }
  if (Array.isArray(c.volumeMounts) && c.volumeMounts.length > 0) {
    out.volumeMounts = (c.volumeMounts as Array<Record<string, unknown>>).map((m): VolumeMount => {
      const mount: VolumeMount = { mountPath: m.mountPath as string, name: m.name as string };
      if (m.readOnly === true) mount.readOnly = true;
      if (typeof m.subPath === "string" && m.subPath !== "") mount.subPath = m.subPath;
      return mount;
    });
  }
  return shared(out);
}

// Pods are mostly copies of a few containers (a Deployment's template, `kubectl run`): equal
// defaulted containers, container lists and specs are one object each, which is safe as objects
// are never edited in place. Keys are built from plain values only; anything else (command,
// env, resources) makes the object its own.
const MAX_SHARED = 4096;
const sharedContainers = new Map<string, Container>();
const sharedLists = new WeakMap<Container, Container[]>();
const sharedSpecs = new WeakMap<Container[], Map<string, PodSpec>>();

/** A key of the object's own plain fields in order, or undefined if one is not plain. */
function plainKey(o: object, allow: (key: string, value: unknown) => string | undefined): string | undefined {
  let key = "";
  const record = o as Record<string, unknown>;
  for (const k in record) {
    const v = record[k];
    // Strings as JSON text: unambiguous whatever a user puts in a name or an image.
    const part = typeof v === "string" ? JSON.stringify(v) : typeof v === "number" || typeof v === "boolean" ? String(v) : allow(k, v);
    if (part === undefined) return undefined;
    key += k + "=" + part + ",";
  }
  return key;
}

function shared(c: Container): Container {
  const key = plainKey(c, (k, v) => {
    if (v === EMPTY) return "EMPTY";
    if (k !== "ports") return undefined;
    let text = "";
    for (const p of v as ContainerPort[]) {
      const pk = plainKey(p, () => undefined);
      if (pk === undefined) return undefined;
      text += `[${pk}]`;
    }
    return text;
  });
  if (key === undefined) return c;
  const hit = sharedContainers.get(key);
  if (hit) return hit;
  if (sharedContainers.size >= MAX_SHARED) sharedContainers.clear();
  sharedContainers.set(key, c);
  return c;
}

function sharedList(containers: Container[]): Container[] {
  if (containers.length !== 1) return containers;
  let list = sharedLists.get(containers[0]);
  if (!list) sharedLists.set(containers[0], (list = containers));
  return list;
}

function sharedSpec(spec: PodSpec): PodSpec {
  const key = plainKey(spec, (k, v) => (k === "containers" ? "c" : v === EMPTY ? "EMPTY" : v === DEFAULT_TOLERATIONS ? "DEFAULT" : undefined));
  if (key === undefined) return spec;
  let byKey = sharedSpecs.get(spec.containers);
  if (!byKey) sharedSpecs.set(spec.containers, (byKey = new Map()));
  const hit = byKey.get(key);
  if (hit) return hit;
  byKey.set(key, markSharedSpec(spec));
  return spec;
}

const scheduledSpecs = new WeakMap<PodSpec, Map<string, PodSpec>>();

/** The spec bound to a node (what the scheduler writes): one object per spec and node. */
export function specOnNode(spec: PodSpec, nodeName: string): PodSpec {
  // Only a spec that pods share is worth a cache entry (not one pod's own, with its token volume).
  if (!isSharedSpec(spec)) return withProps(spec, { nodeName });
  let byNode = scheduledSpecs.get(spec);
  if (!byNode) scheduledSpecs.set(spec, (byNode = new Map()));
  let out = byNode.get(nodeName);
  if (!out) {
    // Not a spread that adds a key: V8 (Node 20) would give each result a hidden class of its own.
    out = withProps(spec, { nodeName });
    byNode.set(nodeName, out);
  }
  return out;
}

const namedRef = (r: Record<string, unknown>): { name: string; optional?: boolean } =>
  typeof r.optional === "boolean" ? { name: String(r.name ?? ""), optional: r.optional } : { name: String(r.name ?? "") };

function keySelector(r: Record<string, unknown>): KeySelector {
  const s: KeySelector = { name: String(r.name ?? ""), key: String(r.key ?? "") };
  if (typeof r.optional === "boolean") s.optional = r.optional;
  return s;
}

/** An EnvVarSource as stored (fields in the Go struct's order); fieldRef's apiVersion defaults to v1. */
function defaultEnvVarSource(from: Record<string, unknown>): EnvVarSource {
  const out: EnvVarSource = {};
  if (isRecord(from.fieldRef)) out.fieldRef = { apiVersion: typeof from.fieldRef.apiVersion === "string" && from.fieldRef.apiVersion !== "" ? from.fieldRef.apiVersion : "v1", fieldPath: String(from.fieldRef.fieldPath) };
  if (isRecord(from.resourceFieldRef)) out.resourceFieldRef = from.resourceFieldRef as EnvVarSource["resourceFieldRef"];
  if (isRecord(from.configMapKeyRef)) out.configMapKeyRef = keySelector(from.configMapKeyRef);
  if (isRecord(from.secretKeyRef)) out.secretKeyRef = keySelector(from.secretKeyRef);
  return out;
}

const DNS_POLICIES = ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"];
/** validation.MaxDNSNameservers: glibc reads at most three. */
const MAX_DNS_NAMESERVERS = 3;

/** validateDNSPolicy and validatePodDNSConfig (pkg/apis/core/validation): None needs nameservers of its own. */
function validateDNS(spec: Record<string, unknown>, path: string, errs: StatusCause[]): void {
  const policy = spec.dnsPolicy;
  if (policy !== undefined && !DNS_POLICIES.includes(policy as string)) errs.push(fieldNotSupported(`${path}.dnsPolicy`, policy, DNS_POLICIES));
  const config = spec.dnsConfig;
  const configPath = `${path}.dnsConfig`;
  if (policy === "None") {
    if (!isRecord(config)) return void errs.push(fieldRequired(configPath, "must provide `dnsConfig` when `dnsPolicy` is None"));
    if (!Array.isArray(config.nameservers) || config.nameservers.length === 0) return void errs.push(fieldRequired(`${configPath}.nameservers`, "must provide at least one DNS nameserver when `dnsPolicy` is None"));
  }
  if (!isRecord(config)) return;
  if (config.nameservers !== undefined && !stringList(config.nameservers)) errs.push(fieldInvalid(`${configPath}.nameservers`, config.nameservers, "must be a list of strings"));
  else if (Array.isArray(config.nameservers) && config.nameservers.length > MAX_DNS_NAMESERVERS) {
    errs.push(fieldInvalid(`${configPath}.nameservers`, config.nameservers, `must not have more than ${MAX_DNS_NAMESERVERS} nameservers`));
  }
  if (config.searches !== undefined && !stringList(config.searches)) errs.push(fieldInvalid(`${configPath}.searches`, config.searches, "must be a list of strings"));
  if (Array.isArray(config.options)) {
    config.options.forEach((o, i) => {
      if (!isRecord(o) || typeof o.name !== "string" || o.name === "") errs.push(fieldRequired(`${configPath}.options[${i}]`, "Option.Name must not be empty"));
    });
  }
}

/**
 * validateHostAliases (pkg/apis/core/validation): each IP a valid IPv4 or IPv6 address (the legacy
 * field's sloppy parse, cidr-text.ts's), each host name a DNS-1123 subdomain.
 */
function validateHostAliases(aliases: unknown, path: string, errs: StatusCause[]): void {
  if (aliases === undefined || aliases === null) return;
  if (!Array.isArray(aliases)) return void errs.push(fieldInvalid(path, aliases, "must be a list"));
  aliases.forEach((alias, i) => {
    const at = `${path}[${i}]`;
    const entry = isRecord(alias) ? alias : {};
    const ip = typeof entry.ip === "string" ? entry.ip : "";
    if (parseAddress(ip) === undefined) errs.push(fieldInvalid(`${at}.ip`, ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
    if (Array.isArray(entry.hostnames)) {
      entry.hostnames.forEach((name, j) => {
        const value = typeof name === "string" ? name : String(name);
        for (const msg of isDNS1123Subdomain(value)) errs.push(fieldInvalid(`${at}.hostnames[${j}]`, value, msg));
      });
    }
  });
}

/** SetDefaults for the volume sources users write most: file modes and emptyDir's empty object. */
function defaultVolume(v: Volume): Volume {
  const out: Volume = { ...v };
  if (isRecord(v.configMap)) out.configMap = { defaultMode: 420, ...v.configMap };
  if (isRecord(v.secret)) out.secret = { defaultMode: 420, ...v.secret };
  if (isRecord(v.projected)) out.projected = { defaultMode: 420, ...v.projected };
  if (isRecord(v.hostPath)) out.hostPath = { type: "", ...v.hostPath };
  return out;
}

/** The spec with the API server's defaults filled in; `spec` must have passed validatePodSpec. */
export function defaultPodSpec(spec: Record<string, unknown>, forTemplate = false): PodSpec {
  const out: PodSpec = {
    containers: sharedList((spec.containers as Array<Record<string, unknown>>).map((c) => defaultContainer(c, forTemplate))),
    dnsPolicy: typeof spec.dnsPolicy === "string" ? spec.dnsPolicy : "ClusterFirst",
    enableServiceLinks: typeof spec.enableServiceLinks === "boolean" ? spec.enableServiceLinks : true,
    restartPolicy: (spec.restartPolicy as PodSpec["restartPolicy"]) ?? "Always",
    schedulerName: typeof spec.schedulerName === "string" ? spec.schedulerName : "default-scheduler",
    securityContext: isRecord(spec.securityContext) && Object.keys(spec.securityContext).length > 0 ? spec.securityContext : EMPTY,
    terminationGracePeriodSeconds: typeof spec.terminationGracePeriodSeconds === "number" ? spec.terminationGracePeriodSeconds : 30,
  };
  if (typeof spec.nodeName === "string" && spec.nodeName) out.nodeName = spec.nodeName;
  if (typeof spec.hostname === "string" && spec.hostname) out.hostname = spec.hostname;
  if (typeof spec.subdomain === "string" && spec.subdomain) out.subdomain = spec.subdomain;
  if (spec.hostNetwork === true) out.hostNetwork = true;
  if (Array.isArray(spec.hostAliases) && spec.hostAliases.length > 0) out.hostAliases = spec.hostAliases as PodSpec["hostAliases"];
  if (isRecord(spec.dnsConfig)) out.dnsConfig = spec.dnsConfig as PodSpec["dnsConfig"];
  if (Array.isArray(spec.tolerations)) out.tolerations = spec.tolerations as PodSpec["tolerations"];
  if (isRecord(spec.nodeSelector) && Object.keys(spec.nodeSelector).length > 0) out.nodeSelector = spec.nodeSelector as Record<string, string>;
  if (isRecord(spec.affinity) && Object.keys(spec.affinity).length > 0) out.affinity = spec.affinity;
  if (Array.isArray(spec.volumes) && spec.volumes.length > 0) out.volumes = (spec.volumes as Volume[]).map(defaultVolume);
  if (typeof spec.automountServiceAccountToken === "boolean") out.automountServiceAccountToken = spec.automountServiceAccountToken;
  if (!forTemplate) {
    // Set on Pods only, by the ServiceAccount and DefaultTolerationSeconds admission plugins.
    out.serviceAccountName = typeof spec.serviceAccountName === "string" ? spec.serviceAccountName : "default";
    out.preemptionPolicy = "PreemptLowerPriority";
    out.priority = 0;
    if (!out.tolerations || out.tolerations.length === 0) out.tolerations = DEFAULT_TOLERATIONS;
    else {
      const tolerations = [...out.tolerations];
      for (const d of DEFAULT_TOLERATIONS) if (!tolerations.some((t) => t.key === d.key)) tolerations.push(d);
      out.tolerations = tolerations;
    }
  } else if (typeof spec.serviceAccountName === "string") {
    out.serviceAccountName = spec.serviceAccountName;
  }
  return sharedSpec(out);
}

/**
 * validation.validateProbe (and validateLivenessProbe, validateStartupProbe): exactly one handler,
 * a port on httpGet, tcpSocket and grpc, non-negative numbers; liveness and startup probes need
 * successThreshold 1; a probe's own terminationGracePeriodSeconds is positive, and not for readiness.
 */
function probeErrors(probe: unknown, path: string, kind: "livenessProbe" | "readinessProbe" | "startupProbe"): ReturnType<typeof fieldInvalid>[] {
  if (!isRecord(probe)) return [fieldInvalid(path, probe, "must be an object")];
  const handlers = ["exec", "httpGet", "tcpSocket", "grpc"].filter((h) => probe[h] !== undefined);
  if (handlers.length === 0) return [fieldRequired(path, "must specify a handler type")];
  if (handlers.length > 1) return [fieldForbidden(`${path}.${handlers[1]}`, "may not specify more than 1 handler type")];
  const errs: ReturnType<typeof fieldInvalid>[] = [];
  for (const h of ["httpGet", "tcpSocket"]) {
    const handler = probe[h];
    if (handler === undefined) continue;
    if (!isRecord(handler) || handler.port === undefined || handler.port === "" || handler.port === 0) errs.push(fieldRequired(`${path}.${h}.port`, ""));
    else if (typeof handler.port === "number" && (handler.port < 1 || handler.port > 65535)) errs.push(fieldInvalid(`${path}.${h}.port`, handler.port, "must be between 1 and 65535, inclusive"));
  }
  if (isRecord(probe.httpGet) && probe.httpGet.httpHeaders !== undefined) {
    const headers = probe.httpGet.httpHeaders;
    if (!Array.isArray(headers)) errs.push(fieldInvalid(`${path}.httpGet.httpHeaders`, headers, "must be a list"));
    else
      headers.forEach((h, i) => {
        // ValidateHTTPHeaderName: an HTTP token (RFC 7230).
        if (!isRecord(h) || typeof h.name !== "string" || !/^[-!#$%&'*+.^_`|~0-9A-Za-z]+$/.test(h.name)) {
          errs.push(fieldInvalid(`${path}.httpGet.httpHeaders[${i}].name`, isRecord(h) ? h.name : h, "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"));
        }
      });
  }
  if (probe.exec !== undefined && (!isRecord(probe.exec) || !Array.isArray(probe.exec.command) || probe.exec.command.length === 0)) {
    errs.push(fieldRequired(`${path}.exec.command`, ""));
  }
  if (probe.grpc !== undefined) {
    // A gRPC probe names its port by number only (the page: "you cannot specify the health check port by name").
    const port = isRecord(probe.grpc) ? probe.grpc.port : undefined;
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) errs.push(fieldInvalid(`${path}.grpc.port`, port ?? 0, "must be between 1 and 65535, inclusive"));
  }
  for (const n of ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"]) {
    const v = probe[n];
    if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < 0)) errs.push(fieldInvalid(`${path}.${n}`, v, "must be greater than or equal to 0"));
  }
  if (kind !== "readinessProbe" && typeof probe.successThreshold === "number" && probe.successThreshold > 0 && probe.successThreshold !== 1) {
    errs.push(fieldInvalid(`${path}.successThreshold`, probe.successThreshold, "must be 1"));
  }
  const grace = probe.terminationGracePeriodSeconds;
  if (grace !== undefined && grace !== null) {
    if (kind === "readinessProbe") errs.push(fieldInvalid(`${path}.terminationGracePeriodSeconds`, grace, "must not be set for readinessProbes"));
    else if (typeof grace !== "number" || grace <= 0) errs.push(fieldInvalid(`${path}.terminationGracePeriodSeconds`, grace, "must be greater than 0"));
  }
  return errs;
}

/** SetDefaults_Probe and SetDefaults_HTTPGetAction. */
function defaultProbe(p: Record<string, unknown>): Probe {
  const out: Probe = {
    timeoutSeconds: typeof p.timeoutSeconds === "number" && p.timeoutSeconds > 0 ? p.timeoutSeconds : 1,
    periodSeconds: typeof p.periodSeconds === "number" && p.periodSeconds > 0 ? p.periodSeconds : 10,
    successThreshold: typeof p.successThreshold === "number" && p.successThreshold > 0 ? p.successThreshold : 1,
    failureThreshold: typeof p.failureThreshold === "number" && p.failureThreshold > 0 ? p.failureThreshold : 3,
  };
  if (typeof p.initialDelaySeconds === "number" && p.initialDelaySeconds > 0) out.initialDelaySeconds = p.initialDelaySeconds;
  if (typeof p.terminationGracePeriodSeconds === "number") out.terminationGracePeriodSeconds = p.terminationGracePeriodSeconds;
  if (isRecord(p.httpGet)) {
    const h = p.httpGet;
    out.httpGet = { path: typeof h.path === "string" && h.path !== "" ? h.path : "/", port: h.port as number | string, scheme: typeof h.scheme === "string" ? h.scheme : "HTTP" };
    if (typeof h.host === "string" && h.host !== "") out.httpGet.host = h.host;
    if (Array.isArray(h.httpHeaders) && h.httpHeaders.length > 0) out.httpGet.httpHeaders = (h.httpHeaders as Array<Record<string, unknown>>).map((x) => ({ name: String(x.name), value: typeof x.value === "string" ? x.value : "" }));
  }
  if (isRecord(p.tcpSocket)) out.tcpSocket = { port: p.tcpSocket.port as number | string };
  if (isRecord(p.exec)) out.exec = { command: (p.exec.command as unknown[]).map(String) };
  if (isRecord(p.grpc)) {
    // SetDefaults_GRPCAction: service defaults to the empty string (the server's overall health).
    out.grpc = { port: p.grpc.port as number, service: typeof p.grpc.service === "string" ? p.grpc.service : "" };
  }
  return out;
}

/** A lifecycle handler with the API server's defaults (httpGet's path and scheme, as for probes). */
function defaultHandler(h: Record<string, unknown>): LifecycleHandler {
  const out: LifecycleHandler = {};
  if (isRecord(h.exec)) out.exec = { command: Array.isArray(h.exec.command) ? h.exec.command.map(String) : [] };
  if (isRecord(h.httpGet)) {
    const g = h.httpGet;
    out.httpGet = { path: typeof g.path === "string" && g.path !== "" ? g.path : "/", port: g.port as number | string, scheme: typeof g.scheme === "string" ? g.scheme : "HTTP" };
    if (typeof g.host === "string" && g.host !== "") out.httpGet.host = g.host;
  }
  if (isRecord(h.tcpSocket)) out.tcpSocket = { port: h.tcpSocket.port as number | string };
  if (isRecord(h.sleep)) out.sleep = { seconds: h.sleep.seconds as number };
  return out;
}

/**
 * validateLifecycle / validateHandler (pkg/apis/core/validation): each hook names exactly one
 * handler; exec needs a command, httpGet a port, sleep a non-negative number of seconds.
 */
function lifecycleErrors(lifecycle: unknown, path: string): StatusCause[] {
  if (!isRecord(lifecycle)) return [fieldInvalid(path, lifecycle, "must be an object")];
  const errs: StatusCause[] = [];
  for (const hook of ["postStart", "preStop"] as const) {
    const h = lifecycle[hook];
    if (h === undefined) continue;
    const hp = `${path}.${hook}`;
    if (!isRecord(h)) {
      errs.push(fieldInvalid(hp, h, "must be an object"));
      continue;
    }
    const given = ["exec", "httpGet", "tcpSocket", "sleep"].filter((k) => h[k] !== undefined && h[k] !== null);
    if (given.length === 0) errs.push(fieldRequired(hp, "must specify a handler type"));
    else if (given.length > 1) errs.push(fieldForbidden(`${hp}.${given[1]}`, "may not specify more than 1 handler type"));
    if (isRecord(h.exec) && (!Array.isArray(h.exec.command) || h.exec.command.length === 0)) errs.push(fieldRequired(`${hp}.exec.command`));
    if (isRecord(h.httpGet) && h.httpGet.port === undefined) errs.push(fieldRequired(`${hp}.httpGet.port`));
    if (isRecord(h.sleep) && (typeof h.sleep.seconds !== "number" || !Number.isInteger(h.sleep.seconds) || h.sleep.seconds < 0)) {
      errs.push(fieldInvalid(`${hp}.sleep.seconds`, h.sleep.seconds, "must be greater than or equal to 0"));
    }
  }
  return errs;
}
