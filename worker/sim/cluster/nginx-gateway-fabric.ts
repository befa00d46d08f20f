// What NGINX Gateway Fabric 2.6.7's control plane does to the API (internal/controller at v2.6.7):
// while its controller pod runs (`controller --gatewayclass=nginx
// --gateway-ctlr-name=gateway.nginx.org/nginx-gateway-controller`), it takes the GatewayClass of
// that name and controller (Accepted; SupportedVersion against the Gateway API bundle it was built
// for, v1.5.1, read from the CRDs' bundle-version annotation; ResolvedRefs for its NginxProxy), and
// for each Gateway of the class its provisioner (internal/controller/provisioner/objects.go) creates
// the data plane in the Gateway's namespace, all named `<gateway>-<class>` and owned by the Gateway:
// a ServiceAccount, a copy of the agent TLS Secret, a Deployment of the nginx image with the
// listeners' ports, and a Service (LoadBalancer with externalTrafficPolicy Local by default, as the
// NginxProxy of deploy.yaml also says). Its status updater writes the Gateway's addresses (the
// Service's load-balancer addresses, or its ClusterIP for other types), Accepted/Programmed and the
// listeners' conditions once a data-plane pod is ready to take its configuration; and each route's
// status.parents entry for the Gateways it names (conditions/conditions.go's reasons and messages).
// HTTPS listeners (graph/gateway_listener.go): tls.mode Terminate with certificateRefs to Secrets of
// type kubernetes.io/tls whose pair tls.X509KeyPair accepts, in the Gateway's namespace or granted
// by a ReferenceGrant; a listener none of whose refs resolves is invalid (not served), and routes
// attached only to invalid listeners are not Accepted (InvalidListener).
// Left out: the bootstrap and agent ConfigMaps and the init container (nothing here reads them),
// GatewayClass conflicts, listener tls.options, ca.crt checks, frontend validation and ListenerSets.

import { createObject, deleteObject, updateObject } from "./api-server.ts";
import { findImage } from "./images.ts";
import { flagValue, runsImageServer, serverArgs } from "./process.ts";
import { nextResourceVersion, objectKey, putAt } from "./store.ts";
import { perRecord, type Tx } from "./tx.ts";
import type { ClusterState, GenericObject, KubeObject, Pod, Service, SubmittedObject } from "./types.ts";
import type { Random } from "../random.ts";
import { secretValue, type Secret } from "../kinds/secret.ts";
import { keyPairError } from "../tls/key-pair.ts";

export const NGF_CONTROLLER_NAME = "gateway.nginx.org/nginx-gateway-controller";
const GATEWAY_GROUP = "gateway.networking.k8s.io";
/** consts.BundleVersion: the Gateway API release NGF 2.6.7 is built against. */
const BUNDLE_VERSION = "v1.5.1";
const BUNDLE_ANNOTATION = "gateway.networking.k8s.io/bundle-version";
const DATA_PLANE_IMAGE = "ghcr.io/nginx/nginx-gateway-fabric/nginx";
const READINESS_PORT = 8081;

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
const recs = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isRec) : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

/** The running NGF control plane: its pod and the flags that say what it serves. */
export interface NgfControlPlane {
  pod: Pod;
  namespace: string;
  gatewayClass: string;
  controllerName: string;
  agentTlsSecret: string;
  /** The pod's app.kubernetes.io/instance label (INSTANCE_NAME). */
  instance: string;
}

export function ngfControlPlanes(state: ClusterState): readonly NgfControlPlane[] {
  return controlPlanesOf(state.pods);
}

// A scan of every pod's containers (~450 us at 300 pods), asked on each reconcile pass while a
// GatewayClass exists: kept per pods record until the pods change.
const controlPlanesOf = perRecord((pods: Record<string, Pod>): NgfControlPlane[] => {
  const out: NgfControlPlane[] = [];
  for (const key in pods) {
    const pod = pods[key];
    if (pod.status.phase !== "Running" || pod.metadata.deletionTimestamp) continue;
    for (const c of pod.spec.containers) {
      if (findImage(c.image)?.server?.kind !== "nginx-gateway-fabric" || !runsImageServer(c)) continue;
      if (!pod.status.containerStatuses?.find((s) => s.name === c.name)?.state.running) continue;
      const args = serverArgs(c);
      out.push({
        pod,
        namespace: pod.metadata.namespace ?? "default",
        gatewayClass: flagValue(args, "gatewayclass") ?? "",
        controllerName: flagValue(args, "gateway-ctlr-name") ?? "",
        agentTlsSecret: flagValue(args, "agent-tls-secret") ?? "agent-tls",
        instance: pod.metadata.labels?.["app.kubernetes.io/instance"] ?? "",
      });
    }
  }
  return out;
});

function objects(state: ClusterState, resource: string): Record<string, GenericObject> {
  return (state.objects?.[resource] ?? {}) as Record<string, GenericObject>;
}

const rfc3339 = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

/** The conditions with their transition times kept where type and status did not change. */
function stamp(next: Condition[], previous: unknown, generation: number, now: number): Condition[] {
  const before = recs(previous);
  return next.map((c) => {
    const old = before.find((b) => b.type === c.type);
    const at = old && old.status === c.status && typeof old.lastTransitionTime === "string" ? old.lastTransitionTime : rfc3339(now);
    return { type: c.type, status: c.status, reason: c.reason, message: c.message, observedGeneration: generation, lastTransitionTime: at };
  });
}

const generationOf = (o: KubeObject | GenericObject): number => (o.metadata as { generation?: number }).generation ?? 1;

/** Writes an object's status when it differs (a status update: new resourceVersion, generation kept). */
function writeStatus(tx: Tx, resource: string, key: string, obj: GenericObject, status: Rec): void {
  if (JSON.stringify(obj.status) === JSON.stringify(status)) return;
  putAt(tx, { resource }, key, { ...obj, metadata: { ...obj.metadata, resourceVersion: nextResourceVersion(tx) }, status } as unknown as KubeObject);
}

