import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function lessonCheck(...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/lesson-check.ts", ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: result.status, out: result.stdout + result.stderr };
}

describe("npm run lesson:check", () => {
  it("reports an invalid lesson with the path of each bad field and exits 1", () => {
    const dir = mkdtempSync(join(tmpdir(), "lesson-"));
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "id: Bad Id\ntitle: T\nsummary: S\nsteps:\n  - id: a\n    title: A\n    text: x\n    check: {request: {to: nodePort, verdict: ok}}\nsolution: []\n");
    const { code, out } = lessonCheck(file);
    expect(code).toBe(1);
    expect(out).toContain(`✗ ${file}: not a valid lesson`);
    expect(out).toContain("id: must be a slug");
    expect(out).toContain('steps[0].check.request.verdict: Invalid type: Expected "answered" | "refused"');
    expect(out).toContain("solution: a lesson needs a reference solution");
  });

  it("refuses unknown options", () => {
    expect(lessonCheck("--frobnicate").code).toBe(2);
  });
});
