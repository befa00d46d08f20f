// kubectl run -i/-t: the pod's main process is attached to the console, as run.go and attach.go
// behave in v1.34: a shell with stdin open keeps running until `exit`, a one-shot command runs
// attached and prints its output, and --rm deletes the pod when the session ends.

import { describe, expect, it } from "vitest";
import { processBehaviour } from "../../../worker/sim/cluster/process.ts";
import type { Container } from "../../../worker/sim/cluster/types.ts";
import { runScript } from "../../../worker/sim/cli/transcript.ts";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";

const NOTICE =
  "All commands and output from this session will be recorded in container logs, including credentials and sensitive information passed through the command prompt.\n" +
  "If you don't see a command prompt, try pressing enter.\n";

function session(): { run: (line: string) => ReturnType<typeof execute>; state: () => SessionState } {
  let state = createSession({ seed: 7, now: Date.UTC(2026, 0, 1) });
  let now = Date.UTC(2026, 0, 1);
  return {
    run(line) {
      now = Math.max(now + 3000, state.cluster.now);
      const result = execute(state, line, { now });
      state = result.state;
      return result;
    },
    state: () => state,
  };
}

describe("processBehaviour with stdin", () => {
  const c = (extra: Partial<Container>): Container => ({ name: "x", image: "busybox", ...extra });
  it.each([
    ["a shell with stdin open keeps running", c({ args: ["sh"], stdin: true, stdinOnce: true, tty: true }), "forever"],
    ["a shell without stdin ends at once", c({ args: ["sh"] }), "exits"],
    ["busybox's default shell with stdin keeps running", c({ stdin: true }), "forever"],
    ["busybox's default shell without stdin ends", c({}), "exits"],
    ["`cat` with stdin open keeps running", c({ command: ["cat"], stdin: true }), "forever"],
    ["a client command of kubectl run -i runs attached", c({ args: ["wget", "-qO-", "nginx"], stdin: true, stdinOnce: true }), "attached"],
    ["a client command without an attached client runs on its own", c({ args: ["wget", "-qO-", "nginx"] }), "exits"],
    ["sh -c is a script, stdin or not", c({ args: ["sh", "-c", "sleep 5"], stdin: true, stdinOnce: true }), "exits"],
    ["a server runs whatever its stdin", c({ image: "nginx", stdin: true }), "forever"],
  ])("%s", (_name, container, kind) => {
    expect(processBehaviour(container).kind).toBe(kind);
  });
});

describe("kubectl run -it", () => {
  it("opens a shell in the pod, and exit deletes the pod with --rm", () => {
    const s = session();
    const run = s.run("kubectl run tmp --rm -it --image=busybox -- sh");
    expect(run.exitCode).toBe(0);
    expect(run.output).toBe(NOTICE);
    expect(run.prompt).toBe("/ # ");
    const pod = s.state().cluster.pods["default/tmp"];
    expect(pod.spec.containers[0]).toMatchObject({ stdin: true, stdinOnce: true, tty: true });
    expect(pod.status.phase).toBe("Running");
    expect(s.run("hostname").output).toBe("tmp\n");
    const exit = s.run("exit");
    expect(exit.output).toBe(
      "Session ended, resume using 'kubectl attach tmp -c tmp -i -t' command when the pod is running\npod \"tmp\" deleted from default namespace\n",
    );
    expect(exit.prompt).toBe("student@workstation:~$ ");
    expect(s.state().cluster.pods["default/tmp"]?.metadata.deletionTimestamp).toBeDefined();
  });

  it("restarts the shell's container after exit when the pod stays (restartPolicy Always)", () => {
    const s = session();
    s.run("kubectl run keep -it --image=ubuntu");
    expect(s.run("exit 3").output).toBe("exit\nSession ended, resume using 'kubectl attach keep -c keep -i -t' command when the pod is running\n");
    s.run("true");
    const status = s.state().cluster.pods["default/keep"].status.containerStatuses![0];
    expect(status.restartCount).toBe(1);
    expect(status.lastState.terminated?.exitCode).toBe(3);
    expect(status.state.running).toBeDefined();
  });

  it.each([
    ["a successful command exits 0 after the deletion", "nginx", 0, /Welcome to nginx!/, "pod \"tmp2\" deleted from default namespace\n"],
    ["a failing command reports the pod's termination and its exit code", "nosuch", 1, /wget: bad address 'nosuch'/, "pod \"tmp2\" deleted from default namespace\npod default/tmp2 terminated (Error)\n"],
  ])("runs a one-shot command attached with --restart=Never: %s", (_name, host, code, body, tail) => {
    const s = session();
    s.run("kubectl create deployment nginx --image=nginx");
    s.run("kubectl expose deployment nginx --port=80");
    const r = s.run(`kubectl run tmp2 --rm -it --restart=Never --image=busybox -- wget -qO- ${host}`);
    expect(r.exitCode).toBe(code);
    expect(r.output.startsWith(NOTICE)).toBe(true);
    expect(r.output).toMatch(body);
    expect(r.output.endsWith(tail)).toBe(true);
    expect(r.prompt).toBe("student@workstation:~$ ");
  });

  it("rejects --rm without attaching, as kubectl does", () => {
    const { transcript } = runScript("kubectl run x --rm --image=busybox\n");
    expect(transcript).toContain("error: --rm should only be used for attached containers");
  });
});
