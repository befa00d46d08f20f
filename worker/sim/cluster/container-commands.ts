// The kubelet starts a container whose command ends by itself (`echo hello`, `wget -qO- web`) and
// keeps what it printed as the container's log. Running such a command needs the shell and the
// network (worker/sim/shell, net), which depend on the cluster, so they plug in here instead of
// being imported: the engine registers the runner; the cluster alone runs without one.

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
