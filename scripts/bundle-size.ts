// Prints the size of the page's JavaScript as a browser downloads it (gzip), and fails past the
// budget. The budget is the first load's: the scripts index.html loads or preloads; chunks loaded
// later by import() (the editor) are listed apart. `npm run build` runs it after `vite build`;
// test/web/e2e/bundle-size.test.ts checks it too.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const BUDGET_BYTES = 60 * 1024;
const root = fileURLToPath(new URL("..", import.meta.url));
export const DIST = join(root, "dist", "web");

export interface BundleSize {
  /** The first load's scripts. */
  files: Array<{ file: string; raw: number; gzip: number }>;
  /** Sum over the first load's JS files, each gzipped on its own as it would be served. */
  gzip: number;
  raw: number;
  /** Chunks the page loads later, on first use (import()). */
  lazy: Array<{ file: string; raw: number; gzip: number }>;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

export function measureBundle(dist = DIST): BundleSize {
  const all = walk(dist)
    .filter((f) => f.endsWith(".js"))
    .map((f) => {
      const bytes = readFileSync(f);
      return { file: relative(dist, f), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    });
  // What the HTML names (a module script, modulepreload links) is loaded at once.
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const named = new Set([...html.matchAll(/(?:src|href)="\/?([^"]+\.js)"/g)].map((m) => m[1]));
  const files = all.filter((f) => named.has(f.file));
  const lazy = all.filter((f) => !named.has(f.file));
  return { files, lazy, raw: files.reduce((n, f) => n + f.raw, 0), gzip: files.reduce((n, f) => n + f.gzip, 0) };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const size = measureBundle();
  for (const f of size.files) console.log(`${f.file}  ${kb(f.raw)}  gzip ${kb(f.gzip)}`);
  console.log(`page JS, first load: ${kb(size.gzip)} gzip (${kb(size.raw)} raw), budget ${kb(BUDGET_BYTES)}`);
  for (const f of size.lazy) console.log(`later, on first use: ${f.file}  ${kb(f.raw)}  gzip ${kb(f.gzip)}`);
  if (size.files.length === 0) {
    console.error("no JavaScript in dist/web: run vite build first");
    process.exit(1);
  }
  if (size.gzip > BUDGET_BYTES) {
    console.error(`over budget by ${kb(size.gzip - BUDGET_BYTES)}`);
    process.exit(1);
  }
}
