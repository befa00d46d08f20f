// The editor itself, loaded on first use (dynamic import from EditorPanel): CodeMirror 6 with YAML
// highlighting, and vim's keys (@replit/codemirror-vim) for vi and vim. The panel decides what
// saving and quitting mean; this module only turns keys into those requests.
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { yaml } from "@codemirror/lang-yaml";
import { defaultHighlightStyle, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { EditorState, Prec } from "@codemirror/state";
import { drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { Vim, vim } from "@replit/codemirror-vim";

export interface EditorHandlers {
  /** `:w`, nano's ^O: the text is written (kept by the panel), the editor stays open. */
  write(text: string): void;
  /** `:q`, nano's ^X: leave; `force` (`:q!`) leaves even with changes not written. */
  quit(force: boolean): void;
  /** `:wq`, `:x`, `ZZ`, Ctrl+S: write and leave. */
  writeQuit(text: string): void;
}

export interface MountedEditor {
  view: EditorView;
  text(): string;
  destroy(): void;
}

/** The ex commands are vim's globals: they act on the one editor that is open (one console, one editor). */
let active: EditorHandlers | undefined;
let exDefined = false;

function defineEx(): void {
  if (exDefined) return;
  exDefined = true;
  const text = (cm: { cm6?: EditorView }) => cm.cm6?.state.doc.toString() ?? "";
  const bang = (params: { argString?: string }) => (params.argString ?? "").trim().startsWith("!");
  Vim.defineEx("write", "w", (cm: { cm6?: EditorView }) => active?.write(text(cm)));
  Vim.defineEx("quit", "q", (_cm: unknown, params: { argString?: string }) => active?.quit(bang(params)));
  Vim.defineEx("wq", "wq", (cm: { cm6?: EditorView }) => active?.writeQuit(text(cm)));
  Vim.defineEx("xit", "x", (cm: { cm6?: EditorView }) => active?.writeQuit(text(cm)));
  Vim.map("ZZ", ":x\n", "normal");
  Vim.map("ZQ", ":q!\n", "normal");
}

export function mountEditor(parent: HTMLElement, options: { content: string; keys: "vi" | "nano"; handlers: EditorHandlers }): MountedEditor {
  active = options.handlers;
  const text = () => view.state.doc.toString();
  const common = [
    lineNumbers(),
    history(),
    drawSelection(),
    highlightActiveLine(),
    indentUnit.of("  "),
    EditorState.tabSize.of(2),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    yaml(),
    // Ctrl+S saves and leaves in either mode, as the panel's Save button does.
    Prec.highest(keymap.of([{ key: "Mod-s", preventDefault: true, run: () => (options.handlers.writeQuit(text()), true) }])),
    keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
    EditorView.contentAttributes.of({ "aria-label": "File text", autocapitalize: "off", autocorrect: "off", spellcheck: "false" }),
  ];
  let extensions;
  if (options.keys === "vi") {
    defineEx();
    // vim wraps long lines by default (`wrap`); nano scrolls sideways.
    extensions = [vim({ status: true }), EditorView.lineWrapping, ...common];
  } else {
    extensions = [
      Prec.highest(
        keymap.of([
          { key: "Ctrl-o", preventDefault: true, run: () => (options.handlers.write(text()), true) },
          { key: "Ctrl-x", preventDefault: true, run: () => (options.handlers.quit(false), true) },
        ]),
      ),
      ...common,
    ];
  }
  const view = new EditorView({ parent, state: EditorState.create({ doc: options.content, extensions }) });
  view.focus();
  return {
    view,
    text,
    destroy: () => {
      if (active === options.handlers) active = undefined;
      view.destroy();
    },
  };
}
