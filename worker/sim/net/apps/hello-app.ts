// gcr.io/google-samples/hello-app:1.0 and 2.0 (kubernetes-engine-samples quickstarts/hello-app):
// every path gets "Hello, world!", the version and the host name, and a log line
// `Serving request: PATH`.

import { pathOf, slashDate } from "../http.ts";
import { imageTag } from "../../cluster/images.ts";
import { goReply } from "./go-reply.ts";
import type { App } from "./types.ts";

export const helloApp: App = ({ request, hostname, now, image }) => {
  // The 1.0 image prints "Version: 1.0.0", the 2.0 image "Version: 2.0.0".
  const body = `Hello, world!\nVersion: ${imageTag(image ?? "")}.0\nHostname: ${hostname}\n`;
  return { reply: goReply(request, now, 200, body), log: [`${slashDate(now)} Serving request: ${pathOf(request.target)}`] };
};
