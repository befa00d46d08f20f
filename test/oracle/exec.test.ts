// Real kubectl exec through a session's Kubernetes API (pods/exec over WebSocket, v5.channel.k8s.io)
// beside the console's kubectl exec on the same cluster: the same output, the same exit codes, the
// same refusals; an interactive shell through a terminal; each command a change of the session.

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, inject, it } from "vitest";
import { KUBECTL } from "./oracle.ts";

const SETUP = ["kubectl run web --image=nginx", "kubectl run box --image=busybox -- sleep 3600", "kubectl run pg --image=postgres --env=POSTGRES_PASSWORD=pw"];

/** Commands whose output is one stream (or whose two streams cannot interleave differently). */
const COMMANDS = [
  "kubectl exec web -- hostname",
  "kubectl exec web -- cat /etc/hostname",
  "kubectl exec box -- sh -c 'echo one; echo two; exit 3'",
  "kubectl exec box -- ls /nope",
  "kubectl exec web -c web -- printenv HOSTNAME",
  "kubectl exec web -c nope -- hostname",
  "kubectl exec nope -- hostname",
  "kubectl exec pod/box -- wget -qO- http://127.0.0.1:1",
];

interface Session {
  id: string;
  editKey: string;
}

function getInsecure(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { headers, rejectUnauthorized: false }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => (response.statusCode === 200 ? resolve(body) : reject(new Error(`${response.statusCode} ${body}`))));
    }).on("error", reject);
  });
}

interface Ran {
  stdout: string;
  stderr: string;
  code: number;
}

