// conntrack -L on a node: the connections that node's kube-proxy rules rewrote, with the original
// and the reply direction (DNAT to the pod, SNAT where kube-proxy masquerades), in TIME_WAIT for
// 120 s after the simulated connection closes.
import { describe, expect, it } from "vitest";
import { Tx } from "../../../worker/sim/cluster/tx.ts";
import type { ClusterState, ConntrackEntry } from "../../../worker/sim/cluster/types.ts";
import { conntrackKey, TIME_WAIT_MS, trackConnection } from "../../../worker/sim/net/conntrack.ts";
import type { Endpoint } from "../../../worker/sim/net/trace.ts";
import { createRandom } from "../../../worker/sim/random.ts";
import { simConsole } from "../console.ts";

const FOOTER = (n: number) => `conntrack v1.4.8 (conntrack-tools): ${n} flow entries have been shown.\n`;

describe("conntrack -L", () => {
  const run = simConsole(7);
  run("kubectl create deployment web --image=nginx --replicas=1");
  run("kubectl expose deployment web --port 80 --type NodePort");
  const q = (cmd: string) => run(cmd).output;
  const clusterIP = q("kubectl get svc web -o jsonpath='{.spec.clusterIP}'");
  const nodePort = q("kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}'");
  const podIP = q("kubectl get pods -l app=web -o jsonpath='{.items[0].status.podIP}'");
  const podNode = q("kubectl get pods -l app=web -o jsonpath='{.items[0].spec.nodeName}'");
  const ipOf = (node: string) => q(`kubectl get node ${node} -o jsonpath='{.status.addresses[0].address}'`);

  it("needs root", () => {
    const result = run("ssh node01 conntrack -L");
    expect([result.exitCode, result.output]).toEqual([1, "conntrack v1.4.8 (conntrack-tools): Operation failed: Operation not permitted\n"]);
  });

  it("lists a ClusterIP connection from the node on the node, DNAT to the pod and SNAT back to the node", () => {
    expect(q("ssh controlplane curl -s -o /dev/null -w '%{http_code}' " + clusterIP)).toBe("200");
    const result = run(`ssh controlplane sudo conntrack -L -d ${clusterIP}`);
    const line = new RegExp(`^tcp      6 (11\\d|120) TIME_WAIT src=${ipOf("controlplane").replace(/\./g, "\\.")} dst=${clusterIP.replace(/\./g, "\\.")} sport=(\\d+) dport=80 src=${podIP.replace(/\./g, "\\.")} dst=(\\S+) sport=80 dport=\\2 \\[ASSURED\\] mark=0\\n${FOOTER(1).replace(/[().]/g, "\\$&")}$`);
    expect(result.output).toMatch(line);
    // The entry is on the node that did the NAT only.
    expect(run(`ssh ${podNode} sudo conntrack -L -d ${clusterIP}`).output).toBe(FOOTER(0));
  });

  it("lists a NodePort connection from the workstation on the node it reached", () => {
    const other = ["node01", "node02"].find((n) => n !== podNode)!;
    expect(q(`curl -s -o /dev/null -w '%{http_code}' http://${ipOf(other)}:${nodePort}`)).toBe("200");
    const out = run(`ssh ${other} sudo conntrack -L -p tcp -d ${ipOf(other)}`).output.split("\n");
    expect(out[0]).toMatch(new RegExp(`^tcp      6 \\d+ TIME_WAIT src=192\\.168\\.56\\.1 dst=${ipOf(other)} sport=\\d+ dport=${nodePort} src=${podIP} dst=10\\.244\\.\\d+\\.0 sport=80 dport=\\d+ \\[ASSURED\\] mark=0$`));
    expect(out[1]).toBe(FOOTER(1).trimEnd());
  });

  it("forgets an entry 120 s after the connection closed", () => {
    run("sleep 121");
    expect(run(`ssh controlplane sudo conntrack -L -d ${clusterIP}`).output).toBe(FOOTER(0));
  });
});

describe("the conntrack table", () => {
  type Conn = { src: Endpoint; dst: Endpoint };

  // The table as the first version kept it: drop expired entries, add the new one, then keep the
  // newest 256 by a stable sort of the whole table (ties in the table's key order).
  function reference(table: Record<string, ConntrackEntry>, node: string, orig: Conn, reply: Conn, now: number): void {
    const entry: ConntrackEntry = {
      node,
      protocol: "tcp",
      orig: { src: orig.src.ip, dst: orig.dst.ip, sport: orig.src.port, dport: orig.dst.port },
      reply: { src: reply.src.ip, dst: reply.dst.ip, sport: reply.src.port, dport: reply.dst.port },
      at: now,
    };
    for (const key in table) if (now - table[key].at >= TIME_WAIT_MS) delete table[key];
    table[conntrackKey(entry)] = entry;
    const keys = Object.keys(table);
    if (keys.length > 256) {
      keys.sort((a, b) => table[a].at - table[b].at);
      for (const key of keys.slice(0, keys.length - 256)) delete table[key];
    }
  }

  it("keeps the 256 newest connections as a full sort would, across lines, expiry, a port used again and a clock that steps back", () => {
    const random = createRandom(42);
    let state = { now: 0, resourceVersion: 1 } as unknown as ClusterState;
    const expected: Record<string, ConntrackEntry> = {};
    let now = 1_000;
    let evicted = 0;
    for (let line = 0; line < 12; line++) {
      const tx = new Tx(state);
      const rounds = 1 + random.int(300);
      for (let i = 0; i < rounds; i++) {
        // Mostly the same instant (one line's requests), sometimes later, rarely past TIME_WAIT or earlier.
        const step = random.int(80);
        now += step === 0 ? 100_000 : step < 12 ? 1_000 : step < 14 ? -20_000 : 0;
        const orig = { src: { ip: "192.168.56.1", port: 32768 + random.int(400) }, dst: { ip: "192.168.56.11", port: 30080 } };
        const reply = { src: { ip: `10.244.1.${random.int(3) + 2}`, port: 80 }, dst: { ip: "10.244.1.0", port: orig.src.port } };
        const node = `node0${1 + random.int(2)}`;
        const before = Object.keys(expected).length;
        trackConnection(tx, node, orig, reply, now);
        reference(expected, node, orig, reply, now);
        if (before === 256 && Object.keys(expected).length === 256) evicted++;
        // Same entries in the same key order (what conntrack -L lists and the session stores).
        expect(JSON.stringify(tx.state.conntrack)).toBe(JSON.stringify(expected));
      }
      state = tx.commit();
    }
    // The run reached the bound (and so evicted), not only expiry.
    expect(evicted).toBeGreaterThan(10);
  });
});
