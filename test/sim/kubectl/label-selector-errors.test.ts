import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

describe("kubectl get -l with a selector the server refuses", () => {
  // Real kubectl 1.33 against the session's API prints these (the builder words each type's LIST refusal).
  it("names each type's list with both selectors, as cli-runtime's builder does", () => {
    const run = simTerminal(5);
    const parseError = "unable to parse requirement: found 'a!b', expected: in, notin, =, ==, !=, gt, lt";
    expect(run("kubectl get pods,deploy -l a!b")).toEqual({
      output:
        `Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "a!b", field selector "": ${parseError}\n` +
        `Error from server (BadRequest): Unable to find "apps/v1, Resource=deployments" that match label selector "a!b", field selector "": ${parseError}\n`,
      exitCode: 1,
    });
    expect(run("kubectl get pods -l a!b --field-selector metadata.name=x").output).toBe(
      `Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "a!b", field selector "metadata.name=x": ${parseError}\n`,
    );
  });
});
