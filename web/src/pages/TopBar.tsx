// The strip above the playground: name, connection state, page-specific actions, theme switch.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { ExamPicker } from "../exam/ExamPicker.tsx";
import { LessonPicker } from "../lesson/LessonPicker.tsx";
import { ClassCreator } from "../share/ClassCreator.tsx";
import { currentTheme, toggleTheme } from "../lib/theme.ts";

export function TopBar(props: { connected?: boolean; children?: ComponentChildren }) {
  const [theme, setTheme] = useState(currentTheme);
  return (
    <header class="topbar">
      {/* The page's one top-level heading, for screen readers' heading navigation (axe: page-has-heading-one). */}
      <h1 class="brand-heading">
        <a class="brand" href="/" title="Start a new playground">
          <span class="logo" aria-hidden="true">⎈</span> <span class="brand-name">Kube Service Playground</span>
        </a>
      </h1>
      {props.connected !== undefined && (
        <span class={"conn " + (props.connected ? "on" : "off")} role="status">
          {props.connected ? "live" : "offline"}
        </span>
      )}
      <span class="spacer" />
      <LessonPicker />
      <ExamPicker />
      <ClassCreator />
      {props.children}
      <button
        type="button"
        class="theme-toggle"
        aria-label={`Switch to ${theme === "dark" ? "light" : "dark"} theme`}
        onClick={() => setTheme(toggleTheme())}
      >
        {theme === "dark" ? "☀" : "☾"}
      </button>
    </header>
  );
}
