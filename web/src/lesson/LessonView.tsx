// The lesson beside the console: title, the steps with where the learner is, the current step's
// text with runnable commands, hints on request, the check's verdict after each command, and the
// learner's own moves: Check again, Skip and Back.
import { renderMarkdown } from "../../../worker/sim/lessons/markdown.ts";
import { fittingHints } from "../../../worker/sim/lessons/hints.ts";
import { isComplete, type LessonModel } from "./lesson-state.ts";
import { StepText } from "./StepText.tsx";

export interface LessonViewProps {
  model: LessonModel;
  /** How many of the current step's hints are open. */
  hintsShown: number;
  onShowHint(): void;
  /** Types a command into the console; absent when the visitor cannot type (a watcher). */
  onRun?(command: string): void;
  /** Asks the session to check, skip or go back; absent when the visitor cannot (a watcher). */
  onMove?(action: LessonAction): void;
  /** A move is on its way: its buttons wait. */
  moving?: boolean;
  /** Why the last move failed, if it did. */
  moveError?: string;
}

export type LessonAction = "check" | "skip" | "back";

export type StepState = "done" | "skipped" | "current" | "upcoming";

export function stepState(model: Pick<LessonModel, "progress">, index: number, id: string): StepState {
  if (index === model.progress.currentStep) return "current";
  if (model.progress.completed.includes(id)) return "done";
  if (model.progress.skipped?.includes(id)) return "skipped";
  return index < model.progress.currentStep ? "done" : "upcoming";
}

const MARK: Record<StepState, string> = { done: "✓", skipped: "↷", current: "●", upcoming: "" };

export function LessonView({ model, hintsShown, onShowHint, onRun, onMove, moving, moveError }: LessonViewProps) {
  const { lesson, progress } = model;
  const complete = isComplete(model);
  const step = complete ? undefined : lesson.steps[progress.currentStep];
  const hints = step?.hints ?? [];
  const done = lesson.steps.filter((s, i) => stepState(model, i, s.id) === "done").length;
  return (
    <aside class="lesson" aria-label={`Lesson: ${lesson.title}`} data-lesson={lesson.id} data-step={step?.id ?? ""}>
      <header class="lesson-head">
        <p class="lesson-kicker">
          Lesson · {complete ? "complete" : `step ${progress.currentStep + 1} of ${lesson.steps.length}`}
        </p>
        <h2>{lesson.title}</h2>
        <p class="lesson-summary">{lesson.summary}</p>
        <div class="lesson-meter" role="progressbar" aria-label="Steps done" aria-valuemin={0} aria-valuemax={lesson.steps.length} aria-valuenow={done}>
          <span style={{ width: `${(100 * done) / Math.max(1, lesson.steps.length)}%` }} />
        </div>
      </header>
      <ol class="lesson-steps">
        {lesson.steps.map((s, i) => {
          const state = stepState(model, i, s.id);
          return (
            <li key={s.id} class={state} data-step={s.id} aria-current={state === "current" ? "step" : undefined}>
              <span class="mark" aria-hidden="true">
                {MARK[state] || String(i + 1)}
              </span>
              <span class="step-title">{s.title}</span>
              <span class="visually-hidden"> ({state})</span>
            </li>
          );
        })}
      </ol>
      {model.justCompleted.length > 0 && (
        <p class="lesson-done-note" role="status">
          ✓ Done: {model.justCompleted.map((id) => lesson.steps.find((s) => s.id === id)?.title ?? id).join(", ")}
        </p>
      )}
      {step ? (
        <section class="lesson-step" aria-labelledby="lesson-step-title">
          <h3 id="lesson-step-title">
            <span class="step-number">{progress.currentStep + 1}.</span> {step.title}
          </h3>
          <StepText blocks={renderMarkdown(step.text)} onRun={onRun} />
          {hints.length > 0 && (
            <div class="hints">
              {hints.slice(0, hintsShown).map((hint, i) => (
                <div class="hint-box" key={i}>
                  <span class="hint-label">Hint{hints.length > 1 ? ` ${i + 1}` : ""}:</span>
                  <StepText blocks={renderMarkdown(hint)} onRun={onRun} />
                </div>
              ))}
              {hintsShown < hints.length && (
                <button type="button" class="show-hint" onClick={onShowHint}>
                  {hintsShown === 0 ? "Show hint" : "Show another hint"}
                </button>
              )}
            </div>
          )}
          <div class="lesson-footer">
            <CheckStatus model={model} />
            {model.checked && model.status?.stepId === step.id && <FittingHints hints={fittingHints(step, model.status)} onRun={onRun} />}
            {onMove && <LessonControls model={model} onMove={onMove} moving={moving} error={moveError} />}
          </div>
        </section>
      ) : (
        <section class="lesson-complete" role="status">
          <h3>🎉 Lesson complete</h3>
          <p>
            {skippedCount(model) > 0
              ? `You reached the end of “${lesson.title}”, ${skippedCount(model)} of its ${lesson.steps.length} steps skipped: Back returns to them.`
              : `You finished all ${lesson.steps.length} steps of “${lesson.title}”.`}{" "}
            The cluster is still yours: keep experimenting in the console.
          </p>
          {onMove && <LessonControls model={model} onMove={onMove} moving={moving} error={moveError} />}
        </section>
      )}
    </aside>
  );
}

