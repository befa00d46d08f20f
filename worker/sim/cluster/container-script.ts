// A container's `sh -c` script that sleeps between its statements runs over time: the docs' probe
// pages start `touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600`, and its exec probe
// `cat /tmp/healthy` must find the file for 30 s and not after. A plain list of statements is
// cut at its top-level `sleep N`s into pieces, each run in the container when its time comes
// (kubelet-sync.ts); anything with control flow (loops, conditionals, subshells, `&&` around a
// sleep) is left to the process heuristics (process.ts), as before.
import type { Container } from "./types.ts";

export interface ScriptPiece {
  /** When the piece runs, after the container started (ms). */
  afterMs: number;
  script: string;
}

const SHELLS = new Set(["sh", "bash", "ash"]);
const CONTROL = /(^|[\s;&|(])(while|until|for|if|case|function|select|do|done|then|fi|esac)(?=$|[\s;&|)])|[(){}`]|\$\(/;

/** Top-level statements of a script: split at `;`, `&` and newlines outside quotes; undefined if a quote is open. */
function statements(script: string): string[] | undefined {
  const out: string[] = [];
  let current = "";
  let quote: string | undefined;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i];
    if (quote) {
      current += ch;
      if (ch === "\\" && quote === '"' && i + 1 < script.length) current += script[++i];
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      current += ch;
    } else if (ch === "\\" && i + 1 < script.length) current += ch + script[++i];
    else if (ch === ";" || ch === "\n" || (ch === "&" && script[i + 1] !== "&" && script[i - 1] !== "&" && script[i - 1] !== ">")) {
      if (current.trim()) out.push(current.trim());
      current = "";
    } else current += ch;
  }
  if (quote) return undefined;
  if (current.trim()) out.push(current.trim());
  return out;
}

function sleepMs(statement: string): number | undefined {
  if (/^(?:\/bin\/)?sleep\s+(infinity|inf)$/.test(statement)) return Infinity;
  const m = /^(?:\/bin\/)?sleep\s+(\d+(?:\.\d+)?)([smhd]?)$/.exec(statement);
  if (!m) return undefined;
  return Number(m[1]) * { "": 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "" | "s" | "m" | "h" | "d"];
}

/**
 * The timed pieces of the container's script, or undefined when it is not a plain list with a
 * sleep between statements (a script that runs at once is the one-shot runner's).
 */
export function scriptPieces(container: Pick<Container, "command" | "args">): ScriptPiece[] | undefined {
  const argv = [...(container.command ?? []), ...(container.args ?? [])];
  const program = argv[0]?.split("/").pop() ?? "";
  const c = argv.indexOf("-c");
  if (!SHELLS.has(program) || c < 0 || c + 1 >= argv.length) return undefined;
  const script = argv[c + 1];
  if (CONTROL.test(script)) return undefined;
  const list = statements(script);
  if (!list) return undefined;
  const pieces: ScriptPiece[] = [];
  let at = 0;
  let current: string[] = [];
  let slept = false;
  for (const statement of list) {
    const ms = sleepMs(statement);
    if (ms !== undefined) {
      if (current.length) pieces.push({ afterMs: at, script: current.join("; ") });
      current = [];
      at += ms;
      slept = true;
      // What follows `sleep infinity` never runs.
      if (ms === Infinity) break;
      continue;
    }
    // A sleep joined to its neighbours (`sleep 5 && echo hi`) is control flow of its own.
    if (/(^|[\s;&|])sleep\s/.test(statement)) return undefined;
    current.push(statement);
  }
  if (current.length) pieces.push({ afterMs: at, script: current.join("; ") });
  // Without a sleep the script ends at once: the one-shot runner runs it whole.
  return slept && pieces.length > 0 ? pieces : undefined;
}
