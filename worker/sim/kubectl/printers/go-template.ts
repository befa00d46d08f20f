// kubectl's -o go-template: Go's text/template as cli-runtime's GoTemplatePrinter runs it, with the
// functions kubectl adds (exists, base64decode). The lexer, parser and executor follow Go's
// text/template/parse and exec step by step (the same items, nodes, positions and messages), so
// errors read as kubectl's do: `template: output:1: unclosed action` when parsing,
// `template: output:1:7: executing "output" at <.spec.replicas.foo>: can't evaluate field foo in type
// interface {}` when running. Values are decoded JSON (see go-values.ts); a value read out of a map
// or a list is typed interface {} until a pipeline unwraps it, as reflect sees it, because that type
// shows in messages.

import { goQuote } from "../../go-quote.ts";
import { formatFloatG, formatV, GoNumber, goJson, goKind, goTypeName, numberOf, sortedKeys, type GoValue } from "./go-values.ts";
import { utf8Bytes, utf8Text } from "../../base64.ts";

// ---------------------------------------------------------------------------------------------
// Lexer (text/template/parse/lex.go)

type ItemType =
  | "error"
  | "bool"
  | "char"
  | "charConstant"
  | "comment"
  | "complex"
  | "assign"
  | "declare"
  | "EOF"
  | "field"
  | "identifier"
  | "leftDelim"
  | "leftParen"
  | "number"
  | "pipe"
  | "rawString"
  | "rightDelim"
  | "rightParen"
  | "space"
  | "string"
  | "text"
  | "variable"
  // keywords
  | "block"
  | "break"
  | "continue"
  | "dot"
  | "define"
  | "else"
  | "end"
  | "if"
  | "nil"
  | "range"
  | "template"
  | "with";

interface Item {
  type: ItemType;
  pos: number;
  val: string;
  line: number;
}

const KEYWORDS: Record<string, ItemType> = {
  ".": "dot",
  block: "block",
  break: "break",
  continue: "continue",
  define: "define",
  else: "else",
  end: "end",
  if: "if",
  range: "range",
  nil: "nil",
  template: "template",
  with: "with",
};

const isKeyword = (t: ItemType): boolean => Object.values(KEYWORDS).includes(t);

function itemString(i: Item): string {
  if (i.type === "EOF") return "EOF";
  if (i.type === "error") return i.val;
  if (isKeyword(i.type)) return `<${i.val}>`;
  if ([...i.val].length > 10) return `${goQuote([...i.val].slice(0, 10).join(""))}...`;
  return goQuote(i.val);
}

const isSpace = (r: string): boolean => r === " " || r === "\t" || r === "\r" || r === "\n";
const isAlphaNumeric = (r: string): boolean => r === "_" || /^[\p{L}\p{Nd}]$/u.test(r);
const hasLeftTrimMarker = (s: string): boolean => s.length >= 2 && s[0] === "-" && isSpace(s[1]);
const hasRightTrimMarker = (s: string): boolean => s.length >= 2 && isSpace(s[0]) && s[1] === "-";
const SPACE_CHARS = /[ \t\r\n]/;

function rightTrimLength(s: string): number {
  let n = 0;
  while (n < s.length && SPACE_CHARS.test(s[s.length - 1 - n])) n++;
  return n;
}

function leftTrimLength(s: string): number {
  let n = 0;
  while (n < s.length && SPACE_CHARS.test(s[n])) n++;
  return n;
}

/** Positions are UTF-16 indices here; messages convert them to Go's byte offsets. */
function lex(input: string, options: { breakOK: boolean; continueOK: boolean }): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;
  let width = 0;
  let done = false;

  const next = (): string => {
    if (pos >= input.length) {
      width = 0;
      return "";
    }
    const r = String.fromCodePoint(input.codePointAt(pos)!);
    width = r.length;
    pos += width;
    if (r === "\n") line++;
    return r;
  };
  const backup = (): void => {
    if (width > 0) {
      pos -= width;
      if (input[pos] === "\n") line--;
    }
  };
  const peek = (): string => {
    const r = next();
    backup();
    return r;
  };
  const thisItem = (type: ItemType): Item => {
    const i = { type, pos: start, val: input.slice(start, pos), line: startLine };
    start = pos;
    startLine = line;
    return i;
  };
  const emit = (type: ItemType): void => {
    items.push(thisItem(type));
    if (type === "EOF" || type === "error") done = true;
  };
  const ignore = (): void => {
    line += (input.slice(start, pos).match(/\n/g) ?? []).length;
    start = pos;
    startLine = line;
  };
  const errorf = (message: string): void => {
    items.push({ type: "error", pos: start, val: message, line: startLine });
    done = true;
  };
  const accept = (valid: string): boolean => {
    const r = next();
    if (r !== "" && valid.includes(r)) return true;
    backup();
    return false;
  };
  const acceptRun = (valid: string): void => {
    for (;;) {
      const r = next();
      if (r === "" || !valid.includes(r)) break;
    }
    backup();
  };
  const atRightDelim = (): { delim: boolean; trimSpaces: boolean } => {
    if (hasRightTrimMarker(input.slice(pos)) && input.startsWith("}}", pos + 2)) return { delim: true, trimSpaces: true };
    if (input.startsWith("}}", pos)) return { delim: true, trimSpaces: false };
    return { delim: false, trimSpaces: false };
  };
  const atTerminator = (): boolean => {
    const r = peek();
    if (isSpace(r)) return true;
    if (r === "" || ".,|:)(".includes(r)) return true;
    return input.startsWith("}}", pos);
  };
  const scanNumber = (): boolean => {
    accept("+-");
    let digits = "0123456789_";
    if (accept("0")) {
      if (accept("xX")) digits = "0123456789abcdefABCDEF_";
      else if (accept("oO")) digits = "01234567_";
      else if (accept("bB")) digits = "01_";
    }
    acceptRun(digits);
    if (accept(".")) acceptRun(digits);
    if (digits.length === 11 && accept("eE")) {
      accept("+-");
      acceptRun("0123456789_");
    }
    if (digits.length === 23 && accept("pP")) {
      accept("+-");
      acceptRun("0123456789_");
    }
    accept("i");
    if (isAlphaNumeric(peek())) {
      next();
      return false;
    }
    return true;
  };
  const badChar = (r: string): string => {
    const code = r === "" ? 0 : r.codePointAt(0)!;
    const u = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
    return r !== "" && /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(r) ? `${u} '${r}'` : u;
  };

  type State = (() => State) | null;

  const lexText = (): State => {
    const x = input.indexOf("{{", pos);
    if (x >= 0) {
      if (x > pos) {
        pos = x;
        let trimLength = 0;
        const delimEnd = pos + 2;
        if (hasLeftTrimMarker(input.slice(delimEnd))) trimLength = rightTrimLength(input.slice(start, pos));
        pos -= trimLength;
        line += (input.slice(start, pos).match(/\n/g) ?? []).length;
        const i = thisItem("text");
        pos += trimLength;
        ignore();
        if (i.val.length > 0) items.push(i);
      }
      return lexLeftDelim;
    }
    pos = input.length;
    if (pos > start) {
      line += (input.slice(start, pos).match(/\n/g) ?? []).length;
      emit("text");
      return lexText;
    }
    emit("EOF");
    return null;
  };

  const lexLeftDelim = (): State => {
    pos += 2;
    const trimSpace = hasLeftTrimMarker(input.slice(pos));
    const afterMarker = trimSpace ? 2 : 0;
    if (input.startsWith("/*", pos + afterMarker)) {
      pos += afterMarker;
      ignore();
      return lexComment;
    }
    const i = thisItem("leftDelim");
    pos += afterMarker;
    ignore();
    parenDepth = 0;
    items.push(i);
    return lexInsideAction;
  };

  const lexComment = (): State => {
    pos += 2;
    const x = input.indexOf("*/", pos);
    if (x < 0) {
      errorf("unclosed comment");
      return null;
    }
    pos = x + 2;
    const { delim, trimSpaces } = atRightDelim();
    if (!delim) {
      errorf("comment ends before closing delimiter");
      return null;
    }
    if (trimSpaces) pos += 2;
    pos += 2;
    if (trimSpaces) pos += leftTrimLength(input.slice(pos));
    ignore();
    return lexText;
  };

  const lexRightDelim = (): State => {
    const { trimSpaces } = atRightDelim();
    if (trimSpaces) {
      pos += 2;
      ignore();
    }
    pos += 2;
    const i = thisItem("rightDelim");
    if (trimSpaces) {
      pos += leftTrimLength(input.slice(pos));
      ignore();
    }
    items.push(i);
    return lexText;
  };

  const lexInsideAction = (): State => {
    const { delim } = atRightDelim();
    if (delim) {
      if (parenDepth === 0) return lexRightDelim;
      errorf("unclosed left paren");
      return null;
    }
    const r = next();
    if (r === "") {
      errorf("unclosed action");
      return null;
    }
    if (isSpace(r)) {
      backup();
      return lexSpace;
    }
    switch (r) {
      case "=":
        emit("assign");
        return lexInsideAction;
      case ":":
        if (next() !== "=") {
          errorf("expected :=");
          return null;
        }
        emit("declare");
        return lexInsideAction;
      case "|":
        emit("pipe");
        return lexInsideAction;
      case '"':
        return lexQuote;
      case "`":
        return lexRawQuote;
      case "$":
        return lexVariable;
      case "'":
        return lexChar;
      case "(":
        parenDepth++;
        emit("leftParen");
        return lexInsideAction;
      case ")":
        parenDepth--;
        if (parenDepth < 0) {
          errorf("unexpected right paren");
          return null;
        }
        emit("rightParen");
        return lexInsideAction;
    }
    if (r === ".") {
      if (pos < input.length) {
        const c = input[pos];
        if (c < "0" || c > "9") return lexField;
      }
      backup();
      return lexNumber;
    }
    if (r === "+" || r === "-" || (r >= "0" && r <= "9")) {
      backup();
      return lexNumber;
    }
    if (isAlphaNumeric(r)) {
      backup();
      return lexIdentifier;
    }
    const code = r.codePointAt(0)!;
    if (code <= 0x7f && code >= 0x20 && code !== 0x7f) {
      emit("char");
      return lexInsideAction;
    }
    errorf(`unrecognized character in action: ${badChar(r)}`);
    return null;
  };

  const lexSpace = (): State => {
    let numSpaces = 0;
    while (isSpace(peek())) {
      next();
      numSpaces++;
    }
    if (hasRightTrimMarker(input.slice(pos - 1)) && input.startsWith("}}", pos + 1)) {
      backup();
      if (numSpaces === 1) return lexRightDelim;
    }
    emit("space");
    return lexInsideAction;
  };

  const lexIdentifier = (): State => {
    for (;;) {
      const r = next();
      if (isAlphaNumeric(r)) continue;
      backup();
      const word = input.slice(start, pos);
      if (!atTerminator()) {
        errorf(`bad character ${badChar(r)}`);
        return null;
      }
      const key = KEYWORDS[word];
      if (key !== undefined && key !== "dot") {
        if ((key === "break" && !options.breakOK) || (key === "continue" && !options.continueOK)) emit("identifier");
        else emit(key);
      } else if (word[0] === ".") emit("field");
      else if (word === "true" || word === "false") emit("bool");
      else emit("identifier");
      return lexInsideAction;
    }
  };

  const lexFieldOrVariable = (type: "field" | "variable"): State => {
    if (atTerminator()) {
      emit(type === "variable" ? "variable" : "dot");
      return lexInsideAction;
    }
    let r: string;
    for (;;) {
      r = next();
      if (!isAlphaNumeric(r)) {
        backup();
        break;
      }
    }
    if (!atTerminator()) {
      errorf(`bad character ${badChar(r)}`);
      return null;
    }
    emit(type);
    return lexInsideAction;
  };
  const lexField = (): State => lexFieldOrVariable("field");
  const lexVariable = (): State => {
    if (atTerminator()) {
      emit("variable");
      return lexInsideAction;
    }
    return lexFieldOrVariable("variable");
  };

  const lexQuoted = (quote: string, unterminated: string, type: ItemType): State => {
    for (;;) {
      let r = next();
      if (r === "\\") {
        r = next();
        if (r !== "" && r !== "\n") continue;
      }
      if (r === "" || r === "\n") {
        errorf(unterminated);
        return null;
      }
      if (r === quote) break;
    }
    emit(type);
    return lexInsideAction;
  };
  const lexChar = (): State => lexQuoted("'", "unterminated character constant", "charConstant");
  const lexQuote = (): State => lexQuoted('"', "unterminated quoted string", "string");
  const lexRawQuote = (): State => {
    for (;;) {
      const r = next();
      if (r === "") {
        errorf("unterminated raw quoted string");
        return null;
      }
      if (r === "`") break;
    }
    emit("rawString");
    return lexInsideAction;
  };

  const lexNumber = (): State => {
    if (!scanNumber()) {
      errorf(`bad number syntax: ${goQuote(input.slice(start, pos))}`);
      return null;
    }
    const sign = peek();
    if (sign === "+" || sign === "-") {
      if (!scanNumber() || input[pos - 1] !== "i") {
        errorf(`bad number syntax: ${goQuote(input.slice(start, pos))}`);
        return null;
      }
      emit("complex");
      return lexInsideAction;
    }
    emit("number");
    return lexInsideAction;
  };

  let state: State = lexText;
  while (state && !done) state = state();
  if (!done) items.push({ type: "EOF", pos, val: "", line });
  return items;
}

