// `/c/<classId>/board#key=<teacherKey>`: the teacher's live board. Loaded on demand (main.tsx
// imports it only for this route), so the first load of every other page stays within budget.
// The key moves from the fragment into this browser's storage at once, as edit keys do.
import { useEffect, useMemo, useState } from "preact/hooks";
import { boardCsv, type ClassInfo, closeClass, followBoard, postClassMessage, type StudentExam, type StudentRow } from "../api/classes.ts";
import { createSnapshot } from "../api/client.ts";
import { storage } from "../lib/storage.ts";
import { TopBar } from "./TopBar.tsx";

/** The board's rules for "stuck", mirrored from worker/classroom/board.ts so time on a step counts without a message. */
const STUCK_STEP_MS = 5 * 60 * 1000;
const STUCK_FAILING_COMMANDS = 3;
const MAX_MESSAGE_CHARS = 500;

export function BoardPage(props: { classId: string; urlKey?: string }) {
  const key = useMemo(() => {
    if (!props.urlKey) return storage.teacherKey(props.classId);
    // Out of the address bar (and the tab's history) once this browser keeps it.
    if (storage.setTeacherKey(props.classId, props.urlKey)) history.replaceState(history.state, "", `/c/${props.classId}/board`);
    return props.urlKey;
  }, [props.classId, props.urlKey]);
  if (!key) {
    return (
      <div class="playground">
        <TopBar />
        <main class="starting">
          <h2>This board needs its teacher key</h2>
          <p>Open the board link you got when you created the class (it ends with #key=…).</p>
        </main>
      </div>
    );
  }
  return <Board classId={props.classId} teacherKey={key} />;
}

function Board(props: { classId: string; teacherKey: string }) {
  const [info, setInfo] = useState<ClassInfo | null>(null);
  const [students, setStudents] = useState<StudentRow[]>([]);
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The server's clock minus ours, so "time on step" does not depend on the teacher's clock being right.
  const [skew, setSkew] = useState(0);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const connection = followBoard(
      props.classId,
      props.teacherKey,
      (event) => {
        switch (event.kind) {
          case "board":
            setInfo(event.class);
            setStudents(event.students);
            setSkew(event.now - Date.now());
            setError(null);
            break;
          case "student":
            setStudents((list) => {
              const at = list.findIndex((s) => s.sessionId === event.student.sessionId);
              if (at < 0) return [...list, event.student];
              const next = list.slice();
              next[at] = event.student;
              return next;
            });
            break;
          case "class":
            setInfo(event.class);
            break;
          case "error":
            setError(event.message);
            break;
          case "expired":
            setError("This class was deleted after 30 days without activity.");
            break;
        }
      },
      setConnected,
    );
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      connection.close();
      clearInterval(timer);
    };
  }, [props.classId, props.teacherKey]);

  const serverNow = now + skew;
  const studentUrl = `${location.origin}/c/${props.classId}`;
  const stuckCount = students.filter((s) => isStuck(s, serverNow)).length;
  const finishedCount = students.filter((s) => s.finished).length;

  return (
    <div class="playground board-page">
      <TopBar connected={connected} />
      <main class="board">
        <header class="board-head">
          <h2>{info ? info.name : "Class board"}</h2>
          {info && (
            <p class="board-facts">
              {info.exam
                ? `Exam: ${info.exam.title} (${info.exam.tasks} tasks, ${info.exam.durationMinutes} min, pass mark ${info.exam.passPercent}%${info.exam.seedPerStudent ? ", a draw per student" : ", the same draw for all"})`
                : info.lesson
                  ? `Lesson: ${info.lesson.title} (${info.lesson.steps} steps)`
                  : "No lesson"}{" "}
              · {students.length} {students.length === 1 ? "student" : "students"} · {finishedCount} finished · {stuckCount} stuck ·{" "}
              {info.open ? "open to new students" : "closed to new students"}
            </p>
          )}
          <p class="board-link">
            Student link: <a href={studentUrl}>{studentUrl}</a>
          </p>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
        </header>
        {info && <TeacherTools classId={props.classId} teacherKey={props.teacherKey} info={info} />}
        <StudentTable students={students} now={serverNow} exam={Boolean(info?.exam)} />
      </main>
    </div>
  );
}

