// Commands copied from course notes, slides and blogs carry what word processors put in text:
// typographic dashes for `--`, curly quotes, no-break and zero-width spaces, the `$ ` of a prompt.
// bash and kubectl take them literally (that is what they really do, and the console keeps it);
// this module only looks at the line as typed and, when those characters made the command fail
// or changed what it means, names them and offers the command as it was meant.

/** A hint shown after a command's output, never part of it. */
export interface PasteHint {
  /** One line for a person: what was found and why it matters. */
  message: string;
  /** The command with the characters replaced, ready to run. */
  corrected: string;
  /** The characters found, each with its Unicode name and code point, e.g. "en dash (U+2013)". */
  found: string[];
}

interface CharInfo {
  name: string;
  replacement: string;
  what: "dash" | "quote" | "space" | "invisible" | "line-end";
}

/** Unicode names (the standard's, lower-cased) and what a shell user meant by each. */
const CHARS: Record<string, CharInfo> = {
  "\u2010": { name: "hyphen", replacement: "-", what: "dash" },
  "\u2011": { name: "non-breaking hyphen", replacement: "-", what: "dash" },
  "\u2012": { name: "figure dash", replacement: "-", what: "dash" },
  "\u2013": { name: "en dash", replacement: "-", what: "dash" },
  "\u2014": { name: "em dash", replacement: "-", what: "dash" },
  "\u2015": { name: "horizontal bar", replacement: "-", what: "dash" },
  "\u2212": { name: "minus sign", replacement: "-", what: "dash" },
  "\u201C": { name: "left double quotation mark", replacement: '"', what: "quote" },
  "\u201D": { name: "right double quotation mark", replacement: '"', what: "quote" },
  "\u201E": { name: "double low-9 quotation mark", replacement: '"', what: "quote" },
  "\u2033": { name: "double prime", replacement: '"', what: "quote" },
  "\u2018": { name: "left single quotation mark", replacement: "'", what: "quote" },
  "\u2019": { name: "right single quotation mark", replacement: "'", what: "quote" },
  "\u201A": { name: "single low-9 quotation mark", replacement: "'", what: "quote" },
  "\u2032": { name: "prime", replacement: "'", what: "quote" },
  "\u00A0": { name: "no-break space", replacement: " ", what: "space" },
  "\u202F": { name: "narrow no-break space", replacement: " ", what: "space" },
  "\u2007": { name: "figure space", replacement: " ", what: "space" },
  "\u3000": { name: "ideographic space", replacement: " ", what: "space" },
  "\u200B": { name: "zero width space", replacement: "", what: "invisible" },
  "\u200C": { name: "zero width non-joiner", replacement: "", what: "invisible" },
  "\u200D": { name: "zero width joiner", replacement: "", what: "invisible" },
  "\u2060": { name: "word joiner", replacement: "", what: "invisible" },
  "\uFEFF": { name: "zero width no-break space", replacement: "", what: "invisible" },
  // A Windows line ending (CR LF) read by bash, which ends lines at LF only.
  "\r": { name: "carriage return", replacement: "", what: "line-end" },
};

const DASHES = /[\u2010-\u2015\u2212]/;
// Sticky: matched where the scan is, without copying the rest of an 8 KB line each time.
const TRAILING_SPACES = /[ \t]+(?=\n|$)/y;
const OPTION_NAME = /[A-Za-z][\w-]*/y;
const WORD_END = /[\s;|&<>()]/;

/** A named character as the hint shows it: "en dash (U+2013)". */
export function describeChar(c: string): string {
  const code = c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
  const name = CHARS[c]?.name ?? "character";
  return `${name} (U+${code})`;
}

interface Finding {
  /** Index in the line, and how many characters the finding covers. */
  at: number;
  length: number;
  replacement: string;
  /** The characters it is about (for the names in the message). */
  chars: string;
  /** Wrong whatever came of the command (it cannot be what was meant); else only when it failed. */
  strong: boolean;
  reason: string;
}

/**
 * The hint for a command line, or undefined. `exitCode` is the command's: characters that could
 * also be meant (a dash inside a word) are only pointed out when the command failed; characters
 * inside quotes are the learner's text (an en dash in an annotation) and never are.
 */
