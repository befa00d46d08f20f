// kubectl diff -f (diff.go): for each object of the files, the live version and the version an
// apply would make (the same three-way patch, sent as a server dry run) are written as YAML to
// /tmp/LIVE-NNN/ and /tmp/MERGED-NNN/ under GROUP.VERSION.KIND.NAMESPACE.NAME, and `diff -u -N`
// compares the two directories; kubectl exits with diff's status (1: differences, 0: none) and
// removes the directories. KUBECTL_EXTERNAL_DIFF picks another diff command: here diff with
// other switches (the words kubectl accepts: letters, digits, `-` and `=`).

import { createObject, updateObject } from "../../cluster/api-server.ts";
import type { ResourceKind } from "../../cluster/api-status.ts";
import { Tx } from "../../cluster/tx.ts";
import type { SubmittedObject } from "../../cluster/types.ts";
import { createRandom } from "../../random.ts";
import { diff as diffProgram } from "../../shell/diff.ts";
import { programFiles } from "../../shell/fs-context.ts";
import { exportedEnvironment } from "../../shell/variables.ts";
import { get } from "../api.ts";
import { filenameFlag, type Command } from "../command.ts";
import type { Kubectl } from "../context.ts";
import { statusErrorText, usageErrorText } from "../errors.ts";
import type { Flags } from "../flags.ts";
import { toYaml } from "../printers/serialize.ts";
import { mergePatch, threeWay } from "./apply.ts";
import { fileObjects } from "./file-objects.ts";
import { apiVersionOf, type ResourceType } from "../resources.ts";

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

export const diffCommand: Command = {
  name: "diff",
  short: "Diff the live version against a would-be applied version",
  long: `Diff configurations specified by file name or stdin between the current online configuration, and the configuration as it would be if applied.

 The output is always YAML.

 KUBECTL_EXTERNAL_DIFF environment variable can be used to select your own diff command. Users can use external commands with params too, example: KUBECTL_EXTERNAL_DIFF="colordiff -N -u"

 By default, the "diff" command available in your path will be run with the "-u" (unified diff) and "-N" (treat absent files as empty) options.

 Exit status: 0 No differences were found. 1 Differences were found. >1 Kubectl or diff failed with an error.

 Note: KUBECTL_EXTERNAL_DIFF, if used, is expected to follow that convention.`,
  usage: "diff -f FILENAME",
  examples: `  # Diff resources included in pod.json
  kubectl diff -f pod.json

  # Diff file read from stdin
  cat service.yaml | kubectl diff -f -`,
  flags: [filenameFlag],
  run: runDiff,
};

/** kubectl diff's errors exit 2 (cmdutil.CheckDiffErr): 1 means "differences". */
function diffFail(k: Kubectl, text: string): number {
  k.err(text.endsWith("\n") ? text : `${text}\n`);
  return 2;
}

