// npm run lesson:check [FILE ...] [--seed N] [--verbose]
//
// Validates lesson files and runs each one's setup and reference solution through the simulator
// (fixed seed, a clock that advances five seconds per command), proving that every step's check
// passes, in order. Without FILE it checks the built-in lessons in lessons/. Exit code 1 when a
// file is invalid or a step does not pass — for course authors' CI.
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { parseLesson } from "../worker/sim/lessons/schema.ts";
import { runSolution, type SolutionLine } from "../worker/sim/lessons/solution.ts";
import { builtinLessonFiles } from "./lessons-generate.ts";

interface Options {
  files: string[];
  seed: number;
  verbose: boolean;
}

function parseArgs(argv: string[]): Options | string {
  const options: Options = { files: [], seed: 1, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--verbose" || arg === "-v") options.verbose = true;
    else if (arg === "--seed" || arg.startsWith("--seed=")) {
      const value = arg.includes("=") ? arg.slice("--seed=".length) : argv[++i];
      if (!value || !/^\d+$/.test(value)) return `--seed needs a whole number, got ${value ?? "nothing"}`;
      options.seed = Number(value);
    } else if (arg === "--help" || arg === "-h") {
      return "usage: npm run lesson:check [FILE ...] [--seed N] [--verbose]";
    } else if (arg.startsWith("-")) return `unknown option ${arg}`;
    else options.files.push(arg);
  }
  if (options.files.length === 0) options.files = builtinLessonFiles().map((f) => relative(process.cwd(), f));
  return options;
}

function indent(text: string, prefix: string): string {
  return text.replace(/\n$/, "").split("\n").map((l) => prefix + l).join("\n");
}

function transcript(line: SolutionLine): string {
  const out = `${line.prompt}${line.command.split("\n").join("\n> ")}\n${line.output}`;
  return line.exitCode === 0 ? out : `${out}[exit code ${line.exitCode}]\n`;
}

function checkFile(file: string, options: Options): boolean {
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch (error) {
    console.log(`✗ ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    return false;
  }
  const parsed = parseLesson(source);
  if (!parsed.ok) {
    console.log(`✗ ${file}: not a valid lesson`);
    for (const error of parsed.errors) console.log(`    ${error}`);
    return false;
  }
  const lesson = parsed.lesson;
  console.log(`${file}: "${lesson.title}" (${lesson.id}), ${lesson.steps.length} steps`);
  const started = performance.now();
  const report = runSolution(lesson, { seed: options.seed });
  const ms = performance.now() - started;

  const setup = report.lines.filter((l) => l.phase === "setup");
  if (setup.length) console.log(`  setup: ${setup.length} commands`);
  const solution = report.lines.filter((l) => l.phase === "solution");
  solution.forEach((line, i) => {
    if (options.verbose) console.log(indent(transcript(line), "  │ "));
    if (line.completed) {
      const step = lesson.steps.find((s) => s.id === line.completed)!;
      console.log(`  ✓ ${step.id} — ${step.title}  (after solution command ${i + 1}: ${line.command.split("\n")[0]})`);
    }
  });
  for (const note of report.notes) console.log(`  note: ${note}`);
  if (report.ok) {
    console.log(`  PASS: every step passed with the reference solution (${solution.length} commands, ${ms.toFixed(0)} ms)`);
    return true;
  }
  for (const error of report.errors) console.log(`  ✗ ${error}`);
  if (!options.verbose) {
    const tail = report.lines.slice(-4);
    if (tail.length) {
      console.log("  last commands:");
      for (const line of tail) console.log(indent(transcript(line), "  │ "));
    }
  }
  console.log("  FAIL");
  return false;
}

const options = parseArgs(process.argv.slice(2));
if (typeof options === "string") {
  console.error(options);
  process.exit(2);
}
let ok = true;
for (const file of options.files) ok = checkFile(file, options) && ok;
process.exit(ok ? 0 : 1);
