// Cluster benchmark: `npx tsx bench/cluster-bench.ts` (bench/sim-bench.ts imports the same
// functions). Creates Services and pods through the API server in one transaction, reconciles
// until every pod is Ready, derives every Service's EndpointSlices (what routing needs) and routes
// one request from a node to a Service's ClusterIP, then
// measures one `kubectl scale` on the cluster: through the API, and through the engine as a
// typed command, until the new pod is a ready endpoint and the first request reaches it.
import { createObject, getObject, updateObject } from "../worker/sim/cluster/api-server.ts";
import { bootstrapCluster } from "../worker/sim/cluster/bootstrap.ts";
import { nextTransitionAt, reconcile } from "../worker/sim/cluster/controllers.ts";
import { allEndpointSlices, endpointSlicesFor, readyEndpointCount } from "../worker/sim/cluster/endpoints.ts";
import { Tx } from "../worker/sim/cluster/tx.ts";
import type { ClusterState, Deployment, SubmittedObject } from "../worker/sim/cluster/types.ts";
import { type SessionState, execute, tick } from "../worker/sim/engine.ts";
import { netIndex } from "../worker/sim/net/index.ts";
import { route } from "../worker/sim/net/router.ts";
import { createRandom } from "../worker/sim/random.ts";
import { isMain } from "./is-main.ts";

export const T0 = Date.UTC(2026, 0, 1);

export function heapMB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1e6;
}

export interface Built {
  state: ClusterState;
  /** From the first create to every pod Ready, every Service's slices derived and one request routed. */
  ms: number;
  /** The creates alone. */
  createMs: number;
}

/** `services` Services, each selecting ceil(pods/services) nginx pods, on `workers` nodes. */
export function buildCluster(services: number, pods: number, workers: number): Built {
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
  // Routable means a request gets through: one from a node to the last Service's ClusterIP (the
  // data plane's indexes are built for it).
  const last = state.services[`default/svc-${services - 1}`];
  const node = Object.values(state.nodes)[0];
  const nodeIP = node.status.addresses.find((a) => a.type === "InternalIP")!.address;
  const sent = route(netIndex(state), { from: { kind: "node", name: node.metadata.name, ip: nodeIP }, srcPort: 40000, dstIP: last.spec.clusterIP!, dstPort: 80, protocol: "TCP" }, { random: createRandom(1), now: state.now });
  if (sent.result !== "delivered") throw new Error(`request to ${last.metadata.name} not delivered (${sent.result})`);
  const done = performance.now();
  return { state, ms: done - started, createMs: created - started };
}

export interface ScaleCost {
  /** API level: update + reconcile + every Service's slices, per run. */
  apiMs: number[];
  /** A reconcile of a settled cluster (what every command pays first). */
  idleMs: number;
}

/** Adds a 3-replica Deployment with a Service and scales it up by one, five times, via the API. */
export function scaleCost(state: ClusterState): ScaleCost {
  const random = createRandom(9);
  let s = withScaledDeployment(state, random);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const tx = new Tx(s);
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
  const idle = performance.now();
  reconcile(new Tx(s), T0 + 200_000, random);
  return { apiMs: times, idleMs: performance.now() - idle };
}

/** The state plus Deployment `scaled` (3 nginx replicas, all Ready) behind NodePort Service `scaled`. */
export function withScaledDeployment(state: ClusterState, random = createRandom(9)): ClusterState {
  const tx = new Tx(state);
  const now = state.now + 4000;
  const deploy: SubmittedObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "scaled" },
    spec: { replicas: 3, selector: { matchLabels: { app: "scaled" } }, template: { metadata: { labels: { app: "scaled" } }, spec: { containers: [{ name: "web", image: "nginx" }] } } },
  };
  createObject(tx, deploy, { now, random });
  const svc = createObject(tx, { apiVersion: "v1", kind: "Service", metadata: { name: "scaled" }, spec: { type: "NodePort", selector: { app: "scaled" }, ports: [{ port: 80 }] } }, { now, random });
  if (!svc.ok) throw new Error(svc.status.message);
  reconcile(tx, now, random);
  reconcile(tx, now + 4000, random);
  const s = tx.commit();
  allEndpointSlices(s);
  return s;
}

