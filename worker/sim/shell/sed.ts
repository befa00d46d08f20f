// GNU sed 4.9 (Ubuntu 24.04, Debian images): the commands learners use on manifests. `s` with
// flags g, p, i and a number; p, d, q, =, and the hold space (x, h, H, g, G); line numbers, `$` and /regex/ addresses, ranges and `!`;
// -n, -e, -E/-r, -i (with a backup suffix). Regular expressions are POSIX basic (or extended with
// -E) turned into JavaScript's.

import { readOperands } from "./file-tools.ts";
import { errnoText, programFiles } from "./fs-context.ts";
import { basicToJs } from "./text-filters.ts";
import type { ProgramContext } from "./types.ts";

const USAGE = `Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...

  -n, --quiet, --silent
                 suppress automatic printing of pattern space
      --debug
                 annotate program execution
  -e script, --expression=script
                 add the script to the commands to be executed
  -f script-file, --file=script-file
                 add the contents of script-file to the commands to be executed
  --follow-symlinks
                 follow symlinks when processing in place
  -i[SUFFIX], --in-place[=SUFFIX]
                 edit files in place (makes backup if SUFFIX supplied)
  -l N, --line-length=N
                 specify the desired line-wrap length for the \`l' command
  --posix
                 disable all GNU extensions.
  -E, -r, --regexp-extended
                 use extended regular expressions in the script
                 (for portability use POSIX -E).
  -s, --separate
                 consider files as separate rather than as a single,
                 continuous long stream.
      --sandbox
                 operate in sandbox mode (disable e/r/w commands).
  -u, --unbuffered
                 load minimal amounts of data from the input files and flush
                 the output buffers more often
  -z, --null-data
                 separate lines by NUL characters
      --help     display this help and exit
      --version  output version information and exit

If no -e, --expression, -f, or --file option is given, then the first
non-option argument is taken as the sed script to interpret.  All
remaining arguments are names of input files; if no input files are
specified, then the standard input is read.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
`;

type Address = { kind: "line"; n: number } | { kind: "last" } | { kind: "regex"; re: RegExp };

interface SedCommand {
  from?: Address;
  to?: Address;
  negate: boolean;
  name: "s" | "p" | "d" | "q" | "=" | "x" | "h" | "H" | "g" | "G";
  s?: { re: RegExp; replacement: string; global: boolean; nth: number; print: boolean };
  /** For a range: whether it is open (matched its start and not yet its end). */
  open?: boolean;
}

class ScriptError extends Error {}

function parseScript(scripts: string[], extended: boolean): SedCommand[] {
  const commands: SedCommand[] = [];
  scripts.forEach((script, index) => {
    const where = (i: number) => `-e expression #${index + 1}, char ${i}`;
    let i = 0;
    const toRegex = (source: string, flags: string): RegExp => {
      try {
        return new RegExp(extended ? source : basicToJs(source), flags);
      } catch {
        throw new ScriptError(`sed: ${where(i)}: Invalid preceding regular expression`);
      }
    };
    /** Text up to an unescaped `delim`, from i; moves past it. */
    const until = (delim: string, command: string): string => {
      let out = "";
      while (i < script.length && script[i] !== delim) {
        if (script[i] === "\\" && i + 1 < script.length) {
          out += script[i + 1] === delim ? delim : script.slice(i, i + 2);
          i += 2;
          continue;
        }
        if (script[i] === "\n") break;
        out += script[i++];
      }
      if (script[i] !== delim) throw new ScriptError(`sed: ${where(i)}: unterminated ${command}`);
      i++;
      return out;
    };
    const address = (): Address | undefined => {
      if (/\d/.test(script[i] ?? "")) {
        const m = /^\d+/.exec(script.slice(i))![0];
        i += m.length;
        return { kind: "line", n: Number(m) };
      }
      if (script[i] === "$") {
        i++;
        return { kind: "last" };
      }
      if (script[i] === "/") {
        i++;
        const source = until("/", "address regex");
        return { kind: "regex", re: toRegex(source, "") };
      }
      return undefined;
    };
    while (i < script.length) {
      while (i < script.length && /[\s;]/.test(script[i])) i++;
      if (i >= script.length) break;
      const command: SedCommand = { negate: false, name: "p" };
      command.from = address();
      if (command.from && script[i] === ",") {
        i++;
        command.to = address();
        if (!command.to) throw new ScriptError(`sed: ${where(i + 1)}: unexpected \`,'`);
      }
      while (script[i] === " ") i++;
      if (script[i] === "!") {
        command.negate = true;
        i++;
      }
      const name = script[i++];
      if (name === undefined) throw new ScriptError(`sed: ${where(i - 1)}: missing command`);
      if (name === "s") {
        const delim = script[i++];
        if (delim === undefined || delim === "\n" || delim === "\\") throw new ScriptError(`sed: ${where(i)}: unterminated \`s' command`);
        const pattern = until(delim, "`s' command");
        const replacement = until(delim, "`s' command");
        let global = false;
        let nth = 1;
        let print = false;
        let insensitive = false;
        while (i < script.length && !/[\s;}]/.test(script[i])) {
          const f = script[i];
          if (f === "g") global = true;
          else if (f === "p") print = true;
          else if (f === "i" || f === "I") insensitive = true;
          else if (/\d/.test(f)) {
            const m = /^\d+/.exec(script.slice(i))![0];
            nth = Number(m);
            i += m.length - 1;
          } else throw new ScriptError(`sed: ${where(i + 1)}: unknown option to \`s'`);
          i++;
        }
        command.name = "s";
        command.s = { re: toRegex(pattern, insensitive ? "gi" : "g"), replacement, global, nth, print };
      } else if ("pdq=xhHgG".includes(name)) command.name = name as SedCommand["name"];
      else if (name === "y") throw new ScriptError(`sed: ${where(i)}: unterminated \`y' command`);
      else throw new ScriptError(`sed: ${where(i)}: unknown command: \`${name}'`);
      commands.push(command);
    }
  });
  return commands;
}

