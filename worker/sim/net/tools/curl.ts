// curl, as the version installed at each place prints it. The workstation and the nodes run
// Ubuntu 24.04's curl 8.5.0; in pods: nginx (Debian 13) 8.14.1, curlimages/curl 8.17.0, tomcat
// (Ubuntu 24.04) 8.5.0, echoserver 1.10 (Ubuntu 16.04) 7.47.0. Texts follow curl's sources for
// those versions (reference §5.1). Times are simulated: a dropped SYN "waits" for the kernel's
// retries (about 130 s) in the message only; the console never waits and the clock does not move.

import { type CatalogueHit, isInternetHost, lookupCatalogue, offlineNotice } from "../../catalogue/index.ts";
import type { ProgramContext } from "../../shell/types.ts";
import { exchange, type ExchangeInput, type ExchangeOutcome } from "../exchange.ts";
import { certificatesIn } from "../../tls/x509.ts";
import { programFiles } from "../../shell/fs-context.ts";
import { CA_CERT_HELP, clientHandshake, http2RequestLines, type Handshake } from "./curl-tls.ts";
import type { HttpRequest, HttpResponse } from "../http.ts";
import { byteLength } from "../http.ts";
import { commandText, currentPlace, exchangeEnv, imageOf } from "./where.ts";

interface Flavor {
  version: string;
  /** curl_easy_strerror(CURLE_COULDNT_CONNECT), or null when the errno text is printed (< 7.86). */
  couldntConnect: string | null;
  /** 8.6+: "* Host h:p was resolved." / "* IPv6: (none)" / "* IPv4: ip" in -v. */
  resolvedLines: boolean;
  /** Text of the -v line when a failed connection is dropped. */
  closing: string;
  /** < 7.76: no "after N ms" in connect errors. */
  legacy: boolean;
}

const UBUNTU_2404: Flavor = { version: "8.5.0", couldntConnect: "Couldn't connect to server", resolvedLines: false, closing: "* Closing connection", legacy: false };
const DEBIAN_13: Flavor = { version: "8.14.1", couldntConnect: "Could not connect to server", resolvedLines: true, closing: "* shutting down connection #0", legacy: false };
const CURLIMAGES: Flavor = { ...DEBIAN_13, version: "8.17.0" };
const LEGACY: Flavor = { version: "7.47.0", couldntConnect: null, resolvedLines: false, closing: "* Closing connection 0", legacy: true };

const byImage: Record<string, Flavor> = {
  nginx: DEBIAN_13,
  "curlimages/curl": CURLIMAGES,
  tomcat: UBUNTU_2404,
  "registry.k8s.io/echoserver": LEGACY,
};

interface Options {
  url?: string;
  silent: boolean;
  showError: boolean;
  verbose: boolean;
  head: boolean;
  include: boolean;
  output?: string;
  writeOut?: string;
  maxTime?: number;
  connectTimeout?: number;
  headers: Array<[string, string]>;
  method?: string;
  fail: boolean;
  /** -L: follow redirects (the catalogue's k8s.io addresses answer with one). */
  location: boolean;
  data?: string;
  userAgent?: string;
  /** --resolve HOST:PORT:ADDRESS entries, as given (checked when the transfer starts). */
  resolve: string[];
  /** -k: no verification of the server's certificate or name. */
  insecure: boolean;
  /** --cacert FILE: the CA certificates to verify the server with. */
  cacert?: string;
  /** --http1.1: ALPN offers only http/1.1. */
  http1: boolean;
}

const WITH_VALUE = new Set(["o", "w", "m", "H", "X", "d", "A", "e", "u", "x"]);
const LONG_WITH_VALUE: Record<string, string> = {
  "--output": "o",
  "--write-out": "w",
  "--max-time": "m",
  "--header": "H",
  "--request": "X",
  "--data": "d",
  "--data-raw": "d",
  "--user-agent": "A",
  "--referer": "e",
  "--connect-timeout": "connect-timeout",
  "--retry": "retry",
  "--resolve": "resolve",
  "--cacert": "cacert",
};
const LONG_FLAGS: Record<string, string> = {
  "--silent": "s",
  "--show-error": "S",
  "--verbose": "v",
  "--head": "I",
  "--include": "i",
  "--location": "L",
  "--fail": "f",
  "--insecure": "k",
  "--http1.1": "http1.1",
};

