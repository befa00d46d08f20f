// What a Durable Object method answers: a value, or a refusal the HTTP layer turns into an error
// response. Refusals are values rather than exceptions because exceptions lose their shape on the
// way back over RPC.

export type FailureStatus = 400 | 403 | 404 | 409 | 413 | 429 | 503;

export interface Failure {
  ok: false;
  status: FailureStatus;
  code: string;
  message: string;
  /** For 429 and 503: seconds until a retry can succeed. */
  retryAfterSeconds?: number;
}

export type Outcome<T> = { ok: true; value: T } | Failure;

export function success<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function failure(status: FailureStatus, code: string, message: string, retryAfterSeconds?: number): Failure {
  return retryAfterSeconds === undefined
    ? { ok: false, status, code, message }
    : { ok: false, status, code, message, retryAfterSeconds };
}

export const sessionNotFound = (): Failure => failure(404, "session_not_found", "No session with this id exists (it may have expired after 30 days without activity).");
export const snapshotNotFound = (): Failure => failure(404, "snapshot_not_found", "No snapshot with this id exists (snapshots are kept for a year).");
