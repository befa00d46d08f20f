// hashicorp/http-echo 1.0: answers every path with its -text argument and a newline.

import { httpDate } from "../http.ts";
import { contentLength, httpReply } from "./reply.ts";
import type { App } from "./types.ts";

export const httpEcho: App = ({ request, args, now }) => {
  const text = textArg(args ?? []) ?? "hello-world";
  const body = `${text}\n`;
  const headers: Array<[string, string]> = [
    ["X-App-Name", "http-echo"],
    ["X-App-Version", "1.0.0"],
    ["Date", httpDate(now)],
    contentLength(body),
    ["Content-Type", "text/plain; charset=utf-8"],
  ];
  return { reply: httpReply(request, 200, "OK", headers, body) };
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
