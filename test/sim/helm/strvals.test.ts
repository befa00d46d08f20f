// helm's --set parser (pkg/strvals/parser.go at v3.19.5): nested keys, list indexes and {a,b}
// lists, backslash escapes, typedVal's typing (and --set-string's none), and its errors.
import { describe, expect, it } from "vitest";
import { parseSet } from "../../../worker/sim/helm/strvals.ts";

const set = (arg: string, stringOnly = false) => {
  const target: Record<string, unknown> = {};
  const r = parseSet(arg, target, stringOnly);
  return r.ok ? target : r.error;
};

describe("--set", () => {
  it("nests dotted keys, several per argument, typed as typedVal types them", () => {
    expect(set("nginxGateway.replicas=2,nginx.service.type=NodePort")).toEqual({ nginxGateway: { replicas: 2 }, nginx: { service: { type: "NodePort" } } });
    expect(set("a=true,b=FALSE,c=null,d=0,e=0123,f=+5,g=1.5,h=")).toEqual({ a: true, b: false, c: null, d: 0, e: "0123", f: 5, g: "1.5", h: "" });
    expect(set("a=true,d=0", true)).toEqual({ a: "true", d: "0" });
  });

  it("takes list indexes, {a,b} lists and escaped separators", () => {
    expect(set("a[1]=x")).toEqual({ a: [null, "x"] });
    expect(set("a[0].b=c")).toEqual({ a: [{ b: "c" }] });
    expect(set("ns={x,y},z=1")).toEqual({ ns: ["x", "y"], z: 1 });
    expect(set("name=a\\,b,dotted\\.key=v")).toEqual({ name: "a,b", "dotted.key": "v" });
  });

  it("words its errors as helm does (the last key segment named)", () => {
    expect(set("a")).toBe('failed parsing --set data: key "a" has no value');
    expect(set("a.b")).toBe('failed parsing --set data: key "b" has no value');
    expect(set("a,b=1")).toBe('failed parsing --set data: key "a" has no value (cannot end with ,)');
    expect(set("a[x]=1")).toBe('failed parsing --set data: error parsing index: strconv.Atoi: parsing "x": invalid syntax');
  });
});
