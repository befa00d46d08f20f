// Go's strconv.Quote, which fmt's %q uses: kubectl and cobra quote names with it, so a word that
// carries an invisible or control character (a pasted zero-width space, a Windows `\r`) shows it.

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

const ESCAPES: Record<string, string> = {
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
  "\\": "\\\\",
  '"': '\\"',
};

/** `s` as Go's `%q` prints it: `"pods\r"`, `"get\u200bpods"`. */
export function goQuote(s: string): string {
  let out = '"';
  for (const c of s) {
    const code = c.codePointAt(0)!;
    if (ESCAPES[c]) out += ESCAPES[c];
    else if (code < 0x20 || code === 0x7f) out += "\\x" + hex(code, 2);
    else if (PRINTABLE.test(c)) out += c;
    // A lone UTF-16 surrogate is not a character; Go would see invalid UTF-8 and print U+FFFD's escape.
    else if (code >= 0xd800 && code <= 0xdfff) out += "\\ufffd";
    else if (code < 0x10000) out += "\\u" + hex(code, 4);
    else out += "\\U" + hex(code, 8);
  }
  return out + '"';
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, "0");
}
