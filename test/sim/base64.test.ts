// Base64 as Go's StdEncoding does it: the same text as Node's encoder for any string, the same
// bytes back, and the input byte Go's CorruptInputError names for bad input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBase64Bytes, encodeBase64, utf8Text } from "../../worker/sim/base64.ts";

describe("base64", () => {
  it("encodes the UTF-8 bytes as Node does and decodes them back", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        const encoded = encodeBase64(text);
        expect(encoded).toBe(Buffer.from(text, "utf8").toString("base64"));
        const decoded = decodeBase64Bytes(encoded);
        expect(decoded.ok && utf8Text(decoded.bytes)).toBe(text);
      }),
    );
  });

  it.each([
    ["abc!", 3],
    ["abc", 0],
    ["YWJj=", 4],
    ["YW=j", 2],
    ["YQ=", 3],
    ["YQ==YQ==", 4],
  ])("reports %s as illegal at input byte %i", (text, at) => {
    expect(decodeBase64Bytes(text)).toEqual({ ok: false, at });
  });

  it("skips newlines, as in a wrapped base64 block", () => {
    const decoded = decodeBase64Bytes("aHVu\ndGVy\nMg==\n");
    expect(decoded.ok && utf8Text(decoded.bytes)).toBe("hunter2");
  });
});
