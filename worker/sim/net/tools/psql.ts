// psql (the postgres image's client, 18.1), one statement list per command: `psql -h db -U
// postgres -c 'select 1'` prints psql's aligned table. Connection and login failures carry libpq's
// wording (fe-connect.c, fe-auth.c) and exit 2, as psql does when it cannot connect.

import type { ProgramContext } from "../../shell/types.ts";
import { readServerData, writeServerData } from "../apps/server-data.ts";
import { databasesOf, POSTGRES_PACKAGE, POSTGRES_VERSION, runSql, type SqlColumn, type SqlResult } from "../apps/sql-server.ts";
import { clientPlace, dbConnect, envVar, localServer, serverAccount, splitStatements } from "./db-client.ts";

const SOCKET = "/var/run/postgresql/.s.PGSQL.5432";

/** psql's aligned format with the default border 1: centred headers, numbers right-aligned. */
export function alignedTable(columns: SqlColumn[], rows: Array<Array<string | null>>): string {
  const cells = rows.map((r) => r.map((v) => v ?? ""));
  const widths = columns.map((c, i) => Math.max(c.name.length, ...cells.map((r) => r[i].length)));
  const last = columns.length - 1;
  const header = columns
    .map((c, i) => {
      const room = widths[i] - c.name.length;
      return ` ${" ".repeat(Math.floor(room / 2))}${c.name}${" ".repeat(Math.ceil(room / 2))} `;
    })
    .join("|");
  const rule = widths.map((w) => "-".repeat(w + 2)).join("+");
  const lines = cells.map((r) =>
    r
      .map((v, i) => {
        const padded = columns[i].numeric ? v.padStart(widths[i]) : i === last ? v : v.padEnd(widths[i]);
        return i === last ? ` ${padded}` : ` ${padded} `;
      })
      .join("|"),
  );
  const count = rows.length === 1 ? "(1 row)" : `(${rows.length} rows)`;
  return [header, rule, ...lines, count, ""].join("\n") + "\n";
}

function usageError(ctx: ProgramContext, text: string): number {
  ctx.err(`psql: ${text}\npsql: hint: Try "psql --help" for more information.\n`);
  return 1;
}

