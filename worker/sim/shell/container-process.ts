// The runners the kubelet uses (cluster/container-commands.ts): a container's own one-shot command
// and the timed pieces of its script (the same programs the console runs, in the pod's place, with
// what they print kept as the log), and probes (a request from the node into the pod, or a command
// in the container).

import { setContainerCommandRunner, setContainerScriptRunner, setProbeRunner } from "../cluster/container-commands.ts";
import { containerEnvironment } from "../cluster/container-env.ts";
import { findImage } from "../cluster/images.ts";
import { runNgfGenerateCerts } from "../cluster/ngf-generate-certs.ts";
import { processBehaviour, runsTask } from "../cluster/process.ts";
import { runWebhookCertgen } from "../cluster/webhook-certgen.ts";
import { connect, exchange } from "../net/exchange.ts";
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

/** A piece of the container's `sh -c` script, run in it at its time (cluster/container-script.ts). */
setContainerScriptRunner((tx, random, now, podKey, container, script) => {
  const pod = tx.state.pods[podKey];
  const spec = pod?.spec.containers.find((c) => c.name === container);
  if (!pod || !spec) return undefined;
  const shell = [...(spec.command ?? []), ...(spec.args ?? [])][0] ?? "sh";
  const run = runInContainer(tx, random, now, pod, spec, [shell, "-c", script]);
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

/**
 * One run of a container's probe (prober.go runProbe), from the node into the pod: its verdict and,
 * when it failed, the output the kubelet puts in its Unhealthy event (pkg/probe/http, tcp, grpc, exec).
 */
setProbeRunner((tx, random, now, podKey, container, probe) => {
  const pod = tx.state.pods[podKey];
  const spec = pod?.spec.containers.find((c) => c.name === container);
  if (!pod || !spec || !pod.spec.nodeName || !pod.status.podIP) return undefined;
  const podIP = pod.status.podIP;
  // probe.ResolveContainerPort: a number, or a name of the container's ports.
  const portOf = (port: number | string): number | undefined =>
    typeof port === "number" ? port : /^\d+$/.test(port) ? Number(port) : spec.ports?.find((p) => p.name === port)?.containerPort;
  if (probe.exec) {
    const { output, exitCode: code } = runInContainer(tx, random, now, pod, spec, probe.exec.command);
    if (code === undefined) return { ok: false, message: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${probe.exec.command[0]}": executable file not found in $PATH: unknown` };
    return code === 0 ? { ok: true, message: "" } : { ok: false, message: output.trimEnd() || `command ${JSON.stringify(probe.exec.command.join(" "))} exited with ${code}` };
  }
  const handler = probe.httpGet ?? probe.tcpSocket ?? probe.grpc;
  if (!handler) return undefined;
  const port = portOf(handler.port);
  if (port === undefined) return { ok: false, message: `port "${handler.port}" not found` };
  const node = netIndex(tx.state).nodeByName(pod.spec.nodeName);
  if (!node) return undefined;
  const env = { tx, random, now, trace: () => {} };
  const place = { kind: "node" as const, name: node.name, ip: node.ip };
  const dial = `dial tcp ${podIP}:${port}: connect: connection refused`;
  if (!probe.httpGet) {
    // A TCP probe only connects (and closes): no request, so no server logs it.
    const connected = connect(env, { place, command: `kubelet probe ${podIP}:${port}`, host: podIP, port });
    if (probe.tcpSocket) {
      if (connected.kind === "connected") connected.connection.finish("answered", "The kubelet's TCP probe connected and closed the connection.");
      if (connected.kind === "refused") return { ok: false, message: dial };
      return connected.kind === "connected" ? { ok: true, message: "" } : { ok: false, message: `dial tcp ${podIP}:${port}: i/o timeout` };
    }
    // pkg/probe/grpc: the dial blocks until it connects or the timeout passes; then Health/Check,
    // which none of the catalogue's servers implement (etcd, which does, is not one of its servers).
    const target = `${podIP}:${port}`;
    if (connected.kind !== "connected") return { ok: false, message: `timeout: failed to connect service ${JSON.stringify(target)} within ${probe.timeoutSeconds}s: context deadline exceeded` };
    connected.connection.finish("answered", "The kubelet's gRPC health check found no grpc.health.v1.Health service.");
    return { ok: false, message: "error: this server does not implement the grpc health protocol (grpc.health.v1.Health): unknown service grpc.health.v1.Health" };
  }
  const path = probe.httpGet?.path ?? "/";
  const url = `http://${podIP}:${port}${path}`;
  // The kubelet names itself with the cluster's major.minor version; a probe's httpHeaders replace
  // or add to its defaults (httpprobe.NewRequestForHTTPGetAction).
  const headers: Array<[string, string]> = [["Host", `${podIP}:${port}`], ["User-Agent", `kube-probe/${tx.state.config.kubernetesVersion.replace(/^v/, "").split(".").slice(0, 2).join(".")}`], ["Accept", "*/*"], ["Connection", "close"]];
  for (const h of probe.httpGet?.httpHeaders ?? []) {
    const i = headers.findIndex(([name]) => name.toLowerCase() === h.name.toLowerCase());
    if (i >= 0) headers[i] = [headers[i][0], h.value];
    else headers.push([h.name, h.value]);
  }
  const request = { method: "GET", target: path, headers };
  const outcome = exchange(env, { place, command: `kubelet probe ${url}`, host: podIP, port, request });
  if (outcome.kind === "refused") return { ok: false, message: `Get "${url}": ${dial}` };
  if (outcome.kind !== "reply") return { ok: false, message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` };
  const reply = outcome.reply;
  if (reply.kind !== "http") return { ok: false, message: `Get "${url}": EOF` };
  return reply.status >= 200 && reply.status < 400 ? { ok: true, message: "" } : { ok: false, message: `HTTP probe failed with statuscode: ${reply.status}` };
});
