// The pod end of a port-forward a client of the session's Kubernetes API opened (pods/portforward):
// the kubelet dials the pod's port inside its network namespace when the client's stream pair
// arrives, then carries the connection's bytes. The connection reaches the process the same way
// the console's own `kubectl port-forward` does (net/port-forward.ts), so curl through either
// gets the same answer, the same trace and the same container log lines.

import type { HttpRequest, Reply } from "./net/http.ts";
import type { CommandResult, SessionState } from "./engine.ts";
import { simulatedNow } from "./engine.ts";
import { LineClusters } from "./contexts.ts";
import { reconcile } from "./cluster/controllers.ts";
import { connect, exchange, type ExchangeEnv } from "./net/exchange.ts";
import { placeOf } from "./net/places.ts";
import { netIndex } from "./net/index.ts";
import type { RouteTrace } from "./net/trace.ts";
import type { ForwardListener } from "./kubectl/port-forward-types.ts";
import { createRandom } from "./random.ts";
import { promptOf } from "./shell/prompt.ts";

/** What one forwarded connection reaches: the pod (by uid: a new pod of the same name is not it) and its port. */
export interface ForwardTarget {
  /** The session's cluster the API request named. */
  cluster: string;
  namespace: string;
  pod: string;
  uid: string;
  port: number;
}

/** What the kubelet did: carried the exchange (reply), or wrote its error on the error stream. */
export type ForwardOutcome = { kind: "reply"; reply: Reply } | { kind: "failed"; message: string };

/**
 * The kubelet's dial of the pod's port when a stream pair arrives: undefined when something
 * listens, else its error message (and the trace of the failed tunnel, in `result`).
 */
export function openForward(state: SessionState, target: ForwardTarget, now: number): { result: CommandResult; failure?: string } {
  return run(state, target, now, (env, input, failed) => {
    const outcome = connect(env, input);
    const message = failed();
    return message !== undefined || outcome.kind !== "connected" ? { kind: "failed", message: message ?? "connection refused" } : undefined;
  });
}

/** One HTTP request over the forwarded connection, answered by the process that listens on the pod's port. */
export function forwardRequest(state: SessionState, target: ForwardTarget, request: HttpRequest, now: number): { result: CommandResult; outcome: ForwardOutcome } {
  let outcome: ForwardOutcome = { kind: "failed", message: "connection refused" };
  const { result } = run(state, target, now, (env, input, failed) => {
    const got = exchange(env, { ...input, request });
    const message = failed();
    if (message !== undefined) outcome = { kind: "failed", message };
    else if (got.kind === "reply") outcome = { kind: "reply", reply: got.reply };
    return outcome.kind === "failed" ? outcome : undefined;
  });
  return { result, outcome };
}

type Step = (
  env: ExchangeEnv,
  input: { place: NonNullable<ReturnType<typeof placeOf>>; command: string; host: string; port: number },
  failed: () => string | undefined,
) => ForwardOutcome | undefined;

function run(state: SessionState, target: ForwardTarget, now: number, step: Step): { result: CommandResult; failure?: string } {
  const random = createRandom(state.rng);
  const at = simulatedNow(state, now);
  const clusters = new LineClusters(state.cluster, state.contexts, at, random);
  const tx = clusters.tx(target.cluster);
  const unchanged: CommandResult = { state, output: "", exitCode: 0, prompt: promptOf(state.shell), traces: [], changed: false };
  if (!tx) return { result: unchanged, failure: `the session has no cluster "${target.cluster}"` };
  const traces: RouteTrace[] = [];
  let failure: string | undefined;
  // The client's kubectl is on the learner's machine, not the workstation; its tunnel ends at the pod the same way.
  const listener: ForwardListener = {
    forward: { namespace: target.namespace, pod: target.pod, uid: target.uid, ports: [{ local: target.port, remote: target.port }], addresses: ["127.0.0.1"] },
    port: { local: target.port, remote: target.port },
    pid: 0,
    out: () => {},
    err: () => {},
    lost: () => {},
    failed: (message) => void (failure = message),
  };
  const env: ExchangeEnv = {
    tx,
    random,
    now: tx.state.now,
    trace: (t) => traces.push(t),
    forwards: { at: (ip, port) => (ip === "127.0.0.1" && port === target.port ? listener : undefined) },
  };
  const place = placeOf(state.shell[0], tx.state, netIndex(tx.state));
  if (!place) return { result: unchanged, failure: "the workstation is not available" };
  const input = { place, command: `kubectl port-forward pod/${target.pod} ${target.port} (a client of the session's API)`, host: "127.0.0.1", port: target.port };
  const outcome = step(env, input, () => failure);
  reconcile(tx, tx.state.now, random);
  const dirty = tx.dirty;
  if (!dirty && traces.length === 0 && outcome === undefined) return { result: unchanged };
  const clockSkew = Math.max(state.clockSkew ?? 0, clusters.latest() - now);
  const next: SessionState = { ...state, ...clusters.commit(state.shell), rng: random.state, ...(clockSkew > 0 ? { clockSkew } : {}) };
  const result: CommandResult = { state: next, output: "", exitCode: outcome?.kind === "failed" ? 1 : 0, prompt: promptOf(state.shell), traces, changed: dirty };
  return outcome?.kind === "failed" ? { result, failure: outcome.message } : { result };
}
