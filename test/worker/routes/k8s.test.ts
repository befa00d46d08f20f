import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createSession, errorOf, ORIGIN, read, request, run } from "../helpers.ts";

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

  it("takes the editor's write as a change of the session: in the transcript as the request it was, then seen by the console", async () => {
    const session = await createSession();
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "web" }, spec: { containers: [{ name: "web", image: "nginx" }] } };
    const created = await request(`/api/sessions/${session.id}/k8s/api/v1/namespaces/default/pods?fieldManager=kubectl-run`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${session.editKey}` },
      body: JSON.stringify(pod),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ kind: "Pod", metadata: { name: "web", namespace: "default" } });
    const view = await read(session.id);
    expect(view.transcript.map((e) => [e.command, e.output, e.exitCode])).toEqual([["kubectl-client: POST pods web", "201 Created\n", 0]]);
    expect((await run(session.id, session.editKey, "kubectl get pod web -o name")).output).toBe("pod/web\n");
    const again = await request(`/api/sessions/${session.id}/k8s/api/v1/namespaces/default/pods`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${session.editKey}` },
      body: JSON.stringify(pod),
    });
    expect(again.status).toBe(409);
    expect((await read(session.id)).transcript.at(-1)).toMatchObject({ command: "kubectl-client: POST pods web", output: '409 Conflict: pods "web" already exists\n', exitCode: 1 });
  });

  it("refuses a body over 1 MB with the API server's RequestEntityTooLarge", async () => {
    const session = await createSession();
    const response = await request(`/api/sessions/${session.id}/k8s/api/v1/namespaces/default/configmaps`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${session.editKey}` },
      body: JSON.stringify({ data: { big: "x".repeat(1024 * 1024) } }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ kind: "Status", reason: "RequestEntityTooLarge", message: "Request entity too large: limit is 1048576" });
  });

  it("answers an unknown session with a NotFound Status, and refuses pages of other sites", async () => {
    const missing = await request("/api/sessions/AAAAAAAAAAAAAAAAAAAAAA/k8s/api/v1/pods");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ kind: "Status", reason: "NotFound", code: 404 });
    const session = await createSession();
    expect((await request(`/api/sessions/${session.id}/k8s/api/v1/pods`, { headers: { Origin: "https://evil.test" } })).status).toBe(403);
  });
});
