// Only the Gateway row of npm run bench (100 HTTPRoutes, both legs and the match), for profiling
// and for comparing changes on a busy machine: beside the wall-clock rate (what npm run bench
// prints), the rate over the process's CPU time and over the main thread's alone, which other
// processes' load moves less.
//   node --import tsx bench/gateway-profile.ts [iterations] [runs]
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/gateway-profile.ts
import { readFileSync } from "node:fs";
import { buildNetCluster, gatewayRouteRate, withHttpRoutes } from "./net-bench.ts";

/** This thread's time on a CPU (Linux schedstat, ns): not the GC's helper threads, not waiting. */
const threadNs = (): number => Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]);

const iterations = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 3);
const routed = withHttpRoutes(buildNetCluster(10, 3), 100, 10);
gatewayRouteRate(routed, 30005, 200_000);
for (let run = 0; run < runs; run++) {
  const cpu = process.cpuUsage();
  const thread = threadNs();
  const g = gatewayRouteRate(routed, 30005, iterations);
  const threadRate = Math.round(iterations / ((threadNs() - thread) / 1e9));
  const used = process.cpuUsage(cpu);
  const cpuRate = Math.round(iterations / ((used.user + used.system) / 1e6));
  console.log(`Gateway 100 HTTPRoutes: ${g.perSecond.toLocaleString("en")}/s wall (${g.usEach.toFixed(2)} us each), ${cpuRate.toLocaleString("en")}/s of process CPU, ${threadRate.toLocaleString("en")}/s of its thread's`);
}
