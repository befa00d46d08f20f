// The job controller (pkg/controller/job/job_controller.go syncJob) for NonIndexed jobs: it keeps
// min(parallelism, completions - succeeded) pods running, counts each pod that ends (Succeeded or
// Failed) once, and finishes the job with SuccessCriteriaMet then Complete when enough succeeded,
// or Failed (BackoffLimitExceeded) when more pods failed than backoffLimit allows. The
// ttl-after-finished controller then deletes a finished job once ttlSecondsAfterFinished has passed
// (in the background: the garbage collector takes its pods).
import { createObject, deletePodGracefully } from "./api-server.ts";
import type { ControllerContext } from "./controller-context.ts";
import { involvedObject, recordEvent } from "./events.ts";
import { canonicalJson, parseRfc3339, rfc3339 } from "./ids.ts";
import { nextResourceVersion, objectKey, podsOwnedBy, putAt, removeAt } from "./store.ts";
import type { Tx } from "./tx.ts";
import type { Pod } from "./types.ts";
import type { Job, JobCondition } from "../kinds/job.ts";

const JOB_CONTROLLER = { component: "job-controller" };
const JOBS = { resource: "jobs" } as const;

const finished = (job: Job) => job.status.conditions?.some((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True") ?? false;

export function jobController(tx: Tx, ctx: ControllerContext): void {
  const all = tx.state.objects?.jobs;
  if (!all) return;
  for (const key of Object.keys(all).sort()) {
    const job = all[key] as Job | undefined;
    if (!job || job.metadata.deletionTimestamp) continue;
    if (finished(job)) ttlAfterFinished(tx, key, job, ctx);
    else sync(tx, key, job, ctx);
  }
}

/** When a finished job with a TTL is due to go, or undefined. */
export function jobsDueAt(state: Tx["state"]): number | undefined {
  let at: number | undefined;
  for (const o of Object.values(state.objects?.jobs ?? {})) {
    const job = o as Job;
    if (job.spec.ttlSecondsAfterFinished === undefined || !finished(job)) continue;
    const end = parseRfc3339(finishTime(job));
    if (end === undefined) continue;
    const due = end + job.spec.ttlSecondsAfterFinished * 1000;
    if (at === undefined || due < at) at = due;
  }
  return at;
}

function finishTime(job: Job): string | undefined {
  return job.status.completionTime ?? job.status.conditions?.find((c) => c.type === "Failed")?.lastTransitionTime;
}

function ttlAfterFinished(tx: Tx, key: string, job: Job, ctx: ControllerContext): void {
  if (job.spec.ttlSecondsAfterFinished === undefined) return;
  const end = parseRfc3339(finishTime(job));
  if (end === undefined || end + job.spec.ttlSecondsAfterFinished * 1000 > ctx.now) return;
  nextResourceVersion(tx);
  removeAt(tx, JOBS, key);
}

function ownedPods(tx: Tx, job: Job): Array<[string, Pod]> {
  const out: Array<[string, Pod]> = [];
  for (const key of podsOwnedBy(tx, job.metadata.uid)) {
    const p = tx.state.pods[key];
    if (p) out.push([key, p]);
  }
  return out;
}

function condition(type: JobCondition["type"], reason: string, message: string, now: number): JobCondition {
  const at = rfc3339(now);
  return { type, status: "True", lastProbeTime: at, lastTransitionTime: at, reason, message };
}

function sync(tx: Tx, key: string, job: Job, ctx: ControllerContext): void {
  const pods = ownedPods(tx, job);
  const succeeded = pods.filter(([, p]) => p.status.phase === "Succeeded").length;
  const failed = pods.filter(([, p]) => p.status.phase === "Failed").length;
  const active = pods.filter(([, p]) => p.status.phase !== "Succeeded" && p.status.phase !== "Failed" && !p.metadata.deletionTimestamp);
  const status: Job["status"] = { ...job.status, startTime: job.status.startTime ?? rfc3339(ctx.now) };
  const conditions = [...(job.status.conditions ?? [])];
  // A pod that restarts in place (OnFailure) counts its restarts against the backoff limit too.
  const restarts = active.reduce((n, [, p]) => n + (p.status.containerStatuses ?? []).reduce((m, c) => m + (c.restartCount ?? 0), 0), 0);
  if (succeeded >= job.spec.completions) {
    conditions.push(condition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods", ctx.now));
    conditions.push(condition("Complete", "CompletionsReached", "Reached expected number of succeeded pods", ctx.now));
    status.completionTime = rfc3339(ctx.now);
    recordEvent(tx, involvedObject(job), "Normal", "Completed", "Job completed", JOB_CONTROLLER, ctx.now);
  } else if (failed + restarts > job.spec.backoffLimit) {
    conditions.push(condition("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit", ctx.now));
    conditions.push(condition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit", ctx.now));
    for (const [podKey, pod] of active) deletePodGracefully(tx, podKey, pod, ctx);
    recordEvent(tx, involvedObject(job), "Warning", "BackoffLimitExceeded", "Job has reached the specified backoff limit", JOB_CONTROLLER, ctx.now);
  } else if (!job.spec.suspend) {
    const wanted = Math.min(job.spec.parallelism, job.spec.completions - succeeded);
    const t = job.spec.template;
    for (let i = active.length; i < wanted; i++) {
      const created = createObject(
        tx,
        {
          apiVersion: "v1",
          kind: "Pod",
          metadata: {
            generateName: `${job.metadata.name}-`,
            namespace: job.metadata.namespace,
            labels: t.metadata.labels,
            annotations: t.metadata.annotations,
            ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: job.metadata.name, uid: job.metadata.uid, controller: true, blockOwnerDeletion: true }],
          },
          spec: t.spec,
        },
        ctx,
      );
      if (!created.ok) {
        recordEvent(tx, involvedObject(job), "Warning", "FailedCreate", `Error creating: ${created.status.message}`, JOB_CONTROLLER, ctx.now);
        break;
      }
      recordEvent(tx, involvedObject(job), "Normal", "SuccessfulCreate", `Created pod: ${created.value.metadata.name}`, JOB_CONTROLLER, ctx.now);
    }
  }
  const nowActive = ownedPods(tx, job).filter(([, p]) => p.status.phase !== "Succeeded" && p.status.phase !== "Failed" && !p.metadata.deletionTimestamp);
  const done = conditions.some((c) => c.type === "Complete" || c.type === "Failed");
  if (done) {
    delete status.active;
    status.ready = 0;
  } else {
    status.active = nowActive.length || undefined;
    status.ready = nowActive.filter(([, p]) => p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length;
  }
  if (!status.active) delete status.active;
  status.terminating = 0;
  if (succeeded) status.succeeded = succeeded;
  if (failed) status.failed = failed;
  status.uncountedTerminatedPods = {};
  if (conditions.length) status.conditions = conditions;
  if (canonicalJson(status) === canonicalJson(job.status)) return;
  const current = (tx.state.objects?.jobs?.[key] as Job | undefined) ?? job;
  putAt(tx, JOBS, objectKey(job.metadata.namespace, job.metadata.name), { ...current, metadata: { ...current.metadata, resourceVersion: nextResourceVersion(tx) }, status } as Job);
}