// ---------------------------------------------------------------------------------------------
// Go's strconv.Unquote, for string and character literals.

function unquoteChar(s: string, i: number, quote: string): { value: number; isByte: boolean; next: number } | undefined {
  const c = s[i];
  if (c === quote && (quote === "'" || quote === '"')) return undefined;
  if (c !== "\\") {
    const cp = s.codePointAt(i)!;
    return { value: cp, isByte: false, next: i + (cp > 0xffff ? 2 : 1) };
  }
  const e = s[i + 1];
  if (e === undefined) return undefined;
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92 };
  if (simple[e] !== undefined) return { value: simple[e], isByte: false, next: i + 2 };
  if (e === "'" || e === '"') return e === quote ? { value: e.charCodeAt(0), isByte: false, next: i + 2 } : undefined;
  const hexLen = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
  if (hexLen > 0) {
    const digits = s.slice(i + 2, i + 2 + hexLen);
    if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(digits)) return undefined;
    const v = parseInt(digits, 16);
    if (e === "x") return { value: v, isByte: true, next: i + 2 + hexLen };
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return undefined;
    return { value: v, isByte: false, next: i + 2 + hexLen };
  }
  if (e >= "0" && e <= "7") {
    const digits = s.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(digits)) return undefined;
    const v = parseInt(digits, 8);
    if (v > 255) return undefined;
    return { value: v, isByte: true, next: i + 4 };
  }
  return undefined;
}

/** strconv.Unquote of a "..." or `...` literal; undefined for Go's ErrSyntax. Bytes (\xNN) decode as UTF-8. */
function unquoteString(lit: string): string | undefined {
  if (lit.startsWith("`")) return lit.length >= 2 && lit.endsWith("`") ? lit.slice(1, -1).replace(/\r/g, "") : undefined;
  if (lit.length < 2 || !lit.startsWith('"') || !lit.endsWith('"')) return undefined;
  const body = lit.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; ) {
    if (body[i] === "\n") return undefined;
    const r = unquoteChar(body, i, '"');
    if (!r) return undefined;
    if (r.isByte) bytes.push(r.value);
    else bytes.push(...utf8Bytes(String.fromCodePoint(r.value)));
    i = r.next;
  }
  return utf8Text(bytes);
}

function byteLength(s: string): number {
  return utf8Bytes(s).length;
}

// ---------------------------------------------------------------------------------------------
// Parse tree (text/template/parse/node.go)

type FieldNode = { type: "field"; pos: number; ident: string[] };
type VariableNode = { type: "variable"; pos: number; ident: string[] };
type IdentifierNode = { type: "identifier"; pos: number; ident: string };
type NumberNode = {
  type: "number";
  pos: number;
  text: string;
  isInt: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int: number;
  float: number;
};
type StringNode = { type: "string"; pos: number; quoted: string; text: string };
type ChainNode = { type: "chain"; pos: number; node: Operand; field: string[] };
type Operand =
  | FieldNode
  | VariableNode
  | IdentifierNode
  | NumberNode
  | StringNode
  | ChainNode
  | PipeNode
  | { type: "dot"; pos: number }
  | { type: "nil"; pos: number }
  | { type: "bool"; pos: number; value: boolean };
type CommandNode = { type: "command"; pos: number; args: Operand[] };
type PipeNode = { type: "pipe"; pos: number; line: number; isAssign: boolean; decl: VariableNode[]; cmds: CommandNode[] };
type ListNode = { type: "list"; pos: number; nodes: TNode[] };
type BranchNode = { type: "if" | "range" | "with"; pos: number; line: number; pipe: PipeNode; list: ListNode; elseList?: ListNode };
type TNode =
  | { type: "text"; pos: number; text: string }
  | { type: "action"; pos: number; line: number; pipe: PipeNode }
  | BranchNode
  | { type: "break" | "continue"; pos: number; line: number }
  | { type: "template"; pos: number; line: number; name: string; pipe?: PipeNode }
  | { type: "end"; pos: number }
  | { type: "else"; pos: number; line: number };

function nodeString(n: Operand | CommandNode | TNode | ListNode): string {
  switch (n.type) {
    case "field":
      return n.ident.map((f) => "." + f).join("");
    case "variable":
      return n.ident.join(".");
    case "identifier":
      return n.ident;
    case "number":
      return n.text;
    case "string":
      return n.quoted;
    case "dot":
      return ".";
    case "nil":
      return "nil";
    case "bool":
      return String(n.value);
    case "chain": {
      const inner = n.node.type === "pipe" ? `(${nodeString(n.node)})` : nodeString(n.node);
      return inner + n.field.map((f) => "." + f).join("");
    }
    case "command":
      return n.args.map((a) => (a.type === "pipe" ? `(${nodeString(a)})` : nodeString(a))).join(" ");
    case "pipe": {
      let s = "";
      if (n.decl.length > 0) s = n.decl.map((v) => nodeString(v)).join(", ") + (n.isAssign ? " = " : " := ");
      return s + n.cmds.map(nodeString).join(" | ");
    }
    case "list":
      return n.nodes.map(nodeString).join("");
    case "text":
      return n.text;
    case "action":
      return `{{${nodeString(n.pipe)}}}`;
    case "if":
    case "range":
    case "with": {
      let s = `{{${n.type} ${nodeString(n.pipe)}}}${nodeString(n.list)}`;
      if (n.elseList) s += `{{else}}${nodeString(n.elseList)}`;
      return s + "{{end}}";
    }
    case "break":
      return "{{break}}";
    case "continue":
      return "{{continue}}";
    case "template":
      return n.pipe ? `{{template ${goQuote(n.name)} ${nodeString(n.pipe)}}}` : `{{template ${goQuote(n.name)}}}`;
    case "end":
      return "{{end}}";
    case "else":
      return "{{else}}";
  }
}

