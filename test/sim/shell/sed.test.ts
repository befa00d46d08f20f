// GNU sed on files and pipes: each case's expected output and status were recorded from GNU sed
// 4.9 and bash 5 running the same line after the same setup.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

describe("sed", () => {
  it.each([
    ["sed 's/a/X/' f", "X b\nreplicXs: 1\nc X a\n", 0],
    ["sed 's/a/X/g' f", "X b\nreplicXs: 1\nc X X\n", 0],
    ["sed 's/a/X/2' f", "a b\nreplicas: 1\nc a X\n", 0],
    ["sed -n '2p' f", "replicas: 1\n", 0],
    ["sed -n '/replicas/p' f", "replicas: 1\n", 0],
    ["sed '2d' f", "a b\nc a a\n", 0],
    ["sed '2,$d' f", "a b\n", 0],
    ["sed '$!d' f", "c a a\n", 0],
    ["sed -n '1p;$p' f", "a b\nc a a\n", 0],
    ["sed p nope", "sed: can't read nope: No such file or directory\n", 2],
    ["sed 's/a/b' f", "sed: -e expression #1, char 5: unterminated `s' command\n", 1],
    ["sed 'x' f", "\na b\nreplicas: 1\n", 0],
    ["sed -e 's/\\(b\\)/[\\1]/g' f", "a [b]\nreplicas: 1\nc a a\n", 0],
    ["sed -E 's/(c) (a)/\\2 \\1/' f", "a b\nreplicas: 1\na c a\n", 0],
    ["sed 's/replicas: 1/replicas: 3/' f > g; cat g", "a b\nreplicas: 3\nc a a\n", 0],
    ["sed -i 's/replicas: 1/replicas: 3/' f; cat f", "a b\nreplicas: 3\nc a a\n", 0],
    ["sed -i.bak 's/a/Z/g' f; cat f f.bak", "Z b\nreplicZs: 1\nc Z Z\na b\nreplicas: 1\nc a a\n", 0],
    ["sed -n '/a/=' f", "1\n2\n3\n", 0],
    ["sed 's/a/&&/gp' -n g", "sed: can't read g: No such file or directory\n", 2],
    ["sed 2q g", "sed: can't read g: No such file or directory\n", 2],
    ["echo hello | sed 's/l/L/2'", "helLo\n", 0],
    ["sed -i 's/x/y/' nope", "sed: can't read nope: No such file or directory\n", 2],
    ["sed 'k' f", "sed: -e expression #1, char 1: unknown command: `k'\n", 1],
    ["sed -n 'H;$x;$p' f", "\na b\nreplicas: 1\nc a a\n", 0],
  ])("%s", (line, output, exitCode) => {
    const run = simTerminal(61);
    run("printf 'a b\\nreplicas: 1\\nc a a\\n' > f");
    expect(run(line)).toEqual({ output, exitCode });
  });

  it("prints GNU sed's usage without a script", () => {
    const run = simTerminal(62);
    const result = run("sed");
    expect(result.exitCode).toBe(1);
    expect(result.output).toMatch(/^Usage: sed \[OPTION\]\.\.\. \{script-only-if-no-other-script\} \[input-file\]\.\.\.\n\n  -n, --quiet, --silent\n/);
    expect(result.output).toMatch(/General help using GNU software: <https:\/\/www\.gnu\.org\/gethelp\/>\.\n$/);
  });
});
