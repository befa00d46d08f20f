// kubectl logs -f: the log so far, then what is written while simulated time runs on; it returns
// when the container stops or has been quiet for a while (a real follow waits for Ctrl+C).
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const console_ = () => simTerminal(37, 4000);

describe("kubectl logs -f", () => {
  it("prints a server's log and gives the prompt back once it is quiet", () => {
    const run = console_();
    run("kubectl run web --image=nginx");
    run("kubectl get pods");
    const plain = run("kubectl logs web");
    const followed = run("kubectl logs -f web");
    expect(followed.exitCode).toBe(0);
    expect(followed.output).toBe(plain.output);
  });

  it("prints a crash-looping container's last run", () => {
    const run = console_();
    run(`kubectl run crash --image=busybox -- sh -c "echo starting; exit 1"`);
    run("kubectl get pods");
    expect(run("kubectl logs -f crash").output).toBe("starting\n");
  });
});
