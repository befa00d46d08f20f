// The lesson panel's components behind a .ts module: the Node test project reads the page through
// its declaration output, and TypeScript 7 does not map a direct `.tsx` import there (TS6305).
export { LessonView, stepState } from "./LessonView.tsx";
export { StepText } from "./StepText.tsx";
