// kubectl edit (kubectl pkg/cmd/util/editor/editoptions.go): the objects as YAML under kubectl's
// comment header go to the editor KUBE_EDITOR or EDITOR names; the saved text is compared without
// comments, parsed, and each changed object is patched with the difference. An invalid edit
// reopens the editor with the reasons at the top, as kubectl does.

import { chosenEditor, type EditorReply, type EditTarget, type PendingEdit } from "../../shell/editor.ts";
import { programFiles } from "../../shell/fs-context.ts";
import type { ProgramContext } from "../../shell/types.ts";
import { exportedEnvironment } from "../../shell/variables.ts";
import type { KubeObject } from "../../cluster/types.ts";
import { clone, update } from "../api.ts";
import { readOne } from "../builder.ts";
import { outputFlag, type Command } from "../command.ts";
import { fail, type Kubectl } from "../context.ts";
import { parseManifests } from "../manifest.ts";
import { asServed, withoutManagedFields } from "../printers/output.ts";
import { toJson, toYaml } from "../printers/serialize.ts";
import { kindString, lookupResource, qualifiedResource, type ResourceType } from "../resources.ts";
import { mergePatch } from "./apply.ts";
import { targets } from "./modify.ts";
import { equalJson } from "../../same-json.ts";

type KubectlTarget = Extract<EditTarget, { kind: "kubectl" }>;

const HEADER =
  "# Please edit the object below. Lines beginning with a '#' will be ignored,\n" +
  "# and an empty file will abort the edit. If an error occurs while saving this file will be\n" +
  "# reopened with the relevant failures.\n#\n";

export const editCommand: Command = {
  name: "edit",
  short: "Edit a resource on the server",
  long: "Edit a resource from the default editor.\n\nThe edit command allows you to directly edit any API resource you can retrieve via the command-line tools. It will open the editor defined by your KUBE_EDITOR, or EDITOR environment variables, or fall back to 'vi'. In this playground the editor opens in the browser console's editor panel (vi, vim or nano keys).",
  usage: "edit (RESOURCE/NAME | -f FILENAME)",
  examples: `  # Edit the service named 'registry'
  kubectl edit svc/registry

  # Use an alternative editor
  KUBE_EDITOR="nano" kubectl edit svc/registry`,
  flags: [{ ...outputFlag, usage: "Output format. One of: (json, yaml)." }, { name: "show-managed-fields", type: "bool", usage: "If true, keep the managedFields when printing objects in JSON or YAML format." }],
  run: (k, flags) => {
    const output = flags.string("output");
    if (output !== "" && output !== "yaml" && output !== "json") return fail(k, `error: unable to match a printer suitable for the output format "${output}", allowed formats are: json,yaml`);
    const found = targets(k, flags, flags.args);
    if (typeof found === "number") return found;
    for (const e of found.errors) k.err(e);
    const objects = found.groups.flatMap((g) => g.objects.map((object) => ({ type: g.type, object })));
    if (objects.length === 0) return found.errors.length > 0 ? 1 : fail(k, "error: edit cancelled, no objects found");
    const env = new Map(exportedEnvironment(k.ctx.tx.state, k.ctx.shell, k.ctx.shell[k.ctx.shell.length - 1]));
    const chosen = chosenEditor((name) => env.get(name));
    if (!chosen.ok) {
      // kubectl runs a value with spaces through bash; a single word it executes itself.
      const value = (env.get("KUBE_EDITOR") || env.get("EDITOR") || "").trim();
      if (/\s/.test(value)) {
        k.err(`/bin/bash: line 1: ${chosen.name}: command not found\n`);
        return fail(k, `error: there was a problem with the editor "/bin/bash -c ${value}"`);
      }
      return fail(k, `error: unable to launch the editor "${value}"`);
    }
    if (!k.ctx.openEditor) return fail(k, `error: there was a problem with the editor "${chosen.editor}": ${chosen.editor}: this editor needs the browser console`);
    // managedFields stay out of the editor unless asked for; the live object keeps them (the patch is of what was edited).
    const served = objects.map(({ type, object }) => asServed(type, flags.bool("show-managed-fields") ? object : withoutManagedFields(object)));
    const document = served.length === 1 ? served[0] : { apiVersion: "v1", items: served, kind: "List", metadata: { resourceVersion: "" } };
    const content = HEADER + (output === "json" ? toJson(document) : toYaml(document));
    const title = `/tmp/kubectl-edit-${String(k.ctx.random.int(1e9)).padStart(9, "0")}.${output === "json" ? "json" : "yaml"}`;
    k.ctx.openEditor({
      editor: chosen.editor,
      title,
      content,
      target: {
        kind: "kubectl",
        namespace: k.namespace,
        objects: objects.map(({ type, object }) => ({ resource: qualifiedResource(type), ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}), name: object.metadata.name })),
        original: content,
      },
    });
    return 0;
  },
};

