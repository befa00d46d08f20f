// A session (or a snapshot) as the page sees it: its cluster, transcript and prompt, kept up to
// date over the live socket, and the one way to run a command in it. A snapshot forks into a
// session of the visitor's own on its first command.
import { useEffect, useRef, useState } from "preact/hooks";
import * as api from "../api/client.ts";
import type { ClusterView, EditorRequest, LessonEvent, LessonUpdate, RouteTrace, TranscriptEntry } from "../api/types.ts";
import { applyUpdate, learnerTyped, lessonModel, type LessonModel, type UpdateSource } from "../lesson/lesson-state.ts";
import { storage } from "../lib/storage.ts";
import { remember } from "../../../worker/sim/shell/history.ts";

export type Source = { kind: "session"; id: string; key?: string } | { kind: "snapshot"; snapshotId: string };

export interface SessionModel {
  id?: string;
  key?: string;
  snapshotId?: string;
  cluster?: ClusterView;
  transcript: TranscriptEntry[];
  prompt: string;
  error?: string;
  loaded: boolean;
  connected: boolean;
  /** The lesson the session follows, if any. */
  lesson: LessonModel | null;
  /** An editor this page opened (vi, kubectl edit) and has not left yet. */
  edit?: EditorRequest;
  /** The session's history, as its bash keeps it (`history`); absent for a snapshot. */
  history?: string[];
}

export interface SessionHooks {
  /** A snapshot became a session (first command), or a watcher forked: the page updates its URL. */
  onSession?(id: string, key: string): void;
  /** Every entry that arrives after the first load, own or someone else's. */
  onEntry?(entry: TranscriptEntry): void;
  /** The first load finished (the console can take commands). */
  onLoaded?(model: SessionModel): void;
  /** Steps completed and the lesson completed, each reported once, after the command's entry. */
  onLessonEvents?(events: LessonEvent[]): void;
  /** A request came in through the proxy (someone opened a NodePort in a browser tab). */
  onRequest?(trace: RouteTrace): void;
}

const TRANSITIONAL = new Set(["Pending", "ContainerCreating", "PodInitializing", "Terminating"]);
const POLL_MS = 1000;

function merge(list: TranscriptEntry[], entry: TranscriptEntry): TranscriptEntry[] {
  if (list.some((e) => e.seq === entry.seq)) return list;
  const next = [...list, entry];
  next.sort((a, b) => a.seq - b.seq);
  return next;
}

