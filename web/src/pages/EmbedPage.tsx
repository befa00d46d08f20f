// `/embed?lesson=|snapshot=|setup=|class=&cni=&loadBalancer=&ingress=&map=0|1&theme=&allowParentCommands=1&parentOrigin=`: the
// compact view for course pages. Each visitor gets a private session per embed and embedding
// origin, remembered so that a reload keeps their work. The parent page hears `ready`, every
// command and the lesson's progress (posted to its origin only), and may send `run` when the
// embed's URL allows it (see README, "Embedding in a course page"). With `class=<classId>` the
// visitor joins that class (a name first) and the messages carry the class id.
import { useEffect, useState } from "preact/hooks";
import { createSession, getSession } from "../api/client.ts";
import type { LessonEvent, TranscriptEntry } from "../api/types.ts";
import { embedSetup } from "../lib/embed-setup.ts";
import { parentOrigin } from "../lib/parent-origin.ts";
import { sessionPath } from "../lib/route.ts";
import { storage } from "../lib/storage.ts";
import { JoinForm, useClassInfo } from "./ClassPage.tsx";
import { LazyExam } from "./LazyExam.tsx";
import { Playground } from "./Playground.tsx";

export const MESSAGE_SOURCE = "kube-playground";
const PROTOCOL_VERSION = 1;

const framed = () => window.parent !== window;

/** The embedding page's origin, null when framed by a page whose origin cannot be known. */
function embedder(params: URLSearchParams): string | null {
  if (!framed()) return location.origin;
  return parentOrigin({ ancestorOrigins: location.ancestorOrigins, referrer: document.referrer, declared: params.get("parentOrigin") });
}

function post(origin: string | null, message: Record<string, unknown>) {
  // Commands and their output are the learner's: only the page that embeds them hears them.
  // Unknown parent origin: nothing is posted rather than broadcast to "*".
  if (!framed() || origin === null) return;
  window.parent.postMessage({ source: MESSAGE_SOURCE, version: PROTOCOL_VERSION, ...message }, origin);
}

export function EmbedPage(props: { params: URLSearchParams }) {
  const classId = props.params.get("class");
  return classId ? <ClassEmbed classId={classId} params={props.params} /> : <EmbedSession params={props.params} />;
}

/** A class's embed: the visitor joins the class (or is back in the session this browser joined it with). */
function ClassEmbed(props: { classId: string; params: URLSearchParams }) {
  const info = useClassInfo(props.classId);
  const [joined, setJoined] = useState(() => {
    const stored = storage.classSession(props.classId);
    return stored && storage.editKey(stored.sessionId) !== null ? stored : null;
  });
  // Joined in this visit: the lesson starts now (the embedding page hears lesson-started).
  const [fresh, setFresh] = useState(false);
  // Whether the class runs an exam decides the view: wait for the class's facts first.
  if (joined && !info.value && !info.error) return <p class="embed-loading" aria-busy="true">Loading the class…</p>;
  if (joined)
    return (
      <EmbedSession
        params={props.params}
        joined={{ id: joined.sessionId, key: storage.editKey(joined.sessionId)!, classId: props.classId, created: fresh, examId: info.value?.exam?.id }}
        message={info.value?.message?.text}
      />
    );
  if (info.error) return <p class="embed-error" role="alert">Could not open the class: {info.error}</p>;
  if (!info.value) return <p class="embed-loading" aria-busy="true">Loading the class…</p>;
  return (
    <main class="starting class-join">
      <JoinForm
        info={info.value}
        onJoined={(j) => {
          setFresh(true);
          setJoined(j);
        }}
      />
    </main>
  );
}

