// Runs a script through the engine and renders the transcript the terminal shows: the prompt and
// the command (heredoc lines included), its output, and `[exit N]` after a failing command.
// Used by `npm run sim` with piped input and by the golden tests, so both agree byte for byte.

import type { ClusterProfile } from "../cluster/profile.ts";
import { createSession, execute, foregroundJob, interrupt, type CreateSessionOptions, type SessionState } from "../engine.ts";
import type { PasteHint } from "../shell/paste-hints.ts";
import { splitCommands } from "../shell/tokenizer.ts";

export interface TranscriptOptions {
  seed: number;
  /** Simulated start time, ms since the epoch. */
  start: number;
  /** Simulated time that passes before each command (typing and reading time). */
  stepMs: number;
  /** The CNI and add-ons of the cluster (`--cni`, `--load-balancer`, `--ingress`). */
  profile?: ClusterProfile;
  /** Several clusters, a kubeconfig context each (`--clusters k8s-c1,k8s-c2`); absent: one. */
  clusters?: string[];
}

/** The new session a transcript starts from. */
export function sessionOptions(options: TranscriptOptions): CreateSessionOptions {
  return { seed: options.seed, now: options.start, profile: options.profile, ...(options.clusters ? { clusters: options.clusters.map((name) => ({ name })) } : {}) };
}

export const defaultTranscriptOptions: TranscriptOptions = {
  seed: 1,
  start: Date.UTC(2026, 0, 1),
  stepMs: 4000,
};

export function runScript(script: string, options: TranscriptOptions = defaultTranscriptOptions): { transcript: string; state: SessionState } {
  let state = createSession(sessionOptions(options));
  let now = options.start;
  let prompt = "student@workstation:~$ ";
  let transcript = "";
  for (const command of splitCommands(script)) {
    now += options.stepMs;
    // A line `^C` is Ctrl+C typed at the terminal: it stops a foreground job (kubectl port-forward),
    // which shows no prompt while it runs; at a prompt it only starts a new one.
    if (command.trim() === "^C") {
      const held = foregroundJob(state) !== undefined;
      const result = interrupt(state);
      state = result.state;
      transcript += held ? result.output : `${prompt}^C\n`;
      prompt = result.prompt;
      continue;
    }
    const result = execute(state, command, { now });
    state = result.state;
    transcript += renderStep(prompt, command, result.output, result.exitCode, result.hint, result.notes);
    prompt = result.prompt;
  }
  return { transcript, state };
}

export function renderStep(prompt: string, command: string, output: string, exitCode: number, hint?: PasteHint, notes?: readonly string[]): string {
  let text = `${prompt}${command}\n${output}`;
  if (output !== "" && !output.endsWith("\n")) text += "\n";
  if (exitCode !== 0) text += `[exit ${exitCode}]\n`;
  if (hint) text += renderHint(hint);
  if (notes) text += renderNotes(notes);
  return text;
}

/** The playground's notes (engine.ts CommandResult.notes), marked as not part of the output like a hint. */
export function renderNotes(notes: readonly string[]): string {
  return notes.map((note) => `hint: ${note}\n`).join("");
}

/** The hint as `npm run sim` prints it: after the output and its exit status, marked as not part of them. */
export function renderHint(hint: PasteHint): string {
  return `hint: ${hint.message}\nhint: meant: ${hint.corrected.replace(/\n/g, "\nhint:        ")}\n`;
}
