// The board's rules, apart from the Durable Object that stores them: what a student's row holds,
// how a session's report changes it, when a student counts as stuck, and the CSV a teacher
// downloads. Pure functions of their arguments (the caller passes the time).

/** A command as the board shows it: what was typed (cut to a line's worth) and how it ended. */
export interface BoardCommand {
  command: string;
  exitCode: number;
  at: number;
}

/** One student's row on the board. */
export interface StudentRow {
  name: string;
  sessionId: string;
  /** Lesson steps completed so far (the step the student is on, counted from 0); null without a lesson. */
  step: number | null;
  /** Steps in the lesson (0 without one). */
  steps: number;
  /** The title of the step the student is on; null once finished or without a lesson. */
  stepTitle: string | null;
  finished: boolean;
  /** Since when the student has been on the current step. */
  stepSince: number;
  stuck: boolean;
  /** Why the student counts as stuck: "step" (same step too long), "failing" (failing commands in a row). */
  stuckReason: "step" | "failing" | null;
  /** Commands run (setup commands not counted). */
  commands: number;
  /** The latest commands, oldest first (at most LAST_COMMANDS). */
  lastCommands: BoardCommand[];
  /** Failing commands in a row, up to the latest. */
  failingStreak: number;
  joinedAt: number;
  /** The first and the latest command's time; null before the first. */
  firstActivity: number | null;
  lastActivity: number | null;
  /** The student's exam, in a class that runs one; null otherwise. */
  exam: ExamPosition | null;
}

/**
 * Where a student is in the class's exam. The score is known once the exam ends (Finish or the
 * deadline): grading takes 14-45 ms (npm run bench:exam), too much to run after every command.
 */
export interface ExamPosition {
  examId: string;
  seed: number;
  tasks: number;
  /** When the student's exam ends (null until their session has started it). */
  deadline: number | null;
  /** Seconds left as of the row's time; 0 once finished. */
  secondsLeft: number | null;
  finishedAt: number | null;
  /** Points out of `max` (one decimal), and whether they reach the pass mark; null before the end. */
  score: number | null;
  max: number;
  passed: boolean | null;
}

/** What a session reports of its exam. */
export interface ExamReportSummary {
  examId: string;
  seed: number;
  tasks: number;
  deadline: number;
  finishedAt: number | null;
  score: number | null;
  max: number;
  passed: boolean | null;
}

/** What a student's session tells its class after committing a command (or a lesson change without one). */
export interface ProgressReport {
  sessionId: string;
  /** The session's seq when the report was made: an older report than one applied already is ignored. */
  seq: number;
  at: number;
  command?: { command: string; exitCode: number };
  lesson?: LessonPosition;
  exam?: ExamReportSummary;
}

/** What a session may call on its class (the Classroom object's report method). */
export interface ClassReports {
  report(report: ProgressReport): Promise<void>;
}

/** Where a student is in the class's lesson. */
export interface LessonPosition {
  step: number;
  steps: number;
  stepTitle: string | null;
  finished: boolean;
}

/** The same step for longer than this marks a student stuck. */
export const STUCK_STEP_MS = 5 * 60 * 1000;
/** This many failing commands in a row mark a student stuck. */
export const STUCK_FAILING_COMMANDS = 3;
/** Commands kept per student for the board. */
export const LAST_COMMANDS = 5;
/** A command on the board is cut to this many characters. */
export const BOARD_COMMAND_CHARS = 200;

/** Whether, and why, a student counts as stuck at `now`. */
export function stuckReason(row: Pick<StudentRow, "failingStreak" | "finished" | "step" | "stepSince">, now: number): StudentRow["stuckReason"] {
  if (row.failingStreak >= STUCK_FAILING_COMMANDS) return "failing";
  if (row.step !== null && !row.finished && now - row.stepSince > STUCK_STEP_MS) return "step";
  return null;
}

/** The row as of `now`: whether the student is stuck, and their exam's time left. */
export function withStuck(row: StudentRow, now: number): StudentRow {
  const reason = stuckReason(row, now);
  const exam = row.exam ? { ...row.exam, secondsLeft: secondsLeft(row.exam, now) } : null;
  return { ...row, stuck: reason !== null, stuckReason: reason, exam };
}

function secondsLeft(exam: ExamPosition, now: number): number | null {
  if (exam.finishedAt !== null) return 0;
  if (exam.deadline === null) return null;
  return Math.max(0, Math.ceil((exam.deadline - now) / 1000));
}

