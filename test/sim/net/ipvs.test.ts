// kube-proxy in ipvs mode, switched as on a kubeadm cluster: edit config.conf in the kube-proxy
// ConfigMap, restart the DaemonSet's pods; until then the old mode stays. Then ipvsadm lists the
// virtual servers, kube-ipvs0 carries the ClusterIPs, the rr scheduler takes turns and the trace
// names IPVS; a configuration kube-proxy refuses makes its pods crash-loop.
import { describe, expect, it } from "vitest";
import { simConsole } from "../console.ts";

type Run = ReturnType<typeof simConsole>;

const ipNumber = (ip: string) => ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);

/** `kubectl -n kube-system edit cm kube-proxy` done with a replace: config.conf's text rewritten. */
function editProxyConfig(run: Run, edit: (conf: string) => string): void {
  const cm = JSON.parse(run("kubectl -n kube-system get cm kube-proxy -o json").output);
  cm.data["config.conf"] = edit(cm.data["config.conf"]);
  const applied = run(`kubectl replace -f - <<'EOF'\n${JSON.stringify(cm)}\nEOF`);
  expect(applied.output).toBe("configmap/kube-proxy replaced\n");
}

function settle(run: Run, seconds = 60): void {
  for (let t = 0; t < seconds; t += 10) run("sleep 10");
}

function ipvsCluster(seed: number, config: (conf: string) => string = (c) => c.replace('mode: ""', 'mode: "ipvs"')) {
  const run = simConsole(seed);
  run("kubectl create deployment web --image=nginx --replicas=3");
  run("kubectl expose deployment web --port 80 --type NodePort");
  settle(run, 20);
  editProxyConfig(run, config);
  return run;
}