/** validateCRDVersions: a Gateway API CRD of another major version is unsupported, another minor one best effort. */
function versionConditions(state: ClusterState): Condition[] {
  const crds = objects(state, "customresourcedefinitions");
  const [major, minor] = BUNDLE_VERSION.slice(1).split(".");
  let unsupported = false;
  let bestEffort = false;
  for (const key in crds) {
    const crd = crds[key];
    if (!crd.metadata.name.endsWith(`.${GATEWAY_GROUP}`)) continue;
    const version = crd.metadata.annotations?.[BUNDLE_ANNOTATION];
    if (!version) continue;
    const [maj, min] = version.replace(/^v/, "").split(".");
    if (maj !== major) unsupported = true;
    else if (min !== minor) bestEffort = true;
  }
  if (unsupported) {
    const message = `The Gateway API CRD versions are not supported. Please install version ${BUNDLE_VERSION}`;
    return [{ type: "Accepted", status: "False", reason: "UnsupportedVersion", message }, { type: "SupportedVersion", status: "False", reason: "UnsupportedVersion", message }];
  }
  const accepted: Condition = { type: "Accepted", status: "True", reason: "Accepted", message: "The GatewayClass is accepted" };
  if (bestEffort) return [accepted, { type: "SupportedVersion", status: "False", reason: "UnsupportedVersion", message: `The Gateway API CRD versions are not recommended. Recommended version is ${BUNDLE_VERSION}` }];
  return [accepted, { type: "SupportedVersion", status: "True", reason: "SupportedVersion", message: "The Gateway API CRD versions are supported" }];
}

/** The NginxProxy a parametersRef names (namespaced, so the ref's namespace), if it is there. */
function nginxProxyOf(state: ClusterState, ref: unknown, namespace: string): GenericObject | undefined {
  if (!isRec(ref) || ref.group !== "gateway.nginx.org" || ref.kind !== "NginxProxy") return undefined;
  return objects(state, "nginxproxies")[objectKey(str(ref.namespace) ?? namespace, String(ref.name ?? ""))];
}

/** DeduplicateConditions: the last condition of each type, in the order of those last ones. */
function dedupe(conds: Condition[]): Condition[] {
  return conds.filter((c, i) => !conds.slice(i + 1).some((d) => d.type === c.type));
}

function gatewayClassConditions(state: ClusterState, gc: GenericObject): Condition[] {
  const conds = versionConditions(state);
  const ref = isRec(gc.spec) ? gc.spec.parametersRef : undefined;
  if (!isRec(ref)) return conds;
  const invalidParameters = (msg: string): Condition => ({ type: "Accepted", status: "True", reason: "InvalidParameters", message: `The GatewayClass is accepted, but ParametersRef is ignored due to an error: ${msg}` });
  if (ref.kind !== "NginxProxy") {
    const msg = `Spec.parametersRef.kind: Unsupported value: ${JSON.stringify(String(ref.kind ?? ""))}: supported values: "NginxProxy"`;
    return dedupe([...conds, { type: "ResolvedRefs", status: "False", reason: "ParametersRefInvalid", message: msg }, invalidParameters(msg)]);
  }
  if (!nginxProxyOf(state, ref, "")) {
    const msg = `spec.parametersRef.name: Not found: ${JSON.stringify(String(ref.name ?? ""))}`;
    return dedupe([...conds, { type: "ResolvedRefs", status: "False", reason: "ParametersRefNotFound", message: "The ParametersRef resource could not be found" }, invalidParameters(msg)]);
  }
  return [...conds, { type: "ResolvedRefs", status: "True", reason: "ResolvedRefs", message: "The ParametersRef resource is resolved" }];
}

export interface Listener {
  name: string;
  port: number;
  protocol: string;
  hostname?: string;
  allowedRoutes?: Rec;
  tls?: Rec;
}

export type GatewayListener = Listener;

export function listenersOfGateway(gw: GenericObject): Listener[] {
  return listenersOf(gw);
}

function listenersOf(gw: GenericObject): Listener[] {
  return recs(isRec(gw.spec) ? gw.spec.listeners : undefined).map((l) => ({
    name: String(l.name ?? ""),
    port: Number(l.port),
    protocol: String(l.protocol ?? ""),
    ...(typeof l.hostname === "string" ? { hostname: l.hostname } : {}),
    ...(isRec(l.allowedRoutes) ? { allowedRoutes: l.allowedRoutes } : {}),
    ...(isRec(l.tls) ? { tls: l.tls } : {}),
  }));
}

/** The Gateway an NGF data-plane pod serves: its gateway-name label, in its namespace. */
export function gatewayOfDataPlane(state: ClusterState, pod: Pod): GenericObject | undefined {
  const name = pod.metadata.labels?.["gateway.networking.k8s.io/gateway-name"];
  return name ? objects(state, "gateways")[objectKey(pod.metadata.namespace ?? "default", name)] : undefined;
}

/** The data plane's name: CreateNginxResourceName(gateway, class). */
export const dataPlaneName = (gateway: string, gatewayClass: string): string => `${gateway}-${gatewayClass}`;

function ownerReference(gw: GenericObject): Rec {
  return { apiVersion: `${GATEWAY_GROUP}/v1`, kind: "Gateway", name: gw.metadata.name, uid: gw.metadata.uid, controller: true, blockOwnerDeletion: true };
}

/** buildPortsFromListeners (TCP for HTTP/HTTPS/TLS/TCP, UDP for UDP), unique, in listener order. */
function listenerPorts(listeners: Listener[]): Array<{ port: number; protocol: "TCP" | "UDP" }> {
  const out: Array<{ port: number; protocol: "TCP" | "UDP" }> = [];
  for (const l of listeners) {
    const protocol = l.protocol === "UDP" ? "UDP" : "TCP";
    if (!out.some((p) => p.port === l.port && p.protocol === protocol)) out.push({ port: l.port, protocol });
  }
  return out;
}

function servicePortsFor(ports: Array<{ port: number; protocol: "TCP" | "UDP" }>): Rec[] {
  const count = (n: number) => ports.filter((p) => p.port === n).length;
  return ports.map((p) => ({ name: count(p.port) > 1 ? `port-${p.port}-${p.protocol.toLowerCase()}` : `port-${p.port}`, port: p.port, protocol: p.protocol, targetPort: p.port }));
}

function containerPortsFor(ports: Array<{ port: number; protocol: "TCP" | "UDP" }>): Rec[] {
  const count = (n: number) => ports.filter((p) => p.port === n).length;
  return [...ports]
    .sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol))
    .map((p) => ({ name: count(p.port) > 1 ? `port-${p.port}-${p.protocol.toLowerCase()}` : `port-${p.port}`, containerPort: p.port, protocol: p.protocol }));
}

