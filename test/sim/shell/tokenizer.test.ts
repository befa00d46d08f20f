import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseLine, splitCommands } from "../../../worker/sim/shell/tokenizer.ts";

const words = (input: string) => {
  const result = parseLine(input);
  if (!result.ok) throw new Error(result.error);
  return result.line.pipeline;
};

describe("parseLine", () => {
  it.each([
    ["kubectl get pods", [["kubectl", "get", "pods"]]],
    ["  kubectl   get\tpods  ", [["kubectl", "get", "pods"]]],
    ["kubectl run x --image=nginx --labels='a=b,c=d'", [["kubectl", "run", "x", "--image=nginx", "--labels=a=b,c=d"]]],
    [`echo "a b" 'c d' e\\ f`, [["echo", "a b", "c d", "e f"]]],
    [`echo "say \\"hi\\" \\$x \\n"`, [["echo", 'say "hi" $x \\n']]],
    [`echo 'it''s'`, [["echo", "its"]]],
    [`echo '' ""`, [["echo", "", ""]]],
    ["kubectl get pods # all of them", [["kubectl", "get", "pods"]]],
    ["kubectl get pods#not-a-comment", [["kubectl", "get", "pods#not-a-comment"]]],
    ["# only a comment", []],
    ["", []],
    ["kubectl get pods | grep nginx | wc -l", [["kubectl", "get", "pods"], ["grep", "nginx"], ["wc", "-l"]]],
    ["kubectl get pods|grep -v x", [["kubectl", "get", "pods"], ["grep", "-v", "x"]]],
    ["kubectl exec p -- sh -c 'echo $HOME'", [["kubectl", "exec", "p", "--", "sh", "-c", "echo $HOME"]]],
    ["kubectl get \\\n pods", [["kubectl", "get", "pods"]]],
    ["kubectl get pods -o jsonpath='{.items[*].metadata.name}'", [["kubectl", "get", "pods", "-o", "jsonpath={.items[*].metadata.name}"]]],
  ])("splits %j into words", (input, expected) => {
    expect(words(input)).toEqual(expected);
  });

  it.each([
    ["echo 'abc", "-bash: unexpected EOF while looking for matching `''\n"],
    ['echo "abc', "-bash: unexpected EOF while looking for matching `\"'\n"],
    ["| grep x", "-bash: syntax error near unexpected token `|'\n"],
    ["kubectl get pods |", "-bash: syntax error: unexpected end of file\n"],
    ["cat <<", "-bash: syntax error near unexpected token `newline'\n"],
  ])("rejects %j as bash does", (input, error) => {
    expect(parseLine(input)).toEqual({ ok: false, error });
  });

  it("marks a pipeline ended by `&` as a background job with its text as bash's jobs shows it", () => {
    expect(parseLine("sleep 30 &")).toEqual({ ok: true, line: { pipeline: [["sleep", "30"]], background: true, jobText: "sleep 30" } });
    expect(parseLine("a > /dev/null 2>&1 & b")).toEqual({
      ok: true,
      line: { pipeline: [["a", { redirect: { fd: 1, to: "null" } }, { redirect: { fd: 2, dup: 1 } }]], background: true, jobText: "a > /dev/null 2>&1", then: [{ op: ";", pipeline: [["b"]] }] },
    });
    expect(parseLine("a; b | c &")).toEqual({ ok: true, line: { pipeline: [["a"]], then: [{ op: ";", pipeline: [["b"], ["c"]], background: true, jobText: "b | c" }] } });
  });

  it("rejects redirections of other descriptors and a whole and-or list in the background with a clear message", () => {
    for (const input of ["a 3> f", "a 4< f", "a && b &"]) {
      const result = parseLine(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(/^-bash: .*\n$/);
    }
  });

  it.each([
    ["a > f", { fd: 1, file: "f" }],
    ["a >> 'my file'", { fd: 1, file: "my file", append: true }],
    ["a 2>err.txt", { fd: 2, file: "err.txt" }],
    ["a &> all", { fd: "both", file: "all" }],
    ["a < in.yaml", { fd: 0, file: "in.yaml" }],
  ])("reads the file redirection in %j", (input, redirect) => {
    expect(parseLine(input)).toEqual({ ok: true, line: { pipeline: [["a", { redirect }]] } });
  });

  it.each([
    ["a && b", { pipeline: [["a"]], then: [{ op: "&&", pipeline: [["b"]] }] }],
    ["a || b", { pipeline: [["a"]], then: [{ op: "||", pipeline: [["b"]] }] }],
    ["a ; b", { pipeline: [["a"]], then: [{ op: ";", pipeline: [["b"]] }] }],
    ["a;b;", { pipeline: [["a"]], then: [{ op: ";", pipeline: [["b"]] }] }],
    ["a | b && c | d || e", { pipeline: [["a"], ["b"]], then: [{ op: "&&", pipeline: [["c"], ["d"]] }, { op: "||", pipeline: [["e"]] }] }],
    ["kubectl delete pod nginx && kubectl run nginx --image=nginx", { pipeline: [["kubectl", "delete", "pod", "nginx"]], then: [{ op: "&&", pipeline: [["kubectl", "run", "nginx", "--image=nginx"]] }] }],
    ["echo 'a && b' \\; c", { pipeline: [["echo", "a && b", ";", "c"]] }],
  ])("reads the list %j", (input, line) => {
    expect(parseLine(input)).toEqual({ ok: true, line });
  });

  it.each([
    ["&& b", "-bash: syntax error near unexpected token `&&'\n"],
    ["; b", "-bash: syntax error near unexpected token `;'\n"],
    ["a ;; b", "-bash: syntax error near unexpected token `;'\n"],
    ["a && || b", "-bash: syntax error near unexpected token `||'\n"],
    ["a | && b", "-bash: syntax error near unexpected token `&&'\n"],
    ["a &&", "-bash: syntax error: unexpected end of file\n"],
    ["a ||", "-bash: syntax error: unexpected end of file\n"],
  ])("rejects the broken list %j as bash does", (input, error) => {
    expect(parseLine(input)).toEqual({ ok: false, error });
  });

  it("feeds a heredoc to the first command of a list, and refuses one further on", () => {
    expect(parseLine("kubectl apply -f - <<EOF && kubectl get pods\nkind: Pod\nEOF")).toEqual({
      ok: true,
      line: { pipeline: [["kubectl", "apply", "-f", "-"]], stdin: "kind: Pod\n", then: [{ op: "&&", pipeline: [["kubectl", "get", "pods"]] }] },
    });
    expect(parseLine("a && cat <<EOF\nx\nEOF")).toEqual({ ok: false, error: "-bash: a heredoc is supported only on the first command of a line\n" });
  });

  it("feeds a heredoc body to the first command", () => {
    const result = parseLine("kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nEOF");
    expect(result).toEqual({
      ok: true,
      line: { pipeline: [["kubectl", "apply", "-f", "-"]], stdin: "apiVersion: v1\nkind: Pod\n" },
    });
  });

  it("accepts a quoted delimiter, <<- with tab stripping, and a here-string", () => {
    expect(parseLine("cat <<'END'\n  $x\nEND\n")).toMatchObject({ ok: true, line: { stdin: "  $x\n" } });
    expect(parseLine("cat <<-EOF\n\t\tindented\n\tEOF")).toMatchObject({ ok: true, line: { stdin: "indented\n" } });
    expect(parseLine("grep b <<< 'a b c'")).toMatchObject({ ok: true, line: { pipeline: [["grep", "b"]], stdin: "a b c\n" } });
  });

  it("runs a heredoc that reaches the end of input with bash's warning", () => {
    const result = parseLine("cat <<EOF\nline");
    expect(result).toEqual({
      ok: true,
      line: {
        pipeline: [["cat"]],
        stdin: "line\n",
        warning: "-bash: warning: here-document at line 1 delimited by end-of-file (wanted `EOF')\n",
      },
    });
  });

  it("keeps a heredoc when the pipe follows it on the first line", () => {
    expect(parseLine("cat <<EOF | grep a\na\nb\nEOF")).toEqual({
      ok: true,
      line: { pipeline: [["cat"], ["grep", "a"]], stdin: "a\nb\n" },
    });
  });

  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (input) => {
        const result = parseLine(input);
        expect(typeof result.ok).toBe("boolean");
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", " ", "'", '"', "\\", "|", "<", "<<", "EOF", "\n", "#", "-", "&", ";", "\t"), { maxLength: 40 }), (parts) => {
        const input = parts.join("");
        expect(typeof parseLine(input).ok).toBe("boolean");
        expect(Array.isArray(splitCommands(input))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("splitCommands", () => {
  it("splits a script into commands, keeping heredocs and multi-line quotes together", () => {
    const script = [
      "# set up",
      "kubectl run nginx --image=nginx",
      "",
      "kubectl apply -f - <<EOF",
      "apiVersion: v1",
      "kind: Namespace",
      "metadata:",
      "  name: demo",
      "EOF",
      "echo 'two",
      "lines'",
      "kubectl get pods \\",
      "  -o wide",
      "",
    ].join("\n");
    expect(splitCommands(script)).toEqual([
      "kubectl run nginx --image=nginx",
      "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\nEOF",
      "echo 'two\nlines'",
      "kubectl get pods \\\n  -o wide",
    ]);
  });

  it("gives every command back in a form parseLine accepts the same way", () => {
    const script = "a 'b c'\ncat <<X\nbody\nX\nd | e\n";
    const parts = splitCommands(script);
    expect(parts.map((p) => words(p))).toEqual([[["a", "b c"]], [["cat"]], [["d"], ["e"]]]);
  });
});
