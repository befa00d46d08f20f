// A small subset of CEL (cel-spec's language definition), enough for the ValidatingAdmissionPolicy
// expressions clusters meet (the Gateway API's safe-upgrades policy): literals, field selection,
// indexing, ! - && || ?: == != < <= > >= in +, has(), the exists/all/exists_one macros, size(),
// matches() and startsWith/endsWith/contains. Errors follow the spec where it matters for
// admission: selecting a missing field or key is an error, and && / || absorb an error when the
// other side decides the result (commutative short-circuit). Pure: no clock, no randomness.

export class CelError extends Error {}

type Value = unknown;
type Node =
  | { t: "lit"; v: Value }
  | { t: "id"; name: string }
  | { t: "sel"; on: Node; field: string }
  | { t: "idx"; on: Node; index: Node }
  | { t: "call"; fn: string; target?: Node; args: Node[] }
  | { t: "un"; op: string; x: Node }
  | { t: "bin"; op: string; a: Node; b: Node }
  | { t: "cond"; c: Node; a: Node; b: Node }
  | { t: "list"; items: Node[] };

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|([A-Za-z_][A-Za-z0-9_]*)|(==|!=|<=|>=|&&|\|\||[-+*/%!<>?:.,()[\]]))/y;

function unquote(raw: string): string {
  const body = raw.slice(1, -1);
  return body.replace(/\\(.)/g, (_, c: string) => ({ n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"' })[c] ?? `\\${c}`);
}

function tokenize(src: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    if (/^\s*$/.test(src.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(src);
    if (!m) throw new CelError(`Syntax error: token recognition error at: '${src.slice(at).trim()[0]}'`);
    out.push(m[0].trim());
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: string[]) {}
  private peek(): string | undefined {
    return this.toks[this.i];
  }
  private take(expected?: string): string {
    const t = this.toks[this.i++];
    if (t === undefined || (expected !== undefined && t !== expected)) throw new CelError(`Syntax error: expected ${expected ?? "an expression"}, found ${t ?? "the end"}`);
    return t;
  }
  parse(): Node {
    const node = this.expr();
    if (this.i < this.toks.length) throw new CelError(`Syntax error: unexpected ${this.toks[this.i]}`);
    return node;
  }
  private expr(): Node {
    const c = this.binary(0);
    if (this.peek() !== "?") return c;
    this.take("?");
    const a = this.expr();
    this.take(":");
    return { t: "cond", c, a, b: this.expr() };
  }
  private static readonly LEVELS = [["||"], ["&&"], ["==", "!=", "<", "<=", ">", ">=", "in"], ["+", "-"], ["*", "/", "%"]];
  private binary(level: number): Node {
    if (level === Parser.LEVELS.length) return this.unary();
    let a = this.binary(level + 1);
    while (Parser.LEVELS[level].includes(this.peek() ?? "")) {
      const op = this.take();
      a = { t: "bin", op, a, b: this.binary(level + 1) };
    }
    return a;
  }
  private unary(): Node {
    const t = this.peek();
    if (t === "!" || t === "-") {
      this.take();
      return { t: "un", op: t, x: this.unary() };
    }
    return this.member();
  }
  private args(): Node[] {
    this.take("(");
    const args: Node[] = [];
    while (this.peek() !== ")") {
      args.push(this.expr());
      if (this.peek() === ",") this.take(",");
      else break;
    }
    this.take(")");
    return args;
  }
  private member(): Node {
    let node = this.primary();
    for (;;) {
      const t = this.peek();
      if (t === ".") {
        this.take(".");
        const field = this.take();
        node = this.peek() === "(" ? { t: "call", fn: field, target: node, args: this.args() } : { t: "sel", on: node, field };
      } else if (t === "[") {
        this.take("[");
        const index = this.expr();
        this.take("]");
        node = { t: "idx", on: node, index };
      } else return node;
    }
  }
  private primary(): Node {
    const t = this.take();
    if (t === "(") {
      const e = this.expr();
      this.take(")");
      return e;
    }
    if (t === "[") {
      const items: Node[] = [];
      while (this.peek() !== "]") {
        items.push(this.expr());
        if (this.peek() === ",") this.take(",");
        else break;
      }
      this.take("]");
      return { t: "list", items };
    }
    if (t.startsWith("'") || t.startsWith('"')) return { t: "lit", v: unquote(t) };
    if (/^\d/.test(t)) return { t: "lit", v: Number(t) };
    if (t === "true" || t === "false") return { t: "lit", v: t === "true" };
    if (t === "null") return { t: "lit", v: null };
    if (/^[A-Za-z_]/.test(t)) return this.peek() === "(" ? { t: "call", fn: t, args: this.args() } : { t: "id", name: t };
    throw new CelError(`Syntax error: unexpected ${t}`);
  }
}

const isMap = (v: Value): v is Record<string, Value> => typeof v === "object" && v !== null && !Array.isArray(v);

function equal(a: Value, b: Value): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]));
  }
  return a === b;
}

function select(on: Value, field: string): Value {
  if (isMap(on) && Object.hasOwn(on, field)) return on[field];
  throw new CelError(`no such key: ${field}`);
}

function truth(v: Value): boolean {
  if (typeof v !== "boolean") throw new CelError("no matching overload");
  return v;
}

type Env = Record<string, Value>;

