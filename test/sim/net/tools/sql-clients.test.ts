// psql and mysql in their images: statements through the Service, the clients' own tables, and
// the real errors for a wrong password, an unknown host, a Service without endpoints and bad SQL.
import { describe, expect, it } from "vitest";
import { alignedTable } from "../../../../worker/sim/net/tools/psql.ts";
import { simConsole } from "../../console.ts";

function cluster() {
  const run = simConsole(9, 4000);
  run("kubectl run pg --image=postgres --env=POSTGRES_PASSWORD=pw");
  run("kubectl expose pod pg --port 5432");
  run("kubectl run my --image=mysql --env=MYSQL_ROOT_PASSWORD=pw --env=MYSQL_DATABASE=shop");
  run("kubectl expose pod my --port 3306");
  run("kubectl run pgc --image=postgres -- sleep infinity");
  run("kubectl run pgw --image=postgres --env=PGPASSWORD=pw -- sleep infinity");
  run("kubectl run pgx --image=postgres --env=PGPASSWORD=nope -- sleep infinity");
  run("kubectl run myc --image=mysql --env=MYSQL_ALLOW_EMPTY_PASSWORD=1");
  run("kubectl get pods");
  run("kubectl get pods");
  return (command: string) => {
    const { output, exitCode, traces } = run(command);
    return { output, exitCode, traces };
  };
}

const T = "command terminated with exit code";

