// The terminal: transcript, prompt and input line. Keys behave as in bash with readline: Enter,
// Up/Down history, Tab completion, Ctrl+C, Ctrl+L; multi-line pastes run command by command.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { splitCommands } from "../../../worker/sim/shell/tokenizer.ts";
import type { ClusterView, PasteHint, RouteTrace, TranscriptEntry } from "../api/types.ts";
import { copyText } from "../lib/clipboard.ts";
import { storage } from "../lib/storage.ts";
import { complete } from "./completion.ts";
import { commandLines, needsMoreInput, pastedCommands, recalledLines } from "./input-lines.ts";
import { linkify, openable, type Segment } from "./links.ts";
import { nextStep } from "./next-step.ts";
import { announcement } from "./announcement.ts";
import { verdictText } from "../map/TracePanel.tsx";

export interface ConsoleProps {
  /** Per-session history key; undefined for a snapshot (history starts when it forks). */
  historyKey?: string;
  /** The session's history (what `history` lists), when the server keeps it: Up and Down walk it. */
  history?: string[];
  entries: TranscriptEntry[];
  prompt: string;
  view?: ClusterView;
  readOnly: boolean;
  /** Runs one command; resolves when its result is in `entries`. */
  onRun(command: string): Promise<void>;
  /** Ctrl+C while the last command still runs in the foreground (kubectl port-forward): the session stops it. */
  onInterrupt?(): Promise<void>;
  /** Where a NodePort address opens in a browser tab. */
  proxyHref?(host: string, port: number, path: string): string;
  onShowRoute?(trace: RouteTrace, entry: TranscriptEntry): void;
  /** Commands to type in from outside (an embedding page's "run" button); consumed in order. */
  inject?: { id: number; command: string };
  compact?: boolean;
  /** An editor has the terminal's place (vi, kubectl edit); the console keeps its state meanwhile. */
  hidden?: boolean;
  /** Suggest the lecture's next step under the prompt in the first commands (not in a lesson, which has its own). */
  suggest?: boolean;
}

/** Lines only this terminal shows (not part of the session): ^C, completion lists, errors. */
interface LocalLine {
  id: number;
  afterSeq: number;
  prompt?: string;
  command?: string;
  text: string;
}

let localIds = 0;