export function psql(ctx: ProgramContext): number {
  let host = envVar(ctx, "PGHOST");
  let port = Number(envVar(ctx, "PGPORT") ?? "5432");
  let user = envVar(ctx, "PGUSER");
  let database = envVar(ctx, "PGDATABASE");
  const commands: string[] = [];
  const positional: string[] = [];
  const argv = ctx.argv;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const long = /^--(host|port|username|dbname|command)=(.*)$/.exec(a);
    const short = /^-([hpUdc])(.*)$/.exec(a);
    let option: string | undefined;
    let value: string | undefined;
    if (long) [option, value] = [{ host: "h", port: "p", username: "U", dbname: "d", command: "c" }[long[1]]!, long[2]];
    else if (short) {
      option = short[1];
      value = short[2] || argv[++i];
      if (value === undefined) return usageError(ctx, `option requires an argument -- '${option}'`);
    } else if (a === "-w" || a === "--no-password" || a === "-q" || a === "--quiet") continue;
    else if (a.startsWith("-") && a.length > 1) {
      return usageError(ctx, a.startsWith("--") ? `unrecognized option '${a}'` : `invalid option -- '${a[1]}'`);
    } else {
      positional.push(a);
      continue;
    }
    if (option === "h") host = value;
    else if (option === "p") port = Number(value);
    else if (option === "U") user = value;
    else if (option === "d") database = value;
    else if (option === "c") commands.push(value!);
  }
  database ??= positional[0];
  user ??= positional[1] ?? "root";
  database ??= user;
  const place = clientPlace(ctx);
  if (!place) return 1;

  let target: { podKey: string; container: string };
  let local = false;
  let failedAt: string;
  let finish: ((ok: boolean, note: string) => void) | undefined;
  if (host === undefined || host.startsWith("/")) {
    failedAt = `connection to server on socket "${SOCKET}" failed`;
    const server = localServer(ctx, place, "postgres");
    if (!server) {
      ctx.err(`psql: error: ${failedAt}: No such file or directory\n\tIs the server running locally and accepting connections on that socket?\n`);
      return 2;
    }
    target = server;
    local = true;
  } else {
    const outcome = dbConnect(ctx, place, host, port, "postgres");
    if (outcome.kind === "not-resolved") {
      ctx.err(`psql: error: could not translate host name "${host}" to address: Name or service not known\n`);
      return 2;
    }
    failedAt = `connection to server at "${host}"${outcome.ip === host ? "" : ` (${outcome.ip})`}, port ${port} failed`;
    if (outcome.kind === "refused" || outcome.kind === "timed-out") {
      ctx.err(`psql: error: ${failedAt}: ${outcome.kind === "refused" ? "Connection refused" : "Connection timed out"}\n\tIs the server running on that host and accepting TCP/IP connections?\n`);
      return 2;
    }
    if (outcome.kind === "other-protocol") {
      // libpq opens with an SSLRequest; an HTTP server answers "HTTP/1.1 400 ...".
      outcome.connection.finish("answered", `${outcome.connection.listener.label} does not speak the postgres protocol.`);
      ctx.err(`psql: error: ${failedAt}: received invalid response to SSL negotiation: H\n`);
      return 2;
    }
    target = outcome.connection.listener;
    const connection = outcome.connection;
    finish = (ok, note) => connection.finish("answered", ok ? note : `postgres refused the login: ${note}`);
  }

  const account = serverAccount(ctx, target.podKey, target.container, "postgres");
  if (!account) return 2;
  // The image's pg_hba.conf: local connections trust, host connections use scram-sha-256 unless trust.
  if (!local && !account.trust) {
    const password = envVar(ctx, "PGPASSWORD");
    if (password === undefined || password === "") {
      finish?.(false, "no password was sent.");
      ctx.err(`psql: error: ${failedAt}: fe_sendauth: no password supplied\n`);
      return 2;
    }
    if (user !== account.user || password !== account.password) {
      finish?.(false, `password authentication failed for user "${user}".`);
      ctx.err(`psql: error: ${failedAt}: FATAL:  password authentication failed for user "${user}"\n`);
      return 2;
    }
  } else if (user !== account.user) {
    finish?.(false, `role "${user}" does not exist.`);
    ctx.err(`psql: error: ${failedAt}: FATAL:  role "${user}" does not exist\n`);
    return 2;
  }
  const stored = readServerData(ctx.tx, target.podKey, target.container) ?? { containerID: "" };
  if (databasesOf(stored, "postgres", account.database)[database] === undefined) {
    finish?.(false, `database "${database}" does not exist.`);
    ctx.err(`psql: error: ${failedAt}: FATAL:  database "${database}" does not exist\n`);
    return 2;
  }
  finish?.(true, `postgres accepted ${user}'s login to database ${database}.`);
  if (commands.length === 0 && ctx.stdin !== undefined) return runScript(ctx, target, user, database, account.database, ctx.stdin);
  if (commands.length === 0) {
    ctx.out(`psql (${POSTGRES_VERSION} (Debian ${POSTGRES_PACKAGE}))\nType "help" for help.\n\n`);
    ctx.err("psql: its interactive prompt is not simulated here; give the statements with -c, e.g. psql -U postgres -c 'select 1'\n");
    return 1;
  }
  let data = readServerData(ctx.tx, target.podKey, target.container) ?? { containerID: "" };
  for (const statement of commands.flatMap(splitStatements)) {
    const { result, data: next } = runSql(data, { dialect: "postgres", user, database, home: account.database, now: ctx.now }, statement);
    if (result.kind === "error") {
      let text = `ERROR:  ${result.message}\n`;
      if (result.position !== undefined) text += `LINE 1: ${statement}\n${" ".repeat(8 + result.position)}^\n`;
      if (result.detail) text += `DETAIL:  ${result.detail}\n`;
      if (result.hint) text += `HINT:  ${result.hint}\n`;
      ctx.err(text);
      return 1;
    }
    if (next) {
      if (!writeServerData(ctx.tx, target.podKey, target.container, next)) {
        ctx.err("ERROR:  could not extend file: No space left on device\nHINT:  Check free disk space.\n");
        return 1;
      }
      data = next;
    }
    if (result.kind === "done" && result.notice) ctx.err(`NOTICE:  ${result.notice}\n`);
    ctx.out(resultText(result));
  }
  return 0;
}

