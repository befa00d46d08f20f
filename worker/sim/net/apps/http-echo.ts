// hashicorp/http-echo 1.0: answers every path with its -text argument and a newline.

import { byteLength, httpDate } from "../http.ts";
import type { App } from "./types.ts";

export const httpEcho: App = ({ request, args, now }) => {
  const text = textArg(args ?? []) ?? "hello-world";
  const body = `${text}\n`;
  return {
    reply: {
      kind: "http",
      version: "HTTP/1.1",
      status: 200,
      reason: "OK",
      headers: [
        ["X-App-Name", "http-echo"],
        ["X-App-Version", "1.0.0"],
        ["Date", httpDate(now)],
        ["Content-Length", String(byteLength(body))],
        ["Content-Type", "text/plain; charset=utf-8"],
      ],
      body: request.method === "HEAD" ? "" : body,
    },
  };
};

/** Go's flag package: -text=x, --text=x, -text x. */
function textArg(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const m = /^--?text(?:=(.*))?$/s.exec(a);
    if (!m) continue;
    if (m[1] !== undefined) return m[1];
    if (i + 1 < args.length) return args[i + 1];
  }
  return undefined;
}
