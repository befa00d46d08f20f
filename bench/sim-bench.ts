// Every simulator benchmark in one process, one table: `npm run bench`
// (= node --expose-gc via tsx, so heap figures are taken after a full collection).
// The pieces live in bench/kubectl-bench.ts, bench/cluster-bench.ts and bench/net-bench.ts, which
// still run on their own for more detail. Wall-clock times on a shared machine move with its
// load: the load average is printed with the table.
import { availableParallelism, loadavg } from "node:os";
import { createObject } from "../worker/sim/cluster/api-server.ts";
import { reconcile } from "../worker/sim/cluster/controllers.ts";
import { allEndpointSlices } from "../worker/sim/cluster/endpoints.ts";
import { Tx } from "../worker/sim/cluster/tx.ts";
import type { SubmittedObject } from "../worker/sim/cluster/types.ts";
import { MAX_COMMAND_BYTES, type SessionState, createSession, execute, tick } from "../worker/sim/engine.ts";
import { createRandom } from "../worker/sim/random.ts";
import { T0, buildCluster, engineScale, heapMB, sessionOf, withScaledDeployment } from "./cluster-bench.ts";
import { kubectlCluster, measureCommand } from "./kubectl-bench.ts";
import { buildNetCluster, gatewayRouteRate, ingressRouteRate, routeRate, withHttpRoutes, withIngresses, withIpvsMode, withPolicies } from "./net-bench.ts";
import { NetIndex } from "../worker/sim/net/index.ts";
import { nodeRuleset } from "../worker/sim/net/kube-proxy-ruleset.ts";
import { ipvsNetfilter } from "../worker/sim/net/ipvs-ruleset.ts";
import { nodeProxier } from "../worker/sim/net/ipvs.ts";
import { saveTable } from "../worker/sim/net/tools/iptables.ts";
import { type Measured, shortCommand, workReport } from "./work-bench.ts";
import { WORK_BUDGET } from "../worker/sim/shell/work.ts";

interface Row {
  measure: string;
  value: string;
  goal?: string;
  ok?: boolean;
}

const rows: Row[] = [];
const row = (measure: string, value: string, goal?: string, ok?: boolean): void => {
  rows.push({ measure, value, goal, ok });
  console.error(`  ${measure}: ${value}`);
};
const ms = (n: number): string => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// ---------------------------------------------------------------- kubectl get pods

{
  const cluster = kubectlCluster();
  const c = measureCommand(cluster, "kubectl get pods", 100);
  row("kubectl get pods, 1,000 pods", `${c.perSecond.toFixed(0)} commands/s, ${ms(c.ms)} each`);
}

// ---------------------------------------------------------------- applying 1,000 objects