describe("kube-proxy's mode follows its ConfigMap when its pods restart", () => {
  const run = ipvsCluster(7);

  it("has kubeadm's ConfigMap with a blank mode, and pods that log the iptables proxier", () => {
    const fresh = simConsole(3);
    expect(fresh("kubectl -n kube-system get cm kube-proxy").output).toMatch(/^NAME {9}DATA {3}AGE\nkube-proxy {3}2 {6}\d+m\n$/);
    expect(fresh(`kubectl -n kube-system get cm kube-proxy -o jsonpath='{.data.config\\.conf}' | grep -E '^(mode|clusterCIDR|  scheduler):'`).output).toBe('clusterCIDR: 10.244.0.0/16\n  scheduler: ""\nmode: ""\n');
    const logs = fresh("kubectl -n kube-system logs ds/kube-proxy").output;
    expect(logs).toMatch(/^Found 3 pods, using pod\/kube-proxy-\w+\nI\d{4} \d\d:\d\d:\d\d\.\d{6} {7}1 server_linux\.go:61\] "Using iptables proxy"\nI\d{4} \d\d:\d\d:\d\d\.\d{6} {7}1 server_linux\.go:165\] "Using iptables Proxier"\n$/);
  });

  it("keeps the running proxier until the pods restart", () => {
    expect(run("ssh node01 curl -s localhost:10249/proxyMode").output).toBe("iptables");
    expect(run("ssh node01 sudo ipvsadm -Ln").output).toBe("IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
    expect(run("ssh node01 ip addr show kube-ipvs0; echo $?").output).toBe('Device "kube-ipvs0" does not exist.\n1\n');
  });

  it("switches to ipvs after a rollout restart", () => {
    expect(run("kubectl -n kube-system rollout restart ds kube-proxy").output).toBe("daemonset.apps/kube-proxy restarted\n");
    settle(run);
    expect(run("ssh node01 curl -s localhost:10249/proxyMode").output).toBe("ipvs");
    expect(run("kubectl -n kube-system logs ds/kube-proxy").output).toMatch(/^Found 3 pods, using pod\/kube-proxy-\w+\nI\d{4} [\d:.]+ {7}1 server_linux\.go:226\] "Using ipvs Proxier"\n$/);
  });

  it("lists a virtual server per ClusterIP, NodePort address and protocol, real servers sorted", () => {
    const ip = run("kubectl get svc web -o jsonpath='{.spec.clusterIP}'").output;
    const nodePort = run("kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}'").output;
    const pods = run("kubectl get pods -l app=web -o jsonpath='{.items[*].status.podIP}'").output.split(" ").sort((a, b) => ipNumber(a) - ipNumber(b));
    const out = run("ssh node01 sudo ipvsadm -Ln").output;
    expect(out.startsWith("IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\nTCP  10.96.0.1:443 rr\n  -> 192.168.56.10:6443           Masq    1      0          0         \n")).toBe(true);
    const dests = pods.map((p) => `  -> ${`${p}:80`.padEnd(28)} Masq    1      0          0         \n`).join("");
    // A NodePort on each of the node's addresses but loopback (netlink_linux.go isValidForSet): eth0, flannel.1 (.0), cni0 (.1).
    const podCIDR = run("kubectl get node node01 -o jsonpath='{.spec.podCIDR}'").output.replace(/\.0\/24$/, "");
    for (const vs of [`${ip}:80`, `192.168.56.11:${nodePort}`, `${podCIDR}.0:${nodePort}`, `${podCIDR}.1:${nodePort}`]) expect(out).toContain(`TCP  ${vs} rr\n${dests}`);
    expect(out).not.toContain("127.0.0.1:");
    expect(out).toMatch(/\nUDP  10\.96\.0\.10:53 rr\n {2}-> 10\.244\.0\.\d+:53 +Masq/);
    expect(run(`ssh node01 sudo ipvsadm -L -n -t ${ip}:80`).output).toBe(`Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\nTCP  ${ip}:80 rr\n${dests}`);
  });

  it("binds every ClusterIP to kube-ipvs0, which stays down", () => {
    const out = run("ssh node02 ip addr show kube-ipvs0").output;
    expect(out).toMatch(/^\d+: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default qlen 1000\n {4}link\/ether [0-9a-f:]{17} brd ff:ff:ff:ff:ff:ff\n {4}inet 10\.96\.0\.1\/32 scope global kube-ipvs0\n {7}valid_lft forever preferred_lft forever\n {4}inet 10\.96\.0\.10\/32 scope global kube-ipvs0\n/);
    expect(out).toContain(`inet ${run("kubectl get svc web -o jsonpath='{.spec.clusterIP}'").output}/32 scope global kube-ipvs0\n`);
    expect(out).not.toContain("inet6");
  });

  it.each([
    ["the ClusterIP from a node", () => `ssh node02 curl -s ${run("kubectl get svc web -o jsonpath='{.spec.clusterIP}'").output}`],
    ["the NodePort from the workstation", () => `curl -s 192.168.56.12:${run("kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}'").output}`],
  ])("takes the real servers in turn (rr) through %s, and the trace names IPVS", (_, command) => {
    const cmd = command();
    const picked: string[] = [];
    for (let i = 0; i < 6; i++) {
      const result = run(cmd);
      expect(result.output).toContain("Welcome to nginx!");
      const hops = result.traces![0].hops;
      const endpoint = hops.find((h) => h.kind === "endpoint")!;
      expect(endpoint.rules![0]).toMatch(/^TCP {2}[\d.]+:\d+ rr$/);
      // ActiveConn 0 (the connections close once answered), InActConn: those in TIME_WAIT.
      expect(endpoint.rule).toMatch(/^ {2}-> [\d.]+:80 +Masq {4}1 {6}0 {10}\d+ +$/);
      expect(endpoint.note).toMatch(/^IPVS \(kube-proxy in ipvs mode on node02\): /);
      expect(hops.some((h) => (h.rules ?? []).some((r) => r.includes("KUBE-SVC-")))).toBe(false);
      picked.push(endpoint.after!.dst.ip);
    }
    expect(new Set(picked.slice(0, 3)).size).toBe(3);
    expect(picked.slice(3)).toEqual(picked.slice(0, 3));
  });

  it("refuses a Service without endpoints (IPVS answers port unreachable)", () => {
    run("kubectl scale deployment web --replicas=0");
    settle(run, 30);
    const ip = run("kubectl get svc web -o jsonpath='{.spec.clusterIP}'").output;
    const result = run(`ssh node01 curl -sS ${ip}`);
    expect(result.output).toBe(`curl: (7) Failed to connect to ${ip} port 80 after 0 ms: Couldn't connect to server\n`);
    expect(run("ssh node01 sudo ipvsadm -Ln").output).toMatch(new RegExp(`TCP  ${ip.replace(/\./g, "\\.")}:80 rr\nTCP  10\\.244\\.`));
  });
});

