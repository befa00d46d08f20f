// NetworkPolicy enforcement: a Calico cluster lets through only what the policies allow (table of
// peers, namespaces, ipBlocks, ports, named ports, both directions, DNS), the route trace names the
// policy and rule, and a flannel cluster stores the same policies and enforces none.
import { describe, expect, it } from "vitest";
import { resolveProfile } from "../../../worker/sim/cluster/profile.ts";
import { type CommandResult, createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";

function cluster(cni: "flannel" | "calico", seed = 31) {
  let now = Date.UTC(2026, 0, 1);
  let state: SessionState = createSession({ seed, now, profile: resolveProfile({ cni }) });
  const run = (command: string): CommandResult => {
    now += 3000;
    const result = execute(state, command, { now });
    state = result.state;
    return result;
  };
  const ok = (command: string) => {
    const r = run(command);
    if (r.exitCode !== 0) throw new Error(`${command}: ${r.output}`);
    return r.output;
  };
  ok("kubectl create namespace prod");
  ok("kubectl create namespace dev");
  ok("kubectl label namespace prod team=prod");
  ok("kubectl label namespace dev team=dev");
  ok(`kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: prod
  labels: {app: api}
spec:
  containers:
  - name: nginx
    image: nginx
    ports:
    - name: http
      containerPort: 80
EOF`);
  ok("kubectl expose pod api -n prod --port=80 --type=NodePort");
  ok("kubectl run web -n prod --image=nginx --labels=app=web");
  ok("kubectl run tester -n dev --image=nginx --labels=app=web");
  ok("kubectl run stranger -n dev --image=nginx --labels=app=other");
  ok("sleep 40");
  const ip = (ns: string, pod: string) => ok(`kubectl get pod ${pod} -n ${ns} -o jsonpath='{.status.podIP}'`);
  const policy = (ns: string, name: string, spec: string) =>
    ok(`kubectl apply -f - <<EOF\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n${spec.replace(/^/gm, "  ")}\nEOF`);
  /** curl's exit code from a pod to a URL: 0 answered, 28 timed out (dropped), 6 not resolved. */
  const curl = (ns: string, pod: string, url: string) => run(`kubectl exec -n ${ns} ${pod} -- curl -s -o /dev/null -m 2 ${url}`);
  return { run, ok, ip, policy, curl };
}

type Case = { name: string; spec?: string; from: Array<[string, string, number]> };

const apiPolicy = (rules: string) => `podSelector:\n  matchLabels: {app: api}\n${rules}`;

// Ingress to prod/api (port 80, named "http"): [namespace, pod, curl exit code].
const INGRESS: Case[] = [
  { name: "no policy selects the pod: everything gets in", from: [["prod", "web", 0], ["dev", "tester", 0], ["dev", "stranger", 0]] },
  { name: "an empty ingress list isolates it from everyone", spec: apiPolicy("policyTypes: [Ingress]"), from: [["prod", "web", 28], ["dev", "tester", 28]] },
  { name: "a podSelector peer means pods of the policy's own namespace", spec: apiPolicy("ingress:\n- from:\n  - podSelector: {matchLabels: {app: web}}"), from: [["prod", "web", 0], ["dev", "tester", 28]] },
  { name: "a namespaceSelector peer admits every pod of those namespaces", spec: apiPolicy("ingress:\n- from:\n  - namespaceSelector: {matchLabels: {team: dev}}"), from: [["prod", "web", 28], ["dev", "tester", 0], ["dev", "stranger", 0]] },
  {
    name: "namespaceSelector and podSelector in one peer must both match",
    spec: apiPolicy("ingress:\n- from:\n  - namespaceSelector: {matchLabels: {team: dev}}\n    podSelector: {matchLabels: {app: web}}"),
    from: [["dev", "tester", 0], ["dev", "stranger", 28], ["prod", "web", 28]],
  },
  { name: "two peers in a list are ORed", spec: apiPolicy("ingress:\n- from:\n  - namespaceSelector: {matchLabels: {team: dev}}\n  - podSelector: {matchLabels: {app: web}}"), from: [["dev", "stranger", 0], ["prod", "web", 0]] },
  { name: "a rule with only ports admits any source on those ports", spec: apiPolicy("ingress:\n- ports:\n  - port: 80"), from: [["dev", "stranger", 0]] },
  { name: "another port number does not", spec: apiPolicy("ingress:\n- ports:\n  - port: 8080"), from: [["prod", "web", 28]] },
  { name: "a named port is the pod's container port of that name", spec: apiPolicy("ingress:\n- ports:\n  - port: http"), from: [["prod", "web", 0]] },
  { name: "an unknown port name matches nothing", spec: apiPolicy("ingress:\n- ports:\n  - port: metrics"), from: [["prod", "web", 28]] },
  { name: "endPort makes a range", spec: apiPolicy("ingress:\n- ports:\n  - port: 70\n    endPort: 90"), from: [["prod", "web", 0]] },
  { name: "the protocol must match too", spec: apiPolicy("ingress:\n- ports:\n  - port: 80\n    protocol: UDP"), from: [["prod", "web", 28]] },
  { name: "an Egress-only policy leaves ingress alone", spec: apiPolicy("policyTypes: [Egress]"), from: [["prod", "web", 0]] },
];

describe("NetworkPolicy on a Calico cluster", () => {
  for (const c of INGRESS) {
    it(`ingress: ${c.name}`, () => {
      const k = cluster("calico");
      if (c.spec) k.policy("prod", "p", c.spec);
      const api = k.ip("prod", "api");
      for (const [ns, pod, code] of c.from) expect([ns, pod, k.curl(ns, pod, `http://${api}`).exitCode]).toEqual([ns, pod, code]);
    });
  }

  it("ingress: ipBlock with except, by the source address the pod sees", () => {
    const k = cluster("calico");
    const tester = k.ip("dev", "tester");
    k.policy("prod", "p", apiPolicy(`ingress:\n- from:\n  - ipBlock:\n      cidr: 10.244.0.0/16\n      except: [${tester}/32]`));
    const api = k.ip("prod", "api");
    expect(k.curl("prod", "web", `http://${api}`).exitCode).toBe(0);
    expect(k.curl("dev", "tester", `http://${api}`).exitCode).toBe(28);
  });

  it("ingress through a NodePort on another node: the client is masqueraded to that node's tunl0 address, which only an ipBlock admits", () => {
    const k = cluster("calico");
    const nodePort = k.ok("kubectl get svc api -n prod -o jsonpath='{.spec.ports[0].nodePort}'");
    const apiNode = k.ok("kubectl get pod api -n prod -o jsonpath='{.spec.nodeName}'");
    const other = ["node01", "node02", "controlplane"].find((n) => n !== apiNode)!;
    const nodeIP = k.ok(`kubectl get node ${other} -o jsonpath='{.status.addresses[0].address}'`);
    k.policy("prod", "p", apiPolicy("ingress:\n- from:\n  - podSelector: {}"));
    expect(k.run(`curl -s -o /dev/null -m 2 http://${nodeIP}:${nodePort}`).exitCode).toBe(28);
    k.policy("prod", "p", apiPolicy("ingress:\n- from:\n  - ipBlock: {cidr: 192.168.56.0/24}"));
    expect(k.run(`curl -s -o /dev/null -m 2 http://${nodeIP}:${nodePort}`).exitCode).toBe(28);
    k.policy("prod", "p", apiPolicy("ingress:\n- from:\n  - ipBlock: {cidr: 10.244.0.0/16}"));
    expect(k.run(`curl -s -o /dev/null -m 2 http://${nodeIP}:${nodePort}`).exitCode).toBe(0);
  });

  it("ingress through a NodePort on the pod's own node: the client is that node's own address (the cali* route has no source), so a node-network ipBlock admits it", () => {
    const k = cluster("calico");
    const nodePort = k.ok("kubectl get svc api -n prod -o jsonpath='{.spec.ports[0].nodePort}'");
    const apiNode = k.ok("kubectl get pod api -n prod -o jsonpath='{.spec.nodeName}'");
    const nodeIP = k.ok(`kubectl get node ${apiNode} -o jsonpath='{.status.addresses[0].address}'`);
    k.policy("prod", "p", apiPolicy("ingress:\n- from:\n  - ipBlock: {cidr: 10.244.0.0/16}"));
    expect(k.run(`curl -s -o /dev/null -m 2 http://${nodeIP}:${nodePort}`).exitCode).toBe(28);
    k.policy("prod", "p", apiPolicy("ingress:\n- from:\n  - ipBlock: {cidr: 192.168.56.0/24}"));
    expect(k.run(`curl -s -o /dev/null -m 2 http://${nodeIP}:${nodePort}`).exitCode).toBe(0);
  });

  it("egress: isolation drops the pod's own packets and its DNS queries until a rule allows UDP 53", () => {
    const k = cluster("calico");
    const api = k.ip("prod", "api");
    k.policy("prod", "out", "podSelector:\n  matchLabels: {app: web}\npolicyTypes: [Egress]");
    expect(k.curl("prod", "web", `http://${api}`).exitCode).toBe(28);
    const byName = k.run("kubectl exec -n prod web -- curl -sS -m 2 http://api");
    expect(byName).toMatchObject({ exitCode: 6, output: "curl: (6) Could not resolve host: api\ncommand terminated with exit code 6\n" });
    expect(byName.traces.at(-1)?.verdict).toBe("not-resolved");
    k.policy("prod", "out", "podSelector:\n  matchLabels: {app: web}\negress:\n- to:\n  - podSelector: {matchLabels: {app: api}}\n  ports:\n  - port: 80");
    expect(k.curl("prod", "web", `http://${api}`).exitCode).toBe(0);
    expect(k.curl("prod", "web", "http://api").exitCode).toBe(6);
    k.policy("prod", "dns", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- to:\n  - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}\n  ports:\n  - port: 53\n    protocol: UDP");
    expect(k.curl("prod", "web", "http://api").exitCode).toBe(0);
    expect(k.curl("prod", "web", `http://${k.ip("dev", "tester")}`).exitCode).toBe(28);
  });

  it("the route trace names the policy that dropped a packet and the rule that let one through", () => {
    const k = cluster("calico");
    const api = k.ip("prod", "api");
    k.policy("prod", "from-web", apiPolicy("ingress:\n- ports:\n  - port: 8080\n- from:\n  - podSelector: {matchLabels: {app: web}}"));
    const dropped = k.curl("dev", "tester", `http://${api}`).traces.at(-1)!;
    expect(dropped.verdict).toBe("timed-out");
    expect(dropped.hops.at(-1)).toMatchObject({ kind: "pod", label: "pod prod/api", policy: { names: ["prod/from-web"], direction: "ingress", verdict: "dropped" } });
    expect(dropped.reason).toContain("prod/api is isolated for ingress by NetworkPolicy prod/from-web");
    const allowed = k.curl("prod", "web", `http://${api}`).traces.at(-1)!;
    expect(allowed.verdict).toBe("answered");
    const podHop = allowed.hops.find((h) => h.kind === "pod");
    expect(podHop).toMatchObject({ policy: { names: ["prod/from-web"], direction: "ingress", rule: 2, verdict: "allowed" } });
    expect(podHop!.note).toContain("its ingress rule 2 (from podSelector app=web, any port) allows");
  });

  it("a node still reaches its own pods (the kubelet's probes), other nodes do not", () => {
    const k = cluster("calico");
    const node = k.ok("kubectl get pod api -n prod -o jsonpath='{.spec.nodeName}'");
    const other = node === "node01" ? "node02" : "node01";
    k.policy("prod", "deny", "podSelector: {}\npolicyTypes: [Ingress]");
    const api = k.ip("prod", "api");
    k.ok(`ssh ${node}`);
    expect(k.run(`curl -s -o /dev/null -m 2 http://${api}`).exitCode).toBe(0);
    k.ok("exit");
    k.ok(`ssh ${other}`);
    expect(k.run(`curl -s -o /dev/null -m 2 http://${api}`).exitCode).toBe(28);
  });
});

describe("NetworkPolicy on a flannel cluster", () => {
  it("is stored and described, and enforced nowhere", () => {
    const k = cluster("flannel");
    k.policy("prod", "deny", "podSelector: {}\npolicyTypes: [Ingress, Egress]");
    expect(k.ok("kubectl get netpol -n prod")).toMatch(/^deny +<none> +\d+s$/m);
    const api = k.ip("prod", "api");
    expect(k.curl("dev", "tester", `http://${api}`).exitCode).toBe(0);
    expect(k.curl("prod", "web", "http://api").exitCode).toBe(0);
    expect(k.curl("prod", "web", "http://api").traces.at(-1)!.hops.some((h) => h.policy)).toBe(false);
  });
});
