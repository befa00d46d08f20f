// The playground itself: console beside (or above) the cluster map and the route panel. Pages
// wrap it with their header, banner and URL handling.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { proxyUrl } from "../api/client.ts";
import type { RouteTrace, TranscriptEntry } from "../api/types.ts";
import { Console } from "../console/Console.tsx";
import { EditorPanel } from "../editor/EditorPanel.tsx";
import { LessonPanel } from "../lesson/LessonPanel.tsx";
import { switchContextCommand } from "../map/contexts.ts";
import { ClusterMap } from "../map/ClusterMap.tsx";
import { TracePanel } from "../map/TracePanel.tsx";
import { type SessionHooks, type Source, useSession } from "./use-session.ts";
import { Orientation } from "./Orientation.tsx";
import { storage } from "../lib/storage.ts";
import { reducedMotion } from "../lib/motion.ts";

export interface PlaygroundProps {
  source: Source;
  hooks?: SessionHooks;
  compact?: boolean;
  showMap?: boolean;
  /** Renders above the console and map, given the session (share menu, banner). */
  header?(session: ReturnType<typeof useSession>): ComponentChildren;
  inject?: { id: number; command: string };
  /** A panel beside the console in the lesson's place (an exam's tasks, its report). */
  panel?: ComponentChildren;
  /** A route to draw on the map and in the route panel (a report's failed route check). */
  focusTrace?: { trace: RouteTrace; id: string };
}

const STEP_MS = 500;

export function Playground(props: PlaygroundProps) {
  const [shown, setShown] = useState<{ trace: RouteTrace; id: string; step: number; playing: boolean } | null>(null);
  const [showSystem, setShowSystem] = useState(false);
  // A new route plays hop by hop, or, with reduced motion, shows at once on its last hop.
  const play = (trace: RouteTrace, id: string) =>
    setShown(reducedMotion() ? { trace, id, step: trace.hops.length - 1, playing: false } : { trace, id, step: 0, playing: true });
  const showTrace = (trace: RouteTrace, entry: TranscriptEntry, index = entry.traces.indexOf(trace)) =>
    play(trace, `${entry.seq}-${index}-${Date.now()}`);

  const [oriented, setOriented] = useState(() => storage.oriented());
  const session = useSession(props.source, {
    ...props.hooks,
    onEntry(entry) {
      if (entry.traces.length) showTrace(entry.traces[entry.traces.length - 1], entry, entry.traces.length - 1);
      props.hooks?.onEntry?.(entry);
    },
    onRequest(trace) {
      play(trace, `request-${Date.now()}`);
      props.hooks?.onRequest?.(trace);
    },
  });
  const { model } = session;

  // Commands typed in from outside the console: the embedding page's `run` and the lesson's run
  // buttons take the same way in.
  const injected = useRef(0);
  const [inject, setInject] = useState<{ id: number; command: string } | undefined>();
  const type = (command: string) => setInject({ id: ++injected.current, command });
  useEffect(() => {
    if (props.inject) type(props.inject.command);
  }, [props.inject?.id]);

  useEffect(() => {
    if (props.focusTrace) play(props.focusTrace.trace, props.focusTrace.id);
  }, [props.focusTrace?.id]);

  // The newest request's route when the page opens.
  const shownInitial = useRef(false);
  useEffect(() => {
    if (shownInitial.current || !model.loaded) return;
    shownInitial.current = true;
    const last = [...model.transcript].reverse().find((e) => e.traces.length);
    if (last) setShown({ trace: last.traces[last.traces.length - 1], id: `${last.seq}-initial`, step: last.traces[last.traces.length - 1].hops.length - 1, playing: false });
  }, [model.loaded]);

  // Steps through the hops as the packet travels, then stays on the last one.
  useEffect(() => {
    if (!shown?.playing) return;
    if (shown.step >= shown.trace.hops.length - 1) {
      setShown({ ...shown, playing: false });
      return;
    }
    const timer = setTimeout(() => setShown((s) => s && { ...s, step: s.step + 1 }), STEP_MS);
    return () => clearTimeout(timer);
  }, [shown]);

  if (model.error && !model.cluster) {
    return (
      <main class="playground-error">
        <h1>Cannot open this {props.source.kind === "snapshot" ? "snapshot" : "session"}</h1>
        <p role="alert">{model.error}</p>
        <p>
          <a href="/">Start a new playground</a>
        </p>
      </main>
    );
  }

  const showMap = props.showMap !== false;
  // The first visit's orientation: in a playground of one's own, not in an embed or a lesson.
  const orient = oriented === false && !props.compact && !model.lesson && !props.panel && session.editable && props.source.kind === "session" && model.loaded;
  const historyKey = model.id;
  const lesson = model.lesson;
  return (
    <div class={"playground" + (props.compact ? " compact" : "") + (showMap ? "" : " no-map") + (lesson || props.panel ? " with-lesson" : "")}>
      {/* The first Tab stop (WCAG 2.4.1): past the top bar and the transcript's links to the command line. */}
      {session.editable && model.loaded && (
        <a
          class="skip-link"
          href="#command"
          onClick={(event) => {
            event.preventDefault();
            document.getElementById("command")?.focus();
          }}
        >
          Skip to the command line
        </a>
      )}
      {props.header?.(session)}
      {orient && (
        <Orientation
          view={model.cluster}
          mapShown={showMap}
          onRun={type}
          onDismiss={() => {
            storage.setOriented();
            setOriented(true);
          }}
        />
      )}
      <main class="panes">
        {props.panel}
        {lesson && <LessonPanel model={lesson} onRun={session.editable ? type : undefined} onMove={session.editable ? session.moveLesson : undefined} />}
        {model.edit && session.editable && <EditorPanel request={model.edit} onAnswer={session.answerEditor} />}
        {model.loaded ? (
          <Console
            hidden={!!model.edit && session.editable}
            historyKey={historyKey}
            history={model.history}
            entries={model.transcript}
            prompt={model.prompt}
            view={model.cluster}
            readOnly={!session.editable}
            onRun={session.run}
            onInterrupt={session.interrupt}
            proxyHref={model.id ? (host, port, path) => proxyUrl(model.id!, host, port, path) : undefined}
            onShowRoute={(trace, entry) => showTrace(trace, entry)}
            inject={inject}
            compact={props.compact}
            suggest={!lesson && !props.panel && !props.compact}
          />
        ) : (
          <section class="console loading" aria-busy="true">
            <p>Starting your cluster…</p>
          </section>
        )}
        {showMap && (
          <div class="side">
            {model.cluster && (
              <ClusterMap
                view={model.cluster}
                trace={shown?.trace}
                traceId={shown?.id}
                step={shown?.step ?? 0}
                showSystem={showSystem}
                onToggleSystem={() => setShowSystem(!showSystem)}
                onUseContext={session.editable ? (name) => type(switchContextCommand(name)) : undefined}
              />
            )}
            {shown ? (
              <TracePanel
                trace={shown.trace}
                step={shown.step}
                onStep={(step) => setShown({ ...shown, step, playing: false })}
                onReplay={() => play(shown.trace, shown.id + "r")}
              />
            ) : (
              model.cluster && (
                <p class="trace-empty">
                  Requests you send with <code>curl</code> show their route here: node → service → pod.
                </p>
              )
            )}
          </div>
        )}
      </main>
    </div>
  );
}

