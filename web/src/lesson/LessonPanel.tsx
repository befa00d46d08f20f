// The lesson view with what only the page remembers: which hints the learner opened.
import { useEffect, useState } from "preact/hooks";
import type { LessonModel } from "./lesson-state.ts";
import { LessonView } from "./LessonView.tsx";

export function LessonPanel(props: { model: LessonModel; onRun?(command: string): void }) {
  const stepId = props.model.lesson.steps[props.model.progress.currentStep]?.id ?? "";
  const [hints, setHints] = useState({ stepId, shown: 0 });
  // Hints belong to a step: the next step starts with its own closed.
  useEffect(() => {
    if (hints.stepId !== stepId) setHints({ stepId, shown: 0 });
  }, [stepId]);
  const shown = hints.stepId === stepId ? hints.shown : 0;
  return <LessonView model={props.model} hintsShown={shown} onShowHint={() => setHints({ stepId, shown: shown + 1 })} onRun={props.onRun} />;
}
