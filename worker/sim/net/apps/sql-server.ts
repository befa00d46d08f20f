// A small SQL server core for the postgres and mysql images, the SQL of a first lesson: SELECT of
// literals, version(), now(), current_user and the current database, of a table's columns and
// count(*), sum, min and max, GROUP BY and HAVING, with WHERE (=, <>, <, >, <=, >=, AND, OR, NOT, LIKE, IS [NOT] NULL), ORDER BY and
// LIMIT/OFFSET; CREATE/DROP TABLE [IF [NOT] EXISTS] with NOT NULL, DEFAULT, PRIMARY KEY, serial and
// AUTO_INCREMENT; INSERT (with a column list), UPDATE and DELETE; CREATE/DROP DATABASE, and MySQL's
// USE, SHOW DATABASES, SHOW TABLES and DESCRIBE. Tables live per database. Anything else is
// answered with the server's own syntax error, positioned as it would be.

import type { ServerData, SqlTable } from "../../cluster/types.ts";
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
  /**
   * The database the image's entrypoint made (POSTGRES_DB, MYSQL_DATABASE; "" when none): data stored
   * before tables were kept per database (a single `tables` map) belongs to it.
   */
  home?: string;
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
  /**
   * A statement without rows: psql prints its tag (CREATE TABLE, INSERT 0 1); `notice` a NOTICE before it;
   * `database` the session's database after it (MySQL's DROP of the current one leaves none).
   */
  | { kind: "done"; tag: string; notice?: string; database?: string }
  /** MySQL's USE: the session's database is now `database`. */
  | { kind: "use"; database: string }
  /** postgres: message, and the 0-based offset the caret points at; mysql: code, state, message. */
  | { kind: "error"; message: string; position?: number; detail?: string; hint?: string; code?: number; state?: string };

/** The databases a server has before anyone creates one: initdb's three, mysqld --initialize's four, and the entrypoint's. */
export function initialDatabases(dialect: SqlDialect, home: string | undefined): string[] {
  const base = dialect === "postgres" ? ["postgres", "template0", "template1"] : ["information_schema", "mysql", "performance_schema", "sys"];
  return home && !base.includes(home) ? [...base, home] : base;
}

/** Every database with its tables; data from before databases were kept reads as the home database's. */
export function databasesOf(data: ServerData, dialect: SqlDialect, home: string | undefined): Record<string, Record<string, SqlTable>> {
  if (data.databases) return data.databases;
  const out: Record<string, Record<string, SqlTable>> = {};
  for (const name of initialDatabases(dialect, home)) out[name] = {};
  const legacyHome = home || (dialect === "postgres" ? "postgres" : "");
  if (data.tables && legacyHome) out[legacyHome] = data.tables;
  return out;
}

interface Token {
  text: string;
  kind: "word" | "ident" | "number" | "string" | "symbol";
  at: number;
}

function tokenize(sql: string, dialect: SqlDialect): Token[] | number {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "-" && sql[i + 1] === "-") {
      while (i < sql.length && sql[i] !== "\n") i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i))!;
      tokens.push({ text: m[0], kind: "word", at: i });
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(sql.slice(i))!;
      tokens.push({ text: m[0], kind: "number", at: i });
      i += m[0].length;
    } else if (c === "'" || c === '"' || c === "`") {
      // A string in single quotes; in MySQL (without ANSI_QUOTES) in double quotes too. Double quotes
      // name an identifier in postgres, backquotes in MySQL.
      if (c === "`" && dialect === "postgres") {
        tokens.push({ text: c, kind: "symbol", at: i });
        i++;
        continue;
      }
      let j = i + 1;
      let value = "";
      for (; j < sql.length; j++) {
        if (sql[j] === c && sql[j + 1] === c) (value += c, j++);
        else if (sql[j] === c) break;
        else if (sql[j] === "\\" && dialect === "mysql" && c !== "`" && j + 1 < sql.length) value += sql[++j];
        else value += sql[j];
      }
      if (j >= sql.length) return i;
      const kind = c === "'" || (c === '"' && dialect === "mysql") ? "string" : "ident";
      tokens.push({ text: value, kind, at: i });
      i = j + 1;
    } else {
      const two = sql.slice(i, i + 2);
      const text = ["<>", "!=", "<=", ">="].includes(two) ? two : c;
      tokens.push({ text, kind: "symbol", at: i });
      i += text.length;
    }
  }
  return tokens;
}

const NUMERIC_TYPES = new Set(["int", "integer", "smallint", "bigint", "serial", "bigserial", "smallserial", "numeric", "decimal", "real", "float", "double", "int4", "int8", "int2", "tinyint", "mediumint"]);
const INTEGER_TYPES = new Set(["int", "integer", "smallint", "bigint", "serial", "bigserial", "smallserial", "int4", "int8", "int2", "tinyint", "mediumint"]);
/** Words that end an expression or a name: they cannot be a column. */
const RESERVED = new Set(["select", "from", "where", "group", "having", "order", "by", "limit", "offset", "and", "or", "not", "like", "is", "as", "set", "values", "into", "asc", "desc", "table", "create", "drop", "insert", "update", "delete", "default"]);

class SyntaxError_ {
  constructor(readonly at: number) {}
}
class Failure {
  /** `data`: what the failed statement still changed (a sequence's nextval is not rolled back). */
  constructor(
    readonly result: SqlResult,
    readonly data?: ServerData,
  ) {}
}

type Value = string | number | boolean | null;

