// Several clusters in one session (issue 18), as the CKA's exam has them: the workstation (the
// exam's jump host) has a kubeconfig with a context per cluster, `kubectl config use-context`
// picks the one kubectl talks to, and ssh reaches every cluster's nodes by name.
//
// The session state keeps the current context's cluster in `cluster`, where everything that shows
// or checks "the" cluster (the map, the view, the API proxy, lessons) reads it; the others wait in
// `contexts.parked`. A line runs against the cluster of the shell it runs in (a node's or a pod's
// when the console is in one, else the workstation's current context); kubectl reaches another
// through its context (`--context`, use-context earlier in the line). After the line, the cluster
// of the workstation's current context becomes `cluster`.

import { reconcile } from "./cluster/controllers.ts";
import { Tx } from "./cluster/tx.ts";
import type { ClusterState } from "./cluster/types.ts";
import type { Kubeconfig } from "./kubectl/kubeconfig-types.ts";
import type { Random } from "./random.ts";
import type { SessionClusters, ShellFrame } from "./shell/types.ts";
import { entryKey, WORKSTATION_MACHINE } from "./files/store.ts";

/** The name of a session's cluster when it has one, as kubeadm's admin.conf names it. */
export const SOLE_CLUSTER = "kubernetes";

export interface SessionContexts {
  /** Every cluster's kubeconfig name, in the order they were made; `current` is one of them. */
  names: string[];
  /** The cluster the state's `cluster` is: the workstation's current context's. */
  current: string;
  /** The other clusters, by name. */
  parked: Record<string, ClusterState>;
}

/**
 * The workstation is one machine whatever the context: its written files live in the current
 * cluster's state (where its shell's programs write them) and move with a switch.
 */
function withWorkstationFiles(from: ClusterState, to: ClusterState): [ClusterState, ClusterState] {
  const prefix = entryKey(WORKSTATION_MACHINE, "");
  const moving = Object.entries(from.files ?? {}).filter(([key]) => key.startsWith(prefix));
  const stale = Object.keys(to.files ?? {}).some((key) => key.startsWith(prefix));
  if (moving.length === 0 && !stale) return [from, to];
  const kept = Object.fromEntries(Object.entries(from.files ?? {}).filter(([key]) => !key.startsWith(prefix)));
  const others = Object.fromEntries(Object.entries(to.files ?? {}).filter(([key]) => !key.startsWith(prefix)));
  return [
    { ...from, files: kept },
    { ...to, files: { ...others, ...Object.fromEntries(moving) } },
  ];
}

/** The workstation's kubeconfig in a session with several clusters: a context, a cluster and a user per cluster; the first is current. */
export function contextsKubeconfig(names: readonly string[]): Kubeconfig {
  return {
    contexts: names.map((name) => ({ name, cluster: name, user: `${name}-admin` })),
    currentContext: names[0],
    clusters: [...names],
    users: names.map((name) => `${name}-admin`),
  };
}

/** The cluster a frame's kubeconfig context names on the workstation (undefined: none of the session's). */
function workstationCluster(contexts: SessionContexts, shell: readonly ShellFrame[]): string | undefined {
  const frame = shell[0];
  if (frame.kind !== "workstation" || !frame.kubeconfig) return undefined;
  const kubeconfig = frame.kubeconfig;
  const context = kubeconfig.contexts.find((c) => c.name === kubeconfig.currentContext);
  return context && contexts.names.includes(context.cluster) ? context.cluster : undefined;
}

/** The cluster a line runs against: the innermost node's or pod's shell that names one, else the workstation's current context's. */
export function actingCluster(contexts: SessionContexts, shell: readonly ShellFrame[]): string {
  for (let i = shell.length - 1; i > 0; i--) {
    const frame = shell[i];
    if (frame.kind !== "workstation" && frame.cluster && contexts.names.includes(frame.cluster)) return frame.cluster;
  }
  return contexts.current;
}

/**
 * The clusters of one line: a transaction per cluster, made when first reached and brought up to
 * the line's time (controllers ran while the cluster was parked), committed together at the end.
 */
export class LineClusters {
  private readonly txs = new Map<string, Tx>();

  constructor(
    private readonly current: ClusterState,
    private readonly contexts: SessionContexts | undefined,
    private readonly now: number,
    private readonly random: Random,
  ) {}

  /** The name of a session's cluster -> its transaction (undefined for none); `settle`: run its controllers up to the line's time first. */
  tx(name: string, settle = true): Tx | undefined {
    let tx = this.txs.get(name);
    if (tx) return tx;
    const contexts = this.contexts;
    const state = !contexts ? (name === SOLE_CLUSTER ? this.current : undefined) : name === contexts.current ? this.current : contexts.parked[name];
    if (!state) return undefined;
    tx = new Tx(state);
    if (settle) reconcile(tx, Math.max(this.now, state.now), this.random);
    this.txs.set(name, tx);
    return tx;
  }

  /** What programs see of the session's clusters, with `acting` the one their `tx` is; undefined with one cluster. */
  view(acting: string): SessionClusters | undefined {
    const contexts = this.contexts;
    if (!contexts) return undefined;
    return { acting, names: contexts.names, tx: (name) => this.tx(name) };
  }

