// The /live WebSocket protocol. Every message is one JSON object with a `type`.
//
// Server -> client:
//   {type:"hello", sessionId, seq, prompt, transcriptStart, cluster}  on connect (then replay, if ?since=)
//   {type:"command", entry, lesson?}   a command applied by anyone (HTTP or WebSocket), in seq order;
//                                      `lesson` is its effect on the lesson's progress, if any
//   {type:"lesson", progress, events, status}  a lesson step completed as the clock moved
//   {type:"cluster", seq, cluster}     the cluster view after a change (command, proxy request or pod lifecycle)
//   {type:"request", trace, status, at}  a request from outside through the proxy (a browser tab on
//                                      a NodePort link): its route and the HTTP status it got; not
//                                      a command (no seq, not in the transcript)
//   {type:"auth", ok:true}             the edit key in an auth message was right
//   {type:"ack", id, seq}              a command this socket sent was applied as `seq`
//   {type:"error", code, message, id?, retryAfterSeconds?}   a message was refused; nothing changed
//   {type:"expired"}                   the session was deleted after 30 idle days; the socket closes
// Client -> server:
//   {type:"auth", key}                 send the edit key first (never in the URL) to be allowed commands
//   {type:"command", command, id?}     run a command (needs a successful auth on this socket)
//   {type:"ping"}                      answered with {type:"pong"} without waking the object

import * as v from "valibot";
import { MAX_COMMAND_BYTES } from "../sim/engine.ts";
import type { RouteTrace } from "../sim/net/trace.ts";
import type { ClusterView } from "../sim/view.ts";
import type { LessonUpdate } from "./lesson-run.ts";
import type { TranscriptEntry } from "./transcript.ts";

/** Largest client message accepted, in bytes. */
export const MAX_LIVE_MESSAGE_BYTES = 16 * 1024;

export const ClientMessage = v.variant("type", [
  v.strictObject({ type: v.literal("auth"), key: v.pipe(v.string(), v.maxLength(256)) }),
  v.strictObject({
    type: v.literal("command"),
    command: v.pipe(v.string(), v.maxBytes(MAX_COMMAND_BYTES)),
    id: v.optional(v.pipe(v.string(), v.maxLength(100))),
  }),
]);
export type ClientMessage = v.InferOutput<typeof ClientMessage>;

export type ServerMessage =
  | { type: "hello"; sessionId: string; seq: number; prompt: string; transcriptStart: number; cluster: ClusterView }
  | { type: "command"; entry: TranscriptEntry; lesson?: LessonUpdate }
  | ({ type: "lesson" } & LessonUpdate)
  | { type: "cluster"; seq: number; cluster: ClusterView }
  | { type: "request"; trace: RouteTrace; status: number; at: number }
  | { type: "auth"; ok: true }
  | { type: "ack"; id: string; seq: number }
  | { type: "error"; code: string; message: string; id?: string; retryAfterSeconds?: number }
  | { type: "expired" };

/** What a socket remembers across hibernation. */
export interface SocketAttachment {
  canEdit: boolean;
}

export const PING = JSON.stringify({ type: "ping" });
export const PONG = JSON.stringify({ type: "pong" });
