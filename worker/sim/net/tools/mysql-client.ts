// The mysql client of the mysql image (8.4) and the mariadb client of the mariadb image (11.8,
// where `mysql` is the same client under its deprecated name), with -e:
// `mysql -h db -uroot -pPASS -e 'select 1'` prints the boxed table on a terminal and tab-separated
// lines otherwise (batch mode), as the real clients do. Errors carry the client's and server's numbers
// and texts (mysql's errmsg-utf8.txt; MariaDB Connector/C's ma_errmsg.c and pvio_socket.c). Either
// client speaks to either server: the protocol is the same.

import type { ProgramContext } from "../../shell/types.ts";
import { MARIADB_SERVER_VERSION, MYSQL_SERVER_VERSION } from "../../cluster/database-entrypoint.ts";
import { findImage, type ServerKind } from "../../cluster/images.ts";
import { nativePasswordHash } from "../sha1.ts";
import { readServerData, writeServerData } from "../apps/server-data.ts";
import { databasesOf, runSql, type SqlColumn } from "../apps/sql-server.ts";
import { clientPlace, dbConnect, envVar, localServer, serverAccount, splitStatements } from "./db-client.ts";

/** The boxed table of an interactive (terminal) result. */
export function boxedTable(columns: SqlColumn[], rows: Array<Array<string | null>>): string {
  const cells = rows.map((r) => r.map((v) => v ?? "NULL"));
  const widths = columns.map((c, i) => Math.max(c.name.length, ...cells.map((r) => r[i].length)));
  const rule = `+${widths.map((w) => "-".repeat(w + 2)).join("+")}+`;
  const line = (values: string[], header: boolean) => `| ${values.map((v, i) => (!header && columns[i].numeric ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join(" | ")} |`;
  return [rule, line(columns.map((c) => c.name), true), rule, ...cells.map((r) => line(r, false)), rule].join("\n") + "\n";
}

/** The servers that speak the MySQL protocol. */
const MYSQL_PROTOCOL: ServerKind[] = ["mysql", "mariadb"];

/** The version line of the welcome: the server's version and its version_comment. */
function serverVersionLine(server: "mysql" | "mariadb"): string {
  return server === "mariadb" ? `${MARIADB_SERVER_VERSION} mariadb.org binary distribution` : `${MYSQL_SERVER_VERSION} MySQL Community Server - GPL`;
}

/** Which client the program is: `mariadb`, or `mysql` in the mariadb image, is MariaDB's. */
function clientFlavour(ctx: ProgramContext, program: string): "mysql" | "mariadb" {
  if (program === "mariadb") return "mariadb";
  const place = clientPlace(ctx);
  if (place?.kind !== "pod") return "mysql";
  const spec = ctx.tx.state.pods[place.key]?.spec.containers.find((c) => c.name === place.container);
  return spec && findImage(spec.image)?.server?.kind === "mariadb" ? "mariadb" : "mysql";
}

