// pods/exec and pods/attach of the session's Kubernetes API: what the API server checks before it
// upgrades the connection, the WebSocket stream protocol's framing (k8s.io/apimachinery
// util/remotecommand: v5.channel.k8s.io, and v4 without its CLOSE signal), the Status objects the
// error channel carries, and a terminal's line discipline for `kubectl exec -it`. The command itself
// runs through the console's own `kubectl exec` (worker/sim/engine.ts), so both print the same.

import { containerEnvironment } from "../cluster/container-env.ts";
import { findImage } from "../cluster/images.ts";
import { processBehaviour } from "../cluster/process.ts";
import type { ClusterState, Pod } from "../cluster/types.ts";
import type { ShellFrame } from "../shell/types.ts";
import { utf8Bytes } from "../base64.ts";
import { goQuote } from "../go-quote.ts";
import { type KubeApiResponse, status } from "./server.ts";

/** The WebSocket subprotocols served, preferred first (kubectl 1.31+ asks for v5 only). */
export const EXEC_PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"] as const;
export type ExecProtocol = (typeof EXEC_PROTOCOLS)[number];

/** Channel numbers of the stream protocol (remotecommand constants). */
export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
/** v5's CLOSE signal: `[255, channel]` says the sender is done writing to that channel. */
export const CLOSE = 255;

/** What an exec or attach request asks for (the PodExecOptions / PodAttachOptions query parameters). */
export interface ExecSpec {
  subresource: "exec" | "attach";
  namespace: string;
  pod: string;
  container: string;
  /** exec's command; empty for attach. */
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** A pods/NAME/exec, attach or portforward path, split: undefined for any other path. */
export function execTarget(path: string): { namespace: string; pod: string; subresource: "exec" | "attach" | "portforward" } | undefined {
  const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)\/?$/.exec(path);
  if (!match) return undefined;
  try {
    return { namespace: decodeURIComponent(match[1]), pod: decodeURIComponent(match[2]), subresource: match[3] as "exec" | "attach" | "portforward" };
  } catch {
    return undefined;
  }
}

/** The subprotocol the server picks from the client's Sec-WebSocket-Protocol header (its first that is served). */
export function chooseProtocol(header: string | undefined): ExecProtocol | undefined {
  const offered = (header ?? "").split(",").map((p) => p.trim());
  for (const p of offered) if ((EXEC_PROTOCOLS as readonly string[]).includes(p)) return p as ExecProtocol;
  return undefined;
}

function flag(value: string | undefined): boolean | undefined {
  if (value === undefined || value === "") return false;
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  return undefined;
}

/**
 * The options from the query (parameters may repeat: `command=sh&command=-c&command=...`) checked
 * against the pod as the API server checks them before it upgrades (pkg/registry/core/pod
 * strategy's ExecLocation/AttachLocation and validation of PodExecOptions): the spec, or the Status.
 */
export function execSpec(cluster: ClusterState, target: { namespace: string; pod: string; subresource: "exec" | "attach" }, params: ReadonlyArray<readonly [string, string]>): ExecSpec | KubeApiResponse {
  const first = (name: string) => params.find(([n]) => n === name)?.[1];
  const command = params.filter(([n]) => n === "command").map(([, v]) => v);
  const flags: Record<string, boolean> = {};
  for (const name of ["stdin", "stdout", "stderr", "tty"]) {
    const value = flag(first(name));
    if (value === undefined) return status(400, "BadRequest", `strconv.ParseBool: parsing ${JSON.stringify(first(name))}: invalid syntax`);
    flags[name] = value;
  }
  const pod = cluster.pods[`${target.namespace}/${target.pod}`] as Pod | undefined;
  if (!pod) return status(404, "NotFound", `pods ${goQuote(target.pod)} not found`, { name: target.pod, kind: "pods" });
  const names = pod.spec.containers.map((c) => c.name);
  let container = first("container") ?? "";
  if (container === "") {
    if (names.length !== 1) return status(400, "BadRequest", `a container name must be specified for pod ${target.pod}, choose one of: [${names.join(" ")}]`);
    container = names[0];
  }
  if (!names.includes(container)) return status(400, "BadRequest", `container ${container} is not valid for pod ${target.pod}`);
  if (!pod.spec.nodeName) return status(400, "BadRequest", `pod ${target.pod} does not have a host assigned`);
  if (target.subresource === "exec" && command.length === 0) {
    return status(422, "Invalid", `PodExecOptions ${goQuote("")} is invalid: command: Required value`);
  }
  if (!flags.stdin && !flags.stdout && !flags.stderr) {
    return status(400, "BadRequest", "you must specify at least 1 of stdin, stdout, stderr");
  }
  return { subresource: target.subresource, namespace: target.namespace, pod: target.pod, container, command, stdin: flags.stdin, stdout: flags.stdout, stderr: flags.stderr, tty: flags.tty };
}

