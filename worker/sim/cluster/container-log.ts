// A container's log file as the kubelet keeps it: it grows line by line and, once past its size
// limit, is rotated (containerLogMaxSize 10Mi, containerLogMaxFiles 5 on a real node). `kubectl
// logs` reads only the current file, so after a rotation it shows what was written since. The
// limit here is scaled down so a pod's runtime row stays far below the storage's 2 MB row limit.

import { byteLength } from "../net/http.ts";
import type { PodRuntime } from "./types.ts";

/** The size at which a container's current log file is rotated (the kubelet's containerLogMaxSize, scaled). */
export const CONTAINER_LOG_MAX_BYTES = 128 * 1024;

function fileBytes(logs: readonly string[]): number {
  let n = 0;
  for (const line of logs) n += byteLength(line) + 1;
  return n;
}

/**
 * The runtime with `lines` written to its current log file. A line that takes the file past the
 * limit is the last one of that file: the file is rotated and the next line starts a new one.
 */
export function appendContainerLog(runtime: PodRuntime, lines: readonly string[], now: number): PodRuntime {
  let logs = [...runtime.logs];
  // When each line was written (the CRI log file's timestamps); lines kept before the times were start at the file's start.
  let times = runtime.logs.map((_, i) => runtime.logTimes?.[i] ?? runtime.logRotatedAt ?? runtime.createdAt);
  let bytes = runtime.logBytes ?? fileBytes(logs);
  let rotatedAt = runtime.logRotatedAt;
  for (const line of lines) {
    logs.push(line);
    times.push(now);
    bytes += byteLength(line) + 1;
    if (bytes > CONTAINER_LOG_MAX_BYTES) {
      logs = [];
      times = [];
      bytes = 0;
      rotatedAt = now;
    }
  }
  const next: PodRuntime = { ...runtime, logs, logTimes: times, logBytes: bytes };
  if (rotatedAt !== undefined) next.logRotatedAt = rotatedAt;
  return next;
}
