// What ingress-nginx's controller does to the API besides serving traffic: which Ingresses it takes
// (its IngressClass, controller k8s.io/ingress-nginx, or the old class annotation), and its status
// sync (internal/ingress/status/status.go), which every UpdateInterval (60 s, and once at start)
// writes the controller's addresses into status.loadBalancer.ingress of those Ingresses:
// the publish Service's load-balancer addresses with --publish-service (the cloud manifest), else
// the InternalIP of each node a ready controller pod runs on (ExternalIP when the node has one).
// The store's handler records "Scheduled for sync" on each Ingress it sees created or changed
// (recorded here when the status is written, both times, so replays give the same events).

import type { Ingress, IngressClass } from "../kinds/ingress.ts";
import { recordEvent, involvedObject } from "./events.ts";
import { findImage } from "./images.ts";
import { flagValue, serverArgs } from "./process.ts";
import { nextResourceVersion, putAt } from "./store.ts";
import { perRecord, type Tx } from "./tx.ts";
import type { ClusterState, Pod } from "./types.ts";

export const INGRESS_NGINX_CONTROLLER_CLASS = "k8s.io/ingress-nginx";
const STATUS_SYNC_MS = 60_000;
const SOURCE = { component: "nginx-ingress-controller" };
const DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

export interface IngressNginxController {
  pod: Pod;
  key: string;
  /** The container running /nginx-ingress-controller and when it started (ms). */
  container: string;
  startedAt: number;
  ready: boolean;
  /** --ingress-class (the annotation value it takes) and --publish-service, as its flags give them. */
  ingressClass: string;
  publishService?: string;
}

/** The running ingress-nginx controller pods (few; found by their image). */
export function ingressNginxControllers(state: ClusterState): readonly IngressNginxController[] {
  return controllersOf(state.pods);
}

// A scan of every pod's containers (~300 us at 300 pods), asked on each reconcile pass and for the
// next due time while an Ingress exists: kept per pods record until the pods change.
const controllersOf = perRecord((pods: Record<string, Pod>): IngressNginxController[] => {
  const out: IngressNginxController[] = [];
  for (const key in pods) {
    const pod = pods[key];
    if (pod.status.phase !== "Running") continue;
    for (const c of pod.spec.containers) {
      if (findImage(c.image)?.server?.kind !== "ingress-nginx") continue;
      const status = pod.status.containerStatuses?.find((s) => s.name === c.name);
      const started = status?.state.running?.startedAt;
      if (!started) continue;
      const args = serverArgs(c);
      const namespace = pod.metadata.namespace ?? "default";
      const publish = flagValue(args, "publish-service")?.replace("$(POD_NAMESPACE)", namespace);
      out.push({
        pod,
        key,
        container: c.name,
        startedAt: Date.parse(started),
        ready: pod.status.conditions?.some((cond) => cond.type === "Ready" && cond.status === "True") === true,
        ingressClass: flagValue(args, "ingress-class") ?? "nginx",
        ...(publish ? { publishService: publish } : {}),
      });
    }
  }
  return out;
});

function ingresses(state: ClusterState): Record<string, Ingress> {
  return (state.objects?.ingresses ?? {}) as Record<string, Ingress>;
}

