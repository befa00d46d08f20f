// `npm run sim`: the simulated cluster in a terminal. Interactive (readline, history) when stdin is
// a TTY; with piped input it runs the script and prints a reproducible transcript.
//   --seed N        random seed (default 1)
//   --start ISO     simulated start time (default 2026-01-01T00:00:00Z)
//   --step-ms N     simulated time per command (default 4000)
//   --cni flannel|calico, --load-balancer metallb|none, --ingress none|nginx
//                   the cluster's network plugin and add-ons (default flannel, metallb, none)

import { createInterface } from "node:readline";
import * as v from "valibot";
import { ClusterProfileInput, resolveProfile } from "../cluster/profile.ts";
import { MAX_CLUSTERS } from "../cluster/layout.ts";
import { createSession, execute, foregroundJob, interrupt } from "../engine.ts";
import { parseLine } from "../shell/tokenizer.ts";
import { defaultTranscriptOptions, renderHint, renderNotes, runScript, sessionOptions, type TranscriptOptions } from "./transcript.ts";

function parseArgs(argv: string[]): TranscriptOptions {
  const options = { ...defaultTranscriptOptions };
  const profile: Record<string, string> = {};
  const usage = "usage: npm run sim -- [--seed N] [--start ISO-TIME] [--step-ms N] [--cni flannel|calico] [--load-balancer metallb|none] [--ingress none|nginx] [--clusters NAME,NAME,...] [< script.txt]\n";
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split("=", 2);
    const value = inline ?? argv[++i];
    if (name === "--seed") options.seed = Number(value);
    else if (name === "--start") options.start = Date.parse(value);
    else if (name === "--step-ms") options.stepMs = Number(value);
    else if (name === "--cni") profile.cni = value;
    else if (name === "--load-balancer") profile.loadBalancer = value;
    else if (name === "--ingress") profile.ingress = value;
    else if (name === "--clusters") {
      const names = value.split(",");
      if (names.length > MAX_CLUSTERS || new Set(names).size !== names.length || !names.every((n) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(n))) {
        process.stderr.write(`sim: --clusters takes 1 to ${MAX_CLUSTERS} distinct names (lower-case letters, digits, '-'): ${value}\n`);
        process.exit(2);
      }
      options.clusters = names;
    } else {
      process.stderr.write(`sim: unknown option ${argv[i]}\n${usage}`);
      process.exit(2);
    }
    if (Number.isNaN(options.seed) || Number.isNaN(options.start) || Number.isNaN(options.stepMs)) {
      process.stderr.write(`sim: bad value for ${name}: ${value}\n`);
      process.exit(2);
    }
  }
  const parsed = v.safeParse(ClusterProfileInput, profile);
  if (!parsed.success) {
    process.stderr.write(`sim: ${parsed.issues[0].message}\n${usage}`);
    process.exit(2);
  }
  return { ...options, profile: resolveProfile(parsed.output) };
}

async function readAll(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function interactive(options: TranscriptOptions): Promise<void> {
  let state = createSession(sessionOptions(options));
  let now = options.start;
  let prompt = "student@workstation:~$ ";
  const rl = createInterface({ input: process.stdin, output: process.stdout, historySize: 1000, terminal: true });
  let pending = "";
  rl.setPrompt(prompt);
  rl.prompt();
  // Ctrl+C stops a foreground job (kubectl port-forward); with none it leaves, as before.
  rl.on("SIGINT", () => {
    if (!foregroundJob(state)) return rl.close();
    const result = interrupt(state);
    state = result.state;
    process.stdout.write(result.output);
    rl.setPrompt(prompt);
    rl.prompt();
  });
  for await (const line of rl) {
    pending = pending === "" ? line : `${pending}\n${line}`;
    // Wait for the rest of a heredoc, a quote or a continuation line, as bash does with "> ".
    const parsed = parseLine(pending);
    const incomplete =
      (!parsed.ok && parsed.error.includes("unexpected EOF")) ||
      (parsed.ok && parsed.line.warning !== undefined) ||
      /\\$/.test(pending);
    if (incomplete) {
      rl.setPrompt("> ");
      rl.prompt();
      continue;
    }
    // Time a command skipped (kubectl delete/wait) is carried by the state's clock skew.
    now += options.stepMs;
    const result = execute(state, pending, { now, typed: true });
    pending = "";
    state = result.state;
    process.stdout.write(result.output);
    if (result.output !== "" && !result.output.endsWith("\n") && (result.hint || result.notes)) process.stdout.write("\n");
    if (result.hint) process.stdout.write(renderHint(result.hint));
    if (result.notes) process.stdout.write(renderNotes(result.notes));
    prompt = result.prompt;
    rl.setPrompt(prompt);
    rl.prompt();
  }
  process.stdout.write("\n");
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (process.stdin.isTTY) {
    await interactive(options);
    return;
  }
  const script = await readAll();
  process.stdout.write(runScript(script, options).transcript);
}

void main();
