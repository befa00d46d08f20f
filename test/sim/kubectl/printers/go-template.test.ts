// kubectl's -o go-template: outputs and errors recorded from the real kubectl (see the fixture's
// recordedWith) on objects it built with --dry-run=client.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runGoTemplate } from "../../../../worker/sim/kubectl/printers/go-template.ts";
import { simTerminal } from "../../console.ts";

type Case = { template: string; stdout: string; stderr: string; exitCode: number };
type Fixture = { objects: Record<string, { object: unknown; cases: Case[] }> };

const fixture = JSON.parse(readFileSync(new URL("./go-template-kubectl.json", import.meta.url), "utf8")) as Fixture;

/** kubectl marshals the typed object it built, in its fields' order (the fixture keeps that order); encoding/json escapes <, > and &. */
const rawJson = (object: unknown): string => JSON.stringify(object).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

describe.each(Object.entries(fixture.objects))("go-template on the %s kubectl printed", (_, { object, cases }) => {
  it.each(cases)("$template", ({ template, stdout, stderr, exitCode }) => {
    const result = runGoTemplate(template, object, rawJson(object));
    expect(result.output).toBe(stdout);
    expect(result.ok ? "" : result.error).toBe(stderr);
    expect(result.ok ? 0 : 1).toBe(exitCode);
  });
});

describe("kubectl -o go-template in the console", () => {
  it("lists the nodes' names and internal IPs with range and a nested filter", () => {
    const term = simTerminal(5);
    const { output, exitCode } = term(
      `kubectl get nodes -o go-template='{{range .items}}{{.metadata.name}}{{range .status.addresses}}{{if eq .type "InternalIP"}} {{.address}}{{end}}{{end}}{{"\\n"}}{{end}}'`,
    );
    expect(exitCode).toBe(0);
    expect(output).toMatch(/^(\S+ \d+\.\d+\.\d+\.\d+\n){3}$/);
  });

  it("prints get's whole numbers as integers and the service's ports with printf", () => {
    const term = simTerminal(5);
    expect(term(`kubectl get svc kubernetes -o go-template='{{range .spec.ports}}{{printf "%s/%d" .name .port}}{{end}}'`)).toEqual({
      output: "https/443",
      exitCode: 0,
    });
  });

  it("takes the template from --template, alone or with a bare -o go-template or -o template", () => {
    const term = simTerminal(5);
    for (const flags of ["--template='{{.kind}}'", "-o go-template --template='{{.kind}}'", "-o template --template='{{.kind}}'"]) {
      expect(term(`kubectl get svc kubernetes ${flags}`)).toEqual({ output: "Service", exitCode: 0 });
    }
    expect(term(`kubectl get svc kubernetes -o go-template='{{.a}}' --template='{{.kind}}'`).output).toMatch(
      /^error: unable to match a printer suitable for the output format "go-template=\{\{\.a\}\}", allowed formats are: custom-columns,/,
    );
  });

  it("reports a template that does not parse as kubectl does, and a bare format without a template", () => {
    const term = simTerminal(5);
    expect(term(`kubectl get svc kubernetes -o go-template='{{.x'`)).toEqual({
      output: "error: error parsing template {{.x, template: output:1: unclosed action\n",
      exitCode: 1,
    });
    expect(term("kubectl get svc kubernetes -o go-template")).toEqual({ output: "error: template format specified but no template given\n", exitCode: 1 });
  });

  it("prints what came before an execution error and kubectl's debugging text, then the error", () => {
    const term = simTerminal(5);
    const { output, exitCode } = term(`kubectl get svc kubernetes -o go-template='{{.metadata.name}} {{.spec.ports.x}}'`);
    expect(exitCode).toBe(1);
    expect(output).toMatch(/^kubernetes Error executing template: template: output:1:26: executing "output" at <\.spec\.ports\.x>: can't evaluate field x in type interface \{\}\. Printing more information/);
    expect(output).toContain('\traw data was:\n\t\t{"apiVersion":"v1","kind":"Service","metadata":{');
    expect(output).toMatch(/\n\nerror: error executing template "\{\{\.metadata\.name\}\} \{\{\.spec\.ports\.x\}\}": template: output:1:26: .*\n$/);
  });

  it("answers for a template file as kubectl does for a missing file", () => {
    const term = simTerminal(5);
    for (const format of ["go-template-file", "templatefile"]) {
      expect(term(`kubectl get svc kubernetes -o ${format}=svc.tmpl`)).toEqual({
        output: "error: error reading --template svc.tmpl, open svc.tmpl: no such file or directory\n",
        exitCode: 1,
      });
    }
  });

  it("prints what create --dry-run=client built, and checks the template before anything is sent", () => {
    const term = simTerminal(5);
    expect(term(`kubectl create deployment web --image=nginx --replicas=2 --dry-run=client -o go-template='{{.metadata.name}} {{.spec.replicas}}'`)).toEqual({
      output: "web 2",
      exitCode: 0,
    });
    expect(term(`kubectl create deployment web --image=nginx -o go-template='{{end}}'`)).toEqual({
      output: "error: error parsing template {{end}}, template: output:1: unexpected {{end}}\n",
      exitCode: 1,
    });
    expect(term("kubectl get deployment web").output).toContain("NotFound");
  });
});
