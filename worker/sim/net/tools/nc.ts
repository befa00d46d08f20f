// busybox's nc (networking/nc_bloaty.c, NC_EXTRA) in busybox-based images, for the port check
// courses use: `nc -z [-v] [-w SECS] HOST PORT` connects through kube-proxy's rules like curl and
// closes at once. With -v an open port prints `HOST (IP:PORT) open` on standard error; a refused
// one prints nothing unless -vv (nc_main: "don't print refusals" at one -v). Sending data and
// listening (-l, -e, no -z) are not simulated.

import type { ProgramContext } from "../../shell/types.ts";
import { connect } from "../exchange.ts";
import { commandText, currentPlace, exchangeEnv } from "./where.ts";

export function nc(ctx: ProgramContext): number {
  let verbose = 0;
  let zero = false;
  const operands: string[] = [];
  const argv = ctx.argv;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        if (c === "v") verbose++;
        else if (c === "z") zero = true;
        else if (c === "n") continue;
        else if (c === "w") {
          // The connect timeout; the simulation knows at once whether a packet is dropped.
          if (j + 1 === a.length) i++;
          break;
        } else {
          ctx.note?.(`The playground's nc checks ports only: nc -z [-v] [-w SECS] HOST PORT; -${c} is not simulated.`);
          return 1;
        }
      }
    } else operands.push(a);
  }
  if (!zero || operands.length !== 2) {
    ctx.note?.("The playground's nc checks ports only: nc -z [-v] [-w SECS] HOST PORT (sending data and listening are not simulated).");
    return 1;
  }
  const [host, portText] = operands;
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    // bb_lookup_port would look a name up in /etc/services; the playground has none.
    ctx.note?.(`The playground's nc takes a port number; \`${portText}\` is not one.`);
    return 1;
  }
  const place = currentPlace(ctx);
  if (!place) return 1;
  const outcome = connect(exchangeEnv(ctx), { place, command: commandText(argv), host, port });
  if (outcome.kind === "not-resolved") {
    ctx.err(`nc: bad address '${host}'\n`);
    return 1;
  }
  if (outcome.kind === "connected") {
    outcome.connection.finish("answered", `${outcome.connection.listener.label} accepted the connection; nc -z closed it at once.`);
    if (verbose) ctx.err(`${host} (${outcome.connection.ip}:${port}) open\n`);
    return 0;
  }
  if (verbose > 1 || (verbose && outcome.kind === "timed-out")) ctx.err(`nc: ${host} (${outcome.ip}:${port}): ${outcome.kind === "refused" ? "Connection refused" : "Connection timed out"}\n`);
  return 1;
}
