// kubectl's client side of the API server: the context the server needs, and helpers that
// turn an ApiResult into kubectl's printed error.

import { stepClock } from "../shell/clock-step.ts";
import { createObject, deleteObject, getObject, updateObject, type ApiContext } from "../cluster/api-server.ts";
import type { ApiResult, ResourceKind } from "../cluster/api-status.ts";
import { reconcile } from "../cluster/controllers.ts";
import { Tx } from "../cluster/tx.ts";
import type { KubeObject, SubmittedObject } from "../cluster/types.ts";
import { createRandom } from "../random.ts";
import type { Kubectl } from "./context.ts";

export function apiContext(k: Kubectl): ApiContext {
  return { now: k.ctx.tx.state.now, random: k.ctx.random };
}

export function create(k: Kubectl, obj: SubmittedObject): ApiResult<KubeObject> {
  return createObject(k.ctx.tx, obj, apiContext(k));
}

/** --dry-run=server: the same checks on a throwaway transaction and a copy of the random source. */
export function createDryRun(k: Kubectl, obj: SubmittedObject): ApiResult<KubeObject> {
  const tx = new Tx(k.ctx.tx.state);
  return createObject(tx, obj, { now: k.ctx.tx.state.now, random: createRandom(k.ctx.random.state) });
}

export function update(k: Kubectl, obj: SubmittedObject): ApiResult<KubeObject> {
  return updateObject(k.ctx.tx, obj, apiContext(k));
}

/** DELETE of one object; `gracePeriodSeconds` is DeleteOptions' (kubectl delete --grace-period, --now, --force). */
export function remove(k: Kubectl, kind: ResourceKind, namespace: string | undefined, name: string, gracePeriodSeconds?: number): ApiResult<KubeObject> {
  return deleteObject(k.ctx.tx, kind, namespace, name, gracePeriodSeconds === undefined ? apiContext(k) : { ...apiContext(k), gracePeriodSeconds });
}

export function get(k: Kubectl, kind: ResourceKind, namespace: string | undefined, name: string): ApiResult<KubeObject> {
  return getObject(k.ctx.tx.state, kind, namespace, name);
}

/**
 * Lets simulated time pass while kubectl waits (delete, wait, rollout status): one second at a
 * time, controllers and kubelets running, until `done` holds or `limitMs` has passed.
 * Returns true when the condition held.
 */
export function waitUntil(k: Kubectl, limitMs: number, done: () => boolean, stepMs = 1000): boolean {
  const start = k.ctx.tx.state.now;
  reconcile(k.ctx.tx, start, k.ctx.random);
  if (done()) return true;
  for (let t = start + stepMs; t <= start + limitMs; t += stepMs) {
    stepClock(k.ctx, t);
    if (done()) return true;
  }
  return false;
}

/** A deep copy of an object as a client would edit it (plain JSON). */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
