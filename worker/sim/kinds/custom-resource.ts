// Kinds served by a CustomResourceDefinition: the API server validates and defaults their objects
// with the stored CRD's openAPIV3Schema (structural schema: type, required, enum, pattern, bounds,
// defaults; unknown fields pruned), keeps status for the status subresource (a client's create or
// update never sets it; the schema's status default is applied as on any read of a new object),
// and prints the CRD's additionalPrinterColumns. CEL rules (x-kubernetes-validations) are not
// evaluated generically; a kind checks the ones learners meet itself (`extraCauses`).
import { invalid, type StatusCause } from "../cluster/api-status.ts";
import { fieldInvalid, fieldNotSupported, fieldRequired, isDNS1123Subdomain } from "../cluster/field-errors.ts";
import type { ClusterState, GenericObject, ObjectMeta } from "../cluster/types.ts";
import { describeGeneric } from "../kubectl/printers/generic-describe.ts";
import type { TableDefinition } from "../kubectl/printers/tables.ts";
import { CRD_RESOURCE, type CustomResourceDefinition } from "./custom-resource-definition.ts";
import { isRecord } from "./templates.ts";
import type { KindDefinition } from "./types.ts";

type Schema = Record<string, unknown>;

/** The stored CRD of that name, if installed. */
export function installedCrd(state: ClusterState, name: string): CustomResourceDefinition | undefined {
  const record = state.objects?.[CRD_RESOURCE];
  return record && Object.hasOwn(record, name) ? (record[name] as unknown as CustomResourceDefinition) : undefined;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeMatches(schema: Schema, value: unknown): boolean {
  if (schema["x-kubernetes-int-or-string"] === true) return typeof value === "string" || (typeof value === "number" && Number.isInteger(value));
  switch (schema.type) {
    case "object": return isRecord(value);
    case "array": return Array.isArray(value);
    case "string": return typeof value === "string";
    case "boolean": return typeof value === "boolean";
    case "integer": return typeof value === "number" && Number.isInteger(value);
    case "number": return typeof value === "number";
    default: return true;
  }
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * The value as the API server stores it (defaults applied, unknown fields pruned) and the schema's
 * complaints, in kube-openapi's words as apiextensions reports them.
 */
export function checkSchema(value: unknown, schema: Schema, path: string, causes: StatusCause[]): unknown {
  if (value === null && schema.nullable === true) return value;
  if (!typeMatches(schema, value)) {
    const actual = typeName(value);
    causes.push(fieldInvalid(path, actual, `${path} in body must be of type ${String(schema.type)}: "${actual}"`));
    return value;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === value)) {
    causes.push(fieldNotSupported(path, value, schema.enum.map(String)));
  }
  if (typeof value === "string") {
    if (typeof schema.maxLength === "number" && value.length > schema.maxLength) causes.push({ field: path, message: `Too long: may not be more than ${schema.maxLength} bytes` });
    if (typeof schema.minLength === "number" && value.length < schema.minLength) causes.push(fieldInvalid(path, value, `${path} in body should be at least ${schema.minLength} chars long`));
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) causes.push(fieldInvalid(path, value, `${path} in body should match '${schema.pattern}'`));
    return value;
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) causes.push(fieldInvalid(path, value, `${path} in body should be greater than or equal to ${schema.minimum}`));
    if (typeof schema.maximum === "number" && value > schema.maximum) causes.push(fieldInvalid(path, value, `${path} in body should be less than or equal to ${schema.maximum}`));
    return value;
  }
  if (Array.isArray(value)) {
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems) causes.push({ field: path, message: `Too many: ${value.length}: must have at most ${schema.maxItems} items` });
    if (typeof schema.minItems === "number" && value.length < schema.minItems) causes.push(fieldInvalid(path, value.length, `${path} in body should have at least ${schema.minItems} items`));
    const items = isRecord(schema.items) ? schema.items : undefined;
    return items ? value.map((item, i) => checkSchema(item, items, `${path}[${i}]`, causes)) : value;
  }
  if (isRecord(value)) {
    if (schema["x-kubernetes-preserve-unknown-fields"] === true) return value;
    const properties = isRecord(schema.properties) ? (schema.properties as Record<string, Schema>) : undefined;
    const additional = isRecord(schema.additionalProperties) ? (schema.additionalProperties as Schema) : undefined;
    const out: Record<string, unknown> = {};
    const at = (key: string) => (path === "" ? key : `${path}.${key}`);
    if (properties) {
      for (const [key, sub] of Object.entries(properties)) {
        if (value[key] === undefined && sub.default !== undefined) out[key] = clone(sub.default);
      }
    }
    for (const [key, item] of Object.entries(value)) {
      const sub = properties?.[key] ?? additional;
      if (!sub) continue; // pruned: not in the structural schema
      out[key] = checkSchema(item, sub, at(key), causes);
    }
    // Defaults inside defaulted objects (a defaulted `{}` gets its own fields' defaults).
    if (properties) {
      for (const [key, sub] of Object.entries(properties)) {
        if (value[key] === undefined && out[key] !== undefined && isRecord(out[key])) out[key] = checkSchema(out[key], sub, at(key), []);
      }
    }
    const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    for (const key of required) if (out[key] === undefined) causes.push(fieldRequired(at(key)));
    return out;
  }
  return value;
}

