// How bash prints a name it cannot show as it is (printable_filename in bash's general.c): a name
// with a control character comes out ANSI-C quoted, `$'\r': command not found`; others as they are.

const ESCAPES: Record<string, string> = {
  "\x1b": "\\E",
  "\x07": "\\a",
  "\v": "\\v",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\\": "\\\\",
  "'": "\\'",
};

const CONTROL = /[\x00-\x1f\x7f]/;

/** `name` as bash names it in a message: `$'\r'` for a carriage return, `kubectl` for kubectl. */
export function bashPrintable(name: string): string {
  if (!CONTROL.test(name)) return name;
  let out = "$'";
  for (const c of name) {
    const code = c.codePointAt(0)!;
    if (ESCAPES[c]) out += ESCAPES[c];
    else if (code < 0x20 || code === 0x7f) out += "\\" + code.toString(8).padStart(3, "0");
    else out += c;
  }
  return out + "'";
}
