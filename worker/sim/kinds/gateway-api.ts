// The Gateway API's standard channel (gateway.networking.k8s.io), served once its CRDs are
// installed (standard-install.yaml of kubernetes-sigs/gateway-api). Columns are the CRDs'
// additionalPrinterColumns; the CEL rules checked here are the CRDs' x-kubernetes-validations
// that a hand-written manifest most often breaks, with the CRDs' own messages.
import type { StatusCause } from "../cluster/api-status.ts";
import { fieldInvalid } from "../cluster/field-errors.ts";
import type { GenericObject } from "../cluster/types.ts";
import type { AnyObject } from "../kubectl/printers/tables.ts";
import { age } from "../kubectl/printers/duration.ts";
import { customResourceKind } from "./custom-resource.ts";
import { isRecord } from "./templates.ts";
import type { KindDefinition } from "./types.ts";

export const GATEWAY_GROUP = "gateway.networking.k8s.io";

const records = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter(isRecord) : []);
const specOf = (o: AnyObject | GenericObject): Record<string, unknown> => (isRecord((o as GenericObject).spec) ? ((o as GenericObject).spec as Record<string, unknown>) : {});

/** `.status.conditions[?(@.type=="T")].status`: the first such condition's status, or nothing. */
export function conditionStatus(o: AnyObject | GenericObject, type: string): string {
  const status = (o as GenericObject).status;
  const found = records(isRecord(status) ? status.conditions : undefined).find((c) => c.type === type);
  return found ? String(found.status ?? "") : "";
}

/** A list printed by a string column (a JSONPath on a list): `["a","b"]`, or nothing. */
function jsonList(value: unknown): string {
  return Array.isArray(value) && value.length > 0 ? JSON.stringify(value) : "";
}

/** A CEL rule's failure as apiextensions reports it: the value's type, then the rule's message. */
const celFailure = (path: string, value: unknown, message: string): StatusCause =>
  fieldInvalid(path, Array.isArray(value) ? "array" : isRecord(value) ? "object" : typeof value, message);

export const gatewayClassKind: KindDefinition = customResourceKind({
  kind: "GatewayClass",
  group: GATEWAY_GROUP,
  version: "v1",
  plural: "gatewayclasses",
  singular: "gatewayclass",
  shortNames: ["gc"],
  categories: ["gateway-api"],
  namespaced: false,
  table: {
    columns: ["NAME", "CONTROLLER", "ACCEPTED", "AGE", "DESCRIPTION"],
    narrow: 4,
    row: (o, now) => {
      const spec = specOf(o);
      return [o.metadata.name, String(spec.controllerName ?? ""), conditionStatus(o, "Accepted"), age(o.metadata.creationTimestamp, now), typeof spec.description === "string" ? spec.description : ""];
    },
  },
  extraCauses: (obj, old) => {
    const before = old ? specOf(old).controllerName : undefined;
    const after = specOf(obj).controllerName;
    return old && before !== after ? [celFailure("spec.controllerName", after, "Value is immutable")] : [];
  },
});

export const gatewayKind: KindDefinition = customResourceKind({
  kind: "Gateway",
  group: GATEWAY_GROUP,
  version: "v1",
  plural: "gateways",
  singular: "gateway",
  shortNames: ["gtw"],
  categories: ["gateway-api"],
  namespaced: true,
  table: {
    columns: ["NAME", "CLASS", "ADDRESS", "PROGRAMMED", "AGE"],
    narrow: 5,
    row: (o, now) => {
      const status = (o as GenericObject).status;
      // A printer column takes the JSONPath's first result: the first address.
      const first = records(isRecord(status) ? status.addresses : undefined)[0];
      return [o.metadata.name, String(specOf(o).gatewayClassName ?? ""), first ? String(first.value ?? "") : "", conditionStatus(o, "Programmed"), age(o.metadata.creationTimestamp, now)];
    },
  },
  extraCauses: (obj) => {
    const listeners = specOf(obj).listeners;
    const list = records(listeners);
    const causes: StatusCause[] = [];
    if (list.some((l) => ["HTTP", "TCP", "UDP"].includes(String(l.protocol)) && l.tls !== undefined)) causes.push(celFailure("spec.listeners", listeners, "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']"));
    if (list.some((l) => l.protocol === "HTTPS" && isRecord(l.tls) && l.tls.mode !== "" && l.tls.mode !== "Terminate" && l.tls.mode !== undefined)) causes.push(celFailure("spec.listeners", listeners, "tls mode must be Terminate for protocol HTTPS"));
    if (list.some((l1) => list.filter((l2) => l1.name === l2.name).length !== 1)) causes.push(celFailure("spec.listeners", listeners, "Listener name must be unique within the Gateway"));
    const same = (a: Record<string, unknown>, b: Record<string, unknown>) => a.port === b.port && a.protocol === b.protocol && (a.hostname ?? "") === (b.hostname ?? "");
    if (list.some((l1) => list.filter((l2) => same(l1, l2)).length !== 1)) causes.push(celFailure("spec.listeners", listeners, "Combination of port, protocol and hostname must be unique for each listener"));
    return causes;
  },
});

