// The verbs the session's API serves for a kind, as discovery lists them: one answer for the API's
// discovery documents, its OpenAPI paths and the console's `kubectl api-resources`.
import type { KindDefinition } from "./types.ts";

/** The verbs of a kind the API only reads (derived ones: Endpoints, EndpointSlices, Events, Leases). */
const READ_VERBS: readonly string[] = ["get", "list", "watch"];
/** A kind the API writes (api/writes.ts): every verb, sorted as the API server lists them. */
const WRITE_VERBS: readonly string[] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/** What the API serves for a kind: a kind with a strategy that is not derived is written too. */
export function servedVerbs(def: KindDefinition): readonly string[] {
  return def.strategy !== undefined && !("derived" in def.storage) ? WRITE_VERBS : READ_VERBS;
}
