import { describe, expect, it } from "vitest";
import { commandLines, needsMoreInput, pastedCommands, recalledLines } from "../../../web/src/console/input-lines.ts";

describe("when a typed line needs more input", () => {
  it.each([
    ["kubectl get pods", false],
    ["kubectl apply -f - <<EOF", true],
    ["kubectl apply -f - <<EOF\nkind: Pod", true],
    ["kubectl apply -f - <<EOF\nkind: Pod\nEOF", false],
    ["cat <<'END'\nx\nEND", false],
    ["cat <<-END\n\tx\n\tEND", false],
    ["kubectl run a \\", true],
    ["echo a<<b", true],
    ["echo 'a << b'", false],
    ["kubectl get pods -o jsonpath='{.items[*]", true],
    ["kubectl get pods -o jsonpath='{.items[*]\n.metadata.name}'", false],
    ['echo "open', true],
    ["NP=$(kubectl get svc web", true],
    ["NP=$(kubectl get svc web)", false],
    ["echo `hostname", true],
    ["for i in 1 2; do", true],
    ["for i in 1 2\ndo echo $i", true],
    ["for i in 1 2; do echo $i; done", false],
    ["for i in 1 2\ndo echo $i\ndone", false],
  ])("%j -> %s", (text, expected) => {
    // A quoted "<<" followed by a space and no word is not a heredoc.
    expect(needsMoreInput(text)).toBe(expected);
  });
});

describe("the lines a command shows in the transcript", () => {
  it("ends a heredoc at its delimiter, even when the command ends with a newline (a lesson's setup)", () => {
    expect(commandLines("kubectl apply -f - <<EOF\nkind: Pod\nEOF\n")).toEqual(["kubectl apply -f - <<EOF", "kind: Pod", "EOF"]);
    expect(commandLines("kubectl get pods")).toEqual(["kubectl get pods"]);
    expect(commandLines("cat <<EOF\n\nEOF")).toEqual(["cat <<EOF", "", "EOF"]);
  });
});

describe("a multi-line paste, as a terminal runs it", () => {
  it.each([
    // Each line in turn, the last one too, with or without its newline.
    ["kubectl run web --image=nginx\nkubectl get pods", { run: ["kubectl run web --image=nginx", "kubectl get pods"], continued: [], line: "" }],
    ["kubectl run web --image=nginx\nkubectl get pods\n", { run: ["kubectl run web --image=nginx", "kubectl get pods"], continued: [], line: "" }],
    ["echo a\r\necho b\r\n", { run: ["echo a", "echo b"], continued: [], line: "" }],
    // A heredoc is one command; what follows it runs after it.
    ["kubectl apply -f - <<EOF\nkind: Pod\nEOF\nkubectl get pods", { run: ["kubectl apply -f - <<EOF\nkind: Pod\nEOF", "kubectl get pods"], continued: [], line: "" }],
    // An unfinished heredoc waits on `> ` lines; a last line without its newline is still on the input.
    ["echo a\ncat <<EOF\nx\n", { run: ["echo a"], continued: ["cat <<EOF", "x"], line: "" }],
    ["echo a\ncat <<EOF\nx", { run: ["echo a"], continued: ["cat <<EOF"], line: "x" }],
  ])("%j", (pasted, expected) => {
    expect(pastedCommands(pasted)).toEqual(expected);
  });
});

describe("a command recalled from history", () => {
  it("comes back line by line, a heredoc as it was typed", () => {
    expect(recalledLines("kubectl apply -f - <<EOF\nkind: Pod\nEOF")).toEqual({ continued: ["kubectl apply -f - <<EOF", "kind: Pod"], line: "EOF" });
    expect(recalledLines("kubectl get pods")).toEqual({ continued: [], line: "kubectl get pods" });
  });
});