export function mysqlClient(ctx: ProgramContext): number {
  const name = ctx.argv[0];
  const program = name.split("/").pop() ?? name;
  const flavour = clientFlavour(ctx, program);
  const maria = flavour === "mariadb";
  // MariaDB's client warns when it runs under a mysql* name (the image links /usr/bin/mysql to it).
  if (maria && program === "mysql") ctx.err(`${name}: Deprecated program name. It will be removed in a future release, use '/usr/bin/mariadb' instead\n`);
  let host: string | undefined;
  let port = 3306;
  let user: string | undefined;
  let password = envVar(ctx, "MYSQL_PWD");
  let passwordOnCommandLine = false;
  let database: string | undefined;
  const statements: string[] = [];
  const argv = ctx.argv;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const long = /^--(host|port|user|password|database|execute)=(.*)$/.exec(a);
    if (long) {
      const value = long[2];
      if (long[1] === "host") host = value;
      else if (long[1] === "port") port = Number(value);
      else if (long[1] === "user") user = value;
      else if (long[1] === "password") (password = value, (passwordOnCommandLine = true));
      else if (long[1] === "database") database = value;
      else statements.push(value);
      continue;
    }
    const short = /^-([hPuDep])(.*)$/.exec(a);
    if (short) {
      const [, option, attached] = short;
      if (option === "p") {
        // -p takes its value only attached (-pSECRET); alone it would prompt on the terminal.
        if (attached) (password = attached, (passwordOnCommandLine = true));
        else {
          ctx.err(`${name}: reading a password at its prompt is not simulated here; give it as -pPASSWORD or MYSQL_PWD\n`);
          return 1;
        }
        continue;
      }
      const value = attached || argv[++i];
      if (value === undefined) {
        ctx.err(`${name}: option '-${option}' requires an argument${maria ? "" : "."}\n`);
        return 1;
      }
      if (option === "h") host = value;
      else if (option === "P") port = Number(value);
      else if (option === "u") user = value;
      else if (option === "D") database = value;
      else statements.push(value);
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      ctx.err(maria ? `${name}: unknown option '${a}'\n` : `mysql: [ERROR] mysql: unknown option '${a}'.\n`);
      return 1;
    }
    database ??= a;
  }
  user ??= "root";
  // Only Oracle's client warns about a password on the command line; MariaDB's never did.
  if (passwordOnCommandLine && !maria) ctx.err("mysql: [Warning] Using a password on the command line interface can be insecure.\n");
  const place = clientPlace(ctx);
  if (!place) return 1;

  let target: { podKey: string; container: string; server: "mysql" | "mariadb" };
  let clientHost: string;
  let finish: ((note: string) => void) | undefined;
  if (host === undefined || host === "localhost") {
    const server = localServer(ctx, place, maria ? "mariadb" : "mysql");
    if (!server) {
      ctx.err(
        maria
          ? "ERROR 2002 (HY000): Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)\n"
          : "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)\n",
      );
      return 1;
    }
    target = { ...server, server: flavour };
    clientHost = "localhost";
  } else {
    const outcome = dbConnect(ctx, place, host, port, MYSQL_PROTOCOL);
    if (outcome.kind === "not-resolved") {
      ctx.err(maria ? `ERROR 2005 (HY000): Unknown server host '${host}' (-2)\n` : `ERROR 2005 (HY000): Unknown MySQL server host '${host}' (-2)\n`);
      return 1;
    }
    if (outcome.kind === "refused" || outcome.kind === "timed-out") {
      const errno = outcome.kind === "refused" ? 111 : 110;
      // Connector/C reports a failed TCP connect as CR_CONNECTION_ERROR (2002) with CR_CONN_HOST_ERROR's text.
      ctx.err(maria ? `ERROR 2002 (HY000): Can't connect to server on '${host}' (${errno})\n` : `ERROR 2003 (HY000): Can't connect to MySQL server on '${host}:${port}' (${errno})\n`);
      return 1;
    }
    if (outcome.kind === "other-protocol") {
      outcome.connection.finish("answered", `${outcome.connection.listener.label} does not speak the MySQL protocol.`);
      ctx.err(
        maria
          ? "ERROR 2013 (HY000): Lost connection to server at 'handshake: reading initial communication packet', system error: 0\n"
          : "ERROR 2013 (HY000): Lost connection to MySQL server at 'reading initial communication packet', system error: 0\n",
      );
      return 1;
    }
    const listener = outcome.connection.listener;
    target = { podKey: listener.podKey, container: listener.container, server: listener.server === "mariadb" ? "mariadb" : "mysql" };
    clientHost = outcome.connection.client.ip;
    const connection = outcome.connection;
    finish = (note) => connection.finish("answered", note);
  }
  const daemon = target.server === "mariadb" ? "mariadbd" : "mysqld";
  const account = serverAccount(ctx, target.podKey, target.container, target.server);
  if (!account) return 1;
  const given = password ?? "";
  const passwordMatches = account.passwordHash !== undefined ? nativePasswordHash(given) === account.passwordHash.toUpperCase() : account.password !== undefined && given === account.password;
  if (user !== account.user || !passwordMatches) {
    finish?.(`${daemon} denied access to '${user}'@'${clientHost}'.`);
    ctx.err(`ERROR 1045 (28000): Access denied for user '${user}'@'${clientHost}' (using password: ${password ? "YES" : "NO"})\n`);
    return 1;
  }
  let data = readServerData(ctx.tx, target.podKey, target.container) ?? { containerID: "" };
  if (database !== undefined && databasesOf(data, "mysql", account.database)[database] === undefined) {
    finish?.(`${daemon} has no database ${database}.`);
    ctx.err(`ERROR 1049 (42000): Unknown database '${database}'\n`);
    return 1;
  }
  finish?.(`${daemon} accepted '${user}'@'${clientHost}'.`);
  const session = { dialect: "mysql" as const, server: target.server, user, database: database ?? "", home: account.database, accountHost: clientHost === "localhost" ? "localhost" : "%", now: ctx.now };
  // Statements on standard input (`kubectl exec -i db -- mysql -uroot -pPASS shop < schema.sql`) run in
  // batch mode: tab-separated results, and the first error stops the client (without --force).
  const script = statements.length === 0 && ctx.stdin !== undefined ? scriptStatements(ctx.stdin) : statements.flatMap(splitStatements).map((text) => ({ text, line: 1 }));
  if (statements.length === 0 && ctx.stdin === undefined) {
    // MariaDB's client names the server it reached (mysql_get_server_name); Oracle's always says MySQL.
    const serverName = maria && target.server === "mariadb" ? "MariaDB" : "MySQL";
    ctx.out(
      `Welcome to the ${maria ? "MariaDB" : "MySQL"} monitor.  Commands end with ; or \\g.\nYour ${serverName} connection id is 8\nServer version: ${serverVersionLine(target.server)}\n\n` +
        (maria
          ? "Copyright (c) 2000, 2018, Oracle, MariaDB Corporation Ab and others.\n\n"
          : "Copyright (c) 2000, 2025, Oracle and/or its affiliates.\n\nOracle is a registered trademark of Oracle Corporation and/or its\naffiliates. Other names may be trademarks of their respective\nowners.\n\n") +
        "Type 'help;' or '\\h' for help. Type '\\c' to clear the current input statement.\n\n",
    );
    ctx.err(`${name}: its interactive prompt is not simulated here; give the statements with -e, e.g. ${program} -uroot -pPASS -e 'select 1'\n`);
    return 1;
  }
  const tabs = ctx.stdoutIsTerminal === false || statements.length === 0;
  for (const { text: statement, line } of script) {
    const { result, data: next } = runSql(data, session, statement);
    // A refused statement may still have changed something (an AUTO_INCREMENT value used up).
    if (next) {
      if (!writeServerData(ctx.tx, target.podKey, target.container, next)) {
        ctx.err(`ERROR 1114 (HY000) at line ${line}: The table is full\n`);
        return 1;
      }
      data = next;
    }
    if (result.kind === "error") {
      ctx.err(`ERROR ${result.code} (${result.state}) at line ${line}: ${result.message}\n`);
      return 1;
    }
    // USE (and a DROP of the current database) changes the session's database; -e prints nothing for it.
    if (result.kind === "use") session.database = result.database;
    if (result.kind === "done" && result.database !== undefined) session.database = result.database;
    // An empty result prints only "Empty set", which batch mode (-e, stdin) leaves out.
    if (result.kind !== "rows" || result.rows.length === 0) continue;
    if (tabs) {
      ctx.out([result.columns.map((c) => c.name), ...result.rows.map((r) => r.map((v) => v ?? "NULL"))].map((r) => `${r.join("\t")}\n`).join(""));
    } else ctx.out(boxedTable(result.columns, result.rows));
  }
  return 0;
}

/**
 * The statements of a script with the line each starts on (mysql's "at line N"): split at `;`
 * outside quotes ('', "", ``), `-- ` and `#` comments dropped.
 */
function scriptStatements(input: string): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  let current = "";
  let quote: string | undefined;
  let line = 1;
  let start = 1;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (!quote && ((ch === "-" && input[i + 1] === "-" && /\s/.test(input[i + 2] ?? "\n")) || ch === "#")) {
      while (i + 1 < input.length && input[i + 1] !== "\n") i++;
      continue;
    }
    if (current.trim() === "" && /\s/.test(ch)) {
      current = "";
      if (ch === "\n") line++;
      continue;
    }
    if (current === "") start = line;
    if (quote ? ch === quote : ch === "'" || ch === '"' || ch === "`") quote = quote ? undefined : ch;
    if (ch === "\n") line++;
    if (ch === ";" && !quote) {
      if (current.trim()) out.push({ text: current.trim(), line: start });
      current = "";
      continue;
    }
    current += ch;
  }
  if (current.trim()) out.push({ text: current.trim(), line: start });
  return out;
}
