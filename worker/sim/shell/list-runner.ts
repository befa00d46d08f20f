// Runs a parsed line as bash does: each list part on the status so far (`&&`, `||`, `;`), each
// pipeline's stages in turn, and each simple command after expanding its words. Assignments,
// `export` and `unset` are the shell's own; everything else is a program, which the caller runs.
// The console (engine.ts) and `sh -c` in a pod (pod-exec.ts) both run lines through here.

import { assignmentOf, expandHeredoc, expandJoined, expandWords, isValidName, type Expansion } from "./expand.ts";
import { parseLine, splitCommands, wordOf, type ListItem, type ParsedLine, type Word } from "./tokenizer.ts";
import type { Errno } from "../files/file-system.ts";
import { errnoText, type ShellFiles } from "./fs-context.ts";
import type { ShellFrame } from "./types.ts";
import { withExported, withoutVariables, withVariables, withVariablesOf } from "./variables.ts";
import { createWorkBudget, MAX_SUBSTITUTION_DEPTH, spend, WORK_COST, WorkLimitReached, type WorkBudget } from "./work.ts";

export interface ShellHost {
  /** How the shell names itself in its errors: `-bash` on a login, `sh` or `bash` in a pod. */
  readonly name: string;
  /** The frame the line runs in; variables are read from and written to it. */
  frame(): ShellFrame;
  setFrame(frame: ShellFrame): void;
  lookup(name: string): string | undefined;
  /** The environment `export` lists, as name and value. */
  exported(): Array<[string, string]>;
  /** Runs a program. `terminal`: its standard output goes to the terminal (not a pipe, a capture or /dev/null). */
  run(argv: string[], stdin: string | undefined, terminal: boolean, out: (text: string) => void, err: (text: string) => void, work: WorkBudget): number;
  /** Standard output and standard error of the terminal. */
  write(text: string): void;
  err(text: string): void;
  /** A mark to return to after a command substitution, which runs in a subshell: nothing it does to the shell stays. */
  save(): () => void;
  /** How deep the console's shell stack is; a part that changed it (ssh, exec -it, exit) ends the line. */
  depth?(): number;
  /** A script (`sh -c`): `exit [N]` ends it with status N. The console's `exit` is a program instead (it leaves a shell). */
  script?: boolean;
  /** True once a program opened an editor: the line waits for it, so nothing after it runs now. */
  halted?(): boolean;
  /**
   * Runs a pipeline ended by `&` as a job (`run` runs it); absent where the shell has no job
   * control. Returns the status `$?` takes (0 once the job started).
   */
  background?(text: string, run: () => number): number;
  /** The file system of the frame the line runs in, for redirections, `cd` and `pwd`; undefined when its machine is gone. */
  files?(): ShellFiles | undefined;
}

export class ListRunner {
  /** `$?`. */
  status: number;
  /** The status of the last command substitution in the command being expanded. */
  private substituted: number | undefined;
  /** Set by `exit` in a script: nothing more runs. */
  private exited: number | undefined;

  constructor(
    private readonly host: ShellHost,
    status: number,
    /** The work the whole line may do (shell/work.ts), shared with its substitutions and the scripts it runs. */
    readonly work: WorkBudget = createWorkBudget(),
    /** Loop rounds left for the whole command, nested loops and substitutions included. */
    private readonly budget = { rounds: MAX_LOOP_ROUNDS },
    /** How many command substitutions this one runs inside. */
    private readonly depth = 0,
  ) {
    this.status = status;
  }

  private readonly expansion: Expansion = {
    lookup: (name) => this.host.lookup(name),
    status: () => this.status,
    substitute: (source) => this.substitute(source),
    spend: (units) => spend(this.work, units),
  };

  /** The whole line; `out` receives the last stage's standard output (the terminal when absent). */
  runLine(line: ParsedLine, out?: (text: string) => void): number {
    const stdin = line.stdin !== undefined && line.stdinExpands ? expandHeredoc(line.stdin, this.expansion) : line.stdin;
    const first: ListItem = { op: ";", pipeline: line.pipeline, ...(line.background ? { background: true as const, jobText: line.jobText ?? "" } : {}) };
    const items: ListItem[] = [first, ...(line.then ?? [])];
    const compound = parseCompound(items);
    if (typeof compound === "string") {
      this.host.err(`${this.host.name}: ${compound}\n`);
      this.status = 2;
      return 2;
    }
    return this.runList(compound, stdin, out);
  }

