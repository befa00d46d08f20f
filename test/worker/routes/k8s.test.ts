import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createSession, errorOf, ORIGIN, read, request, run } from "../helpers.ts";
import KUBECTL_BODIES from "../../sim/api/kubectl-protobuf-bodies.json";
import { type SpdyFrame, SpdyReader, SpdyWriter } from "../../../worker/sim/api/spdy.ts";

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

  it("takes a protobuf body as the bytes kubectl sent (its lengths are varints with the high bit set, which text would mangle)", async () => {
    const session = await createSession();
    const bytes = Uint8Array.from(atob(KUBECTL_BODIES["kubectl create deployment d1 --image=nginx --replicas=2 --port=80"]), (c) => c.charCodeAt(0));
    expect(bytes.some((b) => b >= 0x80)).toBe(true);
    const created = await request(`/api/sessions/${session.id}/k8s/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-create&fieldValidation=Strict`, {
      method: "POST",
      headers: { "Content-Type": "application/vnd.kubernetes.protobuf", Accept: "application/vnd.kubernetes.protobuf,application/json", Authorization: `Bearer ${session.editKey}` },
      body: bytes,
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("Content-Type")).toBe("application/json");
    expect(await created.json()).toMatchObject({ kind: "Deployment", metadata: { name: "d1", namespace: "default" }, spec: { replicas: 2 } });
    expect((await read(session.id)).transcript.at(-1)).toMatchObject({ command: "kubectl-client: POST deployments d1", output: "201 Created\n" });
    expect((await run(session.id, session.editKey, "kubectl get deploy d1 -o jsonpath={.spec.template.spec.containers[0].ports[0].containerPort}")).output).toBe("80");
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

  it("lets a client watch from the resourceVersion of any list it got, when pods moved on since the last write", async () => {
    // Nobody watches, so no alarm stores the pod's start: the lists find time has moved on since
    // the setup's write. kubectl delete (and get -w, wait) watch from the list's resourceVersion next.
    const session = await createSession({ setup: ["kubectl run web --image=nginx"] });
    const base = `/api/sessions/${session.id}/k8s/api/v1/namespaces/default/pods`;
    const resourceVersionOfList = async () => ((await (await request(base)).json()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const written = await resourceVersionOfList();
    let listed = written;
    for (let i = 0; i < 100 && listed === written; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      listed = await resourceVersionOfList();
    }
    expect(Number(listed)).toBeGreaterThan(Number(written));
    const watch = await request(`${base}?watch=1&resourceVersion=${listed}&timeoutSeconds=1`);
    expect(watch.status, await watch.clone().text()).toBe(200);
    await watch.text();
    // A resourceVersion truly ahead of the session is still the API server's 504.
    const ahead = await request(`${base}?watch=1&resourceVersion=${Number(listed) + 1000}&timeoutSeconds=1`);
    expect(ahead.status).toBe(504);
    expect(await ahead.json()).toMatchObject({ reason: "Timeout", details: { causes: [{ reason: "ResourceVersionTooLarge" }] } });
  });

  it("answers an unknown session with a NotFound Status, and refuses pages of other sites", async () => {
    const missing = await request("/api/sessions/AAAAAAAAAAAAAAAAAAAAAA/k8s/api/v1/pods");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ kind: "Status", reason: "NotFound", code: 404 });
    const session = await createSession();
    expect((await request(`/api/sessions/${session.id}/k8s/api/v1/pods`, { headers: { Origin: "https://evil.test" } })).status).toBe(403);
  });
});

describe("pods/exec of /api/sessions/:id/k8s over WebSocket", () => {
  const execPath = (id: string, query: string) => `/api/sessions/${id}/k8s/api/v1/namespaces/default/pods/box/exec?${query}`;
  const upgrade = (protocol: string, key?: string): Record<string, string> => ({ Upgrade: "websocket", "Sec-WebSocket-Protocol": protocol, ...(key === undefined ? {} : { Authorization: `Bearer ${key}` }) });

  async function ready(): Promise<{ id: string; editKey: string }> {
    const session = await createSession({ setup: ["kubectl run box --image=busybox -- sleep 3600"] });
    await run(session.id, session.editKey, "kubectl wait --for=condition=Ready pod/box");
    return session;
  }

  /** Every message until the server closes, as [channel, text]. */
  function messages(socket: WebSocket): Promise<Array<[number, string]>> {
    const received: Array<[number, string]> = [];
    return new Promise((resolve) => {
      socket.addEventListener("message", async (event) => {
        const data = event.data as unknown;
        const bytes = new Uint8Array(data instanceof Blob ? await data.arrayBuffer() : (data as ArrayBuffer));
        received.push([bytes[0], new TextDecoder().decode(bytes.subarray(1))]);
      });
      socket.addEventListener("close", () => setTimeout(() => resolve(received), 50));
    });
  }

  it("runs the command and ends with the error channel's Status, on the subprotocol the client offered", async () => {
    const session = await ready();
    const response = await request(execPath(session.id, "command=sh&command=-c&command=echo+out%3B+echo+err+%3E%262%3B+exit+3&container=box&stdout=true&stderr=true"), { headers: upgrade("v4.channel.k8s.io", session.editKey) });
    expect(response.status).toBe(101);
    expect(response.headers.get("Sec-WebSocket-Protocol")).toBe("v4.channel.k8s.io");
    const socket = response.webSocket!;
    const done = messages(socket);
    socket.accept();
    const received = await done;
    expect(received.slice(0, 2)).toEqual([[1, "out\n"], [2, "err\n"]]);
    expect(JSON.parse(received[2][1])).toMatchObject({ status: "Failure", reason: "NonZeroExitCode", details: { causes: [{ reason: "ExitCode", message: "3" }] } });
    const transcript = (await read(session.id)).transcript.map((e: { command: string }) => e.command);
    expect(transcript).toContain("kubectl-client: exec box -- sh -c 'echo out; echo err >&2; exit 3'");
  });

  it("refuses a read-only client with the authorizer's verb for the method, SPDY with a clear error, and a plain GET", async () => {
    const session = await ready();
    const get = await request(execPath(session.id, "command=ls&stdout=true"), { headers: upgrade("v5.channel.k8s.io") });
    expect(get.status).toBe(403);
    expect((await get.json()) as { message: string }).toMatchObject({ message: 'pods "box" is forbidden: User "system:anonymous" cannot get resource "pods/exec" in API group "" in the namespace "default"' });
    const post = await request(execPath(session.id, "command=ls&stdout=true"), { method: "POST", headers: { Upgrade: "SPDY/3.1" } });
    expect(((await post.json()) as { message: string }).message).toContain('cannot create resource "pods/exec"');
    const spdy = await request(execPath(session.id, "command=ls&stdout=true"), { method: "POST", headers: { Upgrade: "SPDY/3.1", Authorization: `Bearer ${session.editKey}` } });
    expect(spdy.status).toBe(400);
    expect(((await spdy.json()) as { message: string }).message).toMatch(/^SPDY\/3\.1 streaming is not supported by this server: use kubectl 1\.31 or newer/);
    const plain = await request(execPath(session.id, "command=ls&stdout=true"), { headers: { Authorization: `Bearer ${session.editKey}` } });
    expect(((await plain.json()) as { message: string }).message).toBe("Upgrade request required");
  });

  it("hands a program all of stdin when the client closes it, and takes a terminal's resizes and Ctrl+D", async () => {
    const session = await ready();
    const plain = await request(execPath(session.id, "command=wc&command=-l&container=box&stdin=true&stdout=true&stderr=true"), { headers: upgrade("v5.channel.k8s.io", session.editKey) });
    const socket = plain.webSocket!;
    const done = messages(socket);
    socket.accept();
    socket.send(Uint8Array.from([0, ...new TextEncoder().encode("a\nb")]));
    socket.send(Uint8Array.from([0, ...new TextEncoder().encode("\nc\n")]));
    socket.send(Uint8Array.from([255, 0]));
    expect(await done).toEqual([[1, "3\n"], [3, JSON.stringify({ metadata: {}, status: "Success" })]]);
    // -it: the terminal echoes and edits the lines; a resize (channel 4) changes nothing printed; Ctrl+D ends the input.
    const tty = await request(execPath(session.id, "command=cat&container=box&stdin=true&stdout=true&tty=true"), { headers: upgrade("v5.channel.k8s.io", session.editKey) });
    const terminal = tty.webSocket!;
    const printed = messages(terminal);
    terminal.accept();
    terminal.send(Uint8Array.from([4, ...new TextEncoder().encode(JSON.stringify({ Width: 120, Height: 40 }))]));
    terminal.send(Uint8Array.from([0, ...new TextEncoder().encode("hix\x7f\r")]));
    terminal.send(Uint8Array.from([0, 4]));
    const received = await printed;
    expect(received.map(([, text]) => text).slice(0, -1).join("")).toBe("hix\b \b\r\nhi\r\n");
    expect(received.at(-1)).toEqual([3, JSON.stringify({ metadata: {}, status: "Success" })]);
  });

  it("checks pods/portforward as the API server does, then tunnels kubectl's SPDY connection to the pod's port", async () => {
    const session = await createSession({ setup: ["kubectl run web --image=nginx"] });
    await run(session.id, session.editKey, "kubectl wait --for=condition=Ready pod/web");
    const path = (pod: string) => `/api/sessions/${session.id}/k8s/api/v1/namespaces/default/pods/${pod}/portforward`;
    const tunnel = { Upgrade: "websocket", "Sec-WebSocket-Protocol": "SPDY/3.1+portforward.k8s.io" };
    const anonymous = await request(path("web"), { headers: tunnel });
    expect(anonymous.status).toBe(403);
    expect(((await anonymous.json()) as { message: string }).message).toBe('pods "web" is forbidden: User "system:anonymous" cannot get resource "pods/portforward" in API group "" in the namespace "default"');
    const missing = await request(path("nope"), { headers: { ...tunnel, Authorization: `Bearer ${session.editKey}` } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toBe('pods "nope" not found');
    const spdy = await request(path("web"), { method: "POST", headers: { Upgrade: "SPDY/3.1", Authorization: `Bearer ${session.editKey}` } });
    expect(spdy.status).toBe(400);
    expect(((await spdy.json()) as { message: string }).message).toMatch(/^SPDY\/3.1 upgrades are not supported by this server: use kubectl 1.31 or newer/);

    const response = await request(path("web"), { headers: { ...tunnel, Authorization: `Bearer ${session.editKey}` } });
    expect(response.status).toBe(101);
    expect(response.headers.get("Sec-WebSocket-Protocol")).toBe("SPDY/3.1+portforward.k8s.io");
    const socket = response.webSocket!;
    const writer = new SpdyWriter();
    const reader = new SpdyReader();
    const frames: SpdyFrame[] = [];
    let arrived: () => void = () => {};
    socket.addEventListener("message", async (event) => {
      const data = event.data as unknown;
      frames.push(...reader.push(new Uint8Array(data instanceof Blob ? await data.arrayBuffer() : (data as ArrayBuffer))));
      arrived();
    });
    socket.accept();
    const until = async (count: number) => {
      while (frames.length < count) await new Promise<void>((resolve) => (arrived = resolve));
    };
    const headers = (type: string, port: number): Array<[string, string[]]> => [["streamtype", [type]], ["port", [String(port)]], ["requestid", ["0"]]];
    socket.send(writer.write({ type: "syn_stream", flags: 0, streamId: 1, associatedTo: 0, priority: 0, slot: 0, headers: headers("error", 80) }));
    socket.send(writer.write({ type: "syn_stream", flags: 0, streamId: 3, associatedTo: 0, priority: 0, slot: 0, headers: headers("data", 80) }));
    socket.send(writer.write({ type: "data", streamId: 3, flags: 0, data: new TextEncoder().encode("GET / HTTP/1.1\r\nHost: localhost:8080\r\n\r\n") }));
    await until(3);
    expect(frames.slice(0, 2)).toEqual([{ type: "syn_reply", flags: 0, streamId: 1, headers: [] }, { type: "syn_reply", flags: 0, streamId: 3, headers: [] }]);
    const page = frames[2];
    expect(page.type === "data" && page.streamId).toBe(3);
    const text = page.type === "data" ? new TextDecoder().decode(page.data) : "";
    expect(text).toMatch(/^HTTP\/1.1 200 OK\r\nServer: nginx\/[\d.]+\r\n/);
    expect(text).toContain("<title>Welcome to nginx!</title>");
    socket.close(1000, "");
    const transcript = (await read(session.id)).transcript.map((e: { command: string }) => e.command);
    expect(transcript).toContain("kubectl-client: port-forward web 80: GET /");
  });

  it("holds at most 5 streams a session: the 6th is 429 with Retry-After", async () => {
    const session = await ready();
    const open: WebSocket[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await request(execPath(session.id, "command=sh&container=box&stdin=true&stdout=true"), { headers: upgrade("v5.channel.k8s.io", session.editKey) });
      expect(response.status).toBe(101);
      response.webSocket!.accept();
      open.push(response.webSocket!);
    }
    const sixth = await request(execPath(session.id, "command=hostname&container=box&stdout=true"), { headers: upgrade("v5.channel.k8s.io", session.editKey) });
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get("Retry-After")).toBe("1");
    // The end of one shell's stdin (v5's CLOSE signal) ends it and frees its place.
    const first = messages(open[0]);
    open[0].send(Uint8Array.from([255, 0]));
    expect((await first).at(-1)).toEqual([3, JSON.stringify({ metadata: {}, status: "Success" })]);
    const next = await request(execPath(session.id, "command=hostname&container=box&stdout=true"), { headers: upgrade("v5.channel.k8s.io", session.editKey) });
    expect(next.status).toBe(101);
    next.webSocket!.accept();
    for (const socket of open.slice(1)) socket.close(1000);
  });
});
