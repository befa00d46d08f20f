// procps-ng's ps on a node: systemd, containerd, the kubelet (with the flags kubeadm's drop-in
// 10-kubeadm.conf and kubeadm-flags.env give it), and for each pod sandbox crictl also lists (the
// kubelet's view, PodRuntime) its containerd-shim, its pause process and each running container's
// process, with the command line from the pod spec. The simulation keeps no process table, so PIDs
// are numbered in start order and CPU/memory figures are not modelled (0.0, 0:00).

import type { ClusterState, Container, Pod } from "../cluster/types.ts";
import { expandKubeletVariables } from "../cluster/kubelet-variables.ts";
import { busyboxPs } from "./busybox-ps.ts";
import { sandboxID } from "./crictl.ts";
import type { ProgramContext } from "./types.ts";

interface Proc {
  user: string;
  pid: number;
  ppid: number;
  startedAt: number;
  tty: string;
  stat: string;
  command: string;
}

const KUBELET = "/usr/bin/kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml --container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10";

function processes(state: ClusterState, node: string, user: string, argv: string[], now: number): Proc[] {
  const created = Date.parse(state.nodes[node]?.metadata.creationTimestamp ?? "");
  const boot = Number.isNaN(created) ? 0 : created;
  const list: Proc[] = [
    { user: "root", pid: 1, ppid: 0, startedAt: boot, tty: "?", stat: "Ss", command: "/sbin/init" },
    { user: "root", pid: 612, ppid: 1, startedAt: boot, tty: "?", stat: "Ssl", command: "/usr/bin/containerd" },
    { user: "root", pid: 698, ppid: 1, startedAt: boot, tty: "?", stat: "Ssl", command: KUBELET },
  ];
  const sandboxes = Object.keys(state.pods)
    .map((key) => ({ pod: state.pods[key], runtime: state.podRuntime[key] }))
    .filter((s) => s.pod.spec.nodeName === node && s.runtime?.sandboxAt !== undefined && s.runtime.goneAt === undefined)
    .sort((a, b) => (a.runtime.sandboxAt ?? 0) - (b.runtime.sandboxAt ?? 0) || (a.pod.metadata.name < b.pod.metadata.name ? -1 : 1));
  let pid = 1000;
  for (const { pod, runtime } of sandboxes) {
    const at = runtime.sandboxAt ?? boot;
    const shim = pid++;
    list.push({ user: "root", pid: shim, ppid: 1, startedAt: at, tty: "?", stat: "Sl", command: `/usr/bin/containerd-shim-runc-v2 -namespace k8s.io -id ${sandboxID(pod)} -address /run/containerd/containerd.sock` });
    list.push({ user: "65535", pid: pid++, ppid: shim, startedAt: at, tty: "?", stat: "Ss", command: "/pause" });
    for (const c of runtime.containers ?? []) {
      // Each restart is a new process, so a restarted container's PID comes later.
      const own = pid + c.restartCount;
      pid += c.restartCount + 1;
      const spec = pod.spec.containers.find((x) => x.name === c.name);
      if (c.phase !== "running" || !spec || c.startedAt === undefined) continue;
      const words = [...(spec.command ?? []), ...(spec.args ?? [])].map((w) => expandKubeletVariables(w, pod, spec));
      const command = words.length > 0 ? words.join(" ") : spec.image;
      list.push({ user: "root", pid: own, ppid: shim, startedAt: c.startedAt, tty: "?", stat: "Ssl", command });
    }
  }
  list.push({ user, pid: pid + 100, ppid: 1, startedAt: now, tty: "pts/0", stat: "Ss", command: "-bash" });
  list.push({ user, pid: pid + 101, ppid: pid + 100, startedAt: now, tty: "pts/0", stat: "R+", command: argv.join(" ") });
  return list;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number): string => String(n).padStart(2, "0");

/** procps' START/STIME: the time of day within the last 24 hours, else month and day. */
function startTime(at: number, now: number): string {
  const d = new Date(at);
  if (now - at < 24 * 3600 * 1000) return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  return `${MONTHS[d.getUTCMonth()]}${two(d.getUTCDate())}`;
}

const USAGE = "\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).\n";

export function ps(ctx: ProgramContext): number {
  const frame = ctx.shell[ctx.shell.length - 1];
  if (frame.kind === "pod") return busyboxPs(ctx, frame);
  if (frame.kind !== "node") {
    ctx.err(`${ctx.argv[0]}: command not found\n`);
    return 127;
  }
  const args = ctx.argv.slice(1);
  const bsd = args.length === 1 && /^(aux|auxw|auxww|-aux|axu)$/.test(args[0]);
  const full = args.some((a) => /^-(ef|fe|e|A|eF)$/.test(a)) && args.every((a) => /^-(ef|fe|e|A|eF)$/.test(a) || a === "-f");
  if (!bsd && !full) {
    if (args.length === 0) {
      ctx.note?.("The playground's ps has `ps aux`, `ps auxw` and `ps -ef` (`-e`).");
      return 1;
    }
    ctx.err(`error: unsupported option\n${USAGE}`);
    return 1;
  }
  const procs = processes(ctx.tx.state, frame.node, frame.user, ctx.argv, ctx.now);
  const lines: string[] = [];
  if (bsd) {
    lines.push("USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND");
    for (const p of procs) lines.push(`${p.user.padEnd(8)} ${String(p.pid).padStart(7)}  0.0  0.0      0     0 ${p.tty.padEnd(8)} ${p.stat.padEnd(4)} ${startTime(p.startedAt, ctx.now).padStart(5)}   0:00 ${p.command}`);
  } else {
    const withF = args.some((a) => /f/i.test(a));
    if (withF) {
      lines.push("UID          PID    PPID  C STIME TTY          TIME CMD");
      for (const p of procs) lines.push(`${p.user.padEnd(8)} ${String(p.pid).padStart(7)} ${String(p.ppid).padStart(7)}  0 ${startTime(p.startedAt, ctx.now)} ${p.tty.padEnd(8)} 00:00:00 ${p.command}`);
    } else {
      // Without -f: only the program's name, as procps' `ucmd`.
      lines.push("    PID TTY          TIME CMD");
      for (const p of procs) lines.push(`${String(p.pid).padStart(7)} ${p.tty.padEnd(8)} 00:00:00 ${(p.command.split(" ")[0].split("/").pop() ?? "").slice(0, 15)}`);
    }
  }
  ctx.out(lines.join("\n") + "\n");
  return 0;
}
