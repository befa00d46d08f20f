// What the official database images' entrypoints (docker-library's docker-entrypoint.sh for
// postgres and mysql) check before they start the server: on a first start (every start here, as
// the simulated containers have no volume) the superuser needs a password variable, or the script
// prints its error to the container log and exits 1, which the kubelet turns into CrashLoopBackOff.

export type DatabaseKind = "postgres" | "mysql";

/** Who may log in, as the entrypoint set it up. */
export interface DatabaseAccount {
  user: string;
  /** undefined: a password nobody was told (MYSQL_RANDOM_ROOT_PASSWORD's is only in the log). */
  password: string | undefined;
  /** POSTGRES_HOST_AUTH_METHOD=trust: connections over the network need no password. */
  trust?: boolean;
  database: string;
}

export type EntrypointVerdict = { ok: true; account: DatabaseAccount } | { ok: false; afterMs: number; log: (startedAt: number) => string[] };

export const MYSQL_SERVER_VERSION = "8.4.7";
const MYSQL_PACKAGE_VERSION = `${MYSQL_SERVER_VERSION}-1.el9`;

/** The entrypoint's verdict on an environment: the account it creates, or its error and exit. */
export function databaseEntrypoint(kind: DatabaseKind, env: Readonly<Record<string, string>>): EntrypointVerdict {
  return kind === "postgres" ? postgresEntrypoint(env) : mysqlEntrypoint(env);
}

function postgresEntrypoint(env: Readonly<Record<string, string>>): EntrypointVerdict {
  const user = env.POSTGRES_USER || "postgres";
  const trust = env.POSTGRES_HOST_AUTH_METHOD === "trust";
  if (!env.POSTGRES_PASSWORD && !trust) {
    // docker_verify_minimum_env: a tab-stripped heredoc, so the blank lines stay.
    return {
      ok: false,
      afterMs: 200,
      log: () => [
        "Error: Database is uninitialized and superuser password is not specified.",
        "       You must specify POSTGRES_PASSWORD to a non-empty value for the",
        '       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".',
        "",
        '       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all',
        "       connections without a password. This is *not* recommended.",
        "",
        '       See PostgreSQL documentation about "trust":',
        "       https://www.postgresql.org/docs/current/auth-trust.html",
      ],
    };
  }
  return { ok: true, account: { user, password: env.POSTGRES_PASSWORD || undefined, trust, database: env.POSTGRES_DB || user } };
}

/** mysql_log's timestamp: `date --rfc-3339=seconds` in a UTC container. */
function rfc3339Seconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")}+00:00`;
}

function mysqlEntrypoint(env: Readonly<Record<string, string>>): EntrypointVerdict {
  if (!env.MYSQL_ROOT_PASSWORD && !env.MYSQL_ALLOW_EMPTY_PASSWORD && !env.MYSQL_RANDOM_ROOT_PASSWORD) {
    return {
      ok: false,
      afterMs: 1000,
      log: (startedAt) => {
        const at = rfc3339Seconds(startedAt);
        const later = rfc3339Seconds(startedAt + 1000);
        const started = `[Note] [Entrypoint]: Entrypoint script for MySQL Server ${MYSQL_PACKAGE_VERSION} started.`;
        // The script starts as root, notes it, re-executes itself as mysql (gosu) and notes it again.
        return [
          `${at} ${started}`,
          `${later} [Note] [Entrypoint]: Switching to dedicated user 'mysql'`,
          `${later} ${started}`,
          `${later} [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified`,
          "    You need to specify one of the following as an environment variable:",
          "    - MYSQL_ROOT_PASSWORD",
          "    - MYSQL_ALLOW_EMPTY_PASSWORD",
          "    - MYSQL_RANDOM_ROOT_PASSWORD",
        ];
      },
    };
  }
  const password = env.MYSQL_ROOT_PASSWORD ? env.MYSQL_ROOT_PASSWORD : env.MYSQL_RANDOM_ROOT_PASSWORD ? undefined : "";
  return { ok: true, account: { user: "root", password, database: env.MYSQL_DATABASE ?? "" } };
}
