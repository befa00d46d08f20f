// kubectl's JSONPath templates, as client-go's util/jsonpath parses and runs them: fields, `[n]`,
// slices `[a:b:c]`, unions `[0,2]` and `['a','b']`, wildcards, `..` recursive descent, filters
// `[?(@.x=="y")]` / `[?(@.x)]` with == != < > <= >=, `{range}{end}`, quoted literals, `$` and `@`.
// The parser and the evaluator follow client-go's step by step, so the odd corners (a range's state
// machine, which errors come at parse and which at execution) come out as kubectl's do.

import { goQuote } from "../../go-quote.ts";
import { formatFloatG, formatSharpV, formatV, GoNumber, goJson, goKind, goTypeName, numberOf, sortedKeys, type GoValue } from "./go-values.ts";

type ParamsEntry = { value: number; known: boolean; derived: boolean };

type JNode =
  | { type: "list"; nodes: JNode[] }
  | { type: "text"; text: string }
  | { type: "field"; value: string }
  | { type: "array"; params: ParamsEntry[] }
  | { type: "filter"; left: ListNode; right: ListNode; operator: string }
  | { type: "int"; value: number }
  | { type: "float"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "wildcard" }
  | { type: "recursive" }
  | { type: "union"; nodes: ListNode[] }
  | { type: "identifier"; name: string };

type ListNode = { type: "list"; nodes: JNode[] };

class ParseError extends Error {}

const EOF = "";
const newList = (): ListNode => ({ type: "list", nodes: [] });

class Parser {
  root: ListNode = newList();
  private input = "";
  private pos = 0;
  private start = 0;
  private width = 0;

  parse(text: string): void {
    this.input = text;
    this.root = newList();
    this.pos = 0;
    this.start = 0;
    this.parseText(this.root);
  }

  private consumeText(): string {
    const value = this.input.slice(this.start, this.pos);
    this.start = this.pos;
    return value;
  }

