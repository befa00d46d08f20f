// The lesson view with what only the page remembers: which hints the learner opened, and whether
// a move (Check again, Skip, Back) is on its way or failed.
import { useEffect, useState } from "preact/hooks";
import type { LessonModel } from "./lesson-state.ts";
import { type LessonAction, LessonView } from "./LessonView.tsx";

export function LessonPanel(props: { model: LessonModel; onRun?(command: string): void; onMove?(action: LessonAction): Promise<void> }) {
  const stepId = props.model.lesson.steps[props.model.progress.currentStep]?.id ?? "";
  const [hints, setHints] = useState({ stepId, shown: 0 });
  // Hints belong to a step: the next step starts with its own closed.
  useEffect(() => {
    if (hints.stepId !== stepId) setHints({ stepId, shown: 0 });
  }, [stepId]);
  const shown = hints.stepId === stepId ? hints.shown : 0;
  const [moving, setMoving] = useState(false);
  const [moveError, setMoveError] = useState<string | undefined>(undefined);
  const move = props.onMove
    ? (action: LessonAction) => {
        setMoving(true);
        setMoveError(undefined);
        props.onMove!(action).then(
          () => setMoving(false),
          (error: unknown) => {
            setMoving(false);
            setMoveError(error instanceof Error ? error.message : String(error));
          },
        );
      }
    : undefined;
  return (
    <LessonView
      model={props.model}
      hintsShown={shown}
      onShowHint={() => setHints({ stepId, shown: shown + 1 })}
      onRun={props.onRun}
      onMove={move}
      moving={moving}
      moveError={moveError}
    />
  );
}
