// example.com's web server as Edgecast ran it for IANA (`Server: ECS (sjc/4FCE)`): the Example
// Domain page with the headers of the captured response. It serves the page for the example names
// only; a request for another Host (an ExternalName Service's name, as curl sends it) or another
// path gets the same page as its custom error (`x-ec-custom-error: 1`) with 404 Not Found.

import { httpDate, type HttpRequest, header, pathOf } from "../http.ts";
import { contentLength, httpReply } from "../apps/reply.ts";
import type { App } from "../apps/types.ts";
import { EXAMPLE_DOMAIN_PAGE } from "./example-domain-page.ts";

const NAMES = new Set(["example.com", "www.example.com"]);
/** Cache-Control max-age: the page may be cached a week, so Expires is Date + 7 days. */
const MAX_AGE = 604800;

function hostName(request: HttpRequest): string {
  return (header(request, "Host") ?? "").toLowerCase().replace(/:80$/, "").replace(/\.$/, "");
}

export const exampleDomain: App = ({ request, now }) => {
  const known = NAMES.has(hostName(request)) && pathOf(request.target) === "/";
  const common: Array<[string, string]> = [
    ["Cache-Control", `max-age=${MAX_AGE}`],
    ["Content-Type", "text/html"],
    ["Date", httpDate(now)],
  ];
  if (known) {
    const headers: Array<[string, string]> = [
      ["Accept-Ranges", "bytes"],
      ...common,
      ["Etag", '"359670651"'],
      ["Expires", httpDate(now + MAX_AGE * 1000)],
      ["Last-Modified", "Fri, 09 Aug 2013 23:54:35 GMT"],
      ["Server", "ECS (sjc/4FCE)"],
      ["X-Cache", "HIT"],
      ["x-ec-custom-error", "1"],
      contentLength(EXAMPLE_DOMAIN_PAGE),
    ];
    return { reply: httpReply(request, 200, "OK", headers, EXAMPLE_DOMAIN_PAGE) };
  }
  const headers: Array<[string, string]> = [
    ...common,
    ["Expires", httpDate(now + MAX_AGE * 1000)],
    ["Last-Modified", "Fri, 09 Aug 2013 23:54:35 GMT"],
    ["Server", "ECS (sjc/4FCE)"],
    ["X-Cache", "404-HIT"],
    contentLength(EXAMPLE_DOMAIN_PAGE),
  ];
  return { reply: httpReply(request, 404, "Not Found", headers, EXAMPLE_DOMAIN_PAGE) };
};
