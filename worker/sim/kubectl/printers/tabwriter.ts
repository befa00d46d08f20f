// Go's text/tabwriter (left-aligned, space padding), which kubectl pipes every table and every
// describe through. A cell is text terminated by a tab; the text after a line's last tab is not
// a cell and is never padded. Columns are aligned per block of consecutive lines that have a
// cell in that column, so a line without tabs ends the alignment above it (describe relies on it).

export interface TabwriterOptions {
  minwidth: number;
  padding: number;
}

/** kubectl get: `tabwriter.NewWriter(out, 6, 4, 3, ' ', 0)`. */
export const tableWriter: TabwriterOptions = { minwidth: 6, padding: 3 };
/** kubectl describe: `out.Init(buf, 0, 8, 2, ' ', 0)`. */
export const describeWriter: TabwriterOptions = { minwidth: 0, padding: 2 };

export function tabwrite(text: string, options: TabwriterOptions): string {
  const lines = text.split("\n").map((line) => line.split("\t"));
  const widths: number[] = [];
  const out: string[] = [];

  const writeLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const cells = lines[i];
      let s = "";
      for (let j = 0; j < cells.length; j++) {
        s += cells[j];
        if (j < cells.length - 1 && j < widths.length) s += " ".repeat(Math.max(0, widths[j] - runeWidth(cells[j])));
      }
      out.push(s);
    }
  };

  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let current = line0; current < line1; current++) {
      if (column >= lines[current].length - 1) continue;
      writeLines(line0, current);
      line0 = current;
      let width = options.minwidth;
      for (; current < line1; current++) {
        const cells = lines[current];
        if (column >= cells.length - 1) break;
        width = Math.max(width, runeWidth(cells[column]) + options.padding);
      }
      widths.push(width);
      format(line0, current);
      widths.pop();
      line0 = current;
      current--;
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out.join("\n");
}

/**
 * Go counts a cell's width in runes: the string's code points (a surrogate pair is one, a lone
 * surrogate one, as the string iterator counts them). Counted by char codes: every cell of every
 * table goes through here twice, and iterating a string allocates a string per character.
 */
function runeWidth(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