function runDiff(k: Kubectl, flags: Flags): number {
  if (flags.list("filename").length === 0) return diffFail(k, "error: must specify one of -f and -k");
  if (flags.args.length > 0) return diffFail(k, usageErrorText(k.path, `Unexpected args: [${flags.args.join(" ")}]`));
  const errors: string[] = [];
  const silent: Kubectl = { ...k, err: (t) => errors.push(t) };
  const objects = fileObjects(silent, flags, "diffing");
  if (typeof objects === "number") return diffFail(k, errors.join(""));
  const versions: Array<{ name: string; live?: string; merged: string }> = [];
  for (const { type, namespace, name, object } of objects) {
    const live = get(k, type.name as ResourceKind, namespace, name);
    // A server dry run: the API server's defaulting and checks on a throwaway transaction.
    const tx = new Tx(k.ctx.tx.state);
    const context = { now: k.ctx.tx.state.now, random: createRandom(k.ctx.random.state) };
    let merged;
    if (!live.ok) {
      if (live.status.reason !== "NotFound") return diffFail(k, statusErrorText(live.status));
      merged = createObject(tx, object as unknown as SubmittedObject, context);
    } else {
      // apply's patch without the annotation apply would write (diff.go: GetModifiedConfiguration(annotate=false)).
      const text = live.value.metadata.annotations?.[LAST_APPLIED];
      let last: Record<string, unknown> = {};
      try {
        last = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        last = {};
      }
      const { status: _status, ...current } = live.value as unknown as Record<string, unknown>;
      const patched = mergePatch(current, threeWay(last, object)) as Record<string, unknown>;
      merged = updateObject(tx, patched as unknown as SubmittedObject, context);
    }
    if (!merged.ok) return diffFail(k, statusErrorText(merged.status));
    // A dry run writes nothing: an update keeps the live resourceVersion, a create has none yet.
    const metadata = { ...merged.value.metadata };
    if (live.ok) metadata.resourceVersion = live.value.metadata.resourceVersion;
    else delete (metadata as { resourceVersion?: string }).resourceVersion;
    merged = { ...merged, value: { ...merged.value, metadata } };
    const fileName = `${type.group ? `${type.group}.` : ""}${type.version}.${type.kind}.${namespace ?? ""}.${name}`;
    let from: Record<string, unknown> | undefined = live.ok ? served(type, live.value) : undefined;
    let to = served(type, merged.value);
    if (type.group === "" && type.kind === "Secret") [from, to] = maskSecrets(from, to);
    versions.push({ name: fileName, ...(from ? { live: toYaml(from) } : {}), merged: toYaml(to) });
  }
  const files = programFiles(k.ctx);
  if (!files) return diffFail(k, "error: the machine kubectl runs on is gone");
  // os.MkdirTemp("", "LIVE-"): Go's temporary names are a random 32-bit number.
  const liveDir = `/tmp/LIVE-${k.ctx.random.int(4294967296)}`;
  const mergedDir = `/tmp/MERGED-${k.ctx.random.int(4294967296)}`;
  const cleanUp = () => {
    for (const dir of [liveDir, mergedDir]) {
      for (const v of versions) files.fs.remove(`${dir}/${v.name}`, false);
      files.fs.remove(dir, true);
    }
  };
  for (const dir of [liveDir, mergedDir]) {
    const made = files.fs.mkdir(dir);
    if (!made.ok) return diffFail(k, `error: mkdir ${dir}: ${made.errno === "ENOSPC" ? "no space left on device" : "permission denied"}`);
  }
  for (const v of versions) {
    const wrote = [v.live === undefined ? { ok: true } : files.fs.write(`${liveDir}/${v.name}`, v.live), files.fs.write(`${mergedDir}/${v.name}`, v.merged)];
    if (wrote.some((w) => !w.ok)) {
      cleanUp();
      return diffFail(k, `error: write ${mergedDir}/${v.name}: no space left on device`);
    }
  }
  const env = new Map(exportedEnvironment(k.ctx.tx.state, k.ctx.shell, k.ctx.shell[k.ctx.shell.length - 1]));
  const external = env.get("KUBECTL_EXTERNAL_DIFF") ?? "";
  let program = "diff";
  let args = ["-u", "-N", liveDir, mergedDir];
  if (external !== "") {
    const words = external.split(" ");
    program = words[0];
    args = [liveDir, mergedDir, ...words.slice(1).filter((w) => /^[a-zA-Z0-9-=]+$/.test(w))];
  }
  const base = program.slice(program.lastIndexOf("/") + 1);
  if (base !== "diff") {
    cleanUp();
    return diffFail(k, `error: failed to run "${program}": exec: "${program}": executable file not found in $PATH`);
  }
  // diff reads its options before its operands only with GNU getopt's permutation, which it has.
  const options = args.filter((a) => a.startsWith("-"));
  const operands = args.filter((a) => !a.startsWith("-"));
  const status = diffProgram({ ...k.ctx, argv: ["diff", ...options, ...operands], stdin: undefined });
  cleanUp();
  return status;
}

/** The object as the API server returns it: apiVersion and kind set. */
function served(type: ResourceType, object: object): Record<string, unknown> {
  return { ...object, apiVersion: apiVersionOf(type), kind: type.kind };
}

/**
 * diff.go's Masker: a Secret's data values never reach the diff. Each is `***`; a key whose value
 * changes is `*** (before)` and `*** (after)`, so that the change still shows.
 */
function maskSecrets(from: Record<string, unknown> | undefined, to: Record<string, unknown>): [Record<string, unknown> | undefined, Record<string, unknown>] {
  const dataOf = (o: Record<string, unknown> | undefined) => (o && typeof o.data === "object" && o.data !== null ? (o.data as Record<string, unknown>) : undefined);
  const before = dataOf(from);
  const after = dataOf(to);
  const maskedBefore: Record<string, unknown> = {};
  const maskedAfter: Record<string, unknown> = {};
  for (const key of Object.keys(before ?? {})) {
    const changed = after !== undefined && key in after && after[key] !== before![key];
    maskedBefore[key] = changed ? "*** (before)" : "***";
    if (after !== undefined && key in after) maskedAfter[key] = changed ? "*** (after)" : "***";
  }
  for (const key of Object.keys(after ?? {})) if (!(key in maskedAfter)) maskedAfter[key] = "***";
  return [before && from ? { ...from, data: maskedBefore } : from, after ? { ...to, data: maskedAfter } : to];
}
