// head -c, as GNU coreutils' head (9.1) counts bytes: each case's output was checked against it.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

describe("head -c", () => {
  const run = simTerminal(9, 60_000);
  run("printf 'hello world\\nsecond\\n' > h.txt");

  it.each([
    ["head -c 5 h.txt", "hello", 0],
    ["head -c3 h.txt", "hel", 0],
    ["head --bytes=3 h.txt", "hel", 0],
    ["head --bytes 3 h.txt", "hel", 0],
    ["head -c -3 h.txt", "hello world\nseco", 0],
    ["head -c +2 h.txt", "he", 0],
    ["head -c 0 h.txt", "", 0],
    ["head -c 1K h.txt", "hello world\nsecond\n", 0],
    ["head -c 100000000000 h.txt", "hello world\nsecond\n", 0],
    ["seq 3 | head -c 3", "1\n2", 0],
    ["seq 1000 | head -c -3000 | wc -c", "893\n", 0],
    ["seq 2000 | head -c 1K | wc -c", "1024\n", 0],
    ["seq 2000 | head -c 1kB | wc -c", "1000\n", 0],
    ["seq 2000 | head -c 1KiB | wc -c", "1024\n", 0],
    ["seq 2000 | head -c 1b | wc -c", "512\n", 0],
    // The last of -n and -c wins.
    ["head -c 2 -n 1 h.txt", "hello world\n", 0],
    ["head -n 1 -c 2 h.txt", "he", 0],
    ["head -c 2 h.txt h.txt", "==> h.txt <==\nhe\n==> h.txt <==\nhe", 0],
    ["head -c x h.txt", "head: invalid number of bytes: 'x'\n", 1],
    ["head -c 2x h.txt", "head: invalid number of bytes: '2x'\n", 1],
    ["head -c '' h.txt", "head: invalid number of bytes: ''\n", 1],
    ["head -c 99999999999999999999999 h.txt", "head: invalid number of bytes: '99999999999999999999999': Value too large for defined data type\n", 1],
    ["head -c", "head: option requires an argument -- 'c'\nTry 'head --help' for more information.\n", 1],
  ])("%s", (line, output, exitCode) => {
    expect(run(line)).toEqual({ output, exitCode });
  });
});