/** What psql prints on standard output for a statement's result: its table, or its command tag. */
function resultText(result: Exclude<SqlResult, { kind: "error" }>): string {
  if (result.kind === "rows") return alignedTable(result.columns, result.rows);
  return result.kind === "done" ? `${result.tag}\n` : "";
}

/**
 * Statements read from standard input (`kubectl exec -i db -- psql -U postgres < schema.sql`):
 * each sent at its `;` (the rest at the end of input), errors prefixed with where the input was
 * (`psql:<stdin>:LINE: ERROR:  ...`) and not stopping the script (ON_ERROR_STOP is off), so psql
 * exits 0 unless the server's disk is full.
 */
function runScript(ctx: ProgramContext, target: { podKey: string; container: string }, user: string, database: string, home: string, input: string): number {
  let data = readServerData(ctx.tx, target.podKey, target.container) ?? { containerID: "" };
  for (const { text, line } of scriptStatements(input)) {
    // A line break is whitespace to the server (the same offsets, so positions still point into `text`).
    const statement = text.replace(/;$/, "").replace(/[\r\n\t]/g, " ");
    const { result, data: next } = runSql(data, { dialect: "postgres", user, database, home, now: ctx.now }, statement);
    if (result.kind === "error") {
      let message = `psql:<stdin>:${line}: ERROR:  ${result.message}\n`;
      if (result.position !== undefined) {
        // The server's LINE n: context is the line of the query the position falls on.
        const lines = text.split("\n");
        let offset = result.position;
        let at = 0;
        while (at < lines.length - 1 && offset > lines[at].length) offset -= lines[at++].length + 1;
        message += `LINE ${at + 1}: ${lines[at]}\n${" ".repeat(7 + String(at + 1).length + offset)}^\n`;
      }
      if (result.detail) message += `DETAIL:  ${result.detail}\n`;
      if (result.hint) message += `HINT:  ${result.hint}\n`;
      ctx.err(message);
      continue;
    }
    if (next) {
      if (!writeServerData(ctx.tx, target.podKey, target.container, next)) {
        ctx.err(`psql:<stdin>:${line}: ERROR:  could not extend file: No space left on device\nHINT:  Check free disk space.\n`);
        return 1;
      }
      data = next;
    }
    if (result.kind === "done" && result.notice) ctx.err(`psql:<stdin>:${line}: NOTICE:  ${result.notice}\n`);
    ctx.out(resultText(result));
  }
  return 0;
}

/** The input's statements with the line each ends on (psql sends a query at its `;`, quotes aside). */
function scriptStatements(input: string): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  let current = "";
  let quoted = false;
  let line = 1;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    // A -- comment runs to the end of its line; psql does not send it.
    if (!quoted && ch === "-" && input[i + 1] === "-") {
      while (i + 1 < input.length && input[i + 1] !== "\n") i++;
      continue;
    }
    if (ch === "'") quoted = !quoted;
    if (current === "" && /\s/.test(ch)) {
      if (ch === "\n") line++;
      continue;
    }
    current += ch;
    if (ch === ";" && !quoted) {
      if (current.trim() !== ";") out.push({ text: current.trim(), line });
      current = "";
    }
    if (ch === "\n") line++;
  }
  if (current.trim() !== "") out.push({ text: current.trim(), line: input.endsWith("\n") ? line - 1 : line });
  return out;
}
