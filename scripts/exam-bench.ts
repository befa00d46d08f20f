// npm run bench:exam [--runs N]
//
// How long grading a finished exam takes: each built-in exam is solved by its reference solutions
// (seed 1), then graded N times (default 50) as Finish or the deadline grades it. Prints the
// first grading (a cold isolate: code not yet optimised), then the median and the slowest of the
// N runs after 10 unmeasured ones (an isolate that has served sessions for a while), in ms.
import { builtinExams } from "../worker/sim/exams/builtin.ts";
import { gradeExam } from "../worker/sim/exams/grade.ts";
import { runExamReference } from "../worker/sim/exams/reference.ts";
import { drawExam } from "../worker/sim/exams/schema.ts";

const runsArg = process.argv.indexOf("--runs");
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 50;
if (!Number.isInteger(runs) || runs < 1) {
  console.error("--runs needs a whole number of at least 1");
  process.exit(2);
}

for (const definition of builtinExams) {
  const drawn = drawExam(definition, 1);
  if (!drawn.ok) throw new Error(drawn.errors.join("\n"));
  const result = runExamReference(drawn.exam, { seed: 1 });
  if (!result.ok || !result.final) throw new Error(`${definition.id}: ${result.errors.join("\n")}`);
  const { state, run } = result.final;
  const times: number[] = [];
  let checks = 0;
  const coldStart = performance.now();
  gradeExam(run.exam, run.seed, run.memory, state);
  const cold = performance.now() - coldStart;
  for (let i = 0; i < 10; i++) gradeExam(run.exam, run.seed, run.memory, state);
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const report = gradeExam(run.exam, run.seed, run.memory, state);
    times.push(performance.now() - started);
    checks = report.tasks.reduce((n, t) => n + t.checks.length, 0);
    if (report.score !== 100) throw new Error(`${definition.id}: the reference solutions score ${report.score}`);
  }
  times.sort((a, b) => a - b);
  const p50 = times[Math.floor(times.length / 2)];
  console.log(`${definition.id}: ${drawn.exam.tasks.length} tasks, ${checks} checks; grading a finished exam: first ${cold.toFixed(1)} ms, then p50 ${p50.toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms (${runs} runs after 10)`);
}
