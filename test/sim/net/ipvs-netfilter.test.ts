// kube-proxy in ipvs mode, seen from every tool on the node: iptables-save prints the ipvs
// proxier's set-matching rules (no KUBE-SVC/KUBE-SEP chains), ipset lists the sets those rules
// match, ipvsadm the virtual servers whose addresses are the sets' members, and the router
// delivers a Service's connections to exactly the real servers ipvsadm lists. A table of
// Services (ClusterIP, NodePort, LoadBalancer, externalTrafficPolicy: Local) on every node.
import { describe, expect, it } from "vitest";
import { simConsole } from "../console.ts";

type Run = ReturnType<typeof simConsole>;

function settle(run: Run, seconds = 60): void {
  for (let t = 0; t < seconds; t += 10) run("sleep 10");
}

function ipvsCluster(seed: number): Run {
  const run = simConsole(seed);
  run("kubectl create deployment web --image=nginx --replicas=3");
  run("kubectl create deployment solo --image=nginx --replicas=1");
  run("kubectl expose deployment web --name web-cip --port 80");
  run("kubectl expose deployment web --name web-np --port 80 --type NodePort");
  run("kubectl expose deployment web --name web-lb --port 80 --type LoadBalancer");
  run("kubectl expose deployment solo --name solo-local --port 80 --type LoadBalancer");
  run(`kubectl patch svc solo-local -p '{"spec":{"externalTrafficPolicy":"Local"}}'`);
  settle(run, 30);
  const cm = JSON.parse(run("kubectl -n kube-system get cm kube-proxy -o json").output);
  cm.data["config.conf"] = cm.data["config.conf"].replace('mode: ""', 'mode: "ipvs"');
  run(`kubectl replace -f - <<'EOF'\n${JSON.stringify(cm)}\nEOF`);
  run("kubectl -n kube-system rollout restart ds kube-proxy");
  settle(run);
  return run;
}

interface VirtualServer {
  proto: string;
  ip: string;
  port: number;
  scheduler: string;
  realServers: string[];
}

function parseIpvsadm(out: string): VirtualServer[] {
  const servers: VirtualServer[] = [];
  for (const line of out.split("\n")) {
    const vs = /^(TCP|UDP|SCTP) {1,2}([\d.]+):(\d+) (\w+)/.exec(line);
    if (vs) servers.push({ proto: vs[1].toLowerCase(), ip: vs[2], port: Number(vs[3]), scheduler: vs[4], realServers: [] });
    const rs = /^ {2}-> ([\d.]+:\d+) /.exec(line);
    if (rs && servers.length) servers[servers.length - 1].realServers.push(rs[1]);
  }
  return servers;
}

function parseIpsetSave(out: string): Map<string, Set<string>> {
  const sets = new Map<string, Set<string>>();
  for (const line of out.split("\n")) {
    const create = /^create (\S+) /.exec(line);
    if (create) sets.set(create[1], new Set());
    const add = /^add (\S+) (\S+)$/.exec(line);
    if (add) sets.get(add[1])!.add(add[2]);
  }
  return sets;
}

