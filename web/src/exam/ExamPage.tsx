// `/exam/<id>`: an exam session. While the exam runs, its holder of the edit key sees the
// countdown, the tasks and the console (the map hidden, as in the real exam); once it is over
// (time up or Finish), everyone with the link sees the report. Loaded lazily: not in the first load.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { finishExam, getExam } from "../api/client.ts";
import type { ExamState, ExamView } from "../api/types.ts";
import { keepKeyOutOfAddressBar } from "../lib/edit-key.ts";
import { storage } from "../lib/storage.ts";
import { Playground } from "../pages/Playground.tsx";
import { clockAnnouncement, formatClock, spokenTimeLeft } from "./countdown.ts";
import { ExamReportView } from "./ExamReportView.tsx";
import { ExamTasks } from "./ExamTasks.tsx";

export interface ExamPageProps {
  id: string;
  urlKey?: string;
  /** The embed's hooks: progress while the exam runs, the result once it is over. */
  onProgress?(progress: { secondsLeft: number; commands: number }): void;
  onResult?(state: ExamState): void;
  /** A retake started (an embed keeps it as its session); without it the page opens the new exam. */
  onRetake?(session: { id: string; key: string }): void;
  compact?: boolean;
  /** In an embed: the frame's address stays the embed's (a reload finds the same session). */
  embedded?: boolean;
  /** Shown under the exam's bar and above its report (a class's name and the teacher's message). */
  banner?: ComponentChildren;
}

export function ExamPage(props: ExamPageProps) {
  const key = props.urlKey ?? storage.editKey(props.id) ?? undefined;
  const [state, setState] = useState<ExamState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);

  useEffect(() => {
    if (props.urlKey && !props.embedded) keepKeyOutOfAddressBar(props.id, props.urlKey, "exam");
  }, [props.id, props.urlKey]);

  const load = () =>
    getExam(props.id).then(
      (exam) => (exam ? setState(exam) : setMissing(true)),
      (e) => setError((e as Error).message),
    );
  useEffect(() => void load(), [props.id]);

  useEffect(() => {
    if (state?.report) props.onResult?.(state);
  }, [!!state?.report]);

  if (error) {
    return (
      <main class="playground-error">
        <h1>Cannot open this exam</h1>
        <p role="alert">{error}</p>
        <p>
          <a href="/">Start a new playground</a>
        </p>
      </main>
    );
  }
  if (missing) {
    return (
      <main class="playground-error">
        <h1>No exam here</h1>
        <p role="alert">This session was not started for an exam.</p>
        <p>
          <a href={`/s/${props.id}`}>Open it as a playground</a>
        </p>
      </main>
    );
  }
  if (!state) return <p class="starting" aria-busy="true">Loading the exam…</p>;
  if (state.report) {
    const report = <ExamReportView id={props.id} state={state as ExamState & { report: NonNullable<ExamState["report"]> }} compact={props.compact} onRetake={props.onRetake} />;
    return props.banner ? (
      <>
        {props.banner}
        {report}
      </>
    ) : (
      report
    );
  }
  return (
    <ExamRunning
      id={props.id}
      editKey={key}
      exam={state}
      compact={props.compact}
      onProgress={props.onProgress}
      onOver={() => void load()}
      onFinished={(report) => setState({ ...state, finished: true, secondsLeft: 0, report })}
      banner={props.banner}
    />
  );
}

function ExamRunning(props: {
  id: string;
  editKey?: string;
  exam: ExamView;
  compact?: boolean;
  onProgress?: ExamPageProps["onProgress"];
  onOver(): void;
  onFinished(report: NonNullable<ExamState["report"]>): void;
  banner?: ComponentChildren;
}) {
  const [commands, setCommands] = useState(0);
  const clock = useClock(props.exam.secondsLeft, props.onOver);
  const lastReported = useRef(-1);
  // Progress for an embedding page: each command, and each minute of the clock.
  useEffect(() => {
    const minute = Math.ceil(clock.secondsLeft / 60);
    const mark = commands * 100000 + minute;
    if (mark === lastReported.current) return;
    lastReported.current = mark;
    props.onProgress?.({ secondsLeft: clock.secondsLeft, commands });
  }, [commands, Math.ceil(clock.secondsLeft / 60)]);

  return (
    <Playground
      source={{ kind: "session", id: props.id, key: props.editKey }}
      showMap={false}
      compact={props.compact}
      hooks={{ onEntry: (entry) => !entry.setup && setCommands((n) => n + 1) }}
      panel={<ExamTasks sessionId={props.id} exam={props.exam} />}
      header={() => (
        <>
          <ExamBar
            exam={props.exam}
            clock={clock}
            canFinish={!!props.editKey}
            onFinish={async () => props.onFinished(await finishExam(props.id, props.editKey!))}
          />
          {props.banner}
        </>
      )}
    />
  );
}

/** Seconds left, counted down on this browser's clock from what the server said at load. */
function useClock(secondsLeftAtLoad: number, onOver: () => void) {
  const [end] = useState(() => Date.now() + secondsLeftAtLoad * 1000);
  const left = () => Math.max(0, Math.ceil((end - Date.now()) / 1000));
  const [secondsLeft, setSecondsLeft] = useState(left);
  const [announced, setAnnounced] = useState("");
  const previous = useRef(secondsLeft);
  useEffect(() => {
    const timer = setInterval(() => {
      const now = left();
      const said = clockAnnouncement(previous.current, now);
      if (said) setAnnounced(said);
      const over = previous.current > 0 && now === 0;
      previous.current = now;
      setSecondsLeft(now);
      // The server grades at the deadline; a moment later its report is there.
      if (over) setTimeout(onOver, 1500);
    }, 1000);
    return () => clearInterval(timer);
  }, []);
  return { secondsLeft, announced };
}

function ExamBar(props: { exam: ExamView; clock: { secondsLeft: number; announced: string }; canFinish: boolean; onFinish(): Promise<void> }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const low = props.clock.secondsLeft <= 5 * 60;
  return (
    <header class="topbar exam-bar">
      <h1 class="brand-heading exam-title">
        <span class="logo" aria-hidden="true">⎈</span> {props.exam.title}
      </h1>
      <span class="spacer" />
      <span class={"exam-clock" + (low ? " low" : "")} role="timer" aria-label={spokenTimeLeft(props.clock.secondsLeft)}>
        {formatClock(props.clock.secondsLeft)}
      </span>
      <span class="visually-hidden" role="status">
        {props.clock.announced}
      </span>
      <a class="exam-docs" href="https://kubernetes.io/docs/" target="_blank" rel="noopener noreferrer">
        kubernetes.io/docs<span class="visually-hidden"> (opens in a new tab)</span>
      </a>
      {props.canFinish && (
        <button type="button" class="primary" onClick={() => dialog.current?.showModal()}>
          Finish
        </button>
      )}
      <dialog ref={dialog} class="exam-confirm" aria-labelledby="exam-confirm-title">
        <h2 id="exam-confirm-title">Finish the exam now?</h2>
        <p>Your answers are graded as they are now and the console takes no more commands. You cannot go back.</p>
        {error && <p class="error" role="alert">{error}</p>}
        <p class="exam-confirm-actions">
          <button
            type="button"
            class="primary"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                await props.onFinish();
              } catch (e) {
                setError((e as Error).message);
                setBusy(false);
              }
            }}
          >
            {busy ? "Grading…" : "Finish and see the report"}
          </button>{" "}
          <button type="button" autoFocus onClick={() => dialog.current?.close()}>
            Keep working
          </button>
        </p>
      </dialog>
    </header>
  );
}
