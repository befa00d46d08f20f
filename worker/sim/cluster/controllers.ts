// The control loop: the controllers and the kubelet, run by the engine before and after every
// command and as the clock moves, in the order below (each lives in its own module: namespace
// deletion, garbage collection, the deployment, ReplicaSet, DaemonSet, StatefulSet and Job controllers, the
// scheduler, the kubelet's pod lifecycle, ...). Each pass only writes
// what changes; when nothing was written since the last pass and no pod is due to change, a
// reconcile costs a couple of lookups.
import type { Random } from "../random.ts";
import { corednsDueAt, corednsProcesses } from "./coredns-process.ts";
import { kubeProxyProcesses } from "./kube-proxy-process.ts";
import { daemonSetController } from "./daemon-sets.ts";
import { deploymentController, deploymentStatus } from "./deployment-controller.ts";
import { garbageCollector } from "./garbage-collector.ts";
import { ingressNginxDueAt, ingressNginxStatusController } from "./ingress-nginx-status.ts";
import { jobController, jobsDueAt } from "./job-controller.ts";
import { kubelet } from "./kubelet-sync.ts";
import { nextChangeAt } from "./kubelet.ts";
import { localPathProvisioner } from "./local-path.ts";
import { apiServerServiceController } from "./kubernetes-service.ts";
import { metallbController, metallbDueAt, metallbSpeakers } from "./metallb.ts";
import { metallbControllerStartup } from "./metallb-startup.ts";
import { namespaceController } from "./namespace-controller.ts";
import { nginxGatewayFabricController } from "./nginx-gateway-fabric.ts";
import { nodeLifecycleController, taintEvictionController } from "./node-lifecycle-controller.ts";
import { replicaSetController, replicaSetStatus } from "./replica-set-controller.ts";
import { resourceQuotaController } from "./resource-quota-controller.ts";
import { rootCAPublisher } from "./root-ca-publisher.ts";
import { scheduler } from "./scheduler.ts";
import { serviceAccountController } from "./service-account-controller.ts";
import { statefulSetController } from "./stateful-set-controller.ts";
import { persistentVolumeController } from "./volume-binding.ts";
import { stashIndexes } from "./store.ts";
import { type Tx, writeCount } from "./tx.ts";
import type { ClusterState } from "./types.ts";

const settled = new WeakMap<object, number>();
const nextCache = new WeakMap<object, { rv: number; writes: number; at: number | undefined }>();

/** The next simulated ms at which some pod's status changes on its own, or undefined. */
export function nextTransitionAt(state: ClusterState): number | undefined {
  const hit = nextCache.get(state.podRuntime);
  // The write count too: a probe tick rewrites a pod's runtime (its next tick) without a new resourceVersion.
  const writes = writeCount(state.podRuntime);
  if (hit && hit.rv === state.resourceVersion && hit.writes === writes) return hit.at;
  let at: number | undefined;
  const runtime = state.podRuntime;
  for (const key in runtime) {
    const n = runtime[key].nextAt;
    if (n !== undefined && (at === undefined || n < at)) at = n;
  }
  for (const due of [metallbDueAt(state), jobsDueAt(state), ingressNginxDueAt(state), corednsDueAt(state)]) if (due !== undefined && (at === undefined || due < at)) at = due;
  // Cached with the controllers' due times too: a hit must answer what a miss would.
  nextCache.set(state.podRuntime, { rv: state.resourceVersion, writes, at });
  return at;
}

/** Whether what is due by `now` is only probe ticks of running pods (no controller timer, no container step). */
function onlyProbesDue(state: ClusterState, now: number): boolean {
  for (const due of [metallbDueAt(state), jobsDueAt(state), ingressNginxDueAt(state), corednsDueAt(state)]) if (due !== undefined && due <= now) return false;
  const runtime = state.podRuntime;
  for (const key in runtime) {
    const r = runtime[key];
    if (r.nextAt === undefined || r.nextAt > now) continue;
    if (!r.containers || !state.pods[key]) return false;
    const own = nextChangeAt(r);
    if (own !== undefined && own <= now) return false;
  }
  return true;
}

export function reconcile(tx: Tx, now: number, random: Random): void {
  // Due times are those after the clock as it was: read them before it moves.
  const isSettled = settled.get(tx.state.pods) === tx.state.resourceVersion;
  const due = isSettled ? nextTransitionAt(tx.state) : undefined;
  // (The controllers' timers too are read before the clock moves.)
  const probesOnly = isSettled && due !== undefined && due <= now && onlyProbesDue(tx.state, now);
  tx.setNow(now);
  const state = tx.state;
  if (settled.get(state.pods) === state.resourceVersion) {
    if (due === undefined || due > now) return;
    // Only probe workers' ticks are due: the kubelet alone runs them (they draw nothing from the
    // session's random stream), and when no object changed nothing else has anything new to see,
    // so a quiet tick costs no pass of every controller (a `sleep 600` steps through 60 of them).
    if (probesOnly) {
      const before = state.resourceVersion;
      kubelet(tx, now, random);
      if (tx.state.resourceVersion === before) {
        settled.set(tx.state.pods, before);
        return;
      }
    }
  }
  const ctx = { now, random };
  for (let pass = 0; pass < 6; pass++) {
    const before = tx.state.resourceVersion;
    namespaceController(tx, ctx);
    serviceAccountController(tx, ctx);
    rootCAPublisher(tx, ctx);
    apiServerServiceController(tx, ctx);
    garbageCollector(tx, ctx);
    deploymentController(tx, ctx);
    replicaSetController(tx, ctx);
    daemonSetController(tx, ctx);
    statefulSetController(tx, ctx);
    persistentVolumeController(tx, ctx);
    localPathProvisioner(tx, ctx);
    jobController(tx, ctx);
    nodeLifecycleController(tx);
    taintEvictionController(tx, ctx);
    scheduler(tx, now);
    kubelet(tx, now, random);
    corednsProcesses(tx, now);
    kubeProxyProcesses(tx, now);
    replicaSetStatus(tx);
    deploymentStatus(tx, now);
    metallbControllerStartup(tx, ctx);
    metallbController(tx, now);
    metallbSpeakers(tx, now);
    ingressNginxStatusController(tx, now);
    nginxGatewayFabricController(tx, ctx);
    resourceQuotaController(tx);
    if (tx.state.resourceVersion === before) break;
  }
  settled.set(tx.state.pods, tx.state.resourceVersion);
  stashIndexes(tx);
}
