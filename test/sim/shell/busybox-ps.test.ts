// busybox's ps applet in a container (procps/ps.c, DESKTOP build): the default pid,user,time,args
// table, -o with its widths and =HEADER, its errors; the container's own PID namespace.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

function withBusybox() {
  const run = simTerminal(3, 1000);
  run("kubectl run b --image=busybox -- sleep 3600");
  run("sleep 10");
  return run;
}

describe("busybox ps in a container", () => {
  it("lists the container's main process as PID 1 and itself, in busybox's default columns", () => {
    const run = withBusybox();
    expect(run("kubectl exec b -- ps")).toEqual({ output: "PID   USER     TIME  COMMAND\n    1 root      0:00 sleep 3600\n    7 root      0:00 ps\n", exitCode: 0 });
    // BSD words are not options to busybox: `ps aux` is `ps`.
    expect(run("kubectl exec b -- ps aux").output).toBe("PID   USER     TIME  COMMAND\n    1 root      0:00 sleep 3600\n    7 root      0:00 ps aux\n");
  });

  it("shows the interactive shell and ps forked from it", () => {
    const run = withBusybox();
    run("kubectl exec -it b -- sh");
    expect(run("ps").output).toBe("PID   USER     TIME  COMMAND\n    1 root      0:00 sleep 3600\n    7 root      0:00 sh\n   13 root      0:00 ps\n");
  });

  it("prints -o columns at their widths, the last unpadded, and takes =HEADER for the last name", () => {
    const run = withBusybox();
    expect(run("kubectl exec b -- ps -o pid,ppid,stat,comm").output).toBe("PID   PPID  STAT COMMAND\n    1     0 S    sleep\n    7     0 R    ps\n");
    expect(run("kubectl exec b -- ps -o pid,args=CMD").output).toBe("PID   CMD\n    1 sleep 3600\n    7 ps -o pid,args=CMD\n");
  });

  it("answers busybox's errors for an unknown option and an unknown column", () => {
    const run = withBusybox();
    const bad = run("kubectl exec b -- ps -x");
    expect(bad.exitCode).toBe(1);
    expect(bad.output).toMatch(/^ps: invalid option -- 'x'\nBusyBox v1\.37\.0 .*\n\nUsage: ps \[-o COL1,COL2=HEADER\] \[-T\]\n/);
    expect(run("kubectl exec b -- ps -o pid,foo").output).toBe(
      "ps: bad -o argument 'foo', supported arguments: user,group,comm,args,pid,ppid,pgid,etime,nice,rgroup,ruser,time,tty,vsz,sid,stat,rss\ncommand terminated with exit code 1\n",
    );
  });

  it("is not in images without procps or busybox (nginx is Debian without procps)", () => {
    const run = simTerminal(3, 1000);
    run("kubectl run n --image=nginx");
    run("sleep 10");
    expect(run("kubectl exec n -- ps").output).toMatch(/exec: "ps": executable file not found in \$PATH/);
  });

  it("names a numeric user when the pod runs as one busybox's passwd does not know", () => {
    const run = simTerminal(3, 1000);
    const created = run(`kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: u
spec:
  securityContext:
    runAsUser: 1000
  containers:
  - name: u
    image: busybox
    command: ["sleep", "3600"]
EOF`);
    expect(created.output).toBe("pod/u created\n");
    run("sleep 10");
    expect(run("kubectl exec u -- ps").output).toBe("PID   USER     TIME  COMMAND\n    1 1000      0:00 sleep 3600\n    7 1000      0:00 ps\n");
  });
});
