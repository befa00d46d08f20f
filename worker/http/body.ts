// Request bodies: at most 16 KB, checked against Content-Length and against what really arrives
// (a chunked body has no length), then parsed as JSON and validated with valibot.

import * as v from "valibot";
import { ApiError } from "./errors.ts";

export const MAX_BODY_BYTES = 16 * 1024;

const tooLarge = (limit: number) => new ApiError(413, "payload_too_large", `Request bodies are limited to ${limit} bytes here.`);

export async function readBodyText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = request.headers.get("Content-Length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (!request.body) return "";
  if (declared !== null) {
    // A declared length frames the body, so reading it whole is bounded; one native read is much
    // cheaper than a chunk loop (the size is still checked on what arrived).
    const whole = new Uint8Array(await request.arrayBuffer());
    if (whole.byteLength > limit) throw tooLarge(limit);
    return decodeUtf8(whole);
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return decodeUtf8(bytes);
}

/** A refused request's body is read at most this far before the answer; a longer one is left (its connection closes). */
const DRAIN_LIMIT_BYTES = 64 * 1024;

/**
 * Reads and drops what is left of a request's body, so that an answer given before the route read
 * it (a 429 from a limit checked first, a 4xx) leaves the connection usable: workerd closes a
 * connection whose request body was not consumed, and a client that had already sent its next
 * request on it (keep-alive) got "other side closed" (the abuse suite's creations with 50 setup
 * lines, refused and held, met it in 3 runs of 3). A declared length past the limit is not read.
 */
export async function drainBody(request: Request): Promise<void> {
  if (!request.body || request.bodyUsed) return;
  const declared = request.headers.get("Content-Length");
  if (declared !== null && Number(declared) > DRAIN_LIMIT_BYTES) return;
  const reader = request.body.getReader();
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.byteLength;
      if (size > DRAIN_LIMIT_BYTES) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The client went away: nothing to keep usable.
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError(400, "bad_request", "The request body is not valid UTF-8.");
  }
}

/** Reads a JSON object body and checks it against `schema`; an empty body counts as `emptyAs` when given. */
export async function readJson<S extends v.GenericSchema>(request: Request, schema: S, emptyAs?: unknown): Promise<v.InferOutput<S>> {
  return parseJsonBody(await readBodyText(request), schema, emptyAs);
}

/** A body's text as JSON, validated: readJson's second half, for a route that reads the text itself. */
export function parseJsonBody<S extends v.GenericSchema>(text: string, schema: S, emptyAs?: unknown): v.InferOutput<S> {
  let value: unknown;
  if (text.trim() === "" && emptyAs !== undefined) {
    value = emptyAs;
  } else {
    try {
      value = JSON.parse(text);
    } catch {
      throw new ApiError(400, "bad_json", "The request body is not valid JSON.");
    }
  }
  // Every body of this API is an object; valibot's object schemas would let an array through.
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ApiError(400, "bad_request", "The request body must be a JSON object.");
  }
  const result = v.safeParse(schema, value);
  if (!result.success) throw new ApiError(400, "bad_request", describeIssues(result.issues));
  return result.output;
}

function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const path = v.getDotPath(issue);
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}