/** HTTPRoute's rules: the path rules and the backendRef rule most often met. */
function httpRouteCauses(obj: GenericObject): StatusCause[] {
  const causes: StatusCause[] = [];
  records(specOf(obj).rules).forEach((rule, r) => {
    const backendRefs = records(rule.backendRefs);
    if (backendRefs.length > 0 && records(rule.filters).some((f) => f.requestRedirect !== undefined)) causes.push(celFailure(`spec.rules[${r}]`, rule, "RequestRedirect filter must not be used together with backendRefs"));
    records(rule.matches).forEach((match, m) => {
      const path = isRecord(match.path) ? match.path : undefined;
      if (path && (path.type === "Exact" || path.type === "PathPrefix") && typeof path.value === "string" && !path.value.startsWith("/")) {
        causes.push(celFailure(`spec.rules[${r}].matches[${m}].path`, path, "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']"));
      }
    });
    backendRefs.forEach((ref, b) => {
      if ((ref.group ?? "") === "" && (ref.kind ?? "Service") === "Service" && ref.port === undefined) causes.push(celFailure(`spec.rules[${r}].backendRefs[${b}]`, ref, "Must have port for Service reference"));
    });
  });
  return causes;
}

const routeTable = {
  columns: ["NAME", "HOSTNAMES", "AGE"],
  narrow: 3,
  row: (o: AnyObject, now: number) => [o.metadata.name, jsonList(specOf(o).hostnames), age(o.metadata.creationTimestamp, now)],
};

const ageTable = { columns: ["NAME", "AGE"], narrow: 2, row: (o: AnyObject, now: number) => [o.metadata.name, age(o.metadata.creationTimestamp, now)] };

export const httpRouteKind: KindDefinition = customResourceKind({
  kind: "HTTPRoute",
  group: GATEWAY_GROUP,
  version: "v1",
  plural: "httproutes",
  singular: "httproute",
  shortNames: [],
  categories: ["gateway-api"],
  namespaced: true,
  table: routeTable,
  extraCauses: httpRouteCauses,
});

export const grpcRouteKind: KindDefinition = customResourceKind({
  kind: "GRPCRoute",
  group: GATEWAY_GROUP,
  version: "v1",
  plural: "grpcroutes",
  singular: "grpcroute",
  shortNames: [],
  categories: ["gateway-api"],
  namespaced: true,
  table: routeTable,
});

export const tlsRouteKind: KindDefinition = customResourceKind({
  kind: "TLSRoute",
  group: GATEWAY_GROUP,
  version: "v1",
  plural: "tlsroutes",
  singular: "tlsroute",
  shortNames: [],
  categories: ["gateway-api"],
  namespaced: true,
  table: ageTable,
});

/** ListenerSet (standard channel from v1.5.0): listeners attached to a Gateway from other objects. */
export const listenerSetKind: KindDefinition = customResourceKind({
  kind: "ListenerSet",
  group: GATEWAY_GROUP,
  version: "v1",
  plural: "listenersets",
  singular: "listenerset",
  shortNames: ["lset"],
  categories: ["gateway-api"],
  namespaced: true,
  table: {
    columns: ["NAME", "ACCEPTED", "PROGRAMMED", "AGE"],
    narrow: 4,
    row: (o, now) => [o.metadata.name, conditionStatus(o, "Accepted"), conditionStatus(o, "Programmed"), age(o.metadata.creationTimestamp, now)],
  },
});

export const referenceGrantKind: KindDefinition = customResourceKind({
  kind: "ReferenceGrant",
  group: GATEWAY_GROUP,
  version: "v1beta1",
  plural: "referencegrants",
  singular: "referencegrant",
  shortNames: ["refgrant"],
  categories: ["gateway-api"],
  namespaced: true,
  table: ageTable,
});

export const backendTlsPolicyKind: KindDefinition = customResourceKind({
  kind: "BackendTLSPolicy",
  group: GATEWAY_GROUP,
  version: "v1",
  plural: "backendtlspolicies",
  singular: "backendtlspolicy",
  shortNames: ["btlspolicy"],
  categories: ["gateway-api"],
  namespaced: true,
  table: ageTable,
});
