// /api/snapshots/:snapshotId: a frozen state and transcript, read-only.

import { Hono } from "hono";
import { snapshotStub, unwrap } from "../http/stubs.ts";

export const snapshots = new Hono<{ Bindings: Env }>();

snapshots.get("/:snapshotId", async (c) => {
  return c.json(unwrap(await snapshotStub(c.env, c.req.param("snapshotId")).read()));
});
