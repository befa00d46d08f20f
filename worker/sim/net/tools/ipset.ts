// ipset (7.19, Ubuntu 24.04's package; kernel 6.8's set types) on a node: `ipset list [SETNAME]`
// (-L, -n, -t, -s, -o save|plain) and `ipset save [SETNAME]` show the sets kube-proxy keeps in ipvs
// mode (ipvs-ipsets.ts), the ones its iptables rules match; a node in iptables mode has none. The
// formats are lib/session.c's list_create (Name/Type/Revision/Header/Size in memory/References/
// Number of entries/Members, a blank line between sets) and its save form (create/add lines).
//
// Approximations: sets are listed in kube-proxy's ipsetInfo order (kube-proxy creates them while
// ranging over a Go map, so a real node's order varies), hash members in the order kube-proxy adds
// them rather than the kernel's bucket order, and "Size in memory" is estimated (one bucket per
// member; the kernel's bucket collisions are not modelled).

import type { ProgramContext } from "../../shell/types.ts";
import { fnv32a } from "../../cluster/ids.ts";
import { netIndex } from "../index.ts";
import { ipvsNetfilter, setReferences } from "../ipvs-ruleset.ts";
import type { Ipset, IpsetType } from "../ipvs-ipsets.ts";

const PROGRAM = "ipset v7.19";
const PROTOCOL = 7;

/** The revision ipset 7.19 and kernel 6.8 agree on per type (the highest both know). */
const REVISION: Record<IpsetType, number> = { "hash:ip": 6, "hash:ip,port": 7, "hash:ip,port,ip": 6, "hash:ip,port,net": 8, "bitmap:port": 3 };

/** A member's size in the kernel (the IPv4 element struct of each hash type). */
const ELEMENT_SIZE: Record<Exclude<IpsetType, "bitmap:port">, number> = { "hash:ip": 4, "hash:ip,port": 8, "hash:ip,port,ip": 12, "hash:ip,port,net": 12 };

/** kube-proxy's hash sets: hashsize 1024 at creation; the kernel doubles it as buckets fill (estimated: past 4 members a bucket). */
function hashSize(members: number): number {
  let size = 1024;
  while (members > size * 4) size *= 2;
  return size;
}

function header(node: string, s: Ipset): string {
  if (s.type === "bitmap:port") return "range 0-65535";
  const initval = fnv32a(`${node}/${s.name}`).toString(16).padStart(8, "0");
  return `family inet hashsize ${hashSize(s.members.length)} maxelem 65536 bucketsize 12 initval 0x${initval}`;
}

/** Estimated "Size in memory": the set's own structures, plus a bucket (rcu head, bitmap, two slots) per member. */
function memsize(s: Ipset): number {
  if (s.type === "bitmap:port") return 8264;
  return 200 + s.members.length * (32 + 2 * ELEMENT_SIZE[s.type]);
}

function sortMembers(s: Ipset): string[] {
  if (s.type === "bitmap:port") return s.members;
  // -sorted compares the members' numbers (bystrcmp: strtol in base 16), part by part.
  const parts = (m: string) => m.split(/[.,:]/).map((p) => (/^[0-9a-f]+$/i.test(p) ? parseInt(p, 16) : p));
  return [...s.members].sort((a, b) => {
    const x = parts(a);
    const y = parts(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] === y[i]) continue;
      if (typeof x[i] === "number" && typeof y[i] === "number") return (x[i] as number) - (y[i] as number);
      return String(x[i]) < String(y[i]) ? -1 : 1;
    }
    return x.length - y.length;
  });
}

export function ipset(ctx: ProgramContext): number {
  const frame = ctx.shell[ctx.shell.length - 1];
  if (frame.kind !== "node") {
    ctx.err(`${ctx.argv[0]}: command not found\n`);
    return 127;
  }
  const args = ctx.argv.slice(1);
  let command: "list" | "save" | "version" | undefined;
  let name: string | undefined;
  let names = false;
  let terse = false;
  let sorted = false;
  let output: "plain" | "save" = "plain";
  const parameterProblem = (msg: string): number => {
    ctx.err(`${PROGRAM}: ${msg}\nTry \`ipset help' for more information.\n`);
    return 2;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "list" || a === "-L" || a === "-list" || a === "--list") command = "list";
    else if (a === "save" || a === "-S" || a === "-save" || a === "--save") command = "save";
    else if (a === "version" || a === "-v" || a === "-V" || a === "-version" || a === "--version") command = "version";
    else if (a === "-n" || a === "-name" || a === "--name") names = true;
    else if (a === "-t" || a === "-terse" || a === "--terse") terse = true;
    else if (a === "-s" || a === "-sorted" || a === "--sorted") sorted = true;
    else if (a === "-o" || a === "-output" || a === "--output") {
      const v = args[++i];
      if (v !== "plain" && v !== "save") return parameterProblem(v === undefined ? "Missing mandatory argument of option `output'" : `Syntax error: unknown output mode '${v}'`);
      output = v;
    } else if (command !== undefined && command !== "version" && name === undefined && !a.startsWith("-")) name = a;
    else if (command === undefined) return parameterProblem(`No command specified: unknown argument ${a}`);
    else return parameterProblem(`Unknown argument: \`${a}'`);
  }
  if (command === undefined) return parameterProblem("No command specified.");
  if (command === "version") {
    ctx.out(`${PROGRAM}, protocol version: ${PROTOCOL}\n`);
    return 0;
  }
  if (frame.user !== "root") {
    ctx.err(`${PROGRAM}: Kernel error received: Operation not permitted\n`);
    return 1;
  }
  const { ruleset, ipsets } = ipvsNetfilter(netIndex(ctx.tx.state), frame.node);
  const chosen = name === undefined ? ipsets : ipsets.filter((s) => s.name === name);
  if (name !== undefined && chosen.length === 0) {
    ctx.err(`${PROGRAM}: The set with the given name does not exist\n`);
    return 1;
  }
  if (command === "list" && names) {
    ctx.out(chosen.map((s) => `${s.name}\n`).join(""));
    return 0;
  }
  const save = command === "save" || output === "save";
  let out = "";
  chosen.forEach((s, i) => {
    const members = sorted ? sortMembers(s) : s.members;
    if (save) {
      out += `create ${s.name} ${s.type} ${header(frame.node, s)}\n`;
      if (!terse) for (const m of members) out += `add ${s.name} ${m}\n`;
      return;
    }
    out += `${i > 0 ? "\n" : ""}Name: ${s.name}\nType: ${s.type}\nRevision: ${REVISION[s.type]}\nHeader: ${header(frame.node, s)}\n`;
    out += `Size in memory: ${memsize(s)}\nReferences: ${setReferences(ruleset, s.name)}\nNumber of entries: ${s.members.length}\n`;
    if (!terse) out += `Members:\n${members.map((m) => `${m}\n`).join("")}`;
  });
  ctx.out(out);
  return 0;
}
