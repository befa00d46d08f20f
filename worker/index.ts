// The Worker's entry point: the Hono app, and the Durable Object classes wrangler binds.

import { app } from "./http/app.ts";

export { Session } from "./session/session.ts";
export { Snapshot } from "./session/snapshot.ts";
export { StoredLesson } from "./session/stored-lesson.ts";
export { ClientLimiter } from "./session/client-limiter.ts";
export { Classroom } from "./classroom/classroom.ts";

export default app;
