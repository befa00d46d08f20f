// The resource types kubectl knows through discovery: names, short names, kinds and groups of
// the kinds in the registry (worker/sim/kinds). Types that exist on every real cluster but are
// not simulated are answered with a clear message instead of a false one.
import { goQuote } from "../go-quote.ts";
import type { ClusterState } from "../cluster/types.ts";
import { type KindDefinition, kindServed, kinds } from "../kinds/index.ts";

/** A resource name the playground serves (`pods`, `deployments`): the plural of a registered kind. */
export type ResourceName = string;

export interface ResourceType {
  name: ResourceName;
  singular: string;
  shortNames: readonly string[];
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
  /** The kind's registry entry: its table, describer, storage and strategy. */
  def: KindDefinition;
}

/** Discovery: one resource per registered kind, in the registry's order. */
export const resourceTypes: readonly ResourceType[] = kinds.map((def) => ({
  name: def.plural,
  singular: def.singular,
  shortNames: def.shortNames,
  kind: def.kind,
  group: def.group,
  version: def.version,
  namespaced: def.namespaced,
  def,
}));

/** Discovery as the cluster answers it now: kinds whose CRD is not installed are absent. */
export function servedResourceTypes(state: ClusterState): ResourceType[] {
  return resourceTypes.filter((t) => kindServed(state, t.def));
}

/**
 * Types a real cluster serves that the playground does not simulate (plural and short names).
 * Only what no registered kind answers: a kind that lands is found by the registry first.
 */
const unsimulated: Record<string, string> = {
  cronjobs: "cronjobs", cj: "cronjobs", cronjob: "cronjobs",
  replicationcontrollers: "replicationcontrollers", rc: "replicationcontrollers",
  horizontalpodautoscalers: "horizontalpodautoscalers", hpa: "horizontalpodautoscalers",
};

const builtIn = resourceTypes.filter((t) => t.def.crd === undefined);
/** `pods, services, ... and daemonsets`. */
const servedList = `${builtIn.slice(0, -1).map((t) => t.name).join(", ")} and ${builtIn[builtIn.length - 1].name}`;

export type ResourceLookup =
  | { ok: true; type: ResourceType }
  | { ok: false; error: string };

/**
 * Resolves `po`, `Pods`, `deploy.apps`, `deployments.v1.apps`, `Service` to a resource type the
 * cluster serves now (a custom kind only while its CRD is installed).
 */
export function lookupResource(text: string, state: ClusterState): ResourceLookup {
  const lower = text.toLowerCase();
  const dot = lower.indexOf(".");
  const base = dot >= 0 ? lower.slice(0, dot) : lower;
  const groupPart = dot >= 0 ? lower.slice(dot + 1) : undefined;
  for (const type of resourceTypes) {
    const names = [type.name, type.singular, type.kind.toLowerCase(), ...type.shortNames];
    if (!names.includes(base) || !kindServed(state, type.def)) continue;
    if (groupPart === undefined || groupMatches(type, groupPart)) return { ok: true, type };
  }
  const known = unsimulated[base];
  if (known && groupPart === undefined) {
    return { ok: false, error: `error: the playground does not simulate ${known}; it serves ${servedList}\n` };
  }
  // cli-runtime's builder quotes with %q, so a `\r` or a zero-width space left in the word shows.
  return { ok: false, error: `error: the server doesn't have a resource type ${goQuote(text)}\n` };
}

function groupMatches(type: ResourceType, groupPart: string): boolean {
  const full = type.group === "" ? type.version : `${type.version}.${type.group}`;
  return groupPart === type.group || groupPart === full || (type.group === "" && groupPart === "");
}

export function resourceType(name: ResourceName): ResourceType {
  return resourceTypes.find((t) => t.name === name)!;
}

/** `pod`, `service`, `deployment.apps`: the name printer's and delete's kind string. */
export function kindString(type: ResourceType): string {
  const kind = type.kind.toLowerCase();
  return type.group === "" ? kind : `${kind}.${type.group}`;
}

/** `pods`, `deployments.apps`: the qualified resource in NotFound / AlreadyExists messages. */
export function qualifiedResource(type: ResourceType): string {
  return type.group === "" ? type.name : `${type.name}.${type.group}`;
}

export function apiVersionOf(type: ResourceType): string {
  return type.group === "" ? type.version : `${type.group}/${type.version}`;
}

/**
 * What `kubectl get all` expands to, in kubectl's order (those the playground serves): the kinds
 * in the category `all`, in discovery order, core before apps and, within apps, by name.
 */
export const allCategory: readonly ResourceName[] = resourceTypes
  .filter((t) => t.def.categories.includes("all"))
  .sort((a, b) => (a.group === b.group ? (a.group === "" ? 0 : a.name.localeCompare(b.name)) : a.group === "" ? -1 : b.group === "" ? 1 : a.group.localeCompare(b.group)))
  .map((t) => t.name);
