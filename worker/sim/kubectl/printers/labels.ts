// labels.FormatLabels and metav1.FormatLabelSelector: sorted `k=v` pairs, comma-joined.

import type { LabelSelector, Labels } from "../../cluster/types.ts";

export function formatLabels(labels: Labels | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return "<none>";
  return keys.map((k) => `${k}=${labels![k]}`).join(",");
}

export function formatLabelSelector(selector: LabelSelector | undefined): string {
  if (!selector) return "<none>";
  const parts: string[] = [];
  const match = selector.matchLabels ?? {};
  for (const k of Object.keys(match).sort()) parts.push(`${k}=${match[k]}`);
  for (const expr of selector.matchExpressions ?? []) {
    const values = [...(expr.values ?? [])].sort().join(",");
    switch (expr.operator) {
      case "In":
        parts.push(`${expr.key} in (${values})`);
        break;
      case "NotIn":
        parts.push(`${expr.key} notin (${values})`);
        break;
      case "Exists":
        parts.push(expr.key);
        break;
      case "DoesNotExist":
        parts.push(`!${expr.key}`);
        break;
      default:
        parts.push(`${expr.key} ${expr.operator} (${values})`);
    }
  }
  return parts.length === 0 ? "<none>" : parts.join(",");
}
