// What an open editor is, apart from the programs that open it (editor.ts), so the shell's own
// types can name it without importing the editor back.

export type EditorName = "vi" | "vim" | "nano";
export const EDITORS: readonly EditorName[] = ["vi", "vim", "nano"];

/** What the page needs to open its editor panel. */
export interface EditorRequest {
  /** Names this edit: a save or cancel must quote it. */
  token: string;
  editor: EditorName;
  /** What the editor's title shows: the file as typed, or kubectl's temporary file. */
  title: string;
  content: string;
  /** A status line the editor shows on opening (`"f.yaml" [New]`, a failed write). */
  message?: string;
}

/** What a pending edit writes to when it is saved. */
export type EditTarget =
  | { kind: "file"; /** Absolute; undefined: `vi` with no file name. */ path?: string }
  | {
      kind: "kubectl";
      namespace: string;
      /** The objects as `kubectl edit` fetched them: resource name (as `get` takes it), namespace, name. */
      objects: Array<{ resource: string; namespace?: string; name: string }>;
      /** The text the editor first showed, header included (kubectl compares without comments). */
      original: string;
      /** After an invalid edit: the text the learner saved, to notice a second save without changes. */
      failed?: string;
    };

export interface PendingEdit extends EditorRequest {
  target: EditTarget;
  /** The command line that opened the editor, for the transcript. */
  command?: string;
  /** The session cluster the edit belongs to (`kubectl --context X edit`), in a session with several. */
  cluster?: string;
}

/** What a program asks of the engine to open an editor; the engine adds the token. */
export type EditorOpen = Omit<PendingEdit, "token">;

/** The page's answer: the edited text, or the editor left without saving. */
export type EditorReply = { token: string; content: string } | { token: string; cancel: true };
