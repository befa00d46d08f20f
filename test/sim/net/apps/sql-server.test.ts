// The SQL core both database images speak: each statement of a first lesson, its result in the
// postgres dialect and in MySQL's, run in order against one server's data.
import { describe, expect, it } from "vitest";
import { databasesOf, runSql, type SqlResult, type SqlSession } from "../../../../worker/sim/net/apps/sql-server.ts";
import type { ServerData } from "../../../../worker/sim/cluster/types.ts";

/** Runs the statements in order on one server; each result, the session's database following USE. */
function lesson(session: SqlSession, statements: string[], start: ServerData = { containerID: "c" }): { results: SqlResult[]; data: ServerData } {
  let data = start;
  const results: SqlResult[] = [];
  for (const statement of statements) {
    const { result, data: next } = runSql(data, session, statement);
    if (result.kind === "use") session.database = result.database;
    if (result.kind === "done" && result.database !== undefined) session.database = result.database;
    if (next) data = next;
    results.push(result);
  }
  return { results, data };
}

const pg = (): SqlSession => ({ dialect: "postgres", user: "postgres", database: "postgres", home: "postgres", now: 0 });
const my = (): SqlSession => ({ dialect: "mysql", server: "mysql", user: "root", database: "shop", home: "shop", accountHost: "%", now: 0 });
const n = (name: string) => ({ name, numeric: true });
const s = (name: string) => ({ name, numeric: false });
const done = (tag: string) => ({ kind: "done", tag });

const schema = {
  postgres: ["create table users (id serial primary key, name text not null, age int, city varchar(20) default 'Oslo')"],
  mysql: ["create table users (id int auto_increment primary key, name text not null, age int, city varchar(20) default 'Oslo')"],
};
const rows = ["insert into users (name, age) values ('alice', 31), ('bob', 25)", "insert into users (name, age, city) values ('carol', null, 'Bergen')"];

