// psql (the postgres image's client, 18.1), one statement list per command: `psql -h db -U
// postgres -c 'select 1'` prints psql's aligned table. Connection and login failures carry libpq's
// wording (fe-connect.c, fe-auth.c) and exit 2, as psql does when it cannot connect.

import type { ProgramContext } from "../../shell/types.ts";
import { readServerData, writeServerData } from "../apps/server-data.ts";
import type { ServerData } from "../../cluster/types.ts";
import { databasesOf, POSTGRES_PACKAGE, POSTGRES_VERSION, runSql, type SqlColumn } from "../apps/sql-server.ts";
import { psqlMeta } from "./psql-meta.ts";
import { clientPlace, dbConnect, envVar, localServer, serverAccount, splitStatements } from "./db-client.ts";

const SOCKET = "/var/run/postgresql/.s.PGSQL.5432";

/**
 * psql's aligned format with the default border 1: a title centred over the table, centred headers,
 * numbers right-aligned, a cell's further lines on continuation rows marked with `+`, then the row
 * count (or the given footers) and a blank line.
 */
export function alignedTable(columns: SqlColumn[], rows: Array<Array<string | null>>, options: { title?: string; footers?: string[] } = {}): string {
  const cells = rows.map((r) => r.map((v) => (v ?? "").split("\n")));
  const widths = columns.map((c, i) => Math.max(c.name.length, ...cells.flatMap((r) => r[i].map((l) => l.length))));
  const last = columns.length - 1;
  const header = columns
    .map((c, i) => {
      const room = widths[i] - c.name.length;
      return ` ${" ".repeat(Math.floor(room / 2))}${c.name}${" ".repeat(Math.ceil(room / 2))} `;
    })
    .join("|");
  const rule = widths.map((w) => "-".repeat(w + 2)).join("+");
  const lines = cells.flatMap((r) => {
    const height = Math.max(...r.map((c) => c.length));
    return Array.from({ length: height }, (_, k) =>
      r
        .map((cell, i) => {
          const v = cell[k] ?? "";
          const more = k < cell.length - 1;
          if (i === last && !more) return ` ${columns[i].numeric ? v.padStart(widths[i]) : v}`;
          const padded = columns[i].numeric ? v.padStart(widths[i]) : v.padEnd(widths[i]);
          return ` ${padded}${more ? "+" : i === last ? "" : " "}`;
        })
        .join("|"),
    );
  });
  const total = widths.reduce((a, w) => a + w, 0) + columns.length * 3 - 1;
  const title = options.title === undefined ? [] : [options.title.length >= total ? options.title : `${" ".repeat(Math.floor((total - options.title.length) / 2))}${options.title}`];
  const footers = options.footers ?? [rows.length === 1 ? "(1 row)" : `(${rows.length} rows)`];
  return [...title, header, rule, ...lines, ...footers, ""].join("\n") + "\n";
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
  let listDatabases = false;
  let fromFile: string | undefined;
  const argv = ctx.argv;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const long = /^--(host|port|username|dbname|command|file)=(.*)$/.exec(a);
    const short = /^-([hpUdcf])(.*)$/.exec(a);
    let option: string | undefined;
    let value: string | undefined;
    if (a === "-l" || a === "--list") {
      listDatabases = true;
      continue;
    }
    if (long) [option, value] = [{ host: "h", port: "p", username: "U", dbname: "d", command: "c", file: "f" }[long[1]]!, long[2]];
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
    else if (option === "f") {
      // Only standard input is a file here: the simulated containers have no files to read.
      if (value !== "-") {
        ctx.err(`psql: error: ${value}: No such file or directory\n`);
        return 1;
      }
      fromFile = value;
    }
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
  const run: Run = { ctx, target, user, home: account.database, failedAt, data: stored, database, connected: true, mode: "command" };
  if (listDatabases) commands.unshift("\\l");
  if (commands.length === 0 && (fromFile === "-" || ctx.stdin !== undefined)) {
    run.mode = fromFile === "-" ? "file" : "stdin";
    return runScript(run, ctx.stdin ?? "");
  }
  if (commands.length === 0) {
    ctx.out(`psql (${POSTGRES_VERSION} (Debian ${POSTGRES_PACKAGE}))\nType "help" for help.\n\n`);
    ctx.err("psql: its interactive prompt is not simulated here; give the statements with -c, e.g. psql -U postgres -c 'select 1'\n");
    return 1;
  }
  // Each -c is one action: a backslash command when it starts with one, else SQL sent at once
  // (its statements run until one fails). psql stops at the first failed action only with ON_ERROR_STOP.
  let status = 0;
  for (const command of commands) {
    if (command.startsWith("\\")) {
      const outcome = meta(run, command.slice(1), 1);
      status = outcome === "ok" || outcome === "quit" ? 0 : 1;
      if (outcome === "quit") break;
      continue;
    }
    status = 0;
    // A -c string is one query: its statements run in one implicit transaction, so an error undoes
    // the ones before it, and CREATE/DROP DATABASE may not share it.
    const statements = splitStatements(command);
    const before = run.data;
    let from = 0;
    for (const statement of statements) {
      // The server reports a position in the whole string it was sent, and libpq shows that string.
      const at = command.indexOf(statement, from);
      from = at + statement.length;
      const database = /^\s*(create|drop)\s+database\b/i.exec(statement);
      const outcome = statements.length > 1 && database ? refuse(run, `${database[1].toUpperCase()} DATABASE cannot run inside a transaction block`) : sql(run, statement, command, 1, at);
      if (outcome === "error") {
        status = 1;
        if (run.data !== before && writeServerData(ctx.tx, target.podKey, target.container, before)) run.data = before;
        break;
      }
    }
  }
  return status;
}

