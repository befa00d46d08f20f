// Go's %q (strconv.Quote), as kubectl and cobra print names with it.
import { describe, expect, it } from "vitest";
import { goQuote } from "../../worker/sim/go-quote.ts";

describe("goQuote", () => {
  it.each([
    ["pods", '"pods"'],
    ["", '""'],
    // Escapes Go writes by name, and the two characters a Go string must escape.
    ["pods\r", '"pods\\r"'],
    ["a\tb\nc\x07\b\f\v", '"a\\tb\\nc\\a\\b\\f\\v"'],
    ['say "hi" \\', '"say \\"hi\\" \\\\"'],
    // Other control characters in \x form.
    ["\x00\x1b\x7f", '"\\x00\\x1b\\x7f"'],
    // Invisible and space-like characters are not printable to Go: \u form.
    ["get\u200bpods", '"get\\u200bpods"'],
    ["a\u00a0b", '"a\\u00a0b"'],
    ["\ufeffx", '"\\ufeffx"'],
    ["\u{e0001}", '"\\U000e0001"'],
    // Letters, punctuation and symbols of any script print as they are, curly quotes and dashes too.
    ["“pods”", '"“pods”"'],
    ["–name", '"–name"'],
    ["ノード😀", '"ノード😀"'],
  ])("quotes %j as %s", (input, quoted) => {
    expect(goQuote(input)).toBe(quoted);
  });
});
