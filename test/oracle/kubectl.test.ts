// Real kubectl against a session's Kubernetes API, beside the console's kubectl (oracle.ts).
import { existsSync } from "node:fs";
import { expect, inject, it } from "vitest";
import { COMMANDS, compareAll, differingLines, KUBECTL } from "./oracle.ts";

it("real kubectl prints, byte for byte, what the console prints for the read-only commands", async () => {
  expect(existsSync(KUBECTL), `no kubectl at ${KUBECTL} (set ORACLE_KUBECTL)`).toBe(true);
  const results = await compareAll(inject("baseUrl"));
  expect(results.map((r) => r.command)).toEqual(COMMANDS);
  const differing = results.filter((r) => !r.same).map(({ command, console, kubectl }) => ({ command, lines: differingLines(console, kubectl) }));
  expect(differing).toEqual([]);
});
