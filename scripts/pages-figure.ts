// Prints the figure of the kubernetes.io page replays (test/sim/pages): of the steps whose output a
// page prints and the replay compares, how many match. It runs that suite and counts its tests by
// the kind each title names (see test/sim/pages/page-replay.ts): "matches the page", "era
// difference", "environment difference", "needs issue N". A step counts as matching only when its
// test passed; the suite must be green (expected failures failing) for the figure to be printed.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

interface AssertionResult {
  title: string;
  status: "passed" | "failed" | "skipped" | "pending" | "todo";
}
interface Report {
  success: boolean;
  testResults: Array<{ name: string; assertionResults: AssertionResult[] }>;
}

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "pages-figure-"));
const out = join(dir, "report.json");
try {
  try {
    execFileSync("npx", ["vitest", "run", "--project", "sim", "test/sim/pages", "--reporter=json", `--outputFile=${out}`], { cwd: root, stdio: "ignore" });
  } catch {
    // A red suite still writes its report; success says so below.
  }
  const report = JSON.parse(readFileSync(out, "utf8")) as Report;
  if (!report.success) {
    console.error("test/sim/pages is red: run npx vitest run --project sim test/sim/pages");
    process.exitCode = 1;
  } else {
    const kinds = { match: 0, era: 0, environment: 0, needs: new Map<string, number>() };
    const pages: string[] = [];
    for (const file of report.testResults) {
      let compared = 0;
      let matched = 0;
      for (const t of file.assertionResults) {
        const needs = /^needs issue (\d+):/.exec(t.title);
        if (t.title.startsWith("matches the page:")) {
          compared++;
          if (t.status === "passed") (matched++, kinds.match++);
        } else if (t.title.startsWith("era difference:")) (compared++, kinds.era++);
        else if (t.title.startsWith("environment difference:")) (compared++, kinds.environment++);
        else if (needs) {
          compared++;
          kinds.needs.set(needs[1], (kinds.needs.get(needs[1]) ?? 0) + 1);
        }
      }
      pages.push(`  ${file.name.replace(/^.*\/test\/sim\/pages\//, "").replace(/\.test\.ts$/, "")}: ${matched} of ${compared}`);
    }
    const needed = [...kinds.needs].sort((a, b) => Number(a[0]) - Number(b[0]));
    const compared = kinds.match + kinds.era + kinds.environment + needed.reduce((n, [, c]) => n + c, 0);
    console.log(`${kinds.match} of ${compared} compared steps match the page`);
    console.log(`  era differences: ${kinds.era}, environment differences: ${kinds.environment}`);
    console.log(`  waiting for open issues: ${needed.map(([issue, n]) => `#${issue} ${n}`).join(", ") || "none"}`);
    for (const line of pages.sort()) console.log(line);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