// ---------------------------------------------------------------------------------------------
// Parser (text/template/parse/parse.go)

class TemplateError extends Error {}

const FUNCS = new Set([
  "and",
  "base64decode",
  "call",
  "eq",
  "exists",
  "ge",
  "gt",
  "html",
  "index",
  "js",
  "le",
  "len",
  "lt",
  "ne",
  "not",
  "or",
  "print",
  "printf",
  "println",
  "slice",
  "urlquery",
]);

interface Tree {
  name: string;
  root: ListNode;
  /** The text the tree was parsed from, for the line and column of its errors (a template set's file). */
  text?: string;
  /** The file it was defined in, as errors name it (a template set's). */
  file?: string;
}

class Parser {
  private items: Item[];
  private idx = 0;
  private token: Item[] = [];
  private peekCount = 0;
  private vars: string[] = ["$"];
  private rangeDepth = 0;
  private actionLine = 0;
  private lastLine = 1;

  constructor(
    private readonly text: string,
    private readonly trees: Map<string, Tree>,
    private readonly funcs: ReadonlySet<string> = FUNCS,
  ) {
    this.items = lex(text, { breakOK: true, continueOK: true });
  }

  private lexNext(): Item {
    const item = this.items[Math.min(this.idx, this.items.length - 1)];
    this.idx++;
    return item;
  }

  private next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.lexNext();
    this.lastLine = this.token[this.peekCount].line;
    return this.token[this.peekCount];
  }
  private backup(): void {
    this.peekCount++;
  }
  private backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }
  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }
  private peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1];
    this.peekCount = 1;
    this.token[0] = this.lexNext();
    this.lastLine = this.token[0].line;
    return this.token[0];
  }
  private nextNonSpace(): Item {
    let token: Item;
    for (;;) {
      token = this.next();
      if (token.type !== "space") break;
    }
    return token;
  }
  private peekNonSpace(): Item {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  private errorf(message: string): never {
    throw new TemplateError(`template: output:${this.token[0]?.line ?? this.lastLine}: ${message}`);
  }
  private expect(expected: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.type !== expected) this.unexpected(token, context);
    return token;
  }
  private unexpected(token: Item, context: string): never {
    if (token.type === "error") {
      let extra = "";
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at output:${this.actionLine}`;
        if (token.val.endsWith(" action")) extra = extra.slice(" in action".length);
      }
      this.errorf(`${token.val}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  parse(): ListNode {
    const root: ListNode = { type: "list", pos: this.peek().pos, nodes: [] };
    while (this.peek().type !== "EOF") {
      if (this.peek().type === "leftDelim") {
        const delim = this.next();
        if (this.nextNonSpace().type === "define") {
          this.parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.type === "end" || n.type === "else") this.errorf(`unexpected ${nodeString(n)}`);
      root.nodes.push(n);
    }
    return root;
  }

  private parseDefinition(): void {
    const context = "define clause";
    const token = this.nextNonSpace();
    if (token.type !== "string" && token.type !== "rawString") this.unexpected(token, context);
    const name = unquoteString(token.val);
    if (name === undefined) this.errorf("invalid syntax");
    this.expect("rightDelim", context);
    const savedVars = this.vars;
    this.vars = ["$"];
    const [list, end] = this.itemList();
    this.vars = savedVars;
    if (end.type !== "end") this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.addTree(name, list);
  }

  private addTree(name: string, root: ListNode): void {
    const existing = this.trees.get(name);
    // Go's Tree.add: a definition replaces an empty one; two non-empty ones with the same name are an error.
    if (existing && !isEmptyTree(existing.root) && !isEmptyTree(root)) this.errorf(`template: multiple definition of template ${goQuote(name)}`);
    if (!existing || isEmptyTree(existing.root)) this.trees.set(name, { name, root, text: this.text });
  }

  private itemList(): [ListNode, TNode] {
    const list: ListNode = { type: "list", pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== "EOF") {
      const n = this.textOrAction();
      if (n.type === "end" || n.type === "else") return [list, n];
      list.nodes.push(n);
    }
    this.errorf("unexpected EOF");
  }

  private textOrAction(): TNode {
    const token = this.nextNonSpace();
    if (token.type === "text") return { type: "text", pos: token.pos, text: token.val };
    if (token.type === "leftDelim") {
      this.actionLine = token.line;
      try {
        return this.action();
      } finally {
        this.actionLine = 0;
      }
    }
    this.unexpected(token, "input");
  }

  private action(): TNode {
    const token = this.nextNonSpace();
    switch (token.type) {
      case "block":
        return this.blockControl();
      case "break":
      case "continue": {
        const t = this.nextNonSpace();
        if (t.type !== "rightDelim") this.unexpected(t, `{{${token.type}}}`);
        if (this.rangeDepth === 0) this.errorf(`{{${token.type}}} outside {{range}}`);
        return { type: token.type, pos: token.pos, line: token.line };
      }
      case "else":
        return this.elseControl();
      case "end":
        return { type: "end", pos: this.expect("rightDelim", "end").pos };
      case "if":
        return this.control("if");
      case "range":
        return this.control("range");
      case "template":
        return this.templateControl();
      case "with":
        return this.control("with");
    }
    this.backup();
    const t = this.peek();
    return { type: "action", pos: t.pos, line: t.line, pipe: this.pipeline("command", "rightDelim") };
  }

  private control(context: "if" | "range" | "with"): BranchNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(context, "rightDelim");
      if (context === "range") this.rangeDepth++;
      let [list, next] = this.itemList();
      if (context === "range") this.rangeDepth--;
      let elseList: ListNode | undefined;
      if (next.type === "else") {
        if ((context === "if" && this.peek().type === "if") || (context === "with" && this.peek().type === "with")) {
          this.next();
          elseList = { type: "list", pos: next.pos, nodes: [this.control(context)] };
        } else {
          [elseList, next] = this.itemList();
          if (next.type !== "end") this.errorf(`expected end; found ${nodeString(next)}`);
        }
      }
      return { type: context, pos: pipe.pos, line: pipe.line, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  private elseControl(): TNode {
    const peek = this.peekNonSpace();
    if (peek.type === "if" || peek.type === "with") return { type: "else", pos: peek.pos, line: peek.line };
    const token = this.expect("rightDelim", "else");
    return { type: "else", pos: token.pos, line: token.line };
  }

  private templateName(token: Item, context: string): string {
    if (token.type !== "string" && token.type !== "rawString") this.unexpected(token, context);
    const name = unquoteString(token.val);
    if (name === undefined) this.errorf("invalid syntax");
    return name;
  }

  private templateControl(): TNode {
    const context = "template clause";
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== "rightDelim") {
      this.backup();
      pipe = this.pipeline(context, "rightDelim");
    }
    return { type: "template", pos: token.pos, line: token.line, name, pipe };
  }

  private blockControl(): TNode {
    const context = "block clause";
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    const pipe = this.pipeline(context, "rightDelim");
    const savedVars = this.vars;
    this.vars = ["$"];
    const [list, end] = this.itemList();
    this.vars = savedVars;
    if (end.type !== "end") this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.addTree(name, list);
    return { type: "template", pos: token.pos, line: token.line, name, pipe };
  }

  private pipeline(context: string, end: ItemType): PipeNode {
    const token = this.peekNonSpace();
    const pipe: PipeNode = { type: "pipe", pos: token.pos, line: token.line, isAssign: false, decl: [], cmds: [] };
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== "variable") break;
      this.next();
      const tokenAfterVariable = this.peek();
      const next = this.peekNonSpace();
      if (next.type === "assign" || next.type === "declare") {
        pipe.isAssign = next.type === "assign";
        this.nextNonSpace();
        pipe.decl.push({ type: "variable", pos: v.pos, ident: v.val.split(".") });
        this.vars.push(v.val);
      } else if (next.type === "char" && next.val === ",") {
        this.nextNonSpace();
        pipe.decl.push({ type: "variable", pos: v.pos, ident: v.val.split(".") });
        this.vars.push(v.val);
        if (context === "range" && pipe.decl.length < 2) {
          const t = this.peekNonSpace().type;
          if (t === "variable" || t === "rightDelim" || t === "rightParen") continue decls;
          this.errorf("range can only initialize variables");
        }
        this.errorf(`too many declarations in ${context}`);
      } else if (tokenAfterVariable.type === "space") {
        this.backup3(v, tokenAfterVariable);
      } else {
        this.backup2(v);
      }
      break;
    }
    for (;;) {
      const token = this.nextNonSpace();
      if (token.type === end) {
        if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
        pipe.cmds.slice(1).forEach((c, i) => {
          const t = c.args[0].type;
          if (t === "bool" || t === "dot" || t === "nil" || t === "number" || t === "string") {
            this.errorf(`non executable command in pipeline stage ${i + 2}`);
          }
        });
        return pipe;
      }
      switch (token.type) {
        case "bool":
        case "charConstant":
        case "complex":
        case "dot":
        case "field":
        case "identifier":
        case "number":
        case "nil":
        case "rawString":
        case "string":
        case "variable":
        case "leftParen":
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: "command", pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const token = this.next();
      if (token.type === "space") continue;
      if (token.type === "rightDelim" || token.type === "rightParen") this.backup();
      else if (token.type !== "pipe") this.unexpected(token, "operand");
      break;
    }
    if (cmd.args.length === 0) this.errorf("empty command");
    return cmd;
  }

  private operand(): Operand | undefined {
    let node = this.term();
    if (!node) return undefined;
    if (this.peek().type === "field") {
      const pos = this.peek().pos;
      const fields: string[] = [];
      while (this.peek().type === "field") fields.push(this.next().val.slice(1));
      switch (node.type) {
        case "field":
          node = { type: "field", pos, ident: [...node.ident, ...fields] };
          break;
        case "variable":
          node = { type: "variable", pos, ident: [...node.ident, ...fields] };
          break;
        case "bool":
        case "string":
        case "number":
        case "nil":
        case "dot":
          this.errorf(`unexpected . after term ${goQuote(nodeString(node))}`);
        // falls through: errorf never returns
        default:
          node = { type: "chain", pos, node, field: fields };
      }
    }
    return node;
  }

  private term(): Operand | undefined {
    const token = this.nextNonSpace();
    switch (token.type) {
      case "identifier":
        if (!this.funcs.has(token.val)) this.errorf(`function ${goQuote(token.val)} not defined`);
        return { type: "identifier", pos: token.pos, ident: token.val };
      case "dot":
        return { type: "dot", pos: token.pos };
      case "nil":
        return { type: "nil", pos: token.pos };
      case "variable": {
        const ident = token.val.split(".");
        if (!this.vars.includes(ident[0])) this.errorf(`undefined variable ${goQuote(ident[0])}`);
        return { type: "variable", pos: token.pos, ident };
      }
      case "field":
        return { type: "field", pos: token.pos, ident: [token.val.slice(1)] };
      case "bool":
        return { type: "bool", pos: token.pos, value: token.val === "true" };
      case "charConstant":
      case "complex":
      case "number":
        return this.number(token);
      case "leftParen":
        return this.pipeline("parenthesized pipeline", "rightParen");
      case "string":
      case "rawString": {
        const text = unquoteString(token.val);
        if (text === undefined) this.errorf("invalid syntax");
        return { type: "string", pos: token.pos, quoted: token.val, text };
      }
    }
    this.backup();
    return undefined;
  }

  private number(token: Item): NumberNode {
    const text = token.val;
    const n: NumberNode = { type: "number", pos: token.pos, text, isInt: false, isFloat: false, isComplex: false, int: 0, float: 0 };
    if (token.type === "charConstant") {
      const r = unquoteChar(text, 1, "'");
      if (!r) this.errorf("invalid syntax");
      if (text.slice(r.next) !== "'") this.errorf(`malformed character constant: ${text}`);
      return { ...n, isInt: true, isFloat: true, int: r.value, float: r.value };
    }
    if (token.type === "complex" || text.endsWith("i")) {
      n.isComplex = true;
      return n;
    }
    const int = parseGoInt(text);
    if (int !== undefined) return { ...n, isInt: true, isFloat: true, int, float: int };
    const f = parseGoFloat(text);
    if (f !== undefined) {
      if (!/[.eEpP]/.test(text)) this.errorf(`integer overflow: ${goQuote(text)}`);
      return { ...n, isFloat: true, float: f, isInt: Number.isInteger(f) && Math.abs(f) < 2 ** 63, int: f };
    }
    this.errorf(`illegal number syntax: ${goQuote(text)}`);
  }
}

function isEmptyTree(list: ListNode): boolean {
  return list.nodes.every((n) => n.type === "text" && n.text.trim() === "");
}

/** strconv.ParseInt(text, 0, 64): undefined when it is not an integer or does not fit. */
function parseGoInt(text: string): number | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(text);
  if (!m) return undefined;
  let body = m[2];
  // Underscores only between digits or after a base prefix.
  if (/__|_$/.test(body)) return undefined;
  body = body.replace(/_/g, "");
  let value: bigint;
  if (/^0[xX]/.test(body)) value = BigInt(body);
  else if (/^0[oO]/.test(body)) value = BigInt("0o" + body.slice(2));
  else if (/^0[bB]/.test(body)) value = BigInt(body);
  else if (/^0[0-7]+$/.test(body)) value = BigInt("0o" + body.slice(1));
  else value = BigInt(body);
  if (m[1] === "-") value = -value;
  if (value > 2n ** 63n - 1n || value < -(2n ** 63n)) return undefined;
  return Number(value);
}

