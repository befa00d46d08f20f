// A small SQL server core for the postgres and mysql images: SELECT of literals, version(), now(),
// current_user and the current database; CREATE TABLE, INSERT and SELECT * FROM a table; DROP
// TABLE. Anything else is answered with the server's own syntax error, positioned as it would be.

import type { ServerData } from "../../cluster/types.ts";
import { MARIADB_SERVER_VERSION, MYSQL_SERVER_VERSION } from "../../cluster/database-entrypoint.ts";

export type SqlDialect = "postgres" | "mysql";

export const POSTGRES_VERSION = "18.1";
export const POSTGRES_PACKAGE = "18.1-1.pgdg13+2";
export const POSTGRES_VERSION_STRING = `PostgreSQL ${POSTGRES_VERSION} (Debian ${POSTGRES_PACKAGE}) on x86_64-pc-linux-gnu, compiled by gcc (Debian 14.2.0-19) 14.2.0, 64-bit`;

export interface SqlSession {
  dialect: SqlDialect;
  user: string;
  /** The current database ("" for a mysql session without one). */
  database: string;
  /** The host part of the mysql account the session logged in as (`%`, `localhost`). */
  accountHost?: string;
  /** Which server speaks the mysql dialect: MariaDB names itself in version() and its errors. */
  server?: "mysql" | "mariadb";
  now: number;
}

export interface SqlColumn {
  name: string;
  /** psql right-aligns numbers; mysql too. */
  numeric: boolean;
}

export type SqlResult =
  | { kind: "rows"; columns: SqlColumn[]; rows: Array<Array<string | null>> }
  /** A statement without rows: psql prints its tag (CREATE TABLE, INSERT 0 1). */
  | { kind: "done"; tag: string }
  /** postgres: message, and the 0-based offset the caret points at; mysql: code, state, message. */
  | { kind: "error"; message: string; position?: number; hint?: string; code?: number; state?: string };

interface Token {
  text: string;
  kind: "word" | "number" | "string" | "symbol";
  at: number;
}

function tokenize(sql: string): Token[] | number {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i))!;
      tokens.push({ text: m[0], kind: "word", at: i });
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(sql.slice(i))!;
      tokens.push({ text: m[0], kind: "number", at: i });
      i += m[0].length;
    } else if (c === "'") {
      let j = i + 1;
      let value = "";
      for (; j < sql.length; j++) {
        if (sql[j] === "'" && sql[j + 1] === "'") (value += "'", j++);
        else if (sql[j] === "'") break;
        else value += sql[j];
      }
      if (j >= sql.length) return i;
      tokens.push({ text: value, kind: "string", at: i });
      i = j + 1;
    } else {
      tokens.push({ text: c, kind: "symbol", at: i });
      i++;
    }
  }
  return tokens;
}

const NUMERIC_TYPES = new Set(["int", "integer", "smallint", "bigint", "serial", "bigserial", "numeric", "decimal", "real", "float", "double", "int4", "int8", "int2", "tinyint"]);

class SyntaxError_ {
  constructor(readonly at: number) {}
}

