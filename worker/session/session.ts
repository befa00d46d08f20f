// The Durable Object behind one session: the only writer of its cluster. It applies commands one
// at a time in arrival order, stores each command's new state and transcript entry in one
// transaction before answering, and broadcasts every result to the /live WebSockets (hibernation
// API, so idle watchers cost nothing). Its alarm advances pod lifecycles and deletes the session
// after 30 days without activity.

import { type ClusterProfileRequest, resolveProfile } from "../sim/cluster/profile.ts";
import { DurableObject } from "cloudflare:workers";
import * as v from "valibot";
import { readSettings, type Settings } from "../config.ts";
import { errorResponse } from "../http/errors.ts";
import { callerTimeOf, createSession, simulatedNow, editorRequestOf, execute, finishEdit, foregroundJob, interrupt, type CommandResult, type SessionState, tick } from "../sim/engine.ts";
import type { EditorReply } from "../sim/shell/editor.ts";
import type { EditingView, EditorRequest } from "../sim/wire.ts";
import { promptOf } from "../sim/shell/prompt.ts";
import { EMPTY_HISTORY, remember, type History } from "../sim/shell/history.ts";
import { createWorkBudget, type WorkBudget } from "../sim/shell/work.ts";
import { nextTransitionAt } from "../sim/cluster/controllers.ts";
import { type ClusterView, clusterView } from "../sim/view.ts";
import { decodeKeyHash, editKeyMatches, hashEditKey } from "./edit-key.ts";
import { newEditKey, newSnapshotId } from "./ids.ts";
import { ClientMessage, MAX_LIVE_MESSAGE_BYTES, PING, PONG, type ServerMessage, type SocketAttachment } from "./live.ts";
import { clusterNamed, contextsKubeconfig, currentClusterName, withCluster } from "../sim/contexts.ts";
import type { Kubeconfig } from "../sim/kubectl/kubeconfig-types.ts";
import { failure, type Failure, type Outcome, sessionNotFound, snapshotNotFound, success } from "./outcome.ts";
import { type ProxiedResponse, type ProxyRequest, routeProxyRequest } from "./proxy.ts";
import type { ClusterState } from "../sim/cluster/types.ts";
import { type KubeApiResponse, notFoundPath, pathSegments, podLogResponse, resolveResource, serveKubeApi, status, unauthorized } from "../sim/api/server.ts";
import { followPodLog, type LogCursor, logCursor, logText } from "../sim/cluster/pod-log.ts";
import { type KubeApiWriteRequest, serveKubeApiWrite, WRITE_METHODS } from "../sim/api/writes.ts";
import { attachFrame, chooseProtocol, portForwardPod, CLOSE, containerNotRunning, ERROR, type ExecProtocol, type ExecSpec, execLine, execSpec, execTarget, exitCodeStatus, frame, internalErrorStatus, PlainLines, RESIZE, shellWord, spdyRefused, STDERR, STDIN, STDOUT, successStatus, terminalOutput, transcriptCommand, TtyLine, upgradeRequired, withoutReattachHint } from "../sim/api/exec.ts";
import type { ShellFrame } from "../sim/shell/types.ts";
import type { PortForwardServer } from "../sim/api/port-forward.ts";
import { forwardRequest, openForward } from "../sim/port-forward-client.ts";
import { bookmarkLine, clusterAt, errorLine, eventLine, parseWatch, type WatchSpec, type WatchView, watchChanges, watchView } from "../sim/api/watch.ts";
import { examSetup } from "../sim/exams/reference.ts";
import { advanceLesson, backStep, checkAgain, type Lesson, type LessonProgress, skipStep, startLesson } from "../sim/lessons/index.ts";
import { contextErrors, examOver, examView, finishExamRun, prepareAnswerDirectories, recordExamCommand, sessionContexts, startExamRun, type Exam, type ExamReport, type ExamRun, type ExamView } from "../sim/exams/index.ts";
import { examOverMessage, readExamRun, writeExamRun } from "./exam-state.ts";
import { type LessonRun, type LessonUpdate, type LessonView, lessonUpdate, lessonView, readLessonRun, writeLessonRun, writeProgress } from "./lesson-run.ts";
import { clientKey } from "./client-key.ts";
import { type BucketState, decodeBucket, encodeBucket, TokenBucket } from "./rate-limit.ts";
import { type BucketName, sessionRefusal, WORK_COVERED_BY_TOKEN, WORK_UNITS_PER_TOKEN } from "./session-refusal.ts";
import type { FrozenSession } from "./frozen.ts";
import type { Snapshot } from "./snapshot.ts";
import { SessionStorage } from "./storage.ts";
import type { ClassReports, ExamReportSummary, ProgressReport } from "../classroom/board.ts";
import { ENTRY_TRACES_LIMIT, type TranscriptEntry } from "./transcript.ts";

/** A session with no activity for this long deletes itself. */
export const IDLE_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
/** Reads and watchers count as activity, but are written down at most this often. */
const ACTIVITY_WRITE_INTERVAL_MS = 60 * 60 * 1000;
/**
 * The session's rate buckets and the meta rows holding them: one for the editor's commands, one
 * for what anyone may do without the key (snapshots, proxy requests), so that a watcher can never
 * use up the editor's commands.
 */
const BUCKET_KEYS: Record<BucketName, string> = { commands: "rateBucket", keyless: "keylessBucket" };
/** Snapshots one session may take (a snapshot of an unchanged session is not a new one). */
export const MAX_SNAPSHOTS_PER_SESSION = 100;
/** Live sockets one session may hold open, and of those from one client address (a class of 50 behind one school address watching its teacher fits). */
export const MAX_SOCKETS_PER_SESSION = 100;
export const MAX_SOCKETS_PER_CLIENT = 60;
/** Open watches (`?watch=1`) one session serves at once; past them 429, as priority and fairness would answer. */
export const MAX_WATCHES_PER_SESSION = 20;
/** How often an idle watch that asked for bookmarks gets one (the API server's is about a minute). */
const BOOKMARK_INTERVAL_MS = 60_000;
/** Cluster states kept in memory so a watch from an earlier resourceVersion gets what changed since (the API server's watch cache keeps a window too). */
const WATCH_HISTORY = 64;
/** How long a log follow stays open at most, as a watch does. */
const MAX_FOLLOW_MS = 30 * 60_000;

/** A watch the session streams to: what it selects, what it has seen, where its lines go. */
interface OpenWatch {
  id: number;
  /** The session's cluster it watches, kept when the current context moves to another. */
  cluster: string;
  spec: WatchSpec;
  view: WatchView;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  first: boolean;
  timers: Array<ReturnType<typeof setTimeout>>;
}

/**
 * The kubeconfig of an exec stream's workstation: none with one cluster (kubectl's default is the
 * session's), and with several the session's contexts with the pod's cluster current.
 */
function streamKubeconfig(state: SessionState, cluster: string): { kubeconfig?: Kubeconfig } {
  return state.contexts ? { kubeconfig: { ...contextsKubeconfig(state.contexts.names), currentContext: cluster } } : {};
}

/** A cluster name in the API's path the session does not have, as the API server's NotFound. */
function noSuchCluster(name: string): Failure {
  return failure(404, "no_cluster", `the session has no cluster "${name}"`);
}

/** A follow of a container's log: where it has read to, where its lines go. */
interface OpenFollow {
  id: number;
  /** The session's cluster of the pod. */
  cluster: string;
  cursor: LogCursor;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  timer: ReturnType<typeof setTimeout>;
}

/** Exec and attach streams one session serves at once (the issue's limit); past them 429. */
export const MAX_EXEC_STREAMS_PER_SESSION = 5;
/** What a program's stdin may hold before it runs (the API's request body limit). */
const MAX_EXEC_INPUT_CHARS = 1024 * 1024;
/** Port-forward tunnels (pods/portforward over WebSocket) one session holds at once; past them 429. */
export const MAX_PORT_FORWARDS_PER_SESSION = 5;

/** The WebSocket subprotocol of kubectl 1.31+'s port-forward: SPDY/3.1 frames in binary messages. */
const PORT_FORWARD_PROTOCOL = "SPDY/3.1+portforward.k8s.io";

/** An open `kubectl port-forward` tunnel of an API client: its socket and the SPDY connection's server end. */
interface OpenForward {
  socket: WebSocket;
  server: PortForwardServer;
  timer: ReturnType<typeof setTimeout>;
}

/** How long an exec stream stays open at most, as a watch does. */
const MAX_EXEC_MS = 30 * 60_000;

/** An open `kubectl exec` stream: its request, its socket, and the shell it runs in (its own, not the console's). */
interface OpenExec {
  spec: ExecSpec;
  /** The session's cluster of the pod: its lines run there, whatever the current context. */
  cluster: string;
  protocol: ExecProtocol;
  socket: WebSocket;
  /** [workstation], then the pod's shell while `exec -it POD -- sh` has one open. */
  shell: ShellFrame[];
  tty: TtyLine | undefined;
  plain: PlainLines | undefined;
  /** stdin's bytes as text; a character split across two messages waits for its end. */
  decoder: TextDecoder;
  /**
   * A program other than a shell with stdin (`exec -i POD -- cat`, `wc -l`): what the client sends,
   * kept until it closes stdin (v5's CLOSE, or Ctrl+D on a terminal); the program then reads it all.
   */
  input?: string[];
  timer: ReturnType<typeof setTimeout>;
}

/** A watch's answer: the stream of its events, or the API server's refusal. */
export interface KubeWatchAnswer {
  response: KubeApiResponse;
  stream?: ReadableStream<Uint8Array>;
  /** Names the open watch for closeKubeWatch. */
  watchId?: number;
}

/** Upper bound on the transcript a read returns, so a reply stays far below RPC limits. */
const READ_TRANSCRIPT_BUDGET = 8 * 1024 * 1024;

export interface CreateSessionInit {
  id: string;
  /** Snapshot id to fork from. */
  from?: string;
  /** Commands to run after creation (or after the fork), recorded with `setup: true`. */
  setup?: string[];
  /** A lesson to follow: its setup commands run first, then its progress starts. */
  lesson?: Lesson;
  /** The CNI and add-ons of a new cluster (not of a fork: it keeps its snapshot's). */
  cluster?: ClusterProfileRequest;
  /** Several clusters, each its kubeconfig context (sim/contexts.ts); `cluster` is their default profile. */
  clusters?: Array<{ name: string; profile?: ClusterProfileRequest }>;
  /** An exam to take (drawn from its seed): its setups run, then its clock starts. */
  exam?: { exam: Exam; seed: number; durationMinutes?: number };
  /** The class the session's student joined: it hears of every command and lesson move (worker/classroom). */
  classId?: string;
}

export interface CreatedSession {
  id: string;
  editKey: string;
  seq: number;
  prompt: string;
  from?: string;
  /** The id of the lesson the session follows (its own, or the snapshot's). */
  lesson?: string;
  /** The exam the session was started for: its tasks and deadline. */
  exam?: ExamView;
}

/** GET /api/sessions/:id/exam: the running exam, or once it is over, with its final report. */
export interface ExamState extends ExamView {
  report?: ExamReport;
}

export interface SessionView {
  id: string;
  seq: number;
  createdAt: number;
  prompt: string;
  /** seq of the oldest transcript entry returned (older ones were dropped). */
  transcriptStart: number;
  cluster: ClusterView;
  transcript: TranscriptEntry[];
  lesson: LessonView | null;
  /** The editor open in the console, if any (its text only goes to the edit key's holder). */
  editing: EditingView | null;
  /** For a read with the edit key while an editor is open: the editor to reopen. */
  edit?: EditorRequest;
  /** The console's history (`history` lists it; the page's Up key recalls it), oldest first. */
  history: string[];
}

