// The editor that vi, vim, nano and kubectl edit open in the browser console. It takes the
// terminal's place, as a full-screen editor does. CodeMirror loads on first use (codemirror.ts),
// so the page's first load does not carry it. Nothing reaches the session until the editor is
// left: then the written text (or a cancel) goes back and the command ends.
import { useEffect, useRef, useState } from "preact/hooks";
import type { EditorRequest } from "../api/types.ts";
import type { MountedEditor } from "./codemirror.ts";

export type EditorAnswer = { content: string } | { cancel: true };

export interface EditorPanelProps {
  request: EditorRequest;
  /** Sends the answer; resolves when the session has it (the panel then closes or reopens). */
  onAnswer(answer: EditorAnswer): Promise<void>;
}

const HELP: Record<"vi" | "nano", string> = {
  vi: "Esc, then :wq (or ZZ) saves and quits, :q! quits without saving, :w writes. i inserts.",
  nano: "^O Write Out   ^X Exit   ^S Save and exit",
};

export function EditorPanel({ request, onAnswer }: EditorPanelProps) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<MountedEditor | null>(null);
  /** The text as last written (`:w`, ^O); undefined when nothing was written yet. */
  const written = useRef<string | undefined>(undefined);
  const [status, setStatus] = useState(request.message ?? "");
  const [loading, setLoading] = useState(true);
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const keys = request.editor === "nano" ? "nano" : "vi";

  const answer = async (a: EditorAnswer) => {
    if (busy) return;
    setBusy(true);
    try {
      await onAnswer(a);
    } catch (error) {
      setStatus(error instanceof Error ? error.message : String(error));
      setBusy(false);
    }
  };
  const current = () => editor.current?.text() ?? request.content;
  const lines = (text: string) => text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  // What leaving sends: the written text, or nothing changed at all.
  const leave = () => answer(written.current === undefined ? { cancel: true } : { content: written.current });
  const handlers = {
    write: (text: string) => {
      written.current = text;
      setStatus(keys === "nano" ? `[ Wrote ${lines(text)} line${lines(text) === 1 ? "" : "s"} ]` : `"${request.title}" ${lines(text)}L, ${new TextEncoder().encode(text).length}B written`);
    },
    quit: (force: boolean) => {
      const modified = current() !== (written.current ?? request.content);
      if (!modified || force) return void leave();
      if (keys === "nano") {
        setAsking(true);
        setStatus("Save modified buffer?  Y Yes   N No   ^C Cancel");
      } else setStatus("E37: No write since last change (add ! to override)");
    },
    writeQuit: (text: string) => void answer({ content: text }),
  };
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;

  useEffect(() => {
    let gone = false;
    setLoading(true);
    written.current = undefined;
    setStatus(request.message ?? "");
    setBusy(false);
    import("./codemirror.ts").then(
      ({ mountEditor }) => {
        if (gone || !host.current) return;
        editor.current?.destroy();
        editor.current = mountEditor(host.current, {
          content: request.content,
          keys,
          handlers: {
            write: (t) => handlersRef.current.write(t),
            quit: (f) => handlersRef.current.quit(f),
            writeQuit: (t) => handlersRef.current.writeQuit(t),
          },
        });
        setLoading(false);
      },
      () => !gone && setStatus("The editor could not be loaded; check the connection and reload the page."),
    );
    return () => {
      gone = true;
      editor.current?.destroy();
      editor.current = null;
    };
  }, [request.token]);

  // nano's "Save modified buffer?" takes Y, N or ^C.
  const onKeyDownCapture = (event: KeyboardEvent) => {
    if (!asking) return;
    const key = event.key.toLowerCase();
    if (key === "y" || key === "n" || (event.ctrlKey && key === "c")) {
      event.preventDefault();
      event.stopPropagation();
      setAsking(false);
      if (key === "y") void answer({ content: current() });
      else if (key === "n") void leave();
      else setStatus("[ Cancelled ]");
    }
  };

  const name = request.editor === "nano" ? "GNU nano" : request.editor === "vim" ? "VIM" : "vi";
  return (
    <section class="editor-panel" aria-label={`Editor: ${request.title}`} onKeyDownCapture={onKeyDownCapture}>
      <header class="editor-bar">
        <span class="editor-title">
          <span class="editor-name">{name}</span> {request.title}
        </span>
        <span class="editor-actions">
          <button type="button" class="editor-save" disabled={busy || loading} onClick={() => void answer({ content: current() })}>
            Save
          </button>
          <button type="button" class="editor-cancel" disabled={busy} onClick={() => void leave()}>
            Cancel
          </button>
        </span>
      </header>
      {loading && <p class="editor-loading">Loading the editor…</p>}
      <div class="editor-host" ref={host} aria-busy={loading} />
      <p class="editor-status" role="status">
        {status}
      </p>
      <p class="editor-help">{HELP[keys]}</p>
    </section>
  );
}