function parseGoFloat(text: string): number | undefined {
  const t = text.replace(/_/g, "");
  if (/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$/.test(t)) return Number(t);
  if (/^[+-]?0[xX]/.test(t)) {
    const m = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(t);
    if (!m) return undefined;
    const mant = parseInt((m[2] || "0") + (m[3] || ""), 16) / 16 ** m[3].length;
    const v = mant * 2 ** Number(m[4]);
    return m[1] === "-" ? -v : v;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Execution (text/template/exec.go and funcs.go)

/** A value with the static type reflect gives it: `iface` when it was read out of a map or a list (interface {}). */
type Slot = { v: GoValue; iface: boolean };

class ExecError extends Error {}
class BreakSignal {}
class ContinueSignal {}

/** A function's error, reported as `error calling NAME: ...`. */
class CallError extends Error {}

const MAX_DEPTH = 1000;

class State {
  out = "";
  node: { pos: number; str: string } | undefined;
  vars: { name: string; value: Slot }[] = [];
  depth = 0;
  tmplName = "output";
  /** The file whose tree runs (a template set's file name; kubectl's one template is "output"). */
  parseName = "output";

  constructor(
    private text: string,
    private readonly trees: Map<string, Tree>,
    private readonly extra: Readonly<Record<string, TemplateFunc>> = {},
  ) {}

  at(node: Operand | CommandNode | TNode): void {
    this.node = { pos: node.pos, str: nodeString(node) };
  }

  errorf(message: string): never {
    if (!this.node) throw new ExecError(`template: ${this.tmplName}: ${message}`);
    const before = this.text.slice(0, this.node.pos);
    const lineNum = 1 + (before.match(/\n/g) ?? []).length;
    const lastNewline = before.lastIndexOf("\n");
    const col = byteLength(before.slice(lastNewline + 1));
    const context = this.node.str;
    throw new ExecError(`template: ${this.parseName}:${lineNum}:${col}: executing ${goQuote(this.tmplName)} at <${context}>: ${message}`);
  }

  push(name: string, value: Slot): void {
    this.vars.push({ name, value });
  }
  setVar(name: string, value: Slot): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        this.vars[i].value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }
  varValue(name: string): Slot {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i].value;
    this.errorf(`undefined variable: ${name}`);
  }

  walk(dot: Slot, node: TNode | ListNode): void {
    switch (node.type) {
      case "action": {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case "break":
        throw new BreakSignal();
      case "continue":
        throw new ContinueSignal();
      case "if":
      case "with":
        return this.walkIfOrWith(node, dot);
      case "list":
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case "range":
        return this.walkRange(dot, node);
      case "template":
        return this.walkTemplate(dot, node);
      case "text":
        this.out += node.text;
        return;
    }
    this.errorf(`unknown node: ${nodeString(node)}`);
  }

  private walkIfOrWith(node: BranchNode, dot: Slot): void {
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, node.pipe);
      const truth = isTrue(val);
      if (truth === undefined) this.errorf(`if/with can't use ${formatV(val)}`);
      if (truth) {
        if (node.type === "with") this.walk({ v: val, iface: false }, node.list);
        else this.walk(dot, node.list);
      } else if (node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.vars.length = mark;
    }
  }

  private walkRange(dot: Slot, r: BranchNode): void {
    this.at(r);
    const mark0 = this.vars.length;
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const mark = this.vars.length;
      const oneIteration = (index: Slot, elem: Slot): boolean => {
        const decl = r.pipe.decl;
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar(decl[0].ident[0], decl.length > 1 ? index : elem);
          else this.vars[this.vars.length - 1].value = elem;
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1].ident[0], elem);
          else this.vars[this.vars.length - 2].value = index;
        }
        try {
          this.walk(elem, r.list);
        } catch (e) {
          if (e instanceof BreakSignal) return false;
          if (!(e instanceof ContinueSignal)) throw e;
        } finally {
          this.vars.length = mark;
        }
        return true;
      };
      const kind = goKind(val);
      if (kind === "slice") {
        const list = val as GoValue[];
        if (list.length > 0) {
          for (let i = 0; i < list.length; i++) if (!oneIteration({ v: new GoNumber(i, "int"), iface: false }, { v: list[i], iface: true })) break;
          return;
        }
      } else if (kind === "map") {
        const map = val as Record<string, GoValue>;
        const keys = sortedKeys(map);
        if (keys.length > 0) {
          for (const k of keys) if (!oneIteration({ v: k, iface: false }, { v: map[k], iface: true })) break;
          return;
        }
      } else if (kind !== "invalid" && kind !== "nil") {
        this.errorf(`range can't iterate over ${formatV(val)}`);
      }
      if (r.elseList) this.walk(dot, r.elseList);
    } finally {
      this.vars.length = mark0;
    }
  }

  private walkTemplate(dot: Slot, t: Extract<TNode, { type: "template" }>): void {
    this.at(t);
    const tree = this.trees.get(t.name);
    if (!tree) this.errorf(`template ${goQuote(t.name)} not defined`);
    if (this.depth >= MAX_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_DEPTH})`);
    const value = t.pipe ? this.evalPipeline(dot, t.pipe) : undefined;
    this.runTree(tree, value);
  }

  /** Runs a named tree with `value` as dot and $ (a {{template}} action, or helm's include). */
  runTree(tree: Tree, value: GoValue): void {
    const saved = { vars: this.vars, name: this.tmplName, text: this.text, parseName: this.parseName };
    this.vars = [{ name: "$", value: { v: value, iface: false } }];
    this.tmplName = tree.name;
    if (tree.text !== undefined) this.text = tree.text;
    if (tree.file !== undefined) this.parseName = tree.file;
    this.depth++;
    try {
      this.walk({ v: value, iface: false }, tree.root);
    } finally {
      this.depth--;
      this.vars = saved.vars;
      this.tmplName = saved.name;
      this.text = saved.text;
      this.parseName = saved.parseName;
    }
  }

  /** A named template's output on its own (helm's include), run in this state for its depth limit. */
  include(name: string, value: GoValue): string {
    const tree = this.trees.get(name);
    if (!tree) throw new CallError(`template: no template ${goQuote(name)} associated with template ${goQuote(this.tmplName)}`);
    if (this.depth >= MAX_DEPTH) throw new CallError(`rendering template has a nested reference name: ${name}`);
    const saved = this.out;
    this.out = "";
    try {
      this.runTree(tree, value);
      return this.out;
    } finally {
      this.out = saved;
    }
  }

  /** A pipeline's value, unwrapped from interface {} after every command as Go does: a nil interface becomes invalid. */
  evalPipeline(dot: Slot, pipe: PipeNode): GoValue {
    this.at(pipe);
    let value: GoValue = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      if (value === null) value = undefined;
    }
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.setVar(variable.ident[0], { v: value, iface: false });
      else this.push(variable.ident[0], { v: value, iface: false });
    }
    return value;
  }

  private notAFunction(args: Operand[], final: GoValue): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0])}`);
  }

  private evalCommand(dot: Slot, cmd: CommandNode, final: GoValue): GoValue {
    const first = cmd.args[0];
    switch (first.type) {
      case "field":
        return this.evalFieldNode(dot, first, cmd.args, final);
      case "chain":
        return this.evalChainNode(dot, first, cmd.args, final);
      case "identifier":
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case "pipe":
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case "variable":
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case "bool":
        return first.value;
      case "dot":
        return dot.v;
      case "nil":
        this.errorf("nil is not a command");
      // falls through: errorf never returns
      case "number":
        return this.idealConstant(first);
      case "string":
        return first.text;
    }
  }

  private idealConstant(n: NumberNode): GoValue {
    this.at(n);
    if (n.isComplex) this.errorf(`complex constants are not supported in this playground: ${n.text}`);
    if (n.isFloat && !/^[+-]?0[xX][0-9a-fA-F_]*$/.test(n.text) && !n.text.startsWith("'") && /[.eEpP]/.test(n.text)) {
      return new GoNumber(n.float, "float64");
    }
    if (n.isInt) return new GoNumber(n.int, "int");
    return undefined;
  }

  private evalFieldNode(dot: Slot, field: FieldNode, args: Operand[], final: GoValue): GoValue {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final).v;
  }

  private evalChainNode(dot: Slot, chain: ChainNode, args: Operand[], final: GoValue): GoValue {
    if (chain.field.length === 0) this.errorf("internal error: no fields in evalChainNode");
    if (chain.node.type === "nil") this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, "any", chain.node);
    return this.evalFieldChain(dot, { v: pipe, iface: false }, chain, chain.field, args, final).v;
  }

  private evalVariableNode(dot: Slot, variable: VariableNode, args: Operand[], final: GoValue): GoValue {
    this.at(variable);
    const value = this.varValue(variable.ident[0]);
    if (variable.ident.length === 1) {
      this.notAFunction(args, final);
      return value.v;
    }
    return this.evalFieldChain(dot, value, variable, variable.ident.slice(1), args, final).v;
  }

  private evalFieldChain(dot: Slot, receiver: Slot, node: Operand, ident: string[], args: Operand[], final: GoValue): Slot {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) receiver = this.evalField(dot, ident[i], node, [], MISSING, receiver);
    return this.evalField(dot, ident[n - 1], node, args, final, receiver);
  }

  private evalField(_dot: Slot, fieldName: string, _node: Operand, args: Operand[], final: GoValue, receiver: Slot): Slot {
    if (receiver.v === undefined) return { v: undefined, iface: false };
    const typ = receiver.iface ? "interface {}" : goTypeName(receiver.v);
    if (receiver.v === null) this.errorf(`nil pointer evaluating ${typ}.${fieldName}`);
    if (receiver.v instanceof GoMethods) {
      const method = receiver.v.methods[fieldName];
      if (!method) this.errorf(`can't evaluate field ${fieldName} in type ${receiver.v.typeName}`);
      const argv = args.slice(1).map((a) => this.evalArg(_dot, "any", a));
      if (final !== MISSING) argv.push(final);
      return { v: method(argv), iface: false };
    }
    if (goKind(receiver.v) === "map") {
      if (args.length > 1 || final !== MISSING) this.errorf(`${fieldName} is not a method but has arguments`);
      const map = receiver.v as Record<string, GoValue>;
      const value = Object.prototype.hasOwnProperty.call(map, fieldName) ? map[fieldName] : undefined;
      return { v: value, iface: value !== undefined };
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typ}`);
  }

  private evalFunction(dot: Slot, node: IdentifierNode, cmd: CommandNode | IdentifierNode, args: Operand[], final: GoValue): GoValue {
    this.at(node);
    return this.evalCall(dot, node.ident, cmd, args, final);
  }

  /** Arguments as Go's evalArg makes them for a parameter of type `any` (interface {}), `value` (reflect.Value) or `string`. */
  private evalArg(dot: Slot, typ: ParamType, n: Operand): GoValue {
    this.at(n);
    switch (n.type) {
      case "dot":
        return this.validateType(dot.v, typ);
      case "nil":
        if (typ === "string") this.errorf("cannot assign nil to string");
        return null;
      case "field":
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), typ);
      case "variable":
        return this.validateType(this.evalVariableNode(dot, n, [], MISSING), typ);
      case "pipe":
        return this.validateType(this.evalPipeline(dot, n), typ);
      case "identifier":
        return this.validateType(this.evalFunction(dot, n, n, [], MISSING), typ);
      case "chain":
        return this.validateType(this.evalChainNode(dot, n, [], MISSING), typ);
    }
    if (typ === "string") {
      if (n.type === "string") return n.text;
      this.errorf(`expected string; found ${nodeString(n)}`);
    }
    switch (n.type) {
      case "bool":
        return n.value;
      case "number":
        return this.idealConstant(n);
      case "string":
        return n.text;
    }
  }

  private validateType(value: GoValue, typ: ParamType): GoValue {
    if (value === undefined) {
      if (typ === "string") this.errorf("invalid value; expected string");
      return typ === "value" ? undefined : null;
    }
    if (typ === "string" && typeof value !== "string") {
      this.errorf(`wrong type for value; expected string; got ${value === null ? "interface {}" : goTypeName(value)}`);
    }
    return value;
  }

  private evalCall(dot: Slot, name: string, node: CommandNode | IdentifierNode, argNodes: Operand[], final: GoValue): GoValue {
    const args = argNodes.length > 0 ? argNodes.slice(1) : argNodes;
    const extra = Object.prototype.hasOwnProperty.call(this.extra, name) ? this.extra[name] : undefined;
    const sig = extra ?? SIGNATURES[name];
    let numIn = args.length;
    if (final !== MISSING) numIn++;
    if (sig.variadic) {
      const numFixed = sig.params.length - 1;
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${args.length}`);
    } else if (numIn !== sig.params.length) {
      this.errorf(`wrong number of args for ${name}: want ${sig.params.length} got ${numIn}`);
    }
    const paramType = (i: number): ParamType => (sig.variadic && i >= sig.params.length - 1 ? sig.params[sig.params.length - 1] : sig.params[i]);

    if (name === "and" || name === "or") {
      let v: GoValue = undefined;
      for (const arg of args) {
        v = unwrapInterface(this.evalArg(dot, "value", arg));
        if ((isTrue(v) ?? false) === (name === "or")) return v;
      }
      if (final !== MISSING) v = this.validateType(final, "value");
      return v;
    }

    const argv: GoValue[] = [];
    if (name === "call") {
      // Templates get no function values from kubectl's objects, so every call fails as Go's does.
      const fn = unwrapInterface(this.evalArg(dot, "value", args[0]));
      this.at(node as CommandNode);
      if (fn === undefined) this.errorf("error calling call: call of nil");
      this.errorf(`error calling call: non-function ${nodeString(args[0])} of type ${goTypeName(fn)}`);
    }
    args.forEach((arg, i) => argv.push(this.evalArg(dot, paramType(i), arg)));
    if (final !== MISSING) argv.push(this.validateType(final, paramType(argv.length)));
    try {
      return extra ? extra.run(argv, this) : BUILTINS[name](argv);
    } catch (e) {
      if (e instanceof CallError) {
        this.at(node as CommandNode);
        this.errorf(`error calling ${name}: ${e.message}`);
      }
      throw e;
    }
  }

  printValue(node: TNode, v: GoValue): void {
    this.at(node);
    this.out += v === undefined || v === null ? "<no value>" : formatV(v);
  }
}

