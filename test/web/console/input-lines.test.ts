import { describe, expect, it } from "vitest";
import { needsMoreInput } from "../../../web/src/console/input-lines.ts";

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
  ])("%j -> %s", (text, expected) => {
    // A quoted "<<" followed by a space and no word is not a heredoc.
    expect(needsMoreInput(text)).toBe(expected);
  });
});
