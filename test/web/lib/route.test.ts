import { describe, expect, it } from "vitest";
import { parseRoute } from "../../../web/src/lib/route.ts";

const at = (href: string) => {
  const url = new URL(href, "http://localhost");
  return parseRoute({ pathname: url.pathname, search: url.search, hash: url.hash });
};

describe("page routes", () => {
  it.each([
    ["/", { page: "home" }],
    ["/s/abc_-1", { page: "session", id: "abc_-1", key: undefined }],
    ["/s/abc#key=k3y", { page: "session", id: "abc", key: "k3y" }],
    ["/p/snap", { page: "snapshot", snapshotId: "snap" }],
    ["/c/cls_-1", { page: "class", classId: "cls_-1" }],
    ["/c/cls/board", { page: "board", classId: "cls", key: undefined }],
    ["/c/cls/board#key=t34cher", { page: "board", classId: "cls", key: "t34cher" }],
    ["/exam/abc_-1", { page: "exam", id: "abc_-1", key: undefined }],
    ["/exam/abc#key=k3y", { page: "exam", id: "abc", key: "k3y" }],
    ["/exam/abc/report", { page: "not-found" }],
    ["/c/cls/other", { page: "not-found" }],
    ["/s/a/b", { page: "not-found" }],
    ["/s/a%20b", { page: "not-found" }],
  ])("%s", (href, expected) => {
    expect(at(href)).toEqual(expected);
  });

  it("reads embed options from the query", () => {
    const route = at("/embed?lesson=services&map=0&theme=dark");
    expect(route.page).toBe("embed");
    if (route.page === "embed") expect(route.params.get("lesson")).toBe("services");
  });
});
