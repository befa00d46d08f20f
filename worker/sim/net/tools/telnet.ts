// busybox's telnet (networking/telnet.c, BusyBox 1.37) in busybox images and in nicolaka/netshoot
// (Alpine's busybox-extras package, which its Dockerfile installs), the classic "is the port
// open, and what does it say" check: `telnet HOST [PORT]` connects through DNS and kube-proxy's
// rules like curl. It prints nothing on connecting (1.37 has no "Connected to" line); a failed
// connect dies in xconnect() with `telnet: can't connect to remote host (IP): <errno text>`, a name
// that does not resolve with `telnet: bad address 'HOST'`. What the console gives as standard
// input (a pipe or heredoc, as for nc -u) stands for what the learner types into the session:
// telnet sends each line ending in CR LF, so an HTTP request typed there reaches the simulated
// server and its answer is printed. When the server closes the connection (HTTP/1.0, or
// `Connection: close`) telnet prints "Connection closed by foreign host" and exits 1; otherwise the
// end of the input is Ctrl-D: telnet's read of standard input returns 0 and it exits 0.

import type { ProgramContext } from "../../shell/types.ts";
import { connect, exchange } from "../exchange.ts";
import type { HttpRequest } from "../http.ts";
import { parseRequestHead } from "../http-wire.ts";
import { commandText, currentPlace, exchangeEnv, imageOf } from "./where.ts";

const USAGE = "BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: telnet [-a] [-l USER] HOST [PORT]\n\nConnect to telnet server\n\n\t-a\tAutomatic login with $USER variable\n\t-l USER\tAutomatic login as USER\n";

/** Well-known TCP entries of the IANA /etc/services that Alpine ships (netshoot has the file). */
const SERVICES: { [name: string]: number } = { ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, http: 80, www: 80, pop3: 110, imap: 143, https: 443, mysql: 3306, postgresql: 5432 };

/**
 * bb_lookup_port: a number up to 65535 is the port; anything else is looked up in /etc/services,
 * which the busybox image does not have (netshoot, Alpine, has it), and falls back to telnet's
 * default, 23.
 */
function lookupPort(text: string | undefined, services: boolean): number {
  if (text === undefined) return 23;
  if (!/^\d+$/.test(text) || Number(text) > 65535) return (services ? SERVICES[text] : undefined) ?? 23;
  return Number(text) & 0xffff;
}

/** The typed lines as an HTTP request, once a blank line ends the header block. */
export function typedRequest(typed: string): { request: HttpRequest; closes: boolean } | undefined {
  const lines = typed.replace(/\r\n/g, "\n").split("\n");
  const blank = lines.indexOf("", 1);
  if (blank < 0) return undefined;
  const head = parseRequestHead(lines.slice(0, blank));
  if ("error" in head) return undefined;
  const connection = head.headers.find(([k]) => k.toLowerCase() === "connection")?.[1].toLowerCase();
  // HTTP/1.0 closes after the response unless the client asked for keep-alive; 1.1 keeps it open unless told to close.
  const closes = head.version === "1.0" ? connection !== "keep-alive" : connection === "close";
  return { request: { method: head.method, target: head.target, headers: head.headers }, closes };
}

export function telnet(ctx: ProgramContext): number {
  const operands: string[] = [];
  const argv = ctx.argv;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-a") continue;
    if (a === "-l") {
      if (argv[++i] === undefined) {
        ctx.err(`telnet: option requires an argument -- 'l'\n${USAGE}`);
        return 1;
      }
    } else if (a.startsWith("-l")) continue;
    else if (a.startsWith("-") && a.length > 1) {
      ctx.err(`telnet: invalid option -- '${a.slice(1, 2)}'\n${USAGE}`);
      return 1;
    } else operands.push(a);
  }
  if (operands.length === 0 || operands.length > 2) {
    ctx.err(USAGE);
    return 1;
  }
  const place = currentPlace(ctx);
  if (!place) return 1;
  const host = operands[0];
  const port = lookupPort(operands[1], imageOf(ctx, place) === "nicolaka/netshoot");
  const command = commandText(argv);
  const typed = ctx.stdin;
  const http = typed === undefined ? undefined : typedRequest(typed);
  if (http) {
    const outcome = exchange(exchangeEnv(ctx), { place, command, host, port, request: http.request });
    if (outcome.kind === "not-resolved") return badAddress(ctx, host);
    if (outcome.kind === "refused" || outcome.kind === "timed-out") return cannotConnect(ctx, outcome.ip, outcome.kind);
    if (outcome.kind !== "reply") return 1;
    const reply = outcome.reply;
    if (reply.kind === "closed") {
      ctx.out("Connection closed by foreign host\n");
      return 1;
    }
    if (reply.kind === "banner") {
      ctx.out(reply.bytes);
      return 0;
    }
    // The simulated servers answer as to an HTTP/1.1 client; a request that ends the connection
    // (HTTP/1.0, `Connection: close`) gets `Connection: close` from nginx and httpd instead.
    const headers = reply.headers.map(([k, v]): [string, string] => (http.closes && k.toLowerCase() === "connection" ? [k, "close"] : [k, v]));
    // The console shows lines: the server's CR LF ends are printed as LF.
    ctx.out(`${reply.version} ${reply.status} ${reply.reason}\n${headers.map(([k, v]) => `${k}: ${v}\n`).join("")}\n${reply.body}`);
    if (http.closes) {
      ctx.out(`${reply.body === "" || reply.body.endsWith("\n") ? "" : "\n"}Connection closed by foreign host\n`);
      return 1;
    }
    return 0;
  }
  const outcome = connect(exchangeEnv(ctx), { place, command, host, port });
  if (outcome.kind === "not-resolved") return badAddress(ctx, host);
  if (outcome.kind !== "connected") return cannotConnect(ctx, outcome.ip, outcome.kind);
  const { connection } = outcome;
  connection.finish("answered", `${connection.listener.label} accepted the connection from telnet.`);
  if (typed === undefined) ctx.note?.(`Connected to ${host} port ${port} (busybox telnet prints nothing on connecting). The console cannot type into a running program: give what you would type as standard input, e.g. printf 'GET / HTTP/1.0\\r\\n\\r\\n' | telnet ${host} ${port}.`);
  else ctx.note?.("The typed input is not a complete HTTP request (a request line such as GET / HTTP/1.0, headers, then an empty line): the server keeps waiting for the rest, and telnet ends at the end of the input.");
  return 0;
}

function badAddress(ctx: ProgramContext, host: string): number {
  ctx.err(`telnet: bad address '${host}'\n`);
  return 1;
}

/** xconnect(): bb_perror_msg_and_die("can't connect to remote host (IP)"), the errno's text after it. */
function cannotConnect(ctx: ProgramContext, ip: string, kind: "refused" | "timed-out"): number {
  ctx.err(`telnet: can't connect to remote host (${ip}): ${kind === "refused" ? "Connection refused" : "Connection timed out"}\n`);
  return 1;
}
