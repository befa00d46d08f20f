// The garbage collector: dependents whose controlling owner is gone are deleted (ReplicaSets of a
// deleted Deployment, pods of a deleted ReplicaSet, DaemonSet, StatefulSet or Job, a StatefulSet's revisions).
import { deletePodGracefully } from "./api-server.ts";
import { nextResourceVersion, podOwners, removeAt, removeObject } from "./store.ts";
import type { Tx } from "./tx.ts";
import type { Deployment, ReplicaSet } from "./types.ts";
import type { ControllerContext } from "./controller-context.ts";

export function garbageCollector(tx: Tx, ctx: ControllerContext): void {
  const deploymentUids = new Set<string>();
  for (const d of Object.values(tx.state.deployments)) deploymentUids.add(d.metadata.uid);
  const rsUids = new Set<string>();
  for (const [key, rs] of Object.entries(tx.state.replicaSets)) {
    const owner = rs.metadata.ownerReferences?.find((r) => r.controller && r.kind === "Deployment");
    if (owner && !deploymentUids.has(owner.uid)) {
      nextResourceVersion(tx);
      removeObject(tx, "replicaSets", key);
    } else rsUids.add(rs.metadata.uid);
  }
  // Sessions saved before DaemonSets existed have none: their daemon pods are left alone.
  const daemonSets = tx.state.daemonSets;
  const dsUids = new Set<string>();
  for (const ds of Object.values(daemonSets ?? {})) dsUids.add(ds.metadata.uid);
  // StatefulSets and their ControllerRevisions live in the generic store.
  for (const sts of Object.values(tx.state.objects?.statefulsets ?? {})) dsUids.add(sts.metadata.uid);
  for (const job of Object.values(tx.state.objects?.jobs ?? {})) dsUids.add(job.metadata.uid);
  for (const [key, rev] of Object.entries(tx.state.objects?.controllerrevisions ?? {})) {
    const owner = rev.metadata.ownerReferences?.find((r) => r.controller && r.kind === "StatefulSet");
    if (owner && !dsUids.has(owner.uid)) {
      nextResourceVersion(tx);
      removeAt(tx, { resource: "controllerrevisions" }, key);
    }
  }
  const orphans: string[] = [];
  for (const [uid, keys] of podOwners(tx)) {
    if (rsUids.has(uid) || dsUids.has(uid)) continue;
    for (const key of keys) {
      const ref = tx.state.pods[key]?.metadata.ownerReferences?.find((r) => r.controller);
      if (ref?.kind === "ReplicaSet" || ref?.kind === "StatefulSet" || ref?.kind === "Job" || (ref?.kind === "DaemonSet" && daemonSets)) orphans.push(key);
    }
  }
  for (const key of orphans) {
    const pod = tx.state.pods[key];
    if (pod && !pod.metadata.deletionTimestamp) deletePodGracefully(tx, key, pod, ctx);
  }
}
