// The official httpd image (2.4.65): htdocs/index.html is "It works!", anything else Apache's 404.

import { httpDate, pathOf } from "../http.ts";
import { httpdHeadVerdict } from "./header-limits.ts";
import { contentLength, httpReply } from "./reply.ts";
import type { App } from "./types.ts";

const INDEX = "<html><body><h1>It works!</h1></body></html>\n";
const NOT_FOUND = errorPage(404, "Not Found", "<p>The requested URL was not found on this server.</p>\n");
const SERVER = "Apache/2.4.65 (Unix)";

/** Apache's canned error page (ap_send_error_response): the title, then the status's own text. */
function errorPage(status: number, reason: string, text: string): string {
  return `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>${status} ${reason}</title>\n</head><body>\n<h1>${reason}</h1>\n${text}</body></html>\n`;
}

export const httpd: App = ({ request, now }) => {
  const date = httpDate(now);
  const verdict = httpdHeadVerdict(request);
  if (!verdict.ok) {
    // get_canned_error_string: 400 appends the request's error-notes, 414 has none set by read_request_line.
    const [reason, text] =
      verdict.status === 414
        ? ["Request-URI Too Long", "<p>The requested URL's length exceeds the capacity\nlimit for this server.<br />\n</p>\n"]
        : ["Bad Request", `<p>Your browser sent a request that this server could not understand.<br />\n${verdict.note}</p>\n`];
    const body = errorPage(verdict.status, reason, text);
    const headers: Array<[string, string]> = [["Date", date], ["Server", SERVER], contentLength(body), ["Connection", "close"], ["Content-Type", "text/html; charset=iso-8859-1"]];
    return { reply: httpReply(request, verdict.status, reason, headers, body) };
  }
  const path = pathOf(request.target);
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
