// The space a session's files may use: 256 KB a file, 1 MB in all. Past them a write fails with
// ENOSPC as a full disk makes it fail, in each tool's words, and what was stored stays.
import { describe, expect, it } from "vitest";
import { simConsole } from "../console.ts";
import { FILE_BYTES, SESSION_FILE_BYTES, usedBytes } from "../../../worker/sim/files/store.ts";

describe("file space limits", () => {
  it("keeps 256 KB of a bigger file and reports the write error as seq and bash do", () => {
    const run = simConsole(21);
    const big = run("seq 1 60000 > big.txt");
    expect(big.output).toBe("seq: write error: No space left on device\n");
    expect(big.exitCode).toBe(1);
    expect(run("wc -c big.txt").output).toBe(`${FILE_BYTES} big.txt\n`);
    expect(run("echo more >> big.txt").output).toBe("-bash: echo: write error: No space left on device\n");
  });

  it("stops at 1 MB for the whole session, keeping every file already written", () => {
    const run = simConsole(22);
    run("seq 1 40000 > a");
    const size = run("wc -c a").output;
    expect(run("cp a b && cp a c && cp a d").exitCode).toBe(0);
    const full = run("cp a e");
    expect(full.output).toBe("cp: error writing 'e': No space left on device\n");
    expect(usedBytes(full.state.cluster)).toBeLessThanOrEqual(SESSION_FILE_BYTES);
    expect(run("wc -c a b c d").output).toBe(`${size.split(" ")[0].padStart(6)} a\n${size.split(" ")[0].padStart(6)} b\n${size.split(" ")[0].padStart(6)} c\n${size.split(" ")[0].padStart(6)} d\n${String(4 * Number(size.split(" ")[0])).padStart(6)} total\n`);
    expect(run("kubectl version --client > v.txt").output).toBe("error: write /dev/stdout: no space left on device\n");
    // Removing files gives the space back.
    run("rm e b");
    expect(run("echo fits > small && cat small").output).toBe("fits\n");
  });

  it("counts bytes read from and written to files against the line's work budget", () => {
    const run = simConsole(23);
    run("seq 1 40000 > a");
    const result = run("for i in $(seq 1 1000); do cat a > /dev/null; done");
    expect(result.exitCode).toBe(137);
    expect(result.output).toMatch(/^Killed\nThe playground stopped this command/);
  });
});
