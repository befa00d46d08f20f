// Light or dark: the system's choice unless the visitor (or an embed's `theme=`) picked one.
import { storage } from "./storage.ts";

export type Theme = "light" | "dark";

export function applyTheme(theme: Theme | null): void {
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}

export function currentTheme(): Theme {
  const chosen = document.documentElement.dataset.theme;
  if (chosen === "light" || chosen === "dark") return chosen;
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export function toggleTheme(): Theme {
  const next: Theme = currentTheme() === "dark" ? "light" : "dark";
  applyTheme(next);
  storage.setTheme(next);
  return next;
}

export function initTheme(override?: string | null): void {
  if (override === "light" || override === "dark") applyTheme(override);
  else applyTheme(storage.theme());
}
