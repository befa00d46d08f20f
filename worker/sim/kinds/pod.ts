// Pod (core/v1): pkg/registry/core/pod/strategy.go, printers.go printPod, describe.go PodDescriber.
import { type ApiResult, invalid } from "../cluster/api-status.ts";
import { fieldForbidden, isDNS1123Subdomain } from "../cluster/field-errors.ts";
import { canonicalJson, rfc3339 } from "../cluster/ids.ts";
import { POD_IP_REUSE_DELAY_MS } from "../cluster/allocators.ts";
import { killingEvents } from "../cluster/kubelet-events.ts";
import { nextChangeAt } from "../cluster/kubelet.ts";
import { containerStop } from "../cluster/termination.ts";
import { defaultPodSpec, validatePodSpec } from "../cluster/pod-spec.ts";
import { podQosClass } from "../cluster/quantity.ts";
import { admitServiceAccount, isMirrorPod, keepServiceAccountVolume } from "../cluster/service-account.ts";
import { NO_LOGS, nextResourceVersion, putObject, removeObject } from "../cluster/store.ts";
import type { Tx } from "../cluster/tx.ts";
import type { KubeObject, Pod } from "../cluster/types.ts";
import { describePod } from "../kubectl/printers/describe.ts";
import { podRow } from "../kubectl/printers/tables.ts";
import { isRecord } from "./templates.ts";
import type { ApiContext, KindDefinition } from "./types.ts";

/** After its containers have stopped, the kubelet's status manager removes the pod within a second or two (simulated). */
export const POD_REMOVAL_MS = { min: 1000, spread: 1000 };

/** Removes the pod from the store at once (no kubelet confirmation), releasing its IP as the kubelet would. */
function removePodNow(tx: Tx, key: string, pod: Pod, now: number): void {
  nextResourceVersion(tx);
  removeObject(tx, "pods", key);
  if (pod.status.podIP && !pod.spec.hostNetwork && pod.spec.nodeName) tx.write("releasedPodIPs")[pod.status.podIP] = now + POD_IP_REUSE_DELAY_MS;
  const runtime = tx.write("podRuntime");
  delete runtime[key];
}

/**
 * The pod registry's graceful deletion (strategy.go CheckGracefulDelete, rest.BeforeDelete): the
 * grace period is the request's or the pod's terminationGracePeriodSeconds; an unscheduled or
 * finished pod, or a zero grace period (--force --grace-period=0), goes at once. Otherwise
 * deletionTimestamp is now + grace and the kubelet stops the containers (termination.ts); the pod
 * goes when they have stopped. A second delete may only shorten the grace period.
 */
export function deletePodGracefully(tx: Tx, key: string, pod: Pod, ctx: ApiContext): Pod {
  let grace = ctx.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  if (!pod.spec.nodeName || pod.status.phase === "Succeeded" || pod.status.phase === "Failed") grace = 0;
  if (pod.metadata.deletionTimestamp) {
    const current = pod.metadata.deletionGracePeriodSeconds ?? 0;
    if (grace >= current) return pod;
  }
  if (grace === 0) {
    removePodNow(tx, key, pod, ctx.now);
    return pod;
  }
  const next: Pod = {
    ...pod,
    metadata: {
      ...pod.metadata,
      deletionTimestamp: rfc3339(ctx.now + grace * 1000),
      deletionGracePeriodSeconds: grace,
      resourceVersion: nextResourceVersion(tx),
    },
  };
  putObject(tx, "pods", key, next);
  const runtime = tx.state.podRuntime[key];
  if (!pod.metadata.deletionTimestamp) killingEvents(tx, pod, runtime?.containers, ctx.now);
  let lastStop = ctx.now;
  const containers = runtime?.containers?.map((c) => {
    const spec = pod.spec.containers.find((s) => s.name === c.name);
    if (c.phase !== "running" || !spec) return c;
    const stop = containerStop(spec, c, ctx.now, grace * 1000);
    // A second, shorter delete cannot make a container stop later than already planned.
    if (!stop || (c.until !== undefined && c.until <= stop.at)) {
      lastStop = Math.max(lastStop, c.until ?? lastStop);
      return c;
    }
    lastStop = Math.max(lastStop, stop.at);
    return { ...c, until: stop.at, exitCode: stop.exitCode };
  });
  const goneAt = lastStop + POD_REMOVAL_MS.min + ctx.random.int(POD_REMOVAL_MS.spread);
  const base = runtime ?? { createdAt: ctx.now, logs: [] };
  const updated = containers ? { ...base, containers } : { ...base };
  tx.write("podRuntime")[key] = { ...updated, goneAt, nextAt: Math.min(nextChangeAt({ ...updated, goneAt }) ?? goneAt, goneAt) };
  return next;
}

