import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";
import { attachFrame, chooseProtocol, execLine, execSpec, type ExecSpec, execTarget, exitCodeStatus, frame, PlainLines, shellWord, terminalOutput, transcriptCommand, TtyLine } from "../../../worker/sim/api/exec.ts";

const START = Date.UTC(2026, 0, 1);

function session(commands: string[]): SessionState {
  let state = createSession({ seed: 7, now: START });
  for (const command of commands) state = execute(state, command, { now: state.cluster.now + 1000 }).state;
  // Long enough for the pods to be running.
  return execute(state, "true", { now: state.cluster.now + 20_000 }).state;
}

const query = (text: string) => [...new URLSearchParams(text)];

describe("pods/exec of the session's Kubernetes API", () => {
  const state = session(["kubectl run web --image=nginx", "kubectl apply -f - <<'EOF'\napiVersion: v1\nkind: Pod\nmetadata:\n  name: two\nspec:\n  containers:\n  - name: a\n    image: nginx\n  - name: b\n    image: httpd\nEOF"]);

  it("finds the pod and subresource in the path, and nothing in other paths", () => {
    expect(execTarget("/api/v1/namespaces/default/pods/web/exec")).toEqual({ namespace: "default", pod: "web", subresource: "exec" });
    expect(execTarget("/api/v1/namespaces/kube-system/pods/a%2Db/attach")).toEqual({ namespace: "kube-system", pod: "a-b", subresource: "attach" });
    expect(execTarget("/api/v1/namespaces/default/pods/web/log")).toBeUndefined();
    expect(execTarget("/api/v1/namespaces/default/pods/web")).toBeUndefined();
  });

  it("reads the repeated command words and the stream flags", () => {
    const spec = execSpec(state.cluster, { namespace: "default", pod: "web", subresource: "exec" }, query("command=sh&command=-c&command=echo+a+b&container=web&stdin=true&stdout=true&tty=true"));
    expect(spec).toEqual({ subresource: "exec", namespace: "default", pod: "web", container: "web", command: ["sh", "-c", "echo a b"], stdin: true, stdout: true, stderr: false, tty: true });
  });

  it("refuses as the API server does before the upgrade", () => {
    const refusal = (pod: string, q: string) => {
      const answer = execSpec(state.cluster, { namespace: "default", pod, subresource: "exec" }, query(q));
      if (!("status" in answer)) throw new Error("accepted");
      const body = JSON.parse(answer.body) as { message: string; reason: string };
      return `${answer.status} ${body.reason}: ${body.message}`;
    };
    expect(refusal("nope", "command=ls&stdout=true")).toBe('404 NotFound: pods "nope" not found');
    expect(refusal("web", "command=ls&stdout=true&container=x")).toBe("400 BadRequest: container x is not valid for pod web");
    expect(refusal("two", "command=ls&stdout=true")).toBe("400 BadRequest: a container name must be specified for pod two, choose one of: [a b]");
    expect(refusal("web", "stdout=true")).toBe('422 Invalid: PodExecOptions "" is invalid: command: Required value');
    expect(refusal("web", "command=ls")).toBe("400 BadRequest: you must specify at least 1 of stdin, stdout, stderr");
    expect(refusal("web", "command=ls&stdout=maybe")).toBe('400 BadRequest: strconv.ParseBool: parsing "maybe": invalid syntax');
  });

  it("picks v5, else v4, of the subprotocols the client offers", () => {
    expect(chooseProtocol("v5.channel.k8s.io")).toBe("v5.channel.k8s.io");
    expect(chooseProtocol("v4.channel.k8s.io, v5.channel.k8s.io")).toBe("v4.channel.k8s.io");
    expect(chooseProtocol("channel.k8s.io, v4.channel.k8s.io")).toBe("v4.channel.k8s.io");
    expect(chooseProtocol("base64.channel.k8s.io")).toBeUndefined();
    expect(chooseProtocol(undefined)).toBeUndefined();
  });

  it("frames data behind its channel byte, in UTF-8", () => {
    expect([...frame(1, "é\n")]).toEqual([1, 0xc3, 0xa9, 0x0a]);
  });

  it("says a non-zero exit in the ExitCode cause kubectl reads", () => {
    const status = JSON.parse(exitCodeStatus(["sh", "-c", "exit 3"], 3)) as { status: string; reason: string; details: { causes: Array<{ reason: string; message: string }> } };
    expect(status.status).toBe("Failure");
    expect(status.reason).toBe("NonZeroExitCode");
    expect(status.details.causes).toEqual([{ reason: "ExitCode", message: "3" }]);
  });

  it("runs the command through the console's kubectl exec, the words quoted as typed", () => {
    const spec: ExecSpec = { subresource: "exec", namespace: "default", pod: "web", container: "web", command: ["sh", "-c", "echo 'it''s' $HOSTNAME; exit 3"], stdin: false, stdout: true, stderr: true, tty: false };
    const line = execLine(spec);
    expect(line).toBe(`kubectl exec -n default web -c web -- sh -c 'echo '\\''it'\\'''\\''s'\\'' $HOSTNAME; exit 3'`);
    let out = "";
    let err = "";
    const result = execute({ ...state, shell: [state.shell[0]] }, line, { now: state.cluster.now, streams: { out: (t) => (out += t), err: (t) => (err += t) } });
    expect(out).toBe("its web\n");
    expect(err).toBe("command terminated with exit code 3\n");
    expect(result.exitCode).toBe(3);
    expect(transcriptCommand(spec)).toBe(`kubectl-client: exec web -- sh -c 'echo '\\''it'\\'''\\''s'\\'' $HOSTNAME; exit 3'`);
    expect(shellWord("a-b/c.d")).toBe("a-b/c.d");
  });

  it("keeps standard output and standard error apart for a stream, and both in the output", () => {
    let out = "";
    let err = "";
    const result = execute({ ...state, shell: [state.shell[0]] }, "kubectl exec web -- ls /nope /etc/hostname", { now: state.cluster.now, streams: { out: (t) => (out += t), err: (t) => (err += t) } });
    expect(out).toBe("/etc/hostname\n");
    expect(err).toBe("ls: cannot access '/nope': No such file or directory\ncommand terminated with exit code 2\n");
    // The console shows them interleaved, in the order written.
    expect(result.output).toBe("ls: cannot access '/nope': No such file or directory\n/etc/hostname\ncommand terminated with exit code 2\n");
  });
});