/** Real kubectl, its streams apart, through /bin/sh so the quoting is a shell's (as the console's). */
function kubectl(kubeconfig: string, home: string, command: string, input?: string): Promise<Ran> {
  const line = `"$KUBECTL" --kubeconfig "$KUBECONFIG_FILE"${command.slice("kubectl".length)}`;
  return new Promise((resolve) => {
    const child = execFile("/bin/sh", ["-c", line], { cwd: home, env: { PATH: process.env.PATH ?? "", HOME: home, KUBECTL, KUBECONFIG_FILE: kubeconfig }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, code: error ? ((error as { code?: number }).code ?? -1) : 0 });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

it("real kubectl exec prints what the console's kubectl exec prints, exits as it exits, and is a change of the session", async () => {
  const baseUrl = inject("baseUrl");
  const created = await fetch(`${baseUrl}/api/sessions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ setup: SETUP }) });
  expect(created.status).toBe(201);
  const session = (await created.json()) as Session;
  const consoleRun = async (command: string) => {
    const response = await fetch(`${baseUrl}/api/sessions/${session.id}/commands`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${session.editKey}` }, body: JSON.stringify({ command }) });
    return (await response.json()) as { output: string; exitCode: number };
  };
  const home = mkdtempSync(join(tmpdir(), "kube-oracle-exec-"));
  const held: ChildProcess[] = [];
  try {
    const kubeconfig = join(home, "kubeconfig");
    // kubectl sends a token only over TLS: the editor's kubeconfig is npm start's https one.
    writeFileSync(kubeconfig, await getInsecure(`${inject("httpsUrl")}/api/sessions/${session.id}/kubeconfig`, { Authorization: `Bearer ${session.editKey}` }));
    const readOnly = join(home, "read-only");
    writeFileSync(readOnly, await (await fetch(`${baseUrl}/api/sessions/${session.id}/kubeconfig`)).text());
    await new Promise((r) => setTimeout(r, 5000));

    const differing: Array<{ command: string; console: string; kubectl: string }> = [];
    for (const command of COMMANDS) {
      const real = await kubectl(kubeconfig, home, command);
      const fromConsole = await consoleRun(command);
      // The runtime's exec id is random on both sides.
      const same = (t: string) => t.replace(/failed to start exec "[0-9a-f]{64}"/, 'failed to start exec "ID"');
      const fromKubectl = real.stdout + real.stderr;
      if (same(fromKubectl) !== same(fromConsole.output) || real.code !== fromConsole.exitCode) differing.push({ command, console: `${fromConsole.output}[${fromConsole.exitCode}]`, kubectl: `${fromKubectl}[${real.code}]` });
    }
    expect(differing).toEqual([]);

    // Standard output and standard error come on their own channels; the exit code is the command's.
    const split = await kubectl(kubeconfig, home, "kubectl exec box -- sh -c 'echo out; echo err >&2; exit 4'");
    expect(split).toEqual({ stdout: "out\n", stderr: "err\ncommand terminated with exit code 4\n", code: 4 });
    const missing = await kubectl(kubeconfig, home, "kubectl exec web -- nothere");
    expect(missing.stderr).toMatch(/^error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "nothere": executable file not found in \$PATH: unknown\n$/);
    expect(missing.code).toBe(1);

    // -i: the lines sent on stdin run in the pod's shell; at its end the shell exits with the last status.
    expect(await kubectl(kubeconfig, home, "kubectl exec -i box -- sh", "hostname\ncd /etc\npwd\nls /nope\n")).toEqual({ stdout: "box\n/etc\n", stderr: "ls: /nope: No such file or directory\ncommand terminated with exit code 1\n", code: 1 });
    expect(await kubectl(kubeconfig, home, "kubectl exec -i box -- sh", "echo hi\nexit 5\necho never\n")).toEqual({ stdout: "hi\n", stderr: "command terminated with exit code 5\n", code: 5 });

    // -i to a program that is not a shell: it reads all of stdin (kubectl closes it at the end, v5's CLOSE) and answers once.
    expect(await kubectl(kubeconfig, home, "kubectl exec -i box -- cat", "one\ntwo\nno newline")).toEqual({ stdout: "one\ntwo\nno newline", stderr: "", code: 0 });
    expect(await kubectl(kubeconfig, home, "kubectl exec -i box -- wc -l", "a\nb\nc\n")).toEqual({ stdout: "3\n", stderr: "", code: 0 });
    expect(await kubectl(kubeconfig, home, "kubectl exec -i box -- sh -c 'grep -c b; exit 2'", "a\nb\nbb\n")).toEqual({ stdout: "2\n", stderr: "command terminated with exit code 2\n", code: 2 });
    expect(await kubectl(kubeconfig, home, "kubectl exec -i box -- cat", "")).toEqual({ stdout: "", stderr: "", code: 0 });
    // psql reads a script on stdin: each statement at its semicolon, an error (without the line: only -f names it), the script going on.
    let ready = -1;
    for (const deadline = Date.now() + 30_000; ready !== 0 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      ready = (await kubectl(kubeconfig, home, "kubectl exec pg -- psql -U postgres -c 'select 1'")).code;
    }
    expect(await kubectl(kubeconfig, home, "kubectl exec -i pg -- psql -U postgres", "create table t (id int);\ninsert into t values (7);\nselect * from nope;\nselect * from t;\n")).toEqual({
      stdout: "CREATE TABLE\nINSERT 0 1\n id \n----\n  7\n(1 row)\n\n",
      stderr: 'ERROR:  relation "nope" does not exist\nLINE 1: select * from nope;\n                      ^\n',
      code: 0,
    });

    // The console's kubectl exec -i reads its own standard input the same way.
    for (const [input, command] of [["a\nb\nc\n", "wc -l"], ["x\ny\n", "head -1"]]) {
      const real = await kubectl(kubeconfig, home, `kubectl exec -i box -- ${command}`, input);
      const fromConsole = await consoleRun(`printf '${input.replace(/\n/g, "\\n")}' | kubectl exec -i box -- ${command}`);
      expect(`${real.stdout}${real.stderr}[${real.code}]`).toBe(`${fromConsole.output}[${fromConsole.exitCode}]`);
    }

    // The read-only kubeconfig may not exec (kubectl's SPDY retry is what it prints: create).
    const forbidden = await kubectl(readOnly, home, "kubectl exec web -- hostname");
    expect(forbidden.stdout + forbidden.stderr).toBe('Error from server (Forbidden): pods "web" is forbidden: User "system:anonymous" cannot create resource "pods/exec" in API group "" in the namespace "default"\n');

    // Each exec is in the transcript as the request it was, and changes what the console sees.
    await kubectl(kubeconfig, home, "kubectl exec box -- touch /tmp/from-kubectl");
    expect((await consoleRun("kubectl exec box -- ls /tmp")).output).toBe("from-kubectl\n");
    const transcript = ((await (await fetch(`${baseUrl}/api/sessions/${session.id}`)).json()) as { transcript: Array<{ command: string; output: string }> }).transcript;
    const commands = transcript.map((e) => e.command);
    expect(commands).toContain("kubectl-client: exec web -- hostname");
    expect(commands).toContain("kubectl-client: exec -i box -- sh: cd /etc");
    expect(transcript.find((e) => e.command === "kubectl-client: exec -i box -- wc -l")?.output).toBe("3\n");
    expect(transcript.find((e) => e.command === "kubectl-client: exec box -- sh -c 'echo out; echo err >&2; exit 4'")?.output).toBe("out\nerr\ncommand terminated with exit code 4\n");

    // At most 5 streams at once: five shells held open by their stdin, then the sixth is refused.
    // The commands above spent the session's command bucket (a burst of 40 at 20/s): let it refill,
    // so the sixth meets the stream limit, not the rate limit.
    await new Promise((r) => setTimeout(r, 3000));
    for (let i = 0; i < 5; i++) {
      const child = spawn(KUBECTL, ["--kubeconfig", kubeconfig, "exec", "-i", "box", "--", "sh"], { env: { PATH: process.env.PATH ?? "", HOME: home }, stdio: ["pipe", "pipe", "pipe"] });
      held.push(child);
      let stderr = "";
      child.stderr!.on("data", (d) => (stderr += d));
      child.stdin!.write("echo ready\n");
      // A shell that never answers (kubectl refused and exited) fails the test instead of hanging it.
      await new Promise<void>((resolve, reject) => {
        child.stdout!.once("data", () => resolve());
        child.once("exit", (code) => reject(new Error(`kubectl exec -i box -- sh (stream ${i + 1}) exited ${code}: ${stderr}`)));
      });
    }
    const sixth = await kubectl(kubeconfig, home, "kubectl exec box -- hostname");
    expect(sixth.stdout + sixth.stderr).toMatch(/too many open exec streams on this session \(at most 5\)/);
    for (const child of held) child.stdin!.end("exit\n");
    await Promise.all(held.map((child) => new Promise((r) => (child.exitCode === null ? child.once("exit", r) : r(undefined)))));
    // The session counts a stream until its socket's close reaches it, which may come after kubectl
    // has exited: a new exec is taken once the closes are in (a refusal meanwhile says so on stderr).
    let last = { stdout: "", stderr: "" };
    await expect
      .poll(
        async () => {
          last = await kubectl(kubeconfig, home, "kubectl exec box -- hostname");
          if (last.stdout !== "box\n") console.log(`kubectl exec after the streams closed: ${JSON.stringify(last)}`);
          return last.stdout;
        },
        { timeout: 15_000, interval: 500, message: "kubectl exec after the streams closed (its stderr is printed above on failure)" },
      )
      .toBe("box\n");
  } finally {
    for (const child of held) child.kill();
    rmSync(home, { recursive: true, force: true });
  }
});