describe("psql", () => {
  it.each([
    ["a literal, through the Service, with PGPASSWORD", "kubectl exec -it pgw -- psql -h pg -U postgres -c 'select 1'", " ?column? \n----------\n        1\n(1 row)\n\n"],
    ["the local socket in the server's own container", "kubectl exec -it pg -- psql -U postgres -c 'select current_user'", " current_user \n--------------\n postgres\n(1 row)\n\n"],
    ["no password", "kubectl exec -it pgc -- psql -h pg -U postgres -c 'select 1'", `psql: error: connection to server at "pg" (IP), port 5432 failed: fe_sendauth: no password supplied\n${T} 2\n`],
    ["a wrong password", "kubectl exec -it pgx -- psql -h pg -U postgres -c 'select 1'", `psql: error: connection to server at "pg" (IP), port 5432 failed: FATAL:  password authentication failed for user "postgres"\n${T} 2\n`],
    ["an unknown host", "kubectl exec -it pgc -- psql -h nosuch -U postgres -c 'select 1'", `psql: error: could not translate host name "nosuch" to address: Name or service not known\n${T} 2\n`],
    ["no server in this container", "kubectl exec -it pgc -- psql -U postgres", `psql: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: No such file or directory\n\tIs the server running locally and accepting connections on that socket?\n${T} 2\n`],
    ["bad SQL (postgres takes `frm` as the column's label, as it takes any bare word after an expression)", "kubectl exec -it pg -- psql -U postgres -c 'select 1 frm t'", `ERROR:  syntax error at or near "t"\nLINE 1: select 1 frm t\n                     ^\n${T} 1\n`],
    ["an unknown function", "kubectl exec -it pg -- psql -U postgres -c 'select foo()'", `ERROR:  function foo() does not exist\nLINE 1: select foo()\n               ^\nHINT:  No function matches the given name and argument types. You might need to add explicit type casts.\n${T} 1\n`],
  ])("%s", (_, command, expected) => {
    const run = cluster();
    const ip = /pg +ClusterIP +([\d.]+)/.exec(run("kubectl get svc pg").output)![1];
    expect(run(command).output).toBe(expected.replace("IP", ip));
  });
  it("keeps tables for the container's run and routes through the Service", () => {
    const run = cluster();
    run("kubectl exec pg -- psql -U postgres -c 'create table t (id int, name text)'");
    run("kubectl exec pg -- psql -U postgres -c \"insert into t values (1, 'alice'), (22, 'bob')\"");
    const select = run("kubectl exec -it pgw -- psql -h pg -U postgres -c 'select * from t'");
    expect(select.output).toBe(" id | name  \n----+-------\n  1 | alice\n 22 | bob\n(2 rows)\n\n");
    expect(select.traces.at(-1)?.hops.map((h) => h.kind)).toEqual(["dns", "client", "service", "endpoint", "pod", "process"]);
    run("kubectl delete pod pg");
    run("kubectl get pods");
    expect(run("kubectl exec -it pgw -- psql -h pg -U postgres -c 'select 1'").output).toMatch(/^psql: error: connection to server at "pg" \([\d.]+\), port 5432 failed: Connection refused\n\tIs the server running on that host and accepting TCP\/IP connections\?\n/);
  });
  it("reads statements from standard input with kubectl exec -i: each at its semicolon, errors without stopping the script", () => {
    const run = cluster();
    const script = "-- the schema\ncreate table t (id int, name text);\ninsert into t values (1, 'a;b');\nselect * from nope;\nselect *\n  from t;\nselect 2";
    expect(run(`printf '%s' "${script}" | kubectl exec -i pg -- psql -U postgres`)).toEqual({
      output: 'CREATE TABLE\nINSERT 0 1\nERROR:  relation "nope" does not exist\nLINE 1: select * from nope;\n                      ^\n id | name \n----+------\n  1 | a;b\n(1 row)\n\n ?column? \n----------\n        2\n(1 row)\n\n',
      exitCode: 0,
      traces: expect.anything(),
    });
  });
  it("names the input's line in its messages with -f - (psql < file does not: its documented difference)", () => {
    const run = cluster();
    expect(run(`printf 'select 1;\\n\\\\dt\\nselect * from nope;\\n' | kubectl exec -i pg -- psql -U postgres -f -`)).toEqual({
      output: ' ?column? \n----------\n        1\n(1 row)\n\npsql:<stdin>:2: error: Did not find any relations.\npsql:<stdin>:3: ERROR:  relation "nope" does not exist\nLINE 1: select * from nope;\n                      ^\n',
      exitCode: 0,
      traces: expect.anything(),
    });
  });
  it("selects named columns of a table, each row's own values, beside literals; an unknown one after the table is known", () => {
    const run = cluster();
    run("kubectl exec pg -- psql -U postgres -c 'create table t (id int, name text)'");
    run(`kubectl exec pg -- psql -U postgres -c "insert into t values (1, 'a'), (2, 'b')"`);
    expect(run("kubectl exec pg -- psql -U postgres -c 'select name from t'").output).toBe(" name \n------\n a\n b\n(2 rows)\n\n");
    expect(run("kubectl exec pg -- psql -U postgres -c 'select ID, name, 7 from t'").output).toBe(" id | name | ?column? \n----+------+----------\n  1 | a    |        7\n  2 | b    |        7\n(2 rows)\n\n");
    expect(run("kubectl exec pg -- psql -U postgres -c 'select nope from t'").output).toBe(`ERROR:  column "nope" does not exist\nLINE 1: select nope from t\n               ^\n${T} 1\n`);
    // FROM is analysed first: a missing table is what postgres reports.
    expect(run("kubectl exec pg -- psql -U postgres -c 'select nope from nada'").output).toBe(`ERROR:  relation "nada" does not exist\nLINE 1: select nope from nada\n                         ^\n${T} 1\n`);
  });

  it("centres headers and aligns numbers right, text left", () => {
    expect(alignedTable([{ name: "x", numeric: false }, { name: "y", numeric: false }], [["a", "hello"]])).toBe(" x |   y   \n---+-------\n a | hello\n(1 row)\n\n");
    expect(alignedTable([{ name: "n", numeric: true }], [])).toBe(" n \n---\n(0 rows)\n\n");
  });
});