/** sed's replacement: `&` the match, `\1`..`\9` groups, `\n` a newline, `\&` a literal &. */
function replace(match: RegExpExecArray, replacement: string): string {
  let out = "";
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i];
    if (c === "&") out += match[0];
    else if (c === "\\" && i + 1 < replacement.length) {
      const n = replacement[++i];
      if (/\d/.test(n)) out += match[Number(n)] ?? "";
      else out += n === "n" ? "\n" : n === "t" ? "\t" : n;
    } else out += c;
  }
  return out;
}

function substitute(line: string, s: NonNullable<SedCommand["s"]>): string | undefined {
  s.re.lastIndex = 0;
  let out = "";
  let last = 0;
  let count = 0;
  let changed = false;
  for (let m = s.re.exec(line); m; m = s.re.exec(line)) {
    count++;
    if (count >= s.nth && (s.global || count === s.nth)) {
      out += line.slice(last, m.index) + replace(m, s.replacement);
      last = m.index + m[0].length;
      changed = true;
      if (!s.global) break;
    }
    if (m[0] === "") s.re.lastIndex++;
  }
  return changed ? out + line.slice(last) : undefined;
}

function matches(address: Address, line: string, n: number, last: boolean): boolean {
  if (address.kind === "line") return n === address.n;
  if (address.kind === "last") return last;
  address.re.lastIndex = 0;
  return address.re.test(line);
}

function selected(command: SedCommand, line: string, n: number, last: boolean): boolean {
  let hit: boolean;
  if (!command.from) hit = true;
  else if (!command.to) hit = matches(command.from, line, n, last);
  else if (command.open) {
    hit = true;
    // A line-number end at or before the start line closes the range at once.
    if (command.to.kind === "line" ? n >= command.to.n : matches(command.to, line, n, last)) command.open = false;
  } else if (matches(command.from, line, n, last)) {
    hit = true;
    command.open = !(command.to.kind === "line" && command.to.n <= n) && !(command.to.kind === "last" && last);
  } else hit = false;
  return hit !== command.negate;
}