/** A command with no pipeline value before it (Go's missingVal). */
const MISSING = Symbol("missing");

type ParamType = "any" | "value" | "string";

const SIGNATURES: Record<string, { params: ParamType[]; variadic: boolean }> = {
  and: { params: ["value", "value"], variadic: true },
  or: { params: ["value", "value"], variadic: true },
  not: { params: ["value"], variadic: false },
  call: { params: ["value", "value"], variadic: true },
  html: { params: ["any"], variadic: true },
  js: { params: ["any"], variadic: true },
  urlquery: { params: ["any"], variadic: true },
  print: { params: ["any"], variadic: true },
  println: { params: ["any"], variadic: true },
  printf: { params: ["string", "any"], variadic: true },
  index: { params: ["value", "value"], variadic: true },
  slice: { params: ["value", "value"], variadic: true },
  len: { params: ["value"], variadic: false },
  eq: { params: ["value", "value"], variadic: true },
  ne: { params: ["value", "value"], variadic: false },
  lt: { params: ["value", "value"], variadic: false },
  le: { params: ["value", "value"], variadic: false },
  gt: { params: ["value", "value"], variadic: false },
  ge: { params: ["value", "value"], variadic: false },
  exists: { params: ["any", "any"], variadic: true },
  base64decode: { params: ["string"], variadic: false },
};

