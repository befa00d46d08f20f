// /api/exams: the built-in exams. A session starts one: POST /api/sessions {"exam": ID}.

import { Hono } from "hono";
import { builtinExamSummaries } from "../sim/exams/builtin.ts";

export const exams = new Hono<{ Bindings: Env }>();

exams.get("/", (c) => c.json({ exams: builtinExamSummaries() }));