describe("mysql", () => {
  const warning = "mysql: [Warning] Using a password on the command line interface can be insecure.\n";
  it.each([
    ["a boxed table on a terminal", "kubectl exec -it myc -- mysql -h my -uroot -ppw -e 'select 1'", `${warning}+---+\n| 1 |\n+---+\n| 1 |\n+---+\n`],
    ["tab-separated lines without one", "kubectl exec myc -- mysql -h my -uroot -ppw -e 'select 1, version()'", `${warning}1\tversion()\n1\t8.4.7\n`],
    ["a wrong password", "kubectl exec -it myc -- mysql -h my -uroot -pnope -e 'select 1'", `${warning}ERROR 1045 (28000): Access denied for user 'root'@'CLIENT' (using password: YES)\n${T} 1\n`],
    ["no password", "kubectl exec -it myc -- mysql -h my -uroot -e 'select 1'", `ERROR 1045 (28000): Access denied for user 'root'@'CLIENT' (using password: NO)\n${T} 1\n`],
    ["an unknown host", "kubectl exec -it myc -- mysql -h nosuch -uroot -ppw -e 'select 1'", `${warning}ERROR 2005 (HY000): Unknown MySQL server host 'nosuch' (-2)\n${T} 1\n`],
    ["an unknown database", "kubectl exec -it myc -- mysql -h my -uroot -ppw -D nope -e 'select 1'", `${warning}ERROR 1049 (42000): Unknown database 'nope'\n${T} 1\n`],
    ["a table without a database", "kubectl exec -it my -- mysql -uroot -ppw -e 'create table t (id int)'", `${warning}ERROR 1046 (3D000) at line 1: No database selected\n${T} 1\n`],
    ["bad SQL", "kubectl exec -it my -- mysql -uroot -ppw -e 'selec 1'", `${warning}ERROR 1064 (42000) at line 1: You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'selec 1' at line 1\n${T} 1\n`],
  ])("%s", (_, command, expected) => {
    const run = cluster();
    const client = /myc +1\/1 +Running +0 +\S+ +([\d.]+)/.exec(run("kubectl get pods -o wide").output)![1];
    expect(run(command).output).toBe(expected.replace("CLIENT", client));
  });
  it("stores rows in the database MYSQL_DATABASE created, and refuses once the Service has no endpoints", () => {
    const run = cluster();
    expect(run(`kubectl exec -it my -- mysql -uroot -ppw shop -e "create table t (id int, name varchar(20)); insert into t values (7, 'x'); select * from t"`).output).toBe(
      `${warning}+----+------+\n| id | name |\n+----+------+\n|  7 | x    |\n+----+------+\n`,
    );
    // Named columns take each row's values; MySQL matches column names whatever their case.
    expect(run(`kubectl exec -it my -- mysql -uroot -ppw shop -e "select name, ID from t"`).output).toBe(`${warning}+------+----+\n| name | ID |\n+------+----+\n| x    |  7 |\n+------+----+\n`);
    run("kubectl delete pod my");
    run("kubectl get pods");
    expect(run("kubectl exec -it myc -- mysql -h my -uroot -ppw -e 'select 1'").output).toBe(`${warning}ERROR 2003 (HY000): Can't connect to MySQL server on 'my:3306' (111)\n${T} 1\n`);
  });
});

describe("a variable set before the client", () => {
  it("reaches that command only, as bash exports it to the command alone", () => {
    const run = cluster();
    expect(run(`kubectl exec -it pgc -- bash -c "PGPASSWORD=pw psql -h pg -U postgres -c 'select 1' && echo [\\$PGPASSWORD]"`).output).toBe(" ?column? \n----------\n        1\n(1 row)\n\n[]\n");
    expect(run(`kubectl exec -it pgc -- bash -c "PGPASSWORD=nope psql -h pg -U postgres -c 'select 1'"`).output).toMatch(/FATAL: {2}password authentication failed for user "postgres"/);
  });
});