describe("pods/attach", () => {
  const state = session(["kubectl run web --image=nginx", "kubectl apply -f - <<'EOF'\napiVersion: v1\nkind: Pod\nmetadata:\n  name: shell\nspec:\n  containers:\n  - name: shell\n    image: busybox\n    command: [sh]\n    stdin: true\n    tty: true\nEOF"]);
  const spec = (pod: string): ExecSpec => ({ subresource: "attach", namespace: "default", pod, container: pod, command: [], stdin: true, stdout: true, stderr: false, tty: true });

  it("attaches to a main process that is a shell with stdin, as that process", () => {
    expect(attachFrame(state.cluster, spec("shell"))).toEqual({ kind: "pod", namespace: "default", pod: "shell", container: "shell", shell: "sh", attached: true });
    expect(transcriptCommand(spec("shell"))).toBe("kubectl-client: attach -it shell -c shell");
  });

  it("refuses a server's process, whose output kubectl logs -f shows", () => {
    const answer = attachFrame(state.cluster, spec("web"));
    expect("contentType" in answer && answer.status).toBe(400);
  });
});

describe("the pod's terminal for kubectl exec -it", () => {
  it("echoes what is typed and hands the shell whole lines on Enter", () => {
    const tty = new TtyLine();
    expect(tty.feed("ls")).toEqual({ echo: "ls", input: [] });
    expect(tty.feed(" -l\r")).toEqual({ echo: " -l\r\n", input: [{ line: "ls -l" }] });
  });

  it("edits the line: Backspace, Ctrl+U, and ignores arrow keys", () => {
    const tty = new TtyLine();
    expect(tty.feed("lsx\x7f\r")).toEqual({ echo: "lsx\b \b\r\n", input: [{ line: "ls" }] });
    expect(tty.feed("abc\x15pwd\x1b[A\r")).toEqual({ echo: "abc\b \b\b \b\b \bpwd\r\n", input: [{ line: "pwd" }] });
    expect(tty.feed("\x7f")).toEqual({ echo: "", input: [] });
  });

  it("turns Ctrl+C into an interrupt of the line and Ctrl+D on an empty line into the end of input", () => {
    const tty = new TtyLine();
    expect(tty.feed("sleep\x03")).toEqual({ echo: "sleep^C\r\n", input: ["interrupt"] });
    expect(tty.feed("x\x04")).toEqual({ echo: "x", input: [] });
    expect(tty.feed("\x15\x04")).toEqual({ echo: "\b \b", input: ["eof"] });
  });

  it("sends output with CR LF line ends, as a terminal does", () => {
    expect(terminalOutput("a\nb\r\n")).toBe("a\r\nb\r\n");
  });

  it("reads lines without a terminal as they complete, the last one at the end of input", () => {
    const lines = new PlainLines();
    expect(lines.feed("echo a\nech")).toEqual(["echo a"]);
    expect(lines.feed("o b\nexit")).toEqual(["echo b"]);
    expect(lines.end()).toEqual(["exit"]);
    expect(lines.end()).toEqual([]);
  });
});