  /** A list (`a && b || c; d`, loops among them): each part runs or not on the status so far (bash). */
  private runList(list: Compound[], stdin: string | undefined, out?: (text: string) => void): number {
    let depth = this.host.depth?.();
    let code = this.status;
    list.forEach((item, i) => {
      if (this.exited !== undefined || this.host.halted?.() || (i > 0 && depth !== this.host.depth?.())) return;
      if (i > 0 && ((item.op === "&&" && code !== 0) || (item.op === "||" && code === 0))) return;
      depth = this.host.depth?.();
      const input = i === 0 ? stdin : undefined;
      if (item.kind === "pipeline" && item.background) code = this.runBackground(item.pipeline, item.jobText ?? "", input);
      else code = item.kind === "for" ? this.runFor(item, out) : this.runPipeline(item.pipeline, input, out);
    });
    return this.exited ?? code;
  }

  /** `PIPELINE &`: a job of the shell; its output still goes to the terminal, as a background job's does. */
  private runBackground(stages: Word[][], text: string, stdin: string | undefined): number {
    if (!this.host.background) {
      this.host.err(`${this.host.name}: '&' (background jobs) is supported only in the workstation's shell in this console\n`);
      this.status = 1;
      return 1;
    }
    const code = this.host.background(text, () => this.runPipeline(stages, stdin));
    this.status = code;
    return code;
  }

  /** `for NAME in WORDS; do LIST; done`: the variable takes each word in turn. */
  private runFor(loop: Extract<Compound, { kind: "for" }>, out?: (text: string) => void): number {
    const values = expandWords(loop.words, this.expansion);
    let code = 0;
    for (const value of values) {
      if (this.exited !== undefined || this.host.halted?.()) break;
      spend(this.work, WORK_COST.round);
      if (this.budget.rounds-- <= 0) {
        this.host.err(`${this.host.name}: loop stopped after ${MAX_LOOP_ROUNDS} rounds: a command in this console must finish\n`);
        this.exited = 1;
        break;
      }
      this.host.setFrame(withVariables(this.host.frame(), { [loop.name]: value }));
      code = this.runList(loop.body, undefined, out);
    }
    this.status = code;
    return code;
  }

  /** One pipeline, its stages in order; the status is the last stage's (bash without pipefail). */
  runPipeline(stages: Word[][], firstStdin: string | undefined, out?: (text: string) => void): number {
    let code = 0;
    let pipeIn = firstStdin;
    for (let i = 0; i < stages.length; i++) {
      const last = i === stages.length - 1;
      let captured = "";
      const write = last ? (out ?? ((text: string) => this.host.write(text))) : (text: string) => (captured += text);
      // Every byte a stage writes, into a pipe, a substitution or onto the terminal, is work.
      const sink = (text: string) => {
        spend(this.work, text.length);
        write(text);
      };
      code = this.runSimple(stages[i], pipeIn, last && out === undefined, sink);
      pipeIn = captured;
    }
    this.status = code;
    return code;
  }

  /** `terminal`: standard output goes to the terminal, not into a pipe or a substitution. */
  private runSimple(all: Word[], stdin: string | undefined, terminal: boolean, stdout: (text: string) => void): number {
    this.substituted = undefined;
    // Redirections, left to right: `> /dev/null 2>&1` silences both, `2>&1 > /dev/null` only stdout.
    const fds = {
      1: { write: stdout, terminal },
      2: {
        write: (text: string) => {
          spend(this.work, text.length);
          this.host.err(text);
        },
        terminal: true,
      },
    };
    const words: Word[] = [];
    /** Files opened for output, written when the command ends (each in one write, as a full buffer is). */
    const opened: Array<{ path: string; text: string }> = [];
    let files: ShellFiles | undefined;
    for (const word of all) {
      if (typeof word === "string" || !("redirect" in word)) {
        words.push(word);
        continue;
      }
      const r = word.redirect;
      if ("dup" in r) fds[r.fd] = fds[r.dup];
      else if ("to" in r) {
        if (r.fd === 0) stdin = "";
        else for (const fd of r.fd === "both" ? ([1, 2] as const) : [r.fd]) fds[fd] = { write: () => {}, terminal: false };
      } else {
        // bash opens each file before the command runs: a failure is its error, and the command does not run.
        files ??= this.host.files?.();
        let target = r.file;
        if (r.raw !== undefined) {
          // bash expands the target like a word; anything but one field is an ambiguous redirect.
          const word = wordOf(r.raw);
          const fields = word === undefined ? [] : expandWords([word], this.expansion);
          if (fields.length !== 1) {
            fds[2].write(`${this.host.name}: ${r.raw}: ambiguous redirect\n`);
            return 1;
          }
          target = fields[0];
        }
        const path = files ? files.resolve(target) : target;
        if (target === "") {
          fds[2].write(this.redirectError("", "ENOENT", r.fd === 0, files?.fs.machine.busybox ?? false));
          return 1;
        }
        const failed = (errno: Errno, reading: boolean) => {
          fds[2].write(this.redirectError(target, errno, reading, files?.fs.machine.busybox ?? false));
          return 1;
        };
        if (!files) return failed("ENOENT", r.fd === 0);
        if (r.fd === 0) {
          const read = files.fs.read(path);
          if (!read.ok) return failed(read.errno, true);
          stdin = read.value;
          continue;
        }
        // `>` truncates (or creates) the file now; `>>` creates it if missing and keeps what it holds.
        const opening = files.fs.write(path, "", r.append === true);
        if (!opening.ok) return failed(opening.errno, false);
        const file = { path, text: "" };
        opened.push(file);
        const sink = {
          write: (text: string) => {
            spend(this.work, text.length);
            file.text += text;
          },
          terminal: false,
        };
        for (const fd of r.fd === "both" ? ([1, 2] as const) : [r.fd]) fds[fd] = sink;
      }
    }
    const code = this.runCommand(words, stdin, fds);
    // What the command wrote goes into its files now; a full disk is the program's write error.
    let failed = false;
    for (const file of opened) {
      if (file.text === "" || !files) continue;
      const written = files.fs.write(file.path, file.text, true);
      if (!written.ok && !failed) {
        failed = true;
        fds[2].write(this.writeError(words, written.errno));
      }
    }
    return failed && code === 0 ? 1 : code;
  }

