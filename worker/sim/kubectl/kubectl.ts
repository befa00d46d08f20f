// The kubectl program: finds the command the way cobra does (global flags may come first),
// parses its flags with pflag semantics, and runs it. Output and errors are kubectl's own.

import { goQuote } from "../go-quote.ts";
import type { ProgramContext } from "../shell/types.ts";
import { globalFlags, type Command } from "./command.ts";
import { commands } from "./commands/index.ts";
import type { Kubectl } from "./context.ts";
import { flagErrorText } from "./errors.ts";
import { FlagSet, Flags, type FlagSpec } from "./flags.ts";
import { commandHelp, commandOrder, realShorts, rootHelp, suggestionsFor } from "./help.ts";
import { CLUSTER_NAME, kubeconfigOf, type KubeContext } from "./kubeconfig.ts";
import { clusterLayout } from "../cluster/layout.ts";
import { inCluster } from "../net/lab.ts";

export function kubectlProgram(ctx: ProgramContext): number {
  const frame = ctx.shell[ctx.shell.length - 1];
  if (frame.kind === "pod") {
    ctx.err(frame.shell === "bash" ? "bash: kubectl: command not found\n" : "sh: kubectl: not found\n");
    return 127;
  }
  // Only the control plane has kubectl and admin.conf (kubeadm's); a node belongs to the cluster `tx` is.
  if (frame.kind === "node" && frame.node !== clusterLayout(ctx.tx.state.config.layout ?? 0).controlPlane) {
    ctx.err("kubectl: command not found\n");
    return 127;
  }
  return runKubectl(ctx, ctx.argv.slice(1));
}

export function runKubectl(ctx: ProgramContext, argv: string[]): number {
  const globals = new FlagSet(globalFlags);
  const found = findCommandWord(argv, globals);
  if (found.index < 0) {
    // No command: flags only (`kubectl`, `kubectl --help`, `kubectl -n x`).
    const parsed = globals.parse(argv);
    if (!parsed.ok) {
      ctx.err(flagErrorText("kubectl", parsed.error));
      return 1;
    }
    ctx.out(rootHelp(commands));
    return 0;
  }
  const word = argv[found.index];
  let rest = [...argv.slice(0, found.index), ...argv.slice(found.index + 1)];
  if (word === "help") return help(ctx, rest);
  const top = commands.find((c) => c.name === word || c.aliases?.includes(word));
  if (!top) {
    // The cluster runs no metrics-server: real kubectl's answer without one.
    if (word === "top" && ["pod", "pods", "po", "node", "nodes", "no"].includes(rest.find((a) => !a.startsWith("-")) ?? "")) {
      ctx.err("error: Metrics API not available\n");
      return 1;
    }
    if (realShorts[word]) {
      ctx.err(`error: "kubectl ${word}" is not available in this playground\n`);
      return 1;
    }
    const suggestions = suggestionsFor(word, commandOrder);
    // cobra quotes with %q: an invisible character pasted into the word shows as `\u200b`.
    let text = `error: unknown command ${goQuote(word)} for "kubectl"\n`;
    if (suggestions.length > 0) text += `\nDid you mean this?\n${suggestions.map((s) => `\t${s}\n`).join("")}\n`;
    ctx.err(text);
    return 1;
  }
  let command: Command = top;
  let path = `kubectl ${command.name}`;
  // Subcommands (create deployment, rollout status): the first plain word after the command.
  while (command.subcommands?.length) {
    const set = new FlagSet([...command.flags, ...globalFlags]);
    const sub = findCommandWord(rest, set);
    if (sub.index < 0) break;
    const subWord = rest[sub.index];
    const next: Command | undefined = command.subcommands.find((c) => c.name === subWord || c.aliases?.includes(subWord));
    if (!next) {
      if (!command.run) {
        const parsed = set.parse(rest);
        if (parsed.ok && parsed.flags.values.get("help")) break;
        const words = rest.slice(sub.index).filter((w) => !w.startsWith("-"));
        ctx.err(`error: unknown command "${words.join(" ")}"\nSee '${path} -h' for help and examples\n`);
        return 1;
      }
      break;
    }
    command = next;
    path = `${path} ${next.name}`;
    rest = [...rest.slice(0, sub.index), ...rest.slice(sub.index + 1)];
  }
  const set = new FlagSet(mergeFlags(command.flags, globalFlags));
  const parsed = set.parse(rest);
  if (!parsed.ok) {
    ctx.err(flagErrorText(path, parsed.error));
    return 1;
  }
  const flags = new Flags(parsed.flags, set);
  if (flags.bool("help") || !command.run) {
    ctx.out(commandHelp(command, path));
    return 0;
  }
  // The kubeconfig says which cluster this talks to and where it works without -n.
  const kubeconfig = kubeconfigOf(ctx.shell[ctx.shell.length - 1]);
  const contextName = flags.changed("context") ? flags.string("context") : kubeconfig.currentContext;
  const context = kubeconfig.contexts.find((c) => c.name === contextName);
  if (top.name !== "config") {
    const unreachable = serverUnreachable(ctx, contextName, context);
    if (unreachable) {
      ctx.err(unreachable);
      return 1;
    }
  }
  // In a session with several clusters the workstation's context picks the cluster (a control
  // plane's admin.conf names its own); the command then runs against that cluster.
  const target = ctx.clusters && context && ctx.shell[ctx.shell.length - 1].kind === "workstation" && ctx.clusters.names.includes(context.cluster) ? context.cluster : undefined;
  if (ctx.clusters && target !== undefined && target !== ctx.clusters.acting) {
    const tx = ctx.clusters.tx(target)!;
    const open = ctx.openEditor;
    // kubectl edit's save is applied later (finishEdit): to this cluster, not the console's.
    const trace = ctx.trace;
    ctx = { ...ctx, tx, now: tx.state.now, clusters: { ...ctx.clusters, acting: target }, trace: (t) => trace(inCluster(t, target)), ...(open ? { openEditor: (request) => open({ ...request, cluster: target }) } : {}) };
  }
  const namespaceExplicit = flags.changed("namespace");
  const namespace = namespaceExplicit ? flags.string("namespace") : context?.namespace || "default";
  // `config set-context --namespace=` clears a context's namespace: its own flag, not the global one.
  if (namespaceExplicit && namespace === "" && top.name !== "config") {
    ctx.err("error: a namespace must be specified when using --namespace\n"); // kubectl: empty -n
    return 1;
  }
  const depth = ctx.shell.length;
  const k: Kubectl = {
    ctx,
    namespace,
    namespaceExplicit,
    path,
    out: (t) => ctx.out(t),
    err: (t) => ctx.err(t),
  };
  const code = command.run(k, flags);
  // A shell kubectl opened (exec -it, run -it) is in the cluster kubectl talked to.
  if (ctx.clusters) {
    const acting = ctx.clusters.acting;
    for (let i = depth; i < ctx.shell.length; i++) {
      const frame = ctx.shell[i];
      if (frame.kind === "pod" && !frame.cluster) ctx.shell[i] = { ...frame, cluster: acting };
    }
  }
  return code;
}

