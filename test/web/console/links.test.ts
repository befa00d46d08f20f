import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { proxyUrl } from "../../../web/src/api/client.ts";
import { appPath, linkify, openable } from "../../../web/src/console/links.ts";
import { service, view } from "../fixtures.ts";

const targets = openable(view([], [service("nginx")]));
const SESSION = "sess_1";
const SITE = "https://playground.example/s/sess_1";

/** Where the browser really goes when the link is clicked on the playground's page. */
const resolved = (host: string, port: number, path: string) => new URL(proxyUrl(SESSION, host, port, path), SITE);

describe("NodePort addresses in console text", () => {
  it("links node IP and NodePort, with the path, whatever the node", () => {
    const segments = linkify("curl http://192.168.56.12:30080/index.html now", targets);
    expect(segments).toEqual([
      { text: "curl " },
      { text: "http://192.168.56.12:30080/index.html", host: "192.168.56.12", port: 30080, path: "/index.html" },
      { text: " now" },
    ]);
  });

  it("leaves addresses that do not answer from outside as text", () => {
    for (const text of ["curl 10.244.1.5:80", "curl 10.96.0.50:8080", "curl 192.168.56.11:31234", "curl 192.168.056.011:30080", "curl 8.8.8.8:30080"]) {
      expect(linkify(text, targets)).toEqual([{ text }]);
    }
  });

  it("links nothing when the cluster has no NodePort", () => {
    const text = "curl http://192.168.56.11:30080/";
    expect(linkify(text, openable(view([], [service("db", { type: "ClusterIP", ports: [{ port: 5432, targetPort: 5432, protocol: "TCP" }] })])))).toEqual([{ text }]);
  });
});

describe("a link's path, resolved as a browser resolves it and kept under the proxy prefix", () => {
  // What curl or a browser tab would request from the app for each printed URL.
  const cases: Array<[string, string | null]> = [
    ["/", "/"],
    ["/index.html?x=1#top", "/index.html?x=1#top"],
    ["/a/./b/../c", "/a/c"],
    // `..` above the app's root is dropped, as RFC 3986 and the URL standard say: the link opens
    // the app's own /s/ID, not the playground's.
    ["/../../../../s/ID#key=K", "/s/ID#key=K"],
    ["/%2e%2e/%2E%2e/.%2e/%2e./s/ID", "/s/ID"],
    ["/a/%2e/b", "/a/b"],
    ["/a\\..\\..\\..\\b", "/b"],
    ["/..\\..\\api", "/api"],
    ["//evil.example/x", "//evil.example/x"],
    ["/ü", "/%C3%BC"],
    // A dot segment still hidden behind an encoded slash or a second encoding: not a link.
    ["/a/%2e%2e%2f..%2f..%2fs", null],
    ["/a/..%2F..%2Fs", null],
    ["/a/..%5c..%5cs", null],
    ["/%252e%252e/%252e%252e/s", null],
    ["/a/..%00.html", null],
    ["/a/..%2500/b", null],
    ["/a/%25252e%25252e%25252fx", null],
  ];
  it.each(cases)("%s", (raw, expected) => {
    expect(appPath("192.168.56.11", 30080, raw)).toBe(expected);
    const text = `curl http://192.168.56.11:30080${raw}`;
    const link = linkify(text, targets).find((s) => "host" in s);
    if (expected === null) {
      expect(link).toBeUndefined();
    } else {
      expect(link).toMatchObject({ host: "192.168.56.11", port: 30080, path: expected });
      expect(resolved("192.168.56.11", 30080, expected).pathname.startsWith(`/api/sessions/${SESSION}/proxy/192.168.56.11:30080/`)).toBe(true);
    }
  });

  it("the attack from issue 23 opens the app's /s/ID through the proxy, never the playground's page", () => {
    const [link] = linkify("http://192.168.56.11:30080/../../../../s/ID#key=K", targets);
    const url = resolved("192.168.56.11", 30080, (link as { path: string }).path);
    expect(url.pathname).toBe(`/api/sessions/${SESSION}/proxy/192.168.56.11:30080/s/ID`);
  });

  it("whatever the output text, every link stays under the session's proxy prefix for its host:port", () => {
    const host = fc.constantFrom("192.168.56.10", "192.168.56.11", "192.168.56.12");
    const piece = fc.constantFrom("..", ".", "%2e", "%2E", "%2f", "%2F", "%5c", "%25", "%", "/", "\\", "?", "#", "a", "s", "ID", "\t", "ü", "&", ";", "%00", "@", ":");
    const address = fc.tuple(fc.constantFrom("", "http://", "https://"), host, fc.array(piece, { maxLength: 14 })).map(([scheme, h, parts]) => `${scheme}${h}:30080/${parts.join("")}`);
    const text = fc.array(fc.oneof(address, fc.string({ maxLength: 6 })), { maxLength: 5 }).map((parts) => parts.join(" "));
    fc.assert(
      fc.property(text, (output) => {
        for (const segment of linkify(output, targets)) {
          if (!("host" in segment)) continue;
          const prefix = `/api/sessions/${SESSION}/proxy/${segment.host}:${segment.port}/`;
          const href = proxyUrl(SESSION, segment.host, segment.port, segment.path);
          expect(href.startsWith(prefix)).toBe(true);
          const url = resolved(segment.host, segment.port, segment.path);
          expect(url.origin).toBe("https://playground.example");
          expect(url.pathname.startsWith(prefix)).toBe(true);
          // Even a server that decoded every escape before resolving dot segments stays inside.
          const decodedOnce = new URL(decodeURIComponentLoosely(url.pathname), SITE).pathname;
          expect(decodedOnce.startsWith(prefix)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

function decodeURIComponentLoosely(text: string): string {
  return text.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

describe("localhost links while kubectl port-forward runs", () => {
  const forwarding = openable({ ...view([], [service("nginx")]), forwards: [{ port: 8080, namespace: "default", pod: "web", remote: 80 }] });

  it("links kubectl's Forwarding line and curl localhost:PORT to the forwarded port", () => {
    expect(linkify("Forwarding from 127.0.0.1:8080 -> 80", forwarding)).toEqual([
      { text: "Forwarding from " },
      { text: "127.0.0.1:8080", host: "127.0.0.1", port: 8080, path: "/" },
      { text: " -> 80" },
    ]);
    expect(linkify("curl http://localhost:8080/x", forwarding)).toEqual([{ text: "curl " }, { text: "http://localhost:8080/x", host: "localhost", port: 8080, path: "/x" }]);
  });

  it("leaves other ports, other names and a stopped forward's port as text", () => {
    for (const text of ["curl localhost:9090", "curl mylocalhost:8080", "curl 127.0.0.2:8080"]) expect(linkify(text, forwarding)).toEqual([{ text }]);
    expect(linkify("curl localhost:8080", targets)).toEqual([{ text: "curl localhost:8080" }]);
  });
});

