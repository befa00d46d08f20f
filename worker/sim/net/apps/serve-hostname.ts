// registry.k8s.io/serve_hostname and agnhost's `serve-hostname`: every HTTP request gets the host
// name (the pod's name) with no newline, `fmt.Fprintf(w, "%s", hostname)`, and a log line
// `HTTP request from ADDR` (kubernetes test/images/agnhost/serve-hostname/serve_hostname.go).

import { slashDate } from "../http.ts";
import { goReply } from "./go-reply.ts";
import type { App } from "./types.ts";

export const serveHostname: App = ({ request, client, hostname, now }) => ({
  reply: goReply(request, now, 200, hostname),
  log: [`${slashDate(now)} HTTP request from ${client.ip}:${client.port}`],
});