  /** How the shell reports a redirection's file it could not open (bash, dash or busybox's ash). */
  private redirectError(file: string, errno: Errno, reading: boolean, busybox: boolean): string {
    const name = this.host.name;
    if (name === "sh" && busybox) return `sh: can't ${reading ? "open" : "create"} ${reading ? `'${file}'` : file}: ${errno === "ENOENT" && !reading ? "nonexistent directory" : errnoText(errno)}\n`;
    // Debian's sh is dash: it numbers the line and words a missing directory its own way.
    if (name === "sh") return `sh: 1: cannot ${reading ? "open" : "create"} ${file}: ${errno === "ENOENT" ? (reading ? "No such file" : "Directory nonexistent") : errnoText(errno)}\n`;
    return `${name}${this.host.script ? ": line 1" : ""}: ${file}: ${errnoText(errno)}\n`;
  }

  /** A program's message when its standard output could not be written (a full disk). */
  private writeError(words: Word[], errno: Errno): string {
    const first = words.find((w) => typeof w === "string" && !assignmentOf(w));
    const program = typeof first === "string" ? first.slice(first.lastIndexOf("/") + 1) : "";
    // echo and printf are bash builtins; Go programs report the failed write on os.Stdout; coreutils their own way.
    if (program === "echo" || program === "printf") return `${this.host.name}: ${program}: write error: ${errnoText(errno)}\n`;
    if (program === "kubectl") return `error: write /dev/stdout: ${errnoText(errno).toLowerCase()}\n`;
    return `${program}: write error: ${errnoText(errno)}\n`;
  }

  /** A simple command with its descriptors set up: assignments, builtins, or a program. */
  private runCommand(words: Word[], stdin: string | undefined, fds: Record<1 | 2, { write: (text: string) => void; terminal: boolean }>): number {
    const out = fds[1].write;
    const err = fds[2].write;
    let k = 0;
    while (k < words.length && assignmentOf(words[k])) k++;
    if (k === words.length) {
      // Only assignments: they set shell variables; the status is that of the last substitution.
      const values: Record<string, string> = {};
      spend(this.work, WORK_COST.builtin);
      for (const word of words) {
        const assignment = assignmentOf(word)!;
        values[assignment.name] = expandJoined(assignment.value, this.expansion);
        spend(this.work, values[assignment.name].length);
      }
      this.host.setFrame(withVariables(this.host.frame(), values));
      return this.substituted ?? 0;
    }
    const rest = words.slice(k);
    spend(this.work, WORK_COST.builtin);
    if (rest[0] === "export") return this.export(rest.slice(1), out, err);
    const argv = expandWords(rest, this.expansion);
    if (argv.length === 0) return this.substituted ?? 0;
    if (argv[0] === "unset") return this.unset(argv.slice(1), err);
    if (argv[0] === "cd") return this.cd(argv.slice(1), err);
    if (argv[0] === "pwd") {
      const files = this.host.files?.();
      out(`${files?.cwd ?? "/"}\n`);
      return 0;
    }
    // The shell's own `true`, `:` and `false`.
    if (argv[0] === "true" || argv[0] === ":") return 0;
    if (argv[0] === "false") return 1;
    if (argv[0] === "exit" && this.host.script) {
      const n = argv[1] === undefined ? this.status : Number(argv[1]);
      if (!Number.isInteger(n)) {
        err(`${this.host.name}: exit: ${argv[1]}: numeric argument required\n`);
        this.exited = 2;
      } else this.exited = ((n % 256) + 256) % 256;
      return this.exited;
    }
    spend(this.work, WORK_COST.program);
    if (k === 0) return this.host.run(argv, stdin, fds[1].terminal, out, err, this.work);
    // Assignments before a command are exported to that command only (PGPASSWORD=x psql ...).
    const prefix: Record<string, string> = {};
    for (const word of words.slice(0, k)) {
      const assignment = assignmentOf(word)!;
      prefix[assignment.name] = expandJoined(assignment.value, this.expansion);
    }
    const before = this.host.frame();
    const depth = this.host.depth?.();
    this.host.setFrame(withVariables(before, prefix, true));
    const code = this.host.run(argv, stdin, fds[1].terminal, out, err, this.work);
    // A program that moved the console to another shell (ssh, exec -it) left this frame behind as it was.
    if (this.host.depth?.() === depth) this.host.setFrame(withVariablesOf(this.host.frame(), before, Object.keys(prefix)));
    return code;
  }

