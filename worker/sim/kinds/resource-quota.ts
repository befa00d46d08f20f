// ResourceQuota (core/v1): pkg/registry/core/resourcequota/strategy.go with
// ValidateResourceQuota (standard quota resource names, non-negative and, for counts, integer
// quantities), printers.go printResourceQuota (NAME AGE REQUEST LIMIT from status) and describe.go
// describeQuota / DescribeResourceQuotas. The status (hard and used) is the resource quota
// controller's (cluster/resource-quota-controller.ts); the spec keeps quantities canonical, as
// the API server stores them.
import { badRequest, invalid, type StatusCause } from "../cluster/api-status.ts";
import { fieldInvalid, fieldNotSupported, isDNS1123Subdomain } from "../cluster/field-errors.ts";
import { formatQuantity, parseQuantity } from "../cluster/quantity.ts";
import type { GenericObject, ObjectMeta } from "../cluster/types.ts";
import { PrefixWriter } from "../kubectl/printers/describe.ts";
import { age } from "../kubectl/printers/duration.ts";
import { isRecord } from "./templates.ts";
import type { KindDefinition } from "./types.ts";

export interface ResourceQuota extends GenericObject {
  apiVersion: "v1";
  kind: "ResourceQuota";
  metadata: ObjectMeta;
  spec: { hard?: Record<string, string>; scopes?: string[] };
  status: { hard?: Record<string, string>; used?: Record<string, string> };
}

/** pkg/apis/core/helper standardQuotaResources. */
const STANDARD_QUOTA = new Set([
  "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage", "requests.ephemeral-storage",
  "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "services", "replicationcontrollers", "resourcequotas",
  "secrets", "persistentvolumeclaims", "configmaps", "services.nodeports", "services.loadbalancers",
]);
/** standardIntegerResources: counted objects, whole numbers only. */
const INTEGER_RESOURCES = new Set(["pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims", "services.nodeports", "services.loadbalancers"]);
const SCOPES = ["Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity", "VolumeAttributesClass"];

export const QUANTITY_PATTERN_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const isStandardQuotaName = (name: string) => STANDARD_QUOTA.has(name) || name.startsWith("hugepages-") || name.startsWith("requests.hugepages-");

/** A resource list as the API decodes it: canonical quantities, or the decoding error. */
export function decodeResourceList(value: unknown): { ok: true; list: Record<string, string> } | { ok: false; error: string } {
  const list: Record<string, string> = {};
  if (!isRecord(value)) return { ok: true, list };
  for (const key of Object.keys(value).sort()) {
    const q = parseQuantity(value[key]);
    if (!q) return { ok: false, error: QUANTITY_PATTERN_ERROR };
    list[key] = formatQuantity(q);
  }
  return { ok: true, list };
}

function validateResourceQuota(rq: ResourceQuota): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [name, value] of Object.entries(rq.spec.hard ?? {})) {
    const field = `spec.hard[${name}]`;
    if (!name.includes("/") && !isStandardQuotaName(name)) causes.push(fieldInvalid(field, name, "must be a standard resource for quota"));
    const q = parseQuantity(value)!;
    if (q.milli < 0) causes.push(fieldInvalid(field, value, "must be greater than or equal to 0"));
    if (INTEGER_RESOURCES.has(name) && q.milli % 1000 !== 0) causes.push(fieldInvalid(field, value, "must be an integer"));
  }
  (rq.spec.scopes ?? []).forEach((scope, i) => {
    if (!SCOPES.includes(scope)) causes.push(fieldNotSupported(`spec.scopes[${i}]`, scope, SCOPES));
  });
  return causes;
}

/** Go's sort of resource names (SortableResourceNames: by string). */
const sortedNames = (list: Record<string, string> | undefined) => Object.keys(list ?? {}).sort();

/** Used in the hard value's format, as describeQuota prints it (a count stays a count). */
const usedText = (rq: ResourceQuota, name: string) => rq.status.used?.[name] ?? "0";

