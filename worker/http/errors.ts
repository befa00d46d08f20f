// The one shape of every error the API answers: { "error": { "code", "message" } }.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
    /** Every problem, when there are several (an invalid lesson file). */
    readonly details?: string[],
  ) {
    super(message);
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