export function pasteHint(line: string, exitCode: number): PasteHint | undefined {
  const { findings, cut } = scan(line);
  if (findings.length === 0) return undefined;
  if (exitCode === 0 && !findings.some((f) => f.strong)) return undefined;
  let corrected = "";
  let from = 0;
  for (const f of findings) {
    corrected += line.slice(from, f.at) + f.replacement;
    from = f.at + f.length;
  }
  corrected += line.slice(from);
  // The lines a runaway quote swallowed were commands of their own: the fix is the first line.
  if (cut) corrected = corrected.split("\n")[0];
  if (corrected === line || corrected.trim() === "") return undefined;

  const counts = new Map<string, number>();
  const reasons: string[] = [];
  for (const f of findings) {
    for (const c of f.chars) counts.set(c, (counts.get(c) ?? 0) + 1);
    if (!reasons.includes(f.reason)) reasons.push(f.reason);
  }
  const found = [...counts.keys()].map(describeChar);
  const named = [...counts].map(([c, n]) => (n > 1 ? `${n} × ${describeChar(c)}` : describeChar(c)));
  const chars = named.length > 0 ? `pasted text has ${named.join(", ")}: ` : "";
  return { message: `${chars}${reasons.join("; ")}.`, corrected, found };
}

function scan(line: string): { findings: Finding[]; cut: boolean } {
  const findings: Finding[] = [];
  let i = 0;

  // A prompt copied with the command: `$ kubectl ...` runs a program called `$`; `# kubectl ...`
  // is a comment (the `#` prompt of root), so nothing runs.
  const prompt = /^[ \t]*([$#])[ \t\u00A0]+(?=[A-Za-z])/.exec(line);
  if (prompt) {
    const word = /^[A-Za-z][\w.-]*/.exec(line.slice(prompt[0].length))?.[0] ?? "";
    if (prompt[1] === "$" || PROGRAMS.has(word)) {
      findings.push({
        at: 0,
        length: prompt[0].length,
        replacement: "",
        chars: "",
        strong: true,
        reason: prompt[1] === "$" ? "the line starts with the `$ ` of a shell prompt, which bash runs as a command named `$`" : "the line starts with the `# ` of a root prompt, which bash reads as a comment, so nothing ran",
      });
      i = prompt[0].length;
    }
  }

  // bash reads the first line (up to the heredoc's body) as words; the body is data, left alone.
  const heredoc = /<<-?\s*['"]?[A-Za-z_]/.test(line.split("\n")[0]);
  const wordsEnd = heredoc ? line.indexOf("\n") === -1 ? line.length : line.indexOf("\n") : line.length;

  let quote: "'" | '"' | null = null;
  let quoteStart = -1;
  let wordStart = true;
  const quoted: number[] = [];
  for (; i < wordsEnd; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else quoted.push(i);
      wordStart = false;
      continue;
    }
    if (quote === '"') {
      if (c === "\\") i++;
      else if (c === '"') quote = null;
      else quoted.push(i);
      wordStart = false;
      continue;
    }
    if (c === "\\") {
      // A backslash that only escapes spaces at the end of a line: bash joins the next line only
      // when the backslash is the last character, so the command ended here.
      TRAILING_SPACES.lastIndex = i + 1;
      const rest = TRAILING_SPACES.exec(line);
      if (rest) {
        findings.push({ at: i + 1, length: rest[0].length, replacement: "", chars: "", strong: true, reason: "a `\\` followed by spaces ends the line: bash continues a command on the next line only when `\\` is the last character, so the next line ran on its own" });
        i += rest[0].length;
        continue;
      }
      // `\` before a Windows line ending escapes the `\r`, not the line end: the same, and the `\r` goes.
      if (line[i + 1] === "\r" && (i + 2 === line.length || line[i + 2] === "\n")) {
        findings.push(unquoted(line, i + 1, false)!);
        i++;
        continue;
      }
      i++;
      wordStart = false;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      quoteStart = i;
      wordStart = false;
      continue;
    }
    if (c === "#" && wordStart) {
      // A comment: the rest of the line is not run.
      while (i < wordsEnd && line[i] !== "\n") i++;
      wordStart = true;
      continue;
    }
    const found = unquoted(line, i, wordStart);
    if (found) {
      findings.push(found);
      i = found.at + found.length - 1;
      wordStart = found.replacement === " ";
      continue;
    }
    wordStart = /\s/.test(c) || /[;|&<>(=]/.test(c);
  }
  // A heredoc written with Windows line endings: its delimiter took the `\r` and so do its body's
  // lines (bash matched `EOF\r` with `EOF\r`); the command as meant drops every one of them.
  if (heredoc && findings.some((f) => f.chars === "\r" && f.at === wordsEnd - 1)) {
    for (let at = line.indexOf("\r", wordsEnd); at !== -1; at = line.indexOf("\r", at + 1)) {
      if (at + 1 === line.length || line[at + 1] === "\n") findings.push(unquoted(line, at, false)!);
    }
  }
  // A quote left open by a curly one closing it (`'{.items}’`): those inside it are the fix too.
  let cut = false;
  if (quote !== null) {
    const lineEnd = line.indexOf("\n", quoteStart);
    for (const at of quoted) {
      if (lineEnd !== -1 && at > lineEnd) break;
      const info = CHARS[line[at]];
      if (info?.what === "quote" && info.replacement === quote) {
        cut = lineEnd !== -1;
        findings.push({ at, length: 1, replacement: quote, chars: line[at], strong: true, reason: `a curly quote where \`${quote}\` was meant, so the quote opened at column ${quoteStart + 1} never closes` });
      }
    }
  }
  return { findings: findings.sort((a, b) => a.at - b.at), cut };
}

/** What an unquoted typographic character at `i` means, if it is one. */
function unquoted(line: string, i: number, wordStart: boolean): Finding | undefined {
  const c = line[i];
  const info = CHARS[c];
  if (!info) return undefined;
  if (info.what === "dash") {
    // A run of dashes at the start of a word that goes on with a name: an option (`–name`,
    // `−−port`, `—type`). One dash before a one-letter name is a short option (`–n`).
    let end = i;
    while (end < line.length && DASHES.test(line[end])) end++;
    OPTION_NAME.lastIndex = end;
    const name = OPTION_NAME.exec(line)?.[0];
    if (wordStart && name) {
      const dashes = end - i > 1 || name.length > 1 ? "--" : "-";
      return { at: i, length: end - i, replacement: dashes, chars: line.slice(i, end), strong: true, reason: "options start with a plain `-` or `--`, so these were passed on as words" };
    }
    // Inside a word (`web–svc`) it may be meant; it is pointed out only when the command failed.
    const inWord = !wordStart && end < line.length && !WORD_END.test(line[end]);
    if (inWord) return { at: i, length: end - i, replacement: "-".repeat(end - i), chars: line.slice(i, end), strong: false, reason: "names use the plain `-`" };
    return undefined;
  }
  if (info.what === "quote") {
    // An apostrophe between letters (`don’t`) is prose; a curly quote that opens or closes a
    // word (`“{.items}”`, `‘web’`) was meant as a shell quote, which bash does not see in it.
    const before = line[i - 1] ?? " ";
    const after = line[i + 1] ?? " ";
    const between = /[\p{L}\p{N}]/u.test(before) && /[\p{L}\p{N}]/u.test(after);
    if (between) return undefined;
    return { at: i, length: 1, replacement: info.replacement, chars: c, strong: true, reason: "curly quotes are not quotes to bash: they stayed part of the words" };
  }
  if (info.what === "space") {
    return { at: i, length: 1, replacement: " ", chars: c, strong: true, reason: "bash splits words only at plain spaces and tabs, so the words around it ran together" };
  }
  if (info.what === "line-end") {
    return { at: i, length: 1, replacement: "", chars: c, strong: true, reason: "the text has Windows line endings (CR LF): bash ends a line at LF only, so each carriage return stayed part of the line's last word" };
  }
  return { at: i, length: 1, replacement: "", chars: c, strong: true, reason: "an invisible character stayed part of a word" };
}

/** Programs whose name after a `# ` prompt shows the line was a command, not a comment. */
const PROGRAMS = new Set([
  "kubectl", "curl", "wget", "nslookup", "ping", "ip", "ifconfig", "ssh", "exit", "hostname", "env", "printenv", "cat",
  "echo", "seq", "sleep", "clear", "grep", "head", "tail", "wc", "for", "export", "unset", "kubeadm", "sudo",
]);
