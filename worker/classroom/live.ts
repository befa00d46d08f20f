// The board's WebSocket (/api/classes/:id/live). Every message is one JSON object with a `type`.
//
// Server -> client:
//   {type:"board", class, students, now}   after a successful auth: the whole board
//   {type:"student", student, now}         a student joined, ran a command or moved in the lesson
//   {type:"class", class}                  the class changed (a message posted, the class closed)
//   {type:"error", code, message}          a message was refused
//   {type:"expired"}                       the class was deleted after 30 idle days; the socket closes
// Client -> server:
//   {type:"auth", key}                     the teacher key (never in the URL); nothing is sent before it
//   {type:"ping"}                          answered with {type:"pong"} without waking the object
//
// A socket opened with `Authorization: Bearer <teacherKey>` (clients outside a browser) is
// authenticated at once and gets the board without an auth message.

import * as v from "valibot";
import type { StudentRow } from "./board.ts";

export const MAX_BOARD_MESSAGE_BYTES = 1024;

export const BoardClientMessage = v.variant("type", [v.strictObject({ type: v.literal("auth"), key: v.pipe(v.string(), v.maxLength(256)) })]);

/** What anyone with the student link may know of a class. */
export interface ClassInfo {
  id: string;
  name: string;
  /** The lesson the class follows ({id, title, steps}); null for a class started from a snapshot without one. */
  lesson: { id: string; title: string; steps: number } | null;
  /** The snapshot students start from, when the class was made from one. */
  from: string | null;
  /** The exam every student takes, when the class runs one: one seed for all unless seedPerStudent. */
  exam: ClassExamInfo | null;
  open: boolean;
  /** The teacher's latest message to the class. */
  message: { text: string; at: number } | null;
  createdAt: number;
  students: number;
}

export interface ClassExamInfo {
  id: string;
  title: string;
  tasks: number;
  durationMinutes: number;
  passPercent: number;
  seedPerStudent: boolean;
}

export type BoardServerMessage =
  | { type: "board"; class: ClassInfo; students: StudentRow[]; now: number }
  | { type: "student"; student: StudentRow; now: number }
  | { type: "class"; class: ClassInfo }
  | { type: "error"; code: string; message: string }
  | { type: "expired" };

export interface BoardSocketAttachment {
  teacher: boolean;
}
