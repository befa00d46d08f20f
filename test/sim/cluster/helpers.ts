import { createObject } from "../../../worker/sim/cluster/api-server.ts";
import { bootstrapCluster } from "../../../worker/sim/cluster/bootstrap.ts";
import { reconcile } from "../../../worker/sim/cluster/controllers.ts";
import { Tx } from "../../../worker/sim/cluster/tx.ts";
import type { ClusterState, KubeObject, SubmittedObject } from "../../../worker/sim/cluster/types.ts";
import { type Random, createRandom } from "../../../worker/sim/random.ts";

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

export function cluster(seed = 1, maxObjects?: number): { state: ClusterState; random: Random } {
  const random = createRandom(seed);
  return { state: bootstrapCluster({ now: T0, random, maxObjects }), random };
}

/** Runs `fn` in a transaction at `now`, reconciles, and returns the committed state. */
export function apply(state: ClusterState, random: Random, now: number, fn: (tx: Tx) => void = () => {}): ClusterState {
  const tx = new Tx(state);
  reconcile(tx, now, random);
  fn(tx);
  reconcile(tx, now, random);
  return tx.commit();
}

export function create(tx: Tx, obj: SubmittedObject, now: number, random: Random): KubeObject {
  const r = createObject(tx, obj, { now, random });
  if (!r.ok) throw new Error(r.status.message);
  return r.value;
}

export function pod(name: string, image: string, extra: Record<string, unknown> = {}, spec: Record<string, unknown> = {}): SubmittedObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name, labels: { run: name } }, spec: { containers: [{ name, image, ...extra }], ...spec } };
}

export function deployment(name: string, replicas: number, image = "nginx"): SubmittedObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels: { app: name } },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: image.split(":")[0], image }] } } },
  };
}

export function service(name: string, spec: Record<string, unknown>): SubmittedObject {
  return { apiVersion: "v1", kind: "Service", metadata: { name }, spec };
}

/** What `kubectl get pods` prints in STATUS. */
export function statusOf(p: { metadata: { deletionTimestamp?: string }; status: { phase: string; containerStatuses?: Array<{ state: { waiting?: { reason: string }; terminated?: { reason: string } } }> } }): string {
  if (p.metadata.deletionTimestamp) return "Terminating";
  const c = p.status.containerStatuses?.[0];
  return c?.state.waiting?.reason ?? c?.state.terminated?.reason ?? p.status.phase;
}
