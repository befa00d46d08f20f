import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createSession, errorOf, ORIGIN, request } from "../helpers.ts";

describe("GET /api/sessions/:id/kubeconfig", () => {
  it("gives the editor a kubeconfig whose token is the edit key, pointing at the session's API", async () => {
    const session = await createSession();
    const response = await request(`/api/sessions/${session.id}/kubeconfig`, { headers: { Authorization: `Bearer ${session.editKey}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/yaml/);
    const config = parse(await response.text());
    const name = `playground-${session.id}`;
    expect(config).toEqual({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name, cluster: { server: `${ORIGIN}/api/sessions/${session.id}/k8s` } }],
      users: [{ name, user: { token: session.editKey } }],
      contexts: [{ name, context: { cluster: name, user: name, namespace: "default" } }],
      "current-context": name,
      preferences: {},
    });
  });

  it("gives anyone else a read-only kubeconfig without credentials", async () => {
    const session = await createSession();
    const config = parse(await (await request(`/api/sessions/${session.id}/kubeconfig`)).text());
    expect(config.users[0].user).toEqual({});
  });

  it("refuses a wrong key and an unknown session", async () => {
    const session = await createSession();
    expect(await errorOf(await request(`/api/sessions/${session.id}/kubeconfig`, { headers: { Authorization: "Bearer nope" } }))).toMatchObject({ status: 403, code: "forbidden" });
    expect((await request("/api/sessions/AAAAAAAAAAAAAAAAAAAAAA/kubeconfig")).status).toBe(404);
  });
});

describe("ANY /api/sessions/:id/k8s/...", () => {
  it("serves the session's objects to a client without a token", async () => {
    const session = await createSession({ setup: ["kubectl run web --image=nginx"] });
    const response = await request(`/api/sessions/${session.id}/k8s/api/v1/namespaces/default/pods/web`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ kind: "Pod", apiVersion: "v1", metadata: { name: "web", namespace: "default" } });
  });

  it("answers a token that is not the edit key with 401, and accepts the edit key", async () => {
    const session = await createSession();
    const wrong = await request(`/api/sessions/${session.id}/k8s/api/v1/pods`, { headers: { Authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ kind: "Status", reason: "Unauthorized", code: 401 });
    const right = await request(`/api/sessions/${session.id}/k8s/api/v1/pods`, { headers: { Authorization: `Bearer ${session.editKey}` } });
    expect(right.status).toBe(200);
  });

  it("refuses an anonymous write with the Forbidden Status", async () => {
    const session = await createSession();
    const response = await request(`/api/sessions/${session.id}/k8s/api/v1/namespaces/default/pods`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toBe('pods is forbidden: User "system:anonymous" cannot create resource "pods" in API group "" in the namespace "default"');
  });

  it("answers an unknown session with a NotFound Status, and refuses pages of other sites", async () => {
    const missing = await request("/api/sessions/AAAAAAAAAAAAAAAAAAAAAA/k8s/api/v1/pods");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ kind: "Status", reason: "NotFound", code: 404 });
    const session = await createSession();
    expect((await request(`/api/sessions/${session.id}/k8s/api/v1/pods`, { headers: { Origin: "https://evil.test" } })).status).toBe(403);
  });
});
