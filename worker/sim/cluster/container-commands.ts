// The kubelet starts a container whose command ends by itself (`echo hello`, `wget -qO- web`) and
// keeps what it printed as the container's log; it also runs probes (an HTTP GET, a TCP connect, a
// gRPC health check, a command in the container) and the timed pieces of a container's script.
// These need the shell and the network (worker/sim/shell, net), which depend on the cluster, so
// they plug in here instead of being imported: the engine registers the runners; the cluster
// alone runs without them.

import type { Random } from "../random.ts";
import type { Tx } from "./tx.ts";
import type { Probe } from "./types.ts";

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

export type ProbeRunner = (tx: Tx, random: Random, now: number, podKey: string, container: string, probe: Probe) => ProbeResult | undefined;

let probeRunner: ProbeRunner | undefined;

export function setProbeRunner(next: ProbeRunner): void {
  probeRunner = next;
}

/** One run of a container's probe now; undefined without a runner or when it cannot run (a prober error). */
export function runProbeAt(tx: Tx, random: Random, now: number, podKey: string, container: string, probe: Probe): ProbeResult | undefined {
  tx.probesRun++;
  return probeRunner?.(tx, random, now, podKey, container, probe);
}

/** Runs a piece of a container's `sh -c` script in it (container-script.ts); what it prints goes to the log. */
export type ScriptRunner = (tx: Tx, random: Random, now: number, podKey: string, container: string, script: string) => ContainerCommandResult | undefined;

let scriptRunner: ScriptRunner | undefined;

export function setContainerScriptRunner(next: ScriptRunner): void {
  scriptRunner = next;
}

export function runContainerScriptAt(tx: Tx, random: Random, now: number, podKey: string, container: string, script: string): ContainerCommandResult | undefined {
  return scriptRunner?.(tx, random, now, podKey, container, script);
}