/** The hint for the mistake the verdict names (a wrong targetPort gets the targetPort hint). */
function FittingHints({ hints, onRun }: { hints: string[]; onRun?(command: string): void }) {
  if (hints.length === 0) return null;
  return (
    <div class="fitting-hints">
      {hints.map((hint, i) => (
        <div class="hint-box" key={i}>
          <span class="hint-label">Hint for this mistake:</span>
          <StepText blocks={renderMarkdown(hint)} onRun={onRun} />
        </div>
      ))}
    </div>
  );
}

function skippedCount(model: LessonModel): number {
  return model.progress.skipped?.length ?? 0;
}

/** Check again, Skip and Back: plain buttons in the tab order, named by what they do. */
function LessonControls({ model, onMove, moving, error }: { model: LessonModel; onMove(action: LessonAction): void; moving?: boolean; error?: string }) {
  const { progress, lesson } = model;
  const complete = isComplete(model);
  const previous = Math.min(progress.currentStep, lesson.steps.length) - 1;
  return (
    <div class="lesson-controls" role="group" aria-label="Lesson controls">
      {previous >= 0 && (
        <button key="back" type="button" class="lesson-move" disabled={moving} onClick={() => onMove("back")}>
          <span aria-hidden="true">← </span>Back to step {previous + 1}
        </button>
      )}
      {!complete && (
        <button key="check" type="button" class="lesson-move" disabled={moving} onClick={() => onMove("check")}>
          Check again
        </button>
      )}
      {!complete && (
        <button key="skip" type="button" class="lesson-move" disabled={moving} onClick={() => onMove("skip")}>
          Skip this step<span aria-hidden="true"> →</span>
        </button>
      )}
      {error && (
        <p class="lesson-move-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function CheckStatus({ model }: { model: LessonModel }) {
  const status = model.status;
  // Done before the step began (a request made earlier counts): said at once, not after an attempt.
  if (!model.checked && status?.passed && status.stepId === model.lesson.steps[model.progress.currentStep]?.id) {
    return (
      <p class="lesson-check passed" role="status" aria-live="polite">
        <strong>✓ Already done:</strong> you did this earlier; your next command (or Check again) moves on.
      </p>
    );
  }
  if (!model.checked || !status) {
    return (
      <p class="lesson-check waiting" role="status" aria-live="polite">
        The step is checked against the cluster after each command.
      </p>
    );
  }
  return (
    <p class={"lesson-check " + (status.passed ? "passed" : "not-yet")} role="status" aria-live="polite">
      <strong>{status.passed ? "✓ Passed:" : "Not yet:"}</strong> {status.explanation}
    </p>
  );
}