describe("what kube-proxy does with a configuration it refuses", () => {
  it.each([
    ["an unknown scheduler", (c: string) => c.replace('mode: ""', 'mode: "ipvs"').replace('scheduler: ""', 'scheduler: "fastest"'), 'E\\d{4} [\\d:.]+ {7}1 run\\.go:72\\] "command failed" err="failed validate: KubeProxyConfiguration\\.KubeProxyIPVSConfiguration\\.Scheduler: Invalid value: \\\\"fastest\\\\": must be in \\[rr wrr lc wlc lblc lblcr sh dh sed nq \\], blank means the default algorithm method \\(currently rr\\)"'],
    ["an unknown mode", (c: string) => c.replace('mode: ""', 'mode: "userspace"'), 'E\\d{4} [\\d:.]+ {7}1 run\\.go:72\\] "command failed" err="failed validate: KubeProxyConfiguration\\.Mode\\.ProxyMode: Invalid value: \\\\"userspace\\\\": must be iptables,ipvs,nftables or blank \\(blank means the best-available proxy \\[currently iptables\\]\\)"'],
  ])("crash-loops on %s, and the node keeps its old rules", (_, edit, logLine) => {
    const run = ipvsCluster(11, edit);
    run("kubectl -n kube-system rollout restart ds kube-proxy");
    settle(run, 90);
    expect(run("kubectl -n kube-system get pods -l k8s-app=kube-proxy").output).toMatch(/(CrashLoopBackOff|Error)/);
    const pod = run("kubectl -n kube-system get pods -l k8s-app=kube-proxy --field-selector spec.nodeName=node01 -o jsonpath='{.items[0].metadata.name}'").output;
    expect(run(`kubectl -n kube-system logs ${pod} --previous`).output).toMatch(new RegExp(`^${logLine}\n$`));
    const ip = run("kubectl get svc web -o jsonpath='{.spec.clusterIP}'").output;
    expect(run(`ssh node01 curl -s ${ip}`).output).toContain("Welcome to nginx!");
  });
});

describe("the IPVS scheduler kube-proxy is configured with", () => {
  const schedulerCluster = (scheduler: string) => {
    const run = ipvsCluster(13, (c) => c.replace('mode: ""', 'mode: "ipvs"').replace('scheduler: ""', `scheduler: "${scheduler}"`));
    run("kubectl -n kube-system rollout restart ds kube-proxy");
    settle(run);
    const ip = run("kubectl get svc web -o jsonpath='{.spec.clusterIP}'").output;
    const picks = (from: string, n: number) =>
      Array.from({ length: n }, () => {
        const result = run(`ssh ${from} curl -s ${ip}`);
        expect(result.output).toContain("Welcome to nginx!");
        const endpoint = result.traces![0].hops.find((h) => h.kind === "endpoint")!;
        expect(endpoint.rules![0]).toBe(`TCP  ${ip}:80 ${scheduler}`);
        return `${endpoint.after!.dst.ip}:80`;
      });
    return { run, ip, picks };
  };

  it.each([
    ["lc", (p: string[]) => new Set(p.slice(0, 3)).size === 3 && new Set(p.slice(3)).size === 3],
    ["sh", (p: string[]) => new Set(p).size === 1],
    ["dh", (p: string[]) => new Set(p).size === 1],
    ["nq", (p: string[]) => new Set(p).size === 1],
    ["lblc", (p: string[]) => new Set(p).size === 1],
  ])("schedules %s as the kernel's module does, and ipvsadm shows it", (scheduler, expected) => {
    const { run, ip, picks } = schedulerCluster(scheduler);
    const picked = picks("node02", 6);
    expect(expected(picked)).toBe(true);
    // ipvsadm's Scheduler column, and the connections in TIME_WAIT (InActConn) where they went.
    const out = run(`ssh node02 sudo ipvsadm -Ln -t ${ip}:80`).output;
    expect(out).toContain(`TCP  ${ip}:80 ${scheduler}\n`);
    for (const rs of new Set(picked)) {
      const n = picked.filter((x) => x === rs).length;
      expect(out).toContain(`  -> ${rs.padEnd(28)} Masq    1      0          ${String(n).padEnd(10)}\n`);
    }
    if (scheduler === "sh") {
      // Another client's address may hash elsewhere, but always to the same server.
      expect(new Set(picks("node01", 3)).size).toBe(1);
    }
  });

  it("forgets TIME_WAIT connections after two minutes: lc starts over", () => {
    const { run, ip, picks } = schedulerCluster("lc");
    picks("node02", 2);
    settle(run, 130);
    const out = run(`ssh node02 sudo ipvsadm -Ln -t ${ip}:80`).output;
    expect(out).not.toMatch(/Masq {4}1 {6}0 {10}[1-9]/);
  });
});

