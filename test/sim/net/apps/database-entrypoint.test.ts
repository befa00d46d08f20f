// The database images refuse to start without their password variables, as docker-library's
// entrypoints do: exit 1, CrashLoopBackOff, and the script's own error in `kubectl logs`.
import { describe, expect, it } from "vitest";
import { databaseEntrypoint } from "../../../../worker/sim/cluster/database-entrypoint.ts";
import { simTerminal } from "../../console.ts";

describe("databaseEntrypoint", () => {
  it.each([
    ["postgres", {}, false],
    ["postgres", { POSTGRES_PASSWORD: "" }, false],
    ["postgres", { POSTGRES_PASSWORD: "s3cret" }, true],
    ["postgres", { POSTGRES_HOST_AUTH_METHOD: "trust" }, true],
    ["mysql", {}, false],
    ["mysql", { MYSQL_PASSWORD: "x" }, false],
    ["mysql", { MYSQL_ROOT_PASSWORD: "s3cret" }, true],
    ["mysql", { MYSQL_ALLOW_EMPTY_PASSWORD: "yes" }, true],
    ["mysql", { MYSQL_RANDOM_ROOT_PASSWORD: "yes" }, true],
    ["mariadb", {}, false],
    ["mariadb", { MARIADB_PASSWORD: "x" }, false],
    ["mariadb", { MARIADB_ROOT_PASSWORD: "s3cret" }, true],
    ["mariadb", { MYSQL_ROOT_PASSWORD: "s3cret" }, true],
    ["mariadb", { MARIADB_ROOT_PASSWORD_HASH: "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19" }, true],
    ["mariadb", { MARIADB_ROOT_PASSWORD_HASH: "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19", MARIADB_ROOT_PASSWORD: "x" }, false],
    ["mariadb", { MARIADB_ALLOW_EMPTY_ROOT_PASSWORD: "1" }, true],
    ["mariadb", { MYSQL_ALLOW_EMPTY_PASSWORD: "1" }, true],
    ["mariadb", { MARIADB_RANDOM_ROOT_PASSWORD: "1" }, true],
  ] as const)("%s with %j starts: %s", (kind, env, starts) => {
    expect(databaseEntrypoint(kind, env).ok).toBe(starts);
  });
  it("sets up the accounts the variables name", () => {
    expect(databaseEntrypoint("postgres", { POSTGRES_PASSWORD: "p", POSTGRES_USER: "app" })).toEqual({ ok: true, account: { user: "app", password: "p", trust: false, database: "app" } });
    expect(databaseEntrypoint("mysql", { MYSQL_ALLOW_EMPTY_PASSWORD: "1" })).toEqual({ ok: true, account: { user: "root", password: "", database: "" } });
    // _mariadb_file_env: a MARIADB_ value wins over its MYSQL_ name.
    expect(databaseEntrypoint("mariadb", { MYSQL_ROOT_PASSWORD: "old", MARIADB_ROOT_PASSWORD: "new", MYSQL_DATABASE: "shop" })).toEqual({ ok: true, account: { user: "root", password: "new", database: "shop" } });
  });
});

describe("a database pod without its password variable", () => {
  it("postgres crash-loops and logs the entrypoint's error", () => {
    const run = simTerminal(5, 4000);
    run("kubectl run db --image=postgres");
    run("kubectl get pods");
    run("kubectl get pods");
    run("kubectl get pods");
    expect(run("kubectl get pods").output).toMatch(/db +0\/1 +(CrashLoopBackOff|Error) /);
    expect(run("kubectl logs db").output).toBe(
      [
        "Error: Database is uninitialized and superuser password is not specified.",
        "       You must specify POSTGRES_PASSWORD to a non-empty value for the",
        '       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".',
        "",
        '       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all',
        "       connections without a password. This is *not* recommended.",
        "",
        '       See PostgreSQL documentation about "trust":',
        "       https://www.postgresql.org/docs/current/auth-trust.html",
        "",
      ].join("\n"),
    );
  });
  it("mysql crash-loops with its entrypoint's notes and error; with MYSQL_ROOT_PASSWORD it runs", () => {
    const run = simTerminal(5, 4000);
    run("kubectl run db --image=mysql");
    run("kubectl run ok --image=mysql --env=MYSQL_ROOT_PASSWORD=s3cret");
    for (let i = 0; i < 4; i++) run("kubectl get pods");
    const pods = run("kubectl get pods").output;
    expect(pods).toMatch(/db +0\/1 +(CrashLoopBackOff|Error) /);
    expect(pods).toMatch(/ok +1\/1 +Running +0 /);
    const log = run("kubectl logs db").output.split("\n");
    expect(log[0]).toMatch(/^2026-01-01 00:00:\d\d\+00:00 \[Note\] \[Entrypoint\]: Entrypoint script for MySQL Server 8\.4\.7-1\.el9 started\.$/);
    expect(log.slice(3)).toEqual([
      expect.stringMatching(/\[ERROR\] \[Entrypoint\]: Database is uninitialized and password option is not specified$/),
      "    You need to specify one of the following as an environment variable:",
      "    - MYSQL_ROOT_PASSWORD",
      "    - MYSQL_ALLOW_EMPTY_PASSWORD",
      "    - MYSQL_RANDOM_ROOT_PASSWORD",
      "",
    ]);
    expect(run("kubectl describe pod db").output).toMatch(/Last State: {5}Terminated\n {6}Reason: {7}Error\n {6}Exit Code: {4}1/);
  });
  it("mariadb crash-loops with its entrypoint's notes, the cgroup warning and the error; with MARIADB_ROOT_PASSWORD it runs", () => {
    const run = simTerminal(5, 4000);
    run("kubectl run db --image=mariadb");
    run("kubectl run ok --image=mariadb --env=MARIADB_ROOT_PASSWORD=s3cret");
    for (let i = 0; i < 4; i++) run("kubectl get pods");
    const pods = run("kubectl get pods").output;
    expect(pods).toMatch(/db +0\/1 +(CrashLoopBackOff|Error) /);
    expect(pods).toMatch(/ok +1\/1 +Running +0 /);
    const log = run("kubectl logs db").output.split("\n");
    expect(log.map((l) => l.replace(/^2026-01-01 00:00:\d\d\+00:00 /, "TIME "))).toEqual([
      "TIME [Note] [Entrypoint]: Entrypoint script for MariaDB Server 1:11.8.8+maria~ubu2404 started.",
      "TIME [Warn] [Entrypoint]: /sys/fs/cgroup//memory.pressure not writable, functionality unavailable to MariaDB",
      "TIME [Note] [Entrypoint]: Switching to dedicated user 'mysql'",
      "TIME [Note] [Entrypoint]: Entrypoint script for MariaDB Server 1:11.8.8+maria~ubu2404 started.",
      "TIME [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified",
      "\tYou need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD",
      "",
    ]);
  });
});