/** cmdutil.StripComments / ManualStrip: the text without its `#` comment lines. */
function stripComments(text: string): string {
  return text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("#"))
    .join("\n");
}

/** hasLines: any line that is neither blank nor a comment. */
function hasLines(text: string): boolean {
  return text.split("\n").some((line) => {
    const t = line.trim();
    return t.length > 0 && !t.startsWith("#");
  });
}

/** A reason at the top of the reopened file (editHeader.writeTo). */
interface Reason {
  head: string;
  other?: string[];
}

function headerWith(reasons: Reason[]): string {
  const hash = (s: string) => s.replace(/\n(?!#)/g, "\n# ");
  let text = HEADER;
  for (const r of reasons) {
    text += r.other && r.other.length > 0 ? `# ${hash(r.head)}:\n` : `# ${hash(r.head)}\n`;
    for (const o of r.other ?? []) text += `# * ${hash(o)}\n`;
    text += "#\n";
  }
  return text;
}

/** The end of kubectl edit, once the editor was saved or left. */
export function finishKubectlEdit(ctx: ProgramContext, pending: PendingEdit, target: KubectlTarget, reply: EditorReply): number {
  const k: Kubectl = { ctx, namespace: target.namespace, namespaceExplicit: false, path: "kubectl edit", out: (t) => ctx.out(t), err: (t) => ctx.err(t) };
  const edited = "cancel" in reply ? (target.failed ?? target.original) : reply.content;
  const reopen = (reasons: Reason[]) =>
    ctx.openEditor!({ editor: pending.editor, title: pending.title, content: headerWith(reasons) + stripComments(edited), target: { ...target, failed: edited } });
  // The learner saved the reopened file without changing it: kubectl gives up, keeping the file.
  if (target.failed !== undefined && stripComments(target.failed) === stripComments(edited)) {
    preserve(ctx, pending.title, edited);
    return fail(k, "error: Edit cancelled, no valid changes were saved.");
  }
  if (stripComments(target.original) === stripComments(edited)) {
    k.err("Edit cancelled, no changes made.\n");
    return 0;
  }
  if (!hasLines(edited)) {
    k.err("Edit cancelled, saved file was empty.\n");
    return 0;
  }
  // Comments stay in: a syntax error names its line in the file the learner sees.
  const parsed = parseManifests(edited, "edited-file");
  if (!parsed.ok) {
    reopen([{ head: `The edited file had a syntax error: ${parsed.error.replace(/^error: error parsing edited-file: /, "").trimEnd()}` }]);
    return 0;
  }
  const originalParse = parseManifests(stripComments(target.original), "original");
  const originals = originalParse.ok ? originalParse.manifests : [];
  const originalObjects = originals.flatMap((m) => (Array.isArray(m.object.items) ? (m.object.items as Record<string, unknown>[]) : [m.object]));
  const editedObjects = parsed.manifests.flatMap((m) => (m.object.kind === "List" && Array.isArray(m.object.items) ? (m.object.items as Record<string, unknown>[]) : [m.object]));
  const reasons: Reason[] = [];
  let code = 0;
  for (const object of editedObjects) {
    const meta = (object.metadata ?? {}) as Record<string, unknown>;
    const original = originalObjects.find((o) => ((o.metadata ?? {}) as Record<string, unknown>).uid === meta.uid) ?? originalObjects.find((o) => ((o.metadata ?? {}) as Record<string, unknown>).name === meta.name && o.kind === object.kind);
    if (!original) {
      preserve(ctx, pending.title, edited);
      return fail(k, `error: no original object found for ${String(object.kind)} "${String(meta.name)}"`);
    }
    const originalMeta = (original.metadata ?? {}) as Record<string, unknown>;
    if (original.apiVersion !== object.apiVersion || original.kind !== object.kind || originalMeta.name !== meta.name) {
      preserve(ctx, pending.title, edited);
      return fail(k, "error: At least one of apiVersion, kind and name was changed");
    }
    if (meta.namespace !== undefined && meta.namespace !== originalMeta.namespace) {
      preserve(ctx, pending.title, edited);
      return fail(k, `error: the namespace from the provided object "${String(meta.namespace)}" does not match the namespace "${String(originalMeta.namespace)}". You must pass '--namespace=${String(meta.namespace)}' to perform this operation.`);
    }
    const lookup = lookupResource(String(object.kind), k.ctx.tx.state);
    if (!lookup.ok) continue;
    const type: ResourceType = lookup.type;
    const label = `${kindString(type)}/${String(meta.name)}`;
    if (equalJson(original, object)) {
      k.out(`${label} skipped\n`);
      continue;
    }
    const namespace = type.namespaced ? String(originalMeta.namespace ?? target.namespace) : "";
    const live = readOne(ctx.tx.state, type, namespace, String(meta.name));
    if (!live) {
      k.err(`error: ${qualifiedResource(type)} "${String(meta.name)}" could not be found on the server\n`);
      preserve(ctx, pending.title, edited);
      k.err(`The edits you made on deleted resources have been saved to "${pending.title}"\n`);
      return 1;
    }
    const patched = mergePatch(clone(asServed(type, live)), mergePatchOf(original, object)) as unknown as KubeObject;
    const result = update(k, patched);
    if (result.ok) {
      k.out(`${label} edited\n`);
      continue;
    }
    if (result.status.reason === "Invalid") {
      k.err(`error: ${qualifiedResource(type)} "${String(meta.name)}" is invalid\n`);
      reasons.push({ head: `${qualifiedResource(type)} "${String(meta.name)}" was not valid`, other: (result.status.details?.causes ?? []).map((c) => `${c.field}: ${c.message}`) });
      continue;
    }
    k.err(`error: ${qualifiedResource(type)} "${String(meta.name)}" could not be patched: ${result.status.message}\n`);
    preserve(ctx, pending.title, edited);
    k.err(`You can run \`kubectl replace -f ${pending.title}\` to try this update again.\n`);
    code = 1;
  }
  if (reasons.length > 0 && code === 0) reopen(reasons);
  return code;
}

/** RFC 7386 merge patch from one object to another (jsonpatch.CreateMergePatch). */
function mergePatchOf(from: unknown, to: unknown): unknown {
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isMap(from) || !isMap(to)) return to;
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(to)) {
    if (!(key in from)) patch[key] = to[key];
    else if (!equalJson(from[key], to[key])) patch[key] = isMap(from[key]) && isMap(to[key]) ? mergePatchOf(from[key], to[key]) : to[key];
  }
  for (const key of Object.keys(from)) if (!(key in to)) patch[key] = null;
  return patch;
}

/** kubectl keeps the edited text in its temporary file and says where; here it is written to the workstation. */
function preserve(ctx: ProgramContext, path: string, text: string): void {
  const files = programFiles(ctx);
  const written = files?.fs.write(path, text);
  if (written?.ok) ctx.err(`A copy of your changes has been stored to "${path}"\n`);
}