  private next(): string {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return EOF;
    }
    const r = String.fromCodePoint(this.input.codePointAt(this.pos)!);
    this.width = r.length;
    this.pos += this.width;
    return r;
  }

  private peek(): string {
    const r = this.next();
    this.backup();
    return r;
  }

  private backup(): void {
    this.pos -= this.width;
  }

  private parseText(cur: ListNode): void {
    for (;;) {
      if (this.input.startsWith("{", this.pos)) {
        if (this.pos > this.start) cur.nodes.push({ type: "text", text: this.consumeText() });
        return this.parseLeftDelim(cur);
      }
      if (this.next() === EOF) break;
    }
    if (this.pos > this.start) cur.nodes.push({ type: "text", text: this.consumeText() });
  }

  private parseLeftDelim(cur: ListNode): void {
    this.pos += 1;
    this.consumeText();
    const node = newList();
    cur.nodes.push(node);
    this.parseInsideAction(node);
  }

  // client-go recurses once per token; a loop does the same without a deep stack.
  private parseInsideAction(cur: ListNode): void {
    for (;;) {
      const rest = this.input.slice(this.pos);
      if (rest.startsWith("}")) {
        this.pos += 1;
        this.consumeText();
        return this.parseText(this.root);
      }
      if (rest.startsWith("[?(")) {
        this.parseFilter(cur);
        continue;
      }
      if (rest.startsWith("..")) {
        this.parseRecursive(cur);
        continue;
      }
      const r = this.next();
      if (r === EOF || r === "\r" || r === "\n") throw new ParseError("unclosed action");
      if (r === " " || r === "@" || r === "$") this.consumeText();
      else if (r === "[") this.parseArray(cur);
      else if (r === '"' || r === "'") this.parseQuote(cur, r);
      else if (r === ".") this.parseField(cur);
      else if (r === "+" || r === "-" || isDigit(r)) {
        this.backup();
        this.parseNumber(cur);
      } else if (isAlphaNumeric(r)) {
        this.backup();
        this.parseIdentifier(cur);
      } else throw new ParseError(`unrecognized character in action: ${formatRune(r)}`);
    }
  }

  private parseIdentifier(cur: ListNode): void {
    for (;;) {
      if (isTerminator(this.next())) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    if (value === "true" || value === "false") cur.nodes.push({ type: "bool", value: value === "true" });
    else cur.nodes.push({ type: "identifier", name: value });
  }

  private parseRecursive(cur: ListNode): void {
    const last = cur.nodes[cur.nodes.length - 1];
    if (last?.type === "recursive") throw new ParseError("invalid multiple recursive descent");
    this.pos += 2;
    this.consumeText();
    cur.nodes.push({ type: "recursive" });
    if (isAlphaNumeric(this.peek())) this.parseField(cur);
  }

  private parseNumber(cur: ListNode): void {
    const r = this.peek();
    if (r === "+" || r === "-") this.next();
    for (;;) {
      const c = this.next();
      if (c !== "." && !isDigit(c)) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    if (/^[+-]?\d+$/.test(value)) cur.nodes.push({ type: "int", value: Number(value) });
    else if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value)) cur.nodes.push({ type: "float", value: Number(value) });
    else throw new ParseError(`cannot parse number ${value}`);
  }

  private parseArray(cur: ListNode): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || r === "\n") throw new ParseError("unterminated array");
      if (r === "]") break;
    }
    let text = this.consumeText().slice(1, -1);
    if (text === "*") text = ":";
    const parts = text.split(",");
    if (parts.length > 1) {
      const union = parts.map((part) => parseAction(`[${part.replace(/^ +| +$/g, "")}]`));
      cur.nodes.push({ type: "union", nodes: union });
      return;
    }
    const dictKey = /^'([^']*)'$/.exec(text);
    if (dictKey) {
      cur.nodes.push(...parseAction(`.${dictKey[1]}`).nodes);
      return;
    }
    const slice = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/.exec(text);
    if (!slice) throw new ParseError(`invalid array index ${text}`);
    const values = [slice[1] ?? "", slice[2] ?? "", slice[3] ?? ""];
    const params: ParamsEntry[] = [];
    for (let i = 0; i < 3; i++) {
      let value = values[i];
      const entry: ParamsEntry = { value: 0, known: false, derived: false };
      if (value !== "") {
        if (i > 0) value = value.slice(1);
        if (i > 0 && value === "") entry.known = false;
        else {
          if (!/^[+-]?\d+$/.test(value)) throw new ParseError(`array index ${value} is not a number`);
          entry.known = true;
          entry.value = Number(value);
        }
      } else if (i === 1) {
        entry.known = true;
        entry.value = params[0].value + 1;
        entry.derived = true;
      }
      params.push(entry);
    }
    cur.nodes.push({ type: "array", params });
  }

  private parseFilter(cur: ListNode): void {
    this.pos += 3;
    this.consumeText();
    let begin = false;
    let end = false;
    let pair = "";
    for (;;) {
      const r = this.next();
      if (r === EOF || r === "\n") throw new ParseError("unterminated filter");
      if (r === '"' || r === "'") {
        if (!begin) {
          begin = true;
          pair = r;
          continue;
        }
        if (this.input[this.pos - 2] !== "\\" && r === pair) end = true;
      } else if (r === ")" && begin === end) break;
    }
    if (this.next() !== "]") throw new ParseError("unclosed array expect ]");
    const text = this.consumeText().slice(0, -2);
    const m = /^([^!<>=]+)([!<>=]+)(.+?)$/.exec(text);
    if (!m) cur.nodes.push({ type: "filter", left: parseAction(text), right: newList(), operator: "exists" });
    else cur.nodes.push({ type: "filter", left: parseAction(m[1]), right: parseAction(m[3]), operator: m[2] });
  }

  private parseQuote(cur: ListNode, end: string): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || r === "\n") throw new ParseError("unterminated quoted string");
      if (r === end && this.input[this.pos - 2] !== "\\") break;
    }
    const value = this.consumeText();
    cur.nodes.push({ type: "text", text: unquoteExtend(value) });
  }

  private parseField(cur: ListNode): void {
    this.consumeText();
    while (this.advance());
    const value = this.consumeText();
    if (value === "*") cur.nodes.push({ type: "wildcard" });
    else cur.nodes.push({ type: "field", value: value.replace(/\\/g, "") });
  }

  private advance(): boolean {
    const r = this.next();
    if (r === "\\") this.next();
    else if (isTerminator(r)) {
      this.backup();
      return false;
    }
    return true;
  }
}

