// httpbin.org, the request echo service (gunicorn/19.9.0 serving Flask): /get, /headers, /ip and
// /user-agent answer JSON the way Python 2's json.dumps(indent=2, sort_keys=True) prints it (", "
// ends each line but the last of an object), the request's headers title-cased as werkzeug keeps
// them plus the X-Amzn-Trace-Id the AWS load balancer in front adds; another path gets werkzeug's
// 404 page.

import { fnv32a } from "../../cluster/ids.ts";
import { httpDate, type HttpRequest, pathOf } from "../http.ts";
import { contentLength, httpReply } from "../apps/reply.ts";
import type { App } from "../apps/types.ts";

type Json = string | { [key: string]: Json };

/** Python 2's json.dumps(value, indent=2, sort_keys=True): items end with ", " but the last. */
function dumps(value: Json, depth = 0): string {
  if (typeof value === "string") return JSON.stringify(value);
  const keys = Object.keys(value).sort();
  if (keys.length === 0) return "{}";
  const pad = "  ".repeat(depth + 1);
  return `{\n${keys.map((k) => `${pad}${JSON.stringify(k)}: ${dumps(value[k], depth + 1)}`).join(", \n")}\n${"  ".repeat(depth)}}`;
}

/** werkzeug's EnvironHeaders: each name title-cased at its dashes. */
function titleCase(name: string): string {
  return name
    .toLowerCase()
    .split("-")
    .map((part) => (part ? part[0].toUpperCase() + part.slice(1) : part))
    .join("-");
}

/** An ALB trace id: `Root=1-` the request's epoch seconds in hex, then 96 bits of identifier. */
function traceId(now: number, client: string, target: string): string {
  const seconds = Math.floor(now / 1000).toString(16).padStart(8, "0");
  const id = [0, 1, 2].map((i) => fnv32a(`${i}|${client}|${target}|${now}`).toString(16).padStart(8, "0")).join("");
  return `Root=1-${seconds}-${id}`;
}

function headersOf(request: HttpRequest, trace: string): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const [k, v] of request.headers) if (titleCase(k) !== "Connection") out[titleCase(k)] = v;
  out["X-Amzn-Trace-Id"] = trace;
  return out;
}

function argsOf(target: string): { [key: string]: string } {
  const q = target.indexOf("?");
  const out: { [key: string]: string } = {};
  if (q < 0) return out;
  for (const pair of target.slice(q + 1).split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, " "));
      } catch {
        return s;
      }
    };
    out[decode(eq < 0 ? pair : pair.slice(0, eq))] = decode(eq < 0 ? "" : pair.slice(eq + 1));
  }
  return out;
}

const NOT_FOUND =
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server.  If you entered the URL manually please check your spelling and try again.</p>\n';

export const httpbin: App = ({ request, client, now }) => {
  const path = pathOf(request.target);
  const trace = traceId(now, client.ip, request.target);
  const host = request.headers.find(([k]) => k.toLowerCase() === "host")?.[1] ?? "";
  let body: string | undefined;
  if (path === "/get") body = dumps({ args: argsOf(request.target), headers: headersOf(request, trace), origin: client.ip, url: `http://${host}${request.target}` });
  else if (path === "/headers") body = dumps({ headers: headersOf(request, trace) });
  else if (path === "/ip") body = dumps({ origin: client.ip });
  else if (path === "/user-agent") body = dumps({ "user-agent": request.headers.find(([k]) => k.toLowerCase() === "user-agent")?.[1] ?? "" });
  const json = body !== undefined;
  const text = json ? `${body}\n` : NOT_FOUND;
  const headers: Array<[string, string]> = [
    ["Date", httpDate(now)],
    ["Content-Type", json ? "application/json" : "text/html"],
    contentLength(text),
    ["Connection", "keep-alive"],
    ["Server", "gunicorn/19.9.0"],
    ["Access-Control-Allow-Origin", "*"],
    ["Access-Control-Allow-Credentials", "true"],
  ];
  return { reply: json ? httpReply(request, 200, "OK", headers, text) : httpReply(request, 404, "NOT FOUND", headers, text) };
};