export interface CommandReply extends TranscriptEntry {
  /** The command opened an editor: its text and the token a save or cancel quotes. */
  edit?: EditorRequest;
  /** The route of the last request the command made, when it made one. */
  trace?: TranscriptEntry["traces"][number];
  changed: boolean;
  /** When the session follows a lesson: what this command did to the progress. */
  lesson?: LessonUpdate;
  /**
   * The whole history, when the command changed it otherwise than by keeping the line as typed
   * (a `!` reference expanded, `history -c`, `history -d`, an event not found).
   */
  history?: string[];
}

/** The learner's moves in a lesson, besides commands. */
export type LessonAction = "check" | "skip" | "back";
const LESSON_MOVES = { check: checkAgain, skip: skipStep, back: backStep } as const;

interface Meta {
  id: string;
  keyHash: string;
  createdAt: number;
  lastActiveAt: number;
  seq: number;
}

export class Session extends DurableObject<Env> {
  private readonly storage: SessionStorage;
  private readonly settings: Settings;
  /** The stored edit-key hash as bytes, decoded once per wake-up. */
  private keyHashBytes: Uint8Array | undefined;
  /** The rate limits; restored from storage on wake-up, stored after every token taken. */
  private buckets: Partial<Record<BucketName, TokenBucket>> = {};
  /** Buckets a token was taken from since they were last stored. */
  private readonly unsavedBuckets = new Set<BucketName>();
  /** The snapshot of the session as it is now, if one was taken since the last change ("seq id"; "" for none). */
  private snapshotOf: string | undefined;
  /** The snapshot whose copy is being stored, if any: a snapshot of the same unchanged session shares its store. */
  private storingSnapshot: StoringSnapshot | undefined;
  /** Snapshots taken but not yet stored (nor counted in snapshotCount): they hold their places under the cap. */
  private snapshotsStoring = 0;
  private meta: Meta | undefined;
  private state: SessionState | undefined;
  private lessonRun: LessonRun | undefined;
  private examRun: ExamRun | undefined;
  /** The alarm this instance scheduled; unknown after a wake-up. */
  private alarmAt: number | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** The class this session reports to ("" for none; undefined until loaded). */
  private classId: string | undefined;
  /** The class's stub, made once so that reports go out over one connection, in order. */
  private classStub: ClassReports | undefined;
  /** Reports to the class that failed (the class is gone or overloaded): counted, never the student's problem. */
  private classReportFailures = 0;
  /** Open watches; in memory only: a stream does not outlive the object, and a client watches again. */
  private readonly watches = new Set<OpenWatch>();
  /** Each cluster (by the session's name) as stored by the last commits, oldest first; in memory only (a watch from before a wake-up gets 410 and lists again). */
  private clusterHistory = new Map<string, ClusterState[]>();
  private lastWatchId = 0;
  /** Open follows of a container's log (`kubectl logs -f`); they count among the watches' places. */
  private readonly follows = new Set<OpenFollow>();
  /** Open exec streams (pods/exec over WebSocket). */
  private readonly execs = new Set<OpenExec>();
  /** Open port-forward tunnels (pods/portforward over WebSocket). */
  private readonly forwards = new Set<OpenForward>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.storage = new SessionStorage(ctx.storage.sql);
    this.settings = readSettings(env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  async create(init: CreateSessionInit): Promise<Outcome<CreatedSession>> {
    return this.serializedStoring(async () => {
      if (this.storage.exists()) return failure(409, "session_exists", "A session with this id already exists.");
      let base: FrozenSession | undefined;
      if (init.from !== undefined) {
        const frozen = await snapshots(this.env).get(snapshots(this.env).idFromName(init.from)).exportForNewSession();
        if (!frozen.ok) return frozen.code === "exam_running" ? (frozen as Failure) : snapshotNotFound();
        // The RPC types turn fields typed `unknown` (free-form spec parts) into never; the value is intact.
        base = (frozen as unknown as { value: FrozenSession }).value;
      }
      const editKey = newEditKey();
      const keyHash = await hashEditKey(editKey);
      const now = Date.now();
      const initial = base?.state ?? createSession({
          seed: randomSeed(),
          now,
          maxObjects: this.settings.maxObjects,
          // The lesson chooses the cluster it was written for; the request may say more.
          profile: resolveProfile({ ...init.lesson?.cluster, ...init.exam?.exam.cluster, ...init.cluster }),
          // The request's clusters, else the exam's (an exam written for several contexts brings them).
          ...((init.clusters ?? init.exam?.exam.clusters)
            ? { clusters: (init.clusters ?? init.exam!.exam.clusters!).map((c) => ({ name: c.name, profile: resolveProfile({ ...init.lesson?.cluster, ...init.exam?.exam.cluster, ...init.cluster, ...c.profile }) })) }
            : {}),
        });
      if (init.exam) {
        // An exam written for clusters this session does not have cannot be graded fairly.
        const errors = contextErrors(init.exam.exam, sessionContexts(initial));
        if (errors.length) return failure(400, "exam_context", `This exam cannot start here: ${errors.join("; ")}.`);
      }
      const meta: Meta = { id: init.id, keyHash, createdAt: now, lastActiveAt: now, seq: base?.seq ?? 0 };
      this.ctx.storage.transactionSync(() => {
        this.storage.createSchema();
        this.storage.saveState(undefined, initial);
        for (const entry of base?.transcript ?? []) this.storage.appendTranscript(entry);
        this.writeMeta(meta);
        if (init.classId !== undefined) this.storage.setMeta("classId", init.classId);
        if (base?.lesson) writeLessonRun(this.storage, base.lesson);
      });
      this.classId = init.classId ?? "";
      this.meta = meta;
      this.keyHashBytes = undefined;
      this.state = initial;
      this.lessonRun = base?.lesson;
      this.buckets = { commands: new TokenBucket(this.settings.commandRate, now), keyless: new TokenBucket(this.settings.keylessRate, now) };
      this.snapshotOf = "";
      const setup = [...(init.lesson?.setup ?? []), ...(init.exam ? examSetup(init.exam.exam) : []), ...(init.setup ?? [])];
      // Setup commands are commands: they draw on the new session's bucket (stored with the first
      // one), one token each now and their work as they run (apply).
      this.buckets.commands!.charge(setup.length, now);
      if (setup.length > 0) this.unsavedBuckets.add("commands");
      // ... and share one work budget, as one list: 50 setup lines cannot do 50 lines' worth of work.
      const work = createWorkBudget();
      for (const command of setup) {
        // Each line is a command, and commands take turns with other sessions' requests (see
        // serialized): 50 lines back to back would hold the thread every session shares.
        await scheduler.wait(0);
        this.apply(command, true, work);
      }
      if (init.lesson) {
        // The lesson starts once its setup has run, so its first step sees the prepared cluster.
        const run: LessonRun = { lesson: init.lesson, progress: startLesson(init.lesson, this.state).progress };
        this.ctx.storage.transactionSync(() => writeLessonRun(this.storage, run));
        this.lessonRun = run;
      }
      if (init.exam) {
        // The clock starts once every setup ran; the answer directories are there from the start.
        const started = Date.now();
        const prepared = prepareAnswerDirectories(this.state, init.exam.exam, simulatedNow(this.state, started));
        if (prepared !== this.state) this.persist(prepared, []);
        const run = startExamRun(init.exam.exam, init.exam.seed, this.state, started, init.exam.durationMinutes);
        this.ctx.storage.transactionSync(() => writeExamRun(this.storage, run));
        this.examRun = run;
      }
      this.scheduleAlarm();
      // The class learns where its new student starts (a snapshot may be part-way through a lesson).
      this.reportToClass();
      const created: CreatedSession = { id: init.id, editKey, seq: this.meta.seq, prompt: promptOf(this.state.shell) };
      if (init.from !== undefined) created.from = init.from;
      if (this.lessonRun) created.lesson = this.lessonRun.lesson.id;
      if (this.examRun) created.exam = examView(this.examRun, Date.now());
      return success(created);
    });
  }

  async read(editKey?: string): Promise<Outcome<SessionView>> {
    if (!this.load()) return sessionNotFound();
    // Only the key's holder gets the open editor's text and token (to reopen it after a reload).
    const open = this.state!.editing;
    const edit = editKey !== undefined && open && (await editKeyMatches(editKey, this.keyHash())) ? editorRequestOf(open) : undefined;
    if (!this.load()) return sessionNotFound();
    this.touch();
    const transcript = this.storage.transcriptSince(0, READ_TRANSCRIPT_BUDGET);
    const current = this.current();
    return success({
      id: this.meta!.id,
      seq: this.meta!.seq,
      createdAt: this.meta!.createdAt,
      prompt: promptOf(this.state!.shell),
      transcriptStart: transcript[0]?.seq ?? this.meta!.seq + 1,
      cluster: clusterView(current),
      transcript,
      lesson: this.lessonRun ? lessonView(this.lessonRun, current) : null,
      editing: editingOf(this.state!),
      ...(edit ? { edit } : {}),
      history: this.state!.history?.lines ?? [],
    });
  }

  /** Runs `body` in order, for whoever holds the edit key and within the command rate limit. */
  private asKeyHolder(editKey: string | undefined, body: () => Outcome<string>): Promise<Outcome<string>> {
    return this.serializedStoring(async () => {
      if (!this.load()) return sessionNotFound();
      if (!(await editKeyMatches(editKey, this.keyHash()))) return forbidden(editKey);
      return this.rateLimited("commands") ?? body();
    });
  }

  /**
   * Runs a command for whoever holds the edit key. The answer is the CommandReply as JSON text,
   * built from the JSON the transcript stores: a string crosses RPC without a structured clone of
   * the output and traces, and the Worker sends it as it is.
   */
  async command(editKey: string | undefined, command: string): Promise<Outcome<string>> {
    return this.asKeyHolder(editKey, () => {
      const over = this.examOverFailure();
      if (over) return over;
      const open = this.state!.editing;
      if (open) return failure(409, "editor_open", `The console is in ${open.editor} (${open.title}): save or cancel the edit first.`);
      return success(this.apply(command, false, createWorkBudget()).json);
    });
  }

  /**
   * The editor's save or cancel, for whoever holds the edit key: the command that opened it ends
   * (the file is written, kubectl edit applies the object), or the editor reopens. Ordered,
   * key-checked and rate-limited like a command; the answer is a CommandReply as JSON text.
   */
  async editorReply(editKey: string | undefined, reply: EditorReply): Promise<Outcome<string>> {
    return this.asKeyHolder(editKey, () => {
      const over = this.examOverFailure();
      if (over) return over;
      const open = this.state!.editing;
      if (!open) return failure(409, "no_editor", "No editor is open in this console.");
      if (open.token !== reply.token) return failure(409, "stale_editor", "That editor is no longer open (it was saved, left or reopened); reload the session.");
      const now = Date.now();
      const work = createWorkBudget();
      const result = finishEdit(this.state!, reply, { now, work });
      this.chargeWork(work.used, now);
      return success(this.record(open.command ?? "", result, false, "cancel" in reply ? "cancelled" : "saved").json);
    });
  }

  /**
   * Ctrl+C in the console, for whoever holds the edit key: stops the command that holds the
   * console in the foreground (kubectl port-forward). Ordered, key-checked and rate-limited like a
   * command; the answer is a CommandReply as JSON text, an entry that resumes the stopped command.
   */
  async interrupt(editKey: string | undefined): Promise<Outcome<string>> {
    return this.asKeyHolder(editKey, () => {
      const held = foregroundJob(this.state!);
      if (!held) return failure(409, "not_running", "No command runs in the foreground of this console.");
      return success(this.record(held.command, interrupt(this.state!), false, "interrupted").json);
    });
  }

  /**
   * A learner's move in the lesson ("Check again", "Skip", "Back"), for whoever holds the edit key:
   * ordered, key-checked and rate-limited like a command. The progress is stored (a snapshot taken
   * after it carries it), watchers see it live and the class hears of it. The answer is the
   * LessonUpdate as JSON text.
   */
  async lessonMove(editKey: string | undefined, action: LessonAction): Promise<Outcome<string>> {
    return this.asKeyHolder(editKey, () => {
      const run = this.lessonRun;
      if (!run) return failure(409, "no_lesson", "This session follows no lesson.");
      const moved = LESSON_MOVES[action](run.lesson, run.progress, this.current());
      if ("refused" in moved) return failure(409, "lesson_move_refused", moved.refused);
      this.persist(this.state!, [], moved.progress);
      this.touch();
      const update = lessonUpdate(moved);
      this.broadcast({ type: "lesson", ...update });
      this.reportToClass();
      return success(JSON.stringify(update));
    });
  }

  /**
   * Freezes the current state and transcript into a new Snapshot. Reading needs no key, so neither
   * does this: it draws on the keyless bucket. A session unchanged since its last snapshot (no
   * command, proxy request or stored pod transition) answers that snapshot (`created: false`)
   * instead of copying it again; a session takes at most MAX_SNAPSHOTS_PER_SESSION.
   *
   * Only the copy is taken in the command queue (synchronous); storing it in its Snapshot object is
   * a round trip awaited outside the queue, so a watcher's snapshots never hold up the editor's
   * commands. The copy's place under the cap is reserved until the store answers; snapshots of the
   * same unchanged session meanwhile share that one store.
   */
  async snapshot(): Promise<Outcome<SnapshotTaken>> {
    const taken = await this.serializedStoring<Promise<Outcome<SnapshotTaken>>>(async () => {
      if (!this.load()) return sessionNotFound();
      const limited = this.rateLimited("keyless");
      if (limited) return limited;
      this.storeBuckets();
      const [lastSeq, lastId] = this.snapshotOf!.split(" ");
      if (lastId !== undefined && Number(lastSeq) === this.meta!.seq) return success(Promise.resolve(success<SnapshotTaken>({ snapshotId: lastId, seq: this.meta!.seq, created: false })));
      const storing = this.storingSnapshot;
      if (storing && this.unchangedSince(storing)) {
        return success(storing.stored.then((outcome): Outcome<SnapshotTaken> => (outcome.ok ? success({ ...outcome.value, created: false }) : outcome)));
      }
      const counted = Number(this.storage.getMeta("snapshotCount") ?? "0");
      if (counted + this.snapshotsStoring >= MAX_SNAPSHOTS_PER_SESSION) {
        return failure(409, "snapshot_limit", `This session has taken its ${MAX_SNAPSHOTS_PER_SESSION} snapshots; start a new session (or fork one of its snapshots) for more.`);
      }
      const snapshotId = newSnapshotId();
      const frozen: FrozenSession = { state: this.current(), transcript: this.storage.transcriptSince(0, READ_TRANSCRIPT_BUDGET), seq: this.meta!.seq };
      if (this.lessonRun) frozen.lesson = this.lessonRun;
      if (this.examRun) {
        // A deadline passed unread: the snapshot keeps the report the exam ended with.
        if (examOver(this.examRun, Date.now())) this.finishExam(Date.now());
        frozen.exam = this.examRun;
      }
      this.touch();
      const copyOf: SnapshotCopyOf = { state: this.state!, progress: this.lessonRun?.progress, seq: frozen.seq };
      this.snapshotsStoring++;
      const stored = this.storeSnapshot(snapshotId, frozen, copyOf);
      // Its error is answered by whoever awaits it; marked handled so the runtime does not report it meanwhile.
      stored.catch(() => undefined);
      this.storingSnapshot = { ...copyOf, snapshotId, stored };
      return success(stored);
    });
    return taken.ok ? await taken.value : taken;
  }

  /**
   * Stores a copy taken by snapshot() in its own Snapshot object, then counts it (and, if the session
   * has not changed meanwhile, remembers it as the session's snapshot). A store that fails frees the
   * reserved place and its error is the answer. Outside the command queue: what it changes is done
   * synchronously once the store has answered, so no task of the queue sees it half done.
   */
  private async storeSnapshot(snapshotId: string, frozen: FrozenSession, copy: SnapshotCopyOf): Promise<Outcome<SnapshotTaken>> {
    let stored: Outcome<{ createdAt: number }>;
    try {
      stored = await this.freezeSnapshot(snapshotId, frozen);
    } finally {
      this.snapshotsStoring--;
      if (this.storingSnapshot?.snapshotId === snapshotId) this.storingSnapshot = undefined;
    }
    if (!stored.ok) return stored as Failure;
    const changes: Array<[string, string]> = [["snapshotCount", String(Number(this.storage.getMeta("snapshotCount") ?? "0") + 1)]];
    const current = this.meta !== undefined && this.unchangedSince(copy);
    if (current) changes.push(["snapshotOf", `${frozen.seq} ${snapshotId}`]);
    this.storage.setMetas(changes);
    if (current) this.snapshotOf = `${frozen.seq} ${snapshotId}`;
    return success({ snapshotId, seq: frozen.seq, created: true });
  }

  /** The round trip to the Snapshot object (a method of its own, so tests can make it slow or fail). */
  private freezeSnapshot(snapshotId: string, frozen: FrozenSession): Promise<Outcome<{ createdAt: number }>> {
    return snapshots(this.env).get(snapshots(this.env).idFromName(snapshotId)).freeze(snapshotId, frozen) as Promise<Outcome<{ createdAt: number }>>;
  }

  /** Whether the session is still as it was when `copy` was taken (the same stored state, progress and seq). */
  private unchangedSince(copy: SnapshotCopyOf): boolean {
    return this.state === copy.state && this.lessonRun?.progress === copy.progress && this.meta?.seq === copy.seq;
  }

  /** A real HTTP request from outside, routed through the simulated cluster from the workstation. */
  async proxy(request: ProxyRequest): Promise<Outcome<ProxiedResponse>> {
    return this.serializedStoring(async () => {
      if (!this.load()) return sessionNotFound();
      // Keyless: anyone with the link may send one, so it draws on the keyless bucket, not the editor's.
      const limited = this.rateLimited("keyless");
      if (limited) return limited;
      const now = Date.now();
      const previous = this.state!;
      const { response, state } = routeProxyRequest(previous, request, now);
      // A request from outside can complete a lesson step (e.g. "reach the NodePort from outside").
      const advanced = this.lessonRun ? advanceLesson(this.lessonRun.lesson, this.lessonRun.progress, state, { traces: [response.trace] }) : undefined;
      // ... and counts for an exam's request checks while the exam runs.
      const exam = this.examRun && !examOver(this.examRun, now) ? recordExamCommand(this.examRun, state, [response.trace]) : undefined;
      // Its effects (nginx's access log, session affinity, pods that finished starting) are
      // stored like a command's, in one transaction before the reply; it is not a command, so it
      // gets no transcript entry and no seq.
      this.persist(state, [], advanced?.progress, exam);
      this.touch();
      const seq = this.meta!.seq;
      this.broadcast({ type: "request", trace: response.trace, status: response.status, at: now });
      if (state.cluster !== previous.cluster) {
        this.broadcast(() => ({ type: "cluster", seq, cluster: clusterView(state) }));
        this.scheduleAlarm();
      }
      if (advanced && advanced.events.length > 0) {
        this.broadcast({ type: "lesson", ...lessonUpdate(advanced) });
        this.reportToClass();
      }
      return success(response);
    });
  }

  /**
   * GET /api/sessions/:id/exam: the running exam (tasks, time left), or once it is over (time up or
   * Finish) the final report. Anyone with the link may read it, as they may read the session.
   */
  async exam(): Promise<Outcome<ExamState>> {
    return this.serializedStoring(async () => {
      if (!this.load()) return sessionNotFound();
      if (!this.examRun) return noExam();
      const now = Date.now();
      // Time ran out since the last command: the report is made now, from the session as time left it.
      if (examOver(this.examRun, now)) this.finishExam(now);
      const run = this.examRun!;
      return success({ ...examView(run, now), ...(run.report ? { report: run.report } : {}) });
    });
  }

  /** POST /api/sessions/:id/exam/finish: ends the exam for the edit key's holder and answers the report. */
  async finishExamNow(editKey: string | undefined): Promise<Outcome<ExamReport>> {
    return this.serializedStoring(async () => {
      if (!this.load()) return sessionNotFound();
      if (!(await editKeyMatches(editKey, this.keyHash()))) return forbidden(editKey);
      if (!this.load()) return sessionNotFound();
      if (!this.examRun) return noExam();
      this.finishExam(Date.now());
      return success(this.examRun!.report!);
    });
  }

  /** Grades the exam once and stores the report: from then on it is final. */
  private finishExam(now: number): void {
    const run = this.examRun!;
    if (run.report) return;
    const finished = finishExamRun(run, this.current(), now);
    // The session's last snapshot shows the exam running: a snapshot taken now must be a new one.
    const outdated = this.snapshotOf !== "";
    this.ctx.storage.transactionSync(() => {
      writeExamRun(this.storage, finished);
      if (outdated) this.storage.setMeta("snapshotOf", "");
    });
    if (outdated) this.snapshotOf = "";
    this.examRun = finished;
    // The class's board gets the final score (the only grading a class sees: see ExamPosition).
    this.reportToClass();
  }

  /** After the deadline (or Finish), the console is closed: a clear refusal, and the report is made. */
  private examOverFailure(): Failure | undefined {
    if (!this.examRun) return undefined;
    const now = Date.now();
    if (!examOver(this.examRun, now)) return undefined;
    this.finishExam(now);
    return failure(409, "exam_over", examOverMessage(this.examRun));
  }

  /**
   * Whether the session exists and, when a key is given, whether it is the session's (403 if not);
   * with several clusters, their names and the current context's (for the kubeconfig).
   */
  async checkKey(editKey: string | undefined): Promise<Outcome<{ clusters?: { names: string[]; current: string } }>> {
    if (!this.load()) return sessionNotFound();
    if (editKey !== undefined && !(await editKeyMatches(editKey, this.keyHash()))) return forbidden(editKey);
    if (!this.load()) return sessionNotFound();
    const contexts = this.state!.contexts;
    return success(contexts ? { clusters: { names: [...contexts.names], current: contexts.current } } : {});
  }

  /**
   * A request to the session's Kubernetes API (worker/sim/api): the edit key as bearer token is the
   * editor, no token is system:anonymous (reads only), any other token is refused as the API server
   * refuses an unknown one (401). Ordered with the commands; a read draws on the bucket of its
   * caller (the editor's commands, or the keyless one) and changes nothing.
   */
  async kubeApi(token: string | undefined, request: Omit<KubeApiWriteRequest, "canWrite">, cluster?: string): Promise<Outcome<KubeApiResponse>> {
    return this.serializedStoring(async () => {
      if (!this.load()) return sessionNotFound();
      const editor = token !== undefined && (await editKeyMatches(token, this.keyHash()));
      if (!this.load()) return sessionNotFound();
      if (token !== undefined && !editor) return success(unauthorized());
      const name = cluster ?? currentClusterName(this.state!);
      const target = clusterNamed(this.state!, name);
      if (!target) return noSuchCluster(name);
      const limited = this.rateLimited(editor ? "commands" : "keyless");
      if (limited) return limited;
      if (editor && WRITE_METHODS.has(request.method.toUpperCase())) {
        // After the exam, kubectl pointed at the session's API changes nothing either.
        const over = this.examOverFailure();
        if (over) return over;
        return success(this.kubeApiWrite(request, name));
      }
      this.storeBuckets();
      this.touch();
      const now = Date.now();
      const current = this.catchUp(now);
      this.scheduleAlarm();
      return success(serveKubeApi(clusterNamed(current, name)!, { ...request, canWrite: editor }, simulatedNow(current, now)));
    });
  }

  /**
   * `?watch=1`: a stream of the API server's watch events for what the request selects, sent as
   * the session changes (commands, API writes, the alarm's pod transitions) until the client goes,
   * timeoutSeconds passes or the object is evicted. Anyone who may read may watch.
   */
  async kubeWatch(token: string | undefined, request: Omit<KubeApiWriteRequest, "canWrite">, clusterName?: string): Promise<Outcome<KubeWatchAnswer>> {
    return this.serializedStoring<KubeWatchAnswer>(async () => {
      if (!this.load()) return sessionNotFound();
      const editor = token !== undefined && (await editKeyMatches(token, this.keyHash()));
      if (!this.load()) return sessionNotFound();
      if (token !== undefined && !editor) return success({ response: unauthorized() });
      const limited = this.rateLimited(editor ? "commands" : "keyless");
      if (limited) return limited;
      const name = clusterName ?? currentClusterName(this.state!);
      if (!clusterNamed(this.state!, name)) return noSuchCluster(name);
      this.storeBuckets();
      this.touch();
      // The watch starts from the cluster as it is now, stored, as the reads answer it.
      const cluster = clusterNamed(this.catchUp(Date.now()), name)!;
      const spec = parseWatch(cluster, { ...request, canWrite: editor });
      if ("status" in spec) return success({ response: spec });
      if (this.watches.size + this.follows.size >= MAX_WATCHES_PER_SESSION) {
        // An idle watch whose client has gone (a Ctrl+C'd kubectl get -w) is found only by writing to
        // it: each gets a blank line, which JSON stream decoders skip between objects (Go's
        // json.Decoder in client-go), and the places of those gone are free when the client retries.
        for (const open of this.watches) this.sendWatchLine(open, "\n");
        return failure(429, "too_many_watches", `too many open watches on this session (at most ${MAX_WATCHES_PER_SESSION}); close one and retry`, 1);
      }
      const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
      let from: ClusterState | KubeApiResponse = cluster;
      if (spec.since !== undefined) {
        from = clusterAt(this.historyUpTo(name, cluster), spec.since);
        // Too new is refused before the stream; too old is the stream's one ERROR event.
        if ("status" in from && from.status !== 410) return success({ response: from });
      }
      const watch: OpenWatch = { id: ++this.lastWatchId, cluster: name, spec, view: "status" in from ? new Map() : watchView(from, spec), writer: writable.getWriter(), first: true, timers: [] };
      if ("status" in from) {
        this.sendWatchLine(watch, errorLine(from));
        watch.writer.close().catch(() => undefined);
        return success({ response: { status: 200, contentType: "application/json", body: "" }, stream: readable });
      }
      this.watches.add(watch);
      if (spec.sendInitial) for (const { object } of watch.view.values()) this.sendWatchLine(watch, eventLine(spec, { type: "ADDED", object }, cluster.now, this.firstOf(watch)));
      else this.sendWatchChanges(watch, cluster);
      watch.timers.push(setTimeout(() => this.closeWatch(watch), spec.timeoutSeconds * 1000));
      if (spec.bookmarks) {
        const bookmark = () => this.sendWatchLine(watch, bookmarkLine(spec, (this.state && clusterNamed(this.state, name))?.resourceVersion ?? 0));
        watch.timers.push(setInterval(bookmark, BOOKMARK_INTERVAL_MS));
        // The API server also sends one 2 s before the watch ends, so the client resumes from as late as it can (cacher's nextBookmarkTime).
        if (spec.timeoutSeconds > 2 && spec.timeoutSeconds * 1000 - 2000 < BOOKMARK_INTERVAL_MS) watch.timers.push(setTimeout(bookmark, spec.timeoutSeconds * 1000 - 2000));
      }
      // The client went away: its next line fails, and the watch is dropped.
      watch.writer.closed.catch(() => this.closeWatch(watch));
      this.scheduleAlarm();
      // The stream's framing type, whatever its objects are (apiserver handlers/watch.go: JSON streams as application/json).
      return success({ response: { status: 200, contentType: "application/json", body: "", ...(spec.def.deprecationWarning === undefined ? {} : { warnings: [spec.def.deprecationWarning] }) }, stream: readable, watchId: watch.id });
    });
  }

  /**
   * The client of watch `id` went away (the Worker saw its response cancelled). A stream's end does
   * not reach the object by itself until a write fails, and an idle watch writes nothing, so
   * without this it would hold one of the session's 20 places until its timeout.
   */
  closeKubeWatch(id: number): void {
    for (const watch of this.watches) if (watch.id === id) this.closeWatch(watch);
    for (const follow of this.follows) if (follow.id === id) this.closeFollow(follow);
  }

  /**
   * pods/NAME/log with `follow=true` (`kubectl logs -f`): the log so far, then each line as the
   * container writes it, until the container stops or restarts, the pod goes, the client goes or
   * 30 minutes pass. Anyone who may read may follow; a follow takes one of the watches' places.
   */
  async kubeLogFollow(token: string | undefined, request: Omit<KubeApiWriteRequest, "canWrite">, clusterName?: string): Promise<Outcome<KubeWatchAnswer>> {
    return this.serializedStoring<KubeWatchAnswer>(async () => {
      if (!this.load()) return sessionNotFound();
      const editor = token !== undefined && (await editKeyMatches(token, this.keyHash()));
      if (!this.load()) return sessionNotFound();
      if (token !== undefined && !editor) return success({ response: unauthorized() });
      const limited = this.rateLimited(editor ? "commands" : "keyless");
      if (limited) return limited;
      const name = clusterName ?? currentClusterName(this.state!);
      const cluster = clusterNamed(this.state!, name);
      if (!cluster) return noSuchCluster(name);
      this.storeBuckets();
      this.touch();
      const target = resolveResource(pathSegments(request.path) ?? [], cluster);
      if ("status" in target || target.kind !== "resource" || target.namespace === undefined || target.name === undefined) return success({ response: notFoundPath() });
      const answered = podLogResponse(cluster, target.namespace, target.name, request.query);
      if (answered.status !== 200 || answered.container === undefined || request.query.previous === "true") return success({ response: answered });
      if (this.watches.size + this.follows.size >= MAX_WATCHES_PER_SESSION) {
        return failure(429, "too_many_watches", `too many open watches on this session (at most ${MAX_WATCHES_PER_SESSION}); close one and retry`, 1);
      }
      const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
      const follow: OpenFollow = { id: ++this.lastWatchId, cluster: name, cursor: logCursor(cluster, target.namespace, target.name, answered.container), writer: writable.getWriter(), timer: setTimeout(() => this.closeFollow(follow), MAX_FOLLOW_MS) };
      this.follows.add(follow);
      follow.writer.write(new TextEncoder().encode(answered.body)).catch(() => this.closeFollow(follow));
      follow.writer.closed.catch(() => this.closeFollow(follow));
      // A container that already stopped has nothing more to say.
      this.sendFollowLines(follow, cluster);
      this.scheduleAlarm();
      return success({ response: { status: 200, contentType: "text/plain", body: "" }, stream: readable, watchId: follow.id });
    });
  }

  private sendFollowLines(follow: OpenFollow, cluster: ClusterState): void {
    const next = followPodLog(cluster, follow.cursor);
    follow.cursor = next.cursor;
    if (next.lines.length > 0) follow.writer.write(new TextEncoder().encode(logText(next.lines))).catch(() => this.closeFollow(follow));
    if (next.ended) this.closeFollow(follow);
  }

  private closeFollow(follow: OpenFollow): void {
    if (!this.follows.delete(follow)) return;
    clearTimeout(follow.timer);
    follow.writer.close().catch(() => undefined);
  }

  private firstOf(watch: OpenWatch): boolean {
    const first = watch.first;
    watch.first = false;
    return first;
  }

  private sendWatchLine(watch: OpenWatch, line: string): void {
    watch.writer.write(new TextEncoder().encode(line)).catch(() => this.closeWatch(watch));
  }

  private closeWatch(watch: OpenWatch): void {
    if (!this.watches.delete(watch)) return;
    for (const timer of watch.timers) clearTimeout(timer);
    watch.writer.close().catch(() => undefined);
  }

  /** Sends every open watch the events between what it saw and the cluster as stored now. */
  private notifyWatches(): void {
    if (!this.state) return;
    const state = this.state;
    for (const name of state.contexts?.names ?? [currentClusterName(state)]) {
      const cluster = clusterNamed(state, name);
      if (cluster) this.clusterHistory.set(name, this.historyUpTo(name, cluster).slice(-WATCH_HISTORY));
    }
    for (const watch of this.watches) {
      const cluster = clusterNamed(state, watch.cluster);
      if (cluster) this.sendWatchChanges(watch, cluster);
    }
    for (const follow of this.follows) {
      const cluster = clusterNamed(state, follow.cluster);
      if (cluster) this.sendFollowLines(follow, cluster);
    }
  }

  private sendWatchChanges(watch: OpenWatch, cluster: ClusterState): void {
    const view = watchView(cluster, watch.spec);
    for (const event of watchChanges(watch.view, view)) this.sendWatchLine(watch, eventLine(watch.spec, event, cluster.now, this.firstOf(watch)));
    watch.view = view;
  }

  /** The named cluster's kept states ending with `current`; a state whose resourceVersion went back (a restored snapshot) starts them over. */
  private historyUpTo(name: string, current: ClusterState): ClusterState[] {
    const kept = this.clusterHistory.get(name) ?? [];
    const last = kept[kept.length - 1];
    if (last === current) return kept;
    if (last === undefined || current.resourceVersion < last.resourceVersion) return [current];
    if (current.resourceVersion === last.resourceVersion) return [...kept.slice(0, -1), current];
    return [...kept, current];
  }

  /**
   * The editor's write through the Kubernetes API: a change of the session like a console command,
   * in the same order, stored with its transcript entry (`kubectl-client: POST pods web` and the
   * API server's answer) in one transaction and broadcast to the page.
   */
  private kubeApiWrite(request: Omit<KubeApiWriteRequest, "canWrite">, cluster: string): KubeApiResponse {
    // Another context's cluster takes the write in place of the current one, which comes back after it.
    const current = this.current();
    const back = currentClusterName(current);
    const served = serveKubeApiWrite(withCluster(current, cluster), { ...request, canWrite: true }, Date.now());
    const written = cluster === back ? served : { ...served, state: withCluster(served.state, back) };
    const { response } = written;
    let outcome = `${response.status} ${STATUS_TEXT[response.status] ?? ""}`.trimEnd();
    if (response.status >= 300) {
      try {
        const message = (JSON.parse(response.body) as { message?: string }).message;
        if (message) outcome += `: ${message}`;
      } catch {
        // Not a Status: the code says it.
      }
    }
    const shell = this.state!.shell;
    this.record(`kubectl-client: ${written.summary}`, {
      state: written.state,
      output: `${outcome}\n`,
      exitCode: response.status < 300 ? 0 : 1,
      prompt: promptOf(shell),
      traces: [],
      changed: written.changed,
    }, false);
    return response;
  }

  /**
   * pods/NAME/exec (and attach) as the API server serves them: authenticated, authorized (a
   * read-only client is Forbidden), checked against the pod, then upgraded to a WebSocket speaking
   * v5.channel.k8s.io (or v4). The command runs through the console's own `kubectl exec` in a shell
   * of the stream's own; each is a change of the session like a console command, in the transcript
   * as `kubectl-client: exec POD -- CMD`. At most MAX_EXEC_STREAMS_PER_SESSION at once.
   */
  private async kubeExec(request: Request): Promise<Response> {
    const answer = (response: KubeApiResponse, retryAfterSeconds?: number): Response => {
      const headers: Record<string, string> = { "Content-Type": response.contentType, "Cache-Control": "no-store" };
      if (retryAfterSeconds !== undefined) headers["Retry-After"] = String(retryAfterSeconds);
      return new Response(response.body, { status: response.status, headers });
    };
    const refused = (failed: Failure) => answer(status(failed.status, failed.status === 429 ? "TooManyRequests" : failed.status === 404 ? "NotFound" : "ServiceUnavailable", failed.message, failed.retryAfterSeconds === undefined ? undefined : { retryAfterSeconds: failed.retryAfterSeconds }), failed.retryAfterSeconds);
    if (!this.load()) return refused(sessionNotFound());
    const token = request.headers.get("Authorization")?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    const editor = token !== undefined && (await editKeyMatches(token, this.keyHash()));
    if (!this.load()) return refused(sessionNotFound());
    if (token !== undefined && !editor) return answer(unauthorized());
    const limited = this.rateLimited(editor ? "commands" : "keyless");
    if (limited) return refused(limited);
    this.storeBuckets();
    this.touch();
    const path = request.headers.get("X-Kube-Path") ?? "";
    const target = execTarget(path);
    if (!target) return answer(notFoundPath());
    if (!editor) {
      // The authorizer's verb is the request's: GET (a WebSocket upgrade) is get, POST (SPDY) is create.
      const verb = request.method === "POST" ? "create" : "get";
      return answer(status(403, "Forbidden", `pods ${JSON.stringify(target.pod)} is forbidden: User "system:anonymous" cannot ${verb} resource "pods/${target.subresource}" in API group "" in the namespace ${JSON.stringify(target.namespace)}`, { name: target.pod, kind: "pods" }));
    }
    const name = request.headers.get("X-Kube-Cluster") ?? currentClusterName(this.state!);
    const cluster = clusterNamed(this.current(), name);
    if (!cluster) return answer(status(404, "NotFound", `the session has no cluster "${name}"`));
    if (target.subresource === "portforward") return this.kubePortForward(request, cluster, name, { namespace: target.namespace, pod: target.pod }, answer);
    const spec = execSpec(cluster, { ...target, subresource: target.subresource }, [...new URLSearchParams(request.headers.get("X-Kube-Query") ?? "")]);
    if ("status" in spec) return answer(spec);
    const notRunning = containerNotRunning(cluster, spec);
    if (notRunning) return answer(notRunning);
    // These before the upgrade's kind: kubectl retries a refused WebSocket over SPDY, and prints that answer.
    const attached = spec.subresource === "attach" ? attachFrame(cluster, spec) : undefined;
    if (attached && "contentType" in attached) return answer(attached);
    if (this.execs.size >= MAX_EXEC_STREAMS_PER_SESSION) {
      return answer(status(429, "TooManyRequests", `too many open exec streams on this session (at most ${MAX_EXEC_STREAMS_PER_SESSION}); close one and retry`, { retryAfterSeconds: 1 }), 1);
    }
    const upgrade = (request.headers.get("Upgrade") ?? "").toLowerCase();
    if (upgrade.startsWith("spdy/")) return answer(spdyRefused());
    if (upgrade !== "websocket") return answer(upgradeRequired());
    const protocol = chooseProtocol(request.headers.get("Sec-WebSocket-Protocol") ?? undefined);
    if (!protocol) return answer(status(400, "BadRequest", "the WebSocket subprotocol must be one of v5.channel.k8s.io, v4.channel.k8s.io"));
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    server.accept();
    const exec: OpenExec = {
      spec,
      cluster: name,
      protocol,
      socket: server,
      shell: [...[this.state!.shell[0]].map((f) => (f.kind === "workstation" ? { kind: "workstation" as const, user: f.user, host: f.host, ...streamKubeconfig(this.state!, name) } : f)), ...(attached ? [attached] : [])],
      tty: spec.tty ? new TtyLine() : undefined,
      plain: spec.tty ? undefined : new PlainLines(),
      decoder: new TextDecoder(),
      timer: setTimeout(() => this.endExec(exec, internalErrorStatus("the exec stream reached its 30 minute limit")), MAX_EXEC_MS),
    };
    this.execs.add(exec);
    server.addEventListener("message", (event) => {
      // A binary message may come as a Blob (workerd does so here): read at once, handled in turn.
      const raw: unknown = event.data;
      const data: Promise<string | ArrayBuffer> = typeof raw === "string" ? Promise.resolve(raw) : raw instanceof Blob ? raw.arrayBuffer() : Promise.resolve((raw as ArrayBuffer).slice(0));
      this.serialized(async () => this.execMessage(exec, await data)).catch(() => this.endExec(exec));
    });
    server.addEventListener("close", () => this.dropExec(exec));
    server.addEventListener("error", () => this.dropExec(exec));
    this.startExec(exec);
    return new Response(null, { status: 101, webSocket: client, headers: { "Sec-WebSocket-Protocol": protocol } });
  }

  /** The command's first run: a one-shot command ends the stream; a lone shell with stdin stays open for lines. */
  private startExec(exec: OpenExec): void {
    const { spec } = exec;
    if (spec.subresource === "attach") {
      // Attached to a shell that is already running: it prints nothing until a line comes (kubectl says to press Enter).
      const base = this.state!;
      this.record(transcriptCommand(spec), { state: base, output: "", exitCode: 0, prompt: promptOf(base.shell), traces: [], changed: false }, false);
      return;
    }
    const base = spec.command[0]?.slice(spec.command[0].lastIndexOf("/") + 1);
    const shell = spec.stdin && spec.command.length === 1 && (base === "sh" || base === "bash" || base === "ash");
    if (spec.stdin && !shell) {
      // The program reads its input to the end before it answers: it runs when stdin closes.
      exec.input = [];
      return;
    }
    // The console's exec opens a shell for -it only; with -i alone it reads the lines sent instead, without a prompt.
    const line = execLine(shell ? { ...spec, tty: true } : spec);
    const run = this.runExecLine(exec, line, transcriptCommand(spec));
    if (exec.shell.length > 1) {
      if (exec.tty) this.sendExec(exec, STDOUT, promptOf(exec.shell));
      return;
    }
    this.endOneShot(exec, run);
  }

  /** A program given all of stdin: it runs now, and its answer ends the stream. */
  private runWithInput(exec: OpenExec): void {
    const input = exec.input;
    if (input === undefined) return;
    exec.input = undefined;
    const limited = this.rateLimited("commands");
    if (limited) {
      this.endExec(exec, internalErrorStatus(limited.message));
      return;
    }
    this.endOneShot(exec, this.runExecLine(exec, execLine(exec.spec), transcriptCommand(exec.spec), input.join("")));
  }

  /** The end of a command that ran once: its output on its channels, then its Status. */
  private endOneShot(exec: OpenExec, run: { stdout: string; stderr: string; exitCode: number }): void {
    const { spec } = exec;
    let stderr = run.stderr;
    const terminated = `command terminated with exit code ${run.exitCode}\n`;
    if (run.exitCode !== 0 && stderr.endsWith(terminated)) {
      stderr = stderr.slice(0, -terminated.length);
      this.sendOutput(exec, run.stdout, stderr);
      this.endExec(exec, exitCodeStatus(spec.command, run.exitCode));
      return;
    }
    const failed = run.exitCode !== 0 && run.stdout === "" ? /^error: (.*)\n$/s.exec(stderr) : null;
    if (failed) {
      this.endExec(exec, internalErrorStatus(failed[1]));
      return;
    }
    this.sendOutput(exec, run.stdout, stderr);
    this.endExec(exec, run.exitCode === 0 ? successStatus() : exitCodeStatus(spec.command, run.exitCode));
  }

  /**
   * One line in the stream's shell: the session's cluster with the stream's shell, run by the
   * engine as a console line; the cluster it leaves is the session's, stored and broadcast with
   * its transcript entry. The console's own shell, history and jobs stay as they were.
   */
  private runExecLine(exec: OpenExec, line: string, command: string, stdin?: string): { stdout: string; stderr: string; output: string; exitCode: number } {
    const base = this.state!;
    const { editing: _editing, jobs: _jobs, history: _history, ...rest } = base;
    // The stream's workstation has no kubeconfig of its own: its kubectl talks to the pod's cluster, made current for the line.
    const own: SessionState = withCluster({ ...rest, shell: exec.shell }, exec.cluster);
    let stdout = "";
    let stderr = "";
    const now = Date.now();
    const work = createWorkBudget();
    const result = execute(own, line, { now, work, streams: { out: (t) => void (stdout += t), err: (t) => void (stderr += t) }, ...(stdin === undefined ? {} : { stdin }) });
    this.chargeWork(work.used, now);
    exec.shell = result.state.shell;
    const next = withCluster(result.state, currentClusterName(base));
    const same = next.cluster === base.cluster && next.contexts === base.contexts && next.rng === base.rng && next.clockSkew === base.clockSkew;
    const merged: SessionState = same ? base : { ...base, cluster: next.cluster, ...(next.contexts ? { contexts: next.contexts } : {}), rng: next.rng, ...(next.clockSkew === undefined ? {} : { clockSkew: next.clockSkew }) };
    this.record(command, { ...result, state: merged, prompt: promptOf(base.shell), changed: !same && next.cluster !== base.cluster }, false);
    return { stdout, stderr, output: result.output, exitCode: result.exitCode };
  }

  /** Input from the client: stdin bytes, a terminal resize, or (v5) the end of stdin. */
  private execMessage(exec: OpenExec, data: string | ArrayBuffer): void {
    if (!this.execs.has(exec)) return;
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : new Uint8Array(data);
    if (bytes.byteLength === 0) return;
    const channel = bytes[0];
    if (channel === RESIZE) return;
    if (channel === CLOSE && exec.protocol === "v5.channel.k8s.io") {
      if (bytes[1] === STDIN) {
        if (exec.input) return this.runWithInput(exec);
        for (const line of exec.plain?.end() ?? []) if (!this.execInput(exec, line)) return;
        this.execEof(exec);
      }
      return;
    }
    if (channel === STDIN && exec.input) return this.programInput(exec, exec.decoder.decode(bytes.subarray(1), { stream: true }));
    if (channel !== STDIN || exec.shell.length < 2) return;
    const input = exec.decoder.decode(bytes.subarray(1), { stream: true });
    if (exec.tty) {
      const event = exec.tty.feed(input);
      if (event.echo !== "") this.sendExec(exec, STDOUT, event.echo);
      for (const item of event.input) {
        if (item === "eof") return this.execEof(exec);
        if (item === "interrupt") this.sendExec(exec, STDOUT, promptOf(exec.shell));
        else if (!this.execInput(exec, item.line)) return;
      }
      return;
    }
    for (const line of exec.plain!.feed(input)) if (!this.execInput(exec, line)) return;
  }

  /**
   * Input for a program that reads to the end. Through a terminal the line discipline echoes it
   * and hands over whole lines; Ctrl+D on an empty line is the end (Ctrl+C kills the program, 130).
   */
  private programInput(exec: OpenExec, text: string): void {
    const input = exec.input!;
    const size = input.reduce((n, part) => n + part.length, text.length);
    if (size > MAX_EXEC_INPUT_CHARS) {
      this.endExec(exec, internalErrorStatus(`the input sent to the command exceeds this playground's limit of ${MAX_EXEC_INPUT_CHARS} characters`));
      return;
    }
    if (!exec.tty) {
      input.push(text);
      return;
    }
    const event = exec.tty.feed(text);
    if (event.echo !== "") this.sendExec(exec, STDOUT, event.echo);
    for (const item of event.input) {
      if (item === "eof") return this.runWithInput(exec);
      if (item === "interrupt") {
        exec.input = undefined;
        this.endExec(exec, exitCodeStatus(exec.spec.command, 130));
        return;
      }
      input.push(`${item.line}\n`);
    }
  }

  /** Runs a line typed in the stream's shell; false once the shell has exited (the stream is over). */
  private execInput(exec: OpenExec, line: string): boolean {
    const limited = this.rateLimited("commands");
    if (limited) {
      this.sendExec(exec, exec.tty ? STDOUT : STDERR, terminalText(exec, `${limited.message}\n`));
      if (exec.tty) this.sendExec(exec, STDOUT, promptOf(exec.shell));
      return true;
    }
    const run = this.runExecLine(exec, line, `${transcriptCommand(exec.spec)}: ${line}`);
    if (exec.tty) this.sendExec(exec, STDOUT, terminalOutput(withoutReattachHint(run.output, exec.spec)));
    else this.sendOutput(exec, withoutReattachHint(run.stdout, exec.spec), run.stderr);
    if (exec.shell.length < 2) {
      this.endExec(exec, run.exitCode === 0 ? successStatus() : exitCodeStatus(exec.spec.command, run.exitCode));
      return false;
    }
    if (exec.tty) this.sendExec(exec, STDOUT, promptOf(exec.shell));
    return true;
  }

  /** End of input: the shell exits with the status of its last command, as sh and bash do at EOF. */
  private execEof(exec: OpenExec): void {
    if (exec.shell.length < 2) return;
    const status = exec.shell[exec.shell.length - 1].status ?? 0;
    this.execInput(exec, `exit ${status}`);
  }

  private sendOutput(exec: OpenExec, stdout: string, stderr: string): void {
    if (exec.tty) {
      if (stdout + stderr !== "") this.sendExec(exec, STDOUT, terminalOutput(stdout + stderr));
      return;
    }
    if (stdout !== "" && exec.spec.stdout) this.sendExec(exec, STDOUT, stdout);
    if (stderr !== "" && exec.spec.stderr) this.sendExec(exec, STDERR, stderr);
  }

  private sendExec(exec: OpenExec, channel: number, data: string): void {
    if (data === "") return;
    try {
      exec.socket.send(frame(channel, data));
    } catch {
      this.dropExec(exec);
    }
  }

  /**
   * pods/NAME/portforward: checked as the API server checks it, then upgraded to a WebSocket that
   * tunnels kubectl's SPDY/3.1 connection (`SPDY/3.1+portforward.k8s.io`). Each local connection
   * kubectl forwards reaches the pod's port the way the console's port-forward does; each HTTP
   * request over it is a change of the session, in the transcript as
   * `kubectl-client: port-forward POD PORT: GET /path`, with its route.
   */
  private async kubePortForward(request: Request, cluster: ClusterState, clusterName: string, target: { namespace: string; pod: string }, answer: (response: KubeApiResponse, retryAfterSeconds?: number) => Response): Promise<Response> {
    const pod = portForwardPod(cluster, target);
    if ("contentType" in pod) return answer(pod);
    if (this.forwards.size >= MAX_PORT_FORWARDS_PER_SESSION) {
      return answer(status(429, "TooManyRequests", `too many open port-forwards on this session (at most ${MAX_PORT_FORWARDS_PER_SESSION}); stop one and retry`, { retryAfterSeconds: 1 }), 1);
    }
    const upgrade = (request.headers.get("Upgrade") ?? "").toLowerCase();
    if (upgrade.startsWith("spdy/")) return answer(status(400, "BadRequest", "SPDY/3.1 upgrades are not supported by this server: use kubectl 1.31 or newer, whose port-forward tunnels SPDY in a WebSocket (SPDY/3.1+portforward.k8s.io)"));
    if (upgrade !== "websocket") return answer(upgradeRequired());
    const offered = (request.headers.get("Sec-WebSocket-Protocol") ?? "").split(",").map((p) => p.trim());
    if (!offered.includes(PORT_FORWARD_PROTOCOL)) return answer(status(400, "BadRequest", `the WebSocket subprotocol must be ${PORT_FORWARD_PROTOCOL}`));
    // Loaded when a tunnel opens: the SPDY codec and its zlib stay out of every other request's way.
    const { PortForwardServer } = await import("../sim/api/port-forward.ts");
    const uid = pod.metadata.uid ?? "";
    const ns = target.namespace === "default" ? "" : ` -n ${shellWord(target.namespace)}`;
    const named = (port: number) => `kubectl-client: port-forward${ns} ${shellWord(target.pod)} ${port}`;
    const where = (port: number) => ({ cluster: clusterName, namespace: target.namespace, pod: target.pod, uid, port });
    const server = new PortForwardServer({
      dial: (port) => {
        const { result, failure } = openForward(this.state!, where(port), Date.now());
        if (failure !== undefined) this.record(named(port), { ...result, output: `${failure}\n`, exitCode: 1 }, false);
        return failure;
      },
      request: (port, http) => {
        const limited = this.rateLimited("commands");
        if (limited) return { kind: "failed", message: limited.message };
        const { result, outcome } = forwardRequest(this.state!, where(port), http, Date.now());
        const line = `${named(port)}: ${http.method} ${http.target}`;
        const output = outcome.kind === "failed" ? `${outcome.message}\n` : outcome.reply.kind === "http" ? `${outcome.reply.version} ${outcome.reply.status}${outcome.reply.reason ? ` ${outcome.reply.reason}` : ""}\n` : `${outcome.reply.note}\n`;
        this.record(line, { ...result, output, exitCode: outcome.kind === "failed" ? 1 : 0 }, false);
        return outcome;
      },
    });
    const pair = new WebSocketPair();
    const [client, socket] = [pair[0], pair[1]];
    socket.accept();
    const forward: OpenForward = { socket, server, timer: setTimeout(() => this.endForward(forward), MAX_EXEC_MS) };
    this.forwards.add(forward);
    socket.addEventListener("message", (event) => {
      const raw: unknown = event.data;
      if (typeof raw === "string") return this.endForward(forward);
      const data: Promise<ArrayBuffer> = raw instanceof Blob ? raw.arrayBuffer() : Promise.resolve((raw as ArrayBuffer).slice(0));
      this.serialized(async () => this.forwardMessage(forward, new Uint8Array(await data))).catch(() => this.endForward(forward));
    });
    socket.addEventListener("close", () => this.dropForward(forward));
    socket.addEventListener("error", () => this.dropForward(forward));
    return new Response(null, { status: 101, webSocket: client, headers: { "Sec-WebSocket-Protocol": PORT_FORWARD_PROTOCOL } });
  }

  private forwardMessage(forward: OpenForward, bytes: Uint8Array): void {
    if (!this.forwards.has(forward)) return;
    this.touch();
    const out = forward.server.receive(bytes);
    try {
      for (const message of out.send) forward.socket.send(message);
    } catch {
      this.dropForward(forward);
      return;
    }
    if (out.closed) this.endForward(forward);
  }

  private endForward(forward: OpenForward): void {
    if (!this.forwards.has(forward)) return;
    try {
      forward.socket.close(1000, "");
    } catch {
      // Already closed.
    }
    this.dropForward(forward);
  }

  private dropForward(forward: OpenForward): void {
    if (!this.forwards.delete(forward)) return;
    clearTimeout(forward.timer);
  }

  /** The error channel's Status, then the close, as the API server ends a stream. */
  private endExec(exec: OpenExec, statusJson?: string): void {
    if (!this.execs.has(exec)) return;
    if (statusJson !== undefined) this.sendExec(exec, ERROR, statusJson);
    try {
      exec.socket.close(1000, "");
    } catch {
      // Already closed.
    }
    this.dropExec(exec);
  }

  private dropExec(exec: OpenExec): void {
    if (!this.execs.delete(exec)) return;
    clearTimeout(exec.timer);
  }


  override async fetch(request: Request): Promise<Response> {
    if (new URL(request.url).pathname === "/k8s-exec") return this.serialized(() => this.kubeExec(request));
    if (!this.load()) {
      const failed = sessionNotFound();
      return errorResponse(failed.status, failed.code, failed.message);
    }
    const sinceParam = new URL(request.url).searchParams.get("since");
    const since = sinceParam === null ? undefined : Number(sinceParam);
    // Each socket is tagged with its client's address, so the caps below count without storage.
    const client = clientKey(request.headers.get("CF-Connecting-IP") ?? undefined);
    if (this.ctx.getWebSockets().length >= MAX_SOCKETS_PER_SESSION) {
      return errorResponse(429, "too_many_sockets", `This session has ${MAX_SOCKETS_PER_SESSION} live connections already; retry when one closes.`, 30);
    }
    if (this.ctx.getWebSockets(client).length >= MAX_SOCKETS_PER_CLIENT) {
      return errorResponse(429, "too_many_sockets", `Your address has ${MAX_SOCKETS_PER_CLIENT} live connections to this session already; close one first.`, 30);
    }
    const pair = new WebSocketPair();
    const [clientSocket, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server, [client]);
    server.serializeAttachment({ canEdit: false } satisfies SocketAttachment);
    // Replayed entries go out as stored: no parse and re-serialization of up to the whole budget.
    const transcript = since === undefined ? [] : this.storage.transcriptJsonSince(since, READ_TRANSCRIPT_BUDGET);
    send(server, {
      type: "hello",
      sessionId: this.meta!.id,
      seq: this.meta!.seq,
      prompt: promptOf(this.state!.shell),
      transcriptStart: transcript[0]?.seq ?? this.meta!.seq + 1,
      cluster: clusterView(this.current()),
    });
    for (const row of transcript) sendText(server, `{"type":"command","entry":${row.json}}`);
    this.touch();
    this.scheduleAlarm();
    return new Response(null, { status: 101, webSocket: clientSocket });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const size = typeof message === "string" ? new TextEncoder().encode(message).byteLength : message.byteLength;
    if (size > MAX_LIVE_MESSAGE_BYTES) {
      send(ws, { type: "error", code: "payload_too_large", message: `Messages are limited to ${MAX_LIVE_MESSAGE_BYTES} bytes.` });
      return;
    }
    let parsed: ClientMessage;
    try {
      const text = typeof message === "string" ? message : new TextDecoder().decode(message);
      const result = v.safeParse(ClientMessage, JSON.parse(text));
      if (!result.success) throw new Error(v.summarize(result.issues));
      parsed = result.output;
    } catch (error) {
      send(ws, { type: "error", code: "bad_request", message: `Not a valid message: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    await this.serialized(async () => {
      if (!this.load()) {
        send(ws, { type: "expired" });
        return;
      }
      if (parsed.type === "auth") {
        if (await editKeyMatches(parsed.key, this.keyHash())) {
          ws.serializeAttachment({ canEdit: true } satisfies SocketAttachment);
          send(ws, { type: "auth", ok: true });
        } else {
          send(ws, { type: "error", code: "forbidden", message: "That is not this session's edit key; the socket stays read-only." });
        }
        return;
      }
      const id = parsed.id;
      const attachment = ws.deserializeAttachment() as SocketAttachment | null;
      if (!attachment?.canEdit) {
        send(ws, { type: "error", code: "forbidden", message: "Read-only: send {\"type\":\"auth\",\"key\":...} with the edit key first.", ...(id === undefined ? {} : { id }) });
        return;
      }
      const limited = this.rateLimited("commands");
      if (limited) {
        send(ws, { type: "error", code: limited.code, message: limited.message, retryAfterSeconds: limited.retryAfterSeconds, ...(id === undefined ? {} : { id }) });
        return;
      }
      const open = this.state!.editing;
      if (open) {
        send(ws, { type: "error", code: "editor_open", message: `The console is in ${open.editor} (${open.title}): save or cancel the edit first.`, ...(id === undefined ? {} : { id }) });
        return;
      }
      let applied: { seq: number };
      try {
        applied = this.apply(parsed.command, false, createWorkBudget());
      } catch (error) {
        if (!(error instanceof StorageFailed)) throw error;
        this.forgetLoaded();
        send(ws, { type: "error", code: "storage_error", message: STORAGE_FAILED_MESSAGE, ...(id === undefined ? {} : { id }) });
        return;
      }
      if (id !== undefined) send(ws, { type: "ack", id, seq: applied.seq });
    });
  }

  override async webSocketClose(ws: WebSocket, code: number, _reason: string, _wasClean: boolean): Promise<void> {
    // 1005/1006 are reserved and cannot be sent back.
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
    } catch {
      // Already closed.
    }
  }

  override async alarm(): Promise<void> {
    try {
      await this.alarmTask();
    } catch (error) {
      // A failed write: reload what is stored; the runtime retries the alarm.
      if (error instanceof StorageFailed) this.forgetLoaded();
      throw error;
    }
  }

  private async alarmTask(): Promise<void> {
    await this.serialized(async () => {
      this.alarmAt = undefined;
      if (!this.load()) return;
      const now = Date.now();
      if (now >= this.meta!.lastActiveAt + IDLE_LIFETIME_MS) {
        await this.expire();
        return;
      }
      if (this.examRun && this.classId && examOver(this.examRun, now)) this.finishExam(now);
      this.catchUp(now);
      this.scheduleAlarm();
    });
  }

  /**
   * Stores the pod transitions simulated time has brought since the last write (as the alarm does),
   * so the cluster a read answers from is the stored one. An API read that answered from a state
   * only ticked in memory would hand the client a resourceVersion (a LIST's) that the watches,
   * which serve the stored states, have not seen: kubectl delete's wait then watched from it and
   * got "Too large resource version". Returns the current state.
   */
  private catchUp(now: number): SessionState {
    const next = tick(this.state!, now);
    if (next === this.state) return next;
    // Pods that became ready may complete a lesson step without a command.
    const advanced = this.lessonRun ? advanceLesson(this.lessonRun.lesson, this.lessonRun.progress, next, { traces: [] }) : undefined;
    this.persist(next, [], advanced?.progress);
    const seq = this.meta!.seq;
    this.broadcast(() => ({ type: "cluster", seq, cluster: clusterView(next) }));
    if (advanced && advanced.events.length > 0) {
      this.broadcast({ type: "lesson", ...lessonUpdate(advanced) });
      this.reportToClass();
    }
    return next;
  }

  /**
   * Runs a command on `work` (a fresh budget, or the one a setup list shares), charges the command
   * bucket for the work it used, stores the result, its transcript entry and the bucket in one
   * transaction, then broadcasts. The entry is serialized once: the same text is stored, broadcast
   * and (with the reply's extra fields) answered.
   */
  private apply(command: string, setup: boolean, work: WorkBudget): { seq: number; json: string } {
    const now = Date.now();
    const before = work.used;
    // Setup commands run with nobody at the console: an editor there would wait forever.
    const result = execute(this.state!, command, { now, work, editors: !setup, typed: !setup });
    this.chargeWork(work.used - before, now);
    return this.record(command, result, setup);
  }

  /** Work beyond what a token covers costs more of the command bucket (a heavy command is several commands). */
  private chargeWork(used: number, now: number): void {
    this.buckets.commands!.charge(Math.max(0, used - WORK_COVERED_BY_TOKEN) / WORK_UNITS_PER_TOKEN, now);
    this.unsavedBuckets.add("commands");
  }

  /** Stores a command's (or an editor's) result and its transcript entry in one transaction, then broadcasts. */
  private record(command: string, result: CommandResult, setup: boolean, resumed?: TranscriptEntry["resumed"]): { seq: number; json: string } {
    const now = Date.now();
    const entry: TranscriptEntry = {
      seq: this.meta!.seq + 1,
      command,
      output: result.output,
      exitCode: result.exitCode,
      prompt: result.prompt,
      // A loop of requests keeps its last routes only; the lesson below sees all of them.
      traces: result.traces.length > ENTRY_TRACES_LIMIT ? result.traces.slice(-ENTRY_TRACES_LIMIT) : result.traces,
      at: now,
    };
    if (result.hint) entry.hint = result.hint;
    if (result.notes) entry.notes = result.notes;
    if (setup) entry.setup = true;
    if (result.editor) entry.editing = { editor: result.editor.editor, title: result.editor.title };
    if (resumed) entry.resumed = resumed;
    if (result.running) entry.running = true;
    const entryJson = JSON.stringify(entry);
    const history = historyUnlessTyped(this.state!.history, result.state.history, command, !setup && resumed === undefined);
    const advanced = this.lessonRun ? lessonUpdate(advanceLesson(this.lessonRun.lesson, this.lessonRun.progress, result.state, { traces: result.traces })) : undefined;
    const exam = this.examRun ? recordExamCommand(this.examRun, result.state, result.traces) : undefined;
    this.persist(result.state, [{ entry, json: entryJson }], advanced?.progress, exam, !setup && resumed === undefined ? command : undefined);
    const lessonJson = advanced ? JSON.stringify(advanced) : undefined;
    this.broadcastText(() => `{"type":"command","entry":${entryJson}${lessonJson === undefined ? "" : `,"lesson":${lessonJson}`}}`);
    if (result.changed) {
      this.broadcast(() => ({ type: "cluster", seq: entry.seq, cluster: clusterView(result.state) }));
      this.scheduleAlarm();
    }
    // Setup commands run before the student is on the board; the class hears of the rest.
    if (!setup) this.reportToClass({ command, exitCode: entry.exitCode });
    // The reply (CommandReply) is the entry, then changed, lesson and trace, in this order.
    let tail = `,"changed":${result.changed}`;
    if (lessonJson !== undefined) tail += `,"lesson":${lessonJson}`;
    if (result.traces.length > 0) tail += `,"trace":${JSON.stringify(result.traces[result.traces.length - 1])}`;
    if (result.editor) tail += `,"edit":${JSON.stringify(result.editor)}`;
    if (history) tail += `,"history":${JSON.stringify(history)}`;
    return { seq: entry.seq, json: `${entryJson.slice(0, -1)}${tail}}` };
  }

  /**
   * Stores a new state, with transcript entries (and their JSON text, when already made), in one
   * transaction. `typed`: the line a command's entry was typed as. A command that changed nothing
   * of the state but that line in the history (a read-only command) stores only its entry's row,
   * which holds the line (and the command bucket, which every entry holds): storage.ts's header.
   */
  private persist(next: SessionState, entries: Array<{ entry: TranscriptEntry; json?: string }>, progress?: LessonProgress, exam?: ExamRun, typed?: string): void {
    const meta = this.meta!;
    const kept = entries.length === 1 && typed !== undefined ? this.keptHistoryLine(next, typed) : undefined;
    // The command bucket goes in the last entry's row (load reads it back), not in a meta row.
    const rowBucket = entries.length > 0 && this.unsavedBuckets.has("commands") ? encodeBucket(this.buckets.commands!.state) : undefined;
    const seq = entries.length > 0 ? entries[entries.length - 1].entry.seq : meta.seq;
    // The entry's time, which load reads back from its row.
    const lastActiveAt = entries.length > 0 ? entries[entries.length - 1].entry.at : meta.lastActiveAt;
    // Any change makes the last snapshot a picture of the past.
    const progressChanged = progress !== undefined && progress !== this.lessonRun?.progress;
    const snapshotOutdated = this.snapshotOf !== "" && (next !== this.state || progressChanged);
    try {
      this.ctx.storage.transactionSync(() => {
        if (next !== this.state && !kept) this.storage.saveState(this.state, next);
        entries.forEach(({ entry, json }, i) => this.storage.appendTranscript(entry, json, i === entries.length - 1 ? { kept, bucket: rowBucket } : {}));
        // The small meta rows a command changes, in one statement. Not the seq and activity time:
        // the entry's row holds them (load reads them back), nor the command bucket, so a
        // read-only command writes no meta row.
        const changed: Array<[string, string]> = [];
        for (const name of this.unsavedBuckets) {
          if (name !== "commands" || rowBucket === undefined) changed.push([BUCKET_KEYS[name], encodeBucket(this.buckets[name]!.state)]);
        }
        if (snapshotOutdated) changed.push(["snapshotOf", ""]);
        this.storage.setMetas(changed);
        if (progressChanged) writeProgress(this.storage, progress);
        if (exam && exam !== this.examRun) writeExamRun(this.storage, exam);
      });
    } catch (error) {
      // Nothing of the transaction was stored (SQLITE_TOOBIG, a full disk, ...): the caller answers
      // 503 and the object reloads the stored state, so nothing is half-applied.
      throw new StorageFailed(error);
    }
    this.unsavedBuckets.clear();
    if (snapshotOutdated) this.snapshotOf = "";
    this.state = next;
    if (progress && this.lessonRun) this.lessonRun = { ...this.lessonRun, progress };
    if (exam) this.examRun = exam;
    this.meta = { ...meta, seq, lastActiveAt };
    this.notifyWatches();
  }

  /**
   * The history line a command may keep in its transcript row instead of the state's rows: when
   * `next` is the state with only `line` added to its history, as the shell's `remember` adds a
   * typed line, and the history_line rows lack fewer than MAX_KEPT_HISTORY_LINES lines (they must
   * not fall out of the transcript before a save writes them).
   */
  private keptHistoryLine(next: SessionState, line: string): { num: number; line: string } | undefined {
    const before = this.state!;
    if (next === before || !before.history || !next.history || !sameExceptHistory(before, next)) return undefined;
    const expected = remember(before.history, line);
    if (expected === before.history || !sameHistory(expected, next.history)) return undefined;
    const unstored = this.storage.historyLinesUnstored(next.history);
    if (unstored === undefined || unstored > MAX_KEPT_HISTORY_LINES) return undefined;
    return { num: (next.history.base ?? 1) + next.history.lines.length - 1, line };
  }

  private storeBuckets(): void {
    if (this.unsavedBuckets.size === 0) return;
    this.storage.setMetas([...this.unsavedBuckets].map((name) => [BUCKET_KEYS[name], encodeBucket(this.buckets[name]!.state)] as const));
    this.unsavedBuckets.clear();
  }

  /** After a failed write: what is in memory may be ahead of storage, so the next call loads it again. */
  private forgetLoaded(): void {
    this.meta = undefined;
    this.state = undefined;
    this.lessonRun = undefined;
    this.examRun = undefined;
    this.snapshotOf = undefined;
    this.clusterHistory = new Map();
    this.storage.forgetCaches();
  }

  private keyHash(): Uint8Array {
    this.keyHashBytes ??= decodeKeyHash(this.meta!.keyHash);
    return this.keyHashBytes;
  }

  private writeMeta(meta: Meta): void {
    this.storage.setMetas([
      ["id", meta.id],
      ["keyHash", meta.keyHash],
      ["createdAt", String(meta.createdAt)],
      ["lastActiveAt", String(meta.lastActiveAt)],
      ["seq", String(meta.seq)],
    ]);
  }

  /** Loads meta and state from storage on first use after a wake-up; false when the session does not exist. */
  private load(): boolean {
    if (this.meta && this.state) return true;
    if (!this.storage.exists()) return false;
    this.storage.upgradeTranscript();
    const state = this.storage.loadState(true);
    const id = this.storage.getMeta("id");
    const keyHash = this.storage.getMeta("keyHash");
    if (!state || id === undefined || keyHash === undefined) return false;
    this.state = state;
    this.lessonRun = readLessonRun(this.storage);
    this.examRun = readExamRun(this.storage);
    this.classId = this.storage.getMeta("classId") ?? "";
    // Commands store their seq, time and command bucket in their transcript rows only (persist);
    // meta keeps the values of creation, of a session made from a snapshot and of reads (touch),
    // and the bucket of the API's requests.
    const last = this.storage.lastTranscript();
    this.buckets.commands ??= new TokenBucket(this.settings.commandRate, Date.now(), newerBucket(decodeBucket(this.storage.getMeta(BUCKET_KEYS.commands)), decodeBucket(last?.bucket)));
    this.buckets.keyless ??= new TokenBucket(this.settings.keylessRate, Date.now(), decodeBucket(this.storage.getMeta(BUCKET_KEYS.keyless)));
    this.snapshotOf = this.storage.getMeta("snapshotOf") ?? "";
    this.meta = {
      id,
      keyHash,
      createdAt: Number(this.storage.getMeta("createdAt")),
      lastActiveAt: Math.max(Number(this.storage.getMeta("lastActiveAt")), last?.at ?? 0),
      seq: Math.max(Number(this.storage.getMeta("seq")), last?.seq ?? 0),
    };
    return true;
  }

  /**
   * Tells the session's class (if it has one) about a command or a lesson move, after the commit
   * and without waiting: the student's command never waits on, or fails with, the class. A report
   * that fails is counted and logged now and then; the next one carries the whole position again.
   */
  private reportToClass(command?: { command: string; exitCode: number }): void {
    if (!this.classId) return;
    const run = this.lessonRun;
    const steps = run?.lesson.steps.length ?? 0;
    const step = run ? Math.min(run.progress.currentStep, steps) : 0;
    const report: ProgressReport = {
      sessionId: this.meta!.id,
      seq: this.meta!.seq,
      at: Date.now(),
      ...(command ? { command } : {}),
      ...(run ? { lesson: { step, steps, stepTitle: run.lesson.steps[step]?.title ?? null, finished: step >= steps } } : {}),
      ...(this.examRun ? { exam: examSummary(this.examRun) } : {}),
    };
    // Typed by what it answers, not by its class: the class (worker/classroom) starts sessions, so
    // naming it here would make the two modules import each other.
    this.classStub ??= this.env.CLASSES.get(this.env.CLASSES.idFromName(this.classId)) as unknown as ClassReports;
    const sent = this.classStub.report(report).catch((error: unknown) => {
      this.classReportFailures++;
      // The first failure and every hundredth: enough to notice, never a flood.
      if (this.classReportFailures === 1 || this.classReportFailures % 100 === 0) {
        console.warn(`session ${this.meta?.id}: ${this.classReportFailures} reports to class ${this.classId} failed`, error instanceof Error ? error.message : String(error));
      }
    });
    this.ctx.waitUntil(sent);
  }

  /** Reads and watchers keep a session alive; the write is rate-limited to one an hour. */
  private touch(): void {
    const now = Date.now();
    if (now - this.meta!.lastActiveAt < ACTIVITY_WRITE_INTERVAL_MS) return;
    this.storage.setMeta("lastActiveAt", String(now));
    this.meta = { ...this.meta!, lastActiveAt: now };
  }

  /**
   * Takes a token, or says why not. The new bucket is stored with the change the token pays for
   * (persist, one transaction), or by the caller (storeBucket) when there is none, so an eviction
   * or restart finds the bucket as it was.
   */
  private rateLimited(name: BucketName): Failure | undefined {
    const bucket = this.buckets[name]!;
    const taken = bucket.take(Date.now());
    if (taken.ok) {
      this.unsavedBuckets.add(name);
      return undefined;
    }
    return sessionRefusal(name, bucket.config, taken.retryAfterMs);
  }

  /**
   * The state as of now: pods that finished starting since the last write show as started. Not
   * stored: the next command reconciles to the same result from the stored state (the simulation
   * is deterministic), so a read never writes.
   */
  private current(): SessionState {
    return tick(this.state!, Date.now());
  }

  /**
   * One alarm serves two timers: the next pod lifecycle transition, which only matters while
   * someone watches (reads and commands catch up on their own), and the idle deadline. An alarm
   * that fires early is harmless (alarm() re-checks both), so only a missing or later one moves.
   */
  private scheduleAlarm(): void {
    const idleAt = this.meta!.lastActiveAt + IDLE_LIFETIME_MS;
    const watched = this.ctx.getWebSockets().length > 0 || this.watches.size > 0 || this.follows.size > 0;
    const simulated = watched ? nextTransitionAt(this.state!.cluster) : undefined;
    // The cluster's clock may run ahead of ours (kubectl delete/wait skip time): wake at our time.
    const transition = simulated === undefined ? undefined : callerTimeOf(this.state!, simulated);
    let target = transition === undefined ? idleAt : Math.min(idleAt, Math.max(transition, Date.now()));
    // A class's student who walks away still gets a final score at the deadline.
    const exam = this.examRun;
    if (exam && !exam.report && this.classId) target = Math.min(target, Math.max(exam.deadline, Date.now()));
    if (this.alarmAt !== undefined && this.alarmAt <= target) return;
    this.alarmAt = target;
    void this.ctx.storage.setAlarm(target);
  }

  private async expire(): Promise<void> {
    this.broadcast({ type: "expired" });
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.close(1000, "session expired");
      } catch {
        // Already closed.
      }
    }
    // Watches end as the API server ends them when it goes: the stream closes and the client lists again (and finds nothing).
    for (const watch of this.watches) this.closeWatch(watch);
    for (const follow of this.follows) this.closeFollow(follow);
    for (const exec of this.execs) this.endExec(exec);
    this.clusterHistory = new Map();
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.meta = undefined;
    this.keyHashBytes = undefined;
    this.state = undefined;
    this.lessonRun = undefined;
  }

  /** `message` may be a function, so that a cluster view nobody watches is never built. */
  private broadcast(message: ServerMessage | (() => ServerMessage)): void {
    this.broadcastText(() => JSON.stringify(typeof message === "function" ? message() : message));
  }

  /** A message already serialized (a ServerMessage's JSON), made only when someone watches. */
  private broadcastText(text: () => string): void {
    const sockets = this.ctx.getWebSockets();
    if (sockets.length === 0) return;
    const message = text();
    for (const ws of sockets) {
      try {
        ws.send(message);
      } catch {
        // A socket that is closing misses the message; it replays with ?since= when it returns.
      }
    }
  }

  /** serialized, answering a failed write as a 503 instead of an internal error. */
  private serializedStoring<T>(task: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
    return this.serialized(async () => {
      try {
        return await task();
      } catch (error) {
        if (!(error instanceof StorageFailed)) throw error;
        console.error("storage failed", error.cause);
        this.forgetLoaded();
        return failure(503, "storage_error", STORAGE_FAILED_MESSAGE, 1);
      }
    });
  }

  /**
   * Runs `task` after every task queued before it: one order for all commands, whatever awaits
   * inside. Each task first yields to the event loop: every Durable Object on a machine shares its
   * thread, so without the yield one session's queue of commands (each up to the work budget) would
   * run back to back and every other session's requests would wait behind all of them.
   */
  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const turn = () => scheduler.wait(0).then(task);
    const run = this.queue.then(turn, turn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** The reason phrases of the codes the API answers writes with, for the transcript. */
const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: "OK",
  201: "Created",
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  500: "Internal Server Error",
};

const STORAGE_FAILED_MESSAGE = "The session could not store this change (its storage refused it); nothing was changed.";

/** A write transaction that failed and was rolled back. */
class StorageFailed extends Error {
  constructor(override readonly cause: unknown) {
    super(`storage failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/**
 * The history for the command's reply when it is not what the page makes of it by itself (its list
 * with the line as typed kept, shell/history.ts's remember): an expansion, a clear, a deletion.
 */
function historyUnlessTyped(before: History | undefined, after: History | undefined, command: string, typed: boolean): string[] | undefined {
  const expected = typed ? remember(before ?? EMPTY_HISTORY, command) : (before ?? EMPTY_HISTORY);
  const now = after ?? EMPTY_HISTORY;
  if (now === expected) return undefined;
  const same = expected.lines.length === now.lines.length && expected.lines.every((line, i) => line === now.lines[i]);
  return same ? undefined : now.lines;
}

/** Lines of history read-only commands may keep in their transcript rows before a save writes them to its rows. */
const MAX_KEPT_HISTORY_LINES = 100;

/** The same top-level fields in the same order, with the same values but for the history. */
function sameExceptHistory(a: SessionState, b: SessionState): boolean {
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  const names = Object.keys(y);
  let i = 0;
  for (const name in x) {
    if (names[i++] !== name) return false;
    if (name !== "history" && x[name] !== y[name]) return false;
  }
  return i === names.length;
}

function sameHistory(a: History, b: History): boolean {
  return (a.base ?? 1) === (b.base ?? 1) && a.lines.length === b.lines.length && a.lines.every((line, i) => line === b.lines[i]);
}

/** Of two stored states of one bucket, the later (the fuller one's tokens were spent since); the emptier on a tie. */
function newerBucket(a: BucketState | undefined, b: BucketState | undefined): BucketState | undefined {
  if (!a || !b) return a ?? b;
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt ? a : b;
  return a.tokens <= b.tokens ? a : b;
}

function editingOf(state: SessionState): EditingView | null {
  return state.editing ? { editor: state.editing.editor, title: state.editing.title } : null;
}

/** What a class's board learns of a student's exam: the clock, and the score once it is final. */
function examSummary(run: ExamRun): ExamReportSummary {
  const report = run.report;
  return {
    examId: run.exam.id,
    seed: run.seed,
    tasks: run.exam.tasks.length,
    deadline: run.deadline,
    finishedAt: run.finishedAt ?? null,
    score: report ? report.score : null,
    max: report ? report.max : 100,
    passed: report ? report.passed : null,
  };
}

function noExam(): Failure {
  return failure(404, "no_exam", "This session was not started for an exam (POST /api/sessions with {\"exam\": ID} starts one).");
}

function forbidden(presented: string | undefined): Failure {
  return presented === undefined
    ? failure(403, "forbidden", "This session is read-only without its edit key: send Authorization: Bearer <editKey>.")
    : failure(403, "forbidden", "The edit key is not this session's key; nothing was changed.");
}

function send(ws: WebSocket, message: ServerMessage): void {
  sendText(ws, JSON.stringify(message));
}

/** What a snapshot request answers. */
interface SnapshotTaken {
  snapshotId: string;
  seq: number;
  created: boolean;
}

/** What a snapshot's copy was taken of: the stored state (the same object while nothing changed), the lesson progress and the seq. */
interface SnapshotCopyOf {
  state: SessionState;
  progress: LessonProgress | undefined;
  seq: number;
}

/** A snapshot's copy on its way to its Snapshot object, with the store's answer. */
interface StoringSnapshot extends SnapshotCopyOf {
  snapshotId: string;
  stored: Promise<Outcome<SnapshotTaken>>;
}

/** A ServerMessage already serialized. */
function sendText(ws: WebSocket, text: string): void {
  try {
    ws.send(text);
  } catch {
    // Closing socket.
  }
}

/** The generated Env loses the class through the Env -> Session cycle; name it here. */
function snapshots(env: Env): DurableObjectNamespace<Snapshot> {
  return env.SNAPSHOTS as DurableObjectNamespace<Snapshot>;
}

function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

/** Text for an exec stream's output channel: a terminal turns each newline into CR LF. */
function terminalText(exec: { tty: unknown }, text: string): string {
  return exec.tty ? terminalOutput(text) : text;
}