function evaluate(n: Node, env: Env): Value {
  switch (n.t) {
    case "lit":
      return n.v;
    case "id":
      if (!Object.hasOwn(env, n.name)) throw new CelError(`undeclared reference to '${n.name}'`);
      return env[n.name];
    case "list":
      return n.items.map((x) => evaluate(x, env));
    case "sel":
      return select(evaluate(n.on, env), n.field);
    case "idx": {
      const on = evaluate(n.on, env);
      const index = evaluate(n.index, env);
      if (Array.isArray(on) && typeof index === "number") {
        if (index < 0 || index >= on.length) throw new CelError(`index out of bounds: ${index}`);
        return on[index];
      }
      return select(on, String(index));
    }
    case "un": {
      const x = evaluate(n.x, env);
      if (n.op === "!") return !truth(x);
      if (typeof x !== "number") throw new CelError("no matching overload for '-_'");
      return -x;
    }
    case "cond":
      return truth(evaluate(n.c, env)) ? evaluate(n.a, env) : evaluate(n.b, env);
    case "bin":
      return binary(n.op, n.a, n.b, env);
    case "call":
      return call(n, env);
  }
}

/** Either side's error is absorbed when the other side alone decides (cel-spec's logical operators). */
function logical(op: "&&" | "||", a: Node, b: Node, env: Env): boolean {
  const decisive = op === "||";
  let error: unknown;
  for (const side of [a, b]) {
    try {
      if (truth(evaluate(side, env)) === decisive) return decisive;
    } catch (e) {
      error ??= e;
    }
  }
  if (error !== undefined) throw error;
  return !decisive;
}

function binary(op: string, an: Node, bn: Node, env: Env): Value {
  if (op === "&&" || op === "||") return logical(op, an, bn, env);
  const a = evaluate(an, env);
  const b = evaluate(bn, env);
  switch (op) {
    case "==":
      return equal(a, b);
    case "!=":
      return !equal(a, b);
    case "in":
      if (Array.isArray(b)) return b.some((x) => equal(x, a));
      if (isMap(b)) return Object.hasOwn(b, String(a));
      throw new CelError("no matching overload for '@in'");
    case "+":
      if (typeof a === "string" && typeof b === "string") return a + b;
      if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
      break;
  }
  if (typeof a === "number" && typeof b === "number") {
    switch (op) {
      case "<": return a < b;
      case "<=": return a <= b;
      case ">": return a > b;
      case ">=": return a >= b;
      case "+": return a + b;
      case "-": return a - b;
      case "*": return a * b;
      case "/": if (b === 0) throw new CelError("division by zero"); return Math.trunc(a / b);
      case "%": if (b === 0) throw new CelError("modulus by zero"); return a % b;
    }
  }
  if (typeof a === "string" && typeof b === "string" && ["<", "<=", ">", ">="].includes(op)) return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
  throw new CelError(`no matching overload for '_${op}_'`);
}

/** RE2's partial match, as CEL's matches() does (JavaScript's syntax is close enough for these patterns). */
function matches(s: Value, pattern: Value): boolean {
  if (typeof s !== "string" || typeof pattern !== "string") throw new CelError("no matching overload for 'matches'");
  return new RegExp(pattern, "u").test(s);
}

function call(n: Extract<Node, { t: "call" }>, env: Env): Value {
  const { fn, args } = n;
  if (!n.target) {
    if (fn === "has") {
      const arg = args[0];
      if (args.length !== 1 || arg.t !== "sel") throw new CelError("invalid argument to has() macro");
      const on = evaluate(arg.on, env);
      return isMap(on) && Object.hasOwn(on, arg.field);
    }
    if (fn === "size") return size(evaluate(args[0], env));
    if (fn === "matches") return matches(evaluate(args[0], env), evaluate(args[1], env));
    throw new CelError(`undeclared reference to '${fn}'`);
  }
  if (fn === "exists" || fn === "all" || fn === "exists_one") {
    const variable = args[0];
    if (args.length !== 2 || variable.t !== "id") throw new CelError(`${fn}() requires a variable and a predicate`);
    const on = evaluate(n.target, env);
    const items = Array.isArray(on) ? on : isMap(on) ? Object.keys(on) : undefined;
    if (!items) throw new CelError(`no matching overload for '${fn}'`);
    const test = (item: Value) => truth(evaluate(args[1], { ...env, [variable.name]: item }));
    if (fn === "exists") return items.some(test);
    if (fn === "all") return items.every(test);
    return items.filter(test).length === 1;
  }
  const target = evaluate(n.target, env);
  const arg = args.length > 0 ? evaluate(args[0], env) : undefined;
  if (fn === "size") return size(target);
  if (fn === "matches") return matches(target, arg);
  if (typeof target === "string" && typeof arg === "string") {
    if (fn === "startsWith") return target.startsWith(arg);
    if (fn === "endsWith") return target.endsWith(arg);
    if (fn === "contains") return target.includes(arg);
  }
  throw new CelError(`found no matching overload for '${fn}'`);
}

function size(v: Value): number {
  if (typeof v === "string") return [...v].length;
  if (Array.isArray(v)) return v.length;
  if (isMap(v)) return Object.keys(v).length;
  throw new CelError("no matching overload for 'size'");
}

const compiled = new Map<string, Node>();

/** The expression's value in the environment (variables by name); throws CelError. */
export function evaluateCel(expression: string, env: Env): Value {
  let node = compiled.get(expression);
  if (!node) compiled.set(expression, (node = new Parser(tokenize(expression)).parse()));
  return evaluate(node, env);
}