export function Console(props: ConsoleProps) {
  const { entries, prompt, view, readOnly } = props;
  const [value, setValue] = useState("");
  const [continued, setContinued] = useState<string[]>([]);
  const [running, setRunning] = useState<string | null>(null);
  const [local, setLocal] = useState<LocalLine[]>([]);
  const [clearedAt, setClearedAt] = useState(-1);
  const queue = useRef<string[]>([]);
  const historyRef = useRef<{ list: string[]; index: number; draft: string }>({ list: [], index: 0, draft: "" });
  const lastKeyWasTab = useRef(false);
  const lastKeyWasEscape = useRef(false);
  const input = useRef<HTMLInputElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const lastSeq = entries.length ? entries[entries.length - 1].seq : 0;
  const targets = useMemo(() => openable(view), [view]);

  // History is kept per session; a session opened elsewhere starts from its transcript. A layout
  // effect, so that it is in place before the input can first take a key (a plain effect runs
  // after paint, and an Up pressed in between found no history).
  useLayoutEffect(() => {
    if (props.history) {
      historyRef.current = { list: props.history, index: props.history.length, draft: "" };
      return;
    }
    const stored = props.historyKey ? storage.history(props.historyKey) : [];
    const list = stored.length ? stored : entries.filter((e) => !e.setup && !e.resumed).map((e) => e.command);
    historyRef.current = { list, index: list.length, draft: "" };
    // Only when the session or its history changes: without the session's, entries are pushed as they are run.
  }, [props.historyKey, props.history]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [entries.length, local.length, running, continued.length, clearedAt]);

  // Back from the editor: the keyboard goes to the command line again.
  useEffect(() => {
    if (!props.hidden) requestAnimationFrame(() => input.current?.focus({ preventScroll: true }));
  }, [props.hidden]);

  const addLocal = (line: Omit<LocalLine, "id" | "afterSeq">) =>
    setLocal((lines) => [...lines, { ...line, id: ++localIds, afterSeq: lastSeqRef.current }]);
  const lastSeqRef = useRef(lastSeq);
  lastSeqRef.current = lastSeq;

  const remember = (command: string) => {
    // The session keeps its own history and sends it back with the command's result.
    if (props.history) return;
    const h = historyRef.current;
    if (command.trim() && h.list[h.list.length - 1] !== command) h.list.push(command);
    if (props.historyKey && command.trim()) storage.pushHistory(props.historyKey, command);
    h.index = h.list.length;
    h.draft = "";
  };

  const drain = async () => {
    while (queue.current.length) {
      const command = queue.current.shift()!;
      remember(command);
      if (/^\s*clear\s*$/.test(command)) {
        setClearedAt(lastSeqRef.current);
        setLocal([]);
        continue;
      }
      if (!command.trim()) {
        addLocal({ prompt, command, text: "" });
        continue;
      }
      setRunning(command);
      try {
        await props.onRun(command);
      } catch (error) {
        addLocal({ prompt, command, text: `${error instanceof Error ? error.message : String(error)}\n` });
        queue.current = [];
      }
      setRunning(null);
    }
    // Give the keyboard back to the terminal after each batch, as a shell does.
    requestAnimationFrame(() => input.current?.focus({ preventScroll: true }));
  };

  // A paste hint's corrected command goes on the input line, to be read (and edited) before Enter
  // runs it; the lines of a multi-line command go before it as `> ` continuation lines.
  const useCommand = (command: string) => {
    const lines = command.split("\n");
    const last = lines.pop()!;
    setContinued(lines);
    setValue(last);
    // At once, as Up does: the keyboard is on the command before the next key arrives.
    const el = input.current;
    if (!el) return;
    el.value = last;
    el.focus();
    el.setSelectionRange(last.length, last.length);
  };

  const submit = (commands: string[]) => {
    if (readOnly) return;
    const idle = queue.current.length === 0 && running === null;
    queue.current.push(...commands);
    if (idle) void drain();
  };

  // A course page's "run this" button, or a lesson's, types the command in; several lines run one
  // by one, as a paste does.
  useEffect(() => {
    if (!props.inject) return;
    const commands = splitCommands(props.inject.command.replace(/\r\n?/g, "\n"));
    if (commands.length) submit(commands);
  }, [props.inject?.id]);

  const onKeyDown = (event: KeyboardEvent) => {
    const el = event.currentTarget as HTMLInputElement;
    const wasTab = lastKeyWasTab.current;
    lastKeyWasTab.current = event.key === "Tab";
    // Escape, then Tab, leaves the console: Tab alone completes, and the keyboard must not be trapped.
    const wasEscape = lastKeyWasEscape.current;
    lastKeyWasEscape.current = event.key === "Escape";
    const h = historyRef.current;
    if (event.key === "Enter") {
      event.preventDefault();
      const text = [...continued, el.value].join("\n");
      if (needsMoreInput(text)) {
        setContinued([...continued, el.value]);
      } else {
        setContinued([]);
        submit([text]);
      }
      setValue("");
      el.value = "";
    } else if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      event.preventDefault();
      if (h.index === h.list.length) h.draft = [...continued, el.value].join("\n");
      h.index = Math.max(0, Math.min(h.list.length, h.index + (event.key === "ArrowUp" ? -1 : 1)));
      // A heredoc or a multi-line command comes back as it was typed, line by line.
      const { continued: before, line: next } = recalledLines(h.index === h.list.length ? h.draft : h.list[h.index]);
      setContinued(before);
      setValue(next);
      el.value = next;
      requestAnimationFrame(() => el.setSelectionRange(next.length, next.length));
    } else if (event.key === "Tab" && !event.shiftKey && !wasEscape) {
      event.preventDefault();
      const cursor = el.selectionStart ?? el.value.length;
      const result = complete(el.value, cursor, view);
      if (result.line !== el.value) {
        setValue(result.line);
        el.value = result.line;
        el.setSelectionRange(result.cursor, result.cursor);
      } else if (result.candidates.length > 1 && wasTab) {
        addLocal({ prompt, command: el.value, text: columns(result.candidates) });
      }
    } else if (event.ctrlKey && event.key.toLowerCase() === "c" && !window.getSelection()?.toString()) {
      event.preventDefault();
      // A command holding the terminal (kubectl port-forward) gets the interrupt; its entry shows the ^C.
      if (entries[entries.length - 1]?.running && props.onInterrupt && el.value === "") {
        void props.onInterrupt().catch((error: unknown) => addLocal({ text: error instanceof Error ? error.message : String(error) }));
        return;
      }
      addLocal({ prompt: continued.length ? "> " : prompt, command: el.value + "^C", text: "" });
      setContinued([]);
      setValue("");
      el.value = "";
    } else if (event.ctrlKey && event.key.toLowerCase() === "l") {
      event.preventDefault();
      setClearedAt(lastSeqRef.current);
      setLocal([]);
    } else if (event.ctrlKey && event.key.toLowerCase() === "u") {
      event.preventDefault();
      setValue("");
      el.value = "";
    }
  };

  const onPaste = (event: ClipboardEvent) => {
    const text = event.clipboardData?.getData("text/plain") ?? "";
    if (!text.includes("\n")) return;
    event.preventDefault();
    const el = event.currentTarget as HTMLInputElement;
    const start = el.selectionStart ?? el.value.length;
    const end = el.selectionEnd ?? start;
    const whole = [...continued, el.value.slice(0, start) + text + el.value.slice(end)].join("\n");
    const { run, continued: open, line: rest } = pastedCommands(whole);
    setContinued(open);
    setValue(rest);
    el.value = rest;
    if (run.length) submit(run);
  };

  const typedCount = entries.filter((e) => !e.setup).length;
  // While a command runs, the next step waits for its result.
  const step = props.suggest && !readOnly && running === null && !continued.length ? nextStep(view, entries) : null;
  const visible = entries.filter((e) => e.seq > clearedAt);
  // The setup's commands come first; folded, so that a lesson's preparation (the faults of a
  // debugging lesson) is there to look at but not given away.
  const prepared = visible.filter((e) => e.setup);
  const typed = visible.filter((e) => !e.setup);
  const entryView = (entry: TranscriptEntry, withLocal = true) => (
    <>
      <EntryView
        key={entry.seq}
        entry={entry}
        promptBefore={promptBefore(entries, entry)}
        targets={targets}
        proxyHref={props.proxyHref}
        onShowRoute={props.onShowRoute}
        onUseCommand={readOnly ? undefined : useCommand}
      />
      {withLocal &&
        localAfter(entry.seq).map((l) => (
          <LocalView key={"l" + l.id} line={l} />
        ))}
    </>
  );
  const localAfter = (seq: number) => local.filter((l) => l.afterSeq === seq);
  const firstLocal = local.filter((l) => !entries.some((e) => e.seq === l.afterSeq) && l.afterSeq <= lastSeq);

  return (
    <section class={"console" + (props.compact ? " compact" : "")} hidden={props.hidden} aria-label="Terminal" onClick={(e) => focusUnlessSelecting(e, input.current)}>
      <div class="console-scroll" ref={scroller}>
        {/* Not a live region: a curl's whole HTML page would be read aloud. The status line below says what happened. */}
        <div class="transcript">
          {firstLocal.map((l) => (
            <LocalView key={"l" + l.id} line={l} />
          ))}
          {prepared.length > 0 && (
            <details class="setup-entries">
              <summary>
                Prepared for you: {prepared.length === 1 ? "1 command" : `${prepared.length} commands`} ran before you started
              </summary>
              {prepared.map((e) => entryView(e, false))}
            </details>
          )}
          {/* What the learner did in this terminal before their first command (^C, Tab lists). */}
          {local.filter((l) => prepared.some((e) => e.seq === l.afterSeq)).map((l) => (
            <LocalView key={"l" + l.id} line={l} />
          ))}
          {typed.map((e) => entryView(e))}
          {typed.length > 0 && typed[typed.length - 1].editing && (
            <p class="editing-note">
              {readOnly ? "The student is editing" : "Editing"} {typed[typed.length - 1].editing!.title} in {typed[typed.length - 1].editing!.editor}…
            </p>
          )}
        </div>
        {step && (
          <p class="hint">
            {typedCount === 0 ? "try" : "next"} ({step.why}):{" "}
            <button type="button" class="hint-command" onClick={() => useCommand(step.command)}>
              {step.command}
            </button>
            {typedCount === 0 && <span class="hint-keys"> (Tab completes, ↑ recalls, help explains)</span>}
          </p>
        )}
        {continued.map((line, i) => (
          <div class="line" key={"c" + i}>
            <span class="prompt">{i === 0 ? prompt : "> "}</span>
            <span class="typed">{line}</span>
          </div>
        ))}
        {running !== null ? (
          <div class="line running" aria-busy="true">
            <span class="prompt">{prompt}</span>
            <span class="typed">{running}</span>
            <span class="cursor-busy" aria-hidden="true" />
          </div>
        ) : readOnly ? (
          <p class="readonly-note">Read-only: you are watching this session.</p>
        ) : (
          <label class="line input-line">
            <span class="prompt">{continued.length ? "> " : prompt}</span>
            <input
              ref={input}
              id="command"
              class="command-input"
              aria-label="Command"
              aria-describedby="console-keys"
              type="text"
              value={value}
              onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)}
              onKeyDown={onKeyDown}
              onPaste={onPaste}
              autocomplete="off"
              autocapitalize="off"
              spellcheck={false}
              enterkeyhint="send"
            />
          </label>
        )}
      </div>
      <p class="announce visually-hidden" role="status">
        {announcement(typed[typed.length - 1])}
      </p>
      <p id="console-keys" class="visually-hidden">
        Enter runs the command. Tab completes; press Escape and then Tab to leave the terminal. Up and Down recall earlier commands.
      </p>
    </section>
  );
}

