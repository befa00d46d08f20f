// Cluster benchmark: `npx tsx bench/cluster-bench.ts`. Creates Services and pods through the
// API server in one transaction, reconciles until every pod is Ready, derives every Service's
// EndpointSlices (what routing needs), then measures one `kubectl scale` on the large cluster.
import { createObject, getObject, updateObject } from "../worker/sim/cluster/api-server.ts";
import { bootstrapCluster } from "../worker/sim/cluster/bootstrap.ts";
import { nextTransitionAt, reconcile } from "../worker/sim/cluster/controllers.ts";
import { allEndpointSlices, endpointSlicesFor } from "../worker/sim/cluster/endpoints.ts";
import { Tx } from "../worker/sim/cluster/tx.ts";
import type { ClusterState, Deployment, SubmittedObject } from "../worker/sim/cluster/types.ts";
import { createRandom } from "../worker/sim/random.ts";

const T0 = Date.UTC(2026, 0, 1);

function heapMB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1e6;
}

function build(services: number, pods: number, workers: number): { state: ClusterState; ms: number; readyMs: number } {
  const random = createRandom(7);
  const base = bootstrapCluster({ now: T0, random, workers, maxPodsPerNode: 250, maxObjects: 1_000_000 });
  const started = performance.now();
  const tx = new Tx(base);
  const ctx = { now: T0, random };
  const perService = Math.ceil(pods / services);
  let made = 0;
  for (let i = 0; i < services; i++) {
    const app = `app-${i}`;
    const svc: SubmittedObject = { apiVersion: "v1", kind: "Service", metadata: { name: `svc-${i}` }, spec: { selector: { app }, ports: [{ port: 80, targetPort: 80 }] } };
    const r = createObject(tx, svc, ctx);
    if (!r.ok) throw new Error(r.status.message);
    for (let j = 0; j < perService && made < pods; j++, made++) {
      const pod: SubmittedObject = { apiVersion: "v1", kind: "Pod", metadata: { name: `${app}-${j}`, labels: { app } }, spec: { enableServiceLinks: false, containers: [{ name: "web", image: "nginx", ports: [{ containerPort: 80 }] }] } };
      const p = createObject(tx, pod, ctx);
      if (!p.ok) throw new Error(p.status.message);
    }
  }
  const created = performance.now();
  reconcile(tx, T0, random);
  reconcile(tx, T0 + 3000, random);
  const state = tx.commit();
  const slices = allEndpointSlices(state);
  let ready = 0;
  for (const list of slices.values()) for (const s of list) for (const e of s.endpoints) if (e.conditions.ready) ready++;
  if (ready < pods) throw new Error(`only ${ready} of ${pods} endpoints ready`);
  const done = performance.now();
  return { state, ms: done - started, readyMs: created - started };
}

function scaleCost(state: ClusterState): string {
  // A Deployment in a large cluster, scaled from 3 to 4: one command, reconcile, slices re-read.
  const random = createRandom(9);
  let tx = new Tx(state);
  const deploy: SubmittedObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "scaled" },
    spec: { replicas: 3, selector: { matchLabels: { app: "scaled" } }, template: { metadata: { labels: { app: "scaled" } }, spec: { containers: [{ name: "web", image: "nginx" }] } } },
  };
  createObject(tx, deploy, { now: T0 + 4000, random });
  createObject(tx, { apiVersion: "v1", kind: "Service", metadata: { name: "scaled" }, spec: { selector: { app: "scaled" }, ports: [{ port: 80 }] } }, { now: T0 + 4000, random });
  reconcile(tx, T0 + 4000, random);
  reconcile(tx, T0 + 8000, random);
  let s = tx.commit();
  allEndpointSlices(s);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    tx = new Tx(s);
    const now = T0 + 10_000 + i * 10_000;
    reconcile(tx, now, random);
    const d = getObject(tx.state, "deployments", "default", "scaled");
    if (!d.ok) throw new Error("no deployment");
    const dep = d.value as Deployment;
    const r = updateObject(tx, { ...dep, spec: { ...dep.spec, replicas: dep.spec.replicas + 1 } }, { now, random });
    if (!r.ok) throw new Error(r.status.message);
    reconcile(tx, now, random);
    s = tx.commit();
    const slices = endpointSlicesFor(s, "default/scaled");
    allEndpointSlices(s);
    times.push(performance.now() - t);
    if (slices[0].endpoints.length !== dep.spec.replicas + 1) throw new Error("scale not reflected");
  }
  const settle = new Tx(s);
  reconcile(settle, T0 + 100_000, random);
  s = settle.commit();
  nextTransitionAt(s);
  // A command on a settled cluster: the reconcile before it should cost next to nothing.
  const idle = performance.now();
  const tx2 = new Tx(s);
  reconcile(tx2, T0 + 200_000, random);
  const idleMs = performance.now() - idle;
  return `scale (update + reconcile + all slices): ${times.map((t) => t.toFixed(1)).join(", ")} ms; idle reconcile ${idleMs.toFixed(2)} ms`;
}

const small = build(1000, 1000, 5);
console.log(`1,000 services + 1,000 pods: created ${small.readyMs.toFixed(0)} ms, routable (all Ready, all slices) in ${small.ms.toFixed(0)} ms`);
console.log(`  ${scaleCost(small.state)}`);
const before = heapMB();
const large = build(10_000, 30_000, 122);
console.log(`10,000 services + 30,000 pods: created ${large.readyMs.toFixed(0)} ms, routable in ${large.ms.toFixed(0)} ms`);
console.log(`  heap used: ${heapMB().toFixed(0)} MB (was ${before.toFixed(0)} MB before building it)`);
console.log(`  ${scaleCost(large.state)}`);
console.log(`  JSON size: ${(JSON.stringify(large.state).length / 1e6).toFixed(1)} MB`);
