// The runner the kubelet uses for a container's own one-shot command (cluster/container-commands.ts):
// the same programs the console runs, in the pod's place, with what they print kept as the log.

import { setContainerCommandRunner } from "../cluster/container-commands.ts";
import { findImage } from "../cluster/images.ts";
import { processBehaviour } from "../cluster/process.ts";
import { runContainerCommand } from "./pod-exec.ts";
import type { ProgramContext, ShellFrame } from "./types.ts";

setContainerCommandRunner((tx, random, now, podKey, container) => {
  const pod = tx.state.pods[podKey];
  const spec = pod?.spec.containers.find((c) => c.name === container);
  if (!pod || !spec) return undefined;
  // Only commands that end by themselves at once: servers, sleeps and loops keep the heuristics.
  const behaviour = processBehaviour(spec);
  if (behaviour.kind !== "exits" || behaviour.afterMs > 0) return undefined;
  const argv = [...(spec.command ?? []), ...(spec.args ?? [])];
  if (argv.length === 0) return undefined;
  const frame: ShellFrame = { kind: "pod", namespace: pod.metadata.namespace ?? "default", pod: pod.metadata.name, container, shell: findImage(spec.image)?.shell ?? "sh" };
  let output = "";
  const ctx: ProgramContext = {
    argv,
    tx,
    random,
    now,
    shell: [],
    stdoutIsTerminal: false,
    out: (text) => (output += text),
    err: (text) => (output += text),
    trace: () => {},
  };
  const exitCode = runContainerCommand(ctx, frame, argv);
  return exitCode === undefined ? undefined : { output, exitCode };
});
