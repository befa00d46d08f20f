// ssh from the workstation or a node to a node of the lab (OpenSSH 9.6 on Ubuntu 24.04). Only the
// nodes run sshd; names resolve through /etc/hosts. The session is a new frame on the shell stack.

import { resolveHost } from "../net/dns.ts";
import { netIndex } from "../net/index.ts";
import { inCluster } from "../net/lab.ts";
import { currentPlace } from "../net/tools/where.ts";
import { runScript } from "./pod-exec.ts";
import type { ProgramContext, ShellFrame } from "./types.ts";

export function ssh(ctx: ProgramContext): number {
  const args = ctx.argv.slice(1);
  let destination: string | undefined;
  let command: string[] = [];
  let tty = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (/^-[lpiFoJ]$/.test(a)) i++;
    else if (!a.startsWith("-")) {
      destination = a;
      command = args.slice(i + 1);
      break;
    } else if (/^-[A-Za-z]*t/.test(a)) tty = true;
  }
  if (!destination) {
    ctx.err(
      "usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address]\n           [-c cipher_spec] [-D [bind_address:]port] [-E log_file]\n           [-e escape_char] [-F configfile] [-I pkcs11] [-i identity_file]\n           [-J destination] [-L address] [-l login_name] [-m mac_spec]\n           [-O ctl_cmd] [-o option] [-P tag] [-p port] [-R address]\n           [-S ctl_path] [-W host:port] [-w local_tun[:remote_tun]]\n           destination [command [argument ...]]\n",
    );
    return 255;
  }
  const at = destination.lastIndexOf("@");
  const host = at >= 0 ? destination.slice(at + 1) : destination;
  const place = currentPlace(ctx);
  if (!place) return 255;
  // In a session with several clusters every cluster's nodes are on the lab's network, named in
  // /etc/hosts as on the exam's jump host: a name is looked up in this shell's cluster, then the others'.
  const clusters = ctx.clusters;
  const others = clusters ? clusters.names.filter((name) => name !== clusters.acting) : [];
  let state = ctx.tx.state;
  let index = netIndex(state);
  let resolved = resolveHost(state, index, place, host, { now: ctx.now });
  let node = resolved.ok ? index.nodeByIP(resolved.ips[0]) : undefined;
  let reached = ctx;
  for (const name of node ? [] : others) {
    const tx = clusters!.tx(name)!;
    const otherIndex = netIndex(tx.state);
    const other = resolveHost(tx.state, otherIndex, place, host, { now: ctx.now });
    const otherNode = other.ok ? otherIndex.nodeByIP(other.ips[0]) : undefined;
    if (!otherNode) continue;
    state = tx.state;
    index = otherIndex;
    resolved = other;
    node = otherNode;
    reached = { ...ctx, tx, now: tx.state.now, clusters: { ...clusters!, acting: name }, trace: (t) => ctx.trace(inCluster(t, name)) };
    break;
  }
  if (!resolved.ok) {
    ctx.err(`ssh: Could not resolve hostname ${host.toLowerCase()}: Name or service not known\n`);
    return 255;
  }
  const ip = resolved.ips[0];
  if (!node) {
    const inside = place.kind !== "workstation";
    const refused = inside && (index.podByIP(ip) !== undefined || ip.startsWith("127."));
    ctx.err(`ssh: connect to host ${host} port 22: ${refused ? "Connection refused" : "Connection timed out"}\n`);
    return 255;
  }
  const user = ctx.shell[0].kind === "workstation" ? ctx.shell[0].user : "student";
  const frame: ShellFrame = { kind: "node", node: node.name, user: at >= 0 ? destination.slice(0, at) : user, ...(reached.clusters ? { cluster: reached.clusters.acting } : {}) };
  if (command.length > 0) {
    // As ssh does: the words joined by spaces are one line for the remote user's shell, which runs
    // it without a terminal (unless -t) and without the login banner; its status is ssh's.
    const depth = ctx.shell.length;
    try {
      return runScript(reached, frame, command.join(" "), tty);
    } finally {
      // The remote shell ends with the command, whatever the command did to the stack (a nested ssh).
      ctx.shell.length = depth;
    }
  }
  const info = state.nodes[node.name]?.status.nodeInfo;
  ctx.out(`Welcome to ${info?.osImage ?? "Ubuntu 24.04.3 LTS"} (GNU/Linux ${info?.kernelVersion ?? "6.8.0-87-generic"} x86_64)\n\n`);
  ctx.shell.push(frame);
  return 0;
}
