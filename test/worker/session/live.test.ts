import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createSession, type Entry, errorOf, type Message, isCommand, isType, read, request, run, Watcher } from "../helpers.ts";

const stubOf = (id: string) => env.SESSIONS.get(env.SESSIONS.idFromName(id));

describe("GET /api/sessions/:id/live", () => {
  it("greets a watcher with the seq, the prompt and the cluster view", async () => {
    const session = await createSession();
    const watcher = await Watcher.open(session.id);
    const hello = await watcher.next(isType("hello"));
    expect(hello).toMatchObject({ sessionId: session.id, seq: 0, prompt: "student@workstation:~$ " });
    expect(hello.cluster).toHaveProperty("pods");
    watcher.close();
  });

  it("sends every command to every watcher", async () => {
    const session = await createSession();
    const [a, b] = await Promise.all([Watcher.open(session.id), Watcher.open(session.id)]);
    await run(session.id, session.editKey, "echo to everyone");
    for (const watcher of [a, b]) {
      const message = await watcher.next(isCommand(1));
      expect(message.entry).toMatchObject({ seq: 1, command: "echo to everyone" });
    }
    a.close();
    b.close();
  });

  it("keeps broadcasting to hibernated watchers after the object is evicted", async () => {
    const session = await createSession();
    const [a, b] = await Promise.all([Watcher.open(session.id), Watcher.open(session.id)]);
    await run(session.id, session.editKey, "echo before");
    await Promise.all([a.next(isCommand(1)), b.next(isCommand(1))]);
    await evictDurableObject(stubOf(session.id), { webSockets: "hibernate" });
    await run(session.id, session.editKey, "echo after eviction");
    for (const watcher of [a, b]) expect((await watcher.next(isCommand(2))).entry).toMatchObject({ command: "echo after eviction" });
    a.close();
    b.close();
  });

  it("replays what a returning watcher missed with ?since=", async () => {
    const session = await createSession();
    for (const text of ["echo 1", "echo 2", "echo 3"]) await run(session.id, session.editKey, text);
    const watcher = await Watcher.open(session.id, "?since=1");
    expect(await watcher.next(isType("hello"))).toMatchObject({ seq: 3, transcriptStart: 2 });
    expect((await watcher.next(isType("command"))).entry).toMatchObject({ seq: 2, command: "echo 2" });
    expect((await watcher.next(isType("command"))).entry).toMatchObject({ seq: 3, command: "echo 3" });
    await run(session.id, session.editKey, "echo 4");
    expect((await watcher.next(isType("command"))).entry).toMatchObject({ seq: 4 });
    watcher.close();
  });

  it("is read-only until the socket sends the edit key", async () => {
    const session = await createSession();
    const watcher = await Watcher.open(session.id);
    watcher.send({ type: "command", command: "echo sneaky", id: "c1" });
    expect(await watcher.next(isType("error"))).toMatchObject({ code: "forbidden", id: "c1" });
    watcher.send({ type: "auth", key: "A".repeat(43) });
    expect(await watcher.next(isType("error"))).toMatchObject({ code: "forbidden" });
    watcher.send({ type: "command", command: "echo still sneaky" });
    expect(await watcher.next(isType("error"))).toMatchObject({ code: "forbidden" });
    expect((await read(session.id)).seq).toBe(0);
    watcher.close();
  });

  it("runs commands from a socket that sent the key, in order, and broadcasts them to the others", async () => {
    const session = await createSession();
    const editor = await Watcher.open(session.id);
    const viewer = await Watcher.open(session.id);
    editor.send({ type: "auth", key: session.editKey });
    editor.send({ type: "command", command: "echo one", id: "a" });
    editor.send({ type: "command", command: "echo two", id: "b" });
    expect(await editor.next(isType("auth"))).toEqual({ type: "auth", ok: true });
    expect(await editor.next(isType("ack"))).toEqual({ type: "ack", id: "a", seq: 1 });
    expect(await editor.next(isType("ack"))).toEqual({ type: "ack", id: "b", seq: 2 });
    expect(((await viewer.next(isCommand(1))).entry as Entry).command).toBe("echo one");
    expect(((await viewer.next(isCommand(2))).entry as Entry).command).toBe("echo two");
    expect((await read(session.id)).transcript.map((e) => e.command)).toEqual(["echo one", "echo two"]);
    editor.close();
    viewer.close();
  });

  it("keeps a socket's permission across an eviction", async () => {
    const session = await createSession();
    const editor = await Watcher.open(session.id);
    editor.send({ type: "auth", key: session.editKey });
    await editor.next(isType("auth"));
    await evictDurableObject(stubOf(session.id), { webSockets: "hibernate" });
    editor.send({ type: "command", command: "echo after", id: "x" });
    expect(await editor.next(isType("ack"))).toEqual({ type: "ack", id: "x", seq: 1 });
    editor.close();
  });

  it.each([
    ["not JSON", "hello?"],
    ["an unknown type", { type: "sudo" }],
    ["a command that is not a string", { type: "command", command: 42 }],
  ])("answers %s with an error and keeps the socket open", async (_name, message) => {
    const session = await createSession();
    const watcher = await Watcher.open(session.id);
    watcher.send(message);
    expect(await watcher.next(isType("error"))).toMatchObject({ code: "bad_request" });
    await run(session.id, session.editKey, "echo still here");
    expect(await watcher.next(isCommand(1))).toBeTruthy();
    watcher.close();
  });

  it("refuses messages over 16 KB", async () => {
    const session = await createSession();
    const watcher = await Watcher.open(session.id);
    watcher.send({ type: "command", command: "x".repeat(17 * 1024) });
    expect(await watcher.next(isType("error"))).toMatchObject({ code: "payload_too_large" });
    watcher.close();
  });

  it("answers a ping with a pong", async () => {
    const session = await createSession();
    const watcher = await Watcher.open(session.id);
    watcher.send({ type: "ping" });
    expect(await watcher.next(isType("pong"))).toEqual({ type: "pong" });
    watcher.close();
  });

  it("answers 404 for an unknown or malformed session", async () => {
    for (const id of ["AAAAAAAAAAAAAAAAAAAAAA", "nope"]) {
      const response = await request(`/api/sessions/${id}/live`, { headers: { Upgrade: "websocket" } });
      expect(await errorOf(response)).toMatchObject({ status: 404, code: "session_not_found" });
    }
  });
});

describe("pod lifecycle on the live socket", () => {
  it("broadcasts the cluster view when a pod finishes starting, driven by the alarm", async () => {
    const session = await createSession();
    const watcher = await Watcher.open(session.id);
    await run(session.id, session.editKey, "kubectl run web --image=nginx");
    const statusOf = (m: Message) => (m.cluster as { pods: Array<{ name: string; status: string }> }).pods.find((p) => p.name === "web")?.status;
    expect(statusOf(await watcher.next(isType("cluster")))).toBe("ContainerCreating");
    const running = await watcher.next((m) => m.type === "cluster" && statusOf(m) === "Running", 10_000);
    expect(running.seq).toBe(1);
    watcher.close();
  }, 15_000);
});
