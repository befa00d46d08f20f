// Moving the cluster's clock for a command that waits (sleep, kubectl wait, a job's end): the
// controllers and kubelets run for the new time, and the command's work budget is charged for it,
// a simulated second's pass plus every probe the kubelets ran on the way, so that a loop of waits
// is stopped by the budget as a loop of requests is (a cluster with many probed pods costs more a
// second than an idle one).

import { reconcile } from "../cluster/controllers.ts";
import type { Tx } from "../cluster/tx.ts";
import type { Random } from "../random.ts";
import { spend, WORK_COST, type WorkBudget } from "./work.ts";

export function stepClock(ctx: { tx: Tx; random: Random; work?: WorkBudget }, t: number): void {
  spend(ctx.work, WORK_COST.sleepSecond);
  const probes = ctx.tx.probesRun;
  reconcile(ctx.tx, t, ctx.random);
  spend(ctx.work, WORK_COST.probe * (ctx.tx.probesRun - probes));
}