describe.each([
  ["postgres", pg, schema.postgres],
  ["mysql", my, schema.mysql],
] as const)("%s", (dialect, session, create) => {
  const isPg = dialect === "postgres";
  const run = (statements: string[]) => lesson(session(), [...create, ...rows, ...statements]).results.slice(create.length + rows.length);

  it.each([
    ["numbers serial / AUTO_INCREMENT columns and fills defaults", "select * from users", [n("id"), s("name"), n("age"), s("city")], [["1", "alice", "31", "Oslo"], ["2", "bob", "25", "Oslo"], ["3", "carol", null, "Bergen"]]],
    ["WHERE with = on a number", "select name from users where age = 25", [s("name")], [["bob"]]],
    ["WHERE with <> and AND", "select name from users where age <> 25 and city = 'Oslo'", [s("name")], [["alice"]]],
    ["WHERE with OR and >", "select name from users where age > 30 or city = 'Bergen'", [s("name")], [["alice"], ["carol"]]],
    ["IS NULL", "select name from users where age is null", [s("name")], [["carol"]]],
    ["IS NOT NULL", "select name from users where age is not null", [s("name")], [["alice"], ["bob"]]],
    ["LIKE", "select name from users where name like '%o%'", [s("name")], [["bob"], ["carol"]]],
    ["ORDER BY DESC with NULLs where each server puts them", "select name, age from users order by age desc", [s("name"), n("age")], isPg ? [["carol", null], ["alice", "31"], ["bob", "25"]] : [["alice", "31"], ["bob", "25"], ["carol", null]]],
    ["ORDER BY and LIMIT", "select name from users order by name limit 2", [s("name")], [["alice"], ["bob"]]],
    ["LIMIT with OFFSET", "select id from users order by id limit 1 offset 1", [n("id")], [["2"]]],
    ["count(*)", "select count(*) from users", [n(isPg ? "count" : "count(*)")], [["3"]]],
    ["count(*) with WHERE", "select count(*) from users where city = 'Oslo'", [n(isPg ? "count" : "count(*)")], [["2"]]],
    ["count of a column skips NULLs", "select count(age) from users", [n(isPg ? "count" : "count(age)")], [["2"]]],
    ["GROUP BY with count(*), ordered", "select city, count(*) from users group by city order by city", [s("city"), n(isPg ? "count" : "count(*)")], [["Bergen", "1"], ["Oslo", "2"]]],
    ["HAVING", "select city, count(*) as n from users group by city having count(*) > 1", [s("city"), n("n")], [["Oslo", "2"]]],
    ["ORDER BY an output column's label", "select city, count(*) as n from users group by city order by n desc", [s("city"), n("n")], [["Oslo", "2"], ["Bergen", "1"]]],
    ["sum, min and max, NULLs left out", "select sum(age), min(name), max(age) from users", isPg ? [n("sum"), s("min"), n("max")] : [n("sum(age)"), s("min(name)"), n("max(age)")], [["56", "alice", "31"]]],
  ])("%s", (_, statement, columns, expected) => {
    expect(run([statement]).at(-1)).toEqual({ kind: "rows", columns, rows: expected });
  });

  it("UPDATE ... SET ... WHERE changes the matched rows", () => {
    const results = run(["update users set age = age + 1, city = 'Tromsø' where name = 'bob'", "select name, age, city from users where name = 'bob'"]);
    expect(results[0]).toEqual(done("UPDATE 1"));
    expect(results[1]).toEqual({ kind: "rows", columns: [s("name"), n("age"), s("city")], rows: [["bob", "26", "Tromsø"]] });
  });

  it("DELETE FROM ... WHERE removes the matched rows, and without WHERE all", () => {
    const results = run(["delete from users where age < 30 or age is null", "select name from users", "delete from users"]);
    expect(results).toEqual([done("DELETE 2"), { kind: "rows", columns: [s("name")], rows: [["alice"]] }, done("DELETE 1")]);
  });

  it("IF NOT EXISTS and IF EXISTS skip, with postgres's NOTICE", () => {
    const results = run(["create table if not exists users (id int)", "drop table if exists nope"]);
    expect(results).toEqual(
      isPg
        ? [{ ...done("CREATE TABLE"), notice: 'relation "users" already exists, skipping' }, { ...done("DROP TABLE"), notice: 'table "nope" does not exist, skipping' }]
        : [done("CREATE TABLE"), done("DROP TABLE")],
    );
  });

  it.each([
    ["a NULL in a NOT NULL column", "insert into users (name) values (null)", isPg ? { kind: "error", message: 'null value in column "name" of relation "users" violates not-null constraint', detail: "Failing row contains (4, null, null, Oslo)." } : { kind: "error", code: 1048, state: "23000", message: "Column 'name' cannot be null" }],
    ["a duplicate primary key", "insert into users (id, name) values (1, 'x')", isPg ? { kind: "error", message: 'duplicate key value violates unique constraint "users_pkey"', detail: "Key (id)=(1) already exists." } : { kind: "error", code: 1062, state: "23000", message: "Duplicate entry '1' for key 'users.PRIMARY'" }],
    ["an unknown column in WHERE", "select name from users where nope = 1", isPg ? { kind: "error", message: 'column "nope" does not exist', position: 29 } : { kind: "error", code: 1054, state: "42S22", message: "Unknown column 'nope' in 'where clause'" }],
    ["a word that is not an integer", "insert into users (name, age) values ('d', 'old')", isPg ? { kind: "error", message: 'invalid input syntax for type integer: "old"', position: 43 } : { kind: "error", code: 1366, state: "HY000", message: "Incorrect integer value: 'old' for column 'age' at row 1" }],
    ["a column neither grouped nor aggregated", "select name, count(*) from users group by city", isPg ? { kind: "error", message: 'column "users.name" must appear in the GROUP BY clause or be used in an aggregate function', position: 7 } : { kind: "error", code: 1055, state: "42000", message: "Expression #1 of SELECT list is not in GROUP BY clause and contains nonaggregated column 'shop.users.name' which is not functionally dependent on columns in GROUP BY clause; this is incompatible with sql_mode=only_full_group_by" }],
    ["a word compared with a number column (MySQL turns it into 0 and finds nothing)", "select name from users where age = 'old'", isPg ? { kind: "error", message: 'invalid input syntax for type integer: "old"', position: 35 } : { kind: "rows", columns: [s("name")], rows: [] }],
    ["a missing table in UPDATE", "update nope set a = 1", isPg ? { kind: "error", message: 'relation "nope" does not exist', position: 7 } : { kind: "error", code: 1146, state: "42S02", message: "Table 'shop.nope' doesn't exist" }],
  ])("refuses %s with the server's error", (_, statement, expected) => {
    expect(run([statement]).at(-1)).toEqual(expected);
  });

  it("uses up a serial's number for a refused row (postgres), an AUTO_INCREMENT value only once InnoDB writes it (MySQL)", () => {
    const results = run(["insert into users (name) values (null)", "insert into users (name) values ('dave')", "select id from users where name = 'dave'"]);
    expect(results[0].kind).toBe("error");
    expect(results[2]).toEqual({ kind: "rows", columns: [n("id")], rows: [[isPg ? "5" : "4"]] });
  });

  it("keeps tables per database: CREATE DATABASE, a table there, DROP DATABASE", () => {
    const base = session();
    const { results, data } = lesson(base, [...create, "create database shop2", "create database shop2", "drop database nope"]);
    expect(results.slice(1)).toEqual(
      isPg
        ? [done("CREATE DATABASE"), { kind: "error", message: 'database "shop2" already exists' }, { kind: "error", message: 'database "nope" does not exist' }]
        : [done("CREATE DATABASE"), { kind: "error", code: 1007, state: "HY000", message: "Can't create database 'shop2'; database exists" }, { kind: "error", code: 1008, state: "HY000", message: "Can't drop database 'nope'; database doesn't exist" }],
    );
    // Another database has its own tables.
    const other = lesson({ ...session(), database: "shop2" }, ["select * from users", "create table users (id int)", "select * from users"], data).results;
    expect(other[0].kind).toBe("error");
    expect(other[2]).toEqual({ kind: "rows", columns: [n("id")], rows: [] });
    expect(Object.keys(databasesOf(data, dialect, base.home)).sort()).toEqual(isPg ? ["postgres", "shop2", "template0", "template1"] : ["information_schema", "mysql", "performance_schema", "shop", "shop2", "sys"]);
  });

  it("reads data stored before databases as the home database's tables", () => {
    const legacy: ServerData = { containerID: "c", tables: { t: { columns: ["id int"], rows: [["7"]] } } };
    const { results, data } = lesson(session(), ["select * from t", "insert into t values (8)", "select count(*) from t"], legacy);
    expect(results[0]).toEqual({ kind: "rows", columns: [n("id")], rows: [["7"]] });
    expect(results[2]).toMatchObject({ rows: [["2"]] });
    expect(data.tables).toBeUndefined();
  });
});

