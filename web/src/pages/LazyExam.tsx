// The exam view and its report, fetched only when an exam is opened (at /exam/<id> or in an embed).
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { ExamPageProps } from "../exam/ExamPage.tsx";

export function LazyExam(props: ExamPageProps) {
  const [Exam, setExam] = useState<ComponentType<ExamPageProps> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    import("../exam/ExamPage.tsx").then(
      (module) => setExam(() => module.ExamPage),
      (e) => setError((e as Error).message),
    );
  }, []);
  if (error) return <p class="starting" role="alert">Could not load the exam: {error}</p>;
  if (!Exam) return <p class="starting" aria-busy="true">Loading the exam…</p>;
  return <Exam {...props} />;
}
