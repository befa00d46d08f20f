// registry.k8s.io/goproxy:0.1, the probes task's TCP example: elazarl/goproxy's basic proxy on
// 8080. Requests for its own address (not a proxy's absolute URI) go to its NonproxyHandler,
// http.Error(w, "This is a proxy server. Does not respond to non-proxy requests.", 500); the
// simulated outside world has nothing it would proxy to.

import { httpDate } from "../http.ts";
import { contentLength, httpReply } from "./reply.ts";
import type { App } from "./types.ts";

const BODY = "This is a proxy server. Does not respond to non-proxy requests.\n";

export const goproxy: App = ({ request, now }) => ({
  // http.Error's headers: its Content-Type, nosniff, then what the server adds.
  reply: httpReply(request, 500, "Internal Server Error", [["Content-Type", "text/plain; charset=utf-8"], ["X-Content-Type-Options", "nosniff"], ["Date", httpDate(now)], contentLength(BODY)], BODY),
});
