// "Exam practice": the built-in exams (GET /api/exams) with their tasks, minutes and pass mark, and
// a duration to take one in; starting one makes a new session and opens its exam view.
import { useEffect, useState } from "preact/hooks";
import { createSession, listExams } from "../api/client.ts";
import type { ExamSummary } from "../api/types.ts";
import { examPath } from "../lib/route.ts";
import { storage } from "../lib/storage.ts";
import { usePopover } from "../lib/use-popover.ts";

/** The API's limit on durationMinutes (MAX_DURATION_MINUTES in worker/sim/exams/schema.ts, not imported: it would bring the schema into the first load). */
const MAX_MINUTES = 600;

export function ExamPicker() {
  const { open, setOpen, root } = usePopover<HTMLDivElement>();
  const [exams, setExams] = useState<ExamSummary[] | null>(null);
  const [minutes, setMinutes] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (open && !exams) listExams().then(setExams, (e) => setError((e as Error).message));
  }, [open]);

  const start = async (exam: ExamSummary, event: Event) => {
    event.preventDefault();
    const chosen = Number(minutes[exam.id] ?? exam.durationMinutes);
    setBusy(exam.id);
    setError(null);
    try {
      const created = await createSession({ exam: exam.id, ...(chosen !== exam.durationMinutes ? { durationMinutes: chosen } : {}) });
      storage.setEditKey(created.id, created.editKey);
      location.assign(examPath(created.id, created.editKey));
    } catch (e) {
      setError((e as Error).message);
      setBusy(null);
    }
  };

  return (
    <div class="lesson-picker exam-picker" ref={root}>
      <button type="button" class="picker-button" aria-label="Exam practice" aria-expanded={open} aria-haspopup="true" onClick={() => setOpen(!open)}>
        {/* A phone's top bar has room for a short label only. */}
        <span class="wide-label">Exam practice</span>
        <span class="narrow-label">Exam</span>
      </button>
      {open && (
        <div class="picker-menu" role="dialog" tabIndex={-1} aria-label="Exam practice">
          {!exams && !error && <p class="picker-note" aria-busy="true">Loading exams…</p>}
          {exams && exams.length === 0 && <p class="picker-note">No exams on this server.</p>}
          {exams && (
            <ul>
              {exams.map((exam) => (
                <li key={exam.id}>
                  <form class="exam-choice" data-exam={exam.id} onSubmit={(event) => start(exam, event)}>
                    <strong>{exam.title}</strong>
                    <span class="picker-summary">{exam.summary}</span>
                    <span class="picker-steps">
                      {exam.tasks} tasks · {exam.durationMinutes} minutes · pass mark {exam.passPercent}%
                    </span>
                    <span class="exam-start">
                      <label>
                        Minutes{" "}
                        <input
                          type="number"
                          name="minutes"
                          min={1}
                          max={MAX_MINUTES}
                          required
                          value={minutes[exam.id] ?? String(exam.durationMinutes)}
                          onInput={(e) => setMinutes({ ...minutes, [exam.id]: (e.target as HTMLInputElement).value })}
                        />
                      </label>
                      <button type="submit" class="primary" disabled={busy !== null}>
                        {busy === exam.id ? "Starting…" : "Start the exam"}
                      </button>
                    </span>
                  </form>
                </li>
              ))}
            </ul>
          )}
          {error && <p class="error" role="alert">{error}</p>}
        </div>
      )}
    </div>
  );
}
