// The Markdown subset of step texts, rendered to a small tree the page turns into elements.
// Paragraphs, fenced code, lists, inline code, emphasis and links — never HTML: raw HTML stays
// text, so a lesson file cannot inject markup, and only http(s)/mailto links become links.

export type Inline =
  | { type: "text"; text: string }
  | { type: "code"; text: string }
  | { type: "strong"; children: Inline[] }
  | { type: "em"; children: Inline[] }
  | { type: "link"; href: string; children: Inline[] };

export type Block =
  | { type: "paragraph"; children: Inline[] }
  /** `runnable`: the page shows a button that types `text` into the console. */
  | { type: "code"; lang: string; text: string; runnable: boolean }
  | { type: "list"; ordered: boolean; start: number; items: Inline[][] };

/** Fenced blocks with these languages (or none) are commands a learner can run. */
const RUNNABLE = new Set(["", "sh", "shell", "bash", "console"]);

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)\s*(.*)$/;
const BULLET = /^ {0,3}[-*+]\s+(.*)$/;
const ORDERED = /^ {0,3}(\d{1,9})[.)]\s+(.*)$/;

export function renderMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === "") {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1];
      const lang = fence[2].toLowerCase();
      const body: string[] = [];
      i++;
      while (i < lines.length && !isClosingFence(lines[i], marker)) body.push(lines[i++]);
      i++; // the closing fence (or the end of the text)
      const runnable = RUNNABLE.has(lang) && !/\bnorun\b/.test(fence[3]);
      blocks.push({ type: "code", lang, text: body.join("\n"), runnable });
      continue;
    }
    const bullet = BULLET.exec(line);
    const ordered = ORDERED.exec(line);
    if (bullet || ordered) {
      const isOrdered = !bullet;
      const items: string[][] = [];
      while (i < lines.length) {
        const b = BULLET.exec(lines[i]);
        const o = ORDERED.exec(lines[i]);
        const item = isOrdered ? o : b;
        if (item) {
          items.push([isOrdered ? item[2] : item[1]]);
          i++;
        } else if (lines[i].trim() !== "" && /^\s+/.test(lines[i]) && items.length) {
          items[items.length - 1].push(lines[i].trim()); // continuation of the item
          i++;
        } else {
          break;
        }
      }
      blocks.push({
        type: "list",
        ordered: isOrdered,
        start: isOrdered ? Number(ordered![1]) : 1,
        items: items.map((parts) => renderInline(parts.join(" "))),
      });
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i].trim() !== "" && !FENCE.test(lines[i]) && !BULLET.test(lines[i]) && !ORDERED.test(lines[i])) {
      para.push(lines[i].trim());
      i++;
    }
    blocks.push({ type: "paragraph", children: renderInline(para.join(" ")) });
  }
  return blocks;
}

function isClosingFence(line: string, marker: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= marker.length && trimmed === marker[0].repeat(trimmed.length);
}

const SAFE_HREF = /^(https?:\/\/|mailto:)[^\s]*$/i;

/** Inline Markdown: `code`, **strong**, *em* / _em_, [text](href), backslash escapes. */
export function renderInline(source: string): Inline[] {
  const out: Inline[] = [];
  let text = "";
  const flush = () => {
    if (text) out.push({ type: "text", text });
    text = "";
  };
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === "\\" && i + 1 < source.length && /[\\`*_[\]()#+\-.!<>]/.test(source[i + 1])) {
      text += source[i + 1];
      i += 2;
      continue;
    }
    if (c === "`") {
      let ticks = 1;
      while (source[i + ticks] === "`") ticks++;
      const fence = "`".repeat(ticks);
      const end = source.indexOf(fence, i + ticks);
      if (end > 0) {
        flush();
        let code = source.slice(i + ticks, end);
        if (code.startsWith(" ") && code.endsWith(" ") && code.trim()) code = code.slice(1, -1);
        out.push({ type: "code", text: code });
        i = end + ticks;
        continue;
      }
      text += fence;
      i += ticks;
      continue;
    }
    if (c === "*" || c === "_") {
      const strong = source[i + 1] === c;
      const marker = strong ? c + c : c;
      const end = findClosing(source, marker, i + marker.length);
      const wordInside = c === "_" && /\w/.test(source[i - 1] ?? "");
      if (end > i + marker.length && !wordInside && source[i + marker.length] !== " ") {
        flush();
        const children = renderInline(source.slice(i + marker.length, end));
        out.push(strong ? { type: "strong", children } : { type: "em", children });
        i = end + marker.length;
        continue;
      }
    }
    if (c === "[") {
      const link = parseLink(source, i);
      if (link) {
        flush();
        const children = renderInline(link.label);
        if (SAFE_HREF.test(link.href)) out.push({ type: "link", href: link.href, children });
        else out.push(...children); // an unsafe or relative target: keep the words, drop the link
        i = link.end;
        continue;
      }
    }
    text += c;
    i++;
  }
  flush();
  return out;
}

function findClosing(source: string, marker: string, from: number): number {
  let i = from;
  while (i < source.length) {
    if (source[i] === "\\") {
      i += 2;
      continue;
    }
    if (source[i] === "`") {
      const end = source.indexOf("`", i + 1);
      if (end < 0) return -1;
      i = end + 1;
      continue;
    }
    if (source.startsWith(marker, i) && source[i - 1] !== " " && (marker.length === 2 || source[i + 1] !== marker[0])) return i;
    i++;
  }
  return -1;
}

function parseLink(source: string, start: number): { label: string; href: string; end: number } | undefined {
  let depth = 0;
  let i = start;
  for (; i < source.length; i++) {
    if (source[i] === "\\") {
      i++;
      continue;
    }
    if (source[i] === "[") depth++;
    else if (source[i] === "]" && --depth === 0) break;
  }
  if (i >= source.length || source[i + 1] !== "(") return undefined;
  const close = source.indexOf(")", i + 2);
  if (close < 0) return undefined;
  return { label: source.slice(start + 1, i), href: source.slice(i + 2, close).trim(), end: close + 1 };
}

/** The plain text of inline content (for titles, alt text, tests). */
export function inlineText(inlines: Inline[]): string {
  return inlines.map((n) => (n.type === "text" || n.type === "code" ? n.text : inlineText(n.children))).join("");
}