/** A new image makes the kubelet kill and recreate that container (restartCount goes up). */
function restartChangedContainers(tx: Tx, key: string, before: Pod, after: Pod, now: number): void {
  const runtime = tx.state.podRuntime[key];
  if (!runtime?.containers) return;
  const changed = after.spec.containers.map((c, i) => c.image !== before.spec.containers[i]?.image);
  if (!changed.some(Boolean)) return;
  const containers = runtime.containers.map((c, i) =>
    changed[i] ? { ...c, phase: "creating" as const, since: now, until: now + 1000, pullAttempts: 0, restartCount: c.phase === "creating" ? c.restartCount : c.restartCount + 1 } : c,
  );
  tx.write("podRuntime")[key] = { ...runtime, containers, nextAt: now };
}

const podUpdateForbidden =
  "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

export const podKind: KindDefinition = {
  kind: "Pod",
  group: "",
  version: "v1",
  plural: "pods",
  singular: "pod",
  shortNames: ["po"],
  categories: ["all"],
  namespaced: true,
  storage: { collection: "pods" },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta, _ctx, old) => {
      const spec = isRecord(sub.spec) ? sub.spec : {};
      const causes = validatePodSpec(sub.spec, "spec");
      if (causes.length) return { ok: false, status: invalid(sub.kind, "", meta.name, causes) };
      let podSpec = defaultPodSpec(spec);
      if (old) {
        const before = old as Pod;
        podSpec = keepServiceAccountVolume(podSpec, before.spec);
        // Only images may change in a running pod (ValidatePodUpdate).
        const strip = (s: Pod["spec"]) => canonicalJson({ ...s, nodeName: undefined, containers: s.containers.map((c) => ({ ...c, image: "" })) });
        if (strip(podSpec) !== strip({ ...before.spec })) return { ok: false, status: invalid(sub.kind, "", meta.name, [fieldForbidden("spec", podUpdateForbidden)]) };
        return { ok: true, obj: { ...before, metadata: meta, spec: { ...before.spec, containers: podSpec.containers } } };
      }
      const owner = meta.ownerReferences?.find((o) => o.controller)?.uid;
      podSpec = admitServiceAccount(podSpec, owner ?? meta.uid, isMirrorPod(meta.annotations), owner !== undefined);
      const pod: Pod = { apiVersion: "v1", kind: "Pod", metadata: meta, spec: podSpec, status: { phase: "Pending", qosClass: podQosClass(podSpec) } };
      return { ok: true, obj: pod };
    },
    afterCreate: (tx, key, _obj, ctx) => {
      tx.write("podRuntime")[key] = { createdAt: ctx.now, logs: NO_LOGS, nextAt: ctx.now };
    },
    afterUpdate: (tx, key, old, obj, ctx) => restartChangedContainers(tx, key, old as Pod, obj as Pod, ctx.now),
    delete: (tx, key, obj, ctx): ApiResult<KubeObject> => ({ ok: true, value: deletePodGracefully(tx, key, obj as Pod, ctx) }),
  },
  table: {
    columns: ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
    narrow: 5,
    row: (o, now) => podRow(o as Pod, now),
  },
  fieldSelectors: {
    labels: [
      "metadata.name",
      "metadata.namespace",
      "spec.nodeName",
      "spec.restartPolicy",
      "spec.schedulerName",
      "spec.serviceAccountName",
      "spec.hostNetwork",
      "status.phase",
      "status.podIP",
      "status.podIPs",
      "status.nominatedNodeName",
    ],
    aliases: { "spec.host": "spec.nodeName" },
    values: (object) => {
      const pod = object as Pod;
      return {
        "spec.nodeName": pod.spec.nodeName ?? "",
        "spec.restartPolicy": pod.spec.restartPolicy ?? "",
        "spec.schedulerName": pod.spec.schedulerName ?? "",
        "spec.serviceAccountName": pod.spec.serviceAccountName ?? "",
        "spec.hostNetwork": String(pod.spec.hostNetwork === true),
        "status.phase": pod.status.phase,
        "status.podIP": pod.status.podIPs?.[0]?.ip ?? "",
        "status.nominatedNodeName": "",
      };
    },
  },
  describe: (state, object, events) => describePod(object as Pod, state.now, events),
};