export interface CustomResourceOptions {
  kind: string;
  group: string;
  version: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
  categories: readonly string[];
  namespaced: boolean;
  table: TableDefinition;
  /** The CEL rules of the CRD this kind checks itself (x-kubernetes-validations messages). */
  extraCauses?(object: GenericObject, old: GenericObject | undefined): StatusCause[];
}

/** A registry kind served by its CRD (named `plural.group`). */
export function customResourceKind(o: CustomResourceOptions): KindDefinition {
  const crdName = `${o.plural}.${o.group}`;
  return {
    kind: o.kind,
    group: o.group,
    version: o.version,
    plural: o.plural,
    singular: o.singular,
    shortNames: o.shortNames,
    categories: o.categories,
    namespaced: o.namespaced,
    crd: crdName,
    storage: { resource: o.plural },
    strategy: {
      validateName: isDNS1123Subdomain,
      build: (tx, sub, meta, _ctx, old) => {
        const crd = installedCrd(tx.state, crdName);
        const version = crd?.spec.versions.find((v) => v.name === o.version);
        const root = (version?.schema?.openAPIV3Schema ?? {}) as Schema;
        const rootProps = (isRecord(root.properties) ? root.properties : {}) as Record<string, Schema>;
        const raw = sub as unknown as Record<string, unknown>;
        const causes: StatusCause[] = [];
        const body: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(raw)) {
          if (key === "apiVersion" || key === "kind" || key === "metadata" || key === "status") continue;
          if (rootProps[key]) body[key] = checkSchema(value, rootProps[key], key, causes);
        }
        for (const [key, schema] of Object.entries(rootProps)) {
          if (key === "status" || key === "metadata" || body[key] !== undefined || schema.default === undefined) continue;
          body[key] = checkSchema(clone(schema.default), schema, key, causes);
        }
        for (const key of Array.isArray(root.required) ? (root.required as string[]) : []) {
          if (key !== "apiVersion" && key !== "kind" && key !== "metadata" && body[key] === undefined) causes.push(fieldRequired(key));
        }
        // The status subresource: what the controllers last wrote, or the schema's default.
        const statusSchema = rootProps.status;
        const status = old ? (old as GenericObject).status : statusSchema?.default !== undefined ? checkSchema(clone(statusSchema.default), statusSchema, "status", []) : undefined;
        const obj = { apiVersion: `${o.group}/${o.version}`, kind: o.kind, metadata: meta, ...body, ...(status !== undefined ? { status } : {}) } as GenericObject;
        if (causes.length === 0 && o.extraCauses) causes.push(...o.extraCauses(obj, old as GenericObject | undefined));
        if (causes.length > 0) return { ok: false, status: invalid(o.kind, o.group, meta.name, causes) };
        return { ok: true, obj };
      },
    },
    table: o.table,
    describe: (state, object, events) => describeGeneric(object as unknown as GenericObject & { metadata: ObjectMeta }, events, state.now),
  };
}
