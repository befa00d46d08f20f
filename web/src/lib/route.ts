// Which page a URL asks for. The edit key travels in the fragment, never in the path or query.

export type Route =
  /** `fresh`: `/?new`, a new cluster even when this browser has one to resume. */
  | { page: "home"; fresh?: true }
  | { page: "session"; id: string; key?: string }
  /** An exam session: the exam while it runs, its report once it is over. */
  | { page: "exam"; id: string; key?: string }
  | { page: "snapshot"; snapshotId: string }
  | { page: "embed"; params: URLSearchParams }
  /** A class's student link. */
  | { page: "class"; classId: string }
  /** A class's board; the teacher key travels in the fragment. */
  | { page: "board"; classId: string; key?: string }
  | { page: "not-found" };

export function parseRoute(url: { pathname: string; search: string; hash: string }): Route {
  const path = url.pathname.replace(/\/+$/, "") || "/";
  if (path === "/") return new URLSearchParams(url.search).has("new") ? { page: "home", fresh: true } : { page: "home" };
  if (path === "/embed") return { page: "embed", params: new URLSearchParams(url.search) };
  const session = /^\/s\/([A-Za-z0-9_-]+)$/.exec(path);
  if (session) {
    const key = new URLSearchParams(url.hash.replace(/^#/, "")).get("key") ?? undefined;
    return { page: "session", id: session[1], key: key || undefined };
  }
  const exam = /^\/exam\/([A-Za-z0-9_-]+)$/.exec(path);
  if (exam) {
    const key = new URLSearchParams(url.hash.replace(/^#/, "")).get("key") ?? undefined;
    return { page: "exam", id: exam[1], key: key || undefined };
  }
  const classPage = /^\/c\/([A-Za-z0-9_-]+)(\/board)?$/.exec(path);
  if (classPage) {
    if (!classPage[2]) return { page: "class", classId: classPage[1] };
    const key = new URLSearchParams(url.hash.replace(/^#/, "")).get("key") ?? undefined;
    return { page: "board", classId: classPage[1], key: key || undefined };
  }
  const snapshot = /^\/p\/([A-Za-z0-9_-]+)$/.exec(path);
  if (snapshot) return { page: "snapshot", snapshotId: snapshot[1] };
  return { page: "not-found" };
}

export function sessionPath(id: string, key?: string): string {
  return `/s/${id}` + (key ? `#key=${encodeURIComponent(key)}` : "");
}

export function examPath(id: string, key?: string): string {
  return `/exam/${id}` + (key ? `#key=${encodeURIComponent(key)}` : "");
}

export function absolute(path: string): string {
  return location.origin + path;
}
