// A cni=calico cluster as calico.yaml leaves it: calico-node on every node and
// calico-kube-controllers instead of flannel, one /26 IPAM block per node from 10.244.0.0/16,
// pods addressed from their node's block, tunl0 and cali* veths on the nodes, and a NodePort
// client masqueraded to the node's tunl0 address.
import { describe, expect, it } from "vitest";
import { resolveProfile } from "../../../worker/sim/cluster/profile.ts";
import { allocateBlockIP, claimBlock } from "../../../worker/sim/cluster/calico-ipam.ts";
import { parseCidr } from "../../../worker/sim/cluster/ipv4.ts";
import { type CommandResult, createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";
import { sha1Hex } from "../../../worker/sim/net/sha1.ts";

function cluster(cni: "flannel" | "calico", seed = 7) {
  let now = Date.UTC(2026, 0, 1);
  let state: SessionState = createSession({ seed, now, profile: resolveProfile({ cni }) });
  const run = (command: string): CommandResult => {
    now += 3000;
    const result = execute(state, command, { now });
    state = result.state;
    return result;
  };
  return { run, state: () => state };
}

describe("Calico IPAM", () => {
  it("claims a free /26 block of the pool per node, starting where the host name points", () => {
    const first = claimBlock("10.244.0.0/16", "node01", new Set())!;
    expect(first.prefix).toBe(26);
    expect(first.base % 64).toBe(0);
    const taken = new Set([`${[first.base >>> 24, (first.base >>> 16) & 255, (first.base >>> 8) & 255, first.base & 255].join(".")}/26`]);
    const second = claimBlock("10.244.0.0/16", "node01", taken)!;
    expect(second.base).toBe(first.base + 64 >= parseCidr("10.244.0.0/16")!.base + 65536 ? parseCidr("10.244.0.0/16")!.base : first.base + 64);
  });

  it("hands out a block's addresses after the tunnel's, up to the last one, skipping recently released ones", () => {
    const block = parseCidr("10.244.7.64/26")!;
    expect(allocateBlockIP(block, new Set(), {}, 0)).toBe("10.244.7.65");
    expect(allocateBlockIP(block, new Set(["10.244.7.65"]), { "10.244.7.66": 100 }, 50)).toBe("10.244.7.67");
    const all = new Set(Array.from({ length: 62 }, (_, i) => `10.244.7.${65 + i}`));
    expect(allocateBlockIP(block, all, {}, 0)).toBe("10.244.7.127");
    all.add("10.244.7.127");
    expect(allocateBlockIP(block, all, {}, 0)).toBeUndefined();
  });
});

describe("a cni=calico cluster", () => {
  const k = cluster("calico");
  k.run("kubectl create deployment web --image=nginx --replicas=4");
  k.run("sleep 20");

  it("runs calico-node on every node and calico-kube-controllers, with the manifest's images, and no flannel", () => {
    const pods = k.run("kubectl get pods -n kube-system -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image,NODE:.spec.nodeName,STATUS:.status.phase --no-headers").output;
    const calicoNodes = pods.split("\n").filter((l) => l.startsWith("calico-node-"));
    expect(calicoNodes.map((l) => l.split(/\s+/)[2]).sort()).toEqual(["controlplane", "node01", "node02"]);
    for (const line of calicoNodes) expect(line).toMatch(/quay\.io\/calico\/node:v3\.32\.1\s+\S+\s+Running$/);
    expect(pods).toMatch(/^calico-kube-controllers-[a-z0-9]+-[a-z0-9]{5}\s+quay\.io\/calico\/kube-controllers:v3\.32\.1\s+controlplane\s+Running$/m);
    expect(k.run("kubectl get ns").output).not.toContain("kube-flannel");
    expect(k.run("kubectl get ds -n kube-system calico-node -o jsonpath='{.spec.template.spec.containers[0].env[?(@.name==\"CALICO_IPV4POOL_IPIP\")].value}'").output).toBe("Always");
    expect(k.run("kubectl get cm -n kube-system calico-config -o jsonpath='{.data.veth_mtu}'").output).toBe("0");
    expect(k.run("kubectl describe node node01").output).toMatch(/NetworkUnavailable\s+False .* CalicoIsUp\s+Calico is running on this node/);
  });

  it("gives each pod an address from its node's /26 block, after the node's tunl0 address", () => {
    const rows = k.run("kubectl get pods -A -o jsonpath='{range .items[*]}{.spec.nodeName} {.status.podIP} {.spec.hostNetwork}{\"\\n\"}{end}'").output.trim().split("\n");
    const tunnel = (node: string) => k.run(`kubectl get node ${node} -o jsonpath='{.metadata.annotations.projectcalico\\.org/IPv4IPIPTunnelAddr}'`).output;
    const blocks = new Map(["controlplane", "node01", "node02"].map((n) => [n, parseCidr(`${tunnel(n)}/26`)!]));
    expect(new Set([...blocks.values()].map((b) => b.base)).size).toBe(3);
    let podNetwork = 0;
    for (const row of rows) {
      const [node, ip, hostNetwork] = row.split(" ");
      if (hostNetwork === "true") continue;
      podNetwork++;
      const block = blocks.get(node)!;
      const n = ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
      expect(n).toBeGreaterThan(block.base);
      expect(n).toBeLessThan(block.base + 64);
    }
    expect(podNetwork).toBeGreaterThanOrEqual(7);
  });

  it("shows tunl0, cali* veths and BIRD's block routes on a node, and a /32 with the 169.254.1.1 gateway in a pod", () => {
    const pod = k.run("kubectl get pods -l app=web -o jsonpath='{.items[0].metadata.name}'").output;
    const node = k.run(`kubectl get pod ${pod} -o jsonpath='{.spec.nodeName}'`).output;
    const ip = k.run(`kubectl get pod ${pod} -o jsonpath='{.status.podIP}'`).output;
    const tunnel = k.run(`kubectl get node ${node} -o jsonpath='{.metadata.annotations.projectcalico\\.org/IPv4IPIPTunnelAddr}'`).output;
    k.run(`ssh ${node}`);
    const addr = k.run("ip addr").output;
    const route = k.run("ip route").output;
    k.run("exit");
    expect(addr).toContain(`3: tunl0@NONE: <NOARP,UP,LOWER_UP> mtu 1480 qdisc noqueue state UNKNOWN group default qlen 1000\n    link/ipip 0.0.0.0 brd 0.0.0.0\n    inet ${tunnel}/32 scope global tunl0\n`);
    const veth = `cali${sha1Hex(`default.${pod}`).slice(0, 11)}`;
    expect(addr).toMatch(new RegExp(`^\\d+: ${veth}@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1480 qdisc noqueue state UP group default\\n    link/ether ee:ee:ee:ee:ee:ee `, "m"));
    expect(addr).not.toContain("cni0");
    expect(addr).not.toContain("flannel.1");
    expect(route).toContain(`blackhole ${tunnel}/26 proto bird \n`);
    expect(route).toContain(`${ip} dev ${veth} scope link \n`);
    expect(route.match(/ via 192\.168\.56\.1\d dev tunl0 proto bird onlink \n/g)).toHaveLength(2);
    k.run("kubectl run b --image=busybox -- sleep 3600");
    k.run("sleep 5");
    const bIP = k.run("kubectl get pod b -o jsonpath='{.status.podIP}'").output;
    expect(k.run("kubectl exec b -- ip addr").output).toContain(`    inet ${bIP}/32 scope global eth0\n`);
    expect(k.run("kubectl exec b -- ip route").output).toBe("default via 169.254.1.1 dev eth0 \n169.254.1.1 dev eth0 scope link \n");
  });

  it("masquerades a NodePort client to the node's tunl0 address towards a pod on another node", () => {
    k.run("kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: echo\n  labels: {app: echo}\nspec:\n  nodeName: node02\n  containers:\n  - name: echo\n    image: registry.k8s.io/echoserver:1.10\nEOF");
    k.run("kubectl expose pod echo --port 8080 --type NodePort");
    k.run("sleep 10");
    const nodePort = k.run("kubectl get svc echo -o jsonpath='{.spec.ports[0].nodePort}'").output;
    const tunnel = k.run("kubectl get node node01 -o jsonpath='{.metadata.annotations.projectcalico\\.org/IPv4IPIPTunnelAddr}'").output;
    const out = k.run(`curl -s http://192.168.56.11:${nodePort}/`);
    expect(out.exitCode).toBe(0);
    expect(out.output).toContain(`client_address=${tunnel}\n`);
  });
});

describe("a flannel cluster", () => {
  it("keeps kube-flannel, the /24 per node and no Calico annotations", () => {
    const k = cluster("flannel");
    expect(k.run("kubectl get pods -n kube-flannel --no-headers").output.trim().split("\n")).toHaveLength(3);
    expect(k.run("kubectl get node node01 -o jsonpath='{.metadata.annotations}'").output).not.toContain("projectcalico.org");
    expect(k.run("kubectl get pods -n kube-system -l k8s-app=kube-dns -o jsonpath='{.items[*].status.podIP}'").output).toMatch(/^10\.244\.0\.\d+ 10\.244\.0\.\d+$/);
  });
});

describe("sha1Hex", () => {
  it.each([
    ["", "da39a3ee5e6b4b0d3255bfef95601890afd80709"],
    ["abc", "a9993e364706816aba3e25717850c26c9cd0d89d"],
    ["abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"],
  ])("hashes %j as FIPS 180-4's examples", (text, hex) => {
    expect(sha1Hex(text)).toBe(hex);
  });
});