/** indirectInterface: a nil interface is no value at all. */
function unwrapInterface(v: GoValue): GoValue {
  return v === null ? undefined : v;
}

/** isTrue; undefined where Go answers "not ok". */
function isTrue(v: GoValue): boolean | undefined {
  switch (goKind(v)) {
    case "invalid":
    case "nil":
      return false;
    case "bool":
      return v as boolean;
    case "int":
    case "float":
      return numberOf(v) !== 0;
    case "string":
      return (v as string).length > 0;
    case "slice":
      return (v as GoValue[]).length > 0;
    case "map":
      return sortedKeys(v as object).length > 0;
  }
}

type BasicKind = "invalid" | "bool" | "int" | "float" | "string" | "other";

function basicKind(v: GoValue): BasicKind {
  const k = goKind(v);
  if (k === "invalid" || k === "nil") return "invalid";
  if (k === "bool" || k === "int" || k === "float" || k === "string") return k;
  return "other";
}

const BAD_COMPARISON_TYPE = "invalid type for comparison";
const BAD_COMPARISON = "incompatible types for comparison";

function scalarOf(v: GoValue): number | string | boolean {
  return typeof v === "string" || typeof v === "boolean" ? v : numberOf(v);
}

function eq(arg1: GoValue, ...arg2: GoValue[]): boolean {
  arg1 = unwrapInterface(arg1);
  if (arg2.length === 0) throw new CallError("missing argument for comparison");
  const k1 = basicKind(arg1);
  for (let arg of arg2) {
    arg = unwrapInterface(arg);
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (arg1 !== undefined && arg !== undefined) throw new CallError(BAD_COMPARISON);
    } else if (k1 === "other") {
      // Maps and slices are not comparable in Go; a nil compares with a nil.
      throw new CallError(`non-comparable type ${formatV(arg1)}: ${goTypeName(arg1)}`);
    } else if (k1 === "invalid") {
      truth = true;
    } else {
      truth = scalarOf(arg1) === scalarOf(arg);
    }
    if (truth) return true;
  }
  return false;
}

function lt(arg1: GoValue, arg2: GoValue): boolean {
  arg1 = unwrapInterface(arg1);
  const k1 = basicKind(arg1);
  if (k1 === "invalid" || k1 === "other") throw new CallError(BAD_COMPARISON_TYPE);
  arg2 = unwrapInterface(arg2);
  const k2 = basicKind(arg2);
  if (k2 === "invalid" || k2 === "other") throw new CallError(BAD_COMPARISON_TYPE);
  if (k1 !== k2) throw new CallError(BAD_COMPARISON);
  if (k1 === "bool") throw new CallError(BAD_COMPARISON_TYPE);
  return scalarOf(arg1) < scalarOf(arg2);
}

function length(item: GoValue): GoValue {
  if (item === null) throw new CallError("len of nil pointer");
  if (item === undefined) throw new CallError("reflect: call of reflect.Value.Type on zero Value");
  switch (goKind(item)) {
    case "string":
      return new GoNumber(byteLength(item as string), "int");
    case "slice":
      return new GoNumber((item as GoValue[]).length, "int");
    case "map":
      return new GoNumber(sortedKeys(item as object).length, "int");
  }
  throw new CallError(`len of type ${goTypeName(item)}`);
}

function indexArg(index: GoValue, cap: number): number {
  const k = goKind(index);
  if (k === "invalid" || k === "nil") throw new CallError("cannot index slice/array with nil");
  if (k !== "int") throw new CallError(`cannot index slice/array with type ${goTypeName(index)}`);
  const x = numberOf(index);
  if (x < 0 || x > cap) throw new CallError(`index out of range: ${x}`);
  return x;
}

function indexValue(item: GoValue, ...indexes: GoValue[]): GoValue {
  item = unwrapInterface(item);
  if (item === undefined) throw new CallError("index of untyped nil");
  for (let index of indexes) {
    index = unwrapInterface(index);
    if (item === null) throw new CallError("index of nil pointer");
    switch (goKind(item)) {
      case "slice":
      case "string": {
        const len = typeof item === "string" ? byteLength(item) : (item as GoValue[]).length;
        const x = indexArg(index, len);
        if (x === len) throw new CallError(`reflect: ${typeof item === "string" ? "string" : "slice"} index out of range`);
        item = typeof item === "string" ? new GoNumber(utf8Bytes(item)[x], "uint8") : (item as GoValue[])[x];
        break;
      }
      case "map": {
        if (index === undefined) throw new CallError("value is nil; should be of type string");
        if (typeof index !== "string") throw new CallError(`value has type ${goTypeName(index)}; should be string`);
        const map = item as Record<string, GoValue>;
        const found = Object.prototype.hasOwnProperty.call(map, index) ? map[index] : undefined;
        item = found === undefined ? null : found;
        break;
      }
      default:
        throw new CallError(`can't index item of type ${goTypeName(item)}`);
    }
  }
  return item;
}

function sliceValue(item: GoValue, ...indexes: GoValue[]): GoValue {
  item = unwrapInterface(item);
  if (item === undefined) throw new CallError("slice of untyped nil");
  if (indexes.length > 3) throw new CallError(`too many slice indexes: ${indexes.length}`);
  const kind = goKind(item);
  if (kind !== "string" && kind !== "slice") throw new CallError(`can't slice item of type ${goTypeName(item)}`);
  if (kind === "string" && indexes.length > 2) throw new CallError("cannot 3-index slice a string");
  const len = kind === "string" ? byteLength(item as string) : (item as GoValue[]).length;
  const idx = [0, len];
  indexes.forEach((index, i) => (idx[i] = indexArg(unwrapInterface(index), len)));
  if (idx[0] > idx[1]) throw new CallError(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length < 3) {
    if (kind === "string") return utf8Text(utf8Bytes(item as string).slice(idx[0], idx[1]));
    return (item as GoValue[]).slice(idx[0], idx[1]);
  }
  if (idx[1] > idx[2]) throw new CallError(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  return (item as GoValue[]).slice(idx[0], idx[1]);
}

/** kubectl's exists: whether index would find something that is not nil. */
function exists(item: GoValue, ...indices: GoValue[]): boolean {
  let v = item;
  for (const index of indices) {
    if (v === null || v === undefined) return false;
    switch (goKind(v)) {
      case "slice":
      case "string": {
        if (goKind(index) !== "int") return false;
        const x = numberOf(index);
        const len = typeof v === "string" ? byteLength(v) : (v as GoValue[]).length;
        if (x < 0 || x >= len) return false;
        v = typeof v === "string" ? new GoNumber(utf8Bytes(v)[x], "uint8") : (v as GoValue[])[x];
        break;
      }
      case "map": {
        if (index !== null && typeof index !== "string") return false;
        const map = v as Record<string, GoValue>;
        const key = index ?? "";
        v = Object.prototype.hasOwnProperty.call(map, key) && map[key] !== undefined ? map[key] : null;
        break;
      }
      default:
        return false;
    }
  }
  return v !== null && v !== undefined;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** base64.StdEncoding.DecodeString, with Go's CorruptInputError offsets; newlines are skipped as Go does. */
function base64decode(s: string): string {
  const bytes: number[] = [];
  const chars = [...s].map((c) => c);
  let i = 0;
  const clean = (): number => {
    while (i < chars.length && (chars[i] === "\n" || chars[i] === "\r")) i++;
    return i;
  };
  const positions: number[] = [];
  let offset = 0;
  for (const c of chars) {
    positions.push(offset);
    offset += byteLength(c);
  }
  const fail = (at: number): never => {
    throw new CallError(`base64 decode failed: illegal base64 data at input byte ${at < positions.length ? positions[at] : offset}`);
  };
  while (clean() < chars.length) {
    const quantum: number[] = [];
    let j = 0;
    for (; j < 4; j++) {
      clean();
      if (i >= chars.length) {
        if (j === 0) return utf8Text(bytes);
        fail(i - j);
      }
      const c = chars[i];
      if (c === "=") {
        // Padding: only in the last quantum, at position 2 or 3.
        if (j < 2) fail(i);
        if (j === 2) {
          i++;
          clean();
          if (i >= chars.length || chars[i] !== "=") fail(i >= chars.length ? chars.length : i);
        }
        i++;
        clean();
        if (i < chars.length) fail(i);
        break;
      }
      const v = BASE64.indexOf(c);
      if (v < 0 || c.length !== 1) fail(i);
      quantum.push(v);
      i++;
    }
    if (quantum.length === 4) bytes.push((quantum[0] << 2) | (quantum[1] >> 4), ((quantum[1] & 15) << 4) | (quantum[2] >> 2), ((quantum[2] & 3) << 6) | quantum[3]);
    else if (quantum.length === 3) bytes.push((quantum[0] << 2) | (quantum[1] >> 4), ((quantum[1] & 15) << 4) | (quantum[2] >> 2));
    else if (quantum.length === 2) bytes.push((quantum[0] << 2) | (quantum[1] >> 4));
  }
  return utf8Text(bytes);
}

/** fmt.Sprint: a space between two operands when neither is a string. */
function sprint(args: GoValue[]): string {
  let out = "";
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== "string" && typeof args[i - 1] !== "string") out += " ";
    out += a === null || a === undefined ? "<nil>" : formatV(a);
  });
  return out;
}

