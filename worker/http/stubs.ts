// From an id in a URL to its Durable Object, checking the id's format first: a malformed id is a
// 404 at the edge and never reaches (or wakes) an object.

import { isWellFormedId } from "../session/ids.ts";
import type { Failure, Outcome } from "../session/outcome.ts";
import type { Session } from "../session/session.ts";
import type { Snapshot } from "../session/snapshot.ts";
import { ApiError } from "./errors.ts";

export function sessionStub(env: Env, id: string) {
  if (!isWellFormedId(id)) throw new ApiError(404, "session_not_found", "No session with this id exists (session ids are 22 URL-safe characters).");
  // The generated Env types these namespaces, but the checker loses the class through the cycle
  // Env -> index.ts -> Session -> Env; naming the class here keeps RPC calls typed.
  const namespace = env.SESSIONS as DurableObjectNamespace<Session>;
  return namespace.get(namespace.idFromName(id));
}

/** A snapshot id that could not have been issued names no snapshot: 404 (also for a fork's `from`). */
export function requireSnapshotId(id: string): void {
  if (!isWellFormedId(id)) throw new ApiError(404, "snapshot_not_found", "No snapshot with this id exists (snapshot ids are 22 URL-safe characters).");
}

export function snapshotStub(env: Env, id: string) {
  requireSnapshotId(id);
  const namespace = env.SNAPSHOTS as DurableObjectNamespace<Snapshot>;
  return namespace.get(namespace.idFromName(id));
}

/** The value of a Durable Object's answer, or its refusal thrown into the error funnel. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  const failed = outcome as Failure;
  throw new ApiError(failed.status, failed.code, failed.message, failed.retryAfterSeconds);
}
