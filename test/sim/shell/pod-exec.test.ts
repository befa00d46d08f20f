// `kubectl exec -i`: the command reads kubectl's own standard input (a pipe or heredoc at the
// console), as it reads what a client sends on the stdin channel; without -i it reads nothing.
import { expect, it } from "vitest";
import { simTerminal } from "../console.ts";

it("hands kubectl's standard input to the command with -i, and only with -i", () => {
  const run = simTerminal(61, 10_000);
  run("kubectl run box --image=busybox -- sleep 3600");
  run("kubectl wait --for=condition=Ready pod/box");
  expect(run("printf 'a\\nb\\nc\\n' | kubectl exec -i box -- wc -l")).toEqual({ output: "3\n", exitCode: 0 });
  expect(run("printf 'a\\nb\\nc\\n' | kubectl exec box -- wc -l")).toEqual({ output: "0\n", exitCode: 0 });
  expect(run("printf 'one\\ntwo' | kubectl exec -i box -- cat")).toEqual({ output: "one\ntwo", exitCode: 0 });
  expect(run("printf 'x\\nbb\\nb\\n' | kubectl exec -i box -- sh -c 'grep -c b; exit 4'")).toEqual({ output: "2\ncommand terminated with exit code 4\n", exitCode: 4 });
  // A shell without a terminal runs what it reads as its script.
  expect(run("kubectl exec -i box -- sh <<'EOF'\nhostname\ncd /etc && pwd\nexit 3\nEOF")).toEqual({ output: "box\n/etc\ncommand terminated with exit code 3\n", exitCode: 3 });
  expect(run("hostname")).toEqual({ output: "workstation\n", exitCode: 0 });
});
