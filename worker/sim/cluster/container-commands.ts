// The kubelet starts a container whose command ends by itself (`echo hello`, `wget -qO- web`) and
// keeps what it printed as the container's log; it also runs readiness probes (an HTTP GET, a TCP
// connect, a command in the container). Both need the shell and the network (worker/sim/shell,
// net), which depend on the cluster, so they plug in here instead of being imported: the engine
// registers the runners; the cluster alone runs without them.

import type { Random } from "../random.ts";
import type { Tx } from "./tx.ts";

export interface ContainerCommandResult {
  /** What the command wrote, standard output and standard error interleaved, as the log keeps it. */
  output: string;
  exitCode: number;
}

export type ContainerCommandRunner = (tx: Tx, random: Random, now: number, podKey: string, container: string) => ContainerCommandResult | undefined;

let runner: ContainerCommandRunner | undefined;

export function setContainerCommandRunner(next: ContainerCommandRunner): void {
  runner = next;
}

export function runContainerCommandAt(tx: Tx, random: Random, now: number, podKey: string, container: string): ContainerCommandResult | undefined {
  return runner?.(tx, random, now, podKey, container);
}

/** A probe's verdict and, when it failed, the kubelet's words for why. */
export interface ProbeResult {
  ok: boolean;
  message: string;
}

export type ProbeRunner = (tx: Tx, random: Random, now: number, podKey: string, container: string) => ProbeResult | undefined;

let probeRunner: ProbeRunner | undefined;

export function setReadinessProbeRunner(next: ProbeRunner): void {
  probeRunner = next;
}

/** The container's readiness probe, run now; undefined without a probe or without a runner. */
export function runReadinessProbeAt(tx: Tx, random: Random, now: number, podKey: string, container: string): ProbeResult | undefined {
  return probeRunner?.(tx, random, now, podKey, container);
}