/** A student's exam before their session has reported: drawn from `seed`, not started. */
export function newExamPosition(examId: string, seed: number, tasks: number): ExamPosition {
  return { examId, seed, tasks, deadline: null, secondsLeft: null, finishedAt: null, score: null, max: 100, passed: null };
}

/** A new student's row: at the lesson's start (or where the snapshot they forked left off). */
export function newStudent(name: string, sessionId: string, joinedAt: number, lesson: LessonPosition | undefined, exam?: ExamPosition): StudentRow {
  return {
    name,
    sessionId,
    step: lesson ? lesson.step : null,
    steps: lesson ? lesson.steps : 0,
    stepTitle: lesson ? lesson.stepTitle : null,
    finished: lesson ? lesson.finished : false,
    stepSince: joinedAt,
    stuck: false,
    stuckReason: null,
    commands: 0,
    lastCommands: [],
    failingStreak: 0,
    joinedAt,
    firstActivity: null,
    lastActivity: null,
    exam: exam ?? null,
  };
}

/** The row after a report. */
export function applyReport(row: StudentRow, report: ProgressReport): StudentRow {
  const next: StudentRow = { ...row };
  if (report.command) {
    const entry: BoardCommand = { command: cutCommand(report.command.command), exitCode: report.command.exitCode, at: report.at };
    next.commands = row.commands + 1;
    next.lastCommands = [...row.lastCommands, entry].slice(-LAST_COMMANDS);
    next.failingStreak = entry.exitCode === 0 ? 0 : row.failingStreak + 1;
    next.firstActivity = row.firstActivity ?? report.at;
    next.lastActivity = report.at;
  }
  const lesson = report.lesson;
  if (lesson) {
    if (lesson.step !== row.step || lesson.finished !== row.finished) next.stepSince = report.at;
    next.step = lesson.step;
    next.steps = lesson.steps;
    next.stepTitle = lesson.stepTitle;
    next.finished = lesson.finished;
  }
  const exam = report.exam;
  if (exam) {
    next.exam = { ...exam, secondsLeft: null };
    // In an exam class, finished means the exam ended (Finish or time up).
    if (!lesson) next.finished = exam.finishedAt !== null;
  }
  return withStuck(next, report.at);
}

/** One line of a command, at most BOARD_COMMAND_CHARS characters. */
function cutCommand(command: string): string {
  const line = command.split("\n", 1)[0];
  const cut = line.length > BOARD_COMMAND_CHARS ? `${line.slice(0, BOARD_COMMAND_CHARS - 1)}…` : line;
  return line === command ? cut : `${cut} …`;
}

export const CSV_HEADER = ["name", "session", "step", "steps", "step_title", "finished", "stuck", "commands", "failing_in_a_row", "joined", "first_activity", "last_activity"] as const;
/** The columns a class running an exam adds: time_left in whole seconds. */
export const CSV_EXAM_HEADER = ["exam", "seed", "score", "max", "passed", "finished_at", "time_left"] as const;

/**
 * The board as CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a
 * comma, quote or line break). Text a student typed (their name) that a spreadsheet would read as
 * a formula (starting with =, +, -, @, tab or CR) gets a leading apostrophe, as OWASP advises
 * against CSV injection. Times are ISO 8601 in UTC; step is the step the student is on, from 1.
 */
export function boardCsv(rows: readonly StudentRow[], now: number, exam = false): string {
  const lines = [(exam ? [...CSV_HEADER, ...CSV_EXAM_HEADER] : CSV_HEADER).join(",")];
  for (const raw of rows) {
    const row = withStuck(raw, now);
    const e = row.exam;
    const examFields = !exam ? [] : [e?.examId ?? "", e ? String(e.seed) : "", e?.score == null ? "" : String(e.score), e ? String(e.max) : "", e?.passed == null ? "" : String(e.passed), iso(e?.finishedAt ?? null), e?.secondsLeft == null ? "" : String(e.secondsLeft)];
    lines.push(
      [
        csvText(row.name),
        row.sessionId,
        row.step === null ? "" : String(Math.min(row.step + 1, row.steps)),
        String(row.steps),
        csvText(row.stepTitle ?? ""),
        String(row.finished),
        String(row.stuck),
        String(row.commands),
        String(row.failingStreak),
        iso(row.joinedAt),
        iso(row.firstActivity),
        iso(row.lastActivity),
        ...examFields,
      ].join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

function iso(at: number | null): string {
  return at === null ? "" : new Date(at).toISOString();
}

function csvText(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