/** The NginxProxy settings for the Service: the Gateway's own parametersRef over the class's. */
function serviceSettings(state: ClusterState, gc: GenericObject, gw: GenericObject): { type: string; externalTrafficPolicy: string } {
  let type = "LoadBalancer";
  let policy = "Local";
  const gwNamespace = gw.metadata.namespace ?? "default";
  const infra = isRec(gw.spec) && isRec(gw.spec.infrastructure) ? gw.spec.infrastructure : undefined;
  for (const np of [nginxProxyOf(state, isRec(gc.spec) ? gc.spec.parametersRef : undefined, ""), isRec(infra?.parametersRef) ? objects(state, "nginxproxies")[objectKey(gwNamespace, String(infra!.parametersRef.name ?? ""))] : undefined]) {
    const service = np && isRec(np.spec) && isRec(np.spec.kubernetes) && isRec(np.spec.kubernetes.service) ? np.spec.kubernetes.service : undefined;
    if (typeof service?.type === "string") type = service.type;
    if (typeof service?.externalTrafficPolicy === "string") policy = service.externalTrafficPolicy;
  }
  return { type, externalTrafficPolicy: policy };
}

interface Ctx {
  now: number;
  random: Random;
}

/** Creates what is missing of a Gateway's data plane and keeps its ports those of the listeners. */
function provision(tx: Tx, ctx: Ctx, cp: NgfControlPlane, gc: GenericObject, gw: GenericObject): void {
  const namespace = gw.metadata.namespace ?? "default";
  const name = dataPlaneName(gw.metadata.name, cp.gatewayClass);
  const selector: Record<string, string> = {
    "app.kubernetes.io/instance": cp.instance,
    "app.kubernetes.io/managed-by": `${cp.instance}-${cp.gatewayClass}`,
    "app.kubernetes.io/name": name,
    "gateway.networking.k8s.io/gateway-name": gw.metadata.name,
  };
  const infraLabels = isRec(gw.spec) && isRec(gw.spec.infrastructure) && isRec(gw.spec.infrastructure.labels) ? (gw.spec.infrastructure.labels as Record<string, string>) : {};
  const labels = { ...selector, ...infraLabels };
  const meta = { name, namespace, labels, ownerReferences: [ownerReference(gw)] };
  const state = tx.state;
  const api = { now: ctx.now, random: ctx.random };
  const ports = listenerPorts(listenersOf(gw));
  if (!state.objects?.serviceaccounts?.[objectKey(namespace, name)]) {
    createObject(tx, { apiVersion: "v1", kind: "ServiceAccount", metadata: meta, automountServiceAccountToken: false } as unknown as SubmittedObject, api);
  }
  const agentTls = `${name}-${cp.agentTlsSecret}`;
  const source = state.objects?.secrets?.[objectKey(cp.namespace, cp.agentTlsSecret)] as { data?: Record<string, string> } | undefined;
  if (source && !state.objects?.secrets?.[objectKey(namespace, agentTls)]) {
    createObject(tx, { apiVersion: "v1", kind: "Secret", metadata: { ...meta, name: agentTls }, type: "kubernetes.io/tls", data: source.data ?? {} } as unknown as SubmittedObject, api);
  }
  const containerPorts = containerPortsFor(ports);
  const deployment = state.deployments[objectKey(namespace, name)] as unknown as { spec: { template: { spec: { containers: Array<{ ports?: unknown }> } } } } | undefined;
  const template = {
    metadata: { labels },
    spec: {
      automountServiceAccountToken: true,
      containers: [
        {
          name: "nginx",
          image: `${DATA_PLANE_IMAGE}:2.6.7`,
          imagePullPolicy: "IfNotPresent",
          ports: containerPorts,
          readinessProbe: { httpGet: { path: "/readyz", port: READINESS_PORT }, initialDelaySeconds: 3 },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsGroup: 1001, runAsUser: 101, seccompProfile: { type: "RuntimeDefault" } },
          volumeMounts: [{ mountPath: "/var/run/secrets/ngf", name: "nginx-agent-tls" }],
        },
      ],
      serviceAccountName: name,
      securityContext: { fsGroup: 1001, runAsNonRoot: true, sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }] },
      volumes: [{ name: "nginx-agent-tls", secret: { secretName: agentTls } }],
    },
  };
  if (!deployment) {
    createObject(tx, { apiVersion: "apps/v1", kind: "Deployment", metadata: meta, spec: { replicas: 1, selector: { matchLabels: selector }, template } } as unknown as SubmittedObject, api);
  } else if (JSON.stringify(deployment.spec.template.spec.containers[0]?.ports ?? []) !== JSON.stringify(containerPorts)) {
    const current = deployment as unknown as Rec;
    const spec = current.spec as Rec;
    const tpl = spec.template as Rec;
    const podSpec = tpl.spec as Rec;
    const containers = (podSpec.containers as Rec[]).map((c, i) => (i === 0 ? { ...c, ports: containerPorts } : c));
    updateObject(tx, { ...current, spec: { ...spec, template: { ...tpl, spec: { ...podSpec, containers } } } } as unknown as SubmittedObject, api);
  }
  const service = state.services[objectKey(namespace, name)];
  const settings = serviceSettings(state, gc, gw);
  const servicePorts = servicePortsFor(ports);
  if (!service) {
    createObject(
      tx,
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: meta,
        spec: { type: settings.type, ports: servicePorts, selector, ipFamilyPolicy: "PreferDualStack", ...(settings.type !== "ClusterIP" ? { externalTrafficPolicy: settings.externalTrafficPolicy } : {}) },
      } as unknown as SubmittedObject,
      api,
    );
  } else {
    const same = service.spec.ports.length === servicePorts.length && service.spec.ports.every((p, i) => p.port === servicePorts[i].port && p.protocol === servicePorts[i].protocol && p.name === servicePorts[i].name);
    if (!same) {
      const kept = servicePorts.map((p) => ({ ...p, ...(service.spec.ports.find((q) => q.port === p.port && q.protocol === p.protocol)?.nodePort ? { nodePort: service.spec.ports.find((q) => q.port === p.port && q.protocol === p.protocol)!.nodePort } : {}) }));
      updateObject(tx, { ...service, spec: { ...service.spec, ports: kept } } as unknown as SubmittedObject, api);
    }
  }
}

/**
 * The provisioner's deprovisionNginx: a deleted Gateway's data plane (the objects it labelled as
 * managed by this instance and class, owned by a Gateway that is gone) is deleted.
 */