  /** `export NAME=value NAME ...`, or the exported environment with no names (bash's `declare -x`). */
  private export(words: Word[], out: (text: string) => void, err: (text: string) => void): number {
    const args: Array<{ name: string; value?: string }> = [];
    for (const word of words) {
      const assignment = assignmentOf(word);
      if (assignment) args.push({ name: assignment.name, value: expandJoined(assignment.value, this.expansion) });
      else for (const name of expandWords([word], this.expansion)) args.push({ name });
    }
    const names = args.filter((a) => a.name !== "-p");
    if (names.length === 0) {
      const lines = this.host.exported().sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      out(lines.map(([name, value]) => `declare -x ${name}="${value.replace(/(["\\$`])/g, "\\$1")}"\n`).join(""));
      return 0;
    }
    let code = 0;
    let frame = this.host.frame();
    for (const { name, value } of names) {
      if (!isValidName(name)) {
        err(`${this.host.name}: export: \`${value === undefined ? name : `${name}=${value}`}': not a valid identifier\n`);
        code = 1;
        continue;
      }
      frame = value === undefined ? withExported(frame, [name]) : withVariables(frame, { [name]: value }, true);
    }
    this.host.setFrame(frame);
    return code;
  }

  /** bash's `cd [DIR]`: no argument is $HOME, `-` the previous directory (and prints it). */
  private cd(args: string[], err: (text: string) => void): number {
    const files = this.host.files?.();
    if (!files) return 1;
    const shell = this.host.name;
    if (args.length > 1) {
      err(`${shell}: cd: too many arguments\n`);
      return 1;
    }
    const frame = this.host.frame();
    let target = args[0] ?? this.host.lookup("HOME") ?? files.fs.machine.home;
    if (target === "-") {
      const previous = frame.vars?.OLDPWD;
      if (previous === undefined) {
        err(`${shell}: cd: OLDPWD not set\n`);
        return 1;
      }
      target = previous;
    }
    const path = files.resolve(target);
    const stat = files.fs.stat(path);
    const errno: Errno | undefined = !stat.ok ? stat.errno : stat.value.type !== "dir" ? "ENOTDIR" : undefined;
    if (errno || (stat.ok && !files.fs.isDir(path))) {
      err(`${shell}: cd: ${target}: ${errnoText(errno ?? "ENOTDIR")}\n`);
      return 1;
    }
    if (!files.fs.list(path).ok && files.fs.machine.user !== "root") {
      // Entering needs the search bit; /root is 700.
      err(`${shell}: cd: ${target}: ${errnoText("EACCES")}\n`);
      return 1;
    }
    const next = withVariables(frame, { OLDPWD: files.cwd });
    this.host.setFrame(path === (frame.kind === "pod" ? "/" : files.fs.machine.home) ? withoutCwd(next) : { ...next, cwd: path });
    if (args[0] === "-") this.host.write(`${path}\n`);
    return 0;
  }

  private unset(names: string[], err: (text: string) => void): number {
    let code = 0;
    const valid = names.filter((name) => {
      if (name === "-v" || isValidName(name)) return true;
      err(`${this.host.name}: unset: \`${name}': not a valid identifier\n`);
      code = 1;
      return false;
    });
    this.host.setFrame(withoutVariables(this.host.frame(), valid.filter((n) => n !== "-v")));
    return code;
  }

  /** `$(...)`: runs in a subshell, its lines one after another; its standard output becomes the word, its errors go to the terminal. */
  private substitute(source: string): string {
    spend(this.work, WORK_COST.subshell + source.length);
    if (this.depth >= MAX_SUBSTITUTION_DEPTH) {
      throw new WorkLimitReached(`The playground stopped this command: its command substitutions nest more than ${MAX_SUBSTITUTION_DEPTH} deep.`);
    }
    const restore = this.host.save();
    const inner = new ListRunner(this.host, this.status, this.work, this.budget, this.depth + 1);
    let captured = "";
    let code = 0;
    try {
      for (const command of splitCommands(source)) {
        const parsed = parseLine(command);
        if (!parsed.ok) {
          this.host.err(parsed.error.replace(/^-bash:/, `${this.host.name}:`));
          code = inner.status = 2;
          continue;
        }
        if (parsed.line.warning) this.host.err(parsed.line.warning);
        if (parsed.line.pipeline.length > 0) code = inner.runLine(parsed.line, (text) => (captured += text));
      }
    } finally {
      // A subshell stopped half-way leaves nothing behind either.
      restore();
    }
    this.status = code;
    this.substituted = code;
    return captured;
  }
}

