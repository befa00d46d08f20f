// /api/snapshots/:snapshotId: a frozen state and transcript, read-only.

import { Hono } from "hono";
import { jsonResponse } from "../http/errors.ts";
import { snapshotStub, unwrap } from "../http/stubs.ts";
import type { Outcome } from "../session/outcome.ts";
import type { SnapshotView } from "../session/snapshot.ts";

export const snapshots = new Hono<{ Bindings: Env }>();

snapshots.get("/:snapshotId", async (c) => {
  // The view's lesson types are too deep for the RPC result types; the value is plain JSON.
  const stub = snapshotStub(c.env, c.req.param("snapshotId")) as unknown as { read(): Promise<Outcome<SnapshotView>> };
  return jsonResponse(unwrap(await stub.read()));
});