function EmbedSession(props: { params: URLSearchParams; joined?: { id: string; key: string; classId: string; created: boolean; examId?: string }; message?: string }) {
  const { embedId, body } = embedSetup(props.params);
  const classId = props.joined?.classId;
  // Every message names the session, and the class when the embed is bound to one.
  const whose = (id: string) => (classId ? { session: id, class: classId } : { session: id });
  const showMap = props.params.get("map") !== "0";
  // Typing into a learner's console is the parent's only when the embed's URL says so.
  const allowParentCommands = props.params.get("allowParentCommands") === "1";
  const [origin] = useState(() => embedder(props.params));
  // Two sites embedding the same lesson keep apart sessions; "unknown" holds the frames whose parent is not known.
  const storedAs = `${origin ?? "unknown"} ${embedId}`;
  // `created`: this visit started the session, so its lesson (if any) starts now.
  const [session, setSession] = useState<{ id: string; key: string; created: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [inject, setInject] = useState<{ id: number; command: string } | undefined>();

  useEffect(() => {
    let cancelled = false;
    if (props.joined) {
      // getClass checks the class is still there; the session itself was made by joining.
      setSession({ id: props.joined.id, key: props.joined.key, created: props.joined.created });
      return;
    }
    (async () => {
      const stored = storage.embedSession(storedAs);
      if (stored) {
        try {
          await getSession(stored.id);
          if (!cancelled) setSession({ ...stored, created: false });
          return;
        } catch {
          storage.setEmbedSession(storedAs, null); // Gone (expired): start afresh.
        }
      }
      const created = await createSession(body);
      const own = { id: created.id, key: created.editKey };
      storage.setEmbedSession(storedAs, own);
      storage.setEditKey(own.id, own.key);
      if (!cancelled) setSession({ ...own, created: true });
    })().catch((e) => !cancelled && setError((e as Error).message));
    return () => {
      cancelled = true;
    };
  }, [storedAs]);

  useEffect(() => {
    if (!allowParentCommands || origin === null || !framed()) return;
    let n = 0;
    const onMessage = (event: MessageEvent) => {
      if (event.source !== window.parent || event.origin !== origin) return;
      const data = event.data as { type?: unknown; command?: unknown } | null;
      if (data && data.type === "run" && typeof data.command === "string" && data.command.length > 0) {
        setInject({ id: ++n, command: data.command });
      }
    };
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, [allowParentCommands, origin]);

  if (error) return <p class="embed-error" role="alert">Could not start the playground: {error}</p>;
  if (!session) return <p class="embed-loading" aria-busy="true">Starting your cluster…</p>;
  // An exam of its own (`exam=`), or the exam of the class the visitor joined.
  const examId = props.joined ? props.joined.examId : props.params.get("exam");
  if (examId) {
    // An exam: the course page hears its progress (each command, each minute) and its result.
    return (
      <LazyExam
        key={session.id}
        id={session.id}
        urlKey={session.key}
        compact
        embedded
        onProgress={(progress) => post(origin, { type: "exam-progress", ...whose(session.id), examId, ...progress })}
        onResult={(state) => {
          const report = state.report!;
          post(origin, {
            type: "exam-result",
            ...whose(session.id),
            examId: report.examId,
            seed: report.seed,
            score: report.score,
            max: report.max,
            passPercent: report.passPercent,
            passed: report.passed,
            tasks: report.tasks.map((t) => ({ id: t.id, weight: t.weight, score: t.score })),
          });
        }}
        onRetake={(retake) => {
          storage.setEmbedSession(storedAs, retake);
          setSession({ ...retake, created: true });
        }}
      />
    );
  }
  return (
    <Playground
      compact
      showMap={showMap}
      source={{ kind: "session", id: session.id, key: session.key }}
      inject={inject}
      hooks={{
        onLoaded: (model) => {
          post(origin, { type: "ready", ...whose(session.id) });
          if (session.created && model.lesson) post(origin, { type: "lesson-started", lessonId: model.lesson.lesson.id, ...whose(session.id) });
        },
        onLessonEvents: (events: LessonEvent[]) => {
          for (const event of events) post(origin, { ...event, ...whose(session.id) });
        },
        onEntry: (entry: TranscriptEntry) =>
          post(origin, {
            type: "command",
            ...whose(session.id),
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
          {props.message && (
            <span class="class-message" role="status">
              Teacher: {props.message}
            </span>
          )}
          <span class="spacer" />
          <a href={sessionPath(session.id, session.key)} target="_blank" rel="noopener">
            Open in full playground ↗
          </a>
        </header>
      )}
    />
  );
}