function manifests(count: number): string[] {
  const docs: string[] = [];
  for (let i = 0; i < count / 2; i++) {
    docs.push(`apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\nspec:\n  selector:\n    app: app-${i}\n  ports:\n  - port: 80\n    targetPort: 80\n`);
    docs.push(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-${i}\n  labels:\n    app: app-${i}\nspec:\n  containers:\n  - name: web\n    image: nginx\n    ports:\n    - containerPort: 80\n`);
  }
  return docs;
}

/** `kubectl apply -f - <<EOF` commands, each as large as one console command may be. */
function applyCommands(docs: string[]): string[] {
  const commands: string[] = [];
  let body = "";
  const wrap = (b: string) => `kubectl apply -f - <<EOF\n${b}EOF`;
  for (const doc of docs) {
    const next = body ? `${body}---\n${doc}` : doc;
    if (Buffer.byteLength(wrap(next)) > MAX_COMMAND_BYTES) {
      commands.push(wrap(body));
      body = doc;
    } else body = next;
  }
  if (body) commands.push(wrap(body));
  return commands;
}

{
  const docs = manifests(1000);
  const commands = applyCommands(docs);
  let session = createSession({ seed: 3, now: T0, maxObjects: 50_000 });
  let now = T0 + 1000;
  const t0 = performance.now();
  let created = 0;
  for (const command of commands) {
    const r = execute(session, command, { now });
    if (r.exitCode !== 0) throw new Error(r.output);
    created += r.output.split("\n").filter((l) => l.endsWith(" created")).length;
    session = r.state;
    now += 100;
  }
  const engineMs = performance.now() - t0;
  if (created !== 1000) throw new Error(`apply created ${created} objects`);
  const largest = Math.max(...commands.map((c) => Buffer.byteLength(c)));
  // A console command is at most MAX_COMMAND_BYTES (8 KB), heredoc included, which is below the
  // 64 KB manifest limit: that is what bounds one apply typed into the console.
  row("apply 1,000 objects via engine", `${ms(engineMs)} (${commands.length} kubectl apply -f - <<EOF commands of <= ${(largest / 1024).toFixed(1)} KB, the command limit)`);

  const objects: SubmittedObject[] = [];
  for (let i = 0; i < 500; i++) {
    objects.push({ apiVersion: "v1", kind: "Service", metadata: { name: `svc-${i}` }, spec: { selector: { app: `app-${i}` }, ports: [{ port: 80, targetPort: 80 }] } });
    objects.push({ apiVersion: "v1", kind: "Pod", metadata: { name: `pod-${i}`, labels: { app: `app-${i}` } }, spec: { containers: [{ name: "web", image: "nginx", ports: [{ containerPort: 80 }] }] } });
  }
  const base = createSession({ seed: 3, now: T0, maxObjects: 50_000 }).cluster;
  const random = createRandom(3);
  const t1 = performance.now();
  const tx = new Tx(base);
  for (const o of objects) {
    const r = createObject(tx, o, { now: T0 + 1000, random });
    if (!r.ok) throw new Error(r.status.message);
  }
  reconcile(tx, T0 + 1000, random);
  tx.commit();
  row("apply 1,000 objects via API (one transaction)", ms(performance.now() - t1));
}

// ---------------------------------------------------------------- state size

{
  let session: SessionState = createSession({ seed: 4, now: T0 });
  const empty = Buffer.byteLength(JSON.stringify(session));
  const random = createRandom(4);
  const tx = new Tx(session.cluster);
  for (let i = 0; i < 50; i++) {
    createObject(tx, { apiVersion: "v1", kind: "Service", metadata: { name: `svc-${i}` }, spec: { selector: { app: `app-${i}` }, ports: [{ port: 80 }] } }, { now: T0, random });
    createObject(tx, { apiVersion: "v1", kind: "Pod", metadata: { name: `pod-${i}`, labels: { app: `app-${i}` } }, spec: { containers: [{ name: "web", image: "nginx" }] } }, { now: T0, random });
  }
  reconcile(tx, T0, random);
  session = tick({ ...session, cluster: tx.commit() }, T0 + 10_000);
  const bytes = Buffer.byteLength(JSON.stringify(session));
  row("state size, 100 objects (50 svc + 50 Running pods)", `${bytes.toLocaleString("en")} bytes JSON (fresh cluster: ${empty.toLocaleString("en")})`);
}

// ---------------------------------------------------------------- applying until routable

{
  // One warm-up build (the JIT), then the median of five.
  buildCluster(1000, 1000, 5);
  const runs = [0, 1, 2, 3, 4].map(() => buildCluster(1000, 1000, 5).ms);
  const m = median(runs);
  row("1,000 svc + 1,000 pods -> all routable", `${ms(m)} (median of 5 after a warm-up: ${runs.map((r) => r.toFixed(0)).join(", ")})`, "< 100 ms", m < 100);
}

{
  const before = heapMB();
  const large = buildCluster(10_000, 30_000, 122);
  row("10,000 svc + 30,000 pods -> all routable", ms(large.ms), "< 2 s", large.ms < 2000);
  const heap = heapMB();
  row("heap used at that size", `${heap.toFixed(0)} MB (${before.toFixed(0)} MB before building it)`, "< 100 MB", heap < 100);
  let session = sessionOf(withScaledDeployment(large.state));
  const scales: Array<ReturnType<typeof engineScale>> = [];
  for (let i = 0; i < 5; i++) {
    const e = engineScale(session);
    scales.push(e);
    session = e.session;
  }
  const pick = (f: (e: (typeof scales)[number]) => number) => median(scales.map(f));
  row(
    "one kubectl scale on the large cluster (median of 5)",
    `${ms(pick((e) => e.total))}: command ${ms(pick((e) => e.commandMs))} + until Ready ${ms(pick((e) => e.readyMs))} + first request ${ms(pick((e) => e.firstRequestMs))}`,
  );
  allEndpointSlices(session.cluster);
}

// ---------------------------------------------------------------- routing

{
  const small = buildNetCluster(10, 3);
  routeRate(small, 30005, 200_000);
  const a = routeRate(small, 30005);
  row("routed req/s via NodePort + trace, 10 svc", `${a.perSecond.toLocaleString("en")}/s (${a.usEach.toFixed(2)} us each)`, ">= 600,000/s", a.perSecond >= 600_000);
  const large = buildNetCluster(10_000, 3);
  routeRate(large, 30005, 200_000);
  const b = routeRate(large, 30005);
  const ratio = a.perSecond / b.perSecond;
  row(
    "routed req/s via NodePort + trace, 10,000 svc / 30,000 pods",
    `${b.perSecond.toLocaleString("en")}/s (${b.usEach.toFixed(2)} us each, ${ratio.toFixed(2)}x the small)`,
    ">= 600,000/s, <= 1.5x",
    b.perSecond >= 600_000 && ratio <= 1.5,
  );
  // Calico with 100 NetworkPolicies, 10 per Service: every request is checked against its pod's.
  const policed = withPolicies(buildNetCluster(10, 3, "calico"), 100, 10);
  routeRate(policed, 30005, 200_000);
  const c = routeRate(policed, 30005);
  row("routed req/s via NodePort + trace, Calico, 100 NetworkPolicies", `${c.perSecond.toLocaleString("en")}/s (${c.usEach.toFixed(2)} us each)`, ">= 600,000/s", c.perSecond >= 600_000);
  // ingress-nginx with 100 Ingresses (300 rules): both legs of a request and the rule match.
  const ingressed = withIngresses(buildNetCluster(10, 3), 100, 10);
  ingressRouteRate(ingressed, 30005, 200_000);
  const d = ingressRouteRate(ingressed, 30005);
  row("routed req/s via an Ingress (NodePort + rule + endpoint), 100 Ingresses", `${d.perSecond.toLocaleString("en")}/s (${d.usEach.toFixed(2)} us each)`, ">= 600,000/s", d.perSecond >= 600_000);
  // NGINX Gateway Fabric's data plane with 100 HTTPRoutes (300 rules) on one Gateway: both legs and the match.
  const routed = withHttpRoutes(buildNetCluster(10, 3), 100, 10);
  gatewayRouteRate(routed, 30005, 200_000);
  const g = gatewayRouteRate(routed, 30005);
  row("routed req/s via a Gateway (NodePort + HTTPRoute match + endpoint), 100 HTTPRoutes", `${g.perSecond.toLocaleString("en")}/s (${g.usEach.toFixed(2)} us each)`, ">= 600,000/s", g.perSecond >= 600_000);
  // iptables-save on node01 of the large cluster: the whole rule set built and printed (a fresh
  // NetIndex each time, as after a change to the cluster), median of 5 after a warm-up.
  const stamp = "Mon Dec  7 07:19:07 2026";
  const save = () => nodeRuleset(new NetIndex(large), "node01").tables.map((t) => saveTable(t, stamp)).join("");
  const text = save();
  const saves = [0, 1, 2, 3, 4].map(() => {
    const t0 = performance.now();
    save();
    return performance.now() - t0;
  });
  const m = median(saves);
  row("iptables-save on a node, 10,000 svc / 30,000 pods", `${ms(m)} for ${text.split("\n").length.toLocaleString("en")} lines, ${(text.length / 1e6).toFixed(1)} MB (median of 5)`);
  // The same in ipvs mode: the ipvs proxier's rules, which match ip sets built from every virtual
  // server of the node (the sets and the virtual servers are built too, as iptables-save builds them).
  const ipvs = withIpvsMode(large);
  if (nodeProxier(new NetIndex(ipvs), "node01").mode !== "ipvs") throw new Error("the bench cluster's kube-proxy is not in ipvs mode");
  const saveIpvs = () => ipvsNetfilter(new NetIndex(ipvs), "node01").ruleset.tables.map((t) => saveTable(t, stamp)).join("");
  const ipvsText = saveIpvs();
  const ipvsSaves = [0, 1, 2, 3, 4].map(() => {
    const t0 = performance.now();
    saveIpvs();
    return performance.now() - t0;
  });
  const sets = ipvsNetfilter(new NetIndex(ipvs), "node01").ipsets;
  row(
    "iptables-save on a node in ipvs mode, 10,000 svc / 30,000 pods",
    `${ms(median(ipvsSaves))} for ${ipvsText.split("\n").length.toLocaleString("en")} lines (${sets.reduce((n, s) => n + s.members.length, 0).toLocaleString("en")} ipset members), ${(ipvsText.length / 1e3).toFixed(1)} kB (median of 5)`,
  );
}

// ---------------------------------------------------------------- the work budget

{
  const { transcripts, loop, longLoop, attacks, costliest, costliestOnThread } = workReport();
  const units = (m: Measured) => `${m.units.toLocaleString("en")} units (${(WORK_BUDGET / m.units).toFixed(1)}x headroom), ${ms(m.cpuMs)} CPU: ${shortCommand(m.command)}`;
  row("work budget: heaviest command of goldens + lessons", units(transcripts), ">= 10x headroom", WORK_BUDGET / transcripts.units >= 10);
  row("work budget: heaviest loop of 100 requests/gets", units(loop), "<= 25 ms, fits", loop.cpuMs <= 25 && loop.exitCode === 0);
  row(`work budget: loop of 1,000: ${shortCommand(longLoop.command)}`, `${ms(longLoop.cpuMs)}, exit ${longLoop.exitCode}`, "<= 25 ms", longLoop.cpuMs <= 25);
  for (const a of attacks) row(`attack, CPU until stopped: ${shortCommand(a.command)}`, `${ms(a.cpuMs)}, exit ${a.exitCode}`, "<= 25 ms", a.cpuMs <= 25);
  row("work budget: most CPU of any one command", `${ms(costliest.cpuMs)}: ${shortCommand(costliest.command)}`, "<= 25 ms", costliest.cpuMs <= 25);
  // The command's own thread, without V8's compiler and GC threads beside it (Linux only).
  if (costliestOnThread.threadMs !== undefined) {
    row("work budget: most CPU of any one command on its thread", `${ms(costliestOnThread.threadMs)}: ${shortCommand(costliestOnThread.command)}`, "<= 25 ms", costliestOnThread.threadMs <= 25);
  }
}

// ---------------------------------------------------------------- the table

const width = (f: (r: Row) => string, title: string) => Math.max(title.length, ...rows.map((r) => f(r).length));
const w1 = width((r) => r.measure, "measure");
const w2 = width((r) => r.value, "value");
const w3 = width((r) => r.goal ?? "", "goal");
const line = (a: string, b: string, c: string, d: string) => `${a.padEnd(w1)} | ${b.padEnd(w2)} | ${c.padEnd(w3)} | ${d}`;
console.log(`\nsim benchmarks: node ${process.version}, ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
console.log(line("measure", "value", "goal", ""));
console.log(`${"-".repeat(w1)}-+-${"-".repeat(w2)}-+-${"-".repeat(w3)}-+-----`);
for (const r of rows) console.log(line(r.measure, r.value, r.goal ?? "", r.ok === undefined ? "" : r.ok ? "met" : "MISSED"));
