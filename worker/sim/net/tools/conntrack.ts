// conntrack (conntrack-tools 1.4.8, as the kubelet package pulls in on Ubuntu 24.04) on a node:
// `conntrack -L` lists the node's tracked connections through Services (net/conntrack.ts) with
// their NAT, newest first, and the count on standard error. Reading the table needs root.

import type { ProgramContext } from "../../shell/types.ts";
import { entryLine, nodeEntries } from "../conntrack.ts";

const VERSION = "conntrack v1.4.8 (conntrack-tools)";

export function conntrack(ctx: ProgramContext): number {
  const frame = ctx.shell[ctx.shell.length - 1];
  if (frame.kind !== "node") {
    ctx.err(`${ctx.argv[0]}: command not found\n`);
    return 127;
  }
  const args = ctx.argv.slice(1);
  let list = false;
  let proto: string | undefined;
  let src: string | undefined;
  let dst: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "-L" || a === "--dump") list = true;
    else if (a === "-p" || a === "--proto") proto = args[++i];
    else if (a === "-s" || a === "--src" || a === "--orig-src") src = args[++i];
    else if (a === "-d" || a === "--dst" || a === "--orig-dst") dst = args[++i];
    else {
      ctx.note?.(`The playground's conntrack lists only: conntrack -L [-p tcp|udp] [-s IP] [-d IP]; \`${a}\` is not simulated.`);
      return 1;
    }
  }
  if (!list) {
    ctx.note?.("The playground's conntrack lists only: conntrack -L [-p tcp|udp] [-s IP] [-d IP].");
    return 1;
  }
  if (frame.user !== "root") {
    ctx.err(`${VERSION}: Operation failed: Operation not permitted\n`);
    return 1;
  }
  const entries = nodeEntries(ctx.tx.state.conntrack, frame.node, ctx.now).filter(
    (e) => (proto === undefined || e.protocol === proto.toLowerCase()) && (src === undefined || e.orig.src === src) && (dst === undefined || e.orig.dst === dst),
  );
  ctx.out(entries.map((e) => entryLine(e, ctx.now) + "\n").join(""));
  ctx.err(`${VERSION}: ${entries.length} flow entries have been shown.\n`);
  return 0;
}
