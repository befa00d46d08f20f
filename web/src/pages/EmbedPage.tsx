// `/embed?lesson=|snapshot=|setup=&map=0|1&theme=`: the compact view for course pages. Each
// visitor gets a private session per embed, remembered so that a reload keeps their work. The
// parent page hears `ready`, every command and the lesson's progress, and may send `run` (see
// notes/readme-web.md).
import { useEffect, useState } from "preact/hooks";
import { createSession, getSession } from "../api/client.ts";
import type { CreateSessionBody, LessonEvent, TranscriptEntry } from "../api/types.ts";
import { sessionPath } from "../lib/route.ts";
import { storage } from "../lib/storage.ts";
import { Playground } from "./Playground.tsx";

export const MESSAGE_SOURCE = "kube-playground";
const PROTOCOL_VERSION = 1;

export function embedSetup(params: URLSearchParams): { embedId: string; body: CreateSessionBody } {
  const lesson = params.get("lesson");
  if (lesson) return { embedId: `lesson:${lesson}`, body: { lesson } };
  const snapshot = params.get("snapshot");
  if (snapshot) return { embedId: `snapshot:${snapshot}`, body: { from: snapshot } };
  // setup=cmd&setup=cmd, or one setup= with commands on separate lines.
  const setup = params.getAll("setup").flatMap((s) => s.split("\n")).map((s) => s.trim()).filter(Boolean);
  if (setup.length) return { embedId: `setup:${setup.join("\n")}`, body: { setup } };
  return { embedId: "blank", body: {} };
}

function post(message: Record<string, unknown>) {
  if (window.parent === window) return;
  // The messages carry nothing secret (never the edit key), so any embedding page may read them.
  window.parent.postMessage({ source: MESSAGE_SOURCE, version: PROTOCOL_VERSION, ...message }, "*");
}

export function EmbedPage(props: { params: URLSearchParams }) {
  const { embedId, body } = embedSetup(props.params);
  const showMap = props.params.get("map") !== "0";
  // `created`: this visit started the session, so its lesson (if any) starts now.
  const [session, setSession] = useState<{ id: string; key: string; created: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [inject, setInject] = useState<{ id: number; command: string } | undefined>();

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const stored = storage.embedSession(embedId);
      if (stored) {
        try {
          await getSession(stored.id);
          if (!cancelled) setSession({ ...stored, created: false });
          return;
        } catch {
          storage.setEmbedSession(embedId, null); // Gone (expired): start afresh.
        }
      }
      const created = await createSession(body);
      const own = { id: created.id, key: created.editKey };
      storage.setEmbedSession(embedId, own);
      storage.setEditKey(own.id, own.key);
      if (!cancelled) setSession({ ...own, created: true });
    })().catch((e) => !cancelled && setError((e as Error).message));
    return () => {
      cancelled = true;
    };
  }, [embedId]);

  useEffect(() => {
    let n = 0;
    const onMessage = (event: MessageEvent) => {
      if (event.source !== window.parent || window.parent === window) return;
      const data = event.data as { type?: unknown; command?: unknown } | null;
      if (data && data.type === "run" && typeof data.command === "string" && data.command.length > 0) {
        setInject({ id: ++n, command: data.command });
      }
    };
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, []);

  if (error) return <p class="embed-error" role="alert">Could not start the playground: {error}</p>;
  if (!session) return <p class="embed-loading" aria-busy="true">Starting your cluster…</p>;
  return (
    <Playground
      compact
      showMap={showMap}
      source={{ kind: "session", id: session.id, key: session.key }}
      inject={inject}
      hooks={{
        onLoaded: (model) => {
          post({ type: "ready", session: session.id });
          if (session.created && model.lesson) post({ type: "lesson-started", lessonId: model.lesson.lesson.id, session: session.id });
        },
        onLessonEvents: (events: LessonEvent[]) => {
          for (const event of events) post({ ...event, session: session.id });
        },
        onEntry: (entry: TranscriptEntry) =>
          post({
            type: "command",
            session: session.id,
            seq: entry.seq,
            command: entry.command,
            output: entry.output,
            exitCode: entry.exitCode,
            prompt: entry.prompt,
            traces: entry.traces,
          }),
      }}
      header={() => (
        <header class="embed-bar">
          <span class="brand">⎈ Kube Service Playground</span>
          <span class="spacer" />
          <a href={sessionPath(session.id, session.key)} target="_blank" rel="noopener">
            Open in full playground ↗
          </a>
        </header>
      )}
    />
  );
}
