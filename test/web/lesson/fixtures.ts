// A small lesson and its progress at a chosen step, for the page's lesson tests.
import type { Lesson, LessonProgress, StepStatus } from "../../../web/src/api/types.ts";
import type { LessonModel } from "../../../web/src/lesson/lesson-state.ts";

export const lesson: Lesson = {
  id: "tiny",
  title: "A tiny lesson",
  summary: "Run a pod, then expose it.",
  steps: [
    { id: "run", title: "Run a pod", text: "Run it:\n\n```sh\nkubectl run nginx --image=nginx\n```", hints: ["Wait for `Running`.", "Then run `kubectl get pods` again."], check: { object: { kind: "Pod", name: "nginx", ready: true } } },
    { id: "expose", title: "Expose it", text: "```sh\nkubectl expose pod nginx --port 80 --type NodePort\n```", check: { endpoints: { service: "nginx" } } },
    { id: "curl", title: "Call it", text: "Use `curl`.", check: { request: { to: { kind: "nodePort" }, status: 200 } } },
  ],
  solution: [],
};

export function progress(currentStep: number): LessonProgress {
  return { lessonId: lesson.id, currentStep, completed: lesson.steps.slice(0, currentStep).map((s) => s.id), remembered: {}, requests: {} };
}

export const notYet = (stepId: string, explanation: string): StepStatus => ({ stepId, passed: false, explanation });

export function model(currentStep: number, extra: Partial<LessonModel> = {}): LessonModel {
  const step = lesson.steps[currentStep];
  return {
    lesson,
    progress: progress(currentStep),
    status: step ? notYet(step.id, `not ${step.id} yet`) : null,
    checked: false,
    justCompleted: [],
    seq: 0,
    ...extra,
  };
}