/**
 * The kubelet's refusal to attach to a container that is not running (or exec into one): kubectl
 * prints it after `error: unable to upgrade connection: `.
 */
export function containerNotRunning(cluster: ClusterState, spec: ExecSpec): KubeApiResponse | undefined {
  const pod = cluster.pods[`${spec.namespace}/${spec.pod}`];
  const state = pod?.status.containerStatuses?.find((s) => s.name === spec.container)?.state;
  if (state?.running) return undefined;
  return status(404, "NotFound", `container not found (${goQuote(spec.container)})`);
}

/** The answer to the SPDY/3.1 upgrade older kubectl uses: this server streams over WebSocket only. */
export function spdyRefused(): KubeApiResponse {
  return status(400, "BadRequest", "SPDY/3.1 streaming is not supported by this server: use kubectl 1.31 or newer, whose exec, attach and cp use WebSockets (v5.channel.k8s.io), or a client that speaks v4.channel.k8s.io");
}

/**
 * pods/portforward, checked as the API server checks it before it upgrades (the pod exists, it has
 * a node): the pod, or the Status kubectl prints after `error: error upgrading connection: `.
 */
export function portForwardPod(cluster: ClusterState, target: { namespace: string; pod: string }): Pod | KubeApiResponse {
  const pod = cluster.pods[`${target.namespace}/${target.pod}`] as Pod | undefined;
  if (!pod) return status(404, "NotFound", `pods ${goQuote(target.pod)} not found`, { name: target.pod, kind: "pods" });
  if (!pod.spec.nodeName) return status(400, "BadRequest", `pod ${target.pod} does not have a host assigned`);
  return pod;
}

/** A request that is neither a WebSocket nor an SPDY upgrade (as the API server answers a plain GET of pods/exec). */
export function upgradeRequired(): KubeApiResponse {
  return status(400, "BadRequest", "Upgrade request required");
}

/** One message of the stream protocol: the channel byte, then the data. */
export function frame(channel: number, text: string): Uint8Array {
  return Uint8Array.from([channel, ...utf8Bytes(text)]);
}

/** The error channel's last word when the command succeeded (v4+: a metav1.Status as JSON). */
export function successStatus(): string {
  return JSON.stringify({ metadata: {}, status: "Success" });
}

/**
 * A command that exited with `code` (the kubelet's NonZeroExitCode Status, its exit code in the
 * ExitCode cause, which kubectl reads to print `command terminated with exit code N` and exit N).
 */
