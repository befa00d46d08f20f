// helm's template functions as sprig v3 and helm's engine define them, run through the console's Go
// template engine as a template set (the chart's files parsed together, include reaching their
// defines, .Capabilities.APIVersions.Has a method with an argument).
import { describe, expect, it } from "vitest";
import { GoMethods, executeTemplateSet, parseTemplateSet } from "../../../worker/sim/kubectl/printers/go-template.ts";
import { goEmpty, helmFuncs, helmToYaml } from "../../../worker/sim/helm/funcs.ts";

function render(text: string, data: unknown = {}, partials = ""): string {
  const parsed = parseTemplateSet([{ name: "c/templates/_helpers.tpl", text: partials }, { name: "c/templates/t.yaml", text }], helmFuncs);
  if (!parsed.ok) throw new Error(parsed.error);
  const r = executeTemplateSet(parsed.set, "c/templates/t.yaml", data);
  if (!r.ok) return `ERROR ${r.error}`;
  return r.output;
}

describe("sprig and helm functions", () => {
  it("default and empty follow reflect's zero values", () => {
    expect(render(`{{ default "d" .a }} {{ default "d" .b }} {{ default "d" .c }} {{ default "d" .e }}`, { a: "", b: 0, c: [], e: "x" })).toBe("d d d x");
    expect([goEmpty({}), goEmpty(false), goEmpty(" "), goEmpty(null)]).toEqual([true, true, false, true]);
  });

  it("string functions take their arguments in sprig's order", () => {
    expect(render(`{{ "nginx-gateway-fabric-long-name" | trunc 13 | trimSuffix "-" }}`)).toBe("nginx-gateway");
    expect(render(`{{ contains "gateway" "ngf-gateway" }} {{ replace "+" "_" "1.0+b" }} {{ "x" | quote }} {{ 3 | quote }}`)).toBe('true 1.0_b "x" "3"');
    expect(render(`a:{{ .s | nindent 2 }}`, { s: "b: 1\nc: 2" })).toBe("a:\n  b: 1\n  c: 2");
  });

  it("include runs a define of another file of the set; toYaml is sigs.k8s.io/yaml's, less its last newline", () => {
    expect(render(`{{ include "c.name" . }}`, { Release: { Name: "ngf" } }, `{{- define "c.name" -}}{{ .Release.Name }}-chart{{- end }}`)).toBe("ngf-chart");
    expect(render(`{{ toYaml .v }}`, { v: { b: [1, "2"], a: "yes" } })).toBe("a: \"yes\"\nb:\n- 1\n- \"2\"");
    expect(helmToYaml({})).toBe("{}");
  });

  it("dict, merge (keeping the destination's values), kindIs, has, append, join, hasKey", () => {
    expect(render(`{{ $d := dict "a" 1 }}{{ $d = merge $d (dict "a" 2 "b" 3) }}{{ toYaml $d }}`)).toBe("a: 1\nb: 3");
    expect(render(`{{ kindIs "slice" .l }} {{ kindIs "map" .m }} {{ has "x" .l }} {{ join "," (append .l "y") }} {{ hasKey .m "k" }}`, { l: ["x"], m: { k: 1 } })).toBe("true true true x,y true");
  });

  it("calls a value's method with its argument (.Capabilities.APIVersions.Has)", () => {
    const data = { Capabilities: { APIVersions: new GoMethods("chartutil.VersionSet", { Has: ([v]) => v === "v1" }) } };
    expect(render(`{{ .Capabilities.APIVersions.Has "v1" }} {{ .Capabilities.APIVersions.Has "x/v1" }}`, data)).toBe("true false");
  });

  it("reports a parse error as helm's cleanupParseError words it", () => {
    expect(parseTemplateSet([{ name: "c/templates/t.yaml", text: "a\n{{ nope }}" }], helmFuncs)).toEqual({ ok: false, error: 'parse error at (c/templates/t.yaml:2): function "nope" not defined' });
  });

  it("reports required's and fail's errors as function errors, with the file and position", () => {
    expect(render(`{{ required "a name is required" .name }}`)).toBe('ERROR template: c/templates/t.yaml:1:3: executing "c/templates/t.yaml" at <required "a name is required" .name>: error calling required: a name is required');
  });
});
