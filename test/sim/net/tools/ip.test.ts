// ip, ifconfig and hostname -i/-I: a pod's eth0 holds its IP from its node's /24 and pairs with a
// veth on the node; the node routes other nodes' pod subnets over flannel.1; the workstation only
// knows the node network, which is why pod and service IPs are unreachable from it.
import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../../worker/sim/engine.ts";

function cluster() {
  let now = Date.UTC(2026, 0, 1);
  let state: SessionState = createSession({ seed: 4, now });
  const run = (command: string) => {
    now += 3000;
    const result = execute(state, command, { now });
    state = result.state;
    return { output: result.output, exitCode: result.exitCode };
  };
  run("kubectl run b --image=busybox -- sleep 3600");
  run("kubectl run web --image=nginx");
  run("kubectl get pods");
  const podIP = (name: string) => run(`kubectl get pod ${name} -o jsonpath='{.status.podIP}'`).output;
  const nodeOf = (name: string) => run(`kubectl get pod ${name} -o jsonpath='{.spec.nodeName}'`).output;
  return { run, podIP, nodeOf };
}

describe("ip and ifconfig", () => {
  const { run, podIP, nodeOf } = cluster();
  const ip = podIP("b");
  const subnet = ip.replace(/\.\d+$/, "");

  it("show a pod its eth0 with the pod IP, paired with a veth on its node", () => {
    const addr = run("kubectl exec b -- ip addr").output;
    const eth0 = /^2: eth0@if(\d+): <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1450 qdisc noqueue $/m.exec(addr);
    expect(eth0).not.toBeNull();
    expect(addr).toContain(`    inet ${ip}/24 brd ${subnet}.255 scope global eth0\n`);
    run(`ssh ${nodeOf("b")}`);
    const onNode = run("ip addr").output;
    run("exit");
    expect(onNode).toMatch(new RegExp(`^${eth0![1]}: veth[0-9a-f]{8}@if2: .* master cni0 state UP group default$`, "m"));
    expect(onNode).toContain(`    inet ${subnet}.1/24 brd ${subnet}.255 scope global cni0\n`);
    expect(onNode).toContain(`    inet ${subnet}.0/32 scope global flannel.1\n`);
    // flannel.1 has the VTEP MAC flannel publishes on the node, a unicast, locally administered one.
    const vtep = /"VtepMAC":"([0-9a-f:]+)"/.exec(run(`kubectl get node ${nodeOf("b")} -o yaml | grep VtepMAC`).output)?.[1];
    expect(vtep).toBeDefined();
    expect(parseInt(vtep!.slice(0, 2), 16) & 0x03).toBe(0x02);
    expect(onNode).toMatch(new RegExp(`3: flannel\\.1: .*\n    link/ether ${vtep} brd`));
  });

  it("route a pod's traffic through cni0, and a node's to other nodes' pods over flannel.1", () => {
    expect(run("kubectl exec b -- ip route").output).toBe(`default via ${subnet}.1 dev eth0 \n10.244.0.0/16 via ${subnet}.1 dev eth0 \n${subnet}.0/24 dev eth0 scope link  src ${ip} \n`);
    run(`ssh ${nodeOf("b")}`);
    const routes = run("ip route").output.split("\n");
    run("exit");
    expect(routes).toContain(`${subnet}.0/24 dev cni0 proto kernel scope link src ${subnet}.1 `);
    expect(routes.filter((r) => / via 10\.244\.\d+\.0 dev flannel\.1 onlink $/.test(r))).toHaveLength(2);
  });

  it("give the workstation a route to the node network only", () => {
    expect(run("ip route").output).toBe("192.168.56.0/24 dev eth0 proto kernel scope link src 192.168.56.1 \n");
  });

  it("print busybox's ifconfig layout", () => {
    const out = run("kubectl exec b -- ifconfig").output;
    expect(out).toMatch(/^eth0 {6}Link encap:Ethernet {2}HWaddr [0-9A-F:]{17} {2}\n/);
    expect(out).toContain(`          inet addr:${ip}  Bcast:${subnet}.255  Mask:255.255.255.0\n`);
    expect(out).toContain("lo        Link encap:Local Loopback  \n          inet addr:127.0.0.1  Mask:255.0.0.0\n");
  });

  it("exist only where the image ships them, and refuse changes", () => {
    expect(run("kubectl exec web -- ip addr").output).toContain('exec: "ip": executable file not found in $PATH');
    expect(run("ip addr add 1.2.3.4/24 dev eth0")).toEqual({ output: "RTNETLINK answers: Operation not permitted\n", exitCode: 2 });
    expect(run("ip addr show dev nope")).toEqual({ output: 'Device "nope" does not exist.\n', exitCode: 1 });
  });
});

describe("hostname -i and -I", () => {
  const { run, podIP } = cluster();

  it("print a pod's IP, from /etc/hosts (-i) or from its interfaces (-I, Debian's hostname only)", () => {
    expect(run("kubectl exec b -- hostname -i").output).toBe(`${podIP("b")}\n`);
    expect(run("kubectl exec web -- hostname -I").output).toBe(`${podIP("web")} \n`);
    expect(run("kubectl exec b -- hostname -I").output).toContain("hostname: invalid option -- 'I'\n");
    expect(run("kubectl exec web -- hostname").output).toBe("web\n");
  });
});
