// The space a session's files may use: 256 KB a file, 1 MB in all. Past them a write fails with
// ENOSPC as a full disk makes it fail, in each tool's words, and what was stored stays.
import { describe, expect, it } from "vitest";
import { simConsole } from "../console.ts";
import { FILE_BYTES, SESSION_FILE_BYTES, usedBytes } from "../../../worker/sim/files/store.ts";

describe("file space limits", () => {
  it("keeps 256 KB of a bigger file and reports the write error as seq and bash do", () => {
    const run = simConsole(21);
    // In three commands: 256 KB in one is past a command's work budget (each byte counts out of seq, through the redirection and into the file).
    expect(run("seq 1 25000 > big.txt").exitCode).toBe(0);
    expect(run("seq 25001 40000 >> big.txt").exitCode).toBe(0);
    const big = run("seq 40001 60000 >> big.txt");
    expect(big.output).toBe("seq: write error: No space left on device\n");
    expect(big.exitCode).toBe(1);
    expect(run("wc -c big.txt").output).toBe(`${FILE_BYTES} big.txt\n`);
    expect(run("echo more >> big.txt").output).toBe("-bash: echo: write error: No space left on device\n");
  });

  it("stops at 1 MB for the whole session, keeping every file already written", () => {
    const run = simConsole(22);
    // ~229 KB: four fit in 1 MB, a fifth does not (built in two commands, each within its work budget).
    run("seq 1 20000 > a");
    run("seq 20001 40000 >> a");
    const size = run("wc -c a").output;
    // One copy a command: each reads and writes ~229 KB, three are past one command's work budget.
    for (const copy of ["cp a b", "cp a c", "cp a d"]) expect(run(copy).exitCode).toBe(0);
    const full = run("cp a e");
    expect(full.output).toBe("cp: error writing 'e': No space left on device\n");
    expect(usedBytes(full.state.cluster)).toBeLessThanOrEqual(SESSION_FILE_BYTES);
    // One file a command: reading all four is past one command's work budget.
    for (const name of ["a", "b", "c", "d"]) expect(run(`wc -c ${name}`).output).toBe(`${size.split(" ")[0]} ${name}\n`);
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
