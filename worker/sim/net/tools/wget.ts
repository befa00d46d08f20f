// busybox wget (1.37), the HTTP client of the busybox, alpine and curlimages/curl images. Its
// messages come from networking/wget.c: "can't connect to remote host (ip): Connection refused",
// "bad address 'x'", "server returned error: HTTP/1.1 404 Not Found", "download timed out".

import { isInternetHost, lookupCatalogue, offlineNotice } from "../../catalogue/index.ts";
import type { ProgramContext } from "../../shell/types.ts";
import { exchange } from "../exchange.ts";
import { byteLength } from "../http.ts";
import { commandText, currentPlace, exchangeEnv } from "./where.ts";

const USAGE = `BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.

Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]
	[--post-data STR | --post-file FILE] [-Y on/off]
	[--no-check-certificate] [-P DIR] [-U AGENT] [-T SEC] URL...

Retrieve files via HTTP or FTP

	--spider	Only check URL existence: $? is 0 if exists
	--header STR	Add STR (of form 'header: value') to headers
	--post-data STR	Send STR using POST method
	--post-file FILE	Send FILE using POST method
	--no-check-certificate	Don't validate the server's certificate
	-c		Continue retrieval of aborted transfer
	-q		Quiet
	-P DIR		Save to DIR (default .)
	-S    		Show server response
	-T SEC		Network read timeout is SEC seconds
	-O FILE		Save to FILE ('-' for stdout)
	-o LOGFILE	Log messages to FILE
	-U STR		Use STR for User-Agent header
	-Y on/off	Use proxy
`;