/** Runs the script over the text; returns the output and whether `q` stopped it. */
function run(commands: SedCommand[], text: string, quiet: boolean): string {
  const lines = text.split("\n");
  const endsWithNewline = lines[lines.length - 1] === "";
  if (endsWithNewline) lines.pop();
  let out = "";
  /** The hold space (x, h, H, g, G). */
  let hold = "";
  for (const c of commands) c.open = false;
  for (let idx = 0; idx < lines.length; idx++) {
    let line = lines[idx];
    const n = idx + 1;
    const last = idx === lines.length - 1;
    const eol = last && !endsWithNewline ? "" : "\n";
    let deleted = false;
    let quit = false;
    for (const c of commands) {
      if (!selected(c, line, n, last)) continue;
      if (c.name === "s") {
        const next = substitute(line, c.s!);
        if (next !== undefined) {
          line = next;
          if (c.s!.print) out += line + "\n";
        }
      } else if (c.name === "p") out += line + "\n";
      else if (c.name === "=") out += `${n}\n`;
      else if (c.name === "x") [line, hold] = [hold, line];
      else if (c.name === "h") hold = line;
      else if (c.name === "H") hold += `\n${line}`;
      else if (c.name === "g") line = hold;
      else if (c.name === "G") line += `\n${hold}`;
      else if (c.name === "d") {
        deleted = true;
        break;
      } else if (c.name === "q") {
        quit = true;
        break;
      }
    }
    if (!deleted && !quiet) out += line + eol;
    if (quit) break;
  }
  return out;
}

export function sed(ctx: ProgramContext): number {
  const args = ctx.argv.slice(1);
  const scripts: string[] = [];
  const files: string[] = [];
  let quiet = false;
  let extended = false;
  let inPlace: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      files.push(...args.slice(i + 1));
      break;
    }
    if (a === "-n" || a === "--quiet" || a === "--silent") quiet = true;
    else if (a === "-E" || a === "-r" || a === "--regexp-extended") extended = true;
    else if (a === "-e" || a === "--expression") {
      if (args[i + 1] === undefined) {
        ctx.err("sed: option requires an argument -- 'e'\n" + USAGE);
        return 1;
      }
      scripts.push(args[++i]);
    } else if (a.startsWith("--expression=")) scripts.push(a.slice(13));
    else if (a.startsWith("-e") && a.length > 2) scripts.push(a.slice(2));
    else if (a === "-i" || a === "--in-place") inPlace = "";
    else if (a.startsWith("--in-place=")) inPlace = a.slice(11);
    else if (a.startsWith("-i")) inPlace = a.slice(2);
    else if (/^-[nEr]+$/.test(a)) {
      if (a.includes("n")) quiet = true;
      if (/[Er]/.test(a)) extended = true;
    } else if (a.startsWith("-") && a !== "-") {
      ctx.err(a.startsWith("--") ? `sed: unrecognized option '${a}'\n${USAGE}` : `sed: invalid option -- '${a[1]}'\n${USAGE}`);
      return 1;
    } else files.push(a);
  }
  if (scripts.length === 0) {
    const script = files.shift();
    if (script === undefined) {
      ctx.err(USAGE);
      return 1;
    }
    scripts.push(script);
  }
  let commands: SedCommand[];
  try {
    commands = parseScript(scripts, extended);
  } catch (error) {
    if (!(error instanceof ScriptError)) throw error;
    ctx.err(`${error.message}\n`);
    return 1;
  }
  if (inPlace !== undefined) {
    if (files.length === 0) {
      ctx.err("sed: no input files\n");
      return 1;
    }
    const fs = programFiles(ctx);
    let code = 0;
    for (const name of files) {
      const path = fs?.resolve(name);
      const read = fs && path ? fs.fs.read(path) : ({ ok: false, errno: "ENOENT" } as const);
      if (!read.ok) {
        ctx.err(read.errno === "EISDIR" ? `sed: couldn't edit ${name}: not a regular file\n` : `sed: can't read ${name}: ${errnoText(read.errno)}\n`);
        code = 2;
        continue;
      }
      if (inPlace !== "") fs!.fs.write(fs!.resolve(inPlace.includes("*") ? inPlace.replace(/\*/g, name) : name + inPlace), read.value);
      const written = fs!.fs.write(path!, run(commands, read.value, quiet));
      if (!written.ok) {
        ctx.err(`sed: couldn't open temporary file ./sed${name.replace(/\W/g, "").slice(0, 6)}: ${errnoText(written.errno)}\n`);
        code = 4;
      }
    }
    return code;
  }
  // Without -s, sed reads its files as one stream; errors name the files it cannot read.
  const { inputs, failed } = readOperands(ctx, "sed", files);
  const text = inputs.map((input) => input.text).join("");
  ctx.out(run(commands, text, quiet));
  return failed ? 2 : 0;
}