function sprintln(args: GoValue[]): string {
  return args.map((a) => (a === null || a === undefined ? "<nil>" : formatV(a))).join(" ") + "\n";
}

/** The escapers' evalArgs: one string as it is, anything else as fmt.Sprint prints it, no value as <no value>. */
function escaperArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  return sprint(args.map((a) => (a === null || a === undefined ? "<no value>" : a)));
}

function htmlEscape(s: string): string {
  return s.replace(/[<>&'"\0]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&#39;", '"': "&#34;", "\0": "\ufffd" })[c]!);
}

function jsEscape(s: string): string {
  let out = "";
  for (const c of s) {
    const code = c.codePointAt(0)!;
    const special: Record<string, string> = { "\\": "\\\\", "'": "\\'", '"': '\\"', "<": "\\u003C", ">": "\\u003E", "&": "\\u0026", "=": "\\u003D" };
    if (special[c]) out += special[c];
    else if (code < 0x20) out += "\\u00" + code.toString(16).toUpperCase().padStart(2, "0");
    else if (code < 0x80 || /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(c)) out += c;
    else out += "\\u" + code.toString(16).toUpperCase().padStart(4, "0");
  }
  return out;
}

function queryEscape(s: string): string {
  let out = "";
  for (const b of utf8Bytes(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

const BUILTINS: Record<string, (argv: GoValue[]) => GoValue> = {
  not: ([a]) => !isTrue(unwrapInterface(a)),
  html: (argv) => htmlEscape(escaperArgs(argv)),
  js: (argv) => jsEscape(escaperArgs(argv)),
  urlquery: (argv) => queryEscape(escaperArgs(argv)),
  print: (argv) => sprint(argv),
  println: (argv) => sprintln(argv),
  printf: ([format, ...args]) => sprintf(format as string, args),
  index: ([item, ...indexes]) => indexValue(item, ...indexes),
  slice: ([item, ...indexes]) => sliceValue(item, ...indexes),
  len: ([item]) => length(item),
  eq: ([a, ...b]) => eq(a, ...b),
  ne: ([a, b]) => !eq(a, b),
  lt: ([a, b]) => lt(a, b),
  le: ([a, b]) => lt(a, b) || eq(a, b),
  gt: ([a, b]) => !(lt(a, b) || eq(a, b)),
  ge: ([a, b]) => !lt(a, b),
  exists: ([item, ...indices]) => exists(item, ...indices),
  base64decode: ([s]) => base64decode(s as string),
};

// ---------------------------------------------------------------------------------------------
// fmt.Sprintf, for the verbs templates use.

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
  verb: string;
}

function pad(s: string, spec: Spec, numeric = false): string {
  const width = spec.width ?? 0;
  const len = [...s].length;
  if (len >= width) return s;
  const fill = width - len;
  if (spec.minus) return s + " ".repeat(fill);
  if (spec.zero && numeric) {
    const sign = /^[+\- ]/.test(s) ? s[0] : "";
    return sign + "0".repeat(fill) + s.slice(sign.length);
  }
  if (spec.zero && !numeric) return "0".repeat(fill) + s;
  return " ".repeat(fill) + s;
}

function badVerb(verb: string, v: GoValue): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(v)}=${formatV(v)})`;
}

function formatInteger(x: number, spec: Spec): string {
  const negative = x < 0;
  const abs = BigInt(Math.abs(x));
  let digits: string;
  switch (spec.verb) {
    case "b":
      digits = abs.toString(2);
      break;
    case "o":
    case "O":
      digits = abs.toString(8);
      break;
    case "x":
      digits = abs.toString(16);
      break;
    case "X":
      digits = abs.toString(16).toUpperCase();
      break;
    default:
      digits = abs.toString(10);
  }
  if (spec.prec !== undefined) {
    if (spec.prec === 0 && x === 0) digits = "";
    else digits = digits.padStart(spec.prec, "0");
  }
  let prefix = "";
  if (spec.verb === "O") prefix = "0o";
  else if (spec.sharp) {
    if (spec.verb === "x") prefix = "0x";
    else if (spec.verb === "X") prefix = "0X";
    else if (spec.verb === "o" && !digits.startsWith("0")) prefix = "0";
    else if (spec.verb === "b") prefix = "0b";
  }
  const sign = negative ? "-" : spec.plus ? "+" : spec.space ? " " : "";
  const body = prefix + digits;
  if (spec.zero && !spec.minus && spec.prec === undefined && spec.width !== undefined) {
    return sign + body.padStart(spec.width - sign.length, "0");
  }
  return pad(sign + body, spec);
}

/**
 * JS's toFixed/toExponential round an exact tie up, Go rounds it to even (2.25 → "2.2"): when the
 * double's exact digits past the precision are 5000…, the digit before decides.
 */
function roundHalfEven(f: number, prec: number, method: "toFixed" | "toExponential"): string {
  const text = f[method](prec);
  const longer = f[method](Math.min(100, prec + 30));
  const mantissa = method === "toExponential" ? longer.split("e")[0] : longer;
  const keep = mantissa.length - (Math.min(100, prec + 30) - prec);
  const tail = mantissa.slice(keep);
  if (!/^50*$/.test(tail)) return text;
  const lastDigit = Number(mantissa.replace(/[^0-9]/g, "").slice(0, keep - (mantissa.slice(0, keep).replace(/[0-9]/g, "").length)).slice(-1));
  if (lastDigit % 2 === 1) return text;
  // Even: truncate instead of rounding up.
  const truncated = mantissa.slice(0, keep).replace(/\.$/, "");
  return method === "toExponential" ? `${truncated}e${longer.split("e")[1]}` : truncated;
}

/** strconv.FormatFloat(f, 'e', prec, 64) with Go's two-digit exponent. */
function formatE(f: number, prec: number, upper: boolean): string {
  const [m, e] = roundHalfEven(f, prec, "toExponential").split("e");
  const exp = Number(e);
  const s = `${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return upper ? s.toUpperCase() : s;
}

/** strconv's 'g' with a precision: %e when the exponent is below -4 or at least the precision, trailing zeros dropped. */
function formatG(f: number, prec: number, upper: boolean): string {
  if (prec === 0) prec = 1;
  const exp = f === 0 ? 0 : Number(f.toExponential(prec - 1).split("e")[1]);
  const digits = f === 0 ? 1 : f.toExponential(prec - 1).split("e")[0].replace(".", "").replace(/0+$/, "").replace("-", "").length || 1;
  let eprec = prec;
  if (eprec > digits && digits >= exp + 1) eprec = digits;
  if (exp < -4 || exp >= eprec) {
    const s = formatE(f, Math.max(digits - 1, 0), upper);
    return s;
  }
  return String(Number(f.toFixed(Math.max(prec - 1 - exp, 0))));
}

function formatFloat(f: number, spec: Spec): string {
  let s: string;
  if (!Number.isFinite(f)) {
    s = Number.isNaN(f) ? "NaN" : f > 0 ? (spec.plus ? "+Inf" : "Inf") : "-Inf";
    return pad(s, { ...spec, zero: false });
  }
  switch (spec.verb) {
    case "v":
    case "g":
    case "G":
      s = spec.prec === undefined ? formatFloatG(f) : formatG(f, spec.prec, spec.verb === "G");
      if (spec.verb === "G") s = s.toUpperCase();
      break;
    case "e":
    case "E":
      s = formatE(f, spec.prec ?? 6, spec.verb === "E");
      break;
    default:
      s = roundHalfEven(f, spec.prec ?? 6, "toFixed");
      if (Object.is(f, -0) || (f < 0 && /^0\.?0*$/.test(s))) s = "-" + s.replace(/^-/, "");
  }
  if (spec.plus && !s.startsWith("-")) s = "+" + s;
  else if (spec.space && !s.startsWith("-")) s = " " + s;
  return pad(s, spec, true);
}

function formatString(s: string, spec: Spec): string {
  if (spec.prec !== undefined) s = [...s].slice(0, spec.prec).join("");
  switch (spec.verb) {
    case "s":
    case "v":
      return pad(s, spec);
    case "q":
      return pad(spec.sharp && !/[`\p{Cc}]/u.test(s) ? "`" + s + "`" : goQuote(s), spec);
    case "x":
    case "X": {
      const hex = utf8Bytes(s)
        .map((b) => b.toString(16).padStart(2, "0"))
        .join(spec.space ? " " : "");
      return pad(spec.verb === "X" ? hex.toUpperCase() : hex, spec);
    }
  }
  return badVerb(spec.verb, s);
}

/** One operand under one verb, as fmt's printArg/printValue do; `depth` > 0 inside a map or a list. */
function formatArg(v: GoValue, spec: Spec, depth: number): string {
  if (v === null || v === undefined) {
    if (depth > 0) return pad("<nil>", spec);
    return spec.verb === "v" ? pad("<nil>", spec) : badVerb(spec.verb, v);
  }
  if (spec.verb === "T") return pad(goTypeName(v), spec);
  switch (goKind(v)) {
    case "bool":
      return spec.verb === "t" || spec.verb === "v" ? pad(String(v), spec) : badVerb(spec.verb, v);
    case "int": {
      const x = numberOf(v);
      if ("bdoOxXv".includes(spec.verb)) return formatInteger(x, spec.verb === "v" ? { ...spec, verb: "d" } : spec);
      if (spec.verb === "c") return pad(String.fromCodePoint(x), spec);
      if (spec.verb === "q") return pad(`'${goQuote(String.fromCodePoint(x)).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`, spec);
      if (spec.verb === "U") return pad(`U+${x.toString(16).toUpperCase().padStart(4, "0")}`, spec);
      return badVerb(spec.verb, v);
    }
    case "float":
      return "vbeEfFgGxX".includes(spec.verb) && spec.verb !== "b" ? formatFloat(numberOf(v), spec) : badVerb(spec.verb, v);
    case "string":
      return formatString(v as string, spec);
    case "slice": {
      if (spec.verb === "s" || spec.verb === "q" || spec.verb === "x" || spec.verb === "X" || spec.verb === "v" || "bdoOtceEfFgG".includes(spec.verb)) {
        return `[${(v as GoValue[]).map((e) => formatArg(e, spec, depth + 1)).join(" ")}]`;
      }
      return badVerb(spec.verb, v);
    }
    case "map": {
      const m = v as Record<string, GoValue>;
      return `map[${sortedKeys(m)
        .map((k) => `${formatArg(k, spec, depth + 1)}:${formatArg(m[k], spec, depth + 1)}`)
        .join(" ")}]`;
    }
  }
  return badVerb(spec.verb, v);
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: GoValue[]): string {
  let out = "";
  let argNum = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf("%", i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false, verb: "" };
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === "-") {
        spec.minus = true;
        spec.zero = false;
      } else if (c === "+") spec.plus = true;
      else if (c === "#") spec.sharp = true;
      else if (c === " ") spec.space = true;
      else if (c === "0") spec.zero = !spec.minus;
      else break;
    }
    const number = (): number | undefined | "bad" => {
      if (format[i] === "*") {
        i++;
        const a = args[argNum++];
        if (goKind(a) !== "int" || Math.abs(numberOf(a)) > 1e6) return "bad";
        return numberOf(a);
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      const n = Number(m[0]);
      return n > 1e6 ? "bad" : n;
    };
    const width = number();
    if (width === "bad") {
      out += "%!(BADWIDTH)";
    } else if (width !== undefined) {
      if (width < 0) {
        spec.minus = true;
        spec.zero = false;
        spec.width = -width;
      } else spec.width = width;
    }
    if (format[i] === ".") {
      i++;
      const prec = number();
      if (prec === "bad") out += "%!(BADPREC)";
      else spec.prec = prec === undefined ? 0 : prec < 0 ? undefined : prec;
    }
    if (i >= format.length) {
      out += "%!(NOVERB)";
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    spec.verb = verb;
    if (verb === "%") {
      out += "%";
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argNum++];
    if (verb === "w") {
      out += badVerb(verb, arg);
      continue;
    }
    out += formatArg(arg, spec, 0);
  }
  if (argNum < args.length) {
    out +=
      "%!(EXTRA " +
      args
        .slice(argNum)
        .map((a) => (a === null || a === undefined ? "<nil>" : `${goTypeName(a)}=${formatV(a)}`))
        .join(", ") +
      ")";
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// kubectl's printer

/**
 * `raw` is the object's JSON as kubectl marshalled it, which its debugging text shows: kubectl get's
 * objects are unstructured maps, so their keys come sorted, and that is the default.
 */
export type GoTemplateParse = { ok: true; run: (data: GoValue, raw?: string) => GoTemplateRun } | { ok: false; error: string };
export type GoTemplateRun = { ok: true; output: string } | { ok: false; output: string; error: string };

/** Parses as NewGoTemplatePrinter does; the error is kubectl's whole message. */
export function parseGoTemplate(template: string): GoTemplateParse {
  const trees = new Map<string, Tree>();
  let root: ListNode;
  try {
    root = new Parser(template, trees).parse();
  } catch (e) {
    if (e instanceof TemplateError) return { ok: false, error: `error: error parsing template ${template}, ${e.message}\n` };
    throw e;
  }
  if (!trees.has("output") || !isEmptyTree(root)) trees.set("output", { name: "output", root });
  const main = trees.get("output")!.root;
  return { ok: true, run: (data, raw) => execute(template, main, trees, data, raw ?? goJson(data)) };
}

/**
 * Runs the template on an object as GoTemplatePrinter.PrintObj does: what the template printed up to
 * an error stays on stdout, followed by the debugging text kubectl writes there; the error is for stderr.
 */
function execute(template: string, root: ListNode, trees: Map<string, Tree>, data: GoValue, raw: string): GoTemplateRun {
  const state = new State(template, trees);
  state.vars = [{ name: "$", value: { v: data, iface: false } }];
  try {
    state.walk({ v: data, iface: false }, root);
    return { ok: true, output: state.out };
  } catch (e) {
    if (!(e instanceof ExecError)) throw e;
    const output =
      state.out +
      `Error executing template: ${e.message}. Printing more information for debugging the template:\n` +
      `\ttemplate was:\n\t\t${template}\n` +
      `\traw data was:\n\t\t${raw}\n` +
      `\tobject given to template engine was:\n\t\t${formatV(data)}\n\n`;
    return { ok: false, output, error: `error: error executing template ${goQuote(template)}: ${e.message}\n` };
  }
}

/** `-o go-template=TEMPLATE` on one object (or List). */
export function runGoTemplate(template: string, data: GoValue, raw?: string): GoTemplateRun {
  const parsed = parseGoTemplate(template);
  if (!parsed.ok) return { ok: false, output: "", error: parsed.error };
  return parsed.run(data, raw);
}

// ---------------------------------------------------------------------------------------------
// Template sets with added functions (helm's engine: every file of a chart parsed into one set)

/** A function a template set adds (sprig's, helm's), with Go's signature for argument counting. */
export interface TemplateFunc {
  params: ParamType[];
  variadic: boolean;
  /** Throws TemplateFuncError for the function's returned error (`error calling NAME: ...`). */
  run(argv: GoValue[], state: { include(name: string, value: GoValue): string }): GoValue;
}

export type { ParamType as TemplateParamType };

/** A function's returned error, printed as `error calling NAME: message`. */
export class TemplateFuncError extends CallError {}

/** A Go value with methods a template calls with arguments (helm's `.Capabilities.APIVersions.Has "v1"`). */
export class GoMethods {
  constructor(
    readonly typeName: string,
    readonly methods: Readonly<Record<string, (args: GoValue[]) => GoValue>>,
  ) {}
}

export interface TemplateSet {
  trees: Map<string, Tree>;
  funcs: Readonly<Record<string, TemplateFunc>>;
}

/** Parses files into one set as text/template's Template.New(name).Parse(text) does for each; the first error stops it. */
export function parseTemplateSet(files: ReadonlyArray<{ name: string; text: string }>, funcs: Readonly<Record<string, TemplateFunc>>): { ok: true; set: TemplateSet } | { ok: false; error: string } {
  const trees = new Map<string, Tree>();
  const names = new Set([...FUNCS, ...Object.keys(funcs)]);
  for (const file of files) {
    try {
      const before = new Set(trees.keys());
      const root = new Parser(file.text, trees, names).parse();
      for (const [key, tree] of trees) if (!before.has(key) && tree.file === undefined) tree.file = file.name;
      if (!trees.has(file.name) || !isEmptyTree(root)) trees.set(file.name, { name: file.name, root, text: file.text, file: file.name });
    } catch (e) {
      if (e instanceof TemplateError) {
        // helm's cleanupParseError: the location token (file:line) and the last part of the message.
        const tokens = e.message.replace(/^template: output:/, `template: ${file.name}:`).split(": ");
        return { ok: false, error: tokens.length === 1 ? `parse error in (${file.name}): ${e.message}` : `parse error at (${tokens[1]}): ${tokens[tokens.length - 1]}` };
      }
      throw e;
    }
  }
  return { ok: true, set: { trees, funcs } };
}

/** Runs one file of a set (Template.ExecuteTemplate); the error as text/template words it. */
export function executeTemplateSet(set: TemplateSet, name: string, data: GoValue): { ok: true; output: string } | { ok: false; error: string } {
  const tree = set.trees.get(name);
  if (!tree) return { ok: false, error: `template: no template ${goQuote(name)} associated with template ${goQuote(name)}` };
  const state = new State(tree.text ?? "", set.trees, set.funcs);
  state.parseName = name;
  state.tmplName = name;
  try {
    state.runTree(tree, data);
    return { ok: true, output: state.out };
  } catch (e) {
    if (!(e instanceof ExecError)) throw e;
    return { ok: false, error: e.message };
  }
}
