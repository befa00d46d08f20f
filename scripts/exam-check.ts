// npm run exam:check [FILE ...] [--seeds N] [--seed N]
//
// Validates exam files and proves each fair for several seeds (worker/sim/exams/reference.ts):
// after the setups an untouched attempt scores 0 with every check failing; each task's checks
// fail before its reference solution runs and pass after it; the reference solutions score 100.
// Without FILE it checks the built-in exams in exams/. Exit code 1 when a file is invalid or a
// seed fails — for exam authors' CI.
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { drawExam, parseExam } from "../worker/sim/exams/schema.ts";
import { runExamReference } from "../worker/sim/exams/reference.ts";
import { builtinExamFiles } from "./exams-generate.ts";

interface Options {
  files: string[];
  seeds: number[];
}

function parseArgs(argv: string[]): Options | string {
  const files: string[] = [];
  let count = 5;
  let only: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--seeds" || arg === "--seed" || arg.startsWith("--seeds=") || arg.startsWith("--seed=")) {
      const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
      if (!value || !/^\d+$/.test(value)) return `${arg.split("=")[0]} needs a whole number, got ${value ?? "nothing"}`;
      if (arg.startsWith("--seeds")) count = Number(value);
      else only = Number(value);
    } else if (arg === "--help" || arg === "-h") {
      return "usage: npm run exam:check [FILE ...] [--seeds N | --seed N]";
    } else if (arg.startsWith("-")) return `unknown option ${arg}`;
    else files.push(arg);
  }
  if (files.length === 0) files.push(...builtinExamFiles().map((f) => relative(process.cwd(), f)));
  return { files, seeds: only !== undefined ? [only] : Array.from({ length: count }, (_, i) => i + 1) };
}

function checkFile(file: string, options: Options): boolean {
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch (error) {
    console.log(`✗ ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    return false;
  }
  const parsed = parseExam(source);
  if (!parsed.ok) {
    console.log(`✗ ${file}: not a valid exam`);
    for (const error of parsed.errors) console.log(`    ${error}`);
    return false;
  }
  const definition = parsed.exam;
  let ok = true;
  for (const seed of options.seeds) {
    const drawn = drawExam(definition, seed);
    if (!drawn.ok) {
      console.log(`  ✗ seed ${seed}: the drawn exam is not valid`);
      for (const error of drawn.errors) console.log(`      ${error}`);
      ok = false;
      continue;
    }
    if (seed === options.seeds[0]) console.log(`${file}: "${drawn.exam.title}" (${drawn.exam.id}), ${drawn.exam.tasks.length} tasks, ${drawn.exam.durationMinutes} minutes`);
    const started = performance.now();
    const result = runExamReference(drawn.exam, { seed });
    const ms = performance.now() - started;
    const shown = Object.entries(drawn.values).map(([k, v]) => `${k}=${v}`).join(" ");
    if (result.ok) {
      console.log(`  ✓ seed ${seed}: untouched ${result.untouched!.score}, reference solutions ${result.solved!.score}; every task's checks failed before its solution (${result.commands} commands, ${ms.toFixed(0)} ms) [${shown}]`);
    } else {
      ok = false;
      console.log(`  ✗ seed ${seed} [${shown}]`);
      for (const error of result.errors) console.log(`      ${error}`);
    }
  }
  console.log(ok ? "  PASS" : "  FAIL");
  return ok;
}

const options = parseArgs(process.argv.slice(2));
if (typeof options === "string") {
  console.error(options);
  process.exit(2);
}
let ok = true;
for (const file of options.files) ok = checkFile(file, options) && ok;
process.exit(ok ? 0 : 1);