function describeQuota(rq: ResourceQuota): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${rq.metadata.name}\n`);
  w.write(0, `Namespace:\t${rq.metadata.namespace}\n`);
  writeScopes(w, rq, 0, " * ");
  w.write(0, "Resource\tUsed\tHard\n");
  w.write(0, "--------\t----\t----\n");
  for (const name of sortedNames(rq.status.hard)) w.write(0, `${name}\t${usedText(rq, name)}\t${rq.status.hard![name]}\n`);
  return w.flush();
}

const SCOPE_HELP: Record<string, string> = {
  Terminating: "Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.",
  NotTerminating: "Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.",
  BestEffort: "Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.",
  NotBestEffort: "Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.",
};

function writeScopes(w: PrefixWriter, rq: ResourceQuota, level: number, bullet: string): void {
  const scopes = [...(rq.spec.scopes ?? [])].sort();
  if (scopes.length === 0) return;
  w.write(level, `Scopes:\t${scopes.join(", ")}\n`);
  for (const scope of scopes) if (SCOPE_HELP[scope]) w.write(level, `${bullet}${SCOPE_HELP[scope]}\n`);
}

/** describe.go DescribeResourceQuotas: a namespace's quotas merged into one section. */
export function describeResourceQuotas(w: PrefixWriter, quotas: readonly ResourceQuota[]): void {
  if (quotas.length === 0) {
    w.write(0, "No resource quota.\n");
    return;
  }
  w.write(0, "Resource Quotas\n");
  for (const q of [...quotas].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    w.write(1, `Name:\t${q.metadata.name}\n`);
    writeScopes(w, q, 1, "* ");
    w.write(1, "Resource\tUsed\tHard\n");
    w.write(1, "--------\t---\t---\n");
    for (const name of sortedNames(q.status.hard)) w.write(1, `${name}\t${usedText(q, name)}\t${q.status.hard![name]}\n`);
  }
}

export const resourceQuotaKind: KindDefinition = {
  kind: "ResourceQuota",
  group: "",
  version: "v1",
  plural: "resourcequotas",
  singular: "resourcequota",
  shortNames: ["quota"],
  categories: [],
  namespaced: true,
  storage: { resource: "resourcequotas" },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta, _ctx, old) => {
      const raw = sub as unknown as Record<string, unknown>;
      const spec = isRecord(raw.spec) ? raw.spec : {};
      const hard = decodeResourceList(spec.hard);
      if (!hard.ok) return { ok: false, status: badRequest(`ResourceQuota in version "v1" cannot be handled as a ResourceQuota: ${hard.error}`) };
      const rq: ResourceQuota = { apiVersion: "v1", kind: "ResourceQuota", metadata: meta, spec: {}, status: {} };
      if (Object.keys(hard.list).length > 0) rq.spec.hard = hard.list;
      if (Array.isArray(spec.scopes) && spec.scopes.length > 0) rq.spec.scopes = spec.scopes.map(String);
      // The status is the controller's (its own subresource): an update keeps it.
      if (old) rq.status = (old as ResourceQuota).status;
      const causes = validateResourceQuota(rq);
      return causes.length ? { ok: false, status: invalid("ResourceQuota", "", meta.name, causes) } : { ok: true, obj: rq };
    },
  },
  table: {
    columns: ["NAME", "AGE", "REQUEST", "LIMIT"],
    narrow: 4,
    row: (o, now) => {
      const rq = o as unknown as ResourceQuota;
      const request: string[] = [];
      const limit: string[] = [];
      for (const name of sortedNames(rq.status.hard)) {
        (name.split(".").length > 1 && name.split(".")[0] === "limits" ? limit : request).push(`${name}: ${usedText(rq, name)}/${rq.status.hard![name]}`);
      }
      return [rq.metadata.name, age(rq.metadata.creationTimestamp, now), request.join(", "), limit.join(", ")];
    },
  },
  describe: (_state, object) => describeQuota(object as unknown as ResourceQuota),
};
