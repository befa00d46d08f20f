// LimitRange (core/v1): pkg/registry/core/limitrange with ValidateLimitRange (the min / max /
// default / defaultRequest / ratio checks with their messages, no defaults on type Pod, one
// item per type), printers.go printLimitRange (NAME CREATED AT) and describe.go
// describeLimitRange / DescribeLimitRanges. Go prints a limit's resources in map order; here
// they are sorted.
import { badRequest, invalid, type StatusCause } from "../cluster/api-status.ts";
import { fieldDuplicate, fieldForbidden, fieldInvalid, fieldRequired, isDNS1123Subdomain } from "../cluster/field-errors.ts";
import { parseQuantity } from "../cluster/quantity.ts";
import type { GenericObject, ObjectMeta } from "../cluster/types.ts";
import { PrefixWriter } from "../kubectl/printers/describe.ts";
import { decodeResourceList } from "./resource-quota.ts";
import { isRecord } from "./templates.ts";
import type { KindDefinition } from "./types.ts";

const LISTS = ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"] as const;
type ListName = (typeof LISTS)[number];

export interface LimitRangeItem {
  type: string;
  max?: Record<string, string>;
  min?: Record<string, string>;
  default?: Record<string, string>;
  defaultRequest?: Record<string, string>;
  maxLimitRequestRatio?: Record<string, string>;
}

export interface LimitRange extends GenericObject {
  apiVersion: "v1";
  kind: "LimitRange";
  metadata: ObjectMeta;
  spec: { limits: LimitRangeItem[] };
}

const milli = (text: string) => parseQuantity(text)!.milli;

function validateLimitRange(lr: LimitRange): StatusCause[] {
  const causes: StatusCause[] = [];
  const types = new Set<string>();
  lr.spec.limits.forEach((item, i) => {
    const at = `spec.limits[${i}]`;
    if (item.type === "") causes.push(fieldRequired(`${at}.type`));
    if (types.has(item.type)) causes.push(fieldDuplicate(`${at}.type`, item.type));
    types.add(item.type);
    if (item.type === "Pod") {
      if (Object.keys(item.default ?? {}).length > 0) causes.push(fieldForbidden(`${at}.default`, "may not be specified when `type` is 'Pod'"));
      if (Object.keys(item.defaultRequest ?? {}).length > 0) causes.push(fieldForbidden(`${at}.defaultRequest`, "may not be specified when `type` is 'Pod'"));
    }
    if (item.type === "PersistentVolumeClaim" && item.min?.storage === undefined && item.max?.storage === undefined) {
      causes.push(fieldRequired(`${at}.limits`, "either minimum or maximum storage value is required, but neither was provided"));
    }
    const keys = new Set(LISTS.flatMap((l) => Object.keys(item[l] ?? {})));
    for (const k of [...keys].sort()) {
      const [min, max, def, req, ratio] = [item.min?.[k], item.max?.[k], item.type === "Pod" ? undefined : item.default?.[k], item.type === "Pod" ? undefined : item.defaultRequest?.[k], item.maxLimitRequestRatio?.[k]];
      if (min !== undefined && max !== undefined && milli(min) > milli(max)) causes.push(fieldInvalid(`${at}.min[${k}]`, min, `min value ${min} is greater than max value ${max}`));
      if (req !== undefined && min !== undefined && milli(min) > milli(req)) causes.push(fieldInvalid(`${at}.defaultRequest[${k}]`, req, `min value ${min} is greater than default request value ${req}`));
      if (req !== undefined && max !== undefined && milli(req) > milli(max)) causes.push(fieldInvalid(`${at}.defaultRequest[${k}]`, req, `default request value ${req} is greater than max value ${max}`));
      if (req !== undefined && def !== undefined && milli(req) > milli(def)) causes.push(fieldInvalid(`${at}.defaultRequest[${k}]`, req, `default request value ${req} is greater than default limit value ${def}`));
      if (def !== undefined && min !== undefined && milli(min) > milli(def)) causes.push(fieldInvalid(`${at}.default[${k}]`, min, `min value ${min} is greater than default value ${def}`));
      if (def !== undefined && max !== undefined && milli(def) > milli(max)) causes.push(fieldInvalid(`${at}.default[${k}]`, max, `default value ${def} is greater than max value ${max}`));
      if (ratio !== undefined && milli(ratio) < 1000) causes.push(fieldInvalid(`${at}.maxLimitRequestRatio[${k}]`, ratio, `ratio ${ratio} is less than 1`));
    }
  });
  return causes;
}

/** describe.go describeLimitRangeSpec: a row per type and resource; `-` where a value is unset. */
function writeLimits(w: PrefixWriter, lr: LimitRange, prefix: string): void {
  for (const item of lr.spec.limits) {
    const keys = [...new Set(LISTS.flatMap((l) => Object.keys(item[l] ?? {})))].sort();
    for (const k of keys) {
      const cell = (l: ListName) => item[l]?.[k] ?? "-";
      w.write(0, `${prefix}${item.type}\t${k}\t${cell("min")}\t${cell("max")}\t${cell("defaultRequest")}\t${cell("default")}\t${cell("maxLimitRequestRatio")}\n`);
    }
  }
}

function describeLimitRange(lr: LimitRange): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${lr.metadata.name}\n`);
  w.write(0, `Namespace:\t${lr.metadata.namespace}\n`);
  w.write(0, "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n");
  w.write(0, "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n");
  writeLimits(w, lr, "");
  return w.flush();
}

/** describe.go DescribeLimitRanges: a namespace's limit ranges in one table. */
export function describeLimitRanges(w: PrefixWriter, ranges: readonly LimitRange[]): void {
  if (ranges.length === 0) {
    w.write(0, "No LimitRange resource.\n");
    return;
  }
  w.write(0, "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n");
  w.write(0, " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n");
  for (const lr of ranges) writeLimits(w, lr, " ");
}

export const limitRangeKind: KindDefinition = {
  kind: "LimitRange",
  group: "",
  version: "v1",
  plural: "limitranges",
  singular: "limitrange",
  shortNames: ["limits"],
  categories: [],
  namespaced: true,
  storage: { resource: "limitranges" },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta) => {
      const raw = sub as unknown as Record<string, unknown>;
      const spec = isRecord(raw.spec) ? raw.spec : {};
      const limits: LimitRangeItem[] = [];
      for (const entry of Array.isArray(spec.limits) ? spec.limits : []) {
        const src = isRecord(entry) ? entry : {};
        const item: LimitRangeItem = { type: typeof src.type === "string" ? src.type : "" };
        for (const l of LISTS) {
          const list = decodeResourceList(src[l]);
          if (!list.ok) return { ok: false, status: badRequest(`LimitRange in version "v1" cannot be handled as a LimitRange: ${list.error}`) };
          if (Object.keys(list.list).length > 0) item[l] = list.list;
        }
        limits.push(item);
      }
      const lr: LimitRange = { apiVersion: "v1", kind: "LimitRange", metadata: meta, spec: { limits } };
      const causes = validateLimitRange(lr);
      return causes.length ? { ok: false, status: invalid("LimitRange", "", meta.name, causes) } : { ok: true, obj: lr };
    },
  },
  table: {
    columns: ["NAME", "CREATED AT"],
    narrow: 2,
    row: (o) => [o.metadata.name, (o as unknown as LimitRange).metadata.creationTimestamp],
  },
  describe: (_state, object) => describeLimitRange(object as unknown as LimitRange),
};