export function exitCodeStatus(command: readonly string[], code: number): string {
  return JSON.stringify({
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: command '${command.join(" ")}' exited with ${code}: `,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(code) }] },
  });
}

/** A failure before the command ran (the runtime could not start it): kubectl prints `error: <message>`. */
export function internalErrorStatus(message: string): string {
  return JSON.stringify({ metadata: {}, status: "Failure", message, reason: "InternalError", code: 500 });
}

/** A word as a POSIX shell reads it back unchanged. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** The console line that runs `spec` (its own `kubectl exec`), from a shell of its own. */
export function execLine(spec: ExecSpec): string {
  const it = spec.stdin && spec.tty ? " -it" : spec.tty ? " -t" : spec.stdin ? " -i" : "";
  return `kubectl exec${it} -n ${shellWord(spec.namespace)} ${shellWord(spec.pod)} -c ${shellWord(spec.container)} -- ${spec.command.map(shellWord).join(" ")}`;
}

/** How the transcript names the request, as a learner would have typed it. */
export function transcriptCommand(spec: ExecSpec): string {
  const it = spec.stdin && spec.tty ? " -it" : spec.tty ? " -t" : spec.stdin ? " -i" : "";
  const ns = spec.namespace === "default" ? "" : ` -n ${shellWord(spec.namespace)}`;
  if (spec.subresource === "attach") return `kubectl-client: attach${it}${ns} ${shellWord(spec.pod)} -c ${shellWord(spec.container)}`;
  return `kubectl-client: exec${it}${ns} ${shellWord(spec.pod)} -- ${spec.command.map(shellWord).join(" ")}`;
}

/** A terminal's output processing (onlcr): each newline goes out as CR LF. */
export function terminalOutput(text: string): string {
  return text.replace(/\r?\n/g, "\r\n");
}

/** What a terminal's line discipline did with some input bytes. */
export interface TtyEvent {
  /** What the terminal echoes back (the characters typed, CR LF for Enter, `^C`). */
  echo: string;
  /** Lines completed by Enter, in order, or "interrupt" (Ctrl+C) / "eof" (Ctrl+D on an empty line). */
  input: Array<{ line: string } | "interrupt" | "eof">;
}

/**
 * The canonical-mode line discipline of the pod's terminal (termios ICANON, ECHO, ICRNL): kubectl
 * -it puts the learner's terminal in raw mode and sends keys as typed; the remote terminal echoes
 * them, edits the line (Backspace, Ctrl+U) and hands the shell whole lines.
 */
export class TtyLine {
  private line = "";
  private escape = "";

  /** `text`: the bytes received, decoded (the caller keeps a character split across messages for the next). */
  feed(text: string): TtyEvent {
    const event: TtyEvent = { echo: "", input: [] };
    for (const ch of text) {
      if (this.escape !== "") {
        // An escape sequence (arrow keys): the line editor of a real shell moves in it; this one ignores it.
        this.escape += ch;
        if (this.escape.length > 1 && (this.escape !== "\x1b[" && this.escape !== "\x1bO") && /[@-~]$/.test(this.escape)) this.escape = "";
        if (this.escape.length > 16) this.escape = "";
        continue;
      }
      if (ch === "\x1b") this.escape = ch;
      else if (ch === "\r" || ch === "\n") {
        event.echo += "\r\n";
        event.input.push({ line: this.line });
        this.line = "";
      } else if (ch === "\x7f" || ch === "\b") {
        if (this.line !== "") {
          this.line = [...this.line].slice(0, -1).join("");
          event.echo += "\b \b";
        }
      } else if (ch === "\x15") {
        event.echo += "\b \b".repeat([...this.line].length);
        this.line = "";
      } else if (ch === "\x03") {
        event.echo += "^C\r\n";
        this.line = "";
        event.input.push("interrupt");
      } else if (ch === "\x04") {
        if (this.line === "") event.input.push("eof");
      } else if (ch === "\t") {
        this.line += " ";
        event.echo += " ";
      } else if (ch >= " ") {
        this.line += ch;
        event.echo += ch;
      }
    }
    return event;
  }
}

/** Lines of a stream without a terminal (`kubectl exec -i`): whole lines as they complete, the rest kept. */
export class PlainLines {
  private pending = "";

  feed(text: string): string[] {
    this.pending += text;
    const parts = this.pending.split("\n");
    this.pending = parts.pop()!;
    return parts;
  }

  /** The end of input: a last line without its newline is still read. */
  end(): string[] {
    const rest = this.pending;
    this.pending = "";
    return rest === "" ? [] : [rest];
  }
}

/**
 * pods/attach: the container's main process, when it is a shell (a pod started with
 * `kubectl run -it NAME --image=busybox -- sh`): the frame the stream's lines run in, marked as the
 * main process, so its `exit` ends the container as it would. Other processes (servers, one-shot
 * commands) are not attachable here: their output is what `kubectl logs -f` shows.
 */
export function attachFrame(cluster: ClusterState, spec: ExecSpec): ShellFrame | KubeApiResponse {
  const key = `${spec.namespace}/${spec.pod}`;
  const container = cluster.pods[key]?.spec.containers.find((c) => c.name === spec.container);
  if (!container) return status(404, "NotFound", `pods ${goQuote(spec.pod)} not found`, { name: spec.pod, kind: "pods" });
  const argv = [...(container.command ?? []), ...(container.args ?? [])];
  const word = argv[0] ?? findImage(container.image)?.shell ?? "sh";
  const base = word.slice(word.lastIndexOf("/") + 1);
  const behaviour = processBehaviour(container, containerEnvironment(cluster, key, container.name));
  if (behaviour.kind !== "forever" || !["sh", "bash", "ash"].includes(base) || argv.includes("-c") || !container.stdin) {
    return status(400, "BadRequest", `attach is served for a container whose main process is an interactive shell (kubectl run -it ${spec.pod} --image=busybox -- sh); the output of ${goQuote(spec.container)} is what kubectl logs -f shows`);
  }
  return { kind: "pod", namespace: spec.namespace, pod: spec.pod, container: spec.container, shell: base === "bash" ? "bash" : "sh", attached: true };
}

/** What kubectl attach prints itself when the shell ends (attach.go), which the console's exit prints for kubectl run. */
export function withoutReattachHint(text: string, spec: ExecSpec): string {
  return text.replace(`Session ended, resume using 'kubectl attach ${spec.pod} -c ${spec.container} -i -t' command when the pod is running\n`, "");
}