describe("MySQL's own statements and quoting", () => {
  it("USE, SHOW DATABASES, SHOW TABLES and DESCRIBE", () => {
    const session: SqlSession = { ...my(), database: "" };
    const { results } = lesson(session, ["show tables", "create database app", "use nope", "use app", "create table `order` (id int auto_increment primary key, note varchar(20) not null default \"none\")", "show databases", "show tables", "describe `order`"]);
    expect(results[0]).toEqual({ kind: "error", code: 1046, state: "3D000", message: "No database selected" });
    expect(results[2]).toEqual({ kind: "error", code: 1049, state: "42000", message: "Unknown database 'nope'" });
    expect(results[3]).toEqual({ kind: "use", database: "app" });
    expect(results[5]).toEqual({ kind: "rows", columns: [s("Database")], rows: [["app"], ["information_schema"], ["mysql"], ["performance_schema"], ["shop"], ["sys"]] });
    expect(results[6]).toEqual({ kind: "rows", columns: [s("Tables_in_app")], rows: [["order"]] });
    expect(results[7]).toEqual({
      kind: "rows",
      columns: ["Field", "Type", "Null", "Key", "Default", "Extra"].map(s),
      rows: [
        ["id", "int", "NO", "PRI", null, "auto_increment"],
        ["note", "varchar(20)", "NO", "", "none", ""],
      ],
    });
  });

  it("shows integer display widths in MariaDB's DESCRIBE, as MySQL 8 no longer does", () => {
    const { results } = lesson({ ...my(), server: "mariadb" }, ["create table t (id int unsigned, n bigint, at datetime default now())", "describe t"]);
    expect(results[1]).toMatchObject({ rows: [["id", "int(10) unsigned", "YES", "", null, ""], ["n", "bigint(20)", "YES", "", null, ""], ["at", "datetime", "YES", "", "current_timestamp()", ""]] });
  });

  it("takes double quotes as a string in MySQL and as an identifier in postgres", () => {
    expect(runSql({ containerID: "c" }, my(), 'select "hi"').result).toEqual({ kind: "rows", columns: [s('"hi"')], rows: [["hi"]] });
    expect(runSql({ containerID: "c" }, pg(), 'select "hi"').result).toEqual({ kind: "error", message: 'column "hi" does not exist', position: 7 });
  });

  it("compares text ignoring case in MySQL, exactly in postgres", () => {
    const statements = ["create table t (name text)", "insert into t values ('Alice')", "select count(*) from t where name = 'alice'"];
    expect(lesson(my(), statements).results[2]).toMatchObject({ rows: [["1"]] });
    expect(lesson(pg(), statements).results[2]).toMatchObject({ rows: [["0"]] });
  });

  it("postgres refuses to compare text with a number", () => {
    const { results } = lesson(pg(), ["create table t (name text)", "select * from t where name = 1"]);
    expect(results[1]).toEqual({ kind: "error", message: "operator does not exist: text = integer", position: 27, hint: "No operator matches the given name and argument types. You might need to add explicit type casts." });
  });
});
