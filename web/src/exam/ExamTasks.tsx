// The exam's tasks beside the console: the list with weights and flags for review (kept in this
// browser), and the chosen task's text with a copy button on each name.
import { useState } from "preact/hooks";
import type { ExamView } from "../api/types.ts";
import { copyText } from "../lib/clipboard.ts";
import { storage } from "../lib/storage.ts";
import { taskParagraphs } from "./task-text.ts";

export function ExamTasks(props: { sessionId: string; exam: ExamView }) {
  const tasks = props.exam.tasks;
  const [current, setCurrent] = useState(0);
  const [flags, setFlags] = useState(() => new Set(storage.examFlags(props.sessionId)));
  const task = tasks[current];
  const flagged = flags.has(task.id);
  const toggleFlag = () => {
    const next = new Set(flags);
    if (flagged) next.delete(task.id);
    else next.add(task.id);
    setFlags(next);
    storage.setExamFlags(props.sessionId, [...next]);
  };
  return (
    <section class="lesson exam-tasks" aria-label="Exam tasks">
      <nav aria-label="Tasks">
        <ol class="exam-task-list">
          {tasks.map((t, i) => (
            <li key={t.id}>
              <button type="button" class="exam-task-item" aria-current={i === current ? "step" : undefined} onClick={() => setCurrent(i)}>
                <span class="exam-task-number">{i + 1}</span>
                <span class="exam-task-name">{t.title}</span>
                <span class="exam-task-weight">{t.weight}%</span>
                {flags.has(t.id) && (
                  <span class="exam-flag" title="Flagged for review">
                    ⚑<span class="visually-hidden"> flagged for review</span>
                  </span>
                )}
              </button>
            </li>
          ))}
        </ol>
      </nav>
      <article class="exam-task" aria-labelledby="exam-task-title">
        <h2 id="exam-task-title">
          Task {current + 1}: {task.title} <span class="exam-task-weight">({task.weight}%)</span>
        </h2>
        {task.context && (
          <p class="exam-context">
            Solve this task on context <CopyName text={task.context} />: <CopyName text={`kubectl config use-context ${task.context}`} />
          </p>
        )}
        {taskParagraphs(task.text).map((paragraph, i) => (
          <p key={i}>{paragraph.map((part, j) => (part.kind === "name" ? <CopyName key={j} text={part.text} /> : part.text))}</p>
        ))}
        <p class="exam-task-actions">
          {/* A toggle keeps its name; aria-pressed says whether it is on. */}
          <button type="button" class={flagged ? "exam-flag-on" : undefined} aria-pressed={flagged} onClick={toggleFlag}>
            <span aria-hidden="true">{flagged ? "⚑ " : ""}</span>Flag for review
          </button>{" "}
          <button type="button" disabled={current === 0} onClick={() => setCurrent(current - 1)}>
            Previous task
          </button>{" "}
          <button type="button" disabled={current === tasks.length - 1} onClick={() => setCurrent(current + 1)}>
            Next task
          </button>
        </p>
      </article>
    </section>
  );
}

/** A name from the task's text: shown as code, copied on a click as the exam's interface does. */
export function CopyName(props: { text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <span class="copy-name">
      <code>{props.text}</code>
      <button
        type="button"
        class="copy-button"
        aria-label={`Copy ${props.text}`}
        title={copied ? "Copied" : "Copy"}
        onClick={async () => {
          setCopied(await copyText(props.text));
          setTimeout(() => setCopied(false), 1500);
        }}
      >
        {copied ? (
          "✓"
        ) : (
          // Two sheets, one over the other: the usual copy sign, drawn (not every font has ⧉).
          <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <rect x="5" y="5" width="9" height="9" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.6" />
            <path d="M3 11V3.5C3 2.7 3.7 2 4.5 2H11" fill="none" stroke="currentColor" stroke-width="1.6" />
          </svg>
        )}
      </button>
    </span>
  );
}