export function runSql(data: ServerData, session: SqlSession, sql: string): { result: SqlResult; data?: ServerData } {
  const lexed = tokenize(sql);
  if (typeof lexed === "number") return { result: syntaxError(session, sql, lexed, true) };
  const tokens: Token[] = lexed;
  let p = 0;
  const peek = (): Token | undefined => tokens[p];
  const word = (w: string): boolean => peek()?.kind === "word" && peek()!.text.toLowerCase() === w;
  const expectWord = (w: string): void => {
    if (!word(w)) throw new SyntaxError_(peek()?.at ?? sql.length);
    p++;
  };
  const symbol = (s: string): boolean => peek()?.kind === "symbol" && peek()!.text === s;
  const expectSymbol = (s: string): void => {
    if (!symbol(s)) throw new SyntaxError_(peek()?.at ?? sql.length);
    p++;
  };
  const name = (): Token => {
    const t = peek();
    if (t?.kind !== "word") throw new SyntaxError_(t?.at ?? sql.length);
    p++;
    return t;
  };
  const end = (): void => {
    if (symbol(";")) p++;
    if (p < tokens.length) throw new SyntaxError_(tokens[p].at);
  };
  const tables = data.tables ?? {};
  const tableKey = (t: string) => (session.dialect === "postgres" ? t.toLowerCase() : t);
  // The table a SELECT reads, so its list may name the table's columns: both servers analyse FROM
  // first (a missing table is reported before any unknown column).
  let source: (typeof tables)[string] | undefined;
  try {
    if (word("select")) {
      p++;
      const from = tokens.findIndex((t, i) => i > p && t.kind === "word" && t.text.toLowerCase() === "from");
      const fromTable = from >= 0 ? tokens[from + 1] : undefined;
      if (fromTable?.kind === "word") {
        source = tables[tableKey(fromTable.text)];
        if (!source) return { result: missingTable(session, fromTable) };
      }
      if (symbol("*")) {
        p++;
        expectWord("from");
        const table = name();
        end();
        const found = tables[tableKey(table.text)];
        if (!found) return { result: missingTable(session, table) };
        return { result: { kind: "rows", columns: found.columns.map((c) => ({ name: c.split(" ")[0], numeric: NUMERIC_TYPES.has(c.split(" ")[1] ?? "") })), rows: found.rows } };
      }
      const columns: SqlColumn[] = [];
      const row: Array<string | null> = [];
      // Per select item: the source column it names, if it names one (its value then comes from each row).
      const fromColumn: Array<number | undefined> = [];
      for (;;) {
        const start = peek();
        if (!start) throw new SyntaxError_(sql.length);
        const value = expression(start);
        fromColumn.push(value.column);
        const exprText = sql.slice(start.at, (peek()?.at ?? sql.length)).trim().replace(/;$/, "").trim();
        let label = session.dialect === "postgres" ? value.pgName : exprText;
        if (word("as")) {
          p++;
          label = name().text;
        }
        if (value.error) return { result: value.error };
        columns.push({ name: label, numeric: value.numeric });
        row.push(value.value);
        if (symbol(",")) {
          p++;
          continue;
        }
        break;
      }
      if (word("from")) {
        p++;
        const table = name();
        const found = tables[tableKey(table.text)];
        if (!found) return { result: missingTable(session, table) };
        end();
        return { result: { kind: "rows", columns, rows: found.rows.map((r) => row.map((value, i) => (fromColumn[i] !== undefined ? (r[fromColumn[i]!] ?? null) : value))) } };
      }
      end();
      return { result: { kind: "rows", columns, rows: [row] } };
    }
    if (word("create")) {
      p++;
      expectWord("table");
      const table = name();
      expectSymbol("(");
      const columns: string[] = [];
      for (;;) {
        const column = name();
        const type = name();
        // A length or precision: varchar(20), numeric(10,2).
        if (symbol("(")) {
          while (p < tokens.length && !symbol(")")) p++;
          expectSymbol(")");
        }
        while (word("primary") || word("key") || word("not") || word("null") || word("unique")) p++;
        columns.push(`${session.dialect === "postgres" ? column.text.toLowerCase() : column.text} ${type.text.toLowerCase()}`);
        if (symbol(",")) {
          p++;
          continue;
        }
        break;
      }
      expectSymbol(")");
      end();
      if (session.dialect === "mysql" && !session.database) return { result: { kind: "error", code: 1046, state: "3D000", message: "No database selected" } };
      if (tables[tableKey(table.text)]) {
        return { result: session.dialect === "postgres" ? { kind: "error", message: `relation "${table.text.toLowerCase()}" already exists` } : { kind: "error", code: 1050, state: "42S01", message: `Table '${table.text}' already exists` } };
      }
      return { result: { kind: "done", tag: "CREATE TABLE" }, data: { ...data, tables: { ...tables, [tableKey(table.text)]: { columns, rows: [] } } } };
    }
    if (word("insert")) {
      p++;
      expectWord("into");
      const table = name();
      const found = tables[tableKey(table.text)];
      expectWord("values");
      const rows: Array<Array<string | null>> = [];
      for (;;) {
        expectSymbol("(");
        const row: Array<string | null> = [];
        for (;;) {
          const start = peek();
          if (!start) throw new SyntaxError_(sql.length);
          const value = expression(start);
          if (value.error) return { result: value.error };
          row.push(value.value);
          if (symbol(",")) {
            p++;
            continue;
          }
          break;
        }
        expectSymbol(")");
        rows.push(row);
        if (symbol(",")) {
          p++;
          continue;
        }
        break;
      }
      end();
      if (session.dialect === "mysql" && !session.database) return { result: { kind: "error", code: 1046, state: "3D000", message: "No database selected" } };
      if (!found) return { result: missingTable(session, table) };
      if (rows.some((r) => r.length > found.columns.length)) {
        return { result: session.dialect === "postgres" ? { kind: "error", message: "INSERT has more expressions than target columns" } : { kind: "error", code: 1136, state: "21S01", message: "Column count doesn't match value count at row 1" } };
      }
      const padded = rows.map((r) => [...r, ...Array<null>(found.columns.length - r.length).fill(null)]);
      return { result: { kind: "done", tag: `INSERT 0 ${rows.length}` }, data: { ...data, tables: { ...tables, [tableKey(table.text)]: { ...found, rows: [...found.rows, ...padded] } } } };
    }
    if (word("drop")) {
      p++;
      expectWord("table");
      const table = name();
      end();
      if (session.dialect === "mysql" && !session.database) return { result: { kind: "error", code: 1046, state: "3D000", message: "No database selected" } };
      if (!tables[tableKey(table.text)]) {
        return { result: session.dialect === "postgres" ? { kind: "error", message: `table "${table.text.toLowerCase()}" does not exist` } : { kind: "error", code: 1051, state: "42S02", message: `Unknown table '${session.database}.${table.text}'` } };
      }
      const rest = { ...tables };
      delete rest[tableKey(table.text)];
      return { result: { kind: "done", tag: "DROP TABLE" }, data: { ...data, tables: rest } };
    }
    throw new SyntaxError_(tokens[0]?.at ?? 0);
  } catch (e) {
    if (e instanceof SyntaxError_) return { result: syntaxError(session, sql, e.at, false) };
    throw e;
  }

  function expression(start: Token): { value: string | null; numeric: boolean; pgName: string; error?: SqlResult; column?: number } {
    p++;
    if (start.kind === "number") return { value: start.text, numeric: true, pgName: "?column?" };
    if (start.kind === "string") return { value: start.text, numeric: false, pgName: "?column?" };
    if (start.kind === "symbol" && start.text === "-" && peek()?.kind === "number") {
      return { value: `-${tokens[p++].text}`, numeric: true, pgName: "?column?" };
    }
    if (start.kind !== "word") throw new SyntaxError_(start.at);
    const lower = start.text.toLowerCase();
    if (lower === "null") return { value: null, numeric: false, pgName: "?column?" };
    if (lower === "true" || lower === "false") return { value: session.dialect === "postgres" ? lower[0] : lower === "true" ? "1" : "0", numeric: session.dialect === "mysql", pgName: "bool" };
    const call = symbol("(");
    if (!call && source) {
      // A column of the table read: postgres folds unquoted names to lower case, MySQL's column names ignore case.
      const index = source.columns.findIndex((c) => c.split(" ")[0].toLowerCase() === lower);
      if (index >= 0) {
        const [columnName, type] = source.columns[index].split(" ");
        return { value: null, numeric: NUMERIC_TYPES.has(type ?? ""), pgName: columnName, column: index };
      }
    }
    if (call) {
      p++;
      expectSymbol(")");
    }
    const pg = session.dialect === "postgres";
    const fn = call ? `${lower}()` : lower;
    switch (fn) {
      case "version()":
        return { value: pg ? POSTGRES_VERSION_STRING : session.server === "mariadb" ? MARIADB_SERVER_VERSION : MYSQL_SERVER_VERSION, numeric: false, pgName: "version" };
      case "now()":
      case "current_timestamp":
        return { value: timestamp(session.now, pg), numeric: false, pgName: pg ? (call ? "now" : "current_timestamp") : "" };
      case "current_user":
      case "current_user()":
      case "user()":
        return { value: pg ? session.user : `${session.user}@${session.accountHost ?? "%"}`, numeric: false, pgName: "current_user" };
      case "current_database()":
      case "database()":
        if (pg && fn === "database()") break;
        return { value: pg || session.database ? session.database : null, numeric: false, pgName: "current_database" };
    }
    if (call) {
      return pg
        ? { value: null, numeric: false, pgName: "", error: { kind: "error", message: `function ${lower}() does not exist`, position: start.at, hint: "No function matches the given name and argument types. You might need to add explicit type casts." } }
        : { value: null, numeric: false, pgName: "", error: { kind: "error", code: 1305, state: "42000", message: `FUNCTION ${session.database ? `${session.database}.` : ""}${start.text} does not exist` } };
    }
    return pg
      ? { value: null, numeric: false, pgName: "", error: { kind: "error", message: `column "${lower}" does not exist`, position: start.at } }
      : { value: null, numeric: false, pgName: "", error: { kind: "error", code: 1054, state: "42S22", message: `Unknown column '${start.text}' in 'field list'` } };
  }
}