type Parsed = { ok: true; options: Options } | { ok: false; message: string; code: number };

function parse(argv: string[]): Parsed {
  const o: Options = { silent: false, showError: false, verbose: false, head: false, include: false, headers: [], fail: false, location: false, resolve: [], insecure: false, http1: false };
  const set = (flag: string, value: string): string | undefined => {
    switch (flag) {
      case "o":
        o.output = value;
        break;
      case "w":
        o.writeOut = value;
        break;
      case "m":
      case "connect-timeout": {
        const n = Number(value);
        if (!Number.isFinite(n) || n < 0 || value.trim() === "") return `curl: option ${flag === "m" ? "-m" : "--connect-timeout"}: expected a proper numerical parameter`;
        if (flag === "m") o.maxTime = n;
        else o.connectTimeout = n;
        break;
      }
      case "H": {
        const colon = value.indexOf(":");
        if (colon > 0) o.headers.push([value.slice(0, colon).trim(), value.slice(colon + 1).trim()]);
        break;
      }
      case "X":
        o.method = value;
        break;
      case "d":
        o.data = value;
        break;
      case "A":
        o.userAgent = value;
        break;
      case "resolve":
        o.resolve.push(value);
        break;
      case "cacert":
        o.cacert = value;
        break;
    }
    return undefined;
  };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq > 0 ? a.slice(0, eq) : a;
      if (LONG_FLAGS[name]) {
        flag(o, LONG_FLAGS[name]);
        continue;
      }
      const key = LONG_WITH_VALUE[name];
      if (key) {
        const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
        if (value === undefined) return { ok: false, code: 2, message: `curl: option ${name}: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n` };
        const error = set(key, value);
        if (error) return { ok: false, code: 2, message: `${error}\ncurl: try 'curl --help' or 'curl --manual' for more information\n` };
        continue;
      }
      return { ok: false, code: 2, message: `curl: option ${name}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n` };
    }
    if (a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        if (WITH_VALUE.has(c)) {
          const value = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
          if (value === undefined) return { ok: false, code: 2, message: `curl: option -${c}: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n` };
          const error = set(c, value);
          if (error) return { ok: false, code: 2, message: `${error}\ncurl: try 'curl --help' or 'curl --manual' for more information\n` };
          break;
        }
        if (!"sSvIiLfk".includes(c)) {
          return { ok: false, code: 2, message: `curl: option -${c}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n` };
        }
        flag(o, c);
      }
      continue;
    }
    o.url ??= a;
  }
  return { ok: true, options: o };
}

function flag(o: Options, c: string): void {
  if (c === "s") o.silent = true;
  else if (c === "S") o.showError = true;
  else if (c === "v") o.verbose = true;
  else if (c === "I") o.head = true;
  else if (c === "i") o.include = true;
  else if (c === "f") o.fail = true;
  else if (c === "L") o.location = true;
  else if (c === "k") o.insecure = true;
  else if (c === "http1.1") o.http1 = true;
}

interface Target {
  scheme: string;
  host: string;
  port: number;
  path: string;
  hostHeader: string;
}

