// Which catalogue files are parsed at build time (scripts/catalogue-parse-generate.ts writes
// parsed.ts), and the parse itself: the manifests kubectl's reader makes of a file, as JSON text.
import { parseManifests } from "../kubectl/manifest.ts";
import type { CatalogueFile } from "./types.ts";

/** Files above this size cost the YAML parser most of a second on a fresh isolate. */
export const BIG_FILE_BYTES = 100_000;

export function bigCatalogueFiles(files: readonly CatalogueFile[]): CatalogueFile[] {
  return files.filter((f) => f.text.length > BIG_FILE_BYTES);
}

export function parsedJson(file: CatalogueFile): string {
  return JSON.stringify(parseManifests(file.text, file.url, Number.POSITIVE_INFINITY));
}
