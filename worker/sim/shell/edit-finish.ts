// The end of a command that waited on the editor: write the saved file, or let kubectl edit
// apply the object. Called by the engine's finishEdit with a context whose openEditor reopens.

import { finishKubectlEdit } from "../kubectl/commands/edit.ts";
import { noFileNameMessage, writeFailedMessage, type EditorReply, type PendingEdit } from "./editor.ts";
import { programFiles } from "./fs-context.ts";
import type { ProgramContext } from "./types.ts";

export function finishEdit(ctx: ProgramContext, pending: PendingEdit, reply: EditorReply): number {
  if (pending.target.kind === "kubectl") return finishKubectlEdit(ctx, pending, pending.target, reply);
  // :q! or nano's "discard": the file stays as it was; both exit 0.
  if ("cancel" in reply) return 0;
  const reopen = (message: string) => ctx.openEditor!({ editor: pending.editor, title: pending.title, content: reply.content, target: pending.target, message });
  const path = pending.target.path;
  if (path === undefined) {
    reopen(noFileNameMessage(pending.editor));
    return 0;
  }
  const files = programFiles(ctx);
  if (!files) {
    // The machine is gone (its pod was deleted while the learner edited).
    reopen(writeFailedMessage(pending.editor, pending.title, "ENOENT"));
    return 0;
  }
  const written = files.fs.write(path, reply.content);
  if (!written.ok) reopen(writeFailedMessage(pending.editor, pending.title, written.errno));
  return 0;
}
