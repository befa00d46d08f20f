// The transcript: every command a session ran, in order, as the console showed it.

import type { TranscriptEntry } from "../sim/wire.ts";

export type { TranscriptEntry };

/** Entries kept per session; older ones are dropped (their effect on the cluster stays). */
export const TRANSCRIPT_LIMIT = 1000;

/**
 * Route traces kept per entry (stored, broadcast and replied): a `for` loop of a thousand curls
 * would otherwise make one entry megabytes long. The page animates the last one.
 */
export const ENTRY_TRACES_LIMIT = 20;

/** Output kept per stored entry; the reply to the command itself always carries all of it. */
export const STORED_OUTPUT_LIMIT = 256 * 1024;

export function forStorage(entry: TranscriptEntry): TranscriptEntry {
  if (entry.output.length <= STORED_OUTPUT_LIMIT) return entry;
  const kept = entry.output.slice(0, STORED_OUTPUT_LIMIT);
  const dropped = entry.output.length - STORED_OUTPUT_LIMIT;
  return { ...entry, output: `${kept}\n[transcript: ${dropped} more characters of output not kept]\n` };
}