function deprovision(tx: Tx, ctx: Ctx, cp: NgfControlPlane): void {
  const managedBy = `${cp.instance}-${cp.gatewayClass}`;
  const gatewayUids = new Set(Object.values(objects(tx.state, "gateways")).map((g) => g.metadata.uid));
  const stale = (o: { metadata: { labels?: Record<string, string>; ownerReferences?: Array<{ kind: string; uid: string }> } }) =>
    o.metadata.labels?.["app.kubernetes.io/managed-by"] === managedBy && o.metadata.ownerReferences?.some((r) => r.kind === "Gateway" && !gatewayUids.has(r.uid)) === true;
  const api = { now: ctx.now, random: ctx.random };
  const doomed: Array<["deployments" | "services" | "serviceaccounts" | "secrets", { metadata: { name: string; namespace?: string } }]> = [];
  for (const d of Object.values(tx.state.deployments)) if (stale(d)) doomed.push(["deployments", d]);
  for (const svc of Object.values(tx.state.services)) if (stale(svc)) doomed.push(["services", svc]);
  for (const resource of ["serviceaccounts", "secrets"] as const) for (const o of Object.values(objects(tx.state, resource))) if (stale(o)) doomed.push([resource, o]);
  for (const [resource, o] of doomed) deleteObject(tx, resource, o.metadata.namespace, o.metadata.name, api);
}

/** getGatewayAddressesForStatus: a LoadBalancer's ingress IPs (or host names), else the ClusterIP. */
function gatewayAddresses(service: Service | undefined): Rec[] {
  if (!service) return [];
  if (service.spec.type === "LoadBalancer") {
    const ingress = service.status?.loadBalancer?.ingress ?? [];
    return [...ingress.filter((i) => i.ip).map((i) => ({ type: "IPAddress", value: i.ip })), ...ingress.filter((i) => !i.ip && i.hostname).map((i) => ({ type: "Hostname", value: i.hostname }))];
  }
  return service.spec.clusterIP ? [{ type: "IPAddress", value: service.spec.clusterIP }] : [];
}