/** The prompt the session starts at; entries before the first kept one are not known. */
const FIRST_PROMPT = "student@workstation:~$ ";

function promptBefore(entries: TranscriptEntry[], entry: TranscriptEntry): string {
  const i = entries.indexOf(entry);
  // The prompt shown before a command is the one the previous command left.
  return i > 0 ? entries[i - 1].prompt : FIRST_PROMPT;
}

function focusUnlessSelecting(event: MouseEvent, el: HTMLInputElement | null) {
  const target = event.target as HTMLElement;
  if (target.closest("a, button")) return;
  if (window.getSelection()?.toString()) return;
  el?.focus({ preventScroll: true });
}

function columns(words: string[]): string {
  const width = Math.max(...words.map((w) => w.length)) + 2;
  const perLine = Math.max(1, Math.floor(80 / width));
  let out = "";
  words.forEach((w, i) => {
    out += (i % perLine === perLine - 1 || i === words.length - 1) ? w + "\n" : w.padEnd(width);
  });
  return out;
}

function LocalView({ line }: { line: LocalLine }) {
  return (
    <div class="entry local">
      {line.command !== undefined && (
        <div class="line">
          <span class="prompt">{line.prompt}</span>
          <span class="typed">{line.command}</span>
        </div>
      )}
      {line.text && <pre class="output">{trimNewline(line.text)}</pre>}
    </div>
  );
}

