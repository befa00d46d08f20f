// gcr.io/google-samples/kubernetes-bootcamp (Node 6, server.js): writes the greeting in three
// chunks after setting Content-Type, so Node answers chunked, and console.logs each request with
// a counter and the uptime. The version (`v=1`, `v=2`) is the image's tag.

import { httpDate } from "../http.ts";
import { imageTag } from "../../cluster/images.ts";
import { httpReply } from "./reply.ts";
import type { App } from "./types.ts";

export const kubernetesBootcamp: App = ({ request, hostname, now, image, logged, startedAt }) => {
  const version = imageTag(image ?? "").replace(/^v/, "");
  const body = `Hello Kubernetes bootcamp! | Running on: ${hostname} | v=${version}\n`;
  const headers: Array<[string, string]> = [
    ["Content-Type", "text/plain"],
    ["Date", httpDate(now)],
    ["Connection", "keep-alive"],
    ["Transfer-Encoding", "chunked"],
  ];
  // console.log("Running On:", host, "| Total Requests:", ++requests, "| App Uptime:", (new Date() - startTime)/1000, "seconds", "| Log Time:", new Date())
  const uptime = (now - (startedAt ?? now)) / 1000;
  const line = `Running On: ${hostname} | Total Requests: ${(logged ?? 0) + 1} | App Uptime: ${uptime} seconds | Log Time: ${new Date(now).toISOString()}`;
  return { reply: httpReply(request, 200, "OK", headers, body), log: [line] };
};

/** console.log("Kubernetes Bootcamp App Started At:", startTime, "| Running On: ", host, "\n"): a trailing space, then an empty line. */
export function bootcampStartup(startedAt: number, hostname: string): string[] {
  return [`Kubernetes Bootcamp App Started At: ${new Date(startedAt).toISOString()} | Running On:  ${hostname} `, ""];
}
