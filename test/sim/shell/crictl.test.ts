// crictl on a node: containerd's containers and pod sandboxes of that node only, in cri-tools'
// tables; root only, as the CRI socket is.
import { describe, expect, it } from "vitest";
import { simConsole } from "../console.ts";
import { unitsHumanDuration } from "../../../worker/sim/shell/crictl.ts";

describe("crictl", () => {
  const run = simConsole(7);
  run("kubectl create deployment web --image=nginx --replicas=2");
  run("sleep 30");
  const pods = run("kubectl get pods -l app=web -o jsonpath='{range .items[*]}{.metadata.name} {.spec.nodeName} {.status.containerStatuses[0].containerID}{\"\\n\"}{end}'").output.trim().split("\n").map((l) => l.split(" "));

  it("needs root, as containerd's socket does", () => {
    const result = run("ssh node01 crictl ps");
    expect(result.exitCode).toBe(1);
    expect(result.output).toBe('FATA[0000] validate service connection: validate CRI v1 runtime API for endpoint "unix:///run/containerd/containerd.sock": rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix /run/containerd/containerd.sock: connect: permission denied" \n');
  });

  it.each(["node01", "node02"])("lists on %s the running containers of that node's pods, newest first", (node) => {
    const lines = run(`ssh ${node} sudo crictl ps`).output.trimEnd().split("\n");
    const rows = lines.map((l) => l.split(/ {3,}/));
    expect(rows[0]).toEqual(["CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD", "NAMESPACE"]);
    // tabwriter: every column but the last is at least 20 wide.
    expect(lines[0].indexOf("IMAGE")).toBe(20);
    const [name, , id] = pods.find((p) => p[1] === node)!;
    expect(rows[1]).toEqual([id.slice("containerd://".length, "containerd://".length + 13), expect.stringMatching(/^[0-9a-f]{13}$/), expect.stringMatching(/^\d+ seconds ago$/), "Running", "nginx", "0", expect.stringMatching(/^[0-9a-f]{13}$/), name, "default"]);
    const names = rows.slice(1).map((r) => r[4]);
    expect(names).toContain("kube-proxy");
    expect(names).toContain("kube-flannel");
    expect(lines.some((l) => pods.some((p) => p[1] !== node && l.includes(p[0])))).toBe(false);
  });

  it("lists the pod sandboxes with the same IDs the containers point to", () => {
    const ps = run("ssh node01 sudo crictl ps --name nginx").output.trimEnd().split("\n");
    const sandbox = ps[1].split(/ {3,}/)[6];
    const podLines = run("ssh node01 sudo crictl pods --namespace default").output.trimEnd().split("\n");
    expect(podLines[0]).toBe("POD ID              CREATED             STATE               NAME                  NAMESPACE           ATTEMPT             RUNTIME");
    expect(podLines).toHaveLength(2);
    expect(podLines[1]).toMatch(new RegExp(`^${sandbox}       \\d+ seconds ago      Ready               ${pods.find((p) => p[1] === "node01")![0]}   default             0                   \\(default\\)$`));
    expect(run("ssh node01 sudo crictl pods -q --namespace default").output).toMatch(new RegExp(`^${sandbox}[0-9a-f]{51}\\n$`));
  });

  it("forgets a deleted pod's sandbox and containers", () => {
    run("kubectl delete deployment web");
    run("sleep 60");
    expect(run("ssh node01 sudo crictl pods --namespace default").output).toBe("POD ID              CREATED             STATE               NAME                NAMESPACE           ATTEMPT             RUNTIME\n");
    expect(run("ssh node01 sudo crictl ps -a --namespace default -q").output).toBe("");
  });

  it.each([
    [0, "Less than a second"],
    [1000, "1 second"],
    [59_999, "59 seconds"],
    [60_000, "About a minute"],
    [119_999, "About a minute"],
    [120_000, "2 minutes"],
    [3_599_999, "59 minutes"],
    [5_399_999, "About an hour"],
    [5_400_000, "2 hours"],
    [48 * 3_600_000, "2 days"],
    [14 * 24 * 3_600_000, "2 weeks"],
    [60 * 24 * 3_600_000, "2 months"],
  ])("prints %i ms as go-units does: %s", (ms, text) => {
    expect(unitsHumanDuration(ms)).toBe(text);
  });
});
