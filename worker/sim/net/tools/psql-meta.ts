// psql's backslash commands of a first lesson, answered from the server's data as psql's own
// catalog queries would (describe.c): \l (List of databases), \dt and \d (List of relations),
// \d TABLE (its columns, types, defaults and primary key), \c DATABASE and \q.

import type { SqlTable } from "../../cluster/types.ts";
import type { SqlColumn } from "../apps/sql-server.ts";

/** A listing psql prints as an aligned table with a title and its footers. */
export interface PsqlListing {
  title: string;
  columns: SqlColumn[];
  rows: Array<Array<string | null>>;
  /** Lines after the rows; undefined: the row count, `(2 rows)`. */
  footers?: string[];
}

export type MetaOutcome =
  | { kind: "listing"; listing: PsqlListing }
  /** psql's own error (pg_log_error): a relation not found, an unknown command. */
  | { kind: "error"; message: string }
  | { kind: "connect"; database: string }
  | { kind: "quit" };

export interface MetaContext {
  user: string;
  database: string;
  databases: Record<string, Record<string, SqlTable>>;
}

/** psql sorts names as the `name` type does: by bytes (the C collation). */
function byBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The sequences serial columns own: `TABLE_COLUMN_seq`. */
function sequences(name: string, table: SqlTable): string[] {
  return Object.keys(table.auto ?? {}).map((column) => `${name}_${column}_seq`);
}

/** postgres's name for a column's type (format_type). */
export function pgTypeDisplay(type: string): string {
  const m = /^([a-z_]+)(\((.*)\))?$/.exec(type);
  const base = m?.[1] ?? type;
  const args = m?.[2] ?? "";
  switch (base) {
    case "int":
    case "integer":
    case "int4":
    case "serial":
      return "integer";
    case "bigint":
    case "int8":
    case "bigserial":
      return "bigint";
    case "smallint":
    case "int2":
    case "smallserial":
      return "smallint";
    case "varchar":
      return `character varying${args}`;
    case "char":
    case "character":
      return `character${args || "(1)"}`;
    case "bool":
    case "boolean":
      return "boolean";
    case "float":
    case "float8":
    case "double":
      return "double precision";
    case "float4":
      return "real";
    case "timestamp":
      return `timestamp${args} without time zone`;
    case "timestamptz":
      return `timestamp${args} with time zone`;
    default:
      return `${base}${args}`;
  }
}

function describeTable(name: string, table: SqlTable): PsqlListing {
  const rows = table.columns.map((spec) => {
    const [column, type = ""] = spec.split(" ");
    const display = pgTypeDisplay(type);
    let fallback = "";
    if (table.auto?.[column] !== undefined) fallback = `nextval('${name}_${column}_seq'::regclass)`;
    else if (table.defaults?.[column] !== undefined) {
      const d = table.defaults[column];
      if (d === null) fallback = "NULL";
      else if (d.startsWith("\u0000")) fallback = d === "\u0000current_timestamp" ? "CURRENT_TIMESTAMP" : "now()";
      // A number default of a number column shows bare; anything else as a typed literal.
      else if (/^-?\d+(\.\d+)?$/.test(d) && /^(integer|bigint|smallint|numeric|real|double precision)/.test(display)) fallback = d;
      else fallback = `'${d.replace(/'/g, "''")}'::${display.replace(/\(.*\)/, "")}`;
    }
    return [column, display, "", table.notNull?.includes(column) ? "not null" : "", fallback];
  });
  const footers = table.primaryKey ? ["Indexes:", `    "${name}_pkey" PRIMARY KEY, btree (${table.primaryKey.join(", ")})`] : [];
  return {
    title: `Table "public.${name}"`,
    columns: ["Column", "Type", "Collation", "Nullable", "Default"].map((c) => ({ name: c, numeric: false })),
    rows,
    footers,
  };
}

/** One backslash command line (without its backslash). */
export function psqlMeta(line: string, context: MetaContext): MetaOutcome {
  const words = line.trim().split(/\s+/);
  const command = words[0];
  const argument = words[1]?.replace(/^"(.*)"$/, "$1");
  const tables = context.databases[context.database] ?? {};
  const relations = (withSequences: boolean): Array<Array<string | null>> =>
    Object.entries(tables)
      .flatMap(([name, table]) => [[name, "table"], ...(withSequences ? sequences(name, table).map((s) => [s, "sequence"]) : [])])
      .sort((a, b) => byBytes(a[0], b[0]))
      .map(([name, type]) => ["public", name, type, context.user]);
  const relationColumns = ["Schema", "Name", "Type", "Owner"].map((c) => ({ name: c, numeric: false }));
  switch (command) {
    case "l":
    case "list":
      return {
        kind: "listing",
        listing: {
          title: "List of databases",
          columns: ["Name", "Owner", "Encoding", "Locale Provider", "Collate", "Ctype", "Locale", "ICU Rules", "Access privileges"].map((c) => ({ name: c, numeric: false })),
          rows: Object.keys(context.databases)
            .sort(byBytes)
            .map((name) => [name, context.user, "UTF8", "libc", "en_US.utf8", "en_US.utf8", null, null, name === "template0" || name === "template1" ? `=c/${context.user}\n${context.user}=CTc/${context.user}` : null]),
        },
      };
    case "dt":
    case "d": {
      if (command === "d" && argument) {
        const table = tables[argument.toLowerCase() === argument || words[1]?.startsWith('"') ? argument : argument.toLowerCase()];
        if (!table) return { kind: "error", message: `Did not find any relation named "${argument}".` };
        return { kind: "listing", listing: describeTable(argument.toLowerCase() === argument || words[1]?.startsWith('"') ? argument : argument.toLowerCase(), table) };
      }
      const rows = relations(command === "d").filter((r) => !argument || r[1] === argument);
      if (rows.length === 0) return { kind: "error", message: argument ? `Did not find any relation named "${argument}".` : "Did not find any relations." };
      return { kind: "listing", listing: { title: "List of relations", columns: relationColumns, rows } };
    }
    case "c":
    case "connect":
      return { kind: "connect", database: argument ?? context.database };
    case "q":
    case "quit":
      return { kind: "quit" };
    default:
      return { kind: "error", message: `invalid command \\${command}` };
  }
}
