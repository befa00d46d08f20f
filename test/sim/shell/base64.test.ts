// base64 as coreutils answers (workstation, nodes, Debian images) and where busybox images have
// it: encode wrapped at 76, -w, -d, its errors, and a Secret's value read back through a pipe.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

describe("base64", () => {
  const run = simTerminal(31);

  it.each([
    ["echo -n hunter2 | base64", "aHVudGVyMg==\n", 0],
    ["echo aGVsbG8= | base64 -d", "hello", 0],
    ["echo 'aGVs!G8=' | base64 --decode", "helbase64: invalid input\n", 1],
    ["seq 40 | base64 -w 0", "MQoyCjMKNAo1CjYKNwo4CjkKMTAKMTEKMTIKMTMKMTQKMTUKMTYKMTcKMTgKMTkKMjAKMjEKMjIKMjMKMjQKMjUKMjYKMjcKMjgKMjkKMzAKMzEKMzIKMzMKMzQKMzUKMzYKMzcKMzgKMzkKNDAK\n", 0],
    ["base64 -x", "base64: invalid option -- 'x'\nTry 'base64 --help' for more information.\n", 1],
    ["base64 notes.txt", "base64: notes.txt: No such file or directory\n", 1],
  ])("%s", (command, output, exitCode) => {
    expect(run(command)).toEqual({ output, exitCode });
  });

  it("wraps at 76 columns", () => {
    const lines = run("seq 40 | base64").output.split("\n");
    expect(lines[0]).toHaveLength(76);
    expect(lines.slice(0, -1).join("")).toBe(run("seq 40 | base64 -w 0").output.trim());
  });

  it("reads a Secret's value back: kubectl get secret -o jsonpath | base64 -d", () => {
    run("kubectl create secret generic db --from-literal=password='s3cr3t pässword'");
    expect(run("kubectl get secret db -o jsonpath='{.data.password}' | base64 -d").output).toBe("s3cr3t pässword");
  });
});
