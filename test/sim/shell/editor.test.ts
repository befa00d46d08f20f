import { describe, expect, it } from "vitest";
import { createSession, execute } from "../../../worker/sim/engine.ts";
import { editorConsole } from "../console.ts";

describe("vi, vim and nano", () => {
  it("open the file's text in the editor and write what is saved", () => {
    const c = editorConsole();
    c.run("printf 'a: 1\\n' > f.yaml");
    const opened = c.run("vi f.yaml");
    expect(opened.output).toBe("");
    expect(opened.editor).toMatchObject({ editor: "vi", title: "f.yaml", content: "a: 1\n" });
    expect(c.state.editing?.token).toBe(opened.editor!.token);
    const saved = c.reply({ token: opened.editor!.token, content: "a: 2\n" });
    expect(saved.editor).toBeUndefined();
    expect(saved.exitCode).toBe(0);
    expect(c.state.editing).toBeUndefined();
    expect(c.run("cat f.yaml").output).toBe("a: 2\n");
  });

  it("leave the file as it was when the edit is cancelled", () => {
    const c = editorConsole();
    c.run("echo keep > f");
    const opened = c.run("nano f");
    expect(opened.editor?.editor).toBe("nano");
    c.reply({ token: opened.editor!.token, cancel: true });
    expect(c.run("cat f").output).toBe("keep\n");
  });

  it("say a new file is new, and create it on save", () => {
    const c = editorConsole();
    expect(c.run("vim new.txt").editor).toMatchObject({ content: "", message: '"new.txt" [New]' });
    c.reply({ token: c.state.editing!.token, content: "hello\n" });
    expect(c.run("cat new.txt").output).toBe("hello\n");
    expect(c.run("nano other.txt").editor?.message).toBe("[ New File ]");
  });

  it("stay open with vim's message when the file cannot be written", () => {
    const c = editorConsole();
    const opened = c.run("vi /etc/hostname");
    const failed = c.reply({ token: opened.editor!.token, content: "changed\n" });
    expect(failed.editor).toMatchObject({ message: `"/etc/hostname" E212: Can't open file for writing`, content: "changed\n" });
    expect(failed.editor!.token).not.toBe(opened.editor!.token);
    expect(c.run("cat /etc/hostname").output).toBe("-bash: the console is in vi (/etc/hostname): save or cancel the edit first\n");
  });

  it("stop the line there: what follows the editor does not run before it closes", () => {
    const c = editorConsole();
    const opened = c.run("vi f; echo after");
    expect(opened.output).toBe("");
    expect(opened.editor).toBeDefined();
  });

  it("say plainly that they need the browser console where there is none (npm run sim)", () => {
    const state = createSession({ seed: 1, now: 0 });
    const result = execute(state, "vi f.yaml", { now: 1000 });
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain("vi: this editor needs the browser console");
    expect(result.state.editing).toBeUndefined();
  });

  it("are busybox's vi in a busybox pod, and missing from images without an editor", () => {
    const c = editorConsole();
    c.run("kubectl run bb --image=busybox -- sleep 3600");
    c.run("kubectl run web --image=nginx");
    c.run("kubectl wait --for=condition=Ready pod/bb pod/web");
    c.run("kubectl exec -it web -- bash");
    expect(c.run("vi x").output).toBe("bash: vi: command not found\n");
    c.run("exit");
    c.run("kubectl exec -it bb -- sh");
    expect(c.run("vi /tmp/x").editor?.editor).toBe("vi");
  });
});