function parseURL(url: string): Target | { error: string; code: number } {
  let rest = url;
  let scheme = "http";
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(rest);
  if (m) {
    scheme = m[1].toLowerCase();
    rest = rest.slice(m[0].length);
  }
  if (scheme !== "http" && scheme !== "https") return { error: `Protocol "${scheme}" not supported`, code: 1 };
  const slash = rest.search(/[/?#]/);
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  let path = slash < 0 ? "/" : rest.slice(slash);
  if (path.startsWith("?")) path = `/${path}`;
  const hash = path.indexOf("#");
  if (hash >= 0) path = path.slice(0, hash) || "/";
  const hostPort = authority.includes("@") ? authority.slice(authority.lastIndexOf("@") + 1) : authority;
  const colon = hostPort.lastIndexOf(":");
  let host = hostPort;
  let port = scheme === "https" ? 443 : 80;
  if (colon >= 0) {
    host = hostPort.slice(0, colon);
    const p = hostPort.slice(colon + 1);
    if (p !== "") {
      if (!/^\d+$/.test(p) || Number(p) > 65535) return { error: `URL rejected: Port number was not a decimal number between 0 and 65535`, code: 3 };
      port = Number(p);
    }
  }
  if (!host) return { error: `URL rejected: No host part in the URL`, code: 3 };
  const defaultPort = scheme === "https" ? 443 : 80;
  return { scheme, host, port, path, hostHeader: port === defaultPort ? host : `${host}:${port}` };
}

export function curl(ctx: ProgramContext): number {
  const parsed = parse(ctx.argv);
  if (!parsed.ok) {
    ctx.err(parsed.message);
    return parsed.code;
  }
  const o = parsed.options;
  if (!o.url) {
    ctx.err("curl: no URL specified\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
    return 2;
  }
  const place = currentPlace(ctx);
  if (!place) {
    ctx.err("curl: (7) Couldn't connect to server\n");
    return 7;
  }
  const image = imageOf(ctx, place);
  const flavor = image ? byImage[image] ?? UBUNTU_2404 : UBUNTU_2404;
  const showErrors = !o.silent || o.showError;
  const verbose: string[] = [];
  const v = (line: string) => {
    if (o.verbose) verbose.push(line);
  };
  const failWith = (code: number, message: string, writeOutCode = "000", spentMs = 0): number => {
    if (o.verbose) ctx.err(verbose.join(""));
    if (showsMeter(ctx, o)) ctx.err(METER_HEADER + meterLine(0, 0, spentMs));
    if (o.writeOut !== undefined) ctx.out(writeOut(o.writeOut, { http_code: writeOutCode, size: 0, ip: "", port: 0, url: o.url! }));
    if (showErrors) ctx.err(`curl: (${code}) ${message}\n${code === 60 ? CA_CERT_HELP : ""}`);
    return code;
  };

  const target = parseURL(o.url);
  if ("error" in target) return failWith(target.code, target.error);

  const method = o.method ?? (o.head ? "HEAD" : o.data !== undefined ? "POST" : "GET");
  const headers: Array<[string, string]> = [["Host", target.hostHeader], ["User-Agent", o.userAgent ?? `curl/${flavor.version}`], ["Accept", "*/*"]];
  for (const [k, value] of o.headers) {
    const i = headers.findIndex(([name]) => name.toLowerCase() === k.toLowerCase());
    if (i >= 0) {
      if (value === "") headers.splice(i, 1);
      else headers[i] = [headers[i][0] === "Host" && k.toLowerCase() === "host" ? "Host" : k, value];
    } else if (value !== "") headers.push([k, value]);
  }
  if (o.data !== undefined) {
    headers.push(["Content-Length", String(byteLength(o.data))], ["Content-Type", "application/x-www-form-urlencoded"]);
  }
  const hit = lookupCatalogue(o.url);
  if (hit) return fromCatalogue(ctx, o, flavor, target, hit, method, verbose);
  // --resolve pre-fills curl's DNS cache: the connection goes to that address, the Host header stays the URL's.
  let connectHost = target.host;
  for (const entry of o.resolve) {
    const m = /^(\+)?([^:]+):(\d+):(.+)$/.exec(entry);
    if (!m) return failWith(49, `Couldn't parse CURLOPT_RESOLVE entry '${entry}'`);
    v(`* Added ${m[2]}:${m[3]}:${m[4]} to DNS cache\n`);
    if (m[2].toLowerCase() === target.host.toLowerCase() && Number(m[3]) === target.port) connectHost = m[4].replace(/^\[|\]$/g, "");
  }
  if (connectHost !== target.host) v(`* Hostname ${target.host} was found in DNS cache\n`);
  const request: HttpRequest = { method, target: target.path, headers, body: o.data };
  let handshake: Handshake | undefined;
  const tls: ExchangeInput["tls"] =
    target.scheme === "https"
      ? {
          sni: target.host,
          handshake: (server) => {
            const ca = o.insecure || o.cacert === undefined ? undefined : readCaFile(ctx, o.cacert);
            if (ca === "unreadable") {
              const message = `error setting certificate file: ${o.cacert}`;
              handshake = { ok: false, code: 77, message, lines: `* ALPN: curl offers ${o.http1 ? "http/1.1" : "h2,http/1.1"}\n* TLSv1.3 (OUT), TLS handshake, Client hello (1):\n* ${message}\n` };
            } else handshake = clientHandshake(server, { insecure: o.insecure, caFile: ca, http1Only: o.http1, host: target.host, now: ctx.now });
            return handshake.ok ? { http2: handshake.http2 } : false;
          },
        }
      : undefined;
  const outcome = exchange(exchangeEnv(ctx), { place, command: commandText(ctx.argv), host: connectHost, port: target.port, request, ...(tls ? { tls } : {}) });

  if (outcome.kind === "not-resolved") {
    if (isInternetHost(target.host)) ctx.note?.(offlineNotice(o.url));
    v(`* Could not resolve host: ${target.host}\n`);
    v(`${flavor.closing}\n`);
    return failWith(6, `Could not resolve host: ${target.host}`);
  }
  if (flavor.resolvedLines && connectHost === target.host && !/^\d+\.\d+\.\d+\.\d+$/.test(target.host)) {
    v(`* Host ${target.host}:${target.port} was resolved.\n* IPv6: (none)\n* IPv4: ${outcome.ip}\n`);
  }
  v(`*   Trying ${outcome.ip}:${target.port}...\n`);
  if (outcome.kind === "refused" || outcome.kind === "timed-out") return connectFailure(ctx, o, flavor, target, outcome, v, failWith);

  v(flavor.legacy ? `* Connected to ${target.host} (${outcome.ip}) port ${target.port} (#0)\n` : `* Connected to ${target.host} (${outcome.ip}) port ${target.port}\n`);
  if (handshake) v(handshake.lines);
  if (outcome.kind === "tls-failed" || (handshake && !handshake.ok)) {
    v(`${flavor.closing}\n`);
    const failed = handshake && !handshake.ok ? handshake : { code: 35, message: "OpenSSL/3.0.13: error:0A00010B:SSL routines::wrong version number" };
    return failWith(failed.code, failed.message);
  }
  const http2 = handshake?.ok === true && handshake.http2;
  if (http2) v(http2RequestLines(`https://${target.hostHeader}${target.path}`, method, target.hostHeader, target.path, headers));
  // curl 8's https connect filter names the ALPN result (cf-https-connect.c); plain http has no line before 8.6.
  else if (handshake) v("* using HTTP/1.1\n");
  else if (flavor.resolvedLines) v("* using HTTP/1.x\n");
  v(`> ${method} ${target.path} ${http2 ? "HTTP/2" : "HTTP/1.1"}\n`);
  for (const [k, value] of headers) v(`> ${k}: ${value}\n`);
  v("> \n");
  // A TLS 1.3 server sends its session tickets after the handshake: OpenSSL's default is two.
  if (handshake) v("* TLSv1.3 (IN), TLS handshake, Newsession Ticket (4):\n* TLSv1.3 (IN), TLS handshake, Newsession Ticket (4):\n");
  if (outcome.kind !== "reply") return failWith(35, "OpenSSL/3.0.13: error:0A00010B:SSL routines::wrong version number");
  const reply = outcome.reply;
  if (reply.kind === "closed") {
    v("* Empty reply from server\n");
    v(`${flavor.closing}\n`);
    return failWith(52, "Empty reply from server");
  }
  if (reply.kind === "banner") {
    v("* Received HTTP/0.9 when not allowed\n");
    v(`${flavor.closing}\n`);
    return failWith(1, "Received HTTP/0.9 when not allowed");
  }
  return answered(ctx, o, flavor, target, outcome.ip, reply, verbose);
}

/**
 * A file of the catalogue (catalogue/index.ts), which stands in for the internet: served with the
 * body as published. A k8s.io address first answers with its permanent redirect to kubernetes.io,
 * which curl follows only with -L.
 */
function fromCatalogue(ctx: ProgramContext, o: Options, flavor: Flavor, target: Target, hit: CatalogueHit, method: string, verbose: string[]): number {
  const raw = target.host === "raw.githubusercontent.com";
  const reply: HttpResponse =
    hit.redirectedTo && !o.location
      ? { kind: "http", version: "HTTP/2", status: 301, reason: "", headers: [["location", hit.redirectedTo], ["content-length", "0"]], body: "" }
      : {
          kind: "http",
          version: "HTTP/2",
          status: 200,
          reason: "",
          headers: [...(raw ? [["content-type", "text/plain; charset=utf-8"] as [string, string]] : []), ["content-length", String(byteLength(hit.file.text))]],
          body: method === "HEAD" ? "" : hit.file.text,
        };
  if (o.verbose) verbose.push(`> ${method} ${target.path} HTTP/2\n> Host: ${target.host}\n> User-Agent: ${o.userAgent ?? `curl/${flavor.version}`}\n> Accept: */*\n> \n`);
  return answered(ctx, o, flavor, target, "", reply, verbose);
}

function connectFailure(
  ctx: ProgramContext,
  o: Options,
  flavor: Flavor,
  target: Target,
  outcome: Extract<ExchangeOutcome, { kind: "refused" | "timed-out" }>,
  v: (line: string) => void,
  failWith: (code: number, message: string, writeOutCode?: string, spentMs?: number) => number,
): number {
  const from = `from ${outcome.local.ip} port ${outcome.local.port} `;
  if (outcome.kind === "refused") {
    v(`* connect to ${outcome.ip} port ${target.port} ${flavor.legacy ? "" : from}failed: Connection refused\n`);
    const text = flavor.legacy
      ? `Failed to connect to ${target.host} port ${target.port}: Connection refused`
      : `Failed to connect to ${target.host} port ${target.port} after 0 ms: ${flavor.couldntConnect}`;
    v(`* ${text}\n`);
    v(`${flavor.closing}\n`);
    return failWith(7, text);
  }
  const limits = [o.maxTime, o.connectTimeout].filter((n): n is number => n !== undefined && n > 0);
  if (limits.length) {
    const ms = Math.round(Math.min(...limits) * 1000) + 1 + ctx.random.int(3);
    const text = `Connection timed out after ${ms} milliseconds`;
    v(`* ${text}\n`);
    v(`${flavor.closing}\n`);
    return failWith(28, text, undefined, ms);
  }
  // Linux retries a SYN 6 times (1+2+4+8+16+32+64 s) before connect() gives up with ETIMEDOUT.
  const ms = 129000 + ctx.random.int(6000);
  v(`* connect to ${outcome.ip} port ${target.port} ${flavor.legacy ? "" : from}failed: Connection timed out\n`);
  const text = flavor.legacy
    ? `Failed to connect to ${target.host} port ${target.port}: Connection timed out`
    : `Failed to connect to ${target.host} port ${target.port} after ${ms} ms: ${flavor.couldntConnect}`;
  v(`* ${text}\n`);
  v(`${flavor.closing}\n`);
  return failWith(flavor.legacy ? 7 : 28, text, undefined, ms);
}

function answered(ctx: ProgramContext, o: Options, flavor: Flavor, target: Target, ip: string, reply: HttpResponse, verbose: string[]): number {
  // Tomcat sends no reason phrase: its status line is "HTTP/1.1 404 " with the space.
  const statusLine = `${reply.version} ${reply.status} ${reply.reason}`;
  const headerBlock = [statusLine, ...reply.headers.map(([k, value]) => `${k}: ${value}`)];
  if (o.verbose) {
    for (const line of headerBlock) verbose.push(`< ${line}\n`);
    verbose.push("< \n");
  }
  if (o.fail && reply.status >= 400) {
    if (o.verbose) {
      verbose.push(`* The requested URL returned error: ${reply.status}\n`, `${flavor.closing}\n`);
      ctx.err(verbose.join(""));
    }
    if (o.writeOut !== undefined) ctx.out(writeOut(o.writeOut, { http_code: String(reply.status), size: 0, ip, port: target.port, url: o.url! }));
    if (!o.silent || o.showError) ctx.err(`curl: (22) The requested URL returned error: ${reply.status}\n`);
    return 22;
  }
  if (o.verbose) ctx.err(verbose.join(""));
  let stdout = "";
  // curl writes the header lines as received (CRLF); the console shows lines, so LF here.
  if (o.head || o.include) stdout += headerBlock.join("\n") + "\n\n";
  if (!o.head) stdout += reply.body;
  const size = o.head ? 0 : byteLength(reply.body);
  const toFile = o.output !== undefined;
  if (showsMeter(ctx, o)) ctx.err(METER_HEADER + meterLine(100, size, 0));
  if (!toFile) ctx.out(stdout);
  if (o.verbose) ctx.err(`* Connection #0 to host ${target.host} left intact\n`);
  if (o.writeOut !== undefined) ctx.out(writeOut(o.writeOut, { http_code: String(reply.status), size, ip, port: target.port, url: o.url! }));
  return 0;
}

// curl draws its progress meter on stderr unless -s, whenever the body does not go to a
// terminal: into a file (-o), a pipe, or `kubectl exec` without -t.
function showsMeter(ctx: ProgramContext, o: Options): boolean {
  return !o.silent && (o.output !== undefined || (!o.verbose && ctx.stdoutIsTerminal === false));
}

const METER_HEADER =
  "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n" +
  "                                 Dload  Upload   Total   Spent    Left  Speed\n";

/** The meter's last line: percent, sizes, average speed and the time spent (curl's progress.c). */
function meterLine(percent: number, size: number, spentMs: number): string {
  const pad = (s: string, n: number) => s.padStart(n);
  const speed = size === 0 ? "0" : `${Math.max(1, Math.round(size * 1.2))}`;
  const seconds = Math.floor(spentMs / 1000);
  const spent = seconds === 0 ? "--:--:--" : ` ${Math.floor(seconds / 3600)}:${String(Math.floor(seconds / 60) % 60).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
  return `${pad(String(percent), 3)} ${pad(String(size), 5)}  ${pad(String(percent), 3)} ${pad(String(size), 5)}    0     0  ${pad(speed, 5)}      0 --:--:-- ${spent} --:--:-- ${pad(speed, 5)}\n`;
}

function writeOut(format: string, values: { http_code: string; size: number; ip: string; port: number; url: string }): string {
  return format
    .replace(/%\{(\w+)\}/g, (all, name: string) => {
      switch (name) {
        case "http_code":
        case "response_code":
          return values.http_code;
        case "size_download":
          return String(values.size);
        case "remote_ip":
          return values.ip;
        case "remote_port":
          return values.port ? String(values.port) : "0";
        case "url_effective":
        case "url":
          return values.url;
        case "time_total":
        case "time_connect":
          return "0.001000";
        case "exitcode":
          return "0";
        default:
          return all;
      }
    })
    .replace(/\\n/g, "\n")
    .replace(/\\t/g, "\t")
    .replace(/\\r/g, "\r");
}

/** --cacert's file on the machine curl runs on: its certificates, or unreadable (curl's exit 77). */
function readCaFile(ctx: ProgramContext, path: string): { path: string; certificates: ReturnType<typeof certificatesIn> } | "unreadable" {
  const files = programFiles(ctx);
  const read = files?.fs.read(files.resolve(path));
  if (!read?.ok) return "unreadable";
  const certificates = certificatesIn(read.value);
  return certificates.length ? { path, certificates } : "unreadable";
}