/**
 * What kubectl prints before giving up when its kubeconfig leads nowhere: a context that does not
 * exist, or one without a cluster (client-go then falls back to localhost:8080, where nothing
 * listens). Undefined when the context reaches the cluster.
 */
function serverUnreachable(ctx: ProgramContext, name: string, context: KubeContext | undefined): string | undefined {
  if (!context) {
    return name ? `Error in configuration: context was not found for specified context: ${name}\n` : "error: current-context is not set\n";
  }
  const onWorkstation = ctx.shell[ctx.shell.length - 1].kind === "workstation";
  if (ctx.clusters && onWorkstation ? ctx.clusters.names.includes(context.cluster) : context.cluster === CLUSTER_NAME) return undefined;
  // Discovery retries a few times, each failure logged by klog, before kubectl's own message.
  const t = new Date(ctx.now);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const pid = 20000 + ctx.random.int(20000);
  let text = "";
  for (let i = 0; i < 5; i++) {
    const micros = t.getUTCMilliseconds() * 1000 + 157 + i * 1231;
    const stamp = `${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}.${pad(micros, 6)}`;
    text += `E${stamp}   ${pid} memcache.go:265] "Unhandled Error" err="couldn't get current server API group list: Get \\"http://localhost:8080/api?timeout=32s\\": dial tcp 127.0.0.1:8080: connect: connection refused"\n`;
  }
  return text + "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n";
}

function mergeFlags(own: readonly FlagSpec[], globals: readonly FlagSpec[]): FlagSpec[] {
  return [...own, ...globals.filter((g) => !own.some((o) => o.name === g.name || (g.short && o.short === g.short)))];
}

/** Index of the first word that is not a flag or a flag's value (cobra's stripFlags). */
function findCommandWord(argv: readonly string[], set: FlagSet): { index: number } {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") return { index: -1 };
    if (a.startsWith("--") && a.length > 2) {
      if (a.includes("=")) continue;
      const spec = set.lookupLong(a.slice(2));
      if (spec && spec.type !== "bool" && spec.noOptDefault === undefined) i++;
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      if (a.length === 2) {
        const spec = set.lookupShort(a[1]);
        if (spec && spec.type !== "bool" && spec.noOptDefault === undefined) i++;
      }
      continue;
    }
    return { index: i };
  }
  return { index: -1 };
}

function help(ctx: ProgramContext, rest: string[]): number {
  const words = rest.filter((w) => !w.startsWith("-"));
  if (words.length === 0) {
    ctx.out(rootHelp(commands));
    return 0;
  }
  let command: Command | undefined = commands.find((c) => c.name === words[0] || c.aliases?.includes(words[0]));
  if (!command) {
    ctx.err(`Unknown help topic [\`${words[0]}\`]\n`);
    ctx.out(rootHelp(commands));
    return 0;
  }
  let path = `kubectl ${command.name}`;
  for (const w of words.slice(1)) {
    const sub: Command | undefined = command?.subcommands?.find((c) => c.name === w);
    if (!sub) break;
    command = sub;
    path += ` ${sub.name}`;
  }
  ctx.out(commandHelp(command!, path));
  return 0;
}
