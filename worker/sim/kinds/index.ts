// The registry: every kind the playground's API server serves, in discovery order. The API
// server, kubectl's discovery, get, describe and the verbs over objects all go through this list;
// a new kind is its module and one line here.
import { listRecord } from "../cluster/listing.ts";
import { type StoreLocation, recordAt } from "../cluster/store.ts";
import type { ClusterState, KubeObject } from "../cluster/types.ts";
import type { AnyObject } from "../kubectl/printers/tables.ts";
import { configMapKind } from "./config-map.ts";
import { daemonSetKind } from "./daemon-set.ts";
import { CRD_RESOURCE, type CustomResourceDefinition, customResourceDefinitionKind } from "./custom-resource-definition.ts";
import { deploymentKind } from "./deployment.ts";
import { endpointSliceKind } from "./endpoint-slice.ts";
import { endpointsKind } from "./endpoints.ts";
import { eventKind } from "./event.ts";
import { leaseKind } from "./lease.ts";
import { nginxGatewayKind, nginxProxyKind } from "./nginx-gateway-fabric.ts";
import { backendTlsPolicyKind, gatewayClassKind, gatewayKind, grpcRouteKind, httpRouteKind, listenerSetKind, referenceGrantKind, tlsRouteKind } from "./gateway-api.ts";
import { ingressClassKind, ingressKind } from "./ingress.ts";
import { jobKind } from "./job.ts";
import { limitRangeKind } from "./limit-range.ts";
import { ipAddressPoolKind, l2AdvertisementKind } from "./metallb.ts";
import { namespaceKind } from "./namespace.ts";
import { networkPolicyKind } from "./network-policy.ts";
import { nodeKind } from "./node.ts";
import { persistentVolumeKind } from "./persistent-volume.ts";
import { persistentVolumeClaimKind } from "./persistent-volume-claim.ts";
import { podKind } from "./pod.ts";
import { clusterRoleBindingKind, clusterRoleKind, roleBindingKind, roleKind } from "./rbac.ts";
import { replicaSetKind } from "./replica-set.ts";
import { resourceQuotaKind } from "./resource-quota.ts";
import { secretKind } from "./secret.ts";
import { serviceKind } from "./service.ts";
import { serviceAccountKind } from "./service-account.ts";
import { statefulSetKind } from "./stateful-set.ts";
import { storageClassKind } from "./storage-class.ts";
import type { KindDefinition } from "./types.ts";
import { validatingAdmissionPolicyBindingKind, validatingAdmissionPolicyKind } from "./validating-admission-policy.ts";
import { validatingWebhookConfigurationKind } from "./validating-webhook-configuration.ts";

export type { KindDefinition } from "./types.ts";

export const kinds: readonly KindDefinition[] = [
  podKind,
  serviceKind,
  endpointsKind,
  endpointSliceKind,
  eventKind,
  nodeKind,
  namespaceKind,
  deploymentKind,
  replicaSetKind,
  daemonSetKind,
  statefulSetKind,
  jobKind,
  configMapKind,
  secretKind,
  serviceAccountKind,
  leaseKind,
  resourceQuotaKind,
  limitRangeKind,
  persistentVolumeClaimKind,
  persistentVolumeKind,
  networkPolicyKind,
  ingressKind,
  ingressClassKind,
  roleKind,
  roleBindingKind,
  clusterRoleKind,
  clusterRoleBindingKind,
  storageClassKind,
  ipAddressPoolKind,
  l2AdvertisementKind,
  validatingWebhookConfigurationKind,
  validatingAdmissionPolicyKind,
  validatingAdmissionPolicyBindingKind,
  customResourceDefinitionKind,
  backendTlsPolicyKind,
  gatewayClassKind,
  gatewayKind,
  grpcRouteKind,
  httpRouteKind,
  listenerSetKind,
  referenceGrantKind,
  tlsRouteKind,
  nginxGatewayKind,
  nginxProxyKind,
];

const byPlural = new Map(kinds.map((k) => [k.plural, k]));
const byKind = new Map(kinds.map((k) => [k.kind, k]));

/** The kind served under a resource name (`pods`), if any. */
export const kindByResource = (plural: string): KindDefinition | undefined => byPlural.get(plural);

/** The kind of an object's `kind` field (`Pod`), if served. */
export const kindByName = (kind: string): KindDefinition | undefined => byKind.get(kind);

/** True when the API server serves the kind now: always, or while the CRD that defines it is stored (or the cluster serves it without). */
export function kindServed(state: ClusterState, def: KindDefinition): boolean {
  if (def.crd === undefined) return true;
  const crds = state.objects?.[CRD_RESOURCE];
  return (crds !== undefined && Object.hasOwn(crds, def.crd)) || def.servedWithoutCrd?.(state) === true;
}

/** `v1`, `apps/v1`. */
export const apiVersionOfKind = (def: KindDefinition): string => (def.group === "" ? def.version : `${def.group}/${def.version}`);

/**
 * True when a client may write the kind in that apiVersion: the kind's own, or for a kind served by a
 * CRD any other version the installed CRD serves (ReferenceGrant's v1 beside v1beta1 from the Gateway
 * API v1.5 on, HTTPRoute's v1beta1). The CRDs' versions share one schema (conversion None), so the
 * object is stored as the kind's version.
 */
export function servesApiVersion(state: ClusterState, def: KindDefinition, apiVersion: string): boolean {
  if (apiVersion === apiVersionOfKind(def)) return true;
  if (def.crd === undefined || !apiVersion.startsWith(`${def.group}/`)) return false;
  const crds = state.objects?.[CRD_RESOURCE];
  const crd = crds !== undefined && Object.hasOwn(crds, def.crd) ? (crds[def.crd] as unknown as CustomResourceDefinition) : undefined;
  const version = apiVersion.slice(def.group.length + 1);
  return crd?.spec.versions.some((v) => v.name === version && v.served) === true;
}

const NO_OBJECTS: Record<string, KubeObject> = Object.freeze({}) as Record<string, KubeObject>;

/** Where a stored kind's objects live; undefined for derived kinds. */
export function storeLocation(def: KindDefinition): StoreLocation | undefined {
  return "derived" in def.storage ? undefined : def.storage;
}

/** The stored objects of a kind (empty for derived kinds and absent collections). */
export function storedObjects(state: ClusterState, def: KindDefinition): Record<string, KubeObject> {
  const at = storeLocation(def);
  return at ? recordAt(state, at) : NO_OBJECTS;
}

export function storageKey(def: KindDefinition, namespace: string | undefined, name: string): string {
  return def.namespaced ? `${namespace ?? "default"}/${name}` : name;
}

/** GET: one object of a kind. */
export function readKind(state: ClusterState, def: KindDefinition, namespace: string | undefined, name: string): AnyObject | undefined {
  if ("derived" in def.storage) return def.storage.derived.get(state, namespace ?? "default", name);
  const record = storedObjects(state, def);
  const key = storageKey(def, namespace, name);
  if (!Object.hasOwn(record, key)) return undefined;
  const object = record[key] as AnyObject;
  return def.readAt ? def.readAt(object, state.now) : object;
}

/** LIST: the objects of a kind in a namespace (all when undefined), in the API server's order. */
export function listKind(state: ClusterState, def: KindDefinition, namespace: string | undefined): AnyObject[] {
  if ("derived" in def.storage) return def.storage.derived.list(state, def.namespaced ? namespace : undefined);
  const objects = listRecord(state, storedObjects(state, def), def.namespaced, namespace) as AnyObject[];
  const readAt = def.readAt;
  return readAt ? objects.map((o) => readAt(o, state.now)) : objects;
}
