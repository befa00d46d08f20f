// Redirections to /dev/null and between standard output and standard error, as bash applies
// them (left to right). Files are in test/sim/shell/file-redirections.test.ts.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";
import { parseLine } from "../../../worker/sim/shell/tokenizer.ts";

const console_ = () => simTerminal(3, 3000);

describe("redirections", () => {
  const run = console_();
  run("kubectl run web --image=nginx");

  it.each([
    ["kubectl get pod nosuch 2>/dev/null", "", 1],
    ["kubectl get pods > /dev/null && echo quiet", "quiet\n", 0],
    ["kubectl get pods >/dev/null 2>&1; echo $?", "0\n", 0],
    ["kubectl get pod nosuch &> /dev/null || echo missing", "missing\n", 0],
    ["kubectl get pod nosuch 2>&1 | wc -l", "1\n", 0],
    ['kubectl get pod nosuch 2>&1 >/dev/null', 'Error from server (NotFound): pods "nosuch" not found\n', 1],
    ["echo to-stderr >&2 2>/dev/null", "to-stderr\n", 0],
    ["cat < /dev/null; echo end", "end\n", 0],
    ["echo 2>/dev/null ok", "ok\n", 0],
    ["echo a2>/dev/null", "", 0],
    ["echo '2'>/dev/null x", "", 0],
  ])("%s", (line, output, exitCode) => {
    expect(run(line)).toEqual({ output, exitCode });
  });

  it("makes curl draw its progress meter when its output goes to /dev/null, as real curl does", () => {
    const { output } = run("curl http://192.168.56.11:1 > /dev/null");
    expect(output).toMatch(/^ {2}% Total {4}% Received % Xferd/);
    expect(output).toMatch(/curl: \(7\) Failed to connect to 192\.168\.56\.11 port 1 after \d+ ms: Couldn't connect to server\n$/);
  });

  it("refuses a missing target the way bash does", () => {
    expect(parseLine("echo a 2>")).toEqual({ ok: false, error: "-bash: syntax error near unexpected token `newline'\n" });
    expect(parseLine("echo a >&")).toEqual({ ok: false, error: "-bash: syntax error near unexpected token `newline'\n" });
  });
});
