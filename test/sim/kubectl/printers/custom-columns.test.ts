// -o custom-columns: kubectl's spec parsing, relaxed paths, Go's value formatting and <none>.

import { describe, expect, it } from "vitest";
import { goSprint, parseCustomColumns, printCustomColumns } from "../../../../worker/sim/kubectl/printers/custom-columns.ts";

const pod = {
  metadata: { name: "web", labels: { tier: "fe", app: "web" } },
  spec: { containers: [{ name: "a", ports: [{ containerPort: 80 }] }, { name: "b" }] },
  status: { podIP: "10.244.1.2" },
};

describe("parseCustomColumns", () => {
  it.each([
    ["NAME:.metadata.name", ".metadata.name"],
    ["NAME:metadata.name", ".metadata.name"],
    ["NAME:{.metadata.name}", ".metadata.name"],
    ["NAME:{metadata.name}", ".metadata.name"],
  ])("reads %s", (spec, path) => {
    expect(parseCustomColumns(spec)).toEqual({ ok: true, columns: [{ header: "NAME", path }] });
  });

  it.each([
    ["", "error: custom-columns format specified but no custom columns given\n"],
    ["NAME", "error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>\n"],
    ["A:.a,B", "error: unexpected custom-columns spec: B, expected <header>:<json-path-expr>\n"],
  ])("rejects %j", (spec, error) => {
    expect(parseCustomColumns(spec)).toEqual({ ok: false, error });
  });
});

describe("printCustomColumns", () => {
  const print = (spec: string, noHeaders = false) => {
    const parsed = parseCustomColumns(spec);
    if (!parsed.ok) throw new Error(parsed.error);
    return printCustomColumns(parsed.columns, [pod], noHeaders);
  };

  it("prints headers as given and pads like kubectl's tabwriter", () => {
    expect(print("NAME:.metadata.name,Ip:.status.podIP")).toBe("NAME   Ip\nweb    10.244.1.2\n");
  });

  it("prints <none> for a path that reaches nothing", () => {
    expect(print("NODE:.spec.nodeName", true)).toBe("<none>\n");
  });

  it("joins every value a path reaches with commas", () => {
    expect(print("C:.spec.containers[*].name", true)).toBe("a,b\n");
  });

  it("prints objects and lists as Go's fmt.Sprint", () => {
    expect(print("L:.metadata.labels,P:.spec.containers[0].ports", true)).toBe("map[app:web tier:fe]   [map[containerPort:80]]\n");
  });
});

describe("goSprint", () => {
  it.each([
    ["x", "x"],
    [80, "80"],
    [true, "true"],
    [null, "<nil>"],
    [["a", 1], "[a 1]"],
    [{ b: { c: [] }, a: 1 }, "map[a:1 b:map[c:[]]]"],
  ])("formats %j as %s", (value, text) => {
    expect(goSprint(value)).toBe(text);
  });
});
