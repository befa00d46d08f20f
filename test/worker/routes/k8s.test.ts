import { exports } from "cloudflare:workers";
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

  it("names npm start's https address, certificate unchecked, when that address passed a loopback request on", async () => {
    const session = await createSession();
    const path = `/api/sessions/${session.id}/kubeconfig`;
    const viaFront = await exports.default.fetch(new Request(`http://127.0.0.1:8787${path}`, { headers: { "X-Forwarded-Proto": "https", Host: "127.0.0.1:8788" } }));
    expect(parse(await viaFront.text()).clusters[0].cluster).toEqual({ server: `https://127.0.0.1:8787/api/sessions/${session.id}/k8s`, "insecure-skip-tls-verify": true });
    // Plain http on loopback, and any request the Worker already sees as https (a deployment), keep their origin and checks.
    const plain = await exports.default.fetch(new Request(`http://127.0.0.1:8787${path}`));
    expect(parse(await plain.text()).clusters[0].cluster).toEqual({ server: `http://127.0.0.1:8787/api/sessions/${session.id}/k8s` });
    const deployed = await request(path, { headers: { "X-Forwarded-Proto": "https" } });
    expect(parse(await deployed.text()).clusters[0].cluster).toEqual({ server: `${ORIGIN}/api/sessions/${session.id}/k8s` });
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
