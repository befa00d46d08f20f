// vi, vim and nano. A full-screen editor cannot run inside one request: the program opens an
// "editor request" (what to edit, its text, which editor) and the line stops there. The session
// keeps it pending; the browser console edits the text and sends it back, and `finishEdit`
// (engine.ts) ends the command: the file is written, or kubectl edit applies the object.

import type { Errno } from "../files/file-system.ts";
import { errnoText, programFiles } from "./fs-context.ts";
import type { ProgramContext } from "./types.ts";

export type { EditorName, EditorOpen, EditorReply, EditorRequest, EditTarget, PendingEdit } from "./editor-types.ts";
export { EDITORS } from "./editor-types.ts";
import { EDITORS, type EditorName, type EditorOpen } from "./editor-types.ts";

/** What a program prints when there is no browser to edit in (`npm run sim`, `kubectl exec` without -t). */
export function noEditorText(editor: string): string {
  return `${editor}: this editor needs the browser console; here, write files with a heredoc (cat > FILE <<'EOF' ... EOF) or sed -i\n`;
}

/** The editor KUBE_EDITOR or EDITOR names (kubectl reads them in that order), vi when neither is set. */
export function chosenEditor(env: (name: string) => string | undefined): { ok: true; editor: EditorName } | { ok: false; name: string } {
  const value = (env("KUBE_EDITOR") || env("EDITOR") || "vi").trim();
  // kubectl runs the value through a shell: `vim -u NONE` still starts vim.
  const program = value.split(/\s+/)[0];
  const base = program.slice(program.lastIndexOf("/") + 1) as EditorName;
  return EDITORS.includes(base) ? { ok: true, editor: base } : { ok: false, name: program };
}

/** vi, vim, nano [options] [FILE]. */
export function editorProgram(ctx: ProgramContext): number {
  const name = ctx.argv[0].slice(ctx.argv[0].lastIndexOf("/") + 1) as EditorName;
  if (!ctx.openEditor) {
    ctx.err(noEditorText(name));
    return 1;
  }
  // `+N` (start line) and options change nothing here; the first other word is the file.
  const file = ctx.argv.slice(1).find((a) => !a.startsWith("-") && !a.startsWith("+"));
  const files = programFiles(ctx);
  if (file === undefined || !files) {
    ctx.openEditor({ editor: name, title: name === "nano" ? "New Buffer" : "[No Name]", content: "", target: { kind: "file" } });
    return 0;
  }
  const path = files.resolve(file);
  const read = files.fs.read(path);
  let content = "";
  let message: string | undefined;
  if (read.ok) content = read.value;
  else message = openMessage(name, file, read.errno);
  ctx.openEditor({ editor: name, title: file, content, target: { kind: "file", path }, ...(message ? { message } : {}) });
  return 0;
}

/** What vim's status line or nano's message bar says on opening a file it could not read. */
function openMessage(editor: EditorName, file: string, errno: Errno): string {
  if (editor === "nano") {
    if (errno === "ENOENT") return "[ New File ]";
    if (errno === "EISDIR") return `[ "${file}" is a directory ]`;
    return `[ Error reading ${file}: ${errnoText(errno)} ]`;
  }
  if (errno === "ENOENT") return `"${file}" [New]`;
  if (errno === "EISDIR") return `"${file}" is a directory`;
  if (errno === "EACCES") return `"${file}" [Permission Denied]`;
  return `"${file}" ${errnoText(errno)}`;
}

/** What the editor says when saving failed; it stays open with the text, as vim and nano do. */
export function writeFailedMessage(editor: EditorName, file: string, errno: Errno): string {
  if (editor === "nano") return `[ Error writing ${file}: ${errnoText(errno)} ]`;
  if (errno === "ENOSPC") return "E514: Write error (file system full?)";
  if (errno === "EISDIR") return `E502: "${file}" is a directory`;
  return `"${file}" E212: Can't open file for writing`;
}

/** vim's and nano's answer to saving a buffer that has no file name. */
export function noFileNameMessage(editor: EditorName): string {
  return editor === "nano" ? "[ No file name: start nano with one (nano FILE) ]" : "E32: No file name";
}
