// GNU diff on files: each case's expected output and status were recorded from GNU diffutils 3.8
// and bash 5 running the same line after the same setup (unified headers are cut with tail).
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const SETUP = "printf 'a\\nb\\nc\\nd\\ne\\nf\\ng\\nh\\ni\\nj\\nk\\nl\\nm\\n' > x; printf 'a\\nB\\nc\\nd\\ne\\nf\\ng\\nh\\ni\\nj\\nk\\nl\\nm\\nn\\n' > y; printf 'one' > p; printf 'one\\n' > q; printf 'z\\na\\nb\\n' > w";

describe("diff", () => {
  it.each([
    ["diff x y", "2c2\n< b\n---\n> B\n13a14\n> n\n", 1],
    ["diff x x", "", 0],
    ["diff -u x y | tail -n +3", "@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -11,3 +11,4 @@\n k\n l\n m\n+n\n", 0],
    ["diff -U1 x y | tail -n +3", "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n@@ -13 +13,2 @@\n m\n+n\n", 0],
    ["diff p q", "1c1\n< one\n\\ No newline at end of file\n---\n> one\n", 1],
    ["diff -u p q | tail -n +3", "@@ -1 +1 @@\n-one\n\\ No newline at end of file\n+one\n", 0],
    ["diff x w", "0a1\n> z\n3,13d3\n< c\n< d\n< e\n< f\n< g\n< h\n< i\n< j\n< k\n< l\n< m\n", 1],
    ["diff w x", "1d0\n< z\n3a3,13\n> c\n> d\n> e\n> f\n> g\n> h\n> i\n> j\n> k\n> l\n> m\n", 1],
    ["diff -u x w | tail -n +3", "@@ -1,13 +1,3 @@\n+z\n a\n b\n-c\n-d\n-e\n-f\n-g\n-h\n-i\n-j\n-k\n-l\n-m\n", 0],
    ["diff x nope", "diff: nope: No such file or directory\n", 2],
    ["diff x", "diff: missing operand after 'x'\ndiff: Try 'diff --help' for more information.\n", 2],
    ["diff x y z", "diff: extra operand 'z'\ndiff: Try 'diff --help' for more information.\n", 2],
    ["diff -q x y", "Files x and y differ\n", 1],
  ])("%s", (line, output, exitCode) => {
    const run = simTerminal(71);
    run(SETUP);
    expect(run(line)).toEqual({ output, exitCode });
  });

  it("heads unified output with each file's name and modification time", () => {
    const run = simTerminal(72);
    run(SETUP);
    expect(run("diff -u x y | head -2").output).toMatch(/^--- x\t2026-01-01 00:00:03\.000000000 \+0000\n\+\+\+ y\t2026-01-01 00:00:03\.000000000 \+0000\n$/);
  });

  it("compares kubectl's live object with a file", () => {
    const run = simTerminal(73);
    run("kubectl create deployment web --image=nginx --dry-run=client -o yaml > a.yaml");
    run("sed 's/replicas: 1/replicas: 3/' a.yaml > b.yaml");
    expect(run("diff a.yaml b.yaml")).toEqual({ output: "8c8\n<   replicas: 1\n---\n>   replicas: 3\n", exitCode: 1 });
  });

  it("compares two directories file by file: Only in without -N, an empty file for the absent one with it", () => {
    const run = simTerminal(74);
    run("mkdir d1 d2; printf 'a\\n' > d1/same; printf 'a\\n' > d2/same; printf 'x\\n' > d1/f; printf 'y\\n' > d2/f; printf 'only\\n' > d1/g");
    expect(run("diff d1 d2")).toEqual({ output: "diff d1/f d2/f\n1c1\n< x\n---\n> y\nOnly in d1: g\n", exitCode: 1 });
    const unified = run("diff -u -N d1 d2");
    expect(unified.exitCode).toBe(1);
    expect(unified.output).toMatch(/^diff -u -N d1\/f d2\/f\n--- d1\/f\t\S+ \S+ \+0000\n\+\+\+ d2\/f\t\S+ \S+ \+0000\n@@ -1 \+1 @@\n-x\n\+y\ndiff -u -N d1\/g d2\/g\n--- d1\/g\t\S+ \S+ \+0000\n\+\+\+ d2\/g\t1970-01-01 00:00:00\.000000000 \+0000\n@@ -1 \+0,0 @@\n-only\n$/);
    expect(run("diff d1/same d2")).toEqual({ output: "", exitCode: 0 });
  });
});
