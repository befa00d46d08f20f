// `kubectl exec` and `kubectl run -it` hand their command to a pod here. An interactive shell
// moves the console into the pod (a new frame on the shell stack); any other command runs as a
// program inside the pod, found in the image's filesystem or failing with containerd's real error.

import { stepClock } from "./clock-step.ts";
import { deleteObject } from "../cluster/api-server.ts";
import { reconcile } from "../cluster/controllers.ts";
import { newHex } from "../cluster/ids.ts";
import { findImage } from "../cluster/images.ts";
import { endAttachedProcess } from "../cluster/kubelet.ts";
import { bashPrintable } from "./ansic-quote.ts";
import { availableAt } from "./availability.ts";
import { ListRunner, type ShellHost } from "./list-runner.ts";
import { findProgram } from "./program-lookup.ts";
import { filesOf } from "./fs-context.ts";
import { parseLine } from "./tokenizer.ts";
import type { ProgramContext, ShellFrame } from "./types.ts";
import { exportedEnvironment, lookupVariable } from "./variables.ts";
import { createWorkBudget, KILLED_STATUS, WorkLimitReached } from "./work.ts";

export interface ExecTarget {
  namespace: string;
  pod: string;
  container: string;
}

export interface ExecOptions {
  interactive: boolean;
  /** `-t`: the command's output goes to a terminal (defaults to `interactive`). */
  tty?: boolean;
  /** `kubectl run --rm -it`: the pod is deleted when its shell exits. */
  removeOnExit?: boolean;
  /** `-i`: kubectl's own standard input, which the command reads (`printf 'a\nb\n' | kubectl exec -i POD -- wc -l`). */
  stdin?: string;
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
    // A shell without a terminal runs what it reads as a script; without input it reads EOF and exits at once.
    if (options.stdin === undefined) return 0;
    const code = runScript(ctx, { ...frame, transient: true }, options.stdin, false);
    if (code !== 0) ctx.err(`command terminated with exit code ${code}\n`);
    return code;
  }
  let code: number;
  const terminal = options.tty ?? options.interactive;
  const exec: ShellFrame = { ...frame, transient: true };
  if (SHELLS.has(base) && argv[1] === "-c") code = runScript(ctx, exec, argv[2] ?? "", terminal, options.stdin);
  else code = runIn(ctx, exec, argv, options.stdin, (t) => ctx.out(t), terminal);
  if (code !== 0) ctx.err(`command terminated with exit code ${code}\n`);
  return code;
}

/**
 * `sh -c 'a | b && c'` inside the pod, or the command `ssh node01 CMD` hands to the node's bash:
 * the same tokenizer as the console, then each stage in turn, with `frame` on the shell stack.
 */
export function runScript(ctx: ProgramContext, frame: ShellFrame, script: string, terminal: boolean, stdin?: string): number {
  const shellName = frame.kind === "pod" ? frame.shell : frame.kind === "node" ? "bash" : "sh";
  const parsed = parseLine(script);
  if (!parsed.ok) {
    ctx.err(parsed.error.replace(/^-bash:/, frame.kind === "node" ? "bash: -c: line 1:" : `${shellName}:`));
    return 2;
  }
  let local = frame;
  const host: ShellHost = {
    name: shellName,
    script: true,
    frame: () => local,
    setFrame: (next) => {
      local = next;
    },
    lookup: (name) => lookupVariable(ctx.tx.state, ctx.shell, local, name),
    exported: () => exportedEnvironment(ctx.tx.state, ctx.shell, local),
    run: (argv, stdin, toTerminal, out, err, work) => runIn({ ...ctx, err, work }, local, argv, stdin, out, toTerminal && terminal, true),
    write: (text) => ctx.out(text),
    err: (text) => ctx.err(text),
    files: () => filesOf(ctx.tx, local, ctx.tx.state.now, ctx.work),
    save: () => {
      const saved = local;
      return () => {
        local = saved;
      };
    },
  };
  // `a && b || c; d`: as in the console (bash's lists).
  // The shell's standard input goes to the first command that reads it (`sh -c 'wc -l'`), unless a heredoc gives its own.
  const line = stdin === undefined || parsed.line.stdin !== undefined ? parsed.line : { ...parsed.line, stdin, stdinExpands: false };
  return new ListRunner(host, 0, ctx.work).runLine(line);
}

function runIn(
  ctx: ProgramContext,
  frame: ShellFrame,
  argv: string[],
  stdin: string | undefined,
  out: (t: string) => void,
  terminal: boolean,
  viaShell = false,
): number {
  const name = argv[0].slice(argv[0].lastIndexOf("/") + 1);
  const shell = ctx.shell;
  shell.push(frame);
  try {
    if (!availableAt(frame, ctx.tx.state, name) || name === "exit") {
      if (viaShell) {
        ctx.err((frame.kind === "pod" && frame.shell === "bash") || frame.kind === "node" ? `bash: line 1: ${bashPrintable(name)}: command not found\n` : `sh: ${name}: not found\n`);
      }
      return 127;
    }
    const program = findProgram(name, frame, ctx.tx.state);
    if (typeof program === "string") {
      ctx.err(program);
      return 127;
    }
    return program({ ...ctx, argv: [name, ...argv.slice(1)], stdin, stdoutIsTerminal: terminal, out, shell });
  } finally {
    shell.pop();
  }
}

