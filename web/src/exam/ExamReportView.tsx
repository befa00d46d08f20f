// The report of a finished exam: the score against the pass mark, each task's checks with what was
// expected and what was found, the reference solution and why; a failed route check's route is drawn
// on the map. Read-only for everyone (the exam is over); one click retakes it with a new seed.
import { useState } from "preact/hooks";
import { createSession, createSnapshot } from "../api/client.ts";
import type { CheckReport, ExamReport, ExamState, RouteTrace, TaskReport } from "../api/types.ts";
import { copyText } from "../lib/clipboard.ts";
import { absolute, examPath } from "../lib/route.ts";
import { storage } from "../lib/storage.ts";
import { Playground } from "../pages/Playground.tsx";
import { TopBar } from "../pages/TopBar.tsx";
import { ShareMenu } from "../share/ShareMenu.tsx";

type FinishedExam = ExamState & { report: ExamReport };

export function ExamReportView(props: { id: string; state: FinishedExam; compact?: boolean; onRetake?(session: { id: string; key: string }): void }) {
  const [focus, setFocus] = useState<{ trace: RouteTrace; id: string } | undefined>();
  return (
    <Playground
      // The exam is over: the console shows what was typed and takes nothing more.
      source={{ kind: "session", id: props.id }}
      compact={props.compact}
      focusTrace={focus}
      panel={<ReportPanel id={props.id} state={props.state} onRetake={props.onRetake} onShowRoute={(trace, id) => setFocus({ trace, id: `${id}-${Date.now()}` })} />}
      header={() => (
        <TopBar>
          <ShareMenu sessionId={props.id} snapshot={() => createSnapshot(props.id)} />
        </TopBar>
      )}
    />
  );
}

function ReportPanel(props: { id: string; state: FinishedExam; onRetake?(session: { id: string; key: string }): void; onShowRoute(trace: RouteTrace, id: string): void }) {
  const report = props.state.report;
  const percent = report.max > 0 ? Math.round((report.score / report.max) * 1000) / 10 : 0;
  return (
    <section class="lesson exam-report" aria-labelledby="exam-report-title">
      <p class="lesson-kicker">Exam report · seed {report.seed}</p>
      <h2 id="exam-report-title">{report.title}</h2>
      <p class={"exam-score " + (report.passed ? "passed" : "failed")}>
        <strong>
          {report.score} / {report.max}
        </strong>{" "}
        ({percent}%) — {report.passed ? "passed" : "not passed"}: the pass mark is {report.passPercent}%.
      </p>
      <ReportActions id={props.id} state={props.state} onRetake={props.onRetake} />
      <table class="exam-scores">
        <caption class="visually-hidden">Score per task</caption>
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Score</th>
          </tr>
        </thead>
        <tbody>
          {report.tasks.map((t, i) => (
            <tr key={t.id}>
              <th scope="row">
                <a href={`#task-${t.id}`}>
                  {i + 1}. {t.title}
                </a>
              </th>
              <td>
                {t.score} / {t.weight}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.tasks.map((t, i) => (
        <TaskSection key={t.id} task={t} number={i + 1} onShowRoute={props.onShowRoute} />
      ))}
    </section>
  );
}

function TaskSection(props: { task: TaskReport; number: number; onShowRoute(trace: RouteTrace, id: string): void }) {
  const t = props.task;
  const full = t.score === t.weight;
  return (
    <section class="exam-report-task" id={`task-${t.id}`} aria-labelledby={`task-${t.id}-title`}>
      <h3 id={`task-${t.id}-title`}>
        {props.number}. {t.title}{" "}
        <span class={"exam-task-score " + (full ? "passed" : "failed")}>
          {t.score} / {t.weight}
        </span>
      </h3>
      <ul class="exam-checks">
        {t.checks.map((c, j) => (
          <CheckItem key={j} check={c} onShowRoute={() => c.trace && props.onShowRoute(c.trace, `${t.id}-${j}`)} />
        ))}
      </ul>
      <details class="exam-solution" open={!full}>
        <summary>Reference solution</summary>
        <pre>
          <code>{t.solution.join("\n")}</code>
        </pre>
        <p>{t.why}</p>
      </details>
    </section>
  );
}

function CheckItem(props: { check: CheckReport; onShowRoute(): void }) {
  const c = props.check;
  return (
    <li class={c.passed ? "passed" : "failed"}>
      <span class="mark" aria-hidden="true">
        {c.passed ? "✓" : "✗"}
      </span>
      <span>
        <span class="visually-hidden">{c.passed ? "Passed: " : "Failed: "}</span>
        {c.name}
        {!c.passed && (
          <dl class="exam-found">
            <dt>Expected</dt>
            <dd>{c.expected}</dd>
            <dt>Found</dt>
            <dd>{c.found}</dd>
          </dl>
        )}
        {!c.passed && c.trace && (
          <button type="button" class="exam-show-route" onClick={props.onShowRoute}>
            Show the route on the map
          </button>
        )}
      </span>
    </li>
  );
}

function ReportActions(props: { id: string; state: FinishedExam; onRetake?(session: { id: string; key: string }): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  const link = absolute(examPath(props.id));
  const retake = async () => {
    setBusy(true);
    setError(null);
    try {
      const created = await createSession({ exam: props.state.examId, durationMinutes: props.state.durationMinutes });
      storage.setEditKey(created.id, created.editKey);
      if (props.onRetake) props.onRetake({ id: created.id, key: created.editKey });
      else location.assign(examPath(created.id, created.editKey));
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <div class="exam-report-actions">
      <button type="button" class="primary" disabled={busy} onClick={retake}>
        {busy ? "Starting…" : "Retake with a new seed"}
      </button>{" "}
      <button type="button" onClick={async () => setCopied(await copyText(link))}>
        Copy the report link
      </button>
      {copied !== null && (
        <p role="status" class="exam-link">
          {copied ? "Copied: " : "Copy this link: "}
          <a href={link}>{link}</a> (read-only)
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