function missingTable(session: SqlSession, table: Token): SqlResult {
  if (session.dialect === "postgres") return { kind: "error", message: `relation "${table.text.toLowerCase()}" does not exist`, position: table.at };
  if (!session.database) return { kind: "error", code: 1046, state: "3D000", message: "No database selected" };
  return { kind: "error", code: 1146, state: "42S02", message: `Table '${session.database}.${table.text}' doesn't exist` };
}

function syntaxError(session: SqlSession, sql: string, at: number, unterminated: boolean): SqlResult {
  const trimmed = sql.replace(/[\s;]+$/, "");
  if (session.dialect === "postgres") {
    if (unterminated) return { kind: "error", message: "unterminated quoted string at or near " + `"${sql.slice(at)}"`, position: at };
    if (at >= trimmed.length) return { kind: "error", message: "syntax error at end of input", position: trimmed.length };
    const token = /^('([^']|'')*'|[A-Za-z_][A-Za-z0-9_$]*|[0-9]+|.)/.exec(sql.slice(at))![0];
    return { kind: "error", message: `syntax error at or near "${token}"`, position: at };
  }
  return {
    kind: "error",
    code: 1064,
    state: "42000",
    message: `You have an error in your SQL syntax; check the manual that corresponds to your ${session.server === "mariadb" ? "MariaDB" : "MySQL"} server version for the right syntax to use near '${trimmed.slice(at)}' at line 1`,
  };
}

function two(n: number): string {
  return String(n).padStart(2, "0");
}

/** postgres's timestamptz output (microseconds, +00) or mysql's DATETIME. */
function timestamp(ms: number, pg: boolean): string {
  const d = new Date(ms);
  const base = `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return pg ? `${base}.${String(d.getUTCMilliseconds()).padStart(3, "0")}000+00` : base;
}