describe("ipvsadm --stats and --rate", () => {
  const run = ipvsCluster(17);
  run("kubectl -n kube-system rollout restart ds kube-proxy");
  settle(run);
  const ip = run("kubectl get svc web -o jsonpath='{.spec.clusterIP}'").output;
  const columns = (line: string) => line.trim().split(/\s+/).slice(-5).map(Number);

  it("counts the connections the router delivered, per virtual and real server", () => {
    for (let i = 0; i < 6; i++) expect(run(`ssh node02 curl -s ${ip}`).output).toContain("Welcome to nginx!");
    const out = run(`ssh node02 sudo ipvsadm -Ln --stats -t ${ip}:80`).output;
    const lines = out.split("\n");
    expect(lines.slice(0, 2)).toEqual(["Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes", "  -> RemoteAddress:Port"]);
    expect(lines[2]).toMatch(new RegExp(`^TCP  ${ip.replace(/\./g, "\\.")}:80 +6 `));
    expect(lines[2].length).toBe(33 + 5 * 9);
    const vs = columns(lines[2]);
    const rs = lines.slice(3, 6).map(columns);
    // Three real servers, two connections each (rr), and the virtual server's counters are their sums.
    expect(rs.map((r) => r[0])).toEqual([2, 2, 2]);
    for (let c = 0; c < 5; c++) expect(rs.reduce((n, r) => n + r[c], 0)).toBe(vs[c]);
    // Each connection: handshake and close, a request, and a response carrying nginx's page.
    expect(vs[1]).toBeGreaterThan(vs[0] * 4);
    expect(vs[4]).toBeGreaterThan(vs[0] * 615);
    // Other nodes saw none of it.
    expect(columns(run(`ssh node01 sudo ipvsadm -Ln --stats -t ${ip}:80`).output.split("\n")[2])).toEqual([0, 0, 0, 0, 0]);
  });

  it("estimates rates every 2 seconds, decaying to 0 when idle", () => {
    for (let i = 0; i < 3; i++) run(`ssh node02 curl -s ${ip}`);
    const rate = run(`ssh node02 sudo ipvsadm -Ln --rate -t ${ip}:80`).output.split("\n");
    expect(rate[0]).toBe("Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS");
    expect(columns(rate[2])[3]).toBeGreaterThan(0);
    settle(run, 600);
    expect(columns(run(`ssh node02 sudo ipvsadm -Ln --rate -t ${ip}:80`).output.split("\n")[2])).toEqual([0, 0, 0, 0, 0]);
    // The totals stay.
    expect(columns(run(`ssh node02 sudo ipvsadm -Ln --stats --exact -t ${ip}:80`).output.split("\n")[2])[0]).toBe(9);
  });
});