/** What `kubectl attach` (and so `kubectl run -i`) prints on stderr once it is attached. */
export const ATTACH_NOTICE =
  "All commands and output from this session will be recorded in container logs, including credentials and sensitive information passed through the command prompt.\n" +
  "If you don't see a command prompt, try pressing enter.\n";

export interface AttachSession {
  namespace: string;
  pod: string;
  container: string;
  tty: boolean;
  removeOnExit: boolean;
}

/** `kubectl run -i`: the container's own one-shot command, run while kubectl is attached. */
export function runAttachedCommand(ctx: ProgramContext, session: AttachSession, argv: string[]): number {
  const frame: ShellFrame = { kind: "pod", namespace: session.namespace, pod: session.pod, container: session.container, shell: "sh" };
  return runIn(ctx, frame, argv, undefined, (t) => ctx.out(t), session.tty);
}

/**
 * A container's own one-shot command, run by the kubelet when the container starts (no client
 * attached): `sh -c 'wget -qO- web'`, `curl -s http://web`, `echo hello`. Standard output and
 * standard error both go to `out` (the container log). Undefined when the command's program is
 * not in the image, which the kubelet reports as a start error instead.
 */
export function runContainerCommand(ctx: ProgramContext, frame: ShellFrame, argv: string[]): number | undefined {
  const name = argv[0].slice(argv[0].lastIndexOf("/") + 1);
  if (!availableAt(frame, ctx.tx.state, name)) return undefined;
  // The process gets its own budget: it runs inside the controllers, on no console's line. Past
  // it the container is killed (SIGKILL, 137), as the kubelet kills one past its limits.
  const own: ProgramContext = { ...ctx, work: createWorkBudget() };
  try {
    if (SHELLS.has(name) && argv[1] === "-c") return runScript(own, frame, argv[2] ?? "", false);
    return runIn(own, frame, argv, undefined, (t) => ctx.out(t), false);
  } catch (error) {
    if (error instanceof WorkLimitReached) return KILLED_STATUS;
    throw error;
  }
}

/** The interactive shell of `kubectl run -it`: the console moves into the pod. */
export function enterAttachedShell(ctx: ProgramContext, session: AttachSession, shell: "sh" | "bash"): void {
  ctx.shell.push({
    kind: "pod",
    namespace: session.namespace,
    pod: session.pod,
    container: session.container,
    shell,
    attached: true,
    ...(session.removeOnExit ? { removeOnExit: true } : {}),
  });
}

/** How long kubectl run waits for the pod to finish after the session (--pod-running-timeout). */
const EXIT_WAIT_MS = 60_000;

/**
 * The attached process ended with `exitCode`: what kubectl run does next (run.go Run): the
 * reattach hint for a TTY session of a restartPolicy Always pod (attach.go reattachMessage);
 * for Never/OnFailure, wait for the pod to finish and take its exit code; with --rm, delete the pod.
 * Returns kubectl's exit code.
 */
export function endAttachSession(ctx: ProgramContext, session: AttachSession, exitCode: number): number {
  const key = `${session.namespace}/${session.pod}`;
  const tx = ctx.tx;
  endAttachedProcess(tx, key, session.container, exitCode, tx.state.now);
  reconcile(tx, tx.state.now, ctx.random);
  const pod = tx.state.pods[key];
  const restartPolicy = pod?.spec.restartPolicy ?? "Always";
  if (session.tty && restartPolicy === "Always") {
    ctx.out(`Session ended, resume using 'kubectl attach ${session.pod} -c ${session.container} -i -t' command when the pod is running\n`);
  }
  const waitForExit = restartPolicy !== "Always";
  const finished = (): boolean => {
    const p = tx.state.pods[key];
    return !p || p.status.phase === "Succeeded" || (restartPolicy === "Never" && p.status.phase === "Failed");
  };
  let waited = !waitForExit || finished();
  const start = tx.state.now;
  for (let t = start + 1000; !waited && t <= start + EXIT_WAIT_MS; t += 1000) {
    stepClock({ tx, random: ctx.random, work: ctx.work }, t);
    waited = finished();
  }
  const final = tx.state.pods[key];
  // run.go defers the removal, so it happens before the exit status is reported.
  if (session.removeOnExit && final) {
    const removed = deleteObject(tx, "pods", session.namespace, session.pod, { now: tx.state.now, random: ctx.random });
    if (removed.ok) ctx.out(`pod "${session.pod}" deleted from ${session.namespace} namespace\n`);
  }
  if (!waitForExit) return 0;
  if (!waited) {
    ctx.err("error: timed out waiting for the condition\n");
    return 1;
  }
  if (!final || final.status.phase === "Succeeded") return 0;
  const terminated = final.status.containerStatuses?.[0]?.state.terminated;
  if (!terminated || terminated.exitCode === 0) {
    ctx.err(`error: pod ${session.namespace}/${session.pod} failed with unknown exit code\n`);
    return 1;
  }
  ctx.err(`pod ${session.namespace}/${session.pod} terminated (${terminated.reason})\n`);
  return terminated.exitCode;
}