export function useSession(source: Source, hooks: SessionHooks = {}) {
  const [model, setModel] = useState<SessionModel>({ transcript: [], prompt: "", loaded: false, connected: false, lesson: null });
  const current = useRef(model);
  current.current = model;
  const hooksRef = useRef(hooks);
  hooksRef.current = hooks;
  const [target, setTarget] = useState<{ id: string; key?: string } | null>(source.kind === "session" ? { id: source.id, key: source.key } : null);

  // The ref is updated at once so that handlers running before the next render see the change.
  const update = (patch: Partial<SessionModel> | ((m: SessionModel) => Partial<SessionModel>)): SessionModel => {
    const next = { ...current.current, ...(typeof patch === "function" ? patch(current.current) : patch) };
    current.current = next;
    setModel(next);
    return next;
  };

  const addEntry = (entry: TranscriptEntry) => {
    const known = current.current.transcript.some((e) => e.seq === entry.seq);
    if (known) return;
    update((m) => ({ transcript: merge(m.transcript, entry), prompt: entry.seq >= lastSeq(m.transcript) ? entry.prompt ?? m.prompt : m.prompt }));
    hooksRef.current.onEntry?.(entry);
  };

  const applyLesson = (report: Pick<LessonUpdate, "progress" | "status"> | undefined | null, source: UpdateSource) => {
    if (!report) return;
    const { model: lesson, events } = applyUpdate(current.current.lesson, report, source);
    if (lesson !== current.current.lesson) update({ lesson });
    if (events.length) hooksRef.current.onLessonEvents?.(events);
  };

  // First load.
  useEffect(() => {
    let cancelled = false;
    // With the key, an editor left open (a reload mid-edit) comes back with its text.
    const load = source.kind === "snapshot" ? api.getSnapshot(source.snapshotId) : api.getSession(source.id, source.key);
    load.then(
      (doc) => {
        if (cancelled) return;
        const loaded = update({
          cluster: doc.cluster,
          transcript: doc.transcript,
          prompt: doc.prompt,
          lesson: lessonModel(doc.lesson, learnerTyped(doc.transcript)),
          loaded: true,
          id: source.kind === "session" ? source.id : undefined,
          key: source.kind === "session" ? source.key : undefined,
          snapshotId: source.kind === "snapshot" ? source.snapshotId : undefined,
          edit: "edit" in doc ? doc.edit : undefined,
          history: "history" in doc ? doc.history : undefined,
        });
        hooksRef.current.onLoaded?.(loaded);
      },
      (error) => !cancelled && update({ error: (error as Error).message, loaded: true }),
    );
    return () => {
      cancelled = true;
    };
  }, [source.kind === "session" ? source.id : source.snapshotId]);

  // Live updates once there is a session to follow.
  useEffect(() => {
    if (!target || !current.current.loaded || current.current.error) return;
    const live = api.followSession(
      target.id,
      () => lastSeq(current.current.transcript),
      (event) => {
        if (event.kind === "command") {
          addEntry(event.entry);
          applyLesson(event.lesson, { kind: "command", seq: event.entry.seq });
        } else if (event.kind === "lesson") applyLesson(event.update, { kind: "clock" });
        else if (event.kind === "expired") update({ error: "This session expired after 30 days without use." });
        else if (event.kind === "request") hooksRef.current.onRequest?.(event.trace);
        else update((m) => ({ cluster: newer(m.cluster, event.cluster), prompt: event.prompt ?? m.prompt }));
      },
      (connected) => update({ connected }),
    );
    return () => live.close();
  }, [target?.id, model.loaded]);

  // Pods start and stop over time and the live socket reports it; without the socket, while some
  // pods are in between, look again shortly.
  const transitional = !!model.cluster?.pods.some((p) => TRANSITIONAL.has(p.status));
  useEffect(() => {
    if (!transitional || !target || model.connected) return;
    const timer = setTimeout(() => void refresh(), POLL_MS);
    return () => clearTimeout(timer);
  }, [transitional, model.cluster, target?.id, model.connected]);

  const refresh = async () => {
    const id = target?.id ?? current.current.id;
    if (!id) return;
    try {
      const doc = await api.getSession(id);
      update((m) => ({ cluster: newer(m.cluster, doc.cluster) }));
      for (const entry of doc.transcript) addEntry(entry);
      applyLesson(doc.lesson, { kind: "refresh" });
    } catch {
      // The live socket or the next poll will bring it.
    }
  };

  /** The session this page may change: its own, or (from a snapshot) a fork made now. */
  const writable = async (): Promise<{ id: string; key: string }> => {
    if (target?.id && target.key) return { id: target.id, key: target.key };
    if (source.kind !== "snapshot") throw new Error("This session is read-only: make your own copy to type.");
    const created = await api.createSession({ from: source.snapshotId });
    const { id, editKey: key } = created;
    storage.setEditKey(id, key);
    setTarget({ id, key });
    update({ id, key });
    hooksRef.current.onSession?.(id, key);
    return { id, key };
  };

  /** Runs a command; a snapshot forks first. Resolves once the entry is in the transcript. */
  const run = async (command: string) => {
    const { id, key } = await writable();
    const { entry, lesson, edit, history } = await api.runCommand(id, key, command);
    // The session sends its history back only when it is not the line kept as typed (`!!`, `history -c`).
    const known = current.current.history;
    if (history || known) update({ history: history ?? remember({ lines: known! }, command).lines });
    addEntry(entry);
    if (edit) update({ edit });
    applyLesson(lesson, { kind: "command", seq: entry.seq });
    // The socket sends the new cluster view; without it, ask for it.
    if (!current.current.connected) void refresh();
  };

  /** The open editor's answer: the saved text or a cancel. The editor closes, or reopens (a failed write, an invalid kubectl edit). */
  const answerEditor = async (answer: { content: string } | { cancel: true }) => {
    const open = current.current.edit;
    if (!open || !target?.key) return;
    const { entry, lesson, edit } = await api.answerEditor(target.id, target.key, { token: open.token, ...answer });
    addEntry(entry);
    update({ edit });
    applyLesson(lesson, { kind: "command", seq: entry.seq });
    if (!current.current.connected) void refresh();
  };

  /** Ctrl+C while a command holds the console (kubectl port-forward): the session stops it. */
  const interrupt = async () => {
    if (!target?.key) return;
    const { entry, lesson } = await api.interruptCommand(target.id, target.key);
    addEntry(entry);
    applyLesson(lesson, { kind: "command", seq: entry.seq });
    if (!current.current.connected) void refresh();
  };

  /** The lesson panel's Check again, Skip and Back; a snapshot forks first, as for a command. */
  const moveLesson = async (action: api.LessonAction) => {
    const { id, key } = await writable();
    applyLesson(await api.moveLesson(id, key, action), { kind: "move", action });
  };

  /** A copy of this session (or snapshot) that the visitor can type into. */
  const fork = async (): Promise<{ id: string; key: string }> => {
    const snapshotId = source.kind === "snapshot" ? source.snapshotId : await api.createSnapshot(target!.id);
    const created = await api.createSession({ from: snapshotId });
    storage.setEditKey(created.id, created.editKey);
    return { id: created.id, key: created.editKey };
  };

  const snapshot = async (): Promise<string> => {
    if (target) return api.createSnapshot(target.id, target.key);
    if (source.kind === "snapshot") return source.snapshotId;
    throw new Error("Nothing to share yet.");
  };

  return { model, run, moveLesson, answerEditor, interrupt, fork, snapshot, editable: !!(target?.key) || source.kind === "snapshot" };
}

function lastSeq(list: TranscriptEntry[]): number {
  return list.length ? list[list.length - 1].seq : 0;
}

/** Views can arrive out of order (socket and polling); keep the newest. */
function newer(a: ClusterView | undefined, b: ClusterView): ClusterView {
  return a && a.now > b.now ? a : b;
}
