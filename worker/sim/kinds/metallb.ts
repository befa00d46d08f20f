// MetalLB's custom resources (metallb.io/v1beta1), as its CRDs serve them: IPAddressPool (the
// addresses the controller hands out) and L2Advertisement (which pools the speakers announce by
// ARP). Served once their CRDs are installed (metallb-native.yaml by URL), and from the start on a
// cluster built with the metallb profile (its bootstrap makes MetalLB's objects without the CRDs). The CRDs' schemas are what the API server checks; their additionalPrinterColumns are
// kubectl get's columns (no AGE: the CRDs do not list one), and kubectl describes them with the
// generic describer, as it does any custom resource.
import { invalid, type StatusCause } from "../cluster/api-status.ts";
import { fieldInvalid, fieldRequired, isDNS1123Subdomain } from "../cluster/field-errors.ts";
import type { ClusterState, GenericObject, ObjectMeta } from "../cluster/types.ts";
import { describeGeneric } from "../kubectl/printers/generic-describe.ts";
import { profileOf } from "../cluster/profile.ts";
import { isRecord } from "./templates.ts";
import type { KindDefinition } from "./types.ts";

export interface IPAddressPool extends GenericObject {
  apiVersion: "metallb.io/v1beta1";
  kind: "IPAddressPool";
  metadata: ObjectMeta;
  spec: { addresses: string[]; autoAssign?: boolean; avoidBuggyIPs?: boolean; [field: string]: unknown };
  status?: Record<string, unknown>;
}

export interface L2Advertisement extends GenericObject {
  apiVersion: "metallb.io/v1beta1";
  kind: "L2Advertisement";
  metadata: ObjectMeta;
  spec?: { ipAddressPools?: string[]; ipAddressPoolSelectors?: unknown[]; interfaces?: string[]; nodeSelectors?: unknown[]; [field: string]: unknown };
  status?: Record<string, unknown>;
}

/** A JSON list as the CRD's printer column (a JSONPath on a list) prints it: `["a","b"]`, or nothing. */
function jsonList(value: unknown): string {
  return Array.isArray(value) && value.length > 0 ? JSON.stringify(value) : "";
}

/** A cluster built with the metallb profile (sessions saved before profiles had it by default). */
const builtWithMetalLB = (state: ClusterState): boolean => profileOf(state).loadBalancer === "metallb";

const stringList = (value: unknown): string[] | undefined => (Array.isArray(value) ? value.map(String) : undefined);

function buildPool(sub: Record<string, unknown>, meta: ObjectMeta): { ok: true; obj: IPAddressPool } | { ok: false; causes: StatusCause[] } {
  const spec = isRecord(sub.spec) ? sub.spec : undefined;
  const causes: StatusCause[] = [];
  if (!spec) causes.push(fieldRequired("spec"));
  else if (spec.addresses === undefined) causes.push(fieldRequired("spec.addresses"));
  else if (!Array.isArray(spec.addresses)) {
    const type = spec.addresses === null ? "null" : typeof spec.addresses;
    causes.push(fieldInvalid("spec.addresses", type, `spec.addresses in body must be of type array: "${type}"`));
  }
  if (causes.length > 0 || !spec) return { ok: false, causes };
  const out: IPAddressPool["spec"] = { ...spec, addresses: stringList(spec.addresses)! };
  // The CRD's defaults (+kubebuilder:default).
  out.autoAssign = typeof spec.autoAssign === "boolean" ? spec.autoAssign : true;
  out.avoidBuggyIPs = typeof spec.avoidBuggyIPs === "boolean" ? spec.avoidBuggyIPs : false;
  return { ok: true, obj: { apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata: meta, spec: out } };
}

export const ipAddressPoolKind: KindDefinition = {
  kind: "IPAddressPool",
  group: "metallb.io",
  version: "v1beta1",
  plural: "ipaddresspools",
  singular: "ipaddresspool",
  shortNames: [],
  categories: [],
  namespaced: true,
  crd: "ipaddresspools.metallb.io",
  servedWithoutCrd: builtWithMetalLB,
  storage: { resource: "ipaddresspools" },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta) => {
      const built = buildPool(sub as unknown as Record<string, unknown>, meta);
      return built.ok ? { ok: true, obj: built.obj } : { ok: false, status: invalid("IPAddressPool", "metallb.io", meta.name, built.causes) };
    },
  },
  table: {
    columns: ["NAME", "AUTO ASSIGN", "AVOID BUGGY IPS", "ADDRESSES"],
    narrow: 4,
    row: (o) => {
      const pool = o as unknown as IPAddressPool;
      return [pool.metadata.name, String(pool.spec.autoAssign ?? true), String(pool.spec.avoidBuggyIPs ?? false), jsonList(pool.spec.addresses)];
    },
  },
  describe: (state, object, events) => describeGeneric(object as unknown as IPAddressPool, events, state.now),
};

export const l2AdvertisementKind: KindDefinition = {
  kind: "L2Advertisement",
  group: "metallb.io",
  version: "v1beta1",
  plural: "l2advertisements",
  singular: "l2advertisement",
  shortNames: [],
  categories: [],
  namespaced: true,
  crd: "l2advertisements.metallb.io",
  servedWithoutCrd: builtWithMetalLB,
  storage: { resource: "l2advertisements" },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta) => {
      const raw = sub as unknown as Record<string, unknown>;
      const adv: L2Advertisement = { apiVersion: "metallb.io/v1beta1", kind: "L2Advertisement", metadata: meta };
      if (isRecord(raw.spec)) adv.spec = { ...raw.spec };
      return { ok: true, obj: adv };
    },
  },
  table: {
    // NODE SELECTORS is a priority-10 column of the CRD: -o wide only.
    columns: ["NAME", "IPADDRESSPOOLS", "IPADDRESSPOOL SELECTORS", "INTERFACES", "NODE SELECTORS"],
    narrow: 4,
    row: (o) => {
      const adv = o as unknown as L2Advertisement;
      const spec = adv.spec ?? {};
      return [adv.metadata.name, jsonList(spec.ipAddressPools), jsonList(spec.ipAddressPoolSelectors), jsonList(spec.interfaces), jsonList(spec.nodeSelectors)];
    },
  },
  describe: (state, object, events) => describeGeneric(object as unknown as L2Advertisement, events, state.now),
};