function EntryView(props: {
  entry: TranscriptEntry;
  promptBefore: string;
  targets: Set<string>;
  proxyHref?: ConsoleProps["proxyHref"];
  onShowRoute?: ConsoleProps["onShowRoute"];
  onUseCommand?(command: string): void;
}) {
  const { entry } = props;
  const [copied, setCopied] = useState(false);
  const lines = commandLines(entry.command);
  const output = trimNewline(entry.output);
  const pre = useRef<HTMLPreElement>(null);
  const [wrapped, setWrapped] = useState(false);
  const wide = useOverflowsSideways(pre, output) && !wrapped;
  const trace = entry.traces[entry.traces.length - 1];
  // Beside the command, never over the output's text.
  const tools = output && (
    <span class="entry-tools">
      {trace && props.onShowRoute && (
        <button type="button" class="tool" onClick={() => props.onShowRoute!(trace, entry)}>
          route
        </button>
      )}
      {(wide || wrapped) && (
        <button type="button" class="tool" aria-pressed={wrapped} onClick={() => setWrapped(!wrapped)} title="Wrap the output's long lines">
          wrap
        </button>
      )}
      <button
        type="button"
        class="tool"
        aria-label="Copy output"
        onClick={async () => {
          setCopied(await copyText(entry.output));
          setTimeout(() => setCopied(false), 1500);
        }}
      >
        {copied ? "copied" : "copy"}
      </button>
    </span>
  );
  const shownLines = entry.resumed ? [] : lines;
  return (
    <div class="entry" data-seq={entry.seq} data-exit-code={entry.exitCode}>
      {/* The rest of a command that waited on the editor: its line is already shown above. */}
      {shownLines.map((line, i) => (
        <div class="line" key={i}>
          <span class="prompt">{i === 0 ? props.promptBefore : "> "}</span>
          <span class="typed">
            {i === 0 && tools}
            <Linked segments={linkify(line, props.targets)} proxyHref={props.proxyHref} />
          </span>
        </div>
      ))}
      {output && (
        <div class="output-wrap">
          {shownLines.length === 0 && tools}
          {/* A table wider than the terminal scrolls sideways, with a visible edge and a "wrap" button;
              focusable then, so arrow keys can scroll it. */}
          <pre class={"output" + (wide ? " wide" : "") + (wrapped ? " wrapped" : "")} ref={pre} tabIndex={wide ? 0 : undefined}>
            <Linked segments={linkify(output, props.targets)} proxyHref={props.proxyHref} />
          </pre>
        </div>
      )}
      {/* On a phone the route panel is far below: the request's route in one line under its output. */}
      {trace && (
        <p class="route-compact" data-verdict={trace.verdict}>
          <span class="route-compact-label">route:</span> {trace.hops.map((h) => h.label).join(" → ")}{" "}
          <span class={"verdict " + trace.verdict}>{verdictText(trace)}</span>
        </p>
      )}
      {entry.hint && <PasteHintView hint={entry.hint} onUse={props.onUseCommand} />}
      {entry.notes?.map((note, i) => (
        <p class="paste-hint paste-hint-message" key={`note-${i}`}>
          <span class="paste-hint-label">hint:</span> {note}
        </p>
      ))}
    </div>
  );
}

