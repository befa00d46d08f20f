// Words with `$NAME`, `${NAME}`, `$?` and `$(...)` keep their parts until their command runs; then
// they expand and split as in bash.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignmentOf, expandWords, type Expansion } from "../../../worker/sim/shell/expand.ts";
import { parseLine, type Word } from "../../../worker/sim/shell/tokenizer.ts";

const VARS: Record<string, string> = { PORT: "30080", IP: "10.96.0.7", SPACED: "  a   b  ", EMPTY: "" };
const OUTPUTS: Record<string, string> = { "kubectl get pods -o name": "pod/a\npod/b\n", hostname: "workstation\n", "echo": "\n" };

function expand(line: string, status = 0): string[] {
  const parsed = parseLine(line);
  if (!parsed.ok) throw new Error(parsed.error);
  const x: Expansion = {
    lookup: (name) => VARS[name],
    status: () => status,
    substitute: (source) => OUTPUTS[source] ?? "",
  };
  return expandWords(parsed.line.pipeline[0], x);
}

describe("expanding a command's words", () => {
  it.each([
    ["curl http://192.168.56.11:$PORT/", ["curl", "http://192.168.56.11:30080/"]],
    ["curl ${IP}:${PORT}", ["curl", "10.96.0.7:30080"]],
    ['echo "$IP:$PORT"', ["echo", "10.96.0.7:30080"]],
    ["echo $NOPE end", ["echo", "end"]],
    ['echo "$NOPE" end', ["echo", "", "end"]],
    ["echo $EMPTY", ["echo"]],
    ["echo $SPACED", ["echo", "a", "b"]],
    ['echo "$SPACED"', ["echo", "  a   b  "]],
    ["echo x$SPACED", ["echo", "x", "a", "b"]],
    ["echo $(kubectl get pods -o name)", ["echo", "pod/a", "pod/b"]],
    ['echo "$(kubectl get pods -o name)"', ["echo", "pod/a\npod/b"]],
    ["echo `hostname`-1", ["echo", "workstation-1"]],
    ["echo '$PORT' \\$PORT \"\\$PORT\"", ["echo", "$PORT", "$PORT", "$PORT"]],
    ["echo $ 5$ a$.b", ["echo", "$", "5$", "a$.b"]],
    ["echo $(echo)", ["echo"]],
    ["echo $((", null],
  ])("%s", (line, expected) => {
    if (expected === null) expect(parseLine(line).ok).toBe(false);
    else expect(expand(line)).toEqual(expected);
  });

  it("gives $? the status of the last command", () => {
    expect(expand("echo $? ${?}", 28)).toEqual(["echo", "28", "28"]);
  });

  it("finds the closing parenthesis past quotes and nested substitutions", () => {
    const parsed = parseLine(`echo $(kubectl get svc -o jsonpath='{.items[?(@.spec.type=="NodePort")].metadata.name}' | grep ")")`);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const word = parsed.line.pipeline[0][1] as Extract<Word, { parts: unknown }>;
    expect(word.parts).toEqual([{ kind: "command", quoted: false, source: `kubectl get svc -o jsonpath='{.items[?(@.spec.type=="NodePort")].metadata.name}' | grep ")"` }]);
  });

  it("reports what bash reports for an unfinished or bad expansion", () => {
    expect(parseLine("echo $(hostname")).toEqual({ ok: false, error: "-bash: unexpected EOF while looking for matching `)'\n" });
    expect(parseLine("echo `hostname")).toEqual({ ok: false, error: "-bash: unexpected EOF while looking for matching ``'\n" });
    expect(parseLine("echo ${a b}")).toEqual({ ok: false, error: "-bash: ${a b}: bad substitution\n" });
  });

  it("recognises NAME=value assignments, not invalid names or flags", () => {
    const words = (line: string) => {
      const parsed = parseLine(line);
      if (!parsed.ok) throw new Error(parsed.error);
      return parsed.line.pipeline[0];
    };
    expect(assignmentOf(words("NP=$(hostname)")[0])?.name).toBe("NP");
    expect(assignmentOf(words("A_1=x")[0])).toEqual({ name: "A_1", value: [{ kind: "text", text: "x", quoted: false }] });
    expect(assignmentOf(words("1A=x")[0])).toBeUndefined();
    expect(assignmentOf(words("--port=80")[0])).toBeUndefined();
  });

  it("leaves words without $ or backquotes exactly as the tokenizer split them (property)", () => {
    const plain = fc.stringMatching(/^[A-Za-z0-9_.:\/=,{}\[\]@-]{1,12}$/);
    fc.assert(
      fc.property(fc.array(plain, { minLength: 1, maxLength: 6 }), (parts) => {
        expect(expand(parts.join(" "))).toEqual(parts);
      }),
    );
  });
});
