// Prints the size of the page's JavaScript as a browser downloads it (gzip), and fails past the
// budget. `npm run build` runs it after `vite build`; test/web/bundle-size.test.ts checks it too.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const BUDGET_BYTES = 60 * 1024;
const root = fileURLToPath(new URL("..", import.meta.url));
export const DIST = join(root, "dist", "web");

export interface BundleSize {
  files: Array<{ file: string; raw: number; gzip: number }>;
  /** Sum over all JS files, each gzipped on its own as it would be served. */
  gzip: number;
  raw: number;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

export function measureBundle(dist = DIST): BundleSize {
  const files = walk(dist)
    .filter((f) => f.endsWith(".js"))
    .map((f) => {
      const bytes = readFileSync(f);
      return { file: relative(dist, f), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    });
  return { files, raw: files.reduce((n, f) => n + f.raw, 0), gzip: files.reduce((n, f) => n + f.gzip, 0) };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const size = measureBundle();
  for (const f of size.files) console.log(`${f.file}  ${kb(f.raw)}  gzip ${kb(f.gzip)}`);
  console.log(`page JS: ${kb(size.gzip)} gzip (${kb(size.raw)} raw), budget ${kb(BUDGET_BYTES)}`);
  if (size.files.length === 0) {
    console.error("no JavaScript in dist/web: run vite build first");
    process.exit(1);
  }
  if (size.gzip > BUDGET_BYTES) {
    console.error(`over budget by ${kb(size.gzip - BUDGET_BYTES)}`);
    process.exit(1);
  }
}