/** A ready pod of the data plane: its agent has connected and applied the configuration. */
function dataPlaneReady(state: ClusterState, namespace: string, name: string): boolean {
  for (const key in state.pods) {
    const pod = state.pods[key];
    if ((pod.metadata.namespace ?? "default") !== namespace || pod.metadata.labels?.["app.kubernetes.io/name"] !== name) continue;
    if (pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True")) return true;
  }
  return false;
}

/**
 * getValidKindsForProtocol: the route kinds a listener takes by protocol (HTTP and HTTPS: HTTPRoute
 * and GRPCRoute; TLS: TLSRoute, in Passthrough mode only).
 */
function validKinds(l: Listener): Rec[] {
  const protocol = l.protocol;
  if (protocol === "HTTP" || protocol === "HTTPS") return [{ group: GATEWAY_GROUP, kind: "HTTPRoute" }, { group: GATEWAY_GROUP, kind: "GRPCRoute" }];
  if (protocol === "TLS") return l.tls?.mode === "Passthrough" ? [{ group: GATEWAY_GROUP, kind: "TLSRoute" }] : [];
  if (protocol === "TCP") return [{ group: GATEWAY_GROUP, kind: "TCPRoute" }];
  if (protocol === "UDP") return [{ group: GATEWAY_GROUP, kind: "UDPRoute" }];
  return [];
}

/**
 * getAndValidateListenerSupportedKinds: the kinds of allowedRoutes.kinds the protocol takes (each
 * once), else the protocol's; a kind it does not take gives ResolvedRefs False InvalidRouteKinds.
 */
function listenerKinds(l: Listener): { kinds: Rec[]; conditions: Condition[] } {
  const valid = validKinds(l);
  const asked = l.allowedRoutes?.kinds;
  if (!Array.isArray(asked)) return { kinds: valid, conditions: [] };
  const kinds: Rec[] = [];
  const conditions: Condition[] = [];
  const seen = new Set<string>();
  for (const kind of recs(asked)) {
    const group = str(kind.group);
    if ((group !== undefined && group !== GATEWAY_GROUP) || !valid.some((k) => k.kind === kind.kind)) {
      const msg = `Unsupported route kind for protocol ${l.protocol} "${group ?? GATEWAY_GROUP}/${String(kind.kind ?? "")}"`;
      conditions.push({ type: "ResolvedRefs", status: "False", reason: "InvalidRouteKinds", message: msg }, { type: "Programmed", status: "False", reason: "Invalid", message: msg });
      continue;
    }
    const key = group !== undefined ? `${group}/${String(kind.kind)}` : String(kind.kind);
    if (!seen.has(key)) {
      seen.add(key);
      kinds.push(kind);
    }
  }
  return { kinds, conditions };
}

/** Host name matching between a listener and a route (wildcards one label deep or more, as the spec). */
function hostnamesIntersect(listener: string | undefined, routeHosts: string[]): boolean {
  if (!listener || routeHosts.length === 0) return true;
  const matches = (pattern: string, host: string) => (pattern.startsWith("*.") ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1 : pattern === host);
  return routeHosts.some((h) => h === listener || matches(listener, h) || matches(h, listener));
}

function namespaceAllowed(state: ClusterState, listener: Listener, gwNamespace: string, routeNamespace: string): boolean {
  const ns = isRec(listener.allowedRoutes?.namespaces) ? (listener.allowedRoutes!.namespaces as Rec) : {};
  const from = str(ns.from) ?? "Same";
  if (from === "All") return true;
  if (from === "Same") return routeNamespace === gwNamespace;
  if (from === "Selector" && isRec(ns.selector)) {
    const labels = state.namespaces?.[routeNamespace]?.metadata.labels ?? {};
    const match = isRec(ns.selector.matchLabels) ? (ns.selector.matchLabels as Record<string, string>) : {};
    return Object.entries(match).every(([k, v]) => labels[k] === v);
  }
  return false;
}

function kindAllowed(listener: Listener, kind: string): boolean {
  return listenerKinds(listener).kinds.some((k) => k.kind === kind && (k.group ?? GATEWAY_GROUP) === GATEWAY_GROUP);
}

/** Whether a ReferenceGrant in `to` lets a `kind` in `from` refer to the `toKind` (a core kind) `name`. */
function referenceGranted(state: ClusterState, fromKind: string, fromNamespace: string, toNamespace: string, name: string, toKind = "Service"): boolean {
  const grants = objects(state, "referencegrants");
  for (const key in grants) {
    const g = grants[key];
    if ((g.metadata.namespace ?? "default") !== toNamespace || !isRec(g.spec)) continue;
    const fromOk = recs(g.spec.from).some((f) => f.group === GATEWAY_GROUP && f.kind === fromKind && f.namespace === fromNamespace);
    const toOk = recs(g.spec.to).some((t) => (t.group ?? "") === "" && t.kind === toKind && (t.name === undefined || t.name === name));
    if (fromOk && toOk) return true;
  }
  return false;
}

export interface ListenerCheck {
  /** NGF configures the listener (Listener.Valid). */
  valid: boolean;
  /** Its conditions other than the defaults (which a valid listener gets where these leave a type out). */
  conditions: Condition[];
  /** HTTPS: the Secrets it serves certificates from, in certificateRefs order. */
  secrets: Secret[];
}

const PROTOCOLS = ["HTTP", "HTTPS", "TLS", "TCP", "UDP"];
const SSL_PROTOCOLS = "nginx.org/ssl-protocols";
const SSL_CIPHERS = "nginx.org/ssl-ciphers";
const SSL_PREFER_SERVER_CIPHERS = "nginx.org/ssl-prefer-server-ciphers";
const SSL_PROTOCOL_VALUES = ["SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];
const SSL_CIPHERS_PATTERN = /^!?[A-Za-z0-9-+_]+(:!?[A-Za-z0-9-+_]+)*$/;

/**
 * validateListenerTLSOptions: NGF configures three options of an HTTPS listener (nginx's
 * ssl_protocols, ssl_ciphers, ssl_prefer_server_ciphers); another key, or a value nginx would not
 * take, makes the listener UnsupportedValue. Keys in the object's order (Go ranges over a map).
 */
function tlsOptionConditions(options: Rec): Condition[] {
  const conds: Condition[] = [];
  for (const [key, raw] of Object.entries(options)) {
    const value = String(raw ?? "");
    const path = `tls.options[${key}]`;
    if (key !== SSL_PROTOCOLS && key !== SSL_CIPHERS && key !== SSL_PREFER_SERVER_CIPHERS) conds.push(...unsupportedValue(fieldNotSupported(path, key, [SSL_PROTOCOLS, SSL_CIPHERS, SSL_PREFER_SERVER_CIPHERS])));
    if (key === SSL_PROTOCOLS) {
      const protocols = value.split(/\s+/).filter((p) => p !== "");
      if (protocols.length === 0) conds.push(...unsupportedValue(fieldNotSupported(path, "", SSL_PROTOCOL_VALUES)));
      for (const p of protocols) if (!SSL_PROTOCOL_VALUES.includes(p)) conds.push(...unsupportedValue(fieldNotSupported(path, p, SSL_PROTOCOL_VALUES)));
    }
    if (key === SSL_PREFER_SERVER_CIPHERS && value !== "on" && value !== "off") conds.push(...unsupportedValue(fieldNotSupported(path, value, ["on", "off"])));
    if (key === SSL_CIPHERS && !SSL_CIPHERS_PATTERN.test(value)) conds.push(...unsupportedValue(`${path}: Invalid value: ${JSON.stringify(value)}: invalid ssl ciphers`));
  }
  return conds;
}

const fieldNotSupported = (path: string, value: string, supported: string[]): string => `${path}: Unsupported value: ${JSON.stringify(value)}: supported values: ${supported.map((v) => JSON.stringify(v)).join(", ")}`;
const unsupportedValue = (msg: string): Condition[] => [{ type: "Accepted", status: "False", reason: "UnsupportedValue", message: msg }, { type: "Programmed", status: "False", reason: "Invalid", message: msg }];
const allInvalidRefs = (msg: string, reason: string): Condition[] => [{ type: "Accepted", status: "False", reason, message: msg }, { type: "ResolvedRefs", status: "False", reason, message: msg }, { type: "Programmed", status: "False", reason: "Invalid", message: msg }];

// Parsing a key pair costs milliseconds, and listeners are checked for every route on every pass:
// the verdict is kept per Secret object (a changed Secret is a new object).
const secretProblems = new WeakMap<Secret, { problem: string | undefined }>();

/** The secret resolver's validation (resolver/secrets.go): a TLS pair tls.X509KeyPair accepts, else why not. */
function secretProblem(secret: Secret): string | undefined {
  const known = secretProblems.get(secret);
  if (known) return known.problem;
  let problem: string | undefined;
  if (secret.type !== "kubernetes.io/tls") problem = `unsupported secret type ${JSON.stringify(secret.type ?? "")}`;
  else {
    const pair = keyPairError(secretValue(secret, "tls.crt") ?? "", secretValue(secret, "tls.key") ?? "");
    problem = pair ? `tls secret is invalid: ${pair}` : undefined;
  }
  secretProblems.set(secret, { problem });
  return problem;
}

/** createHTTPSListenerValidator, then createExternalReferencesForTLSSecretsResolver, for one listener. */
export function checkListener(state: ClusterState, gw: GenericObject, l: Listener): ListenerCheck {
  if (!PROTOCOLS.includes(l.protocol)) {
    const msg = fieldNotSupported("protocol", l.protocol, PROTOCOLS);
    return { valid: false, conditions: [{ type: "Accepted", status: "False", reason: "UnsupportedProtocol", message: msg }, { type: "Programmed", status: "False", reason: "Invalid", message: msg }], secrets: [] };
  }
  // The configurator's validators in its order: route kinds, then the protocol's own checks.
  const kindConds = listenerKinds(l).conditions;
  if (l.protocol === "TLS") {
    // validateTLSFieldOnTLSListener: NGF passes TLS through to TLSRoutes' backends, never terminates it.
    const conds = [...kindConds];
    if (!l.tls) conds.push(...unsupportedValue("TLS: Required value: tls must be defined for TLS listener"));
    else if (l.tls.mode !== "Passthrough") conds.push(...unsupportedValue("TLS.Mode: Required value: Mode must be passthrough for TLS listener"));
    return { valid: conds.length === 0, conditions: dedupe(conds), secrets: [] };
  }
  if (l.protocol !== "HTTPS") return { valid: kindConds.length === 0, conditions: dedupe(kindConds), secrets: [] };
  const gwNamespace = gw.metadata.namespace ?? "default";
  if (!l.tls) return { valid: false, conditions: dedupe([...kindConds, ...unsupportedValue("TLS: Required value: tls must be defined for HTTPS listener")]), secrets: [] };
  const conds: Condition[] = [...kindConds];
  const mode = str(l.tls.mode) ?? "Terminate";
  if (mode !== "Terminate") conds.push(...unsupportedValue(fieldNotSupported("tls.mode", mode, ["Terminate"])));
  if (isRec(l.tls.options)) conds.push(...tlsOptionConditions(l.tls.options));
  const refs = recs(l.tls.certificateRefs);
  if (refs.length === 0) {
    const msg = "tls.certificateRefs: Required value: certificateRefs must be defined for TLS mode terminate";
    return { valid: false, conditions: dedupe([...conds, { type: "Accepted", status: "False", reason: "InvalidCertificateRef", message: msg }, { type: "ResolvedRefs", status: "False", reason: "InvalidCertificateRef", message: msg }, { type: "Programmed", status: "False", reason: "Invalid", message: msg }]), secrets: [] };
  }
  refs.forEach((ref, i) => {
    const kind = str(ref.kind);
    if (kind !== undefined && kind !== "Secret") conds.push(...allInvalidRefs(fieldNotSupported(`tls.certificateRefs[${i}].kind`, kind, ["Secret"]), "InvalidCertificateRef"));
    const group = str(ref.group);
    if (group !== undefined && group !== "") conds.push(...allInvalidRefs(fieldNotSupported(`tls.certificateRefs[${i}].group`, group, [""]), "InvalidCertificateRef"));
  });
  if (conds.length > 0) return { valid: false, conditions: dedupe(conds), secrets: [] };
  const errors: Array<{ msg: string; notPermitted: boolean }> = [];
  const secrets: Secret[] = [];
  refs.forEach((ref, i) => {
    const namespace = str(ref.namespace) ?? gwNamespace;
    const name = String(ref.name ?? "");
    if (namespace !== gwNamespace && !referenceGranted(state, "Gateway", gwNamespace, namespace, name, "Secret")) {
      errors.push({ msg: `Certificate ref to secret ${namespace}/${name} not permitted by any ReferenceGrant`, notPermitted: true });
      return;
    }
    const secret = state.objects?.secrets?.[objectKey(namespace, name)] as Secret | undefined;
    const problem = secret ? secretProblem(secret) : `Secret ${namespace}/${name} does not exist`;
    if (problem) errors.push({ msg: `tls.certificateRefs[${i}]: Invalid value: ${namespace}/${name}: ${problem}`, notPermitted: false });
    else secrets.push(secret!);
  });
  if (errors.length === 0) return { valid: true, conditions: [], secrets };
  const reason = errors.some((e) => !e.notPermitted) ? "InvalidCertificateRef" : "RefNotPermitted";
  const msg = errors.map((e) => e.msg).join("; ");
  if (secrets.length === 0) return { valid: false, conditions: allInvalidRefs(msg, reason), secrets };
  return { valid: true, conditions: [{ type: "ResolvedRefs", status: "False", reason, message: msg }], secrets };
}

/** Whether NGF proxies to this backendRef: a core Service, in the route's namespace or granted. */
export function ngfServes(state: ClusterState, ref: Rec, routeNamespace: string, kind = "HTTPRoute"): boolean {
  const group = str(ref.group);
  if (group !== undefined && group !== "" && group !== "core") return false;
  if (str(ref.kind) !== undefined && ref.kind !== "Service") return false;
  const ns = str(ref.namespace) ?? routeNamespace;
  return ns === routeNamespace || referenceGranted(state, kind, routeNamespace, ns, String(ref.name ?? ""));
}

/** validateBackendRef and getPortFromRef: the first backendRef that does not resolve decides ResolvedRefs. */
function resolvedRefs(state: ClusterState, route: GenericObject, kind: string): Condition {
  const namespace = route.metadata.namespace ?? "default";
  const rules = recs(isRec(route.spec) ? route.spec.rules : undefined);
  for (let r = 0; r < rules.length; r++) {
    const refs = recs(rules[r].backendRefs);
    for (let b = 0; b < refs.length; b++) {
      const ref = refs[b];
      const path = `spec.rules[${r}].backendRefs[${b}]`;
      const group = str(ref.group);
      if (group !== undefined && group !== "" && group !== "core") return { type: "ResolvedRefs", status: "False", reason: "InvalidKind", message: `${path}.group: Unsupported value: ${JSON.stringify(group)}: supported values: "core", ""` };
      const refKind = str(ref.kind);
      if (refKind !== undefined && refKind !== "Service") return { type: "ResolvedRefs", status: "False", reason: "InvalidKind", message: `${path}.kind: Unsupported value: ${JSON.stringify(refKind)}: supported values: "Service"` };
      const refNamespace = str(ref.namespace) ?? namespace;
      const name = String(ref.name ?? "");
      if (refNamespace !== namespace && !referenceGranted(state, kind, namespace, refNamespace, name)) {
        return { type: "ResolvedRefs", status: "False", reason: "RefNotPermitted", message: `${path}.namespace: Forbidden: Backend ref to Service ${refNamespace}/${name} not permitted by any ReferenceGrant` };
      }
      const service = state.services[objectKey(refNamespace, name)];
      if (!service) return { type: "ResolvedRefs", status: "False", reason: "BackendNotFound", message: `${path}.name: Not found: ${JSON.stringify(name)}` };
      if (!service.spec.ports.some((p) => p.port === ref.port)) {
        return { type: "ResolvedRefs", status: "False", reason: "BackendNotFound", message: `no matching port for Service ${name} and port ${String(ref.port)}` };
      }
    }
  }
  return { type: "ResolvedRefs", status: "True", reason: "ResolvedRefs", message: "All references are resolved" };
}

interface Attachment {
  gateway: string;
  listener: string;
}

/** The listeners of one parentRef's Gateway a route attaches to, or why none takes it. */
function attach(state: ClusterState, route: GenericObject, kind: string, ref: Rec, gw: GenericObject, listeners: Listener[]): { listeners: Listener[]; failure?: Condition } {
  const namespace = route.metadata.namespace ?? "default";
  const gwNamespace = gw.metadata.namespace ?? "default";
  const hostnames = Array.isArray((route.spec as Rec | undefined)?.hostnames) ? ((route.spec as Rec).hostnames as string[]) : [];
  const section = str(ref.sectionName);
  const port = typeof ref.port === "number" ? ref.port : undefined;
  const candidates = listeners.filter((l) => (section === undefined || l.name === section) && (port === undefined || l.port === port));
  if (candidates.length === 0) return { listeners: [], failure: { type: "Accepted", status: "False", reason: "NoMatchingParent", message: "The Listener is not found for this parent ref" } };
  const allowed = candidates.filter((l) => namespaceAllowed(state, l, gwNamespace, namespace) && kindAllowed(l, kind));
  if (allowed.length === 0) return { listeners: [], failure: { type: "Accepted", status: "False", reason: "NotAllowedByListeners", message: "The Route is not allowed by any listener" } };
  const matching = allowed.filter((l) => hostnamesIntersect(l.hostname, hostnames));
  if (matching.length === 0) return { listeners: [], failure: { type: "Accepted", status: "False", reason: "NoMatchingListenerHostname", message: "The Listener hostname does not match the Route hostnames" } };
  return { listeners: matching };
}

function gatewayParentRefs(route: GenericObject): Rec[] {
  return recs(isRec(route.spec) ? route.spec.parentRefs : undefined).filter((ref) => (ref.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && (ref.kind ?? "Gateway") === "Gateway");
}

/** The listeners (of those given, all of one Gateway) a route attaches to through its parentRefs naming that Gateway. */
export function routeAttachments(state: ClusterState, route: GenericObject, kind: string, gw: GenericObject, listeners: Listener[]): Listener[] {
  const namespace = route.metadata.namespace ?? "default";
  const out: Listener[] = [];
  for (const ref of gatewayParentRefs(route)) {
    if (String(ref.name ?? "") !== gw.metadata.name || (str(ref.namespace) ?? namespace) !== (gw.metadata.namespace ?? "default")) continue;
    for (const l of attach(state, route, kind, ref, gw, listeners).listeners) if (!out.includes(l)) out.push(l);
  }
  return out;
}

/** k8s.io/apimachinery's aggregate error text: one message as it is, several in brackets. */
const aggregate = (msgs: string[]): string => {
  const unique = msgs.filter((m, i) => msgs.indexOf(m) === i);
  return unique.length === 1 ? unique[0] : `[${unique.join(", ")}]`;
};

/** validateGRPCMethodMatch and validateGRPCHeaderMatch's type checks for one GRPCRoute match. */
function grpcMatchErrors(match: Rec, path: string): string[] {
  const errs: string[] = [];
  if (isRec(match.method)) {
    const m = match.method;
    const type = str(m.type) ?? "Exact";
    if (type !== "Exact") errs.push(fieldNotSupported(`${path}.method.type`, type, ["Exact"]));
    const service = str(m.service) ?? "";
    if (service === "") errs.push(`${path}.method.service: Required value: service is required`);
    else if (service.startsWith("/_ngf-internal")) return [`${path}.method.service: Invalid value: ${JSON.stringify(service)}: service cannot start with /_ngf-internal. This prefix is reserved for internal use`];
    if ((str(m.method) ?? "") === "") errs.push(`${path}.method.method: Required value: method is required`);
  }
  recs(match.headers).forEach((h, j) => {
    const type = str(h.type) ?? "Exact";
    if (type !== "Exact" && type !== "RegularExpression") errs.push(fieldNotSupported(`${path}.headers[${j}].type`, type, ["Exact", "RegularExpression"]));
  });
  return errs;
}

/**
 * processHTTPRouteRules / processGRPCRouteRules: fields NGF ignores (Accepted True, UnsupportedField),
 * and for GRPCRoute the matches it cannot serve (a rule with one is dropped: PartiallyInvalid, or
 * Accepted False UnsupportedValue when no rule is left).
 */
function ruleConditions(route: GenericObject, kind: string): Condition[] {
  const rules = recs(isRec(route.spec) ? route.spec.rules : undefined);
  const warn: string[] = [];
  const invalid: string[] = [];
  let oneValid = false;
  rules.forEach((rule, r) => {
    const path = `spec.rules[${r}]`;
    if (rule.name !== undefined) warn.push(`${path}.name: Forbidden: Name`);
    if (kind === "HTTPRoute" && rule.timeouts !== undefined) warn.push(`${path}.timeouts: Forbidden: Timeouts`);
    const errs = kind === "GRPCRoute" ? recs(rule.matches).flatMap((m, j) => grpcMatchErrors(m, `${path}.matches[${j}]`)) : [];
    invalid.push(...errs);
    if (errs.length === 0) oneValid = true;
  });
  const conds: Condition[] = [];
  if (warn.length) conds.push({ type: "Accepted", status: "True", reason: "UnsupportedField", message: `The following unsupported parameters were ignored: ${aggregate(warn)}` });
  if (invalid.length) {
    const msg = aggregate(invalid);
    conds.push(oneValid ? { type: "PartiallyInvalid", status: "True", reason: "UnsupportedValue", message: `Dropped Rule(s): ${msg}` } : { type: "Accepted", status: "False", reason: "UnsupportedValue", message: `All rules are invalid: ${msg}` });
  }
  return conds;
}

/** A route's status.parents entries of this controller, and which listeners it attached to. */
function routeParents(state: ClusterState, route: GenericObject, kind: string, ours: Map<string, GenericObject>, attached: Attachment[]): Rec[] {
  const namespace = route.metadata.namespace ?? "default";
  const parents: Rec[] = [];
  const refs = resolvedRefs(state, route, kind);
  const ruleConds = ruleConditions(route, kind);
  for (const ref of gatewayParentRefs(route)) {
    const gwNamespace = str(ref.namespace) ?? namespace;
    const gwKey = objectKey(gwNamespace, String(ref.name ?? ""));
    const gw = ours.get(gwKey);
    if (!gw) continue;
    const section = str(ref.sectionName);
    const result = attach(state, route, kind, ref, gw, listenersOf(gw));
    for (const l of result.listeners) attached.push({ gateway: gwKey, listener: l.name });
    // Attached, but only to listeners NGF does not configure (tryToAttachL7RouteToListeners).
    const onlyInvalid = result.listeners.length > 0 && !result.listeners.some((l) => checkListener(state, gw, l).valid);
    const failure = result.failure ?? (onlyInvalid ? { type: "Accepted", status: "False" as const, reason: "InvalidListener", message: "The Listener is invalid for this parent ref" } : undefined);
    // prepareRouteRequest: the defaults, then the route's own conditions, then the attachment's failure.
    const conds = dedupe([
      { type: "Accepted", status: "True", reason: "Accepted", message: "The Route is accepted" },
      { type: "ResolvedRefs", status: "True", reason: "ResolvedRefs", message: "All references are resolved" },
      ...ruleConds,
      ...(refs.status === "False" ? [refs] : []),
      ...(failure ? [failure] : []),
    ]);
    const previous = recs((route.status as Rec | undefined)?.parents).find((p) => isRec(p.parentRef) && p.parentRef.name === ref.name && (p.parentRef.namespace ?? namespace) === gwNamespace && p.parentRef.sectionName === section);
    parents.push({
      parentRef: { group: GATEWAY_GROUP, kind: "Gateway", name: String(ref.name), namespace: gwNamespace, ...(section !== undefined ? { sectionName: section } : {}) },
      controllerName: NGF_CONTROLLER_NAME,
      conditions: conds,
      previous: previous?.conditions,
    });
  }
  return parents;
}

const ROUTE_KINDS: Array<[resource: string, kind: string]> = [["httproutes", "HTTPRoute"], ["grpcroutes", "GRPCRoute"]];

export function nginxGatewayFabricController(tx: Tx, ctx: Ctx): void {
  const classes = tx.state.objects?.gatewayclasses;
  if (!classes) return;
  let any = false;
  for (const _ in classes) {
    any = true;
    break;
  }
  if (!any) return;
  const planes = ngfControlPlanes(tx.state);
  if (planes.length === 0) return;
  // Leader election: one instance writes (the oldest pod).
  const cp = planes.reduce((a, b) => ((a.pod.metadata.creationTimestamp ?? "") <= (b.pod.metadata.creationTimestamp ?? "") ? a : b));
  const gc = objects(tx.state, "gatewayclasses")[cp.gatewayClass];
  if (!gc || !isRec(gc.spec) || gc.spec.controllerName !== cp.controllerName) return;
  const now = ctx.now;
  const gcConds = gatewayClassConditions(tx.state, gc);
  writeStatus(tx, "gatewayclasses", cp.gatewayClass, gc, { ...(gc.status as Rec | undefined), conditions: stamp(gcConds, (gc.status as Rec | undefined)?.conditions, generationOf(gc), now) });
  if (!gcConds.some((c) => c.type === "Accepted" && c.status === "True")) return;

  const ours = new Map<string, GenericObject>();
  const gateways = objects(tx.state, "gateways");
  for (const key in gateways) {
    const gw = gateways[key];
    if (isRec(gw.spec) && gw.spec.gatewayClassName === cp.gatewayClass && !gw.metadata.deletionTimestamp) ours.set(key, gw);
  }
  for (const gw of ours.values()) provision(tx, ctx, cp, gc, gw);
  deprovision(tx, ctx, cp);

  // Routes first: the listeners count what attached to them.
  const attached: Attachment[] = [];
  for (const [resource, kind] of ROUTE_KINDS) {
    const routes = objects(tx.state, resource);
    for (const key in routes) {
      const route = routes[key];
      const parents = routeParents(tx.state, route, kind, ours, attached);
      const others = recs((route.status as Rec | undefined)?.parents).filter((p) => p.controllerName !== NGF_CONTROLLER_NAME);
      if (parents.length === 0 && others.length === recs((route.status as Rec | undefined)?.parents).length) continue;
      const mine = parents.map(({ previous, ...p }) => ({ ...p, conditions: stamp(p.conditions as Condition[], previous, generationOf(route), now) }));
      writeStatus(tx, resource, key, route, { parents: [...others, ...mine] });
    }
  }

  for (const [key, gw] of ours) {
    const current = objects(tx.state, "gateways")[key] ?? gw;
    const namespace = gw.metadata.namespace ?? "default";
    const name = dataPlaneName(gw.metadata.name, cp.gatewayClass);
    // The status updater writes once the agent of a data-plane pod took the configuration.
    if (!dataPlaneReady(tx.state, namespace, name)) continue;
    const generation = generationOf(current);
    const previous = current.status as Rec | undefined;
    const addresses = gatewayAddresses(tx.state.services[objectKey(namespace, name)]);
    const programmed: Condition = addresses.length > 0 ? { type: "Programmed", status: "True", reason: "Programmed", message: "The Gateway is programmed" } : { type: "Programmed", status: "False", reason: "AddressNotAssigned", message: "No addresses have been assigned to the Gateway" };
    let conditions: Condition[] = [{ type: "Accepted", status: "True", reason: "Accepted", message: "The Gateway is accepted" }, programmed];
    let validListeners = 0;
    const listeners = listenersOf(current).map((l) => {
      const before = recs(previous?.listeners).find((p) => p.name === l.name)?.conditions;
      const check = checkListener(tx.state, current, l);
      let conds = check.conditions;
      if (check.valid) {
        validListeners++;
        // NewDefaultListenerConditions: ResolvedRefs True only where no ResolvedRefs condition is set.
        conds = dedupe([
          ...conds,
          { type: "Programmed", status: "True", reason: "Programmed", message: "The Listener is programmed" },
          { type: "Accepted", status: "True", reason: "Accepted", message: "The Listener is accepted" },
          ...(conds.some((c) => c.type === "ResolvedRefs") ? [] : [{ type: "ResolvedRefs", status: "True" as const, reason: "ResolvedRefs", message: "All references are resolved" }]),
          { type: "Conflicted", status: "False", reason: "NoConflicts", message: "No conflicts" },
        ]);
      }
      return { name: l.name, supportedKinds: listenerKinds(l).kinds, attachedRoutes: attached.filter((a) => a.gateway === key && a.listener === l.name).length, conditions: stamp(conds, before, generation, now) };
    });
    // prepareGatewayRequest: no valid listener, the Gateway is not accepted; some invalid, accepted with ListenersNotValid.
    if (listeners.length > 0 && validListeners === 0) {
      const msg = "The Gateway has no valid listeners";
      conditions = dedupe([...conditions, { type: "Accepted", status: "False", reason: "ListenersNotValid", message: msg }, { type: "Programmed", status: "False", reason: "Invalid", message: msg }]);
    } else if (validListeners < listeners.length) {
      conditions = dedupe([...conditions, { type: "Accepted", status: "True", reason: "ListenersNotValid", message: "The Gateway has at least one valid listener" }]);
    }
    writeStatus(tx, "gateways", key, current, { addresses, conditions: stamp(conditions, previous?.conditions, generation, now), listeners });
  }
}
