// The subset of kubectl's JSONPath templates learners use: `{.a.b}`, `{.items[*].x}`, `[n]`,
// `{range .items[*]}...{end}`, quoted literals like `{"\n"}` and `{'\t'}`. Missing keys print
// nothing (kubectl's --allow-missing-template-keys=true default).

type Node =
  | { kind: "text"; text: string }
  | { kind: "path"; steps: Step[] }
  | { kind: "range"; steps: Step[]; body: Node[] };

type Step = { kind: "field"; name: string } | { kind: "index"; index: number } | { kind: "all" } | { kind: "recursive"; name: string };

export type JsonPathResult = { ok: true; output: string } | { ok: false; error: string };

export function runJsonPath(template: string, data: unknown): JsonPathResult {
  const parsed = parseTemplate(template);
  if (!parsed.ok) return parsed;
  return { ok: true, output: render(parsed.nodes, data) };
}

/** One path (`.a.b[*].c`) against data: every value it reaches, or undefined when it does not parse. */
export function findResults(path: string, data: unknown): unknown[] | undefined {
  const steps = parsePath(path);
  return steps ? evaluate(steps, data) : undefined;
}

function parseTemplate(template: string): { ok: true; nodes: Node[] } | { ok: false; error: string } {
  const root: Node[] = [];
  const stack: Array<{ nodes: Node[]; range?: Node & { kind: "range" } }> = [{ nodes: root }];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf("{", i);
    if (open < 0) {
      stack[stack.length - 1].nodes.push({ kind: "text", text: template.slice(i) });
      break;
    }
    if (open > i) stack[stack.length - 1].nodes.push({ kind: "text", text: template.slice(i, open) });
    const close = findClose(template, open + 1);
    if (close < 0) return { ok: false, error: `error: error parsing jsonpath ${template}, unclosed action\n` };
    const action = template.slice(open + 1, close).trim();
    i = close + 1;
    const current = stack[stack.length - 1].nodes;
    if (action === "end") {
      if (stack.length === 1) return { ok: false, error: `error: error parsing jsonpath ${template}, not in range, nothing to end\n` };
      stack.pop();
      continue;
    }
    if (action.startsWith("range ")) {
      const steps = parsePath(action.slice(6).trim());
      if (!steps) return { ok: false, error: `error: error parsing jsonpath ${template}, unrecognized identifier ${action}\n` };
      const node = { kind: "range" as const, steps, body: [] as Node[] };
      current.push(node);
      stack.push({ nodes: node.body, range: node });
      continue;
    }
    const literal = /^(["'])(.*)\1$/s.exec(action);
    if (literal) {
      current.push({ kind: "text", text: unescape(literal[2]) });
      continue;
    }
    const steps = parsePath(action);
    if (!steps) return { ok: false, error: `error: error parsing jsonpath ${template}, unrecognized identifier ${action}\n` };
    current.push({ kind: "path", steps });
  }
  if (stack.length > 1) return { ok: false, error: `error: error parsing jsonpath ${template}, unclosed range\n` };
  return { ok: true, nodes: root };
}

function findClose(text: string, from: number): number {
  let quote = "";
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "}") return i;
  }
  return -1;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => ({ n: "\n", t: "\t", r: "\r" })[c] ?? c);
}

function parsePath(text: string): Step[] | undefined {
  let t = text;
  if (t.startsWith("$")) t = t.slice(1);
  if (t === "" || t === "@") return [];
  if (t.startsWith("@")) t = t.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < t.length) {
    if (t.startsWith("..", i)) {
      const m = /^[A-Za-z0-9_-]+/.exec(t.slice(i + 2));
      if (!m) return undefined;
      steps.push({ kind: "recursive", name: m[0] });
      i += 2 + m[0].length;
    } else if (t[i] === ".") {
      const m = /^[A-Za-z0-9_\-/]*(?:\\\.[A-Za-z0-9_\-/]*)*/.exec(t.slice(i + 1));
      const name = (m?.[0] ?? "").replace(/\\\./g, ".");
      if (name) steps.push({ kind: "field", name });
      i += 1 + (m?.[0].length ?? 0);
    } else if (t[i] === "[") {
      const close = t.indexOf("]", i);
      if (close < 0) return undefined;
      const inner = t.slice(i + 1, close).trim();
      if (inner === "*") steps.push({ kind: "all" });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: "index", index: Number(inner) });
      else if (/^(["']).*\1$/.test(inner)) steps.push({ kind: "field", name: inner.slice(1, -1) });
      else return undefined;
      i = close + 1;
    } else return undefined;
  }
  return steps;
}

function evaluate(steps: Step[], data: unknown): unknown[] {
  let current: unknown[] = [data];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || typeof value !== "object") continue;
      switch (step.kind) {
        case "field":
          if (!Array.isArray(value) && step.name in (value as object)) next.push((value as Record<string, unknown>)[step.name]);
          break;
        case "index":
          if (Array.isArray(value)) {
            const idx = step.index < 0 ? value.length + step.index : step.index;
            if (idx >= 0 && idx < value.length) next.push(value[idx]);
          }
          break;
        case "all":
          next.push(...(Array.isArray(value) ? value : Object.values(value)));
          break;
        case "recursive":
          collect(value, step.name, next);
          break;
      }
    }
    current = next;
  }
  return current;
}

function collect(value: unknown, name: string, out: unknown[]): void {
  if (value === null || typeof value !== "object") return;
  if (!Array.isArray(value) && name in (value as object)) out.push((value as Record<string, unknown>)[name]);
  for (const child of Array.isArray(value) ? value : Object.values(value)) collect(child, name, out);
}

function render(nodes: Node[], data: unknown): string {
  let out = "";
  for (const node of nodes) {
    if (node.kind === "text") out += node.text;
    else if (node.kind === "path") out += evaluate(node.steps, data).map(format).join(" ");
    else {
      const values = evaluate(node.steps, data);
      const items = values.length === 1 && Array.isArray(values[0]) ? values[0] : values;
      for (const item of items) out += render(node.body, item);
    }
  }
  return out;
}

function format(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(sortKeys(value));
  return String(value);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}
