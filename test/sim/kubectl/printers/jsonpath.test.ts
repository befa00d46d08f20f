// kubectl's JSONPath templates: outputs and errors recorded from the real kubectl (see the fixture's
// recordedWith), and the number semantics of `kubectl get`, whose objects hold whole numbers as int64.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runJsonPath } from "../../../../worker/sim/kubectl/printers/jsonpath.ts";
import { simTerminal } from "../../console.ts";

type Case = { template: string; stdout: string; stderr: string; exitCode: number };
type Fixture = { objects: Record<string, { object: unknown; cases: Case[] }> };

const fixture = JSON.parse(readFileSync(new URL("./jsonpath-kubectl.json", import.meta.url), "utf8")) as Fixture;

describe.each(Object.entries(fixture.objects))("jsonpath on the %s kubectl printed", (_, { object, cases }) => {
  it.each(cases)("$template", ({ template, stdout, stderr, exitCode }) => {
    const result = runJsonPath(template, object);
    // The recorded stderr went through $(...), which drops trailing newlines.
    const trim = (s: string) => s.replace(/\n+$/, "");
    expect(result.ok ? result.output : "").toBe(stdout);
    expect(trim(result.ok ? "" : result.error)).toBe(stderr);
    expect(result.ok ? 0 : 1).toBe(exitCode);
  });
});

describe("jsonpath numbers", () => {
  const service = { spec: { ports: [{ port: 80, name: "http" }, { port: 443, name: "https" }], weight: 2.5 } };
  it.each([
    ["{.spec.ports[?(@.port==443)].name}", "https"],
    ["{.spec.ports[?(@.port>100)].name}", "https"],
    ["{.spec.ports[?(@.port<=443)].name}", "http https"],
    ["{.spec.ports[?(@.port!=80)].port}", "443"],
    ["{.spec.weight}", "2.5"],
  ])("compares whole numbers with integer literals, as get's int64 values allow: %s", (template, output) => {
    expect(runJsonPath(template, service)).toEqual({ ok: true, output });
  });

  it("refuses to compare a whole number with a float literal", () => {
    const result = runJsonPath("{.spec.ports[?(@.port==80.0)].name}", service);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain("Error executing template: incompatible types for comparison.");
  });
});

describe("jsonpath-as-json", () => {
  it("prints each result group as an indented JSON array", () => {
    const result = runJsonPath('{.a}{.b[*]}', { a: "x", b: [1, { c: "<d>" }] }, { asJson: true });
    expect(result).toEqual({ ok: true, output: '[\n    "x"\n]\n[\n    1,\n    {\n        "c": "\\u003cd\\u003e"\n    }\n]\n' });
  });
});

describe("kubectl get -o jsonpath in the console", () => {
  it("lists the nodes' internal IPs with the documentation's filter", () => {
    const term = simTerminal(5);
    const { output, exitCode } = term(`kubectl get nodes -o jsonpath='{.items[*].status.addresses[?(@.type=="InternalIP")].address}'`);
    expect(exitCode).toBe(0);
    expect(output).toMatch(/^\d+\.\d+\.\d+\.\d+ \d+\.\d+\.\d+\.\d+ \d+\.\d+\.\d+\.\d+$/);
  });

  it("filters the kubernetes service's port by number", () => {
    const term = simTerminal(5);
    expect(term(`kubectl get svc kubernetes -o jsonpath='{.spec.ports[?(@.port==443)].name}'`)).toEqual({ output: "https", exitCode: 0 });
  });

  it("reports a template that does not parse only when there is something to print", () => {
    const term = simTerminal(5);
    expect(term(`kubectl get svc kubernetes -o jsonpath='{.spec'`)).toEqual({ output: "error: error parsing jsonpath {.spec, unclosed action\n", exitCode: 1 });
    expect(term(`kubectl get svc nope -o jsonpath='{.spec'`).output).toBe('Error from server (NotFound): services "nope" not found\n');
  });

  it("answers for a template file as kubectl does for a missing file", () => {
    const term = simTerminal(5);
    expect(term("kubectl get svc kubernetes -o jsonpath-file=ports.tmpl")).toEqual({
      output: "error: error reading --template ports.tmpl, open ports.tmpl: no such file or directory\n",
      exitCode: 1,
    });
  });

  it("prints jsonpath-as-json", () => {
    const term = simTerminal(5);
    expect(term(`kubectl get svc kubernetes -o jsonpath-as-json='{.spec.ports[*].port}'`)).toEqual({ output: "[\n    443\n]\n", exitCode: 0 });
  });
});
