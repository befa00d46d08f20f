// ps on a node: procps' tables of the node's own daemons and of the processes of the pods crictl
// lists there; not in pods whose image has no ps.
import { describe, expect, it } from "vitest";
import { simConsole } from "../console.ts";

describe("ps", () => {
  const run = simConsole(7);
  run("kubectl create deployment web --image=nginx --replicas=2");
  run("sleep 30");

  it("lists in `ps auxw` the kubelet with kubeadm's flags and kube-proxy with its node's name", () => {
    const result = run("ssh node01 ps auxw");
    expect(result.exitCode).toBe(0);
    const lines = result.output.trimEnd().split("\n");
    expect(lines[0]).toBe("USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND");
    expect(lines[1]).toMatch(/^root           1  0\.0  0\.0 +0 +0 \?        Ss   .{5}   0:00 \/sbin\/init$/);
    expect(lines.filter((l) => l.endsWith(" /usr/bin/kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml --container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10"))).toHaveLength(1);
    expect(lines.filter((l) => l.endsWith(" /usr/local/bin/kube-proxy --config=/var/lib/kube-proxy/config.conf --hostname-override=node01"))).toHaveLength(1);
  });

  it("has one shim and one pause process per pod sandbox crictl lists, and the PIDs are the same each time", () => {
    const sandboxes = run("ssh node01 sudo crictl pods -q").output.trim().split("\n");
    const out = run("ssh node01 ps -ef").output;
    expect(out.split("\n")[0]).toBe("UID          PID    PPID  C STIME TTY          TIME CMD");
    for (const id of sandboxes) expect(out).toContain(`/usr/bin/containerd-shim-runc-v2 -namespace k8s.io -id ${id} -address /run/containerd/containerd.sock\n`);
    expect(out.match(/ \/pause$/gm)).toHaveLength(sandboxes.length);
    expect(run("ssh node01 ps -ef").output).toBe(out);
  });

  it("names only the program without -f", () => {
    const lines = run("ssh node01 ps -e").output.trimEnd().split("\n");
    expect(lines[0]).toBe("    PID TTY          TIME CMD");
    expect(lines).toContain("    698 ?        00:00:00 kubelet");
  });

  it("rejects options it does not know as procps does", () => {
    const result = run("ssh node01 ps --bogus");
    expect(result.exitCode).toBe(1);
    expect(result.output).toMatch(/^error: unsupported option\n/);
  });

  it("is not in the nginx image", () => {
    const pod = run("kubectl get pods -l app=web -o jsonpath='{.items[0].metadata.name}'").output.trim();
    expect(run(`kubectl exec ${pod} -- ps aux`).output).toMatch(/executable file not found|command not found/);
  });
});
