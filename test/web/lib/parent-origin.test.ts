import { describe, expect, it } from "vitest";
import { originOf, parentOrigin } from "../../../web/src/lib/parent-origin.ts";

describe("the origin of the page that embeds the playground", () => {
  it("takes the browser's ancestorOrigins first, whatever the referrer or the URL claim", () => {
    expect(parentOrigin({ ancestorOrigins: ["https://course.example"], referrer: "https://other.example/x", declared: "https://claimed.example" })).toBe("https://course.example");
  });

  it("falls back to the referrer's origin, path and query left out", () => {
    expect(parentOrigin({ referrer: "https://course.example:8443/unit/3?id=9#part", declared: null })).toBe("https://course.example:8443");
    // ancestorOrigins masked to "null" (the iframe has referrerpolicy=no-referrer) tells nothing.
    expect(parentOrigin({ ancestorOrigins: ["null"], referrer: "http://127.0.0.1:4000/", declared: null })).toBe("http://127.0.0.1:4000");
  });

  it("uses the declared parentOrigin only when the browser says nothing", () => {
    expect(parentOrigin({ ancestorOrigins: [], referrer: "", declared: "https://course.example/" })).toBe("https://course.example");
    expect(parentOrigin({ referrer: "https://course.example/", declared: "https://claimed.example" })).toBe("https://course.example");
  });

  it("is unknown for opaque, empty and non-web origins", () => {
    for (const declared of [null, "", "null", "*", "course.example", "file:///tmp/page.html", "javascript:alert(1)", "about:blank"]) {
      expect(parentOrigin({ ancestorOrigins: ["null"], referrer: "", declared })).toBeNull();
    }
  });

  it("serialises an origin as postMessage expects it", () => {
    expect(originOf("HTTPS://Course.Example:443/a")).toBe("https://course.example");
    expect(originOf("http://localhost:80")).toBe("http://localhost");
    expect(originOf("data:text/html,hi")).toBeNull();
  });
});
