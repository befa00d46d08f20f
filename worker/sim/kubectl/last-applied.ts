// kubectl's client-side apply annotation: what `kubectl apply` (and `create`, `run`, `expose`,
// `replace` with --save-config) records of the configuration it sent, so that the next apply can
// tell which fields the user dropped (kubectl's pkg/util CreateApplyAnnotation and friends).

import type { KubeObject } from "../cluster/types.ts";

export const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** The object with its configuration (as sent) recorded in the annotation. */
export function withLastApplied(desired: Record<string, unknown>): Record<string, unknown> {
  const metadata = { ...(desired.metadata as Record<string, unknown>) };
  const annotations = { ...((metadata.annotations as Record<string, string> | undefined) ?? {}) };
  annotations[LAST_APPLIED] = canonical(desired) + "\n";
  metadata.annotations = annotations;
  return { ...desired, metadata };
}

/** The configuration the last apply recorded; {} when there is none or it does not parse. */
export function parseLastApplied(live: KubeObject): Record<string, unknown> {
  const text = live.metadata.annotations?.[LAST_APPLIED];
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Go's json.Marshal of an unstructured map: keys sorted, no spaces. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** kubectl's warning for an object without the last-applied annotation (`kubectl` as its base name). */
export function missingLastAppliedWarning(objectName: string): string {
  return `Warning: resource ${objectName} is missing the ${LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n`;
}

/**
 * util.CreateOrUpdateAnnotation: with --save-config the annotation is always (re)written from what
 * is sent; without it, an object that already carries one gets it recomputed, so a later apply
 * merges against this configuration, not the one before it.
 */
export function createOrUpdateAnnotation<T extends object>(saveConfig: boolean, object: T): T {
  const record = object as unknown as Record<string, unknown>;
  const metadata = (record.metadata ?? {}) as Record<string, unknown>;
  const annotations = metadata.annotations as Record<string, string> | undefined;
  if (!saveConfig && !annotations?.[LAST_APPLIED]) return object;
  const { [LAST_APPLIED]: _previous, ...others } = annotations ?? {};
  const { annotations: _all, ...rest } = metadata;
  return withLastApplied({ ...record, metadata: Object.keys(others).length > 0 ? { ...rest, annotations: others } : rest }) as unknown as T;
}
