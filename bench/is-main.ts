// Whether a bench module was started directly (`npx tsx bench/x.ts`) rather than imported by
// bench/sim-bench.ts, which runs them all and prints one table.
import { pathToFileURL } from "node:url";

export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(script).href === moduleUrl;
}
