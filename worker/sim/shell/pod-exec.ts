// `kubectl exec` and `kubectl run -it` hand their command to a pod here. An interactive shell
// moves the console into the pod (a new frame on the shell stack); any other command runs as a
// program inside the pod, found in the image's filesystem or failing with containerd's real error.

import { newHex } from "../cluster/ids.ts";
import { findImage } from "../cluster/images.ts";
import { availableAt } from "./availability.ts";
import { findProgram } from "./programs.ts";
import { parseLine } from "./tokenizer.ts";
import type { ProgramContext, ShellFrame } from "./types.ts";

export interface ExecTarget {
  namespace: string;
  pod: string;
  container: string;
}

export interface ExecOptions {
  interactive: boolean;
  /** `kubectl run --rm -it`: the pod is deleted when its shell exits. */
  removeOnExit?: boolean;
}

const SHELLS = new Set(["sh", "bash", "ash"]);

/** Runs argv in the pod's container; returns the exit code kubectl exits with. */
export function execInPod(ctx: ProgramContext, target: ExecTarget, argv: string[], options: ExecOptions): number {
  const key = `${target.namespace}/${target.pod}`;
  const pod = ctx.tx.state.pods[key];
  if (!pod) {
    ctx.err(`Error from server (NotFound): pods "${target.pod}" not found\n`);
    return 1;
  }
  if (pod.status.phase === "Succeeded" || pod.status.phase === "Failed") {
    ctx.err(`error: cannot exec into a container in a completed pod; current phase is ${pod.status.phase}\n`);
    return 1;
  }
  const container = pod.spec.containers.find((c) => c.name === target.container);
  const status = pod.status.containerStatuses?.find((s) => s.name === target.container);
  if (!container || !status?.state.running) {
    ctx.err(`error: unable to upgrade connection: container not found ("${target.container}")\n`);
    return 1;
  }
  const tools: readonly string[] = findImage(container.image)?.tools ?? [];
  const word = argv[0] ?? "";
  const base = word.slice(word.lastIndexOf("/") + 1);
  // exec runs a binary, not a shell: echo exists as a binary wherever there is a shell.
  const present = tools.includes(base) || (base === "echo" && tools.includes("sh"));
  if (!present) {
    ctx.err(
      `error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "${newHex(ctx.random, 64)}": OCI runtime exec failed: exec failed: unable to start container process: exec: "${word}": executable file not found in $PATH: unknown\n`,
    );
    return 1;
  }
  const frame: ShellFrame = {
    kind: "pod",
    namespace: target.namespace,
    pod: target.pod,
    container: target.container,
    shell: base === "bash" ? "bash" : "sh",
    ...(options.removeOnExit ? { removeOnExit: true } : {}),
  };
  if (SHELLS.has(base) && argv.length === 1) {
    if (options.interactive) {
      ctx.shell.push(frame);
      return 0;
    }
    // A shell without a terminal and without input reads EOF and exits at once.
    return 0;
  }
  let code: number;
  if (SHELLS.has(base) && argv[1] === "-c") code = runScript(ctx, frame, argv[2] ?? "");
  else code = runIn(ctx, frame, argv, undefined, (t) => ctx.out(t));
  if (code !== 0) ctx.err(`command terminated with exit code ${code}\n`);
  return code;
}

/** `sh -c 'a | b'` inside the pod: the same tokenizer as the console, then each stage in turn. */
function runScript(ctx: ProgramContext, frame: ShellFrame, script: string): number {
  const parsed = parseLine(script);
  if (!parsed.ok) {
    ctx.err(parsed.error.replace(/^-bash:/, `${frame.kind === "pod" ? frame.shell : "sh"}:`));
    return 2;
  }
  let input = parsed.line.stdin;
  let code = 0;
  const stages = parsed.line.pipeline;
  for (let i = 0; i < stages.length; i++) {
    let captured = "";
    const last = i === stages.length - 1;
    code = runIn(ctx, frame, stages[i], input, (t) => (last ? ctx.out(t) : (captured += t)), true);
    input = captured;
  }
  return code;
}

function runIn(ctx: ProgramContext, frame: ShellFrame, argv: string[], stdin: string | undefined, out: (t: string) => void, viaShell = false): number {
  const name = argv[0].slice(argv[0].lastIndexOf("/") + 1);
  const shell = ctx.shell;
  shell.push(frame);
  try {
    if (!availableAt(frame, ctx.tx.state, name) || name === "exit") {
      if (viaShell) {
        ctx.err(frame.kind === "pod" && frame.shell === "bash" ? `bash: line 1: ${name}: command not found\n` : `sh: ${name}: not found\n`);
      }
      return 127;
    }
    const program = findProgram(name, frame, ctx.tx.state);
    if (typeof program === "string") {
      ctx.err(program);
      return 127;
    }
    return program({ ...ctx, argv: [name, ...argv.slice(1)], stdin, out, shell });
  } finally {
    shell.pop();
  }
}
