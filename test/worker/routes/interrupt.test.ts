// Ctrl+C in the browser console: POST {interrupt: true} stops the command that holds the console
// in the foreground (kubectl port-forward without &).
import { describe, expect, it } from "vitest";
import { createSession, errorOf, postJson, run } from "../helpers.ts";

interface Reply {
  seq: number;
  command: string;
  output: string;
  exitCode: number;
  resumed?: string;
  running?: boolean;
}

function interrupt(id: string, key: string | undefined): Promise<Response> {
  return postJson(`/api/sessions/${id}/commands`, { interrupt: true }, key === undefined ? {} : { Authorization: `Bearer ${key}` });
}

describe("Ctrl+C (interrupt)", () => {
  it("stops a foreground kubectl port-forward: the entry resumes it with ^C and status 130, and the console is free again", async () => {
    const created = await createSession({ setup: ["kubectl run web --image=nginx", "sleep 30"] });
    const held = (await run(created.id, created.editKey, "kubectl port-forward pod/web 8080:80")) as unknown as Reply;
    expect(held).toMatchObject({ output: "Forwarding from 127.0.0.1:8080 -> 80\nForwarding from [::1]:8080 -> 80\n", exitCode: 0, running: true });
    expect((await run(created.id, created.editKey, "echo hi")).output).toMatch(/press Ctrl\+C to stop it/);
    expect(await errorOf(await interrupt(created.id, undefined))).toMatchObject({ status: 403 });
    const stopped = await interrupt(created.id, created.editKey);
    expect(stopped.status).toBe(200);
    const entry = (await stopped.json()) as Reply;
    expect(entry).toMatchObject({ command: "kubectl port-forward pod/web 8080:80", output: "^C\n", exitCode: 130, resumed: "interrupted" });
    expect(entry.running).toBeUndefined();
    expect((await run(created.id, created.editKey, "echo $?")).output).toBe("130\n");
  });

  it("answers 409 when nothing runs in the foreground", async () => {
    const created = await createSession();
    expect(await errorOf(await interrupt(created.id, created.editKey))).toMatchObject({ status: 409, code: "not_running" });
  });
});