/** One psql run against a server: the session's database and how psql reports (its input's mode). */
interface Run {
  ctx: ProgramContext;
  target: { podKey: string; container: string };
  user: string;
  /** The entrypoint's database (POSTGRES_DB). */
  home: string;
  /** libpq's words for this connection's failure (`connection to server at "db" (10.96.0.5), port 5432 failed`). */
  failedAt: string;
  data: ServerData;
  database: string;
  /** False once a \c failed in a script: psql has closed the old connection. */
  connected: boolean;
  /**
   * command: -c (terse messages); stdin: statements piped in (`psql < file`, terse too); file: `-f -`,
   * whose messages carry `psql:<stdin>:LINE:` and, for psql's own errors, `error: `.
   */
  mode: "command" | "stdin" | "file";
}

/** The prefix psql's logging puts before a message: the input's place only when reading with -f. */
function locus(run: Run, line: number, ownError: boolean): string {
  return run.mode === "file" ? `psql:<stdin>:${line}: ${ownError ? "error: " : ""}` : "";
}

/** Sends one statement; `text` is the query as the server saw it (for the LINE context). */
function sql(run: Run, statement: string, text: string, line: number, offsetInText = 0): "ok" | "error" | "full" {
  const { ctx } = run;
  if (!run.connected) {
    ctx.err(`${locus(run, line, true)}You are currently not connected to a database.\n`);
    return "error";
  }
  const { result, data: next } = runSql(run.data, { dialect: "postgres", user: run.user, database: run.database, home: run.home, now: ctx.now }, statement);
  // A refused statement may still have changed something (a sequence advanced).
  if (next) {
    if (!writeServerData(ctx.tx, run.target.podKey, run.target.container, next)) {
      ctx.err(`${locus(run, line, false)}ERROR:  could not extend file: No space left on device\nHINT:  Check free disk space.\n`);
      return "full";
    }
    run.data = next;
  }
  if (result.kind === "error") {
    let message = `${locus(run, line, false)}ERROR:  ${result.message}\n`;
    if (result.position !== undefined) {
      // The server's LINE n: context is the line of the query the position falls on.
      const lines = text.split("\n");
      let offset = result.position + offsetInText;
      let at = 0;
      while (at < lines.length - 1 && offset > lines[at].length) offset -= lines[at++].length + 1;
      message += `LINE ${at + 1}: ${lines[at]}\n${" ".repeat(7 + String(at + 1).length + offset)}^\n`;
    }
    if (result.detail) message += `DETAIL:  ${result.detail}\n`;
    if (result.hint) message += `HINT:  ${result.hint}\n`;
    ctx.err(message);
    return "error";
  }
  if (result.kind === "done" && result.notice) ctx.err(`${locus(run, line, false)}NOTICE:  ${result.notice}\n`);
  if (result.kind === "rows") ctx.out(alignedTable(result.columns, result.rows));
  else if (result.kind === "done") ctx.out(`${result.tag}\n`);
  return "ok";
}

