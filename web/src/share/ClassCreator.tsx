// "Create a class": a class name and what every student starts from (a built-in lesson, a
// built-in exam, or a snapshot by its link or id), then the two links: the student link to share, and the private
// board link (the teacher key in its fragment). The key is kept in this browser too.
import { useEffect, useState } from "preact/hooks";
import { type CreateClassBody, type CreatedClass, createClass } from "../api/classes.ts";
import { listExams, listLessons } from "../api/client.ts";
import type { ExamSummary, LessonSummary } from "../api/types.ts";
import { copyText } from "../lib/clipboard.ts";
import { snapshotIdOf } from "../lib/snapshot-id.ts";
import { storage } from "../lib/storage.ts";
import { usePopover } from "../lib/use-popover.ts";

const SNAPSHOT = "snapshot";
/** An exam's option value: `exam:<id>` (lesson ids are plain). */
const EXAM_PREFIX = "exam:";

export function ClassCreator() {
  const { open, setOpen, root } = usePopover<HTMLDivElement>();
  const [lessons, setLessons] = useState<LessonSummary[] | null>(null);
  const [exams, setExams] = useState<ExamSummary[]>([]);
  const [seedPerStudent, setSeedPerStudent] = useState(false);
  const [name, setName] = useState("");
  const [source, setSource] = useState("");
  const [snapshot, setSnapshot] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedClass | null>(null);

  useEffect(() => {
    if (open && !lessons)
      listLessons().then(
        (list) => {
          setLessons(list);
          if (!source && list[0]) setSource(list[0].id);
        },
        (e) => setError((e as Error).message),
      );
    // The exams are offered when the list answers; lessons and snapshots work without them.
    if (open && exams.length === 0) listExams().then(setExams, () => undefined);
  }, [open]);

  const examId = source.startsWith(EXAM_PREFIX) ? source.slice(EXAM_PREFIX.length) : null;
  const body = (): CreateClassBody =>
    source === SNAPSHOT ? { name, from: snapshotIdOf(snapshot) } : examId !== null ? { name, exam: examId, ...(seedPerStudent ? { seedPerStudent: true } : {}) } : { name, lesson: source };

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const made = await createClass(body());
      storage.setTeacherKey(made.id, made.teacherKey);
      setCreated(made);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="lesson-picker class-creator" ref={root}>
      <button type="button" class="picker-button" aria-label="Create a class" aria-expanded={open} aria-haspopup="true" onClick={() => setOpen(!open)}>
        {/* A phone's top bar has room for a short label only. */}
        <span class="wide-label">Create a class</span>
        <span class="narrow-label">+ Class</span>
      </button>
      {open && (
        <div class="picker-menu class-menu" role="dialog" tabIndex={-1} aria-label="Create a class">
          {created ? (
            <div class="class-links">
              <p>
                <strong>Class created.</strong> Share the student link; keep the board link to yourself (it holds the teacher key).
              </p>
              <LinkRow label="Student link" url={created.studentUrl} />
              <LinkRow label="Board link (private)" url={created.boardUrl} />
              <p>
                <a class="primary-link" href={created.boardUrl}>
                  Open the board
                </a>
              </p>
            </div>
          ) : (
            <form class="class-form" onSubmit={submit}>
              <label for="class-name">Class name</label>
              <input id="class-name" required maxLength={100} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
              <label for="class-source">Students start from</label>
              <select id="class-source" value={source} onChange={(e) => setSource((e.target as HTMLSelectElement).value)}>
                {(lessons ?? []).map((l) => (
                  <option key={l.id} value={l.id}>
                    Lesson: {l.title} ({l.steps} steps)
                  </option>
                ))}
                {exams.map((x) => (
                  <option key={x.id} value={EXAM_PREFIX + x.id}>
                    Exam: {x.title} ({x.tasks} tasks, {x.durationMinutes} min)
                  </option>
                ))}
                <option value={SNAPSHOT}>A snapshot…</option>
              </select>
              {examId !== null && (
                <label class="class-seed-choice">
                  <input type="checkbox" checked={seedPerStudent} onChange={(e) => setSeedPerStudent((e.target as HTMLInputElement).checked)} /> A different draw for each student (otherwise
                  everyone takes the same exam)
                </label>
              )}
              {source === SNAPSHOT && (
                <>
                  <label for="class-snapshot">Snapshot link or id</label>
                  <input id="class-snapshot" required value={snapshot} placeholder="https://…/p/…" onInput={(e) => setSnapshot((e.target as HTMLInputElement).value)} />
                </>
              )}
              <button type="submit" class="primary" disabled={busy || name.trim() === "" || source === ""}>
                {busy ? "Creating…" : "Create the class"}
              </button>
            </form>
          )}
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

function LinkRow(props: { label: string; url: string }) {
  const [copied, setCopied] = useState(false);
  const id = `link-${props.label.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <p class="share-result">
      <label for={id}>{props.label}</label>
      <input id={id} class="share-url" readOnly value={props.url} onFocus={(e) => (e.target as HTMLInputElement).select()} />
      <button type="button" onClick={() => copyText(props.url).then(() => setCopied(true))}>
        Copy
      </button>
      {copied && <span class="copied">Copied</span>}
    </p>
  );
}