describe("ipvs mode: ipvsadm, ipset, iptables-save and the router agree", () => {
  const run = ipvsCluster(5);
  const svc = (name: string, path: string) => run(`kubectl get svc ${name} -o jsonpath='{${path}}'`).output;
  const services = ["web-cip", "web-np", "web-lb", "solo-local"].map((name) => ({
    name,
    clusterIP: svc(name, ".spec.clusterIP"),
    nodePort: Number(svc(name, ".spec.ports[0].nodePort") || 0),
    lbIP: svc(name, ".status.loadBalancer.ingress[0].ip"),
    local: svc(name, ".spec.externalTrafficPolicy") === "Local",
  }));
  const nodes = run("kubectl get nodes -o jsonpath='{.items[*].metadata.name}'").output.split(" ");

  it("has a LoadBalancer address for both LoadBalancer Services", () => {
    expect(services.filter((s) => s.lbIP).map((s) => s.name)).toEqual(["web-lb", "solo-local"]);
  });

  it.each(nodes)("on %s: iptables-save holds the ipvs proxier's rules and none of the iptables proxier's", (node) => {
    const save = run(`ssh ${node} sudo iptables-save`).output;
    expect(save).not.toMatch(/KUBE-(SVC|SEP|EXT|SVL)-/);
    expect(save).toContain("-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN\n");
    expect(save).toContain('-A KUBE-SERVICES ! -s 10.244.0.0/16 -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ\n');
    expect(save).toContain('-A KUBE-SERVICES -m comment --comment "Kubernetes service lb portal" -m set --match-set KUBE-LOAD-BALANCER dst,dst -j KUBE-LOAD-BALANCER\n');
    expect(save).toContain('-A KUBE-LOAD-BALANCER -m comment --comment "Kubernetes service load balancer ip + port with externalTrafficPolicy=local" -m set --match-set KUBE-LOAD-BALANCER-LOCAL dst,dst -j RETURN\n-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ\n');
    expect(save).toContain('-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port with externalTrafficPolicy=local" -m set --match-set KUBE-NODE-PORT-LOCAL-TCP dst -j RETURN\n-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port for masquerade purpose" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ\n');
    // The last rules of KUBE-SERVICES accept what IPVS takes (acceptIPVSTraffic).
    expect(save).toMatch(/-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT\n-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT\n-A KUBE-SERVICES -m set --match-set KUBE-LOAD-BALANCER dst,dst -j ACCEPT\nCOMMIT\n/);
    expect(save).toContain("-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT --reject-with icmp-port-unreachable\n");
  });

  it.each(nodes)("on %s: every virtual server has its ipset member and a rule matching that set; the router uses exactly its real servers", (node) => {
    const servers = parseIpvsadm(run(`ssh ${node} sudo ipvsadm -Ln`).output);
    const sets = parseIpsetSave(run(`ssh ${node} sudo ipset save`).output);
    const save = run(`ssh ${node} sudo iptables-save`).output;
    const nodeIP = run(`kubectl get node ${node} -o jsonpath='{.status.addresses[0].address}'`).output;
    let checked = 0;
    for (const s of services) {
      const cases: { vs: VirtualServer | undefined; sets: string[]; member: string; from: string; host: string }[] = [];
      const find = (ip: string, port: number) => servers.find((v) => v.ip === ip && v.port === port);
      cases.push({ vs: find(s.clusterIP, 80), sets: ["KUBE-CLUSTER-IP"], member: `${s.clusterIP},tcp:80`, from: `ssh ${node} `, host: `${s.clusterIP}:80` });
      if (s.nodePort) {
        cases.push({ vs: find(nodeIP, s.nodePort), sets: s.local ? ["KUBE-NODE-PORT-TCP", "KUBE-NODE-PORT-LOCAL-TCP"] : ["KUBE-NODE-PORT-TCP"], member: String(s.nodePort), from: `ssh ${node} `, host: `${nodeIP}:${s.nodePort}` });
      }
      if (s.lbIP) cases.push({ vs: find(s.lbIP, 80), sets: s.local ? ["KUBE-LOAD-BALANCER", "KUBE-LOAD-BALANCER-LOCAL"] : ["KUBE-LOAD-BALANCER"], member: `${s.lbIP},tcp:80`, from: `ssh ${node} `, host: `${s.lbIP}:80` });
      for (const c of cases) {
        expect(c.vs, `${s.name} ${c.host} in ipvsadm on ${node}`).toBeDefined();
        expect(c.vs!.realServers.length).toBeGreaterThan(0);
        for (const name of c.sets) {
          expect(sets.get(name)?.has(c.member), `${c.member} in ${name} on ${node}`).toBe(true);
          expect(save).toContain(`--match-set ${name} `);
        }
        // The address is on kube-ipvs0 (KUBE-IPVS-IPS) unless it is the node's own.
        if (c.vs!.ip !== nodeIP) expect(sets.get("KUBE-IPVS-IPS")!.has(c.vs!.ip)).toBe(true);
        const reached = new Set<string>();
        for (let i = 0; i < c.vs!.realServers.length * 2; i++) {
          const result = run(`${c.from}curl -s ${c.host}`);
          expect(result.output).toContain("Welcome to nginx!");
          const endpoint = result.traces![0].hops.find((h) => h.kind === "endpoint")!;
          expect(endpoint.rules![0]).toBe(`TCP  ${c.vs!.ip}:${c.vs!.port} rr`);
          // The iptables rules the trace quotes are rules iptables-save prints.
          for (const rule of endpoint.rules!.filter((r) => r.startsWith("-A "))) expect(save).toContain(`${rule}\n`);
          reached.add(`${endpoint.after!.dst.ip}:${endpoint.after!.dst.port}`);
        }
        expect([...reached].sort()).toEqual([...c.vs!.realServers].sort());
        checked++;
      }
    }
    expect(checked).toBe(9);
  });

  it("gives a Local-policy virtual server every endpoint on a node without a local one: pods get through, an outside client times out", () => {
    const solo = services.find((s) => s.name === "solo-local")!;
    const podNode = run("kubectl get pods -l app=solo -o jsonpath='{.items[0].spec.nodeName}'").output;
    const podIP = run("kubectl get pods -l app=solo -o jsonpath='{.items[0].status.podIP}'").output;
    const other = nodes.find((n) => n !== podNode && n !== "controlplane")!;
    const otherIP = run(`kubectl get node ${other} -o jsonpath='{.status.addresses[0].address}'`).output;
    const vs = parseIpvsadm(run(`ssh ${other} sudo ipvsadm -Ln`).output).find((v) => v.ip === otherIP && v.port === solo.nodePort)!;
    expect(vs.realServers).toEqual([`${podIP}:80`]);
    const outside = run(`curl -s -m 5 ${otherIP}:${solo.nodePort}`);
    expect(outside.traces![0].verdict).toBe("timed-out");
    expect(outside.traces![0].cause).toBe("traffic-policy-local");
    expect(run(`ssh ${other} curl -s ${otherIP}:${solo.nodePort}`).output).toContain("Welcome to nginx!");
    // On the pod's node the virtual server has only the local endpoint, and the outside client gets through.
    const podNodeIP = run(`kubectl get node ${podNode} -o jsonpath='{.status.addresses[0].address}'`).output;
    expect(run(`curl -s ${podNodeIP}:${solo.nodePort}`).output).toContain("Welcome to nginx!");
  });

  it("lists the sets with ipset's list format, references counted from the rules", () => {
    const out = run("ssh node01 sudo ipset list KUBE-CLUSTER-IP").output;
    const members = services.map((s) => `${s.clusterIP},tcp:80`);
    expect(out).toMatch(/^Name: KUBE-CLUSTER-IP\nType: hash:ip,port\nRevision: 7\nHeader: family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x[0-9a-f]{8}\nSize in memory: \d+\nReferences: 3\nNumber of entries: \d+\nMembers:\n/);
    for (const m of [...members, "10.96.0.1,tcp:443", "10.96.0.10,udp:53"]) expect(out).toContain(`\n${m}\n`);
    const np = run("ssh node01 sudo ipset -L KUBE-NODE-PORT-TCP").output;
    expect(np).toBe(`Name: KUBE-NODE-PORT-TCP\nType: bitmap:port\nRevision: 3\nHeader: range 0-65535\nSize in memory: 8264\nReferences: 1\nNumber of entries: 3\nMembers:\n${services.filter((s) => s.nodePort).map((s) => s.nodePort).sort((a, b) => a - b).join("\n")}\n`);
    expect(run("ssh node01 sudo ipset list -n").output.split("\n").slice(0, 3)).toEqual(["KUBE-LOOP-BACK", "KUBE-CLUSTER-IP", "KUBE-EXTERNAL-IP"]);
    expect(run("ssh node01 sudo ipset list -t KUBE-HEALTH-CHECK-NODE-PORT").output).toBe(`Name: KUBE-HEALTH-CHECK-NODE-PORT\nType: bitmap:port\nRevision: 3\nHeader: range 0-65535\nSize in memory: 8264\nReferences: 2\nNumber of entries: 1\n`);
  });

  it("saves sets as create/add lines, and sorts members by their numbers with -s", () => {
    const save = run("ssh node01 sudo ipset save KUBE-CLUSTER-IP").output.split("\n");
    expect(save[0]).toMatch(/^create KUBE-CLUSTER-IP hash:ip,port family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x[0-9a-f]{8}$/);
    expect(save.slice(1, -1).every((l) => /^add KUBE-CLUSTER-IP [\d.]+,(tcp|udp):\d+$/.test(l))).toBe(true);
    expect(run("ssh node01 sudo ipset list -o save KUBE-CLUSTER-IP").output).toBe(save.join("\n"));
    const sorted = run("ssh node01 sudo ipset list -s KUBE-CLUSTER-IP").output.split("Members:\n")[1].trim().split("\n");
    const key = (m: string) => m.split(/[.,:]/).map((p) => (/^\d+$/.test(p) ? p.padStart(5, "0") : p)).join(".");
    // 10.96.0.1 before 10.103.x: by number, not as text (kube-proxy's own order).
    expect(sorted).toEqual([...sorted].sort((a, b) => (key(a) < key(b) ? -1 : 1)));
    expect(sorted[0]).toBe("10.96.0.1,tcp:443");
  });

  it("answers as ipset does for a missing set, a non-root user and its version", () => {
    expect(run("ssh node01 sudo ipset list KUBE-NOPE; echo $?").output).toBe("ipset v7.19: The set with the given name does not exist\n1\n");
    expect(run("ssh node01 ipset list; echo $?").output).toBe("ipset v7.19: Kernel error received: Operation not permitted\n1\n");
    expect(run("ssh node01 ipset version").output).toBe("ipset v7.19, protocol version: 7\n");
    expect(run("ssh node01 sudo ipset frobnicate; echo $?").output).toBe("ipset v7.19: No command specified: unknown argument frobnicate\nTry `ipset help' for more information.\n2\n");
  });

  it("has no sets on a node still in iptables mode", () => {
    const fresh = simConsole(5);
    expect(fresh("ssh node01 sudo ipset list; echo $?").output).toBe("0\n");
    expect(fresh("ssh node01 sudo iptables-save").output).toMatch(/-A KUBE-SERVICES .* -j KUBE-SVC-/);
  });
});
