// crictl on a node (cri-tools, talking to containerd's CRI socket): `crictl ps` lists the node's
// containers and `crictl pods` its pod sandboxes, from the kubelet's view of each pod
// (PodRuntime). The socket belongs to root, so without sudo crictl fails as on a kubeadm node.
// Tables are cri-tools' (display.go: tabwriter 20/1/3), times go-units' HumanDuration.

import type { ClusterState, Pod, PodRuntime } from "../cluster/types.ts";
import { tabwrite } from "../kubectl/printers/tabwriter.ts";
import { sha256 } from "../net/sha256.ts";
import type { ProgramContext } from "./types.ts";

const ENDPOINT = "unix:///run/containerd/containerd.sock";
const TABLE = { minwidth: 20, padding: 3 };
/** crictl's other commands (cri-tools main.go), which the playground does not simulate. */
const REAL_COMMANDS = new Set(["attach", "create", "exec", "version", "images", "image", "img", "inspect", "inspecti", "imagefsinfo", "inspectp", "logs", "port-forward", "pull", "run", "runp", "rm", "rmi", "rmp", "start", "info", "stop", "stopp", "update", "config", "stats", "statsp", "checkpoint", "completion", "events", "metricdescs", "metricsp", "update-runtime-config", "help", "h"]);

/** docker/go-units HumanDuration, as crictl prints CREATED (`<d> ago`). */
export function unitsHumanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60000);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  // d.Round(time.Hour): halves round away from zero.
  const hours = Math.round(ms / 3600000);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3600000) / 24 / 365)} years`;
}

function hex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/**
 * The pod sandbox's ID. containerd makes a random one per sandbox; the simulation keeps none, so
 * it is derived from the pod's UID (stable for the pod's life, different for each pod).
 */
export function sandboxID(pod: Pod): string {
  return hex(sha256(`sandbox/${pod.metadata.uid ?? pod.metadata.namespace + "/" + pod.metadata.name}`));
}

/**
 * The image ID containerd reports for a container (the image config's digest). The catalogue
 * knows each image's repository digest, not its config digest, so the ID is derived from it.
 */
function imageID(imageRef: string): string {
  return hex(sha256(`image/${imageRef}`));
}

/** getTruncatedID: the first 13 characters, after a prefix such as `sha256:`. */
const truncated = (id: string): string => id.slice(0, 13);

interface Sandbox {
  key: string;
  pod: Pod;
  runtime: PodRuntime;
  createdAt: number;
}

function sandboxesOn(state: ClusterState, node: string): Sandbox[] {
  const list: Sandbox[] = [];
  for (const key in state.pods) {
    const pod = state.pods[key];
    if (pod.spec.nodeName !== node) continue;
    const runtime = state.podRuntime[key];
    if (!runtime || runtime.sandboxAt === undefined) continue;
    list.push({ key, pod, runtime, createdAt: runtime.sandboxAt });
  }
  // sandboxBySort / containerByCreated: newest first.
  return list.sort((a, b) => b.createdAt - a.createdAt || (a.key < b.key ? -1 : 1));
}

function sandboxReady(s: Sandbox): boolean {
  const phase = s.pod.status.phase;
  return s.runtime.goneAt === undefined && phase !== "Succeeded" && phase !== "Failed";
}

interface Options {
  all: boolean;
  quiet: boolean;
  noTrunc: boolean;
  name?: string;
  namespace?: string;
}

function parse(args: string[], allowAll: boolean): Options | string {
  const o: Options = { all: false, quiet: false, noTrunc: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (flag: string): string | undefined => (a.startsWith(`${flag}=`) ? a.slice(flag.length + 1) : a === flag ? args[++i] : undefined);
    if (allowAll && (a === "-a" || a === "--all")) o.all = true;
    else if (a === "-q" || a === "--quiet") o.quiet = true;
    else if (a === "--no-trunc") o.noTrunc = true;
    else if (a === "--name" || a.startsWith("--name=")) o.name = value("--name");
    else if (a === "--namespace" || a.startsWith("--namespace=")) o.namespace = value("--namespace");
    else return a;
  }
  return o;
}

function containersTable(state: ClusterState, node: string, o: Options, now: number): string {
  const rows: Array<{ at: number; cells: string[]; id: string }> = [];
  for (const s of sandboxesOn(state, node)) {
    if (o.namespace !== undefined && !new RegExp(o.namespace).test(s.pod.metadata.namespace ?? "")) continue;
    for (const c of s.runtime.containers ?? []) {
      if (!c.containerID || c.startedAt === undefined) continue;
      const running = c.phase === "running";
      if (!running && !o.all) continue;
      if (o.name !== undefined && !new RegExp(o.name).test(c.name)) continue;
      const spec = s.pod.spec.containers.find((x) => x.name === c.name);
      const id = c.containerID.replace(/^containerd:\/\//, "");
      const image = imageID(spec?.image ?? "");
      const pod = sandboxID(s.pod);
      rows.push({
        at: c.startedAt,
        id,
        cells: [o.noTrunc ? id : truncated(id), o.noTrunc ? `sha256:${image}` : truncated(image), `${unitsHumanDuration(now - c.startedAt)} ago`, running ? "Running" : "Exited", c.name, String(c.restartCount), o.noTrunc ? pod : truncated(pod), s.pod.metadata.name, s.pod.metadata.namespace ?? ""],
      });
    }
  }
  rows.sort((a, b) => b.at - a.at);
  if (o.quiet) return rows.map((r) => r.id + "\n").join("");
  const lines = [["CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD", "NAMESPACE"], ...rows.map((r) => r.cells)];
  return tabwrite(lines.map((l) => l.join("\t")).join("\n") + "\n", TABLE);
}

function podsTable(state: ClusterState, node: string, o: Options, now: number): string {
  const rows: string[][] = [];
  const ids: string[] = [];
  for (const s of sandboxesOn(state, node)) {
    if (o.namespace !== undefined && !new RegExp(o.namespace).test(s.pod.metadata.namespace ?? "")) continue;
    if (o.name !== undefined && !new RegExp(o.name).test(s.pod.metadata.name)) continue;
    const id = sandboxID(s.pod);
    ids.push(id);
    rows.push([o.noTrunc ? id : truncated(id), `${unitsHumanDuration(now - s.createdAt)} ago`, sandboxReady(s) ? "Ready" : "NotReady", s.pod.metadata.name, s.pod.metadata.namespace ?? "", "0", "(default)"]);
  }
  if (o.quiet) return ids.map((id) => id + "\n").join("");
  const lines = [["POD ID", "CREATED", "STATE", "NAME", "NAMESPACE", "ATTEMPT", "RUNTIME"], ...rows];
  return tabwrite(lines.map((l) => l.join("\t")).join("\n") + "\n", TABLE);
}

export function crictl(ctx: ProgramContext): number {
  const frame = ctx.shell[ctx.shell.length - 1];
  if (frame.kind !== "node") {
    ctx.err(`${ctx.argv[0]}: command not found\n`);
    return 127;
  }
  const [command, ...args] = ctx.argv.slice(1);
  if (command !== "ps" && command !== "pods") {
    if (command === undefined || REAL_COMMANDS.has(command)) {
      ctx.note?.(`The playground's crictl has only \`crictl ps\` (-a, -q, --name, --namespace, --no-trunc) and \`crictl pods\`; \`crictl${command ? " " + command : ""}\` is not simulated.`);
      return 1;
    }
    ctx.err(`No help topic for '${command}'\n`);
    return 3;
  }
  const o = parse(args, command === "ps");
  if (typeof o === "string") {
    ctx.err(`Incorrect Usage: flag provided but not defined: ${o}\n\n`);
    return 1;
  }
  if (frame.user !== "root") {
    // logrus on a terminal: the level, the seconds since start, the message padded to 44, a space.
    ctx.err(`FATA[0000] validate service connection: validate CRI v1 runtime API for endpoint "${ENDPOINT}": rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix /run/containerd/containerd.sock: connect: permission denied" \n`);
    return 1;
  }
  const state = ctx.tx.state;
  ctx.out(command === "ps" ? containersTable(state, frame.node, o, ctx.now) : podsTable(state, frame.node, o, ctx.now));
  return 0;
}
