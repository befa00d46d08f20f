// psql's backslash commands answered from the server's data, and the aligned format's titles and
// continuation rows they need.
import { describe, expect, it } from "vitest";
import { pgTypeDisplay, psqlMeta } from "../../../../worker/sim/net/tools/psql-meta.ts";
import { alignedTable } from "../../../../worker/sim/net/tools/psql.ts";

const context = {
  user: "postgres",
  database: "shop",
  databases: { postgres: {}, shop: { b: { columns: ["id serial"], rows: [], auto: { id: 0 } }, a: { columns: ["x int"], rows: [] } }, template0: {}, template1: {} },
};

describe("psqlMeta", () => {
  it("lists tables by name with \\dt, and with \\d their serial columns' sequences too", () => {
    const dt = psqlMeta("dt", context);
    expect(dt).toMatchObject({ kind: "listing", listing: { title: "List of relations", rows: [["public", "a", "table", "postgres"], ["public", "b", "table", "postgres"]] } });
    expect(psqlMeta("d", context)).toMatchObject({ listing: { rows: [["public", "a", "table", "postgres"], ["public", "b", "table", "postgres"], ["public", "b_id_seq", "sequence", "postgres"]] } });
  });
  it("answers psql's own errors for nothing found and an unknown command", () => {
    expect(psqlMeta("dt", { ...context, database: "postgres" })).toEqual({ kind: "error", message: "Did not find any relations." });
    expect(psqlMeta("d nope", context)).toEqual({ kind: "error", message: 'Did not find any relation named "nope".' });
    expect(psqlMeta("frob", context)).toEqual({ kind: "error", message: "invalid command \\frob" });
  });
  it("lists databases with the template databases' access privileges on two lines", () => {
    const l = psqlMeta("l", context);
    expect(l.kind === "listing" && l.listing.rows.map((r) => [r[0], r[8]])).toEqual([
      ["postgres", null],
      ["shop", null],
      ["template0", "=c/postgres\npostgres=CTc/postgres"],
      ["template1", "=c/postgres\npostgres=CTc/postgres"],
    ]);
  });
  it("connects and quits", () => {
    expect(psqlMeta("c other", context)).toEqual({ kind: "connect", database: "other" });
    expect(psqlMeta("q", context)).toEqual({ kind: "quit" });
  });
  it.each([
    ["int", "integer"],
    ["serial", "integer"],
    ["varchar(20)", "character varying(20)"],
    ["bool", "boolean"],
    ["numeric(10,2)", "numeric(10,2)"],
    ["timestamp", "timestamp without time zone"],
  ])("names type %s as postgres does: %s", (type, expected) => {
    expect(pgTypeDisplay(type)).toBe(expected);
  });
});

describe("alignedTable", () => {
  it("centres a title over the table and marks a cell's further lines with +", () => {
    expect(alignedTable([{ name: "n", numeric: false }, { name: "acl", numeric: false }], [["t", "a\nbb"]], { title: "T" })).toBe("    T\n n | acl \n---+-----\n t | a  +\n   | bb\n(1 row)\n\n");
  });
});
