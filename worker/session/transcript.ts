// The transcript: every command a session ran, in order, as the console showed it.

import type { RouteTrace } from "../sim/net/trace.ts";

export interface TranscriptEntry {
  /** 1, 2, 3, ... with no gaps: the order the session applied the commands in. */
  seq: number;
  command: string;
  /** Standard output and error, interleaved as a terminal shows them. */
  output: string;
  exitCode: number;
  /** The prompt after the command. */
  prompt: string;
  /** Routes of the requests the command made (curl makes one; most commands none). */
  traces: RouteTrace[];
  /** Wall-clock time the command was applied, ms since the epoch. */
  at: number;
  /** Present on commands a session ran at creation (`setup`). */
  setup?: true;
}

/** Entries kept per session; older ones are dropped (their effect on the cluster stays). */
export const TRANSCRIPT_LIMIT = 1000;

/** Output kept per stored entry; the reply to the command itself always carries all of it. */
export const STORED_OUTPUT_LIMIT = 256 * 1024;

export function forStorage(entry: TranscriptEntry): TranscriptEntry {
  if (entry.output.length <= STORED_OUTPUT_LIMIT) return entry;
  const kept = entry.output.slice(0, STORED_OUTPUT_LIMIT);
  const dropped = entry.output.length - STORED_OUTPUT_LIMIT;
  return { ...entry, output: `${kept}\n[transcript: ${dropped} more characters of output not kept]\n` };
}
