import { describe, expect, it } from "vitest";
import { linkify, openable } from "../../../web/src/console/links.ts";
import { service, view } from "../fixtures.ts";

const targets = openable(view([], [service("nginx")]));

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
    for (const text of ["curl 10.244.1.5:80", "curl 10.96.0.50:8080", "curl 192.168.56.11:31234"]) {
      expect(linkify(text, targets)).toEqual([{ text }]);
    }
  });
});
