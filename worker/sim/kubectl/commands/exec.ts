// kubectl exec and kubectl run -it: the kubectl side (pod exists, is running, the container
// exists), then the console moves into the pod (interactive shell) or the command runs there.

import type { Pod, SubmittedObject } from "../../cluster/types.ts";
import { findImage } from "../../cluster/images.ts";
import { processBehaviour } from "../../cluster/process.ts";
import { containerEnvironment } from "../../cluster/container-env.ts";
import { ATTACH_NOTICE, type AttachSession, endAttachSession, enterAttachedShell, execInPod, runAttachedCommand } from "../../shell/pod-exec.ts";
import { create, get, waitUntil } from "../api.ts";
import { attachablePod } from "../attachable-pod.ts";
import { fail, type Kubectl } from "../context.ts";
import { statusErrorText, usageErrorText } from "../errors.ts";
import type { Flags } from "../flags.ts";
import type { Command } from "../command.ts";

export const execCommand: Command = {
  name: "exec",
  short: "Execute a command in a container",
  long: `Run a command inside a running container.

 Everything after -- is the command and its arguments. The first container of the pod is used unless -c names another. -i passes your input to the command and -t gives it a terminal, which interactive shells need. Instead of a pod you may name a Deployment, ReplicaSet or Service (TYPE/NAME); one of its pods is picked.`,
  usage: "exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]",
  examples: `  # Print the host name as seen inside pod web
  kubectl exec web -- hostname

  # Open an interactive shell in the pod
  kubectl exec -it web -- sh

  # Run the command in a named container of the pod
  kubectl exec web -c sidecar -- cat /etc/hostname

  # Call a Service from inside a pod of deployment client
  kubectl exec deploy/client -- wget -qO- http://web`,
  flags: [
    { name: "container", short: "c", type: "string", usage: "Which container to run the command in; by default the one named by the kubectl.kubernetes.io/default-container annotation, else the pod's first container" },
    { name: "stdin", short: "i", type: "bool", usage: "Send your input to the command" },
    { name: "tty", short: "t", type: "bool", usage: "Run the command in a terminal (use with -i for a shell)" },
    { name: "quiet", short: "q", type: "bool", usage: "Print only the command's own output, no kubectl messages" },
  ],
  run: runExec,
};

function runExec(k: Kubectl, flags: Flags): number {
  const dashAt = flags.argsLenAtDash;
  const before = dashAt >= 0 ? flags.args.slice(0, dashAt) : flags.args.slice(0, 1);
  const command = dashAt >= 0 ? flags.args.slice(dashAt) : flags.args.slice(1);
  if (before.length === 0) return fail(k, "error: pod, type/name or --filename must be specified");
  if (dashAt < 0 && command.length > 0) {
    return fail(k, usageErrorText(k.path, "exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead"));
  }
  if (command.length === 0) return fail(k, "error: you must specify at least one command for the container");
  const attachable = attachablePod(k, before[0]);
  if ("error" in attachable) return fail(k, attachable.error);
  const podName = attachable.pod;
  const target = resolveTarget(k, podName, flags.string("container"));
  if (typeof target === "number") return target;
  return execInPod(k.ctx, { namespace: k.namespace, pod: podName, container: target.container }, command, {
    interactive: flags.bool("stdin") && flags.bool("tty"),
    tty: flags.bool("tty"),
    ...(flags.bool("stdin") && k.ctx.stdin !== undefined ? { stdin: k.ctx.stdin } : {}),
  });
}

/** The checks the API server makes before upgrading an exec connection, with its messages. */
export function resolveTarget(k: Kubectl, podName: string, containerFlag: string): { pod: Pod; container: string } | number {
  const found = get(k, "pods", k.namespace, podName);
  if (!found.ok) return fail(k, statusErrorText(found.status));
  const pod = found.value as Pod;
  const names = pod.spec.containers.map((c) => c.name);
  const container = containerFlag || names[0];
  if (!names.includes(container)) {
    return fail(k, `Error from server (BadRequest): container ${container} is not valid for pod ${podName}`);
  }
  if (!pod.spec.nodeName) return fail(k, `Error from server (BadRequest): pod ${podName} does not have a host assigned`);
  if (pod.status.phase === "Succeeded" || pod.status.phase === "Failed") {
    return fail(k, `error: cannot exec into a container in a completed pod; current phase is ${pod.status.phase}`);
  }
  const status = pod.status.containerStatuses?.find((s) => s.name === container);
  if (!status?.state.running) {
    return fail(k, `error: unable to upgrade connection: container not found ("${container}")`);
  }
  return { pod, container };
}

/**
 * kubectl run -i [-t] [--rm] (run.go Run + handleAttachPod): create the pod, wait until it runs,
 * attach to its main process. A shell moves the console into the pod until `exit`; a one-shot
 * client command runs attached and prints its output; a pod that finished before kubectl could
 * attach has its logs printed instead. Then the session ends as endAttachSession describes.
 */
export function runInteractive(k: Kubectl, pod: SubmittedObject, removeOnExit: boolean, tty: boolean): number {
  const name = pod.metadata!.name!;
  const key = `${k.namespace}/${name}`;
  const created = create(k, { ...pod, metadata: { ...pod.metadata, namespace: k.namespace } });
  if (!created.ok) return fail(k, statusErrorText(created.status));
  const phase = () => k.ctx.tx.state.pods[key]?.status.phase;
  const started = waitUntil(k, 60_000, () => phase() === "Running" || phase() === "Succeeded" || phase() === "Failed");
  if (!started) return fail(k, "error: timed out waiting for the condition");
  const current = k.ctx.tx.state.pods[key];
  const container = current.spec.containers[0];
  const session: AttachSession = { namespace: k.namespace, pod: name, container: container.name, tty, removeOnExit };
  const behaviour = processBehaviour(container, containerEnvironment(k.ctx.tx.state, key, container.name));
  if (current.status.phase !== "Running") {
    // Finished before the attach: kubectl prints the logs, then reports as after a session.
    for (const line of k.ctx.tx.state.podRuntime[key]?.logs ?? []) k.out(`${line}\n`);
    return endAttachSession(k.ctx, session, current.status.containerStatuses?.[0]?.state.terminated?.exitCode ?? 0);
  }
  k.err(ATTACH_NOTICE);
  const argv = [...(container.command ?? []), ...(container.args ?? [])];
  if (behaviour.kind === "attached") return endAttachSession(k.ctx, session, runAttachedCommand(k.ctx, session, argv));
  const image = findImage(container.image);
  const word = argv[0] ?? image?.shell ?? "sh";
  const base = word.slice(word.lastIndexOf("/") + 1);
  if (behaviour.kind === "forever" && (base === "sh" || base === "bash" || base === "ash") && !argv.includes("-c")) {
    enterAttachedShell(k.ctx, session, base === "bash" ? "bash" : "sh");
    return 0;
  }
  // A process the console does not run for real (a server, `sleep`): its output so far is
  // shown; kubectl stays attached until it ends, which the console models as a detach.
  for (const line of k.ctx.tx.state.podRuntime[key]?.logs ?? []) k.out(`${line}\n`);
  if (behaviour.kind === "forever") return 0;
  const finished = waitUntil(k, 60_000, () => phase() !== "Running" || k.ctx.tx.state.podRuntime[key]?.containers?.[0]?.phase !== "running");
  const exited = k.ctx.tx.state.podRuntime[key]?.containers?.[0];
  return endAttachSession(k.ctx, session, finished ? (exited?.exitCode ?? 0) : 0);
}
