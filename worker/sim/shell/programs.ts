// Which program a word names, in the place the console is. A pod only has the tools its image
// ships; the workstation has kubectl, helm, curl and ssh; nodes have curl, ping and (controlplane) kubectl.

import { registerProgramLookup } from "./program-lookup.ts";
import type { ClusterState } from "../cluster/types.ts";
import { curl } from "../net/tools/curl.ts";
import { nslookup } from "../net/tools/nslookup.ts";
import { dig } from "../net/tools/dig.ts";
import { host } from "../net/tools/host.ts";
import { ifconfig, ip } from "../net/tools/ip.ts";
import { ping } from "../net/tools/ping.ts";
import { mysqlClient } from "../net/tools/mysql-client.ts";
import { psql } from "../net/tools/psql.ts";
import { redisCli } from "../net/tools/redis-cli.ts";
import { wget } from "../net/tools/wget.ts";
import { availableAt, notFoundMessage } from "./availability.ts";
import { clear, echo, env, hostname, printenv, printf, seq, sleep } from "./basic-tools.ts";
import { cat, cp, ls, mkdir, mv, rm, tee, touch } from "./file-tools.ts";
import { sed } from "./sed.ts";
import { diff } from "./diff.ts";
import { editorProgram } from "./editor.ts";
import { exit } from "./exit.ts";
import { help, man } from "./help.ts";
import { historyBuiltin } from "./history.ts";
import { ssh } from "./ssh.ts";
import { crictl } from "./crictl.ts";
import { ps } from "./ps.ts";
import { iptables, iptablesSave } from "../net/tools/iptables.ts";
import { ipvsadm } from "../net/tools/ipvsadm.ts";
import { ipset } from "../net/tools/ipset.ts";
import { conntrack } from "../net/tools/conntrack.ts";
import { nc } from "../net/tools/nc.ts";
import { telnet } from "../net/tools/telnet.ts";
import { base64 } from "./base64.ts";
import { openssl } from "./openssl.ts";
import { EMPTY_JOBS, fgBuiltin, jobsBuiltin, killBuiltin, waitBuiltin } from "./jobs.ts";
import type { JobControl } from "./job-types.ts";
import { grep, head, tail, wc } from "./text-filters.ts";
import { kubectlProgram } from "../kubectl/kubectl.ts";
import { helmProgram } from "../helm/helm.ts";
import type { Program, ProgramContext, ShellFrame } from "./types.ts";

/**
 * sudo on the lab's machines: the login user may run any command as root without a password (as
 * on a Vagrant or kubeadm lab box). The command runs in the same place with user root. It lives
 * here because it looks programs up by name.
 */
function sudo(ctx: ProgramContext): number {
  const args = ctx.argv.slice(1);
  if (args.length === 0) {
    ctx.err("usage: sudo -h | -K | -k | -V\nusage: sudo -v [-ABkNnS] [-g group] [-h host] [-p prompt] [-u user]\nusage: sudo -l [-ABkNnS] [-g group] [-h host] [-p prompt] [-U user]\n            [-u user] [command [arg ...]]\nusage: sudo [-ABbEHkNnPS] [-C num] [-D directory]\n            [-g group] [-h host] [-p prompt] [-R directory] [-T timeout]\n            [-u user] [VAR=value] [-i | -s] [command [arg ...]]\nusage: sudo -e [-ABkNnS] [-C num] [-D directory] [-g group] [-h host] [-p\n            prompt] [-R directory] [-T timeout] [-u user] file ...\n");
    return 1;
  }
  const frame = ctx.shell[ctx.shell.length - 1];
  if (frame.kind === "pod") {
    ctx.err(`sh: sudo: not found\n`);
    return 127;
  }
  const root: ShellFrame = { ...frame, user: "root" };
  const program = findProgram(args[0], root, ctx.tx.state);
  if (typeof program === "string") {
    ctx.err(`sudo: ${args[0]}: command not found\n`);
    return 1;
  }
  const shell = ctx.shell;
  shell.push(root);
  try {
    return program({ ...ctx, argv: args, shell });
  } finally {
    // A command that moved the console (ssh, exit) leaves the stack as it made it.
    if (shell[shell.length - 1] === root) shell.pop();
  }
}

/** The job table a job builtin works on: the workstation's, or an empty one where a shell has no jobs (a node). */
const jobControlOf = (ctx: ProgramContext): JobControl => ctx.jobs ?? { table: { ...EMPTY_JOBS, jobs: [] }, lineStart: ctx.now, startedHere: new Set() };

/** Programs by name. Each program checks for itself where it may run. */
const programs: Record<string, Program> = {
  base64,
  openssl,
  curl,
  wget,
  nslookup,
  dig,
  host,
  ping,
  ip,
  ifconfig,
  ssh,
  sudo,
  iptables,
  "iptables-save": iptablesSave,
  ipvsadm,
  ipset,
  crictl,
  ps,
  conntrack,
  nc,
  telnet,
  exit,
  logout: exit,
  help,
  man,
  history: historyBuiltin,
  hostname,
  env,
  printenv,
  cat,
  ls,
  cp,
  mv,
  rm,
  mkdir,
  touch,
  tee,
  sed,
  diff,
  vi: editorProgram,
  vim: editorProgram,
  nano: editorProgram,
  echo,
  printf,
  seq,
  sleep,
  jobs: (ctx) => jobsBuiltin(ctx, jobControlOf(ctx)),
  fg: (ctx) => fgBuiltin(ctx, jobControlOf(ctx)),
  kill: (ctx) => killBuiltin(ctx, jobControlOf(ctx)),
  wait: (ctx) => waitBuiltin(ctx, jobControlOf(ctx)),
  clear,
  kubectl: kubectlProgram,
  helm: helmProgram,
  grep,
  head,
  tail,
  wc,
  "redis-cli": redisCli,
  psql,
  mysql: mysqlClient,
  mariadb: mysqlClient,
};

/** The program to run, or the shell's error text when there is none. */
export function findProgram(name: string, frame: ShellFrame, cluster: ClusterState): Program | string {
  // A path names the same program (/usr/bin/curl); each place has only what is installed there.
  const base = name.slice(name.lastIndexOf("/") + 1);
  const program = Object.prototype.hasOwnProperty.call(programs, base) ? programs[base] : undefined;
  if (program && availableAt(frame, cluster, base)) return program;
  return notFoundMessage(frame, name);
}

// Shells that programs start (kubectl exec, ssh) find programs through program-lookup.ts.
registerProgramLookup(findProgram);