/** The frame in its default directory (its home, or `/` in a container). */
function withoutCwd(frame: ShellFrame): ShellFrame {
  if (frame.cwd === undefined) return frame;
  const next = { ...frame };
  delete next.cwd;
  return next;
}

/** Loop rounds one command may run in all (a console must answer). */
const MAX_LOOP_ROUNDS = 1000;

/** A list part: a pipeline, or a `for` loop with its body (itself a list). */
type Compound =
  | { kind: "pipeline"; op: ListItem["op"]; pipeline: Word[][]; background?: true; jobText?: string }
  | { kind: "for"; op: ListItem["op"]; name: string; words: Word[]; body: Compound[] };

/** The literal text of a word, when it has nothing to expand. */
const literal = (word: Word | undefined): string | undefined => (typeof word === "string" ? word : undefined);

/**
 * Finds `for NAME in WORDS; do ...; done` in a flat list. The tokenizer splits the loop at its
 * semicolons, so `do` starts the first part of the body and a part that is just `done` ends it.
 * A syntax error is bash's message (without the shell's name).
 */
function parseCompound(items: ListItem[]): Compound[] | string {
  const out: Compound[] = [];
  let i = 0;
  const parse = (until: "done" | undefined): Compound[] | string => {
    const list: Compound[] = [];
    while (i < items.length) {
      const item = items[i];
      const first = item.pipeline[0] ?? [];
      if (until && item.pipeline.length === 1 && first.length === 1 && literal(first[0]) === until) {
        i++;
        return list;
      }
      if (literal(first[0]) === "for" && item.pipeline.length === 1) {
        const name = literal(first[1]);
        if (!name) return `syntax error near unexpected token \`${first[1] === undefined ? "newline" : "$"}'`;
        if (!isValidName(name)) return `\`${name}': not a valid identifier`;
        const words = literal(first[2]) === "in" ? first.slice(3) : [];
        i++;
        const body = items[i];
        const bodyFirst = body?.pipeline[0] ?? [];
        if (!body || literal(bodyFirst[0]) !== "do") return "syntax error: unexpected end of file";
        // `do` is not a command: the body's first part is what follows it (or the next line).
        if (bodyFirst.length === 1 && body.pipeline.length === 1) i++;
        else items[i] = { ...body, op: ";", pipeline: [bodyFirst.slice(1), ...body.pipeline.slice(1)] };
        if (!items[i]) return "syntax error: unexpected end of file";
        const start = items[i].pipeline[0] ?? [];
        if (start.length === 0 || literal(start[0]) === "done") return "syntax error near unexpected token `done'";
        const inner = parse("done");
        if (typeof inner === "string") return inner;
        list.push({ kind: "for", op: item.op, name, words, body: inner });
        continue;
      }
      if (literal(first[0]) === "do" || literal(first[0]) === "done") return `syntax error near unexpected token \`${literal(first[0])}'`;
      list.push({ kind: "pipeline", op: item.op, pipeline: item.pipeline, ...(item.background ? { background: true as const, jobText: item.jobText } : {}) });
      i++;
    }
    return until ? "syntax error: unexpected end of file" : list;
  };
  const list = parse(undefined);
  if (typeof list === "string") return list;
  out.push(...list);
  return out;
}
