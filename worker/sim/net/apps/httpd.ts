// The official httpd image (2.4.65): htdocs/index.html is "It works!", anything else Apache's 404.

import { httpDate, pathOf } from "../http.ts";
import { contentLength, httpReply } from "./reply.ts";
import type { App } from "./types.ts";

const INDEX = "<html><body><h1>It works!</h1></body></html>\n";
const NOT_FOUND = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>404 Not Found</title>
</head><body>
<h1>Not Found</h1>
<p>The requested URL was not found on this server.</p>
</body></html>
`;
const SERVER = "Apache/2.4.65 (Unix)";

export const httpd: App = ({ request, now }) => {
  const path = pathOf(request.target);
  const date = httpDate(now);
  if (path === "/" || path === "/index.html") {
    const headers: Array<[string, string]> = [
      ["Date", date],
      ["Server", SERVER],
      ["Last-Modified", "Mon, 11 Jun 2007 18:53:14 GMT"],
      ["ETag", '"2d-432a5e4a73a80"'],
      ["Accept-Ranges", "bytes"],
      contentLength(INDEX),
      ["Content-Type", "text/html"],
    ];
    return { reply: httpReply(request, 200, "OK", headers, INDEX) };
  }
  const headers: Array<[string, string]> = [["Date", date], ["Server", SERVER], contentLength(NOT_FOUND), ["Content-Type", "text/html; charset=iso-8859-1"]];
  return { reply: httpReply(request, 404, "Not Found", headers, NOT_FOUND) };
};
