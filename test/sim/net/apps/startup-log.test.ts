// The lines an image's process prints when it starts, as `kubectl logs` shows them first.

import { describe, expect, it } from "vitest";
import { startupLog } from "../../../../worker/sim/net/apps/startup-log.ts";

const ctx = { startedAt: Date.UTC(2026, 0, 1, 0, 0, 5), kernelVersion: "6.8.0-51-generic", cpus: 2 };

describe("startupLog", () => {
  it("prints the nginx image's entrypoint lines and nginx's notices, one worker per CPU", () => {
    const lines = startupLog("nginx", ctx);
    expect(lines.slice(0, 2)).toEqual([
      "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
      "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
    ]);
    expect(lines).toContain("/docker-entrypoint.sh: Configuration complete; ready for start up");
    expect(lines).toContain("2026/01/01 00:00:05 [notice] 1#1: built by gcc 14.2.0 (Debian 14.2.0-19) ");
    expect(lines).toContain("2026/01/01 00:00:05 [notice] 1#1: OS: Linux 6.8.0-51-generic");
    expect(lines.slice(-3)).toEqual([
      "2026/01/01 00:00:05 [notice] 1#1: start worker processes",
      "2026/01/01 00:00:05 [notice] 1#1: start worker process 29",
      "2026/01/01 00:00:05 [notice] 1#1: start worker process 30",
    ]);
    expect(startupLog("nginx", { ...ctx, cpus: 4 }).filter((l) => l.includes("start worker process "))).toHaveLength(4);
  });
  it.each([
    ["whoami", ["2026/01/01 00:00:05 Starting up on port 80"]],
    ["http-echo", ["2026/01/01 00:00:05 [INFO] server is listening on :5678"]],
    ["tomcat", []],
    ["redis", []],
  ] as const)("prints %s's start-up lines", (kind, expected) => {
    expect(startupLog(kind, ctx)).toEqual(expected);
  });
});