function TeacherTools(props: { classId: string; teacherKey: string; info: ClassInfo }) {
  const [text, setText] = useState("");
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (what: () => Promise<string>) => {
    setBusy(true);
    try {
      setNote(await what());
    } catch (e) {
      setNote((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="board-tools" aria-label="Teacher tools">
      <form
        class="board-message"
        onSubmit={(event) => {
          event.preventDefault();
          void act(async () => {
            await postClassMessage(props.classId, props.teacherKey, text);
            setText("");
            return "Message posted to every student's page.";
          });
        }}
      >
        <label for="class-message">Message to the class</label>
        <textarea id="class-message" rows={2} maxLength={MAX_MESSAGE_CHARS} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
        <button type="submit" disabled={busy || text.trim() === ""}>
          Post message
        </button>
      </form>
      {props.info.message && (
        <p class="board-current-message">
          Shown to students: <q>{props.info.message.text}</q>
        </p>
      )}
      <p class="board-actions">
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            act(async () => {
              const csv = await boardCsv(props.classId, props.teacherKey);
              const link = document.createElement("a");
              link.href = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
              link.download = `${props.info.name} board.csv`;
              link.click();
              setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
              return "Board downloaded as CSV.";
            })
          }
        >
          Download CSV
        </button>{" "}
        <button
          type="button"
          disabled={busy || !props.info.open}
          onClick={() =>
            act(async () => {
              await closeClass(props.classId, props.teacherKey);
              return "The class is closed to new students; the students in it keep working.";
            })
          }
        >
          {props.info.open ? "Close to new students" : "Closed"}
        </button>
      </p>
      {note && <p role="status" class="board-note">{note}</p>}
    </section>
  );
}

function StudentTable(props: { students: StudentRow[]; now: number; exam: boolean }) {
  if (props.students.length === 0) return <p class="board-empty">No students yet: share the student link.</p>;
  return (
    <table class="board-table">
      <caption class="visually-hidden">Students</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          {props.exam ? (
            <>
              <th scope="col">Score</th>
              <th scope="col">Time left</th>
            </>
          ) : (
            <>
              <th scope="col">Step</th>
              <th scope="col">On this step</th>
            </>
          )}
          <th scope="col">Last commands</th>
          <th scope="col">Status</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {props.students.map((s) => (
          <StudentLine key={s.sessionId} student={s} now={props.now} />
        ))}
      </tbody>
    </table>
  );
}

function StudentLine(props: { student: StudentRow; now: number }) {
  const s = props.student;
  const stuck = stuckReason(s, props.now);
  const [snapshot, setSnapshot] = useState<string | null>(null);
  return (
    <tr class={"student" + (stuck ? " stuck" : "") + (s.finished ? " finished" : "")} data-session={s.sessionId}>
      <th scope="row" class="student-name">
        {s.name}
      </th>
      {s.exam ? (
        <>
          <td class="student-score">{s.exam.score === null ? "—" : `${s.exam.score} of ${s.exam.max}`}</td>
          <td class="student-time">{timeLeft(s.exam, props.now)}</td>
        </>
      ) : (
        <>
          <td class="student-step">
            {s.step === null ? "—" : s.finished ? `${s.steps} of ${s.steps}` : `${s.step + 1} of ${s.steps}`}
            {s.stepTitle && <span class="step-title"> · {s.stepTitle}</span>}
          </td>
          <td class="student-time">{s.finished || s.step === null ? "—" : duration(props.now - s.stepSince)}</td>
        </>
      )}
      <td class="student-commands">
        <ol>
          {s.lastCommands.map((c, i) => (
            <li key={i} class={c.exitCode === 0 ? "ok" : "failed"}>
              <code>{c.command}</code> <span class="exit">exit {c.exitCode}</span>
            </li>
          ))}
        </ol>
      </td>
      <td class="student-status">
        {s.exam?.passed != null ? (
          <span class={"badge " + (s.exam.passed ? "done" : "not-passed")}>{s.exam.passed ? "passed" : "not passed"}</span>
        ) : s.finished ? <span class="badge done">finished</span> : stuck ? <span class="badge stuck">stuck: {stuck === "failing" ? `${s.failingStreak} failing commands` : "same step > 5 min"}</span> : <span class="badge working">working</span>}
      </td>
      <td class="student-actions">
        {s.exam?.finishedAt != null ? (
          <a href={`/exam/${s.sessionId}`} target="_blank" rel="noopener">
            Report<span class="visually-hidden"> of {s.name}</span>
          </a>
        ) : (
          <a href={`/s/${s.sessionId}`} target="_blank" rel="noopener">
            Watch
          </a>
        )}{" "}
        {snapshot ? (
          <a href={`/p/${snapshot}`} target="_blank" rel="noopener">
            Snapshot
          </a>
        ) : (
          <button type="button" class="link-button" onClick={() => createSnapshot(s.sessionId).then(setSnapshot, () => setSnapshot(null))}>
            Make a snapshot
          </button>
        )}
      </td>
    </tr>
  );
}

function stuckReason(s: StudentRow, now: number): "failing" | "step" | null {
  if (s.failingStreak >= STUCK_FAILING_COMMANDS) return "failing";
  if (s.step !== null && !s.finished && now - s.stepSince > STUCK_STEP_MS) return "step";
  return null;
}

const isStuck = (s: StudentRow, now: number) => stuckReason(s, now) !== null;

/** The exam's time left on the board's clock (the row's secondsLeft is as of its last update). */
function timeLeft(exam: StudentExam, now: number): string {
  if (exam.finishedAt !== null) return "ended";
  if (exam.deadline === null) return "—";
  const seconds = Math.max(0, Math.ceil((exam.deadline - now) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

function duration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(seconds / 60);
  return m === 0 ? `${seconds} s` : `${m} min ${seconds % 60} s`;
}
