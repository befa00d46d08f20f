// What the official database images' entrypoints (docker-library's docker-entrypoint.sh for
// postgres and mysql, MariaDB/mariadb-docker's for mariadb 11.8) check before they start the server: on a first start (every start here, as
// the simulated containers have no volume) the superuser needs a password variable, or the script
// prints its error to the container log and exits 1, which the kubelet turns into CrashLoopBackOff.

export type DatabaseKind = "postgres" | "mysql" | "mariadb";

/** Who may log in, as the entrypoint set it up. */
export interface DatabaseAccount {
  user: string;
  /** undefined: a password nobody was told (MYSQL_RANDOM_ROOT_PASSWORD's is only in the log). */
  password: string | undefined;
  /** MARIADB_ROOT_PASSWORD_HASH: the mysql_native_password hash ('*' and 40 hex digits) root logs in with. */
  passwordHash?: string;
  /** POSTGRES_HOST_AUTH_METHOD=trust: connections over the network need no password. */
  trust?: boolean;
  database: string;
}

export type EntrypointVerdict = { ok: true; account: DatabaseAccount } | { ok: false; afterMs: number; log: (startedAt: number) => string[] };

export const MYSQL_SERVER_VERSION = "8.4.7";
const MYSQL_PACKAGE_VERSION = `${MYSQL_SERVER_VERSION}-1.el9`;
/** The 11.8 Dockerfile's ARG MARIADB_VERSION (mariadb-docker c3bba22) and the server's version string. */
export const MARIADB_PACKAGE_VERSION = "1:11.8.8+maria~ubu2404";
export const MARIADB_SERVER_VERSION = "11.8.8-MariaDB-ubu2404";

/** The entrypoint's verdict on an environment: the account it creates, or its error and exit. */
export function databaseEntrypoint(kind: DatabaseKind, env: Readonly<Record<string, string>>): EntrypointVerdict {
  return kind === "postgres" ? postgresEntrypoint(env) : kind === "mysql" ? mysqlEntrypoint(env) : mariadbEntrypoint(env);
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

/**
 * docker_setup_env's names: _mariadb_file_env takes MARIADB_X, else MYSQL_X (a MARIADB_ value wins),
 * and the ALLOW_EMPTY and RANDOM options fall back to their MYSQL_ names the same way.
 */
function mariadbVariables(env: Readonly<Record<string, string>>) {
  const either = (maria: string, mysql: string) => env[maria] || env[mysql] || "";
  return {
    rootPassword: either("MARIADB_ROOT_PASSWORD", "MYSQL_ROOT_PASSWORD"),
    rootPasswordHash: env.MARIADB_ROOT_PASSWORD_HASH ?? "",
    allowEmpty: either("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD"),
    random: either("MARIADB_RANDOM_ROOT_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD"),
    database: either("MARIADB_DATABASE", "MYSQL_DATABASE"),
  };
}

function mariadbEntrypoint(env: Readonly<Record<string, string>>): EntrypointVerdict {
  const v = mariadbVariables(env);
  let error: string[] | undefined;
  if (!v.rootPassword && !v.rootPasswordHash && !v.allowEmpty && !v.random) {
    // mysql_error $'...\n\t...': the second line starts with a tab.
    error = [
      "Database is uninitialized and password option is not specified",
      "\tYou need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD",
    ];
  } else if ((v.rootPassword || v.allowEmpty || v.random) && v.rootPasswordHash) {
    error = ["Cannot specify MARIADB_ROOT_PASSWORD_HASH and another MARIADB_ROOT_PASSWORD* option."];
  }
  if (error) {
    const lines = error;
    return {
      ok: false,
      afterMs: 1000,
      log: (startedAt) => {
        const at = rfc3339Seconds(startedAt);
        const later = rfc3339Seconds(startedAt + 1000);
        const started = `[Note] [Entrypoint]: Entrypoint script for MariaDB Server ${MARIADB_PACKAGE_VERSION} started.`;
        // As root, docker_create_db_directories finds cgroup v2's memory.pressure (path "/sys/fs/cgroup/" +
        // "/" from /proc/self/cgroup's "0::/") not writable, then _main re-executes as mysql (gosu),
        // which notes its start again and checks the variables.
        return [
          `${at} ${started}`,
          `${later} [Warn] [Entrypoint]: /sys/fs/cgroup//memory.pressure not writable, functionality unavailable to MariaDB`,
          `${later} [Note] [Entrypoint]: Switching to dedicated user 'mysql'`,
          `${later} ${started}`,
          `${later} [ERROR] [Entrypoint]: ${lines[0]}`,
          ...lines.slice(1),
        ];
      },
    };
  }
  const password = v.rootPassword ? v.rootPassword : v.rootPasswordHash || v.random ? undefined : "";
  return { ok: true, account: { user: "root", password, ...(v.rootPasswordHash ? { passwordHash: v.rootPasswordHash } : {}), database: v.database } };
}
