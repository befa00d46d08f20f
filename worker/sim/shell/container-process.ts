// The runners the kubelet uses (cluster/container-commands.ts): a container's own one-shot command
// (the same programs the console runs, in the pod's place, with what they print kept as the log)
// and readiness probes (a request from the node into the pod, or a command in the container).

import { setContainerCommandRunner, setReadinessProbeRunner } from "../cluster/container-commands.ts";
import { containerEnvironment } from "../cluster/container-env.ts";
import { findImage } from "../cluster/images.ts";
import { runNgfGenerateCerts } from "../cluster/ngf-generate-certs.ts";
import { processBehaviour, runsTask } from "../cluster/process.ts";
import { runWebhookCertgen } from "../cluster/webhook-certgen.ts";
import { exchange } from "../net/exchange.ts";
import { netIndex } from "../net/index.ts";
import { runContainerCommand } from "./pod-exec.ts";
import type { Tx } from "../cluster/tx.ts";
import type { Container, Pod } from "../cluster/types.ts";
import type { Random } from "../random.ts";
import type { ProgramContext, ShellFrame } from "./types.ts";

setContainerCommandRunner((tx, random, now, podKey, container) => {
  const pod = tx.state.pods[podKey];
  const spec = pod?.spec.containers.find((c) => c.name === container);
  if (!pod || !spec) return undefined;
  if (findImage(spec.image)?.task === "kube-webhook-certgen") return runWebhookCertgen(tx, random, now, pod, spec);
  if (findImage(spec.image)?.task === "nginx-gateway-fabric" && runsTask(spec)) return runNgfGenerateCerts(tx, random, now, pod, spec);
  // Only commands that end by themselves at once: servers, sleeps and loops keep the heuristics.
  const behaviour = processBehaviour(spec, containerEnvironment(tx.state, podKey, container));
  if (behaviour.kind !== "exits" || behaviour.afterMs > 0) return undefined;
  const argv = [...(spec.command ?? []), ...(spec.args ?? [])];
  if (argv.length === 0) return undefined;
  const run = runInContainer(tx, random, now, pod, spec, argv);
  return run.exitCode === undefined ? undefined : { output: run.output, exitCode: run.exitCode };
});

/** Runs argv in the container as the kubelet's runtime does: no terminal, both streams kept together. */
function runInContainer(tx: Tx, random: Random, now: number, pod: Pod, spec: Container, argv: string[]): { output: string; exitCode: number | undefined } {
  const frame: ShellFrame = { kind: "pod", namespace: pod.metadata.namespace ?? "default", pod: pod.metadata.name, container: spec.name, shell: findImage(spec.image)?.shell ?? "sh" };
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
  return { output, exitCode };
}

/** The kubelet's readiness probe, from the node into the pod: its verdict and the kubelet's message. */
setReadinessProbeRunner((tx, random, now, podKey, container) => {
  const pod = tx.state.pods[podKey];
  const spec = pod?.spec.containers.find((c) => c.name === container);
  const probe = spec?.readinessProbe;
  if (!pod || !spec || !probe || !pod.spec.nodeName || !pod.status.podIP) return undefined;
  const podIP = pod.status.podIP;
  const portOf = (port: number | string): number | undefined =>
    typeof port === "number" ? port : /^\d+$/.test(port) ? Number(port) : spec.ports?.find((p) => p.name === port)?.containerPort;
  if (probe.exec) {
    const { output, exitCode: code } = runInContainer(tx, random, now, pod, spec, probe.exec.command);
    if (code === undefined) return { ok: false, message: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${probe.exec.command[0]}": executable file not found in $PATH: unknown` };
    return code === 0 ? { ok: true, message: "" } : { ok: false, message: output.trimEnd() || `command ${JSON.stringify(probe.exec.command.join(" "))} exited with ${code}` };
  }
  const handler = probe.httpGet ?? probe.tcpSocket!;
  const port = portOf(handler.port);
  if (port === undefined) return { ok: false, message: `port "${handler.port}" not found` };
  const node = netIndex(tx.state).nodeByName(pod.spec.nodeName);
  if (!node) return undefined;
  const env = { tx, random, now, trace: () => {} };
  const place = { kind: "node" as const, name: node.name, ip: node.ip };
  const path = probe.httpGet?.path ?? "/";
  const url = `http://${podIP}:${port}${path}`;
  const request = {
    method: "GET",
    target: path,
    // The kubelet names itself with the cluster's major.minor version.
    headers: [["Host", `${podIP}:${port}`], ["User-Agent", `kube-probe/${tx.state.config.kubernetesVersion.replace(/^v/, "").split(".").slice(0, 2).join(".")}`], ["Accept", "*/*"], ["Connection", "close"]] as Array<[string, string]>,
  };
  const outcome = exchange(env, { place, command: `kubelet readiness probe ${url}`, host: podIP, port, request });
  const dial = `dial tcp ${podIP}:${port}: connect: connection refused`;
  if (outcome.kind === "refused") return { ok: false, message: probe.httpGet ? `Get "${url}": ${dial}` : dial };
  if (outcome.kind !== "reply") return { ok: false, message: probe.httpGet ? `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` : `dial tcp ${podIP}:${port}: i/o timeout` };
  if (!probe.httpGet) return { ok: true, message: "" };
  const reply = outcome.reply;
  if (reply.kind !== "http") return { ok: false, message: `Get "${url}": EOF` };
  return reply.status >= 200 && reply.status < 400 ? { ok: true, message: "" } : { ok: false, message: `HTTP probe failed with statuscode: ${reply.status}` };
});