  /** Controllers react to what a program wrote, in every cluster the line reached (the acting one first). */
  settle(acting: Tx): void {
    reconcile(acting, acting.state.now, this.random);
    for (const tx of this.txs.values()) if (tx !== acting) reconcile(tx, tx.state.now, this.random);
  }

  get dirty(): boolean {
    for (const tx of this.txs.values()) if (tx.dirty) return true;
    return false;
  }

  /** The latest time any reached cluster got to. */
  latest(): number {
    let now = this.now;
    for (const tx of this.txs.values()) now = Math.max(now, tx.state.now);
    return now;
  }

  /**
   * The clusters after the line: each reached one committed (brought to the line's latest time, so
   * that the clusters' clocks stay together), and the workstation's current context's cluster as
   * `cluster`.
   */
  commit(shell: readonly ShellFrame[]): { cluster: ClusterState; contexts?: SessionContexts } {
    const latest = this.latest();
    const contexts = this.contexts;
    if (!contexts) {
      const tx = this.txs.get(SOLE_CLUSTER);
      return { cluster: tx ? tx.commit() : this.current };
    }
    const all: Record<string, ClusterState> = {};
    for (const name of contexts.names) {
      const tx = this.txs.get(name);
      if (tx) {
        if (tx.state.now < latest) reconcile(tx, latest, this.random);
        all[name] = tx.commit();
      } else all[name] = name === contexts.current ? this.current : contexts.parked[name];
    }
    const current = workstationCluster(contexts, shell) ?? contexts.current;
    if (current !== contexts.current) [all[contexts.current], all[current]] = withWorkstationFiles(all[contexts.current], all[current]);
    const parked: Record<string, ClusterState> = {};
    let same = current === contexts.current;
    for (const name of contexts.names) {
      if (name === current) continue;
      parked[name] = all[name];
      same &&= parked[name] === contexts.parked[name];
    }
    // Unchanged parked clusters keep the one object: storage compares the state's fields by reference.
    return { cluster: all[current], contexts: same ? contexts : { names: contexts.names, current, parked } };
  }
}

/**
 * The state as it would be after `kubectl config use-context NAME` at the workstation: that
 * context current and its cluster in `cluster` (an exam task names where it is graded this way).
 * Unchanged when the session has one cluster or no such context reaches one of its clusters.
 */
export function inContext<S extends { cluster: ClusterState; shell: ShellFrame[]; contexts?: SessionContexts }>(state: S, name: string): S {
  const contexts = state.contexts;
  const frame = state.shell[0];
  if (!contexts || frame.kind !== "workstation" || !frame.kubeconfig) return state;
  const context = frame.kubeconfig.contexts.find((c) => c.name === name);
  if (!context || !contexts.names.includes(context.cluster)) return state;
  const all: Record<string, ClusterState> = { ...contexts.parked, [contexts.current]: state.cluster };
  if (context.cluster !== contexts.current) [all[contexts.current], all[context.cluster]] = withWorkstationFiles(all[contexts.current], all[context.cluster]);
  const parked: Record<string, ClusterState> = {};
  for (const other of contexts.names) if (other !== context.cluster) parked[other] = all[other];
  const shell = [{ ...frame, kubeconfig: { ...frame.kubeconfig, currentContext: name } }, ...state.shell.slice(1)];
  return { ...state, cluster: all[context.cluster], shell, contexts: { names: contexts.names, current: context.cluster, parked } };
}

/** Every cluster of the session brought to `now` (a tick without a command). */
export function tickClusters(contexts: SessionContexts, now: number, random: Random): { parked: Record<string, ClusterState>; changed: boolean } {
  let changed = false;
  const parked: Record<string, ClusterState> = {};
  for (const [name, state] of Object.entries(contexts.parked)) {
    const tx = new Tx(state);
    reconcile(tx, now, random);
    changed ||= tx.dirty;
    parked[name] = tx.dirty ? tx.commit() : state;
  }
  return { parked, changed };
}

/** The session's name of the cluster in `state.cluster`. */
export function currentClusterName(state: { contexts?: SessionContexts }): string {
  return state.contexts?.current ?? SOLE_CLUSTER;
}

/** The session's cluster of that name as stored (undefined: the session has none). */
export function clusterNamed(state: { cluster: ClusterState; contexts?: SessionContexts }, name: string): ClusterState | undefined {
  const contexts = state.contexts;
  if (!contexts) return name === SOLE_CLUSTER ? state.cluster : undefined;
  return name === contexts.current ? state.cluster : contexts.parked[name];
}

/**
 * The state with the named cluster in `cluster` (the others parked), the shell and the
 * workstation's files left where they are: what a change through that cluster's own API works on.
 * withCluster(changed, previous current) puts the session back as it was around the change.
 */
export function withCluster<S extends { cluster: ClusterState; contexts?: SessionContexts }>(state: S, name: string): S {
  const contexts = state.contexts;
  if (!contexts || name === contexts.current || !contexts.parked[name]) return state;
  const parked: Record<string, ClusterState> = {};
  for (const other of contexts.names) if (other !== name) parked[other] = other === contexts.current ? state.cluster : contexts.parked[other];
  return { ...state, cluster: contexts.parked[name], contexts: { names: contexts.names, current: name, parked } };
}
