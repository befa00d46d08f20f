// bash names a command it cannot find as it is, or ANSI-C quoted when it has a control character.
import { describe, expect, it } from "vitest";
import { bashPrintable } from "../../../worker/sim/shell/ansic-quote.ts";

describe("bashPrintable", () => {
  it.each([
    ["kubectl", "kubectl"],
    // Printable characters of any script stay, invisible ones included (bash 5.2 in a UTF-8 locale).
    ["kubectl\u200bget", "kubectl\u200bget"],
    ["x\u00a0y", "x\u00a0y"],
    // A Windows line ending: the lone `\r` line of a CRLF script.
    ["\r", "$'\\r'"],
    ["x\u00a0y\rz", "$'x\u00a0y\\rz'"],
    // Named escapes, octal for the rest, and the backslash and quote escaped inside $'...'.
    ["a\x1bb\\c'd", "$'a\\Eb\\\\c\\'d'"],
    ["e\x7ff\x01", "$'e\\177f\\001'"],
    ["\x07\b\f\n\t\v", "$'\\a\\b\\f\\n\\t\\v'"],
  ])("names %j as %s", (input, shown) => {
    expect(bashPrintable(input)).toBe(shown);
  });
});