/** A column as stored: its name and its type as written, lower case (`varchar(20)`). */
function columnName(spec: string): string {
  return spec.split(" ")[0];
}
function columnType(spec: string): string {
  return spec.split(" ")[1] ?? "";
}
function baseType(spec: string): string {
  return columnType(spec).replace(/\(.*$/, "");
}
function isNumericColumn(spec: string): boolean {
  return NUMERIC_TYPES.has(baseType(spec));
}

type Expr =
  | { k: "lit"; v: Value; at: number; pgName: string; numeric: boolean; literal?: "number" | "string" }
  | { k: "col"; name: string; at: number; written: string }
  | { k: "fn"; name: string; at: number; call: boolean; written: string }
  /** count(*) / count(x), sum, min, max over the rows of a group. */
  | { k: "count"; fn: "count" | "sum" | "min" | "max"; at: number; arg?: Expr }
  | { k: "bin"; op: string; a: Expr; b: Expr; at: number }
  | { k: "not"; a: Expr }
  | { k: "isnull"; a: Expr; neg: boolean }
  | { k: "like"; a: Expr; b: Expr; neg: boolean }
  | { k: "neg"; a: Expr; at: number };

export function runSql(data: ServerData, session: SqlSession, sql: string): { result: SqlResult; data?: ServerData } {
  const pg = session.dialect === "postgres";
  const lexed = tokenize(sql, session.dialect);
  if (typeof lexed === "number") return { result: syntaxError(session, sql, lexed, true) };
  const tokens: Token[] = lexed;
  let p = 0;
  const peek = (): Token | undefined => tokens[p];
  const word = (w: string, at = p): boolean => tokens[at]?.kind === "word" && tokens[at].text.toLowerCase() === w;
  const expectWord = (w: string): void => {
    if (!word(w)) throw new SyntaxError_(peek()?.at ?? sql.length);
    p++;
  };
  const symbol = (s: string): boolean => peek()?.kind === "symbol" && peek()!.text === s;
  const expectSymbol = (s: string): void => {
    if (!symbol(s)) throw new SyntaxError_(peek()?.at ?? sql.length);
    p++;
  };
  /** A name: postgres folds an unquoted one to lower case. */
  const name = (): Token => {
    const t = peek();
    if (!t || (t.kind !== "word" && t.kind !== "ident") || (t.kind === "word" && RESERVED.has(t.text.toLowerCase()))) throw new SyntaxError_(t?.at ?? sql.length);
    p++;
    return pg && t.kind === "word" ? { ...t, text: t.text.toLowerCase() } : t;
  };
  const end = (): void => {
    if (symbol(";")) p++;
    if (p < tokens.length) throw new SyntaxError_(tokens[p].at);
  };
  const ifExists = (): boolean => {
    if (!word("if")) return false;
    p++;
    expectWord("exists");
    return true;
  };
  const ifNotExists = (): boolean => {
    if (!word("if")) return false;
    p++;
    expectWord("not");
    expectWord("exists");
    return true;
  };

  const home = session.home;
  const databases = databasesOf(data, session.dialect, home);
  const tables: Record<string, SqlTable> = databases[session.database] ?? {};
  const withTables = (next: Record<string, SqlTable>): ServerData => {
    const { tables: _legacy, ...rest } = data;
    return { ...rest, databases: { ...databases, [session.database]: next } };
  };
  const noDatabase = (): SqlResult | undefined => (!pg && !session.database ? { kind: "error", code: 1046, state: "3D000", message: "No database selected" } : undefined);
  const fail = (result: SqlResult): never => {
    throw new Failure(result);
  };

  try {
    if (word("select")) {
      p++;
      const items: Array<{ star: true; at: number } | { star: false; expr: Expr; label?: string; text: string }> = [];
      for (;;) {
        if (symbol("*")) {
          items.push({ star: true, at: peek()!.at });
          p++;
        } else {
          const start = peek();
          if (!start) throw new SyntaxError_(sql.length);
          const expr = orExpr();
          const text = sql.slice(start.at, peek()?.at ?? sql.length).trim().replace(/;$/, "").trim();
          let label: string | undefined;
          if (word("as")) {
            p++;
            label = name().text;
          } else if ((peek()?.kind === "word" && !RESERVED.has(peek()!.text.toLowerCase())) || peek()?.kind === "ident") label = name().text;
          items.push({ star: false, expr, label, text });
        }
        if (symbol(",")) {
          p++;
          continue;
        }
        break;
      }
      let table: Token | undefined;
      let where: Expr | undefined;
      const order: Array<{ expr: Expr; desc: boolean }> = [];
      let limit: number | undefined;
      let offset = 0;
      if (word("from")) {
        p++;
        table = name();
      }
      if (word("where")) {
        p++;
        where = orExpr();
      }
      const groupBy: Expr[] = [];
      let having: Expr | undefined;
      if (word("group")) {
        p++;
        expectWord("by");
        for (;;) {
          groupBy.push(orExpr());
          if (!symbol(",")) break;
          p++;
        }
      }
      if (word("having")) {
        p++;
        having = orExpr();
      }
      if (word("order")) {
        p++;
        expectWord("by");
        for (;;) {
          const expr = orExpr();
          let desc = false;
          if (word("asc") || word("desc")) desc = tokens[p++].text.toLowerCase() === "desc";
          order.push({ expr, desc });
          if (symbol(",")) {
            p++;
            continue;
          }
          break;
        }
      }
      if (word("limit")) {
        p++;
        limit = count();
        if (symbol(",") && !pg) {
          // MySQL's LIMIT offset, count.
          p++;
          offset = limit;
          limit = count();
        }
      }
      if (word("offset")) {
        p++;
        offset = count();
      }
      end();
      // Both servers analyse FROM first: a missing table is reported before any unknown column.
      const source = table ? tableOf(table) : undefined;
      if (!source && items.some((i) => i.star)) {
        fail(pg ? { kind: "error", message: "SELECT * with no tables specified is not valid", position: (items.find((i) => i.star) as { at: number }).at } : { kind: "error", code: 1096, state: "HY000", message: "No tables used" });
      }
      const columns: SqlColumn[] = [];
      const getters: Array<(row: Array<string | null>, group: Array<Array<string | null>>) => Value> = [];
      for (const item of items) {
        if (item.star) {
          source!.columns.forEach((c, i) => {
            columns.push({ name: columnName(c), numeric: isNumericColumn(c) });
            getters.push((row) => cell(source!, row, i));
          });
          continue;
        }
        const checked = analyse(item.expr, source, "field list");
        columns.push({ name: item.label ?? (pg ? pgName(item.expr, source) : item.text), numeric: checked.numeric });
        getters.push((row, group) => evaluate(item.expr, source, row, group));
      }
      if (where) analyse(where, source, "where clause");
      for (const g of groupBy) analyse(g, source, "group statement");
      if (having) analyse(having, source, "having clause");
      // An ORDER BY name may be an output column's label (both servers look there first).
      const labelIndex = (e: Expr): number => (e.k === "col" ? columns.findIndex((c) => (pg ? c.name === e.name : c.name.toLowerCase() === e.name.toLowerCase())) : -1);
      for (const o of order) if (!(o.expr.k === "lit" && o.expr.literal === "number") && labelIndex(o.expr) < 0) analyse(o.expr, source, "order clause");
      const grouped = groupBy.length > 0 || having !== undefined || items.some((i) => !i.star && hasAggregate(i.expr));
      let rows: Array<Array<string | null>> = source ? source.rows : [[]];
      if (where) rows = rows.filter((r) => truthy(evaluate(where!, source, r, [])));
      let units: Array<{ row: Array<string | null>; group: Array<Array<string | null>> }>;
      if (grouped) {
        // A column outside an aggregate must be one the rows are grouped by (MariaDB does not check).
        const groupedColumns = new Set(groupBy.flatMap((g) => (g.k === "col" ? [g.name.toLowerCase()] : [])));
        items.forEach((item, index) => {
          if (item.star || hasAggregate(item.expr)) return;
          const col = firstColumn(item.expr);
          if (!col || groupedColumns.has(col.name.toLowerCase())) return;
          const qualified = `${session.database}.${table!.text}.${source!.columns[columnIndex(source!, col.name)].split(" ")[0]}`;
          if (pg) fail({ kind: "error", message: `column "${table!.text}.${col.name}" must appear in the GROUP BY clause or be used in an aggregate function`, position: col.at });
          if (session.server === "mariadb") return;
          fail(
            groupBy.length > 0
              ? { kind: "error", code: 1055, state: "42000", message: `Expression #${index + 1} of SELECT list is not in GROUP BY clause and contains nonaggregated column '${qualified}' which is not functionally dependent on columns in GROUP BY clause; this is incompatible with sql_mode=only_full_group_by` }
              : { kind: "error", code: 1140, state: "42000", message: `In aggregated query without GROUP BY, expression #${index + 1} of SELECT list contains nonaggregated column '${qualified}'; this is incompatible with sql_mode=only_full_group_by` },
          );
        });
        // Groups in the order their first row comes (postgres's hash order differs: add ORDER BY).
        const groups = new Map<string, Array<Array<string | null>>>();
        if (groupBy.length === 0) groups.set("", rows);
        for (const r of groupBy.length > 0 ? rows : []) {
          const key = JSON.stringify(groupBy.map((g) => {
            const v = evaluate(g, source, r, []);
            return typeof v === "string" && !pg ? v.toLowerCase() : v;
          }));
          groups.set(key, [...(groups.get(key) ?? []), r]);
        }
        units = [...groups.values()].map((group) => ({ row: group[0] ?? [], group }));
        if (having) units = units.filter((u) => truthy(evaluate(having!, source, u.row, u.group)));
      } else units = rows.map((row) => ({ row, group: [] }));
      if (order.length > 0) {
        for (const o of order) {
          if (o.expr.k === "lit" && o.expr.literal === "number" && (Number(o.expr.v) < 1 || Number(o.expr.v) > getters.length)) {
            fail(pg ? { kind: "error", message: `ORDER BY position ${o.expr.v} is not in select list`, position: o.expr.at } : { kind: "error", code: 1054, state: "42S22", message: `Unknown column '${o.expr.v}' in 'order clause'` });
          }
        }
        const key = (o: { expr: Expr }, u: (typeof units)[number]): Value => {
          if (o.expr.k === "lit" && o.expr.literal === "number") return getters[Number(o.expr.v) - 1](u.row, u.group);
          const label = labelIndex(o.expr);
          return label >= 0 ? getters[label](u.row, u.group) : evaluate(o.expr, source, u.row, u.group);
        };
        const keyed = units.map((u) => ({ u, keys: order.map((o) => key(o, u)) }));
        keyed.sort((x, y) => {
          for (let i = 0; i < order.length; i++) {
            const c = compareForSort(x.keys[i], y.keys[i], pg);
            if (c !== 0) return order[i].desc ? -c : c;
          }
          return 0;
        });
        units = keyed.map((k) => k.u);
      }
      units = units.slice(offset, limit === undefined ? undefined : offset + limit);
      return { result: { kind: "rows", columns, rows: units.map((u) => getters.map((g) => show(g(u.row, u.group)))) } };
    }

    if (word("create")) {
      p++;
      if (word("database") || (!pg && word("schema"))) {
        p++;
        const quiet = !pg && ifNotExists();
        const db = name();
        end();
        if (databases[db.text] !== undefined) {
          if (quiet) return { result: { kind: "done", tag: "CREATE DATABASE" } };
          fail(pg ? { kind: "error", message: `database "${db.text}" already exists` } : { kind: "error", code: 1007, state: "HY000", message: `Can't create database '${db.text}'; database exists` });
        }
        return { result: { kind: "done", tag: "CREATE DATABASE" }, data: { ...withoutLegacy(data), databases: { ...databases, [db.text]: {} } } };
      }
      expectWord("table");
      const quiet = ifNotExists();
      const tableName = name();
      expectSymbol("(");
      const columns: string[] = [];
      const table: SqlTable = { columns, rows: [] };
      const defaults: Record<string, string | null> = {};
      const notNull: string[] = [];
      const auto: Record<string, number> = {};
      let primaryKey: string[] | undefined;
      for (;;) {
        if (word("primary")) {
          p++;
          expectWord("key");
          expectSymbol("(");
          primaryKey = [];
          for (;;) {
            primaryKey.push(name().text);
            if (symbol(",")) {
              p++;
              continue;
            }
            break;
          }
          expectSymbol(")");
        } else {
          const column = name();
          const typeToken = peek();
          if (typeToken?.kind !== "word") throw new SyntaxError_(typeToken?.at ?? sql.length);
          p++;
          let type = typeToken.text.toLowerCase();
          if (type === "double" && word("precision")) p++;
          if (type === "character" && word("varying")) (p++, (type = "varchar"));
          // A length or precision: varchar(20), numeric(10,2).
          if (symbol("(")) {
            const open = p;
            while (p < tokens.length && !symbol(")")) p++;
            expectSymbol(")");
            type += `(${tokens.slice(open + 1, p - 1).map((t) => t.text).join("")})`;
          }
          if (!pg && word("unsigned")) (p++, (type += " unsigned"));
          const serial = pg && ["serial", "bigserial", "smallserial"].includes(type);
          if (serial) (auto[column.text] = 0, notNull.push(column.text));
          if (!pg && type === "serial") (auto[column.text] = 0, notNull.push(column.text), (type = "bigint unsigned"));
          for (;;) {
            if (word("primary")) {
              p++;
              expectWord("key");
              primaryKey = [column.text];
              if (!notNull.includes(column.text)) notNull.push(column.text);
            } else if (word("not")) {
              p++;
              expectWord("null");
              if (!notNull.includes(column.text)) notNull.push(column.text);
            } else if (word("null") || word("unique")) p++;
            else if (!pg && word("auto_increment")) {
              p++;
              auto[column.text] = 0;
              if (!notNull.includes(column.text)) notNull.push(column.text);
            } else if (word("default")) {
              p++;
              const start = peek();
              if (!start) throw new SyntaxError_(sql.length);
              const value = primary();
              if (value.k === "fn" && ["now", "current_timestamp"].includes(value.name)) defaults[column.text] = `\u0000${value.name}`;
              else if (value.k === "lit" || value.k === "neg") defaults[column.text] = show(evaluate(value, undefined, [], []));
              else throw new SyntaxError_(start.at);
            } else break;
          }
          columns.push(`${column.text} ${type.replace(/ /g, "_")}`);
        }
        if (symbol(",")) {
          p++;
          continue;
        }
        break;
      }
      expectSymbol(")");
      end();
      const missing = noDatabase();
      if (missing) fail(missing);
      if (tables[tableName.text]) {
        if (quiet) return { result: { kind: "done", tag: "CREATE TABLE", ...(pg ? { notice: `relation "${tableName.text}" already exists, skipping` } : {}) } };
        fail(pg ? { kind: "error", message: `relation "${tableName.text}" already exists` } : { kind: "error", code: 1050, state: "42S01", message: `Table '${tableName.text}' already exists` });
      }
      if (Object.keys(defaults).length > 0) table.defaults = defaults;
      if (notNull.length > 0) table.notNull = notNull;
      if (Object.keys(auto).length > 0) table.auto = auto;
      if (primaryKey) {
        table.primaryKey = primaryKey;
        for (const k of primaryKey) if (!notNull.includes(k)) notNull.push(k), (table.notNull = notNull);
      }
      return { result: { kind: "done", tag: "CREATE TABLE" }, data: withTables({ ...tables, [tableName.text]: table }) };
    }

    if (word("insert")) {
      p++;
      expectWord("into");
      const tableName = name();
      let targets: Token[] | undefined;
      if (symbol("(")) {
        p++;
        targets = [];
        for (;;) {
          targets.push(name());
          if (symbol(",")) {
            p++;
            continue;
          }
          break;
        }
        expectSymbol(")");
      }
      if (!word("values") && !word("value")) throw new SyntaxError_(peek()?.at ?? sql.length);
      if (pg && word("value")) throw new SyntaxError_(peek()!.at);
      p++;
      const rows: Expr[][] = [];
      for (;;) {
        expectSymbol("(");
        const row: Expr[] = [];
        for (;;) {
          row.push(orExpr());
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
      const missing = noDatabase();
      if (missing) fail(missing);
      const found = tableOf(tableName);
      const indexes = (targets ?? found.columns.map((c) => ({ text: columnName(c), at: 0 }) as Token)).map((t) => {
        const i = columnIndex(found, t.text);
        if (i < 0) fail(pg ? { kind: "error", message: `column "${t.text}" of relation "${tableName.text}" does not exist`, position: t.at } : { kind: "error", code: 1054, state: "42S22", message: `Unknown column '${t.text}' in 'field list'` });
        return i;
      });
      let auto = { ...found.auto };
      const added: Array<Array<string | null>> = [];
      const checkRow = (row: Array<string | null>, given: Set<number>): void => {
        for (const [i, spec] of found.columns.entries()) {
          if (row[i] === null && found.notNull?.includes(columnName(spec))) {
            fail(
              pg
                ? { kind: "error", message: `null value in column "${columnName(spec)}" of relation "${tableName.text}" violates not-null constraint`, detail: `Failing row contains (${row.map((v) => v ?? "null").join(", ")}).` }
                : given.has(i)
                  ? { kind: "error", code: 1048, state: "23000", message: `Column '${columnName(spec)}' cannot be null` }
                  : { kind: "error", code: 1364, state: "HY000", message: `Field '${columnName(spec)}' doesn't have a default value` },
            );
          }
        }
        duplicateCheck(found, tableName.text, [...found.rows, ...added], row);
      };
      rows.forEach((exprs, r) => {
        if (exprs.length > indexes.length) {
          fail(pg ? { kind: "error", message: "INSERT has more expressions than target columns", position: exprStart(exprs[indexes.length]) } : { kind: "error", code: 1136, state: "21S01", message: `Column count doesn't match value count at row ${r + 1}` });
        }
        if (!pg && exprs.length < indexes.length) fail({ kind: "error", code: 1136, state: "21S01", message: `Column count doesn't match value count at row ${r + 1}` });
        if (pg && targets && exprs.length < indexes.length) fail({ kind: "error", message: "INSERT has more target columns than expressions", position: targets[exprs.length].at });
        const given = new Map<number, { value: string | null; at: number; literal: boolean }>();
        exprs.forEach((e, i) => {
          analyse(e, undefined, "field list");
          given.set(indexes[i], { value: show(evaluate(e, undefined, [], [])), at: exprStart(e), literal: e.k === "lit" && e.literal === "string" });
        });
        const row = found.columns.map((spec, i) => {
          const colName = columnName(spec);
          const g = given.get(i);
          let value: string | null;
          if (g && !(g.value === null && !pg && auto[colName] !== undefined) && !(g.value === "0" && !pg && auto[colName] !== undefined)) {
            value = g.value;
            if (value !== null && INTEGER_TYPES.has(baseType(spec)) && !/^-?\d+$/.test(value)) {
              if (pg) fail({ kind: "error", message: `invalid input syntax for type ${pgTypeName(spec)}: "${value}"`, position: g.at });
              if (/^-?\d+(\.\d+)?$/.test(value)) value = String(Math.round(Number(value)));
              else fail({ kind: "error", code: 1366, state: "HY000", message: `Incorrect integer value: '${value}' for column '${colName}' at row ${r + 1}` });
            }
            if (value !== null && auto[colName] !== undefined && !pg) auto = { ...auto, [colName]: Math.max(auto[colName], Number(value)) };
          } else if (auto[colName] !== undefined) {
            auto = { ...auto, [colName]: auto[colName] + 1 };
            value = String(auto[colName]);
          } else if (found.defaults?.[colName] !== undefined) {
            const d = found.defaults[colName];
            value = d?.startsWith("\u0000") ? timestamp(session.now, pg, baseType(spec) === "date" ? "date" : pg && baseType(spec) === "timestamp" ? "local" : "zone") : d;
          } else value = null;
          return value;
        });
        // A serial's nextval stays used when the row is refused (sequences are not rolled back); InnoDB
        // takes an AUTO_INCREMENT value only when it writes the row, so only its duplicate key uses one up
        // (MySQL refuses a NULL in a NOT NULL column before that).
        const keepNumbers = (e: unknown): never => {
          if (!(e instanceof Failure) || JSON.stringify(auto) === JSON.stringify(found.auto ?? {}) || (!pg && e.result.kind === "error" && e.result.code !== 1062)) throw e;
          throw new Failure(e.result, withTables({ ...tables, [tableName.text]: { ...found, auto } }));
        };
        try {
          checkRow(row, new Set(given.keys()));
        } catch (e) {
          keepNumbers(e);
        }
        added.push(row);
      });
      return { result: { kind: "done", tag: `INSERT 0 ${rows.length}` }, data: withTables({ ...tables, [tableName.text]: { ...found, ...(found.auto ? { auto } : {}), rows: [...found.rows, ...added] } }) };

    }

    if (word("update")) {
      p++;
      const tableName = name();
      expectWord("set");
      const sets: Array<{ column: Token; expr: Expr }> = [];
      for (;;) {
        const column = name();
        expectSymbol("=");
        sets.push({ column, expr: orExpr() });
        if (symbol(",")) {
          p++;
          continue;
        }
        break;
      }
      let where: Expr | undefined;
      if (word("where")) {
        p++;
        where = orExpr();
      }
      end();
      const missing = noDatabase();
      if (missing) fail(missing);
      const found = tableOf(tableName);
      const targets = sets.map((s) => {
        const i = columnIndex(found, s.column.text);
        if (i < 0) fail(pg ? { kind: "error", message: `column "${s.column.text}" of relation "${tableName.text}" does not exist`, position: s.column.at } : { kind: "error", code: 1054, state: "42S22", message: `Unknown column '${s.column.text}' in 'field list'` });
        analyse(s.expr, found, "field list");
        return i;
      });
      if (where) analyse(where, found, "where clause");
      let matched = 0;
      const next = found.rows.map((r) => {
        if (where && !truthy(evaluate(where, found, r, []))) return r;
        matched++;
        const row = [...r];
        sets.forEach((s, k) => (row[targets[k]] = show(evaluate(s.expr, found, r, []))));
        for (const i of targets) {
          if (row[i] === null && found.notNull?.includes(columnName(found.columns[i]))) {
            fail(pg ? { kind: "error", message: `null value in column "${columnName(found.columns[i])}" of relation "${tableName.text}" violates not-null constraint`, detail: `Failing row contains (${row.map((v) => v ?? "null").join(", ")}).` } : { kind: "error", code: 1048, state: "23000", message: `Column '${columnName(found.columns[i])}' cannot be null` });
          }
        }
        return row;
      });
      return { result: { kind: "done", tag: `UPDATE ${matched}` }, data: withTables({ ...tables, [tableName.text]: { ...found, rows: next } }) };
    }

    if (word("delete")) {
      p++;
      expectWord("from");
      const tableName = name();
      let where: Expr | undefined;
      if (word("where")) {
        p++;
        where = orExpr();
      }
      end();
      const missing = noDatabase();
      if (missing) fail(missing);
      const found = tableOf(tableName);
      if (where) analyse(where, found, "where clause");
      const kept = found.rows.filter((r) => where && !truthy(evaluate(where, found, r, [])));
      return { result: { kind: "done", tag: `DELETE ${found.rows.length - kept.length}` }, data: withTables({ ...tables, [tableName.text]: { ...found, rows: kept } }) };
    }

    if (word("drop")) {
      p++;
      if (word("database") || (!pg && word("schema"))) {
        p++;
        const quiet = ifExists();
        const db = name();
        end();
        if (databases[db.text] === undefined) {
          if (quiet) return { result: { kind: "done", tag: "DROP DATABASE", ...(pg ? { notice: `database "${db.text}" does not exist, skipping` } : {}) } };
          fail(pg ? { kind: "error", message: `database "${db.text}" does not exist` } : { kind: "error", code: 1008, state: "HY000", message: `Can't drop database '${db.text}'; database doesn't exist` });
        }
        if (pg && db.text === session.database) fail({ kind: "error", message: "cannot drop the currently open database" });
        if (pg && (db.text === "template0" || db.text === "template1")) fail({ kind: "error", message: "cannot drop a template database" });
        if (!pg && ["information_schema", "performance_schema"].includes(db.text.toLowerCase())) {
          fail({ kind: "error", code: 1044, state: "42000", message: `Access denied for user '${session.user}'@'${session.accountHost ?? "%"}' to database '${db.text.toLowerCase()}'` });
        }
        const rest = { ...databases };
        delete rest[db.text];
        return { result: { kind: "done", tag: "DROP DATABASE", ...(!pg && db.text === session.database ? { database: "" } : {}) }, data: { ...withoutLegacy(data), databases: rest } };
      }
      expectWord("table");
      const quiet = ifExists();
      const tableName = name();
      end();
      const missing = noDatabase();
      if (missing) fail(missing);
      if (!tables[tableName.text]) {
        if (quiet) return { result: { kind: "done", tag: "DROP TABLE", ...(pg ? { notice: `table "${tableName.text}" does not exist, skipping` } : {}) } };
        fail(pg ? { kind: "error", message: `table "${tableName.text}" does not exist` } : { kind: "error", code: 1051, state: "42S02", message: `Unknown table '${session.database}.${tableName.text}'` });
      }
      const rest = { ...tables };
      delete rest[tableName.text];
      return { result: { kind: "done", tag: "DROP TABLE" }, data: withTables(rest) };
    }

    if (!pg && word("use")) {
      p++;
      const db = name();
      end();
      if (databases[db.text] === undefined) fail({ kind: "error", code: 1049, state: "42000", message: `Unknown database '${db.text}'` });
      return { result: { kind: "use", database: db.text } };
    }

    if (!pg && word("show")) {
      p++;
      if (word("databases") || word("schemas")) {
        p++;
        end();
        return { result: { kind: "rows", columns: [{ name: "Database", numeric: false }], rows: Object.keys(databases).sort().map((d) => [d]) } };
      }
      expectWord("tables");
      end();
      const missing = noDatabase();
      if (missing) fail(missing);
      return { result: { kind: "rows", columns: [{ name: `Tables_in_${session.database}`, numeric: false }], rows: Object.keys(tables).sort().map((t) => [t]) } };
    }

    if (!pg && (word("describe") || word("desc"))) {
      p++;
      const tableName = name();
      end();
      const missing = noDatabase();
      if (missing) fail(missing);
      const found = tableOf(tableName);
      const text = ["Field", "Type", "Null", "Key", "Default", "Extra"].map((n) => ({ name: n, numeric: false }));
      return {
        result: {
          kind: "rows",
          columns: text,
          rows: found.columns.map((spec) => {
            const n = columnName(spec);
            const d = found.defaults?.[n];
            const now = d?.startsWith("\u0000") ?? false;
            const maria = session.server === "mariadb";
            return [n, describeType(columnType(spec).replace(/_/g, " "), maria), found.notNull?.includes(n) ? "NO" : "YES", found.primaryKey?.includes(n) ? "PRI" : "", d === undefined ? null : now ? (maria ? "current_timestamp()" : "CURRENT_TIMESTAMP") : d, found.auto?.[n] !== undefined ? "auto_increment" : now && !maria ? "DEFAULT_GENERATED" : ""];
          }),
        },
      };
    }
    throw new SyntaxError_(tokens[0]?.at ?? 0);
  } catch (e) {
    if (e instanceof SyntaxError_) return { result: syntaxError(session, sql, e.at, false) };
    if (e instanceof Failure) return { result: e.result, ...(e.data ? { data: e.data } : {}) };
    throw e;
  }

  function tableOf(t: Token): SqlTable {
    const missing = noDatabase();
    if (missing) fail(missing);
    const found = tables[t.text];
    if (!found) {
      fail(pg ? { kind: "error", message: `relation "${t.text}" does not exist`, position: t.at } : { kind: "error", code: 1146, state: "42S02", message: `Table '${session.database}.${t.text}' doesn't exist` });
    }
    return found!;
  }

  /** A column's index: postgres has folded the name already; MySQL's column names ignore case. */
  function columnIndex(table: SqlTable, n: string): number {
    return table.columns.findIndex((c) => (pg ? columnName(c) === n : columnName(c).toLowerCase() === n.toLowerCase()));
  }

  function count(): number {
    const t = peek();
    if (t?.kind !== "number" || t.text.includes(".")) throw new SyntaxError_(t?.at ?? sql.length);
    p++;
    return Number(t.text);
  }

  function orExpr(): Expr {
    let a = andExpr();
    while (word("or") || (!pg && symbol("||"))) {
      const at = tokens[p++].at;
      a = { k: "bin", op: "or", a, b: andExpr(), at };
    }
    return a;
  }
  function andExpr(): Expr {
    let a = notExpr();
    while (word("and")) {
      const at = tokens[p++].at;
      a = { k: "bin", op: "and", a, b: notExpr(), at };
    }
    return a;
  }
  function notExpr(): Expr {
    if (word("not")) {
      p++;
      return { k: "not", a: notExpr() };
    }
    return comparison();
  }
  function comparison(): Expr {
    const a = additive();
    const t = peek();
    if (t?.kind === "symbol" && ["=", "<>", "!=", "<", ">", "<=", ">="].includes(t.text)) {
      p++;
      return { k: "bin", op: t.text === "!=" ? "<>" : t.text, a, b: additive(), at: t.at };
    }
    if (word("is")) {
      p++;
      const neg = word("not");
      if (neg) p++;
      expectWord("null");
      return { k: "isnull", a, neg };
    }
    const neg = word("not") && word("like", p + 1);
    if (neg) p++;
    if (word("like")) {
      p++;
      return { k: "like", a, b: additive(), neg };
    }
    return a;
  }
  function additive(): Expr {
    let a = primary();
    while (symbol("+") || symbol("-") || symbol("*") || symbol("/")) {
      const t = tokens[p++];
      a = { k: "bin", op: t.text, a, b: primary(), at: t.at };
    }
    return a;
  }
  function primary(): Expr {
    const t = peek();
    if (!t) throw new SyntaxError_(sql.length);
    p++;
    if (t.kind === "number") return { k: "lit", v: Number(t.text), at: t.at, pgName: "?column?", numeric: true, literal: "number" };
    if (t.kind === "string") return { k: "lit", v: t.text, at: t.at, pgName: "?column?", numeric: false, literal: "string" };
    if (t.kind === "symbol" && t.text === "-") return { k: "neg", a: primary(), at: t.at };
    if (t.kind === "symbol" && t.text === "(") {
      const inner = orExpr();
      expectSymbol(")");
      return inner;
    }
    if (t.kind === "ident") return { k: "col", name: t.text, at: t.at, written: t.text };
    if (t.kind !== "word") throw new SyntaxError_(t.at);
    const lower = t.text.toLowerCase();
    if (RESERVED.has(lower)) throw new SyntaxError_(t.at);
    if (lower === "null") return { k: "lit", v: null, at: t.at, pgName: "?column?", numeric: false };
    if (lower === "true" || lower === "false") return { k: "lit", v: lower === "true", at: t.at, pgName: "bool", numeric: !pg };
    if (symbol("(")) {
      p++;
      if (lower === "count" || lower === "sum" || lower === "min" || lower === "max") {
        let arg: Expr | undefined;
        if (lower === "count" && symbol("*")) p++;
        else arg = orExpr();
        expectSymbol(")");
        return { k: "count", fn: lower, at: t.at, arg };
      }
      expectSymbol(")");
      return { k: "fn", name: lower, at: t.at, call: true, written: t.text };
    }
    if (["current_timestamp", "current_user"].includes(lower)) return { k: "fn", name: lower, at: t.at, call: false, written: t.text };
    return { k: "col", name: pg ? lower : t.text, at: t.at, written: t.text };
  }

  /** Checks the names an expression uses, as the servers' analysis does; its output type. */
  function analyse(e: Expr, source: SqlTable | undefined, clause: string): { numeric: boolean } {
    switch (e.k) {
      case "lit":
        return { numeric: e.numeric };
      case "neg":
        analyse(e.a, source, clause);
        return { numeric: true };
      case "col": {
        const i = source ? columnIndex(source, e.name) : -1;
        if (i < 0) {
          fail(pg ? { kind: "error", message: `column "${e.name}" does not exist`, position: e.at } : { kind: "error", code: 1054, state: "42S22", message: `Unknown column '${e.written}' in '${clause}'` });
        }
        return { numeric: isNumericColumn(source!.columns[i]) };
      }
      case "fn": {
        // A word without parentheses is a function only when it is current_timestamp or current_user.
        const known = pg ? ["version", "now", "current_database"] : ["version", "now", "current_timestamp", "current_user", "user", "database"];
        if (e.call && !known.includes(e.name)) {
          fail(
            pg
              ? { kind: "error", message: `function ${e.name}() does not exist`, position: e.at, hint: "No function matches the given name and argument types. You might need to add explicit type casts." }
              : { kind: "error", code: 1305, state: "42000", message: `FUNCTION ${session.database ? `${session.database}.` : ""}${e.written} does not exist` },
          );
        }
        return { numeric: false };
      }
      case "count": {
        const arg = e.arg ? analyse(e.arg, source, clause) : { numeric: true };
        if (e.fn === "sum" && !arg.numeric && pg) {
          fail({ kind: "error", message: `function sum(${pgTextType(e.arg!, source)}) does not exist`, position: e.at, hint: "No function matches the given name and argument types. You might need to add explicit type casts." });
        }
        return { numeric: e.fn === "count" || e.fn === "sum" || arg.numeric };
      }
      case "bin": {
        const a = analyse(e.a, source, clause);
        const b = analyse(e.b, source, clause);
        if (pg && ["=", "<>", "<", ">", "<=", ">="].includes(e.op)) {
          // postgres does not compare text with a number: `operator does not exist: text = integer`.
          const text = (x: Expr, n: { numeric: boolean }) => !n.numeric && (x.k === "col" || (x.k === "fn" && x.name !== "now"));
          const number = (x: Expr) => (x.k === "lit" && x.literal === "number") || (x.k === "count" && (x.fn === "count" || x.fn === "sum"));
          if ((text(e.a, a) && number(e.b)) || (number(e.a) && text(e.b, b))) {
            const [l, r] = [e.a, e.b].map((x) => (number(x) ? (x.k === "lit" && String(x.v).includes(".") ? "numeric" : x.k === "count" ? "bigint" : "integer") : pgTextType(x, source)));
            fail({ kind: "error", message: `operator does not exist: ${l} ${e.op} ${r}`, position: e.at, hint: "No operator matches the given name and argument types. You might need to add explicit type casts." });
          }
          // A quoted literal beside an integer column takes the column's type when the query is analysed.
          for (const [column, literal] of [[e.a, e.b], [e.b, e.a]]) {
            if (column.k === "col" && source && literal.k === "lit" && literal.literal === "string" && !/^\s*-?\d+\s*$/.test(String(literal.v))) {
              const spec = source.columns[columnIndex(source, column.name)];
              if (spec && INTEGER_TYPES.has(baseType(spec))) fail({ kind: "error", message: `invalid input syntax for type ${pgTypeName(spec)}: "${literal.v}"`, position: literal.at });
            }
          }
        }
        return { numeric: ["+", "-", "*", "/"].includes(e.op) || !pg };
      }
      case "not":
        analyse(e.a, source, clause);
        return { numeric: !pg };
      case "isnull":
      case "like":
        analyse(e.a, source, clause);
        if (e.k === "like") analyse(e.b, source, clause);
        return { numeric: !pg };
    }
  }

  function pgTextType(x: Expr, source: SqlTable | undefined): string {
    if (x.k === "col" && source) return pgTypeName(source.columns[columnIndex(source, x.name)]);
    return "text";
  }

  function evaluate(e: Expr, source: SqlTable | undefined, row: Array<string | null>, group: Array<Array<string | null>>): Value {
    switch (e.k) {
      case "lit":
        return e.v;
      case "neg": {
        const v = evaluate(e.a, source, row, group);
        return v === null ? null : -Number(v);
      }
      case "col": {
        const i = columnIndex(source!, e.name);
        return cell(source!, row, i);
      }
      case "fn":
        switch (e.name) {
          case "version":
            return pg ? POSTGRES_VERSION_STRING : session.server === "mariadb" ? MARIADB_SERVER_VERSION : MYSQL_SERVER_VERSION;
          case "now":
          case "current_timestamp":
            return timestamp(session.now, pg);
          case "current_user":
          case "user":
            return pg ? session.user : `${session.user}@${session.accountHost ?? "%"}`;
          default:
            return pg || session.database ? session.database : null;
        }
      case "count": {
        if (!e.arg) return group.length;
        const values = group.map((r) => evaluate(e.arg!, source, r, [])).filter((v): v is Exclude<Value, null> => v !== null);
        if (e.fn === "count") return values.length;
        if (values.length === 0) return null;
        if (e.fn === "sum") return values.reduce((a: number, v) => a + Number(typeof v === "boolean" ? Number(v) : /^\s*-?\d+(\.\d+)?/.exec(String(v))?.[0] ?? 0), 0);
        return values.reduce((a, v) => (compareForSort(v, a, pg) * (e.fn === "min" ? 1 : -1) < 0 ? v : a));
      }
      case "not": {
        const v = evaluate(e.a, source, row, group);
        return v === null ? null : !truthy(v);
      }
      case "isnull":
        return (evaluate(e.a, source, row, group) === null) !== e.neg;
      case "like": {
        const a = evaluate(e.a, source, row, group);
        const b = evaluate(e.b, source, row, group);
        if (a === null || b === null) return null;
        const pattern = String(b).replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/%/g, ".*").replace(/_/g, ".");
        return new RegExp(`^${pattern}$`, pg ? "s" : "is").test(show(a)!) !== e.neg;
      }
      case "bin": {
        const a = evaluate(e.a, source, row, group);
        if (e.op === "and" || e.op === "or") {
          const b = evaluate(e.b, source, row, group);
          const [x, y] = [a === null ? null : truthy(a), b === null ? null : truthy(b)];
          if (e.op === "and") return x === false || y === false ? false : x === null || y === null ? null : true;
          return x === true || y === true ? true : x === null || y === null ? null : false;
        }
        const b = evaluate(e.b, source, row, group);
        if (a === null || b === null) return null;
        if (["+", "-", "*", "/"].includes(e.op)) {
          const [x, y] = [Number(a), Number(b)];
          if (e.op === "/" && y === 0) {
            if (pg) fail({ kind: "error", message: "division by zero" });
            return null;
          }
          const r = e.op === "+" ? x + y : e.op === "-" ? x - y : e.op === "*" ? x * y : x / y;
          return e.op === "/" && pg && Number.isInteger(x) && Number.isInteger(y) ? Math.trunc(r) : r;
        }
        const c = compareValues(a, b, pg, e);
        return e.op === "=" ? c === 0 : e.op === "<>" ? c !== 0 : e.op === "<" ? c < 0 : e.op === ">" ? c > 0 : e.op === "<=" ? c <= 0 : c >= 0;
      }
    }
  }

  function compareValues(a: Exclude<Value, null>, b: Exclude<Value, null>, pgDialect: boolean, e: Expr): number {
    if (typeof a === "number" || typeof b === "number") {
      const toNumber = (v: Exclude<Value, null>, other: Expr): number => {
        if (typeof v === "number") return v;
        if (typeof v === "boolean") return v ? 1 : 0;
        if (pgDialect && !/^\s*-?\d+(\.\d+)?\s*$/.test(v)) {
          const lit = other.k === "lit" ? other : undefined;
          fail({ kind: "error", message: `invalid input syntax for type integer: "${v}"`, position: lit?.at ?? (e as { at: number }).at });
        }
        return Number(/^\s*-?\d+(\.\d+)?/.exec(v)?.[0] ?? 0);
      };
      const be = e as { a: Expr; b: Expr };
      const [x, y] = [toNumber(a, be.a), toNumber(b, be.b)];
      return x < y ? -1 : x > y ? 1 : 0;
    }
    if (typeof a === "boolean" || typeof b === "boolean") return Number(truthy(a)) - Number(truthy(b));
    // MySQL's default collations ignore case; postgres's compare exactly for equality.
    const [x, y] = pgDialect ? [a, b] : [a.toLowerCase(), b.toLowerCase()];
    return x < y ? -1 : x > y ? 1 : 0;
  }

  function cell(source: SqlTable, row: Array<string | null>, i: number): Value {
    const v = row[i] ?? null;
    if (v === null) return null;
    const spec = source.columns[i];
    if (isNumericColumn(spec) && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
    if (pg && ["boolean", "bool"].includes(baseType(spec))) return v === "t";
    return v;
  }

  function show(v: Value): string | null {
    if (v === null) return null;
    if (typeof v === "boolean") return pg ? (v ? "t" : "f") : v ? "1" : "0";
    return String(v);
  }

  function truthy(v: Value): boolean {
    if (v === null) return false;
    if (typeof v === "boolean") return v;
    if (typeof v === "number") return v !== 0;
    return Number(/^\s*-?\d+(\.\d+)?/.exec(v)?.[0] ?? 0) !== 0;
  }

  function duplicateCheck(table: SqlTable, tableName: string, rows: Array<Array<string | null>>, row: Array<string | null>): void {
    if (!table.primaryKey) return;
    const idx = table.primaryKey.map((k) => columnIndex(table, k));
    const key = (r: Array<string | null>) => idx.map((i) => (pg ? r[i] : r[i]?.toLowerCase())).join("\u0000");
    if (!rows.some((r) => key(r) === key(row))) return;
    const shown = idx.map((i) => row[i]);
    fail(
      pg
        ? { kind: "error", message: `duplicate key value violates unique constraint "${tableName}_pkey"`, detail: `Key (${table.primaryKey.join(", ")})=(${shown.join(", ")}) already exists.` }
        : { kind: "error", code: 1062, state: "23000", message: `Duplicate entry '${shown.join("-")}' for key '${session.server === "mariadb" ? "" : `${tableName}.`}PRIMARY'` },
    );
  }
}

/** A column's type as DESCRIBE shows it: MariaDB still prints the integer types' display widths, MySQL 8 no longer does. */
function describeType(type: string, maria: boolean): string {
  if (!maria) return type;
  const widths: Record<string, number> = { tinyint: 4, smallint: 6, mediumint: 9, int: 11, integer: 11, bigint: 20 };
  const [base, ...rest] = type.split(" ");
  const width = widths[base];
  if (width === undefined) return type;
  const unsigned = rest.includes("unsigned");
  return `${base === "integer" ? "int" : base}(${unsigned && base !== "bigint" ? width - 1 : width})${unsigned ? " unsigned" : ""}`;
}

function withoutLegacy(data: ServerData): ServerData {
  const { tables: _legacy, ...rest } = data;
  return rest;
}

function hasAggregate(e: Expr): boolean {
  if (e.k === "count") return true;
  if (e.k === "bin") return hasAggregate(e.a) || hasAggregate(e.b);
  if (e.k === "not" || e.k === "neg" || e.k === "isnull") return hasAggregate(e.a);
  if (e.k === "like") return hasAggregate(e.a) || hasAggregate(e.b);
  return false;
}

function firstColumn(e: Expr): { name: string; at: number } | undefined {
  if (e.k === "col") return e;
  if (e.k === "bin") return firstColumn(e.a) ?? firstColumn(e.b);
  if (e.k === "not" || e.k === "neg" || e.k === "isnull") return firstColumn(e.a);
  if (e.k === "like") return firstColumn(e.a) ?? firstColumn(e.b);
  return undefined;
}

function exprStart(e: Expr): number {
  if ("at" in e) return e.at;
  if (e.k === "not" || e.k === "isnull" || e.k === "like") return exprStart(e.a);
  return 0;
}

/** postgres names a result column after the column or function it shows, else `?column?`. */
function pgName(e: Expr, source: SqlTable | undefined): string {
  if (e.k === "col") return source ? columnName(source.columns[source.columns.findIndex((c) => columnName(c) === e.name)] ?? e.name) : e.name;
  if (e.k === "fn") return e.name === "current_database" ? "current_database" : e.name;
  if (e.k === "count") return e.fn;
  if (e.k === "lit") return e.pgName;
  return "?column?";
}

/** postgres's name of a column's type in its messages. */
function pgTypeName(spec: string): string {
  const t = baseType(spec);
  if (["int", "integer", "int4", "serial"].includes(t)) return "integer";
  if (["bigint", "int8", "bigserial"].includes(t)) return "bigint";
  if (["smallint", "int2", "smallserial"].includes(t)) return "smallint";
  if (t === "varchar") return "character varying";
  return t;
}

/** NULLs sort last in postgres's ascending order and first in MySQL's; text by its letters, then case. */
function compareForSort(a: Value, b: Value, pg: boolean): number {
  if (a === null || b === null) return a === b ? 0 : (a === null ? 1 : -1) * (pg ? 1 : -1);
  if (typeof a === "number" && typeof b === "number") return a - b;
  const [x, y] = [String(a), String(b)];
  const [lx, ly] = [x.toLowerCase(), y.toLowerCase()];
  if (lx !== ly) return lx < ly ? -1 : 1;
  // glibc's en_US.utf8 puts lower case first; MySQL's case-insensitive collation keeps them equal.
  return pg ? (x === y ? 0 : x > y ? -1 : 1) : 0;
}

function syntaxError(session: SqlSession, sql: string, at: number, unterminated: boolean): SqlResult {
  const trimmed = sql.replace(/[\s;]+$/, "");
  if (session.dialect === "postgres") {
    if (unterminated) return { kind: "error", message: "unterminated quoted string at or near " + `"${sql.slice(at)}"`, position: at };
    if (at >= trimmed.length) return { kind: "error", message: "syntax error at end of input", position: trimmed.length };
    const token = /^('([^']|'')*'|"([^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*|[0-9]+|<>|!=|<=|>=|.)/.exec(sql.slice(at))![0];
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

/**
 * postgres's timestamptz output (seconds' fraction without trailing zeros, +00 in the image's UTC)
 * or mysql's DATETIME; `zone` false for a postgres column of type timestamp (without time zone),
 * `date` for one of type date.
 */
function timestamp(ms: number, pg: boolean, shape: "zone" | "local" | "date" = "zone"): string {
  const d = new Date(ms);
  const day = `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
  if (shape === "date") return day;
  const base = `${day} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  if (!pg) return base;
  const fraction = String(d.getUTCMilliseconds()).padStart(3, "0").replace(/0+$/, "");
  return `${base}${fraction ? `.${fraction}` : ""}${shape === "zone" ? "+00" : ""}`;
}
