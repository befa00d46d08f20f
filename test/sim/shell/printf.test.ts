// bash's printf builtin: conversions, flags, width and precision, the format reused for the
// arguments left, and bash's error for a bad number (each line checked against bash 5).
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

describe("printf", () => {
  const run = simTerminal(51);

  it.each([
    ["printf 'A=%s\\n' 1 2 3", "A=1\nA=2\nA=3\n", 0],
    ["printf '%-5s|%5s|%05d|%.2f|%x|%X|%o\\n' ab cd 42 3.14159 255 255 8", "ab   |   cd|00042|3.14|ff|FF|10\n", 0],
    ["printf '%d\\n' abc", "-bash: printf: abc: invalid number\n0\n", 1],
    ["printf '%b' 'a\\tb\\n'", "a\tb\n", 0],
    ["printf '%s-%s\\n' a b c", "a-b\nc-\n", 0],
    ["printf '%5.1f%%\\n' 99.44", " 99.4%\n", 0],
    ["printf '%c%c\\n' hello world", "hw\n", 0],
    ["printf '%03d,%+d,%-4d|\\n' 7 5 3", "007,+5,3   |\n", 0],
    ["printf 'no newline'", "no newline", 0],
    ["printf '\\x41\\x4a\\x7\\n'", "AJ\x07\n", 0],
    ["printf '\\u00e9\\U0001F600 %b\\n' '\\x42'", "é😀 B\n", 0],
    ["printf '\\xg\\n'", "\\xg\n", 0],
    ["printf", "-bash: printf: usage: printf [-v var] format [arguments]\n", 2],
    ["printf 'apiVersion: v1\\nkind: Namespace\\nmetadata:\\n  name: %s\\n' team > ns.yaml && kubectl apply -f ns.yaml", "namespace/team created\n", 0],
  ])("%s", (line, output, exitCode) => {
    expect(run(line)).toEqual({ output, exitCode });
  });
});
