// Parameter expansion, command substitution and field splitting, as bash does them to the words
// of a simple command just before it runs: `curl http://192.168.56.11:$NODE_PORT` after
// `NODE_PORT=$(kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}')`. No globbing, no
// arithmetic, no `${x:-default}` forms: a learner of Services needs variables and `$(...)`.

import { scanExpansion, type Word, type WordPart } from "./tokenizer.ts";
import { WORK_COST } from "./work.ts";

export interface Expansion {
  /** A variable's value, or undefined when it is unset (expands to nothing, as in bash). */
  lookup(name: string): string | undefined;
  /** `$?`: the status of the last command. */
  status(): number;
  /** Runs `source` in the same place and returns what it wrote to standard output. */
  substitute(source: string): string;
  /** Counts work against the line's budget (shell/work.ts); throws when it runs out. */
  spend?(units: number): void;
}

/** The words of a command after expansion and field splitting (an unquoted empty expansion vanishes; redirections are not words). */
export function expandWords(words: readonly Word[], x: Expansion): string[] {
  const fields: string[] = [];
  for (const word of words) {
    if (typeof word === "string") fields.push(word);
    // One push at a time: a spread of a huge list of fields would overflow the stack.
    else if ("parts" in word) for (const field of expandWord(word.parts, x, true)) fields.push(field);
  }
  x.spend?.(fields.length * WORK_COST.field);
  return fields;
}

/** One word, not split: the value side of `NAME=value`, which bash never splits. */
export function expandJoined(parts: readonly WordPart[], x: Expansion): string {
  return expandWord(parts, x, false).join("");
}

function expandWord(parts: readonly WordPart[], x: Expansion, split: boolean): string[] {
  const fields: string[] = [];
  let current = "";
  /** The field exists even if empty: it had quotes (`""`) or text. */
  let present = false;
  for (const part of parts) {
    if (part.kind === "text") {
      current += part.text;
      if (part.quoted || part.text !== "") present = true;
      continue;
    }
    if (part.kind === "sequence") {
      // More words than any budget pays for: spending for them stops the line before one is made.
      // (Only a caller without a budget gets past this, and it gets the text as typed.)
      x.spend?.(part.count * WORK_COST.field);
      current += part.text;
      present = true;
      continue;
    }
    const value = part.kind === "param" ? param(part.name, x) : x.substitute(part.source).replace(/\n+$/, "");
    // Copying the value into the word is work too: `A=$A$A` doubles it each time.
    x.spend?.(value.length);
    if (part.quoted || !split) {
      current += value;
      present = true;
      continue;
    }
    // Unquoted: the value splits on blanks and newlines (IFS), joining its ends to what surrounds it.
    const pieces = value.split(/[ \t\n]+/);
    pieces.forEach((piece, i) => {
      if (i > 0) {
        if (present) fields.push(current);
        current = "";
        present = false;
      }
      current += piece;
      if (piece !== "") present = true;
    });
  }
  if (present) fields.push(current);
  return fields;
}

function param(name: string, x: Expansion): string {
  if (name === "?") return String(x.status());
  if (name === "#") return "0";
  if (name === "$") return "1";
  if (/^[0-9]$/.test(name)) return name === "0" ? "-bash" : "";
  return x.lookup(name) ?? "";
}

/** `NAME=value` (the value's parts), when the word is an assignment. */
export function assignmentOf(word: Word): { name: string; value: readonly WordPart[] } | undefined {
  if (typeof word !== "string" && !("parts" in word)) return undefined;
  const parts: readonly WordPart[] = typeof word === "string" ? [{ kind: "text", text: word, quoted: false }] : word.parts;
  const first = parts[0];
  if (!first || first.kind !== "text" || first.quoted) return undefined;
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text);
  if (!match) return undefined;
  const rest = first.text.slice(match[0].length);
  return { name: match[1], value: [...(rest ? [{ ...first, text: rest }] : []), ...parts.slice(1)] };
}

/** A name `export` and `unset` accept. */
export function isValidName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/**
 * A heredoc body under an unquoted delimiter: parameters, `$(...)` and backquotes expand, a
 * backslash keeps `$`, `` ` `` and `\` literal (and joins lines), and quotes are plain text.
 */
export function expandHeredoc(body: string, x: Expansion): string {
  const parts: WordPart[] = [];
  let text = "";
  for (let i = 0; i < body.length; ) {
    const c = body[i];
    if (c === "\\" && i + 1 < body.length && "$`\\\n".includes(body[i + 1])) {
      if (body[i + 1] !== "\n") text += body[i + 1];
      i += 2;
      continue;
    }
    if (c === "$" || c === "`") {
      const found = scanExpansion(body, i);
      if (found.part && !found.error) {
        parts.push({ kind: "text", text, quoted: true });
        text = "";
        parts.push({ ...found.part, quoted: true } as WordPart);
        i = found.end;
        continue;
      }
    }
    text += c;
    i++;
  }
  parts.push({ kind: "text", text, quoted: true });
  return expandJoined(parts, x);
}
