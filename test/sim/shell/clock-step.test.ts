// A command that waits moves the cluster's clock second by second, and its work budget pays for
// what the kubelets do on the way: each probe they run costs as a request does, so a loop of
// sleeps in a cluster full of probed pods is stopped sooner than in an idle one.

import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";
import { createWorkBudget, WORK_COST } from "../../../worker/sim/shell/work.ts";
import { stepClock } from "../../../worker/sim/shell/clock-step.ts";
import { Tx } from "../../../worker/sim/cluster/tx.ts";
import { createRandom } from "../../../worker/sim/random.ts";

const START = Date.UTC(2026, 0, 1);

function settledSession(setup: string[]): SessionState {
  let state = createSession({ seed: 31, now: START });
  let now = START;
  for (const line of setup) {
    now += 1000;
    state = execute(state, line, { now }).state;
  }
  return execute(state, "sleep 60", { now: now + 1000 }).state;
}

/** Units one `sleep SECONDS` costs in that state. */
function sleepCost(state: SessionState, seconds: number): number {
  const work = createWorkBudget();
  const result = execute(state, `sleep ${seconds}`, { now: state.cluster.now + 1000, work });
  expect(result.exitCode).toBe(0);
  return work.used;
}

describe("stepClock", () => {
  it("charges a simulated second's pass and each probe the kubelets ran", () => {
    const state = settledSession([]);
    const tx = new Tx(state.cluster);
    const work = createWorkBudget();
    const random = createRandom(1);
    // CoreDNS's two pods each run a liveness and a readiness probe every 10 s.
    for (let t = state.cluster.now + 1000; t <= state.cluster.now + 20_000; t += 1000) stepClock({ tx, random, work }, t);
    expect(tx.probesRun).toBeGreaterThanOrEqual(4);
    expect(work.used).toBe(20 * WORK_COST.sleepSecond + tx.probesRun * WORK_COST.probe);
  });

  it("makes a sleep cost more where more pods are probed", () => {
    const idle = sleepCost(settledSession([]), 60);
    const probed = settledSession([
      "kubectl create deployment web --image=nginx --replicas=6",
      "kubectl patch deployment web --type=json -p='[{\"op\":\"add\",\"path\":\"/spec/template/spec/containers/0/readinessProbe\",\"value\":{\"httpGet\":{\"path\":\"/\",\"port\":80},\"periodSeconds\":5}}]'",
    ]);
    expect(sleepCost(probed, 60)).toBeGreaterThan(idle + 6 * 11 * WORK_COST.probe);
  });

  it("stops a loop of long sleeps at the work limit, as a killed job", () => {
    const state = settledSession([]);
    const result = execute(state, "for i in $(seq 1000); do sleep 600; done", { now: state.cluster.now + 1000 });
    expect(result.exitCode).toBe(137);
    expect(result.output).toMatch(/^Killed\n/m);
  });
});
