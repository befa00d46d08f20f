// gcr.io/google-samples/node-hello:1.0 (nodejs-docs-samples containerengine/hello-world):
// res.writeHead(200); res.end('Hello Kubernetes!') on port 8080. No newline, no Content-Type, and
// nothing logged.

import { httpDate } from "../http.ts";
import { contentLength, httpReply } from "./reply.ts";
import type { App } from "./types.ts";

const BODY = "Hello Kubernetes!";

export const nodeHello: App = ({ request, now }) => ({
  reply: httpReply(request, 200, "OK", [["Date", httpDate(now)], ["Connection", "keep-alive"], contentLength(BODY)], BODY),
});
