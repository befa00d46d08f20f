// "Start a lesson": the built-in lessons; picking one starts a new session that follows it.
import { useEffect, useState } from "preact/hooks";
import { createSession, listLessons } from "../api/client.ts";
import type { LessonSummary } from "../api/types.ts";
import { sessionPath } from "../lib/route.ts";
import { storage } from "../lib/storage.ts";
import { usePopover } from "../lib/use-popover.ts";

export function LessonPicker() {
  const { open, setOpen, root } = usePopover<HTMLDivElement>();
  const [lessons, setLessons] = useState<LessonSummary[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (open && !lessons) listLessons().then(setLessons, (e) => setError((e as Error).message));
  }, [open]);

  const start = async (id: string) => {
    setBusy(id);
    setError(null);
    try {
      const created = await createSession({ lesson: id });
      storage.setEditKey(created.id, created.editKey);
      location.assign(sessionPath(created.id, created.editKey));
    } catch (e) {
      setError((e as Error).message);
      setBusy(null);
    }
  };

  return (
    <div class="lesson-picker" ref={root}>
      <button type="button" class="picker-button" aria-expanded={open} aria-haspopup="true" onClick={() => setOpen(!open)}>
        Start a lesson
      </button>
      {open && (
        <div class="picker-menu" role="dialog" tabIndex={-1} aria-label="Start a lesson">
          {!lessons && !error && <p class="picker-note" aria-busy="true">Loading lessons…</p>}
          {lessons && lessons.length === 0 && <p class="picker-note">No lessons on this server.</p>}
          {lessons && (
            <ul>
              {lessons.map((l) => (
                <li key={l.id}>
                  <button type="button" class="picker-item" data-lesson={l.id} disabled={busy !== null} onClick={() => start(l.id)}>
                    <strong>{l.title}</strong>
                    <span class="picker-summary">{l.summary}</span>
                    <span class="picker-steps">{busy === l.id ? "Starting a cluster…" : `${l.steps} steps`}</span>
                  </button>
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