export interface EngineScale {
  /** `kubectl scale deployment scaled --replicas=N` through the engine (reconciles included). */
  commandMs: number;
  /** The clock moved on until the new pod is Ready (one tick). */
  readyMs: number;
  /** The first request through the NodePort after that (index updates included). */
  firstRequestMs: number;
  total: number;
  /** The session after it, for the next scale (each command starts where the last one ended). */
  session: SessionState;
}

/** A session over a cluster made by withScaledDeployment. */
export function sessionOf(cluster: ClusterState, rng = 5): SessionState {
  return { version: 1, cluster, shell: [{ kind: "workstation", user: "student", host: "workstation" }], rng };
}

/** One typed `kubectl scale` of Deployment `scaled` up by one, until the new pod routes. */
export function engineScale(session: SessionState): EngineScale {
  const cluster = session.cluster;
  const replicas = (cluster.deployments["default/scaled"]?.spec.replicas ?? 0) + 1;
  const now = cluster.now + 1000;
  const t0 = performance.now();
  const r = execute(session, `kubectl scale deployment scaled --replicas=${replicas}`, { now });
  if (r.exitCode !== 0) throw new Error(r.output);
  const t1 = performance.now();
  const after = tick(r.state, now + 5000);
  const ready = readyEndpointCount(after.cluster, "default/scaled");
  const t2 = performance.now();
  if (ready !== replicas) throw new Error(`scale: ${ready} ready endpoints, expected ${replicas}`);
  const svc = after.cluster.services["default/scaled"];
  const node = Object.values(after.cluster.nodes)[0].status.addresses.find((a) => a.type === "InternalIP")!.address;
  const out = route(netIndex(after.cluster), { from: { kind: "workstation", name: "workstation", ip: "192.168.56.1" }, srcPort: 40000, dstIP: node, dstPort: svc.spec.ports[0].nodePort!, protocol: "TCP" }, { random: createRandom(1), now: now + 5000 });
  const t3 = performance.now();
  if (out.result !== "delivered") throw new Error(`scale: request not delivered (${out.result})`);
  return { commandMs: t1 - t0, readyMs: t2 - t1, firstRequestMs: t3 - t2, total: t3 - t0, session: after };
}

if (isMain(import.meta.url)) {
  const small = buildCluster(1000, 1000, 5);
  console.log(`1,000 services + 1,000 pods: created ${small.createMs.toFixed(0)} ms, routable (all Ready, all slices) in ${small.ms.toFixed(0)} ms`);
  const sc = scaleCost(small.state);
  console.log(`  scale (update + reconcile + all slices): ${sc.apiMs.map((t) => t.toFixed(1)).join(", ")} ms; idle reconcile ${sc.idleMs.toFixed(2)} ms`);
  const before = heapMB();
  const large = buildCluster(10_000, 30_000, 122);
  console.log(`10,000 services + 30,000 pods: created ${large.createMs.toFixed(0)} ms, routable in ${large.ms.toFixed(0)} ms`);
  console.log(`  heap used: ${heapMB().toFixed(0)} MB (was ${before.toFixed(0)} MB before building it)`);
  const lc = scaleCost(large.state);
  console.log(`  scale (update + reconcile + all slices): ${lc.apiMs.map((t) => t.toFixed(1)).join(", ")} ms; idle reconcile ${lc.idleMs.toFixed(2)} ms`);
  let session = sessionOf(withScaledDeployment(large.state));
  for (let i = 0; i < 5; i++) {
    const e = engineScale(session);
    session = e.session;
    console.log(`  kubectl scale (engine, to ${session.cluster.deployments["default/scaled"].spec.replicas}): command ${e.commandMs.toFixed(1)} ms, until Ready ${e.readyMs.toFixed(1)} ms, first request ${e.firstRequestMs.toFixed(1)} ms`);
  }
  console.log(`  JSON size: ${(JSON.stringify(large.state).length / 1e6).toFixed(1)} MB`);
}