describe("database passwords from Secrets", () => {
  const secretPod = (name: string, image: string, variable: string) =>
    `kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  containers:
  - name: db
    image: ${image}
    env:
    - name: ${variable}
      valueFrom:
        secretKeyRef: {name: db, key: password}
EOF`;

  it.each([
    { image: "postgres", variable: "POSTGRES_PASSWORD", port: 5432, client: "PGPASSWORD=s3cret psql -h db -U postgres -c 'select 1'", expected: " ?column? \n----------\n        1\n(1 row)\n\n" },
    { image: "mysql", variable: "MYSQL_ROOT_PASSWORD", port: 3306, client: "mysql -h db -uroot -ps3cret -e 'select 1'", expected: "mysql: [Warning] Using a password on the command line interface can be insecure.\n1\n1\n" },
    { image: "mariadb", variable: "MARIADB_ROOT_PASSWORD", port: 3306, client: "mariadb -h db -uroot -ps3cret -e 'select 1'", expected: "1\n1\n" },
  ])("$image starts with $variable from a Secret, and its client logs in with it through a Service", ({ image, variable, port, client, expected }) => {
    const run = simConsole(12, 4000);
    run("kubectl create secret generic db --from-literal=password=s3cret");
    run(secretPod("db", image, variable));
    run(`kubectl expose pod db --port ${port}`);
    run(`kubectl run c --image=${image} -- sleep infinity`);
    run("kubectl wait --for=condition=Ready pod/db pod/c");
    expect(run(`kubectl exec c -- bash -c "${client}"`).output).toBe(expected);
  });

  it("postgres waits in CreateContainerConfigError for its Secret, then starts with it", () => {
    const run = simConsole(13, 4000);
    run(secretPod("db", "postgres", "POSTGRES_PASSWORD"));
    expect(run("kubectl get pod db -o jsonpath='{.status.containerStatuses[0].state.waiting.reason}'").output).toBe("CreateContainerConfigError");
    run("kubectl create secret generic db --from-literal=password=s3cret");
    run("sleep 16");
    expect(run("kubectl get pod db -o jsonpath='{.status.containerStatuses[0].ready}'").output).toBe("true");
    expect(run("kubectl exec db -- printenv POSTGRES_PASSWORD").output).toBe("s3cret\n");
    expect(run("kubectl exec db -- bash -c \"PGPASSWORD=s3cret psql -h localhost -U postgres -c 'select 1'\"").output).toBe(" ?column? \n----------\n        1\n(1 row)\n\n");
  });
});

