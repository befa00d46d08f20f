// An exam task's text as the page shows it: paragraphs, and in them the `names` in backticks that
// get a copy button each (the real exam's interface copies names on a click, to spare typos).

export type TextPart = { kind: "text"; text: string } | { kind: "name"; text: string };

/** Paragraphs split at blank lines; lines within one are joined, as Markdown does. */
export function taskParagraphs(text: string): TextPart[][] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim().replace(/\s*\n\s*/g, " "))
    .filter((p) => p.length > 0)
    .map(parts);
}

function parts(paragraph: string): TextPart[] {
  const out: TextPart[] = [];
  // An unmatched backtick stays as text.
  const pattern = /`([^`]+)`/g;
  let last = 0;
  for (let m = pattern.exec(paragraph); m; m = pattern.exec(paragraph)) {
    if (m.index > last) out.push({ kind: "text", text: paragraph.slice(last, m.index) });
    out.push({ kind: "name", text: m[1] });
    last = m.index + m[0].length;
  }
  if (last < paragraph.length) out.push({ kind: "text", text: paragraph.slice(last) });
  return out;
}
