// `/c/<classId>`: a class's student link. A student types a display name and gets their own
// session, started from the class's lesson, snapshot or exam (the exam view, loaded lazily); this browser remembers it (the session id
// and its edit key), so opening the link again returns to the same session. The teacher's latest
// message shows above the playground.
import { useEffect, useState } from "preact/hooks";
import { type ClassInfo, getClass, joinClass } from "../api/classes.ts";
import { storage } from "../lib/storage.ts";
import { LazyExam } from "./LazyExam.tsx";
import { Playground } from "./Playground.tsx";
import { TopBar } from "./TopBar.tsx";

/** How often a student's page asks for the teacher's message. */
const MESSAGE_POLL_MS = 10_000;
export const MAX_STUDENT_NAME_CHARS = 40;

export function ClassPage(props: { classId: string }) {
  const info = useClassInfo(props.classId);
  const [joined, setJoined] = useState(() => {
    const stored = storage.classSession(props.classId);
    return stored && storage.editKey(stored.sessionId) !== null ? stored : null;
  });
  if (joined) {
    const key = storage.editKey(joined.sessionId) ?? undefined;
    // An exam class: the exam view (countdown, tasks, Finish, then the report) with the class's banner.
    if (!info.value && !info.error) return <p class="starting" aria-busy="true">Loading the class…</p>;
    if (info.value?.exam) return <LazyExam id={joined.sessionId} banner={<ClassBanner info={info.value} name={joined.name} />} />;
    return (
      <Playground
        source={{ kind: "session", id: joined.sessionId, key }}
        header={(session) => (
          <>
            <TopBar connected={session.model.connected} />
            <ClassBanner info={info.value} name={joined.name} />
          </>
        )}
      />
    );
  }
  return (
    <div class="playground">
      <TopBar />
      <main class="starting class-join">
        {info.error ? <p role="alert">{info.error}</p> : !info.value ? <p aria-busy="true">Loading the class…</p> : <JoinForm info={info.value} onJoined={setJoined} />}
      </main>
    </div>
  );
}

/** The class's public facts, asked again every few seconds for the teacher's message. */
export function useClassInfo(classId: string): { value: ClassInfo | null; error: string | null } {
  const [value, setValue] = useState<ClassInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    const load = () =>
      getClass(classId).then(
        (v) => !stopped && (setValue(v), setError(null)),
        (e) => !stopped && setError((e as Error).message),
      );
    void load();
    const timer = setInterval(load, MESSAGE_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [classId]);
  return { value, error };
}

export function JoinForm(props: { info: ClassInfo; onJoined(joined: { sessionId: string; name: string }): void }) {
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { info } = props;
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const joined = await joinClass(info.id, name);
      storage.setEditKey(joined.sessionId, joined.editKey);
      const record = { sessionId: joined.sessionId, name: name.trim() };
      storage.setClassSession(info.id, record);
      props.onJoined(record);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <form class="join-form" onSubmit={submit}>
      <h2>{info.name}</h2>
      {info.lesson && (
        <p class="join-lesson">
          Lesson: {info.lesson.title} ({info.lesson.steps} steps)
        </p>
      )}
      {info.exam && (
        <p class="join-lesson">
          Exam: {info.exam.title} ({info.exam.tasks} tasks, {info.exam.durationMinutes} minutes from when you join, pass mark {info.exam.passPercent}%)
        </p>
      )}
      {!info.open ? (
        <p role="alert">This class is closed to new students.</p>
      ) : (
        <>
          <label for="student-name">Your name, as your teacher will see it</label>
          <input
            id="student-name"
            name="name"
            autoComplete="name"
            required
            maxLength={MAX_STUDENT_NAME_CHARS}
            value={name}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
          <button type="submit" class="primary" disabled={busy || name.trim() === ""}>
            {busy ? "Starting your cluster…" : "Join the class"}
          </button>
        </>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function ClassBanner(props: { info: ClassInfo | null; name: string }) {
  const message = props.info?.message;
  return (
    <div class="banner class-banner" role="status">
      <span>
        {props.info ? props.info.name : "Class"} · you are <strong>{props.name}</strong>
      </span>
      {message && (
        <span class="class-message">
          <strong>Teacher:</strong> {message.text}
        </span>
      )}
    </div>
  );
}