/** parseAction: one action's text parsed as `{text}`, its list of nodes. */
function parseAction(text: string): ListNode {
  const p = new Parser();
  p.parse(`{${text}}`);
  return p.root.nodes[0] as ListNode;
}

const isDigit = (r: string) => /^\p{Nd}$/u.test(r);
const isAlphaNumeric = (r: string) => r === "_" || /^[\p{L}\p{Nd}]$/u.test(r);
const isTerminator = (r: string) => r === EOF || " \t\r\n.,[]$@{}".includes(r);

/** Go's %#U: U+002C ','. */
function formatRune(r: string): string {
  const c = r.codePointAt(0)!;
  const hex = `U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(r) ? `${hex} '${r}'` : hex;
}

/** UnquoteExtend: strconv.Unquote that also takes single-quoted strings. */
function unquoteExtend(s: string): string {
  const quote = s[0];
  const body = s.slice(1, -1);
  if (!body.includes("\\") && !body.includes(quote)) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === quote) throw new ParseError(`unquote string ${s} error invalid syntax`);
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", "'": "'", '"': '"' };
    if (e in simple && (e !== "'" || quote === "'") && (e !== '"' || quote === '"')) out += simple[e];
    else if (e === "x" && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if ((e === "u" || e === "U") && new RegExp(`^[0-9a-fA-F]{${e === "u" ? 4 : 8}}$`).test(body.slice(i + 1, i + (e === "u" ? 5 : 9)))) {
      const n = e === "u" ? 4 : 8;
      out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 1 + n), 16));
      i += n;
    } else if (/^[0-7]{3}$/.test(body.slice(i, i + 3))) {
      out += String.fromCharCode(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else throw new ParseError(`unquote string ${s} error invalid syntax`);
  }
  return out;
}

class ExecError extends Error {}

/** One JSONPath template, parsed; runs against data as client-go's JSONPath does. */
class JsonPath {
  private beginRange = 0;
  private inRange = 0;
  private endRange = 0;
  private lastEndNode: JNode | undefined;

  constructor(
    private readonly root: ListNode,
    private readonly allowMissingKeys: boolean,
  ) {}

  findResults(data: GoValue, nodes: JNode[] = this.root.nodes): GoValue[][] {
    const cur: GoValue[] = [data];
    const full: GoValue[][] = [];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      const results = this.walk(cur, node);
      if (this.endRange > 0 && this.endRange <= this.inRange) {
        this.endRange--;
        this.lastEndNode = node;
        break;
      }
      if (this.beginRange > 0) {
        this.beginRange--;
        this.inRange++;
        const rest = nodes.slice(i + 1);
        if (results.length > 0) for (const value of results) full.push(...this.findResults(value, rest));
        else this.findResults(null, rest);
        this.inRange--;
        // Resume after the end node the range's body stopped at.
        for (let k = i + 1; k < nodes.length; k++) {
          if (nodes[k] === this.lastEndNode) {
            i = k;
            break;
          }
        }
        continue;
      }
      full.push(results);
    }
    return full;
  }

  private walk(values: GoValue[], node: JNode): GoValue[] {
    switch (node.type) {
      case "list":
        return this.evalList(values, node);
      case "text":
        return [node.text];
      case "field":
        return this.evalField(values, node.value);
      case "array":
        return this.evalArray(values, node.params);
      case "filter":
        return this.evalFilter(values, node);
      case "int":
        return values.map(() => new GoNumber(node.value, "int"));
      case "float":
        return values.map(() => new GoNumber(node.value, "float64"));
      case "bool":
        return values.map(() => node.value);
      case "wildcard":
        return values.flatMap(children);
      case "recursive":
        return this.evalRecursive(values);
      case "union":
        return node.nodes.flatMap((list) => this.evalList(values, list));
      case "identifier":
        return this.evalIdentifier(values, node.name);
    }
  }

  private evalList(values: GoValue[], list: ListNode): GoValue[] {
    let cur = values;
    for (const node of list.nodes) cur = this.walk(cur, node);
    return cur;
  }

  private evalIdentifier(values: GoValue[], name: string): GoValue[] {
    if (name === "range") {
      this.beginRange++;
      return values;
    }
    if (name === "end") {
      if (this.inRange > 0) {
        this.endRange++;
        return [];
      }
      throw new ExecError("not in range, nothing to end");
    }
    throw new ExecError(`unrecognized identifier ${name}`);
  }

  private evalArray(values: GoValue[], node: ParamsEntry[]): GoValue[] {
    const result: GoValue[] = [];
    for (const value of values) {
      if (value === null || value === undefined) continue;
      if (!Array.isArray(value)) throw new ExecError(`${goTypeName(value)} is not array or slice`);
      const params = node.map((p) => ({ ...p }));
      const length = value.length;
      if (!params[0].known) params[0].value = 0;
      if (params[0].value < 0) params[0].value += length;
      if (!params[1].known) params[1].value = length;
      if (params[1].value < 0 || (params[1].value === 0 && params[1].derived)) params[1].value += length;
      if (params[1].value === params[0].value) return result;
      if (params[0].value >= length || params[0].value < 0) throw new ExecError(`array index out of bounds: index ${params[0].value}, length ${length}`);
      if (params[1].value > length || params[1].value < 0) throw new ExecError(`array index out of bounds: index ${params[1].value - 1}, length ${length}`);
      if (params[0].value > params[1].value) throw new ExecError(`starting index ${params[0].value} is greater than ending index ${params[1].value}`);
      const sliced = value.slice(params[0].value, params[1].value);
      let step = 1;
      if (params[2].known) {
        if (params[2].value <= 0) throw new ExecError("step must be > 0");
        step = params[2].value;
      }
      for (let i = 0; i < sliced.length; i += step) result.push(sliced[i]);
    }
    return result;
  }

  private evalField(values: GoValue[], name: string): GoValue[] {
    const results: GoValue[] = [];
    if (values.length === 0) return results;
    for (const value of values) {
      if (goKind(value) !== "map") continue;
      const map = value as Record<string, GoValue>;
      if (Object.hasOwn(map, name) && map[name] !== undefined) results.push(map[name]);
    }
    if (results.length === 0 && !this.allowMissingKeys) throw new ExecError(`${name} is not found`);
    return results;
  }

  private evalRecursive(values: GoValue[]): GoValue[] {
    const result: GoValue[] = [];
    for (const value of values) {
      if (value === null || value === undefined) continue;
      const kids = children(value);
      if (kids.length !== 0) {
        result.push(value);
        result.push(...this.evalRecursive(kids));
      }
    }
    return result;
  }

  private evalFilter(values: GoValue[], node: JNode & { type: "filter" }): GoValue[] {
    const results: GoValue[] = [];
    for (const value of values) {
      if (!Array.isArray(value)) throw new ExecError(`${formatV(value)} is not array or slice and cannot be filtered`);
      for (const element of value) {
        const temp = [element];
        if (node.operator === "exists") {
          let lefts: GoValue[] = [];
          try {
            lefts = this.evalList(temp, node.left);
          } catch (e) {
            if (!(e instanceof ExecError)) throw e;
          }
          if (lefts.length > 0) results.push(element);
          continue;
        }
        const lefts = this.evalList(temp, node.left);
        if (lefts.length === 0) continue;
        if (lefts.length > 1) throw new ExecError("can only compare one element at a time");
        const rights = this.evalList(temp, node.right);
        if (rights.length === 0) continue;
        if (rights.length > 1) throw new ExecError("can only compare one element at a time");
        if (compareOp(node.operator, lefts[0], rights[0])) results.push(element);
      }
    }
    return results;
  }
}

/** A map's values (in key order: Go's is random, sorted is one of its orders), a list's items, a string's bytes. */
function children(value: GoValue): GoValue[] {
  switch (goKind(value)) {
    case "map": {
      const m = value as Record<string, GoValue>;
      return sortedKeys(m).map((k) => m[k]);
    }
    case "slice":
      return value as GoValue[];
    case "string":
      return utf8Bytes(value as string).map((b) => new GoNumber(b, "uint8"));
  }
  return [];
}

function utf8Bytes(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

type BasicKind = "bool" | "int" | "float" | "string";

/** The forked text/template comparison functions client-go's filters use. */
function basicKind(v: GoValue): BasicKind {
  const kind = goKind(v);
  if (kind === "bool" || kind === "int" || kind === "float" || kind === "string") return kind;
  throw new ExecError("invalid type for comparison");
}

function scalar(v: GoValue): number | string | boolean {
  return typeof v === "string" || typeof v === "boolean" ? v : numberOf(v);
}

export function goEqual(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 !== k2) throw new ExecError("incompatible types for comparison");
  return scalar(a) === scalar(b);
}

export function goLess(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 !== k2) throw new ExecError("incompatible types for comparison");
  if (k1 === "bool") throw new ExecError("invalid type for comparison");
  return scalar(a) < scalar(b);
}

function compareOp(operator: string, left: GoValue, right: GoValue): boolean {
  switch (operator) {
    case "<":
      return goLess(left, right);
    case ">":
      return !(goLess(left, right) || goEqual(left, right));
    case "==":
      return goEqual(left, right);
    case "!=":
      return !goEqual(left, right);
    case "<=":
      return goLess(left, right) || goEqual(left, right);
    case ">=":
      return !goLess(left, right);
  }
  throw new ExecError(`unrecognized filter operator ${operator}`);
}

/** PrintResults: maps and lists as compact JSON, the rest as fmt.Print prints them, space between. */
function printResults(results: GoValue[], asJson: boolean): string {
  if (asJson) return goJson(results, "    ") + "\n";
  return results.map(toText).join(" ");
}

function toText(v: GoValue): string {
  const kind = goKind(v);
  if (kind === "map" || kind === "slice") return goJson(v);
  if (kind === "nil") return "null";
  if (kind === "float") return formatFloatG(numberOf(v));
  return formatV(v);
}

export type JsonPathResult = { ok: true; output: string } | { ok: false; error: string };

export interface JsonPathOptions {
  /** -o jsonpath-as-json: each result group as an indented JSON array. */
  asJson?: boolean;
  /** --allow-missing-template-keys (kubectl's default: true). */
  allowMissingKeys?: boolean;
}

/** Parses a template as NewJSONPathPrinter does; the error is the reason alone. */
function parseTemplate(template: string): { ok: true; root: ListNode } | { ok: false; reason: string } {
  try {
    const p = new Parser();
    p.parse(template);
    return { ok: true, root: p.root };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, reason: e.message };
    throw e;
  }
}

/** Whether the template parses: kubectl's error when it does not. */
export function checkJsonPath(template: string): { ok: true } | { ok: false; error: string } {
  const parsed = parseTemplate(template);
  return parsed.ok ? { ok: true } : { ok: false, error: `error: error parsing jsonpath ${template}, ${parsed.reason}\n` };
}

/** `-o jsonpath=TEMPLATE` on one object (or List): the output, or kubectl's whole error text. */
export function runJsonPath(template: string, data: unknown, options: JsonPathOptions = {}): JsonPathResult {
  const parsed = parseTemplate(template);
  if (!parsed.ok) return { ok: false, error: `error: error parsing jsonpath ${template}, ${parsed.reason}\n` };
  const jp = new JsonPath(parsed.root, options.allowMissingKeys ?? true);
  try {
    const groups = jp.findResults(data);
    return { ok: true, output: groups.map((g) => printResults(g, options.asJson === true)).join("") };
  } catch (e) {
    if (!(e instanceof ExecError)) throw e;
    const debug =
      `Error executing template: ${e.message}. Printing more information for debugging the template:\n` +
      `\ttemplate was:\n\t\t${template}\n` +
      `\tobject given to jsonpath engine was:\n\t\t${formatSharpV(data)}\n\n`;
    return { ok: false, error: `error: error executing jsonpath ${goQuote(template)}: ${debug}\n` };
  }
}

/** One path (`.a.b[*].c`) against data, as custom columns and --sort-by read it: every value it reaches, or undefined when it does not parse. */
export function findResults(path: string, data: unknown): unknown[] | undefined {
  const parsed = parseTemplate(`{${path}}`);
  if (!parsed.ok) return undefined;
  try {
    const values = new JsonPath(parsed.root, true).findResults(data).flat();
    return values.map((v) => (v instanceof GoNumber ? v.value : v));
  } catch (e) {
    if (e instanceof ExecError) return [];
    throw e;
  }
}
