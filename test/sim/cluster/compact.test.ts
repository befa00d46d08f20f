import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { appended, withProps } from "../../../worker/sim/cluster/compact.ts";

const key = fc.oneof(fc.constantFrom("name", "uid", "nodeName", "containers", "0", "12", "a-b"), fc.string({ maxLength: 6 }));
const record = fc.dictionary(key, fc.oneof(fc.integer(), fc.string(), fc.constant(undefined), fc.constant(null)), { maxKeys: 14 });

describe("withProps", () => {
  it("gives what a spread gives: the same keys in the same order, the same values, a plain object", () => {
    fc.assert(
      fc.property(record, record, (source, changes) => {
        const out = withProps(source, changes);
        const spread = { ...source, ...changes };
        expect(Object.keys(out)).toEqual(Object.keys(spread));
        expect(JSON.stringify(out)).toBe(JSON.stringify(spread));
        expect(out).toStrictEqual(spread);
        expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
      }),
    );
  });

  it("leaves its inputs alone", () => {
    const source: Record<string, string> = Object.freeze({ name: "a", uid: "1" });
    const changes = Object.freeze({ nodeName: "node1" });
    expect(withProps(source, changes)).toEqual({ name: "a", uid: "1", nodeName: "node1" });
    expect(source).toEqual({ name: "a", uid: "1" });
  });

  it("copies a __proto__ key as an own property, like a spread", () => {
    const source = JSON.parse('{"__proto__": {"x": 1}, "a": 2}') as Record<string, unknown>;
    const out = withProps(source, { b: 3 });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe(JSON.stringify({ ...source, b: 3 }));
  });
});

describe("appended", () => {
  it("gives what [...list, item] gives and leaves the list alone", () => {
    fc.assert(
      fc.property(fc.option(fc.array(fc.integer()), { nil: undefined }), fc.integer(), (list, item) => {
        const before = list?.slice();
        expect(appended(list, item)).toStrictEqual([...(list ?? []), item]);
        expect(list).toStrictEqual(before);
      }),
    );
  });
});