/** A statement the server refuses before running it. */
function refuse(run: Run, message: string): "error" {
  run.ctx.err(`ERROR:  ${message}\n`);
  return "error";
}

/** Runs one backslash command line (without its backslash). */
function meta(run: Run, line: string, lineNumber: number): "ok" | "error" | "quit" | "lost" {
  const { ctx } = run;
  const databases = databasesOf(run.data, "postgres", run.home);
  const outcome = psqlMeta(line, { user: run.user, database: run.database, databases });
  switch (outcome.kind) {
    case "quit":
      return "quit";
    case "error":
      ctx.err(`${locus(run, lineNumber, true)}${outcome.message}\n`);
      return "error";
    case "listing":
      ctx.out(alignedTable(outcome.listing.columns, outcome.listing.rows, outcome.listing));
      return "ok";
    case "connect":
      if (databases[outcome.database] === undefined || outcome.database === "template0") {
        const why = outcome.database === "template0" ? `database "template0" is not currently accepting connections` : `database "${outcome.database}" does not exist`;
        ctx.err(`${locus(run, lineNumber, true)}\\connect: ${run.failedAt}: FATAL:  ${why}\n`);
        // Outside an interactive session psql closes the old connection when \c fails.
        if (run.mode !== "command") run.connected = false;
        return run.mode === "command" ? "error" : "lost";
      }
      run.database = outcome.database;
      run.connected = true;
      ctx.out(`You are now connected to database "${outcome.database}" as user "${run.user}".\n`);
      return "ok";
  }
}

/**
 * Statements read from standard input (`kubectl exec -i db -- psql -U postgres < schema.sql`, or
 * `-f -`): each sent at its `;` (the rest at the end of input), a line starting with a backslash run
 * as psql's command, errors not stopping the script (ON_ERROR_STOP is off), so psql exits 0 unless
 * the server's disk is full (1) or a \c failed and left no connection (2).
 */
function runScript(run: Run, input: string): number {
  for (const { text, line, meta: isMeta } of scriptStatements(input)) {
    if (isMeta) {
      const outcome = meta(run, text.slice(1), line);
      if (outcome === "quit") return 0;
      if (outcome === "lost") return 2;
      continue;
    }
    // A line break is whitespace to the server (the same offsets, so positions still point into `text`).
    const statement = text.replace(/;$/, "").replace(/[\r\n\t]/g, " ");
    if (sql(run, statement, text, line) === "full") return 1;
  }
  return 0;
}

/**
 * The input's statements with the line each ends on (psql sends a query at its `;`, quotes aside);
 * a line that starts with a backslash outside a statement is a psql command.
 */
function scriptStatements(input: string): Array<{ text: string; line: number; meta?: boolean }> {
  const out: Array<{ text: string; line: number; meta?: boolean }> = [];
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
    if (current === "" && ch === "\\") {
      let end = input.indexOf("\n", i);
      if (end < 0) end = input.length;
      out.push({ text: input.slice(i, end).trim(), line, meta: true });
      i = end - 1;
      continue;
    }
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