describe("a first lesson: the database behind a ClusterIP Service", () => {
  function lesson() {
    const run = simConsole(21, 4000);
    run("kubectl run db --image=postgres --env=POSTGRES_PASSWORD=pw --env=POSTGRES_DB=shop");
    run("kubectl run my --image=mysql --env=MYSQL_ROOT_PASSWORD=pw --env=MYSQL_DATABASE=shop");
    run("kubectl wait --for=condition=Ready pod/db pod/my");
    return run;
  }

  it("psql: the image's database, a table, rows changed and counted, \\dt and \\d, another database and \\c", () => {
    const run = lesson();
    expect(run("kubectl exec db -- psql -U postgres -c '\\dt'")).toMatchObject({ output: `Did not find any relations.\n${T} 1\n`, exitCode: 1 });
    const script = `kubectl exec -i db -- psql -U postgres -d shop <<EOF
create table if not exists users (id serial primary key, name text not null, city varchar(20) default 'Oslo');
create table if not exists users (id int);
insert into users (name) values ('alice'), ('bob');
insert into users (name, city) values ('carol', 'Bergen');
update users set city = 'Bergen' where name = 'bob';
select name, city from users where city = 'Bergen' order by name desc;
select count(*) from users;
delete from users where id = 1;
insert into users (id, name) values (2, 'dup');
\\dt
\\d users
create database other;
\\c other
select * from users;
EOF`;
    expect(run(script)).toMatchObject({
      output: [
        "CREATE TABLE",
        'NOTICE:  relation "users" already exists, skipping',
        "CREATE TABLE",
        "INSERT 0 2",
        "INSERT 0 1",
        "UPDATE 1",
        " name  |  city  ",
        "-------+--------",
        " carol | Bergen",
        " bob   | Bergen",
        "(2 rows)",
        "",
        " count ",
        "-------",
        "     3",
        "(1 row)",
        "",
        "DELETE 1",
        'ERROR:  duplicate key value violates unique constraint "users_pkey"',
        "DETAIL:  Key (id)=(2) already exists.",
        "         List of relations",
        " Schema | Name  | Type  |  Owner   ",
        "--------+-------+-------+----------",
        " public | users | table | postgres",
        "(1 row)",
        "",
        `${" ".repeat(35)}Table "public.users"`,
        " Column |         Type          | Collation | Nullable |              Default              ",
        "--------+-----------------------+-----------+----------+-----------------------------------",
        " id     | integer               |           | not null | nextval('users_id_seq'::regclass)",
        " name   | text                  |           | not null | ",
        " city   | character varying(20) |           |          | 'Oslo'::character varying",
        "Indexes:",
        '    "users_pkey" PRIMARY KEY, btree (id)',
        "",
        "CREATE DATABASE",
        'You are now connected to database "other" as user "postgres".',
        'ERROR:  relation "users" does not exist',
        "LINE 1: select * from users;",
        "                      ^",
        "",
      ].join("\n"),
      exitCode: 0,
    });
    // The database and its rows stay for the container's run; a missing one is libpq's FATAL.
    expect(run("kubectl exec db -- psql -U postgres -d shop -c 'select id, name from users order by id limit 1'").output).toBe(" id | name \n----+------\n  2 | bob\n(1 row)\n\n");
    expect(run("kubectl exec db -- psql -U postgres -d nope -c 'select 1'").output).toBe(`psql: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database "nope" does not exist\n${T} 2\n`);
    expect(run("kubectl exec db -- psql -U postgres -c 'drop database other' -c 'drop database other'").output).toBe(`DROP DATABASE\nERROR:  database "other" does not exist\n${T} 1\n`);
    // One -c string is one transaction: an error undoes the statements before it.
    expect(run(`kubectl exec db -- psql -U postgres -c "create table t (id int); insert into t values ('x')"`).output).toBe(`CREATE TABLE\nERROR:  invalid input syntax for type integer: "x"\nLINE 1: create table t (id int); insert into t values ('x')\n${" ".repeat(55)}^\n${T} 1\n`);
    expect(run("kubectl exec db -- psql -U postgres -c 'select * from t'").output).toMatch(/^ERROR: {2}relation "t" does not exist/);
    expect(run("kubectl exec db -- psql -U postgres -c 'create database a; create database b'").output).toBe(`ERROR:  CREATE DATABASE cannot run inside a transaction block\n${T} 1\n`);
  });

  it("mysql: USE, SHOW, DESCRIBE, double-quoted strings, UPDATE and DELETE, and the servers' errors", () => {
    const run = lesson();
    const mysql = (sql: string) => run(`kubectl exec my -- mysql -uroot -ppw -e '${sql}'`).output.replace("mysql: [Warning] Using a password on the command line interface can be insecure.\n", "");
    expect(mysql("show databases")).toBe("Database\ninformation_schema\nmysql\nperformance_schema\nshop\nsys\n");
    expect(mysql('use shop; create table users (id int auto_increment primary key, name varchar(20) not null, city varchar(20) default "Oslo"); insert into users (name) values ("alice"), ("bob"); update users set city = "Bergen" where name = "bob"; select * from users')).toBe("id\tname\tcity\n1\talice\tOslo\n2\tbob\tBergen\n");
    expect(mysql("use shop; show tables; describe users")).toBe("Tables_in_shop\nusers\nField\tType\tNull\tKey\tDefault\tExtra\nid\tint\tNO\tPRI\tNULL\tauto_increment\nname\tvarchar(20)\tNO\t\tNULL\t\ncity\tvarchar(20)\tYES\t\tOslo\t\n");
    expect(mysql('use shop; delete from users where name = "ALICE"; select count(*) from users')).toBe("count(*)\n1\n");
    expect(mysql("create database shop")).toBe(`ERROR 1007 (HY000) at line 1: Can't create database 'shop'; database exists\n${T} 1\n`);
    expect(mysql("use nope")).toBe(`ERROR 1049 (42000) at line 1: Unknown database 'nope'\n${T} 1\n`);
    expect(mysql("select * from shop_users")).toBe(`ERROR 1046 (3D000) at line 1: No database selected\n${T} 1\n`);
    expect(mysql("use shop; select * from nope")).toBe(`ERROR 1146 (42S02) at line 1: Table 'shop.nope' doesn't exist\n${T} 1\n`);
  });

  it("mysql reads a script on standard input in batch mode: tabs, nothing for an empty result, the first error stops it with its line", () => {
    const run = lesson();
    const script = "-- the schema\ncreate table t (id int, note text);\ninsert into t values (1, \"a;b\");\n\nselect * from t where id > 5;\nselect * from t;\nselect *\n  from nope;\nselect 2;\n";
    expect(run(`printf '${script}' | kubectl exec -i my -- mysql -uroot -ppw shop`)).toMatchObject({
      output: `mysql: [Warning] Using a password on the command line interface can be insecure.\nid\tnote\n1\ta;b\nERROR 1146 (42S02) at line 7: Table 'shop.nope' doesn't exist\n${T} 1\n`,
      exitCode: 1,
    });
  });
});