// A terminal: `script` gives kubectl one, so -it puts it in raw mode as a learner's terminal would be.
it.skipIf(!existsSync("/usr/bin/script"))("real kubectl exec -it opens the simulated shell: echo, prompt, output, exit with its code", async () => {
  const baseUrl = inject("baseUrl");
  const created = await fetch(`${baseUrl}/api/sessions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ setup: SETUP }) });
  const session = (await created.json()) as Session;
  const home = mkdtempSync(join(tmpdir(), "kube-oracle-exec-it-"));
  try {
    const kubeconfig = join(home, "kubeconfig");
    writeFileSync(kubeconfig, await getInsecure(`${inject("httpsUrl")}/api/sessions/${session.id}/kubeconfig`, { Authorization: `Bearer ${session.editKey}` }));
    await new Promise((r) => setTimeout(r, 5000));
    const child = spawn("/usr/bin/script", ["-qfec", `"${KUBECTL}" --kubeconfig "${kubeconfig}" exec -it box -- sh`, "/dev/null"], { env: { PATH: process.env.PATH ?? "", HOME: home, TERM: "dumb" }, stdio: ["pipe", "pipe", "pipe"] });
    let screen = "";
    child.stdout!.on("data", (d: Buffer) => (screen += d.toString("utf8")));
    const until = async (text: string) => {
      const deadline = Date.now() + 20_000;
      while (!screen.includes(text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(screen).toContain(text);
    };
    await until("/ # ");
    child.stdin!.write("hostnamx\x7fe\r");
    await until("box\r\n/ # ");
    child.stdin!.write("cd /etc; pwd\r");
    await until("/etc # ");
    child.stdin!.write("exit 7\r");
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(screen).toBe("/ # hostnamx\b \be\r\nbox\r\n/ # cd /etc; pwd\r\n/etc\r\n/etc # exit 7\r\ncommand terminated with exit code 7\r\n");
    expect(code).toBe(7);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

it.skipIf(!existsSync("/usr/bin/script"))("real kubectl attach -it reaches the shell a pod was started with, and its exit restarts the container", async () => {
  const baseUrl = inject("baseUrl");
  const pod = "kubectl apply -f - <<'EOF'\napiVersion: v1\nkind: Pod\nmetadata:\n  name: shell\nspec:\n  containers:\n  - name: shell\n    image: busybox\n    command: [sh]\n    stdin: true\n    tty: true\nEOF";
  const created = await fetch(`${baseUrl}/api/sessions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ setup: [...SETUP, pod] }) });
  const session = (await created.json()) as Session;
  const home = mkdtempSync(join(tmpdir(), "kube-oracle-attach-"));
  try {
    const kubeconfig = join(home, "kubeconfig");
    writeFileSync(kubeconfig, await getInsecure(`${inject("httpsUrl")}/api/sessions/${session.id}/kubeconfig`, { Authorization: `Bearer ${session.editKey}` }));
    await new Promise((r) => setTimeout(r, 5000));
    const child = spawn("/usr/bin/script", ["-qfec", `"${KUBECTL}" --kubeconfig "${kubeconfig}" attach -it shell`, "/dev/null"], { env: { PATH: process.env.PATH ?? "", HOME: home, TERM: "dumb" }, stdio: ["pipe", "pipe", "pipe"] });
    let screen = "";
    child.stdout!.on("data", (d: Buffer) => (screen += d.toString("utf8")));
    const until = async (text: string) => {
      const deadline = Date.now() + 20_000;
      while (!screen.includes(text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(screen).toContain(text);
    };
    await until("pressing enter.\r\n");
    child.stdin!.write("\r");
    await until("/ # ");
    child.stdin!.write("hostname\r");
    await until("shell\r\n/ # ");
    child.stdin!.write("exit\r");
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    // The reattach hint is kubectl's own (attach.go), not the container's.
    expect(screen).toBe("If you don't see a command prompt, try pressing enter.\r\n\r\n/ # hostname\r\nshell\r\n/ # exit\r\nSession ended, resume using 'kubectl attach shell -c shell -i -t' command when the pod is running\r\n");
    expect(code).toBe(0);
    // The main process ended: the kubelet starts the container again (restartPolicy Always), after its back-off.
    let restarts = "";
    for (const deadline = Date.now() + 20_000; restarts !== "1" && Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      restarts = (await kubectl(kubeconfig, home, "kubectl get pod shell -o jsonpath={.status.containerStatuses[0].restartCount}")).stdout;
    }
    expect(restarts).toBe("1");
    // A server is not a shell: its output is what kubectl logs -f shows.
    const server = await kubectl(kubeconfig, home, "kubectl attach web");
    expect(server.stderr).toContain('attach is served for a container whose main process is an interactive shell (kubectl run -it web --image=busybox -- sh); the output of "web" is what kubectl logs -f shows');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
