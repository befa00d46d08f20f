// The official tomcat image (11.0.13) ships no webapps (they are in webapps.dist), so every path,
// `/` included, gets Tomcat's error-report page for 404.

import { httpDate } from "../http.ts";
import { contentLength, httpReply } from "./reply.ts";
import type { App } from "./types.ts";

const VERSION = "Apache Tomcat/11.0.13";

const NOT_FOUND = `<!doctype html><html lang="en"><head><title>HTTP Status 404 – Not Found</title><style type="text/css">body {font-family:Tahoma,Arial,sans-serif;} h1, h2, h3, b {color:white;background-color:#525D76;} h1 {font-size:22px;} h2 {font-size:16px;} h3 {font-size:14px;} p {font-size:12px;} a {color:black;} .line {height:1px;background-color:#525D76;border:none;}</style></head><body><h1>HTTP Status 404 – Not Found</h1><hr class="line" /><p><b>Type</b> Status Report</p><p><b>Description</b> The origin server did not find a current representation for the target resource or is not willing to disclose that one exists.</p><hr class="line" /><h3>${VERSION}</h3></body></html>`;

export const tomcat: App = ({ request, now }) => {
  const headers: Array<[string, string]> = [["Content-Type", "text/html;charset=utf-8"], ["Content-Language", "en"], contentLength(NOT_FOUND), ["Date", httpDate(now)]];
  return { reply: httpReply(request, 404, "", headers, NOT_FOUND) };
};
