// Field paths (`spec.ports[0].targetPort`, `spec.ports[*].port`, `metadata.labels.run`) and the
// matchers a lesson compares them with.

export type PathSegment = string | number | "*";

/** Splits a field path into segments, or returns undefined when it is not a valid path. */
export function parseFieldPath(path: string): PathSegment[] | undefined {
  const segments: PathSegment[] = [];
  const re = /([^.[\]]+)|\[(\d+|\*)\]/y;
  let i = 0;
  let expectName = true;
  while (i < path.length) {
    if (path[i] === ".") {
      if (expectName) return undefined;
      i++;
      expectName = true;
      continue;
    }
    re.lastIndex = i;
    const m = re.exec(path);
    if (!m) return undefined;
    if (m[1] !== undefined) {
      if (!expectName) return undefined;
      segments.push(m[1]);
    } else {
      if (expectName) return undefined;
      segments.push(m[2] === "*" ? "*" : Number(m[2]));
    }
    expectName = false;
    i = re.lastIndex;
  }
  return segments.length && !expectName ? segments : undefined;
}

/** Every value at the path (several when it has `[*]`); an empty list when the path is absent. */
export function valuesAt(root: unknown, path: PathSegment[]): unknown[] {
  let current: unknown[] = [root];
  for (const segment of path) {
    const next: unknown[] = [];
    for (const value of current) {
      if (segment === "*") {
        if (Array.isArray(value)) next.push(...value);
      } else if (typeof segment === "number") {
        if (Array.isArray(value) && segment < value.length) next.push(value[segment]);
      } else if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, segment)) {
        next.push((value as Record<string, unknown>)[segment]);
      }
    }
    current = next;
  }
  return current.filter((value) => value !== undefined);
}

function isOperatorObject(matcher: unknown): matcher is Record<string, unknown> {
  return matcher !== null && typeof matcher === "object" && !Array.isArray(matcher) && Object.keys(matcher).some((k) => k.startsWith("$"));
}

/** Does one value satisfy a matcher? Objects match as subsets; 80 matches "80". */
export function matchValue(value: unknown, matcher: unknown): boolean {
  if (isOperatorObject(matcher)) {
    for (const [op, arg] of Object.entries(matcher)) {
      switch (op) {
        case "$exists":
          if ((value !== undefined) !== Boolean(arg)) return false;
          break;
        case "$in":
          if (!Array.isArray(arg) || !arg.some((a) => matchValue(value, a))) return false;
          break;
        case "$ne":
          if (value === undefined || matchValue(value, arg)) return false;
          break;
        case "$gte":
          if (typeof value !== "number" || typeof arg !== "number" || value < arg) return false;
          break;
        case "$lte":
          if (typeof value !== "number" || typeof arg !== "number" || value > arg) return false;
          break;
        default:
          return false;
      }
    }
    return true;
  }
  if (value === undefined) return false;
  if (matcher === null) return value === null;
  if (Array.isArray(matcher)) {
    return Array.isArray(value) && value.length === matcher.length && matcher.every((m, i) => matchValue(value[i], m));
  }
  if (typeof matcher === "object") {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
    const record = value as Record<string, unknown>;
    return Object.entries(matcher as Record<string, unknown>).every(([k, m]) => matchValue(record[k], m));
  }
  if (typeof matcher === "number" && typeof value === "string") return value === String(matcher);
  if (typeof matcher === "string" && typeof value === "number") return matcher === String(value);
  return value === matcher;
}

/** Does the field at `path` of `object` satisfy the matcher? With `[*]`, one element suffices. */
export function matchField(object: unknown, path: PathSegment[], matcher: unknown): boolean {
  const values = valuesAt(object, path);
  if (isOperatorObject(matcher) && "$exists" in matcher && matcher.$exists === false) {
    return values.length === 0;
  }
  if (values.length === 0) return matchValue(undefined, matcher);
  return values.some((value) => matchValue(value, matcher));
}

/** A value as a learner would read it in a message: `NodePort`, `80`, `run=nginx`, `<none>`. */
export function showValue(value: unknown): string {
  if (value === undefined) return "<unset>";
  if (value === null) return "null";
  if (typeof value === "string") return value === "" ? '""' : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(showValue).join(", ")}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return "<none>";
  if (entries.every(([, v]) => typeof v === "string")) return entries.map(([k, v]) => `${k}=${v}`).join(",");
  return JSON.stringify(value);
}

/** A matcher as a learner would read it: `NodePort`, `one of A, B`, `at least 30000`. */
export function showMatcher(matcher: unknown): string {
  if (!isOperatorObject(matcher)) return showValue(matcher);
  const parts: string[] = [];
  for (const [op, arg] of Object.entries(matcher)) {
    if (op === "$exists") parts.push(arg ? "set" : "unset");
    else if (op === "$in") parts.push(`one of ${Array.isArray(arg) ? arg.map(showValue).join(", ") : showValue(arg)}`);
    else if (op === "$ne") parts.push(`not ${showValue(arg)}`);
    else if (op === "$gte") parts.push(`at least ${showValue(arg)}`);
    else if (op === "$lte") parts.push(`at most ${showValue(arg)}`);
  }
  return parts.join(" and ");
}

/** `run=nginx,tier=web` for a label map. */
export function showLabels(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(",") : "<none>";
}