/** Whether the element's content is wider than the element (a table on a phone), kept up to date as it resizes. */
function useOverflowsSideways(ref: { current: HTMLElement | null }, content: string): boolean {
  const [wide, setWide] = useState(false);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const check = () => setWide(el.scrollWidth > el.clientWidth);
    check();
    const observer = new ResizeObserver(check);
    observer.observe(el);
    return () => observer.disconnect();
  }, [content]);
  return wide;
}

/**
 * What the playground adds after a command pasted from a document: not program output (it is not
 * in `output`, and looks different), the characters found and the command as meant.
 */
function PasteHintView({ hint, onUse }: { hint: PasteHint; onUse?(command: string): void }) {
  return (
    <div class="paste-hint">
      <p class="paste-hint-message">
        <span class="paste-hint-label">hint:</span> <Ticked text={hint.message} />
      </p>
      <p class="paste-hint-meant">
        <span class="paste-hint-label">meant:</span> <code class="paste-hint-command"><Words text={hint.corrected} /></code>
      </p>
      {onUse && (
        <button type="button" class="paste-hint-use" onClick={() => onUse(hint.corrected)}>
          Use the corrected command
        </button>
      )}
    </div>
  );
}

/**
 * A command that wraps between its words only: a line broken after the first `-` of `--type`
 * would show a learner, in a hint about dashes, the `- -type` they must not type.
 */
function Words({ text }: { text: string }) {
  return <>{text.split(/(\s+)/).map((part, i) => (i % 2 || !part ? part : <span key={i} class="word">{part}</span>))}</>;
}

/** `code` in a hint's sentence, as the plain-text hint writes it, shown as code. */
function Ticked({ text }: { text: string }) {
  return <>{text.split("`").map((part, i) => (i % 2 ? <code key={i}>{part}</code> : part))}</>;
}

function Linked({ segments, proxyHref }: { segments: Segment[]; proxyHref?: ConsoleProps["proxyHref"] }) {
  return (
    <>
      {segments.map((s, i) =>
        "host" in s && proxyHref ? (
          <a key={i} href={proxyHref(s.host, s.port, s.path)} target="_blank" rel="noopener noreferrer" title="Open through the cluster">
            {s.text}
          </a>
        ) : (
          s.text
        ),
      )}
    </>
  );
}

function trimNewline(text: string): string {
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}
