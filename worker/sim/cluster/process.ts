// What the main process of a container does once started: run forever (a server, `sleep
// infinity`, a `while true` loop) or exit after some time with an exit code. Decided from the
// image's default process and the command and args of the spec, the way a shell would run them.
import { literalEnvironment } from "./container-env.ts";
import { databaseEntrypoint } from "./database-entrypoint.ts";
import { findImage, isSystemImage } from "./images.ts";
import type { Container } from "./types.ts";

export type ProcessBehaviour =
  | { kind: "forever" }
  /**
   * `kubectl run -i` of a client program the console runs for real (wget, curl, nslookup ...):
   * it runs while the attached client watches, and that client reports how it ended
   * (endAttachedProcess). Until then it is running.
   */
  | { kind: "attached" }
  | { kind: "exits"; afterMs: number; exitCode: number; reason: "Completed" | "Error" | "StartError" };

const FOREVER: ProcessBehaviour = { kind: "forever" };
const ATTACHED: ProcessBehaviour = { kind: "attached" };

/** Programs whose run the console simulates itself (output, exit code) when a client attaches. */
export const ATTACHABLE_PROGRAMS = new Set(["wget", "curl", "nslookup", "ping", "echo", "cat", "env", "printenv", "hostname", "redis-cli", "psql", "mysql", "mariadb"]);

/** Programs a shell in the catalogue's images can start (builtins and common utilities). */
const KNOWN_PROGRAMS = new Set([
  "sh", "bash", "ash", "echo", "printf", "sleep", "tail", "cat", "env", "printenv", "hostname", "wget", "curl", "nslookup",
  "ping", "true", "false", "exit", "date", "ls", "pwd", "id", "whoami", "uname", "test", "[", "set", "export", "cd", "trap",
  "while", "for", "if", "until", "do", "done", "read", "yes", "top", "watch", "nc", "touch", "mkdir", "rm", "cp", "mv", "grep",
  "head", "timeout", "exec", "redis-cli", "psql", "mysql", "mariadb", "/bin/sh", "/bin/bash", "/bin/ash", "/bin/sleep", "/bin/echo", "/usr/bin/tail", "/usr/bin/env",
]);

const SERVER_PROGRAMS = ["/nginx-ingress-controller", "nginx", "httpd", "apachectl", "httpd-foreground", "catalina.sh", "redis-server", "mysqld", "mariadbd", "docker-entrypoint.sh", "postgres", "/whoami", "/http-echo", "python", "node", "java"];