/** Whether ingress-nginx takes this Ingress: its class names an IngressClass of the controller, or the annotation says nginx. */
export function servedByIngressNginx(state: ClusterState, ing: Ingress, annotationClass = "nginx"): boolean {
  const classes = (state.objects?.ingressclasses ?? {}) as Record<string, IngressClass>;
  const name = ing.spec.ingressClassName;
  if (name !== undefined) return classes[name]?.spec.controller === INGRESS_NGINX_CONTROLLER_CLASS;
  const annotation = ing.metadata.annotations?.["kubernetes.io/ingress.class"];
  if (annotation !== undefined) return annotation === annotationClass;
  // No class: the admission plugin would have set the default class's name; an IngressClass of ours marked default takes it.
  return Object.values(classes).some((c) => c.spec.controller === INGRESS_NGINX_CONTROLLER_CLASS && c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true");
}

/** The addresses the status sync writes (runningAddresses). */
function runningAddresses(state: ClusterState, controllers: readonly IngressNginxController[]): Array<{ ip: string }> {
  const out: Array<{ ip: string }> = [];
  const add = (ip: string | undefined) => {
    if (ip && !out.some((a) => a.ip === ip)) out.push({ ip });
  };
  for (const c of controllers) {
    if (c.publishService) {
      for (const lb of state.services[c.publishService]?.status?.loadBalancer?.ingress ?? []) add(lb.ip);
      continue;
    }
    if (!c.ready || !c.pod.spec.nodeName) continue;
    const addresses = state.nodes[c.pod.spec.nodeName]?.status.addresses ?? [];
    const external = addresses.filter((a) => a.type === "ExternalIP");
    for (const a of external.length ? external : addresses.filter((a) => a.type === "InternalIP")) add(a.address);
  }
  return out;
}

/** The last status-sync tick at or before `now` of the controller started at `startedAt`. */
function lastTick(startedAt: number, now: number): number {
  return startedAt + Math.floor((now - startedAt) / STATUS_SYNC_MS) * STATUS_SYNC_MS;
}

function sameAddresses(a: ReadonlyArray<{ ip?: string }> | undefined, b: ReadonlyArray<{ ip: string }>): boolean {
  return (a?.length ?? 0) === b.length && b.every((x, i) => a![i].ip === x.ip);
}

export function ingressNginxStatusController(tx: Tx, now: number): void {
  const all = ingresses(tx.state);
  let any = false;
  for (const _ in all) {
    any = true;
    break;
  }
  if (!any) return;
  const controllers = ingressNginxControllers(tx.state);
  if (controllers.length === 0) return;
  const leader = controllers.reduce((a, b) => (b.startedAt < a.startedAt ? b : a));
  const tick = lastTick(leader.startedAt, now);
  const addresses = runningAddresses(tx.state, controllers);
  for (const key in all) {
    const ing = all[key];
    if (!servedByIngressNginx(tx.state, ing, leader.ingressClass)) continue;
    if (Date.parse(ing.metadata.creationTimestamp) > tick) continue;
    if (sameAddresses(ing.status?.loadBalancer?.ingress, addresses)) continue;
    const first = !ing.status?.loadBalancer?.ingress?.length;
    const next: Ingress = { ...ing, metadata: { ...ing.metadata, resourceVersion: nextResourceVersion(tx) }, status: { loadBalancer: addresses.length ? { ingress: addresses } : {} } };
    putAt(tx, { resource: "ingresses" }, key, next);
    // The store's handler saw the Ingress when it was created (or the controller started), and again after the status update.
    if (first) recordEvent(tx, involvedObject(ing), "Normal", "Sync", "Scheduled for sync", SOURCE, Math.max(Date.parse(ing.metadata.creationTimestamp), leader.startedAt));
    recordEvent(tx, involvedObject(next), "Normal", "Sync", "Scheduled for sync", SOURCE, tick);
  }
}

/** When the next status sync is due, while an Ingress it serves lacks the addresses it would write. */
export function ingressNginxDueAt(state: ClusterState): number | undefined {
  const all = ingresses(state);
  let any = false;
  for (const _ in all) {
    any = true;
    break;
  }
  if (!any) return undefined;
  const controllers = ingressNginxControllers(state);
  if (controllers.length === 0) return undefined;
  const leader = controllers.reduce((a, b) => (b.startedAt < a.startedAt ? b : a));
  const addresses = runningAddresses(state, controllers);
  for (const key in all) {
    const ing = all[key];
    if (!sameAddresses(ing.status?.loadBalancer?.ingress, addresses) && servedByIngressNginx(state, ing, leader.ingressClass)) {
      return lastTick(leader.startedAt, Math.max(state.now, Date.parse(ing.metadata.creationTimestamp))) + STATUS_SYNC_MS;
    }
  }
  return undefined;
}
