import { describe, expect, it } from "vitest";
import { command, createSession, errorOf, isCommand, postJson, read, request, run, Watcher } from "../helpers.ts";

interface EditReply {
  seq: number;
  command: string;
  output: string;
  exitCode: number;
  editing?: { editor: string; title: string };
  resumed?: string;
  edit?: { token: string; editor: string; title: string; content: string; message?: string };
}

function answer(id: string, key: string | undefined, editor: unknown): Promise<Response> {
  return postJson(`/api/sessions/${id}/commands`, { editor }, key === undefined ? {} : { Authorization: `Bearer ${key}` });
}

describe("the editor's save and cancel", () => {
  it("opens the editor on vi FILE, writes the saved text, and records both halves of the command", async () => {
    const created = await createSession({ setup: ["echo 'port: 80' > svc.yaml"] });
    const watcher = await Watcher.open(created.id);
    const opened = (await run(created.id, created.editKey, "vi svc.yaml")) as unknown as EditReply;
    expect(opened.output).toBe("");
    expect(opened.editing).toEqual({ editor: "vi", title: "svc.yaml" });
    expect(opened.edit).toMatchObject({ editor: "vi", title: "svc.yaml", content: "port: 80\n" });
    // Watchers learn that the student is editing, never the text.
    const broadcast = await watcher.next(isCommand(opened.seq));
    expect(broadcast.entry).toMatchObject({ editing: { editor: "vi", title: "svc.yaml" } });
    expect(JSON.stringify(broadcast)).not.toContain("port: 80");
    expect((await read(created.id)) as unknown).toMatchObject({ editing: { editor: "vi", title: "svc.yaml" } });

    const saved = await answer(created.id, created.editKey, { token: opened.edit!.token, content: "port: 8080\n" });
    expect(saved.status).toBe(200);
    const finished = (await saved.json()) as EditReply;
    expect(finished).toMatchObject({ seq: opened.seq + 1, command: "vi svc.yaml", output: "", exitCode: 0, resumed: "saved" });
    expect(finished.edit).toBeUndefined();
    expect((await run(created.id, created.editKey, "cat svc.yaml")).output).toBe("port: 8080\n");
    expect((await read(created.id)) as unknown).toMatchObject({ editing: null });
    watcher.socket.close();
  });

  it("needs the edit key, and a key-less read never gets the text", async () => {
    const created = await createSession();
    const opened = (await run(created.id, created.editKey, "nano notes.txt")) as unknown as EditReply;
    expect(await errorOf(await answer(created.id, undefined, { token: opened.edit!.token, content: "x" }))).toMatchObject({ status: 403 });
    expect(await errorOf(await answer(created.id, "wrong-key", { token: opened.edit!.token, cancel: true }))).toMatchObject({ status: 403 });
    expect((await read(created.id)) as unknown).not.toHaveProperty("edit");
    const withKey = (await (await request(`/api/sessions/${created.id}`, { headers: { Authorization: `Bearer ${created.editKey}` } })).json()) as { edit?: { token: string } };
    expect(withKey.edit?.token).toBe(opened.edit!.token);
  });

  it("refuses commands while the editor is open, and a stale token", async () => {
    const created = await createSession();
    const opened = (await run(created.id, created.editKey, "vi a.txt")) as unknown as EditReply;
    expect(await errorOf(await command(created.id, created.editKey, "ls"))).toMatchObject({ status: 409, code: "editor_open" });
    expect(await errorOf(await answer(created.id, created.editKey, { token: "0000", content: "x" }))).toMatchObject({ status: 409, code: "stale_editor" });
    const cancelled = (await (await answer(created.id, created.editKey, { token: opened.edit!.token, cancel: true })).json()) as EditReply;
    expect(cancelled).toMatchObject({ resumed: "cancelled", exitCode: 0 });
    expect(await errorOf(await answer(created.id, created.editKey, { token: opened.edit!.token, cancel: true }))).toMatchObject({ status: 409, code: "no_editor" });
    expect((await run(created.id, created.editKey, "ls a.txt")).output).toBe("ls: cannot access 'a.txt': No such file or directory\n");
  });

  it("validates the body: a token and either content or cancel: true", async () => {
    const created = await createSession();
    for (const editor of [{}, { token: "x" }, { token: "x", cancel: false }, { token: "x", content: 1 }, { token: "x", content: "a", cancel: true }]) {
      expect(await errorOf(await answer(created.id, created.editKey, editor))).toMatchObject({ status: 400, code: "bad_request" });
    }
  });

  it("takes a save up to a file's size, and no more", async () => {
    const created = await createSession();
    const opened = (await run(created.id, created.editKey, "vi big.txt")) as unknown as EditReply;
    expect(await errorOf(await answer(created.id, created.editKey, { token: opened.edit!.token, content: "x".repeat(256 * 1024 + 1) }))).toMatchObject({ status: 400 });
    const saved = await answer(created.id, created.editKey, { token: opened.edit!.token, content: "x".repeat(200 * 1024) });
    expect(saved.status).toBe(200);
    expect((await run(created.id, created.editKey, "wc -c big.txt")).output).toBe("204800 big.txt\n");
  });

  it("finishes kubectl edit with kubectl's message", async () => {
    const created = await createSession({ setup: ["kubectl create deployment web --image=nginx", "kubectl expose deployment web --port=80"] });
    const opened = (await run(created.id, created.editKey, "kubectl edit svc web")) as unknown as EditReply;
    const saved = (await (await answer(created.id, created.editKey, { token: opened.edit!.token, content: opened.edit!.content.replace("port: 80\n", "port: 8080\n") })).json()) as EditReply;
    expect(saved).toMatchObject({ command: "kubectl edit svc web", output: "service/web edited\n", exitCode: 0, resumed: "saved" });
  });

  it("do not open in setup commands, where nobody is at the console", async () => {
    const created = await createSession({ setup: ["vi x"] });
    const view = (await read(created.id)) as unknown as { editing: unknown; transcript: Array<{ output: string }> };
    expect(view.editing).toBeNull();
    expect(view.transcript[0].output).toContain("needs the browser console");
  });
});
