import { describe, expect, it } from "vitest";
import { checkRequest, mediaType, WRITE_POLICIES, type WritePolicy, writePolicyFor } from "../../../worker/http/write-guard.ts";
import { createSession, errorOf, ORIGIN, postJson, read, request } from "../helpers.ts";

const FOREIGN = "https://evil.example";

describe("writes to the API from a browser", () => {
  it.each([
    ["text/plain", "text/plain;charset=UTF-8"],
    ["a urlencoded form", "application/x-www-form-urlencoded"],
    ["a multipart form", "multipart/form-data; boundary=x"],
  ])("refuse a session created with %s (415), and create nothing", async (_name, type) => {
    const response = await request("/api/sessions", { method: "POST", headers: { "Content-Type": type }, body: "{}" });
    expect(await errorOf(response)).toMatchObject({ status: 415, code: "unsupported_media_type" });
  });

  it("refuse a body without a Content-Type (a Blob a page can send without preflight), but not an empty POST", async () => {
    const untyped = await request("/api/sessions", { method: "POST", body: new Blob(["{}"]) });
    expect(await errorOf(untyped)).toMatchObject({ status: 415, code: "unsupported_media_type" });
    expect((await request("/api/sessions", { method: "POST" })).status).toBe(201);
  });

  it("refuse a command sent as text/plain, even with the edit key, and leave the session as it was", async () => {
    const session = await createSession();
    const response = await request(`/api/sessions/${session.id}/commands`, {
      method: "POST",
      headers: { "Content-Type": "text/plain", Authorization: `Bearer ${session.editKey}` },
      body: JSON.stringify({ command: "kubectl run web --image=nginx" }),
    });
    expect(await errorOf(response)).toMatchObject({ status: 415, code: "unsupported_media_type" });
    expect((await read(session.id)).seq).toBe(0);
  });

  it("refuse a foreign Origin (403), a sandboxed page's null Origin too, and accept this site's own", async () => {
    const session = await createSession();
    const send = (origin: string) =>
      postJson(`/api/sessions/${session.id}/commands`, { command: "echo hi" }, { Origin: origin, Authorization: `Bearer ${session.editKey}` });
    expect(await errorOf(await send(FOREIGN))).toMatchObject({ status: 403, code: "forbidden_origin" });
    expect(await errorOf(await send("null"))).toMatchObject({ status: 403, code: "forbidden_origin" });
    // Same host, other scheme or port: another origin.
    expect((await send("http://playground.test")).status).toBe(403);
    expect((await send(ORIGIN)).status).toBe(200);
    expect((await read(session.id)).seq).toBe(1);
    expect(await errorOf(await postJson("/api/sessions", {}, { Origin: FOREIGN }))).toMatchObject({ status: 403, code: "forbidden_origin" });
  });

  it("let a foreign page read (it cannot see the answer without CORS headers, and reading changes nothing)", async () => {
    const session = await createSession();
    const response = await request(`/api/sessions/${session.id}`, { headers: { Origin: FOREIGN } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(null);
  });

  it("take a lesson file as YAML or JSON types, never as text/plain", async () => {
    const yaml = "id: guarded\ntitle: x\nsummary: x\nsteps: []\n";
    const upload = (type: string) => request("/api/lessons", { method: "POST", headers: { "Content-Type": type, "CF-Connecting-IP": "10.99.0.1" }, body: yaml });
    expect(await errorOf(await upload("text/plain"))).toMatchObject({ status: 415, code: "unsupported_media_type" });
    // Past the type check: the file itself is then judged (an empty step list is invalid).
    for (const type of ["application/yaml", "text/yaml", "application/x-yaml", "text/x-yaml; charset=utf-8"]) {
      expect((await upload(type)).status).toBe(400);
    }
  });

  it("let the proxy take any body type from curl, and no foreign page drive it", async () => {
    const session = await createSession();
    const path = `/api/sessions/${session.id}/proxy/192.168.56.11:30080/`;
    const form = await request(path, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "a=1" });
    // Through to the cluster: a node's port with no service behind it refuses the connection.
    expect(form.status).toBe(502);
    expect(form.headers.get("X-Route-Trace")).toBeTruthy();
    expect(await errorOf(await request(path, { headers: { Origin: FOREIGN } }))).toMatchObject({ status: 403, code: "forbidden_origin" });
    expect((await request(path, { headers: { Origin: ORIGIN } })).status).toBe(502);
  });

  it("refuse a foreign page's live socket", async () => {
    const session = await createSession();
    const response = await request(`/api/sessions/${session.id}/live`, { headers: { Upgrade: "websocket", Origin: FOREIGN } });
    expect(await errorOf(response)).toMatchObject({ status: 403, code: "forbidden_origin" });
  });
});

describe("write policies", () => {
  it("give each API path its row, the proxy any body and everything else JSON", () => {
    expect(writePolicyFor("/api/sessions/x/proxy/1.2.3.4:80/a")?.accepts).toBe("any");
    expect(writePolicyFor("/api/lessons")?.accepts).toContain("application/yaml");
    expect(writePolicyFor("/api/sessions/x/commands")?.accepts).toEqual(["application/json"]);
    expect(writePolicyFor("/s/abc")).toBe(undefined);
  });

  it("give the Kubernetes API its own row: the API server's body types, and only this site's pages", () => {
    const patch = new Request(`${ORIGIN}/api/sessions/x/k8s/api/v1/namespaces/default/pods/p`, {
      method: "PATCH",
      headers: { "Content-Type": "application/merge-patch+json" },
      body: "{}",
    });
    const policy = writePolicyFor(new URL(patch.url).pathname)!;
    expect(() => checkRequest(patch, policy)).not.toThrow();
    const form = new Request(patch.url, { method: "POST", headers: { "Content-Type": "text/plain" }, body: "{}" });
    expect(() => checkRequest(form, policy)).toThrow(/application\/merge-patch\+json/);
    // A foreign page may not even read a session through it.
    const read = new Request(patch.url, { headers: { Origin: "https://evil.test" } });
    expect(() => checkRequest(read, policy)).toThrow(/evil\.test/);
  });

  it("read a media type without its parameters or case", () => {
    expect(mediaType("Application/JSON; charset=utf-8")).toBe("application/json");
    expect(mediaType("  ")).toBe(undefined);
    expect(mediaType(null)).toBe(undefined);
  });
});
