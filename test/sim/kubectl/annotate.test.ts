// kubectl annotate: annotations set, refused without --overwrite, removed, listed, with kubectl's words.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const console_ = () => simTerminal(8, 2000);

describe("kubectl annotate", () => {
  const run = console_();
  run("kubectl run web --image=nginx");
  run("kubectl create deployment api --image=nginx");

  it.each([
    ["kubectl annotate pod web description='my frontend'", "pod/web annotated\n", 0],
    ["kubectl annotate pod web description='my frontend'", "pod/web annotated\n", 0],
    ["kubectl annotate pod web description=other", "error: --overwrite is false but found the following declared annotation(s): 'description' already has a value (my frontend)\n", 1],
    ["kubectl annotate --overwrite pod/web description=other owner=team-a", "pod/web annotated\n", 0],
    ["kubectl get pod web -o jsonpath='{.metadata.annotations.owner}'", "team-a", 0],
    ["kubectl annotate pod web description- owner-", "pod/web annotated\n", 0],
    ["kubectl get pod web -o jsonpath='{.metadata.annotations}'", "", 0],
    ["kubectl annotate deploy api kubernetes.io/change-cause='first'", "deployment.apps/api annotated\n", 0],
    ["kubectl annotate deploy api kubernetes.io/change-cause='second'", "deployment.apps/api annotated\n", 0],
    ["kubectl annotate pod web", "error: at least one annotation update is required\n", 1],
    ["kubectl annotate pod web a=1 a-", "error: can not both modify and remove the following annotation(s) in the same command: a\n", 1],
    ["kubectl annotate pod web =x", "error: invalid annotation format: =x\n", 1],
    ["kubectl annotate pod nope a=b", 'Error from server (NotFound): pods "nope" not found\n', 1],
    ["kubectl annotate pod web a=b -o name", "pod/web\n", 0],
  ])("%s", (command, output, exitCode) => {
    expect(run(command)).toEqual({ output, exitCode });
  });

  it("lists annotations, naming each object when more than one could match", () => {
    expect(run("kubectl annotate pod web --list").output).toBe("a=b\n");
    expect(run("kubectl annotate pods -l run=web --list").output).toBe("Listing annotations for Pod./web:\n a=b\n");
  });
});
