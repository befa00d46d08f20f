// Label selectors in the API server's own form (labels.Requirement): what `-l` parses into and
// what a LabelSelector (matchLabels + matchExpressions) converts to.
import type { LabelSelector, Labels } from "./types.ts";

export interface LabelSelectorRequirement {
  key: string;
  /** `=`/`==` equality, `!=`, set-based `in`/`notin`, `exists` (bare key) and `!` (`!key`). */
  operator: "=" | "!=" | "in" | "notin" | "exists" | "!";
  values: string[];
}

export function matchesRequirements(labels: Labels | undefined, requirements: readonly LabelSelectorRequirement[]): boolean {
  for (const r of requirements) {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
    const value = has ? labels![r.key] : undefined;
    switch (r.operator) {
      case "=":
      case "in":
        if (!has || !r.values.includes(value!)) return false;
        break;
      case "!=":
      case "notin":
        if (has && r.values.includes(value!)) return false;
        break;
      case "exists":
        if (!has) return false;
        break;
      case "!":
        if (has) return false;
        break;
    }
  }
  return true;
}

/** A Service-style selector (a plain map) as requirements. */
export function requirementsOfMap(selector: Labels | undefined): LabelSelectorRequirement[] {
  return Object.keys(selector ?? {})
    .sort()
    .map((key) => ({ key, operator: "=" as const, values: [selector![key]] }));
}

/** metav1.LabelSelectorAsSelector: matchLabels then matchExpressions (In, NotIn, Exists, DoesNotExist). */
export function requirementsOfLabelSelector(selector: LabelSelector | undefined): LabelSelectorRequirement[] {
  const out = requirementsOfMap(selector?.matchLabels);
  for (const e of selector?.matchExpressions ?? []) {
    const operator = ({ In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" } as const)[e.operator as "In"];
    if (operator) out.push({ key: e.key, operator, values: e.values ?? [] });
  }
  return out;
}

/** True when a plain-map selector matches (every key equal); an empty map matches nothing here. */
export function selectorMatches(selector: Labels, labels: Labels | undefined): boolean {
  if (!labels) return false;
  for (const key in selector) if (labels[key] !== selector[key]) return false;
  return true;
}