function sleepSeconds(arg: string | undefined): number | undefined {
  if (arg === undefined) return undefined;
  if (arg === "infinity" || arg === "inf") return Infinity;
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(arg);
  if (!m) return undefined;
  return Number(m[1]) * ({ "": 1, s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[m[2]];
}

/** Looks at a shell script (or an argv joined) for how long it runs and how it ends. */
function analyseScript(script: string): ProcessBehaviour {
  const words = script.split(/[\s;&|()]+/).filter(Boolean);
  if (/\bwhile\s+(true|:|\[\s*1\s*\]|sleep\b)/.test(script) || /\buntil\s+false\b/.test(script)) return FOREVER;
  if (/\btail\s+(-[a-zA-Z]*f\b|--follow)/.test(script) || /\b(yes|top|watch|nc\s+-l)\b/.test(script)) return FOREVER;
  let seconds = 0;
  for (let i = 0; i < words.length; i++) {
    if (words[i] === "sleep" || words[i].endsWith("/sleep")) {
      const s = sleepSeconds(words[i + 1]);
      if (s === Infinity) return FOREVER;
      if (s !== undefined) seconds += s;
    }
  }
  const exit = /\bexit\s+(\d+)/.exec(script);
  let code = exit ? Number(exit[1]) % 256 : 0;
  if (!exit && /(^|[;&|]\s*)false\s*$/.test(script.trim())) code = 1;
  return { kind: "exits", afterMs: seconds * 1000, exitCode: code, reason: code === 0 ? "Completed" : "Error" };
}

/**
 * `env` is the environment the process starts with (container-env.ts); a database image's
 * entrypoint reads its password there. Without it, the container's literal values.
 */
export function processBehaviour(container: Container, env?: Readonly<Record<string, string>>): ProcessBehaviour {
  if (isSystemImage(container.image)) return FOREVER;
  const image = findImage(container.image);
  // A task image runs its program at start; what it did decides the exit code (the kubelet's runner).
  if (image?.task && runsTask(container)) return { kind: "exits", afterMs: 0, exitCode: 0, reason: "Completed" };
  const command = container.command ?? [];
  const args = container.args ?? [];
  if (command.length === 0 && args.length === 0) {
    // The image's own CMD: a server runs; busybox/alpine/ubuntu's shell reads its stdin, so it
    // exits at once on the empty stdin a container gets, but waits when stdin is kept open (-i).
    if (image?.server) return serverBehaviour(container, env);
    if (container.stdin && image?.shell && image.repository !== "curlimages/curl") return FOREVER;
    return { kind: "exits", afterMs: 0, exitCode: 0, reason: "Completed" };
  }
  // Without a command, args go to the image's entrypoint: options keep its server running.
  if (runsImageServer(container)) return serverBehaviour(container, env);
  const argv = command.length > 0 ? [...command, ...args] : args;
  const program = argv[0];
  const base = program.split("/").pop() ?? program;
  if (SERVER_PROGRAMS.some((s) => program === s || base === s.replace(/^\//, ""))) return image?.server ? FOREVER : startError();
  if (!KNOWN_PROGRAMS.has(program) && !KNOWN_PROGRAMS.has(base)) return startError();
  const shell = ["sh", "bash", "ash"].includes(base);
  if (shell) {
    const c = argv.indexOf("-c");
    if (c >= 0) return analyseScript(argv.slice(c + 1).join(" "));
    // An interactive shell (or `cat`) waits on an open stdin; on an empty one it ends at once.
    return container.stdin ? FOREVER : { kind: "exits", afterMs: 0, exitCode: 0, reason: "Completed" };
  }
  if (base === "cat" && argv.length === 1 && container.stdin) return FOREVER;
  if (container.stdin && container.stdinOnce && ATTACHABLE_PROGRAMS.has(base)) return ATTACHED;
  return analyseScript(argv.join(" "));
}

/**
 * The container runs its image's server: no command, and any args are the server's own (options,
 * or the server program itself). docker-library's entrypoints (nginx, redis, postgres, mysql ...)
 * exec a first arg that is not an option, so `kubectl run c --image=redis -- redis-cli ping` runs
 * redis-cli instead; images without a shell (whoami, http-echo) take every arg as a flag.
 */
export function runsImageServer(container: Container): boolean {
  const image = findImage(container.image);
  if (!image?.server) return false;
  if (image.task) return !runsTask(container);
  // agnhost's ENTRYPOINT is /agnhost: its args are always agnhost's, and pages also spell it out.
  if (image.server.kind === "agnhost") return !container.command?.length || isAgnhost(container.command[0]);
  // A command that names the server program itself (`-- /http-echo -text=v1`, `nginx -g 'daemon off;'`)
  // runs the server with the rest as its flags; any other command (a shell, sleep) replaces it.
  if (container.command?.length) return isServerProgram(container.command[0]);
  const first = container.args?.[0];
  if (first === undefined || !image.shell || first.startsWith("-")) return true;
  return isServerProgram(first);
}

function isServerProgram(program: string): boolean {
  const base = program.split("/").pop() ?? program;
  return SERVER_PROGRAMS.some((s) => program === s || base === s.replace(/^\//, ""));
}

function isAgnhost(program: string): boolean {
  return program === "/agnhost" || program === "agnhost";
}

/**
 * A task image's program runs (and exits) rather than its server: always for a task-only image;
 * NGINX Gateway Fabric's binary serves only as `controller` (any other subcommand, generate-certs
 * in its Job, does its work and ends).
 */
export function runsTask(container: Container): boolean {
  const image = findImage(container.image);
  if (!image?.task) return false;
  if (!image.server) return true;
  return (container.command?.length ? [...container.command.slice(1), ...(container.args ?? [])] : (container.args ?? []))[0] !== "controller";
}

/** The arguments the image's server process gets (after its program name), when it runs one. */
export function serverArgs(container: Container): string[] {
  const command = container.command ?? [];
  return [...command.slice(1), ...(container.args ?? [])];
}

/** agnhost's subcommands that serve until stopped; any other prints and exits. */
const AGNHOST_SERVERS = new Set(["netexec", "serve-hostname", "liveness"]);

/**
 * A Go flag's value as cobra/pflag reads it: `--name=v`, `-name=v`, `--name v`. Undefined when
 * the flag is absent.
 */
export function flagValue(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const m = /^--?([^=]+)(?:=(.*))?$/s.exec(args[i]);
    if (!m || m[1] !== name) continue;
    if (m[2] !== undefined) return m[2];
    return args[i + 1];
  }
  return undefined;
}

/**
 * The ports a container's server process listens on: the image's, except where the process's
 * flags choose them (agnhost netexec --http-port/--udp-port, serve-hostname --port).
 */
export function serverPorts(container: Container): Array<{ port: number; protocol: "TCP" | "UDP" }> {
  const server = findImage(container.image)?.server;
  if (!server || !runsImageServer(container)) return [];
  // NGF's nginx listens where its configuration says: the Gateway's listener ports, which its
  // provisioner declares as the container's ports (8081 answers the readiness probe).
  if (server.kind === "ngf-nginx") {
    const declared = (container.ports ?? []).map((p) => ({ port: p.containerPort, protocol: (p.protocol ?? "TCP") as "TCP" | "UDP" }));
    return [...server.ports, ...declared.filter((d) => !server.ports.some((s) => s.port === d.port && s.protocol === d.protocol))];
  }
  if (server.kind !== "agnhost") return server.ports;
  const args = serverArgs(container);
  const port = (name: string, fallback: number): number => {
    const value = flagValue(args, name);
    const n = value === undefined ? fallback : Number(value);
    return Number.isInteger(n) ? n : fallback;
  };
  if (args[0] === "netexec") {
    const ports: Array<{ port: number; protocol: "TCP" | "UDP" }> = [{ port: port("http-port", 8080), protocol: "TCP" }];
    const udp = port("udp-port", 8081);
    if (udp !== -1) ports.push({ port: udp, protocol: "UDP" });
    return ports;
  }
  if (args[0] === "serve-hostname") return [{ port: port("port", 9376), protocol: "TCP" }];
  // liveness/server.go: ListenAndServe(":8080"), no flags.
  if (args[0] === "liveness") return [{ port: 8080, protocol: "TCP" }];
  return [];
}

/** An agnhost subcommand that runs until stopped: a server, or pause, the image's CMD (no args). */
function runsUntilStopped(subcommand: string | undefined): boolean {
  return subcommand === undefined || subcommand === "pause" || AGNHOST_SERVERS.has(subcommand);
}

/** The image's own entrypoint: a server runs, unless the database image refuses its environment. */
function serverBehaviour(container: Container, env: Readonly<Record<string, string>> | undefined): ProcessBehaviour {
  const kind = findImage(container.image)?.server?.kind;
  // agnhost without a serving subcommand prints cobra's help (or the subcommand's output) and exits 0.
  if (kind === "agnhost" && !runsUntilStopped(serverArgs(container)[0])) return { kind: "exits", afterMs: 0, exitCode: 0, reason: "Completed" };
  if (kind !== "postgres" && kind !== "mysql" && kind !== "mariadb") return FOREVER;
  const verdict = databaseEntrypoint(kind, env ?? literalEnvironment(container));
  return verdict.ok ? FOREVER : { kind: "exits", afterMs: verdict.afterMs, exitCode: 1, reason: "Error" };
}

function startError(): ProcessBehaviour {
  return { kind: "exits", afterMs: 0, exitCode: 128, reason: "StartError" };
}

/** The message containerd gives when the program does not exist in the image. */
export function startErrorMessage(container: Container): string {
  const program = (container.command ?? container.args ?? [])[0] ?? "";
  return `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: ${JSON.stringify(program)}: executable file not found in $PATH: unknown`;
}