export function wget(ctx: ProgramContext): number {
  let quiet = false;
  let output: string | undefined;
  let spider = false;
  let timeout: number | undefined;
  let showResponse = false;
  const headers: Array<[string, string]> = [];
  let url: string | undefined;
  const argv = ctx.argv;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--spider") spider = true;
    else if (a === "--header") {
      const h = argv[++i] ?? "";
      const c = h.indexOf(":");
      if (c > 0) headers.push([h.slice(0, c).trim(), h.slice(c + 1).trim()]);
    } else if (a.startsWith("--header=")) {
      const h = a.slice(9);
      const c = h.indexOf(":");
      if (c > 0) headers.push([h.slice(0, c).trim(), h.slice(c + 1).trim()]);
    } else if (a.startsWith("-") && a.length > 1 && !a.startsWith("--")) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        if (c === "q") quiet = true;
        else if (c === "S") showResponse = true;
        else if (c === "O" || c === "T" || c === "U" || c === "P" || c === "o" || c === "Y") {
          const value = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
          if (value === undefined) {
            ctx.err(`wget: option requires an argument -- '${c}'\n${USAGE}`);
            return 1;
          }
          if (c === "O") output = value;
          if (c === "T") timeout = Number(value);
          break;
        } else if (c !== "c") {
          ctx.err(`wget: unrecognized option: ${c}\n${USAGE}`);
          return 1;
        }
      }
    } else if (a.startsWith("--")) {
      ctx.err(`wget: unrecognized option '${a}'\n${USAGE}`);
      return 1;
    } else url ??= a;
  }
  if (!url) {
    ctx.err(USAGE);
    return 1;
  }
  const place = currentPlace(ctx);
  if (!place) return 1;
  const m = /^(?:(https?|ftp):\/\/)?([^/:?#]*)(?::(\d+))?([^#]*)/.exec(url)!;
  const scheme = m[1] ?? "http";
  // The catalogue stands in for the internet; wget follows k8s.io's redirect on its own.
  const hit = lookupCatalogue(url);
  if (hit) {
    const text = spider ? "" : hit.file.text;
    const name = output ?? (url.split(/[?#]/)[0].split("/").pop() || "index.html");
    if (!quiet) ctx.err(`Connecting to ${m[2]} (${m[2]}:${scheme === "https" ? 443 : 80})\n`);
    if (spider) {
      if (!quiet) ctx.err("remote file exists\n");
      return 0;
    }
    if (output === "-") {
      if (!quiet) ctx.err("writing to stdout\n");
      ctx.out(text);
      if (!quiet) ctx.err(`${progressLine("-", byteLength(text))}written to stdout\n`);
      return 0;
    }
    if (!quiet) ctx.err(`saving to '${name}'\n${progressLine(name, byteLength(text))}'${name}' saved\n`);
    return 0;
  }
  if (scheme !== "http") {
    ctx.err(`wget: not an http or ftp url: ${url}\n`);
    return 1;
  }
  const host = m[2];
  const port = m[3] ? Number(m[3]) : 80;
  const path = m[4] ? (m[4].startsWith("/") ? m[4] : `/${m[4]}`) : "/";
  const requestHeaders: Array<[string, string]> = [["Host", port === 80 ? host : `${host}:${port}`], ["User-Agent", "Wget"]];
  for (const h of headers) requestHeaders.push(h);
  requestHeaders.push(["Connection", "close"]);
  const outcome = exchange(exchangeEnv(ctx), {
    place,
    command: commandText(argv),
    host,
    port,
    request: { method: spider ? "HEAD" : "GET", target: path, headers: requestHeaders },
  });
  if (outcome.kind === "not-resolved") {
    if (isInternetHost(host)) ctx.note?.(offlineNotice(url));
    ctx.err(`wget: bad address '${host}'\n`);
    return 1;
  }
  if (!quiet) ctx.err(`Connecting to ${host} (${outcome.ip}:${port})\n`);
  if (outcome.kind === "refused") {
    ctx.err(`wget: can't connect to remote host (${outcome.ip}): Connection refused\n`);
    return 1;
  }
  if (outcome.kind === "timed-out") {
    // connect() has no timeout of its own in busybox wget: -T bounds it, else the kernel's ~2 min.
    ctx.err(timeout !== undefined ? "wget: download timed out\n" : `wget: can't connect to remote host (${outcome.ip}): Connection timed out\n`);
    return 1;
  }
  // busybox wget hands https to an ssl_client helper; the exchange here never asks for TLS.
  if (outcome.kind === "tls-failed") return 1;
  const reply = outcome.reply;
  if (reply.kind === "closed") {
    ctx.err("wget: error getting response\n");
    return 1;
  }
  if (reply.kind === "banner") {
    const firstLine = reply.bytes.split("\n")[0].replace(/[^\x20-\x7e]/g, "?");
    ctx.err(`wget: server returned error: ${firstLine}\n`);
    return 1;
  }
  const statusLine = `${reply.version} ${reply.status} ${reply.reason}`.trimEnd();
  if (showResponse) ctx.err([statusLine, ...reply.headers.map(([k, v]) => `${k}: ${v}`)].map((l) => `  ${l}\n`).join(""));
  if (reply.status >= 400 || reply.status < 200) {
    ctx.err(`wget: server returned error: ${statusLine}\n`);
    return 1;
  }
  if (spider) {
    if (!quiet) ctx.err("remote file exists\n");
    return 0;
  }
  const size = byteLength(reply.body);
  const toStdout = output === "-";
  const file = output ?? (path.split("?")[0].split("/").pop() || "index.html");
  if (toStdout) {
    if (!quiet) ctx.err("writing to stdout\n");
    ctx.out(reply.body);
    if (!quiet) ctx.err(`${progressLine("-", size)}written to stdout\n`);
    return 0;
  }
  if (!quiet) ctx.err(`saving to '${file}'\n${progressLine(file, size)}'${file}' saved\n`);
  return 0;
}

function progressLine(name: string, size: number): string {
  const label = name.length > 20 ? name.slice(0, 20) : name.padEnd(20);
  return `${label} 100% |********************************| ${String(size).padStart(5)}  0:00:00 ETA\n`;
}
