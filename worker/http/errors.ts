// The one shape of every error the API answers: { "error": { "code", "message" } }.

/** V8's Error constructor has this knob; the types for Workers do not declare it. */
const ErrorWithLimit = Error as unknown as { stackTraceLimit: number };

/**
 * An answer the API gives on purpose (a 4xx, a 429). Made without a stack trace: nobody reads it
 * (the error funnel answers it, it is never logged), and capturing one was 7 % of the thread while
 * an attacker's requests were refused 1,000 times a second.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterSeconds?: number;
  /** Every problem, when there are several (an invalid lesson file). */
  readonly details?: string[];

  constructor(status: number, code: string, message: string, retryAfterSeconds?: number, details?: string[]) {
    const limit = ErrorWithLimit.stackTraceLimit;
    ErrorWithLimit.stackTraceLimit = 0;
    super(message);
    ErrorWithLimit.stackTraceLimit = limit;
    this.status = status;
    this.code = code;
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds;
    if (details !== undefined) this.details = details;
  }
}

export function errorResponse(status: number, code: string, message: string, retryAfterSeconds?: number, details?: string[]): Response {
  const headers: Record<string, string> = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };
  if (retryAfterSeconds !== undefined) headers["Retry-After"] = String(retryAfterSeconds);
  const error = details === undefined ? { code, message } : { code, message, details };
  return new Response(JSON.stringify({ error }), { status, headers });
}

/** A JSON answer without Hono's type-level JSON mapping, which gives up on deep types (lessons). */
export function jsonResponse(value: unknown, status = 200): Response {
  return jsonTextResponse(JSON.stringify(value), status);
}

/** A JSON answer from text that is JSON already. */
export function jsonTextResponse(json: string, status = 200): Response {
  return new Response(json, { status, headers: { "Content-Type": "application/json; charset=utf-8" } });
}
